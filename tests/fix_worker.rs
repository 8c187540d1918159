//! The tools worker's remux request in a real dedicated Web Worker (where
//! `FileReaderSync` exists), by wasm-bindgen-test-runner in headless Chromium:
//!
//!   CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test fix_worker
//!
//! The tools worker answers `ToTools::Fix` with the plan of the committed
//! moov-at-end `tiny.mp4` (new bytes and ranges of the file), reading its
//! headers and moov only; the page's Blob of that plan has the moov first and
//! the same media bytes. On native
//! targets this file compiles to nothing (tests/fix.rs tests the remux there).
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Uint8Array};
use preflight::tools_worker::{FromTools, ToTools, answer};
use preflight::web::tools::blob_of;
use wasm_bindgen::JsCast;
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
fn the_worker_plans_the_fix_and_the_page_blob_is_moov_first() {
    let arr = Array::new();
    arr.push(&Uint8Array::from(TINY));
    let file = Blob::new_with_u8_array_sequence(&arr).unwrap();
    let (msg, parts) = answer(
        &ToTools::Fix {
            id: 7,
            faststart: true,
            mp4: true,
            strip_location: true,
            strip_device: false,
        },
        std::slice::from_ref(&file),
    );
    // Through the wire as the page gets it.
    let wire: FromTools = serde_json::from_str(&serde_json::to_string(&msg).unwrap()).unwrap();
    let FromTools::Done { id, result } = wire else {
        panic!("{msg:?}");
    };
    assert_eq!(id, 7);
    let made = result.unwrap();
    let top = boxes(TINY);
    let moov = top.iter().find(|b| b.0 == "moov").unwrap();
    let mdat = top.iter().find(|b| b.0 == "mdat").unwrap();
    assert!(mdat.1 < moov.1);
    assert!(
        made.bytes_read <= (moov.2 - moov.1) as u64 + 64 * 1024,
        "{}",
        made.bytes_read
    );
    assert_eq!(
        made.changes
            .iter()
            .map(|c| c.code.as_str())
            .collect::<Vec<_>>(),
        ["faststart"]
    );
    // The media is a range of the file, not bytes in the reply.
    assert!(!parts.get(parts.length() - 1).is_instance_of::<Uint8Array>());
    let out = blob_of(std::slice::from_ref(&file), &parts, "video/mp4").unwrap();
    assert_eq!(out.size() as u64, made.size);
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
