//! The remux request in a real dedicated Web Worker (where `FileReaderSync`
//! exists), by wasm-bindgen-test-runner in headless Chromium:
//!
//!   CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test fix_worker
//!
//! The worker answers `ToWorker::Fix` with the plan of the committed
//! moov-at-end `tiny.mp4`, reading its headers and moov only; the page's Blob
//! of that plan has the moov first and the same media bytes. On native
//! targets this file compiles to nothing (tests/fix.rs tests the remux there).
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;

use js_sys::{Array, Uint8Array};
use preflight::fix::Piece;
use preflight::web::protocol::{FromWorker, ToWorker, fixed_blob};
use preflight::web::worker::answer;
use wasm_bindgen_test::*;
use web_sys::{Blob, FileReaderSync};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const TINY: &[u8] = include_bytes!("data/tiny.mp4");

/// Top-level boxes (32-bit sizes): (type, start, end).
fn boxes(data: &[u8]) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 8 <= data.len() {
        let size = u32::from_be_bytes(data[at..at + 4].try_into().unwrap()) as usize;
        out.push((
            String::from_utf8_lossy(&data[at + 4..at + 8]).into_owned(),
            at,
            at + size,
        ));
        at += size;
    }
    out
}

#[wasm_bindgen_test]
async fn the_worker_plans_the_fix_and_the_page_blob_is_moov_first() {
    let arr = Array::new();
    arr.push(&Uint8Array::from(TINY));
    let file = Blob::new_with_u8_array_sequence(&arr).unwrap();
    let got = RefCell::new(Vec::new());
    answer(
        ToWorker::Fix {
            pick: 7,
            faststart: true,
            mp4: true,
            strip_location: true,
            strip_device: false,
        },
        file.clone(),
        |m| got.borrow_mut().push(m.clone()),
    )
    .await;
    let got = got.into_inner();
    assert_eq!(got.len(), 1);
    // Through the wire as the page gets it.
    let wire: FromWorker = serde_json::from_str(&serde_json::to_string(&got[0]).unwrap()).unwrap();
    let FromWorker::Fixed {
        pick,
        result,
        bytes_read,
        ..
    } = wire
    else {
        panic!("{:?}", got[0]);
    };
    assert_eq!(pick, 7);
    let plan = result.unwrap().expect("tiny.mp4 has its moov at the end");
    let top = boxes(TINY);
    let moov = top.iter().find(|b| b.0 == "moov").unwrap();
    let mdat = top.iter().find(|b| b.0 == "mdat").unwrap();
    assert!(mdat.1 < moov.1);
    assert!(
        bytes_read <= (moov.2 - moov.1) as u64 + 64 * 1024,
        "{bytes_read}"
    );
    assert_eq!(
        plan.changes
            .iter()
            .map(|c| c.code.as_str())
            .collect::<Vec<_>>(),
        ["faststart"]
    );
    assert!(matches!(plan.pieces.last(), Some(Piece::Copy { .. })));
    let out = fixed_blob(&file, &plan).unwrap();
    assert_eq!(out.size() as u64, plan.size);
    let bytes = Uint8Array::new(
        &FileReaderSync::new()
            .unwrap()
            .read_as_array_buffer(&out)
            .unwrap(),
    )
    .to_vec();
    let kinds: Vec<String> = boxes(&bytes).into_iter().map(|b| b.0).collect();
    let (m, d) = (
        kinds.iter().position(|k| k == "moov").unwrap(),
        kinds.iter().position(|k| k == "mdat").unwrap(),
    );
    assert!(m < d, "{kinds:?}");
    // The media bytes are the original's, only moved.
    let new_mdat = boxes(&bytes).into_iter().find(|b| b.0 == "mdat").unwrap();
    assert_eq!(&bytes[new_mdat.1..new_mdat.2], &TINY[mdat.1..mdat.2]);
    let info = preflight::probe::probe_bytes(&bytes).unwrap();
    assert_eq!(info.faststart, Some(true));
    assert_eq!(
        info.duration_s,
        preflight::probe::probe_bytes(TINY).unwrap().duration_s
    );
}
