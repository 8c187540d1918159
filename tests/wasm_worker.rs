//! The worker-side reading code, run in a real dedicated Web Worker (where
//! `FileReaderSync` exists) by wasm-bindgen-test-runner in headless Chromium:
//!
//!   CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test wasm_worker
//!
//! (`.cargo/config.toml` names the runner; `webdriver.json` gives Chromium its flags.)
//! On native targets this file compiles to nothing.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Uint8Array};
use preflight::bundle::FileId;
use preflight::web::protocol::{FromWorker, ToWorker, file_id};
use preflight::web::worker::{
    Byob, CRC_CHUNK, answer, crc_blob, crc_range_any, crc_range_byob, probe_blob, read_into,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use web_sys::{Blob, FileReaderSync};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// 2 s, 64×36, 5 fps H.264 + mono AAC, moov at the end (made by ffmpeg).
const TINY: &[u8] = include_bytes!("data/tiny.mp4");

fn blob(parts: &[&[u8]]) -> Blob {
    let arr = Array::new();
    for p in parts {
        arr.push(&Uint8Array::from(*p));
    }
    Blob::new_with_u8_array_sequence(&arr).expect("Blob")
}

/// Bytes 0, 1, …, 250, 0, 1, … (a prime period, so offsets are visible).
fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8).collect()
}

/// Top-level boxes of an MP4 with 32-bit sizes: (type, start, end).
fn boxes(data: &[u8]) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 8 <= data.len() {
        let size = u32::from_be_bytes(data[at..at + 4].try_into().unwrap()) as usize;
        let kind = String::from_utf8_lossy(&data[at + 4..at + 8]).into_owned();
        assert!(size >= 8, "box {kind} has a 64-bit or zero size");
        out.push((kind, at, at + size));
        at += size;
    }
    out
}

#[wasm_bindgen_test]
fn read_into_reads_at_offsets() {
    let data = pattern(1000);
    let b = blob(&[&data[..600], &data[600..]]);
    let reader = FileReaderSync::new().unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(read_into(&reader, &b, 0, &mut buf).unwrap(), 16);
    assert_eq!(&buf[..], &data[..16]);
    // Across the two parts of the Blob.
    let mut buf = vec![0u8; 100];
    assert_eq!(read_into(&reader, &b, 550, &mut buf).unwrap(), 100);
    assert_eq!(&buf[..], &data[550..650]);
    // An empty buffer reads nothing.
    assert_eq!(read_into(&reader, &b, 10, &mut []).unwrap(), 0);
}

#[wasm_bindgen_test]
fn read_into_short_read_at_eof() {
    let data = pattern(1000);
    let b = blob(&[&data]);
    let reader = FileReaderSync::new().unwrap();
    let mut buf = vec![0xEEu8; 100];
    assert_eq!(read_into(&reader, &b, 990, &mut buf).unwrap(), 10);
    assert_eq!(&buf[..10], &data[990..]);
    assert!(
        buf[10..].iter().all(|&x| x == 0xEE),
        "bytes past EOF were touched"
    );
    assert_eq!(read_into(&reader, &b, 1000, &mut buf).unwrap(), 0);
    assert_eq!(read_into(&reader, &b, 1 << 40, &mut buf).unwrap(), 0);
}

#[wasm_bindgen_test]
fn read_into_reuses_the_buffer() {
    let data = pattern(4096);
    let b = blob(&[&data]);
    let reader = FileReaderSync::new().unwrap();
    let mut buf = vec![0u8; 256];
    let ptr = buf.as_ptr();
    for off in [0u64, 3000, 17, 4000] {
        let n = read_into(&reader, &b, off, &mut buf).unwrap();
        let want = &data[off as usize..(off as usize + 256).min(data.len())];
        assert_eq!(n, want.len());
        assert_eq!(&buf[..n], want, "offset {off}");
    }
    assert_eq!(buf.as_ptr(), ptr);
    assert_eq!(buf.len(), 256);
}

#[wasm_bindgen_test]
fn probe_blob_reads_a_small_mp4() {
    let info = probe_blob(&blob(&[TINY]), "tiny.mp4").unwrap();
    assert_eq!(info.file, "tiny.mp4");
    assert_eq!(info.container, "mp4");
    assert_eq!(info.size_bytes, TINY.len() as u64);
    let d = info.duration_s.unwrap();
    assert!((d - 2.0).abs() < 0.05, "duration {d}");
    let v = info.video.as_ref().unwrap();
    assert_eq!(v.codec, "h264");
    assert_eq!((v.width, v.height), (64, 36));
    assert_eq!(info.audio.as_ref().unwrap().codec, "aac");
    assert_eq!(info.faststart, Some(false));
    assert!(info.bytes_read <= TINY.len() as u64);
}

/// ftyp, a 64 MiB mdat of zeros, then the moov: the probe must jump over the
/// mdat rather than read it.
#[wasm_bindgen_test]
fn probe_blob_skips_a_large_mdat() {
    let bx = boxes(TINY);
    let get = |k: &str| {
        let (_, s, e) = bx.iter().find(|b| b.0 == k).unwrap();
        &TINY[*s..*e]
    };
    let (ftyp, moov) = (get("ftyp"), get("moov"));
    const MDAT: usize = 64 << 20;
    let mut head = Vec::new();
    head.extend_from_slice(&1u32.to_be_bytes());
    head.extend_from_slice(b"mdat");
    head.extend_from_slice(&(16 + MDAT as u64).to_be_bytes());
    let zeros = vec![0u8; 1 << 20];
    let arr = Array::new();
    arr.push(&Uint8Array::from(ftyp));
    arr.push(&Uint8Array::from(&head[..]));
    let z = Uint8Array::from(&zeros[..]);
    for _ in 0..(MDAT >> 20) {
        arr.push(&z);
    }
    arr.push(&Uint8Array::from(moov));
    let b = Blob::new_with_u8_array_sequence(&arr).unwrap();
    let total = (ftyp.len() + 16 + MDAT + moov.len()) as u64;
    assert_eq!(b.size() as u64, total);
    let info = probe_blob(&b, "big.mp4").unwrap();
    assert_eq!(info.size_bytes, total);
    assert_eq!(info.video.as_ref().unwrap().codec, "h264");
    assert!(
        info.bytes_read < moov.len() as u64 + 64 * 1024,
        "read {} bytes of {total}",
        info.bytes_read
    );
}

#[wasm_bindgen_test]
fn probe_blob_refuses_garbage() {
    let data = pattern(5000);
    assert!(probe_blob(&blob(&[&data]), "x.mp4").is_err());
    assert!(probe_blob(&blob(&[]), "empty.mp4").is_err());
}

#[wasm_bindgen_test]
fn crc_blob_matches_crc32fast() {
    let want = crc32fast::hash(TINY);
    let mut seen = Vec::new();
    let got = crc_blob(&blob(&[TINY]), |d| seen.push(d)).unwrap();
    assert_eq!(got, want);
    assert_eq!(seen, vec![TINY.len() as u64]);
    assert_eq!(crc_blob(&blob(&[]), |_| {}).unwrap(), crc32fast::hash(&[]));
}

#[wasm_bindgen_test]
fn crc_blob_over_several_chunks() {
    // Not a multiple of the chunk, so the last read is short.
    let n = (2 * CRC_CHUNK + 12_345) as usize;
    let data = pattern(n);
    let mut seen = Vec::new();
    let got = crc_blob(&blob(&[&data]), |d| seen.push(d)).unwrap();
    assert_eq!(got, crc32fast::hash(&data));
    assert_eq!(seen.last().copied(), Some(n as u64));
}

#[wasm_bindgen(inline_js = r#"
// Every slice of `blob` gets a byte stream that delivers its first `n` bytes
// (in reads of at most 1 MiB) and then never answers: a stalled BYOB read,
// as Chromium has shown over multi-GB Files.
export function stall_after(blob, n) {
  const slice = blob.slice.bind(blob);
  blob.slice = (a, b) => {
    const s = slice(a, b);
    s.stream = () => {
      let sent = 0;
      return new ReadableStream({
        type: 'bytes',
        async pull(c) {
          if (sent >= n) return new Promise(() => {});
          const req = c.byobRequest;
          const k = Math.min(req.view.byteLength, 1 << 20, n - sent, s.size - sent);
          if (k <= 0) { c.close(); req.respond(0); return; }
          const bytes = new Uint8Array(await s.slice(sent, sent + k).arrayBuffer());
          new Uint8Array(req.view.buffer, req.view.byteOffset, k).set(bytes);
          sent += k;
          req.respond(k);
        },
      });
    };
    return s;
  };
}
"#)]
extern "C" {
    fn stall_after(blob: &Blob, n: f64);
}

#[wasm_bindgen_test]
async fn byob_crc_of_a_range_matches_crc32fast() {
    let n = (2 * CRC_CHUNK + 777) as usize;
    let data = pattern(n);
    let b = blob(&[&data[..1000], &data[1000..]]);
    for (start, end) in [(0, n), (999, n - 5), (CRC_CHUNK as usize, n), (n, n)] {
        let mut seen = Vec::new();
        let got = crc_range_byob(&b, start as u64, end as u64, |d| seen.push(d), 10_000)
            .await
            .unwrap();
        let Byob::Done(crc) = got else {
            panic!("the stream of {start}..{end} did not finish");
        };
        assert_eq!(crc, crc32fast::hash(&data[start..end]), "{start}..{end}");
        assert_eq!(seen.last().copied(), Some((end - start) as u64));
    }
}

#[wasm_bindgen_test]
async fn a_stalled_stream_is_given_up_and_the_pass_goes_on() {
    let n = (CRC_CHUNK + 5_000) as usize;
    let data = pattern(n);
    let b = blob(&[&data]);
    stall_after(&b, 300_000.0);
    // The stream alone: it stops, and says how far it got.
    match crc_range_byob(&b, 0, n as u64, |_| {}, 200).await.unwrap() {
        Byob::Stalled { hasher, done } => {
            assert_eq!(done, 300_000);
            assert_eq!(hasher.finalize(), crc32fast::hash(&data[..300_000]));
        }
        Byob::Done(_) => panic!("a stream that never answers finished"),
        Byob::Unsupported => panic!("this Chromium has BYOB readers"),
    }
    // The pass: FileReaderSync reads the rest, and the CRC is the file's.
    let mut seen = Vec::new();
    let seen_ref = std::cell::RefCell::new(&mut seen);
    let progress = |d| seen_ref.borrow_mut().push(d);
    let got = crc_range_any(&b, 10, n as u64, &progress, 200)
        .await
        .unwrap();
    assert_eq!(got, crc32fast::hash(&data[10..]));
    assert_eq!(seen.last().copied(), Some((n - 10) as u64));
}

#[wasm_bindgen(
    inline_js = "export function make_file(bytes, name, ms) { return new File([bytes], name, { lastModified: ms }); }"
)]
extern "C" {
    fn make_file(bytes: &Uint8Array, name: &str, ms: f64) -> web_sys::File;
}

/// A File made of `data`, named `name`, modified at `ms`.
fn new_file(data: &[u8], name: &str, ms: f64) -> web_sys::File {
    make_file(&Uint8Array::from(data), name, ms)
}

/// Every reply `answer` posts for `req`, each through the wire's JSON text.
async fn replies(req: ToWorker, f: &web_sys::File) -> Vec<FromWorker> {
    // Through the wire: the request as the page sends it.
    let text = serde_json::to_string(&req).unwrap();
    let req: ToWorker = serde_json::from_str(&text).unwrap();
    let out = std::cell::RefCell::new(Vec::new());
    answer(req, f.clone().into(), |m: &FromWorker| {
        let text = serde_json::to_string(m).unwrap();
        out.borrow_mut()
            .push(serde_json::from_str::<FromWorker>(&text).unwrap());
    })
    .await;
    out.into_inner()
}

#[wasm_bindgen_test]
async fn a_probe_reply_names_its_pick_and_the_file_the_worker_saw() {
    let f = new_file(TINY, "b.mp4", 1_700_000_000_123.0);
    let got = replies(ToWorker::Probe { pick: 41 }, &f).await;
    let [
        FromWorker::Probed {
            pick, file, result, ..
        },
    ] = &got[..]
    else {
        panic!("one Probed reply, got {got:?}");
    };
    assert_eq!(*pick, 41);
    assert_eq!(
        *file,
        FileId {
            name: "b.mp4".into(),
            size: TINY.len() as u64,
            modified_ms: Some(1_700_000_000_123),
        }
    );
    assert_eq!(*file, file_id(&f));
    let info = result.as_ref().unwrap();
    assert_eq!(info.file, "b.mp4");
    assert_eq!(info.size_bytes, TINY.len() as u64);
    let v = info.video.as_ref().unwrap();
    assert_eq!((v.width, v.height), (64, 36));

    // A file that is not a video: the error comes back under the same pick.
    let got = replies(
        ToWorker::Probe { pick: 42 },
        &new_file(&pattern(5000), "x.mp4", 1.0),
    )
    .await;
    match &got[..] {
        [
            FromWorker::Probed {
                pick: 42,
                result: Err(e),
                ..
            },
        ] => assert!(!e.code.is_empty()),
        other => panic!("{other:?}"),
    }
}

#[wasm_bindgen_test]
async fn a_crc_share_reply_names_its_pick_and_share() {
    let n = (CRC_CHUNK + 999) as usize;
    let data = pattern(n);
    let f = new_file(&data, "a.mp4", 5.0);
    let got = replies(
        ToWorker::Crc {
            pick: 7,
            share: 9,
            start: 100,
            end: n as u64,
        },
        &f,
    )
    .await;
    let (last, progress) = got.split_last().expect("replies");
    for p in progress {
        assert!(
            matches!(
                p,
                FromWorker::Progress {
                    pick: 7,
                    share: 9,
                    ..
                }
            ),
            "{p:?}"
        );
    }
    match last {
        FromWorker::Crc {
            pick: 7,
            share: 9,
            result: Ok(crc),
            size,
            ..
        } => {
            assert_eq!(*crc, crc32fast::hash(&data[100..]));
            assert_eq!(*size, (n - 100) as u64);
        }
        other => panic!("{other:?}"),
    }
}
