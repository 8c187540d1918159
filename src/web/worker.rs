//! The worker side: runs in a classic Web Worker, reads only slices of the
//! user's File with `FileReaderSync` into a reused buffer, drives the sans-IO
//! probe, and computes the CRC-32 pass for the bundle. Messages are the
//! typed protocol of [`super::protocol`].

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Blob, DedicatedWorkerGlobalScope, FileReaderSync, MessageEvent};

use super::UiError;
use super::protocol::{FromWorker, ToWorker, file_id};
use crate::Error;
use crate::probe::{self, MediaInfo};

/// CRC pass chunk: well under the 8 MiB buffer budget.
pub const CRC_CHUNK: u64 = crate::submission::READ_CHUNK as u64;

/// The BYOB stream's buffer: Chromium's Blob streams hand over at most 2 MiB
/// per read (measured: never more in the bench's 4 GB passes), so a larger
/// buffer would only be memory.
pub const STREAM_CHUNK: u32 = 2 * 1024 * 1024;

fn now() -> f64 {
    js_sys::global()
        .unchecked_into::<DedicatedWorkerGlobalScope>()
        .performance()
        .map(|p| p.now())
        .unwrap_or(0.0)
}

fn post(scope: &DedicatedWorkerGlobalScope, msg: &FromWorker) {
    if let Ok(text) = serde_json::to_string(msg) {
        let _ = scope.post_message(&JsValue::from_str(&text));
    }
}

/// Read `[off, off+buf.len())` of a Blob into `buf`; returns the bytes read.
pub fn read_into(
    reader: &FileReaderSync,
    blob: &Blob,
    off: u64,
    buf: &mut [u8],
) -> Result<usize, Error> {
    let end = off.saturating_add(buf.len() as u64);
    let slice = blob
        .slice_with_f64_and_f64(off as f64, end as f64)
        .map_err(|_| Error::io("Blob.slice"))?;
    let ab = reader
        .read_as_array_buffer(&slice)
        .map_err(|e| Error::io(&format!("FileReaderSync: {e:?}")))?;
    let arr = Uint8Array::new(&ab);
    let n = (arr.length() as usize).min(buf.len());
    arr.subarray(0, n as u32).copy_to(&mut buf[..n]);
    Ok(n)
}

/// Probe a File in this worker.
pub fn probe_blob(blob: &Blob, name: &str) -> Result<MediaInfo, Error> {
    let reader = FileReaderSync::new().map_err(|_| Error::io("FileReaderSync"))?;
    let size = blob.size();
    if !(size.is_finite() && size >= 0.0) {
        return Err(Error::io("file size"));
    }
    let mut info = probe::probe_with(size as u64, |off, buf| read_into(&reader, blob, off, buf))?;
    info.file = name.to_string();
    Ok(info)
}

/// CRC-32 of a whole Blob, reading 4 MiB slices into one buffer; calls
/// `progress(done)` about every 32 MiB.
pub fn crc_blob(blob: &Blob, progress: impl FnMut(u64)) -> Result<u32, Error> {
    crc_range(blob, 0, blob.size() as u64, progress)
}

/// CRC-32 of `[start, end)` of a Blob: one worker's share of a parallel pass
/// (the page joins the shares with CRC-32 combine).
pub fn crc_range(
    blob: &Blob,
    start: u64,
    end: u64,
    progress: impl FnMut(u64),
) -> Result<u32, Error> {
    crc_resume(blob, crate::crc::Hasher::new(), start, start, end, progress)
}

/// Go on with a CRC whose `hasher` has taken `[start, off)`, up to `end`,
/// reading 4 MiB slices with `FileReaderSync` into one buffer; `progress`
/// gets the bytes done since `start`, about every 32 MiB and at the end.
fn crc_resume(
    blob: &Blob,
    mut h: crate::crc::Hasher,
    start: u64,
    mut off: u64,
    end: u64,
    mut progress: impl FnMut(u64),
) -> Result<u32, Error> {
    let reader = FileReaderSync::new().map_err(|_| Error::io("FileReaderSync"))?;
    let size = end.min(blob.size() as u64);
    let mut buf = vec![0u8; CRC_CHUNK as usize];
    off = off.min(size);
    let mut last = off;
    while off < size {
        let want = (size - off).min(CRC_CHUNK) as usize;
        let n = read_into(&reader, blob, off, &mut buf[..want])?;
        if n == 0 {
            return Err(Error::truncated("file shrank while reading"));
        }
        h.update(&buf[..n]);
        off += n as u64;
        if off - last >= 32 * 1024 * 1024 || off == size {
            progress(off - start);
            last = off;
        }
    }
    Ok(h.finalize())
}

/// How long one read of a Blob stream may take before the pass stops
/// waiting for it. A 4 MiB read takes milliseconds; Chromium's BYOB reader has
/// been seen to stop answering over multi-GB Files, which would otherwise
/// freeze the progress bar for good.
pub const STALL_MS: i32 = 10_000;

/// What [`crc_range_byob`] got to.
pub enum Byob {
    Done(u32),
    /// The browser's Blob streams have no BYOB reader (older WebViews).
    Unsupported,
    /// A read took longer than the stall limit: the stream was cancelled
    /// after `done` bytes, which `hasher` has taken.
    Stalled {
        hasher: crate::crc::Hasher,
        done: u64,
    },
}

/// A promise that resolves to `undefined` after `ms`, and its timer id.
fn timeout(ms: i32) -> (js_sys::Promise, JsValue) {
    let global = js_sys::global();
    let mut id = JsValue::UNDEFINED;
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(set) = Reflect::get(&global, &"setTimeout".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        {
            id = set
                .call2(&global, &resolve, &JsValue::from(ms))
                .unwrap_or(JsValue::UNDEFINED);
        }
    });
    (promise, id)
}

fn clear_timeout(id: &JsValue) {
    let global = js_sys::global();
    if let Some(clear) = Reflect::get(&global, &"clearTimeout".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    {
        let _ = clear.call1(&global, id);
    }
}

/// The CRC of `[start, end)` read through a BYOB stream reader into one
/// reused 2 MiB buffer: no allocation per chunk, so memory stays flat (a
/// FileReaderSync pass leaves every chunk's ArrayBuffer to the GC, and the
/// renderer grows by hundreds of MB over a large file). Works in a worker and
/// on the page. Where the browser has no BYOB reader, or a read takes longer
/// than `stall_ms`, it says so and how far it got, and the caller reads the
/// rest another way.
pub async fn crc_range_byob(
    blob: &Blob,
    start: u64,
    end: u64,
    mut progress: impl FnMut(u64),
    stall_ms: i32,
) -> Result<Byob, Error> {
    let slice = blob
        .slice_with_f64_and_f64(start as f64, end as f64)
        .map_err(|_| Error::io("Blob.slice"))?;
    let stream = slice.stream();
    let opts = js_sys::Object::new();
    let _ = Reflect::set(&opts, &"mode".into(), &"byob".into());
    let get_reader = match Reflect::get(&stream, &"getReader".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    {
        Some(f) => f,
        None => return Ok(Byob::Unsupported),
    };
    let Ok(reader) = get_reader.call1(&stream, &opts) else {
        return Ok(Byob::Unsupported);
    };
    let method = |name: &str| {
        Reflect::get(&reader, &name.into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    };
    let read = method("read").ok_or_else(|| Error::io("BYOB reader"))?;
    let mut buffer = js_sys::ArrayBuffer::new(STREAM_CHUNK);
    let mut wasm_buf = vec![0u8; STREAM_CHUNK as usize];
    let mut h = crate::crc::Hasher::new();
    let (mut done_bytes, mut last) = (0u64, 0u64);
    loop {
        let view = Uint8Array::new(&buffer);
        let promise: js_sys::Promise = read
            .call1(&reader, &view)
            .map_err(|e| Error::io(&format!("stream read: {e:?}")))?
            .dyn_into()
            .map_err(|_| Error::io("stream read"))?;
        let (timer, timer_id) = timeout(stall_ms);
        let race = js_sys::Promise::race(&js_sys::Array::of2(&promise, &timer));
        let res = wasm_bindgen_futures::JsFuture::from(race).await;
        clear_timeout(&timer_id);
        let res = res.map_err(|e| Error::io(&format!("stream read: {e:?}")))?;
        if res.is_undefined() {
            if let Some(cancel) = method("cancel") {
                let _ = cancel.call0(&reader);
            }
            return Ok(Byob::Stalled {
                hasher: h,
                done: done_bytes,
            });
        }
        if Reflect::get(&res, &"done".into())
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(true)
        {
            break;
        }
        let value: Uint8Array = Reflect::get(&res, &"value".into())
            .ok()
            .and_then(|v| v.dyn_into().ok())
            .ok_or_else(|| Error::io("stream value"))?;
        let n = (value.length() as usize).min(wasm_buf.len());
        value.subarray(0, n as u32).copy_to(&mut wasm_buf[..n]);
        h.update(&wasm_buf[..n]);
        done_bytes += n as u64;
        // The buffer came back (transferred): reuse it.
        buffer = value.buffer();
        if done_bytes - last >= 32 * 1024 * 1024 {
            progress(done_bytes);
            last = done_bytes;
        }
    }
    if done_bytes != end.saturating_sub(start) {
        return Err(Error::truncated("file shrank while reading"));
    }
    progress(done_bytes);
    Ok(Byob::Done(h.finalize()))
}

/// One worker's share of the CRC pass: through the BYOB stream, and with
/// `FileReaderSync` from where it stopped if the stream is missing or stalls.
pub async fn crc_range_any(
    blob: &Blob,
    start: u64,
    end: u64,
    progress: impl FnMut(u64) + Copy,
    stall_ms: i32,
) -> Result<u32, Error> {
    match crc_range_byob(blob, start, end, progress, stall_ms).await? {
        Byob::Done(crc) => Ok(crc),
        Byob::Unsupported => crc_range(blob, start, end, progress),
        Byob::Stalled { hasher, done } => crc_resume(
            blob,
            hasher,
            start,
            start.saturating_add(done),
            end,
            progress,
        ),
    }
}

/// Answer one request about `file`, posting every reply (progress, then the
/// result) through `post`. Each reply names the request's pick (and share).
pub async fn answer(req: ToWorker, file: Blob, post: impl Fn(&FromWorker)) {
    let t0 = now();
    match req {
        ToWorker::Probe { pick } => {
            let facts = file_id(&file);
            let result = probe_blob(&file, &facts.name).map_err(UiError::from);
            post(&FromWorker::Probed {
                pick,
                file: facts,
                result,
                ms: now() - t0,
            });
        }
        ToWorker::Crc {
            pick,
            share,
            start,
            end,
        } => {
            let progress = |done: u64| {
                post(&FromWorker::Progress {
                    pick,
                    share,
                    done,
                    ms: now() - t0,
                })
            };
            let result = crc_range_any(&file, start, end, &progress, STALL_MS)
                .await
                .map_err(UiError::from);
            post(&FromWorker::Crc {
                pick,
                share,
                result,
                size: end.saturating_sub(start),
                ms: now() - t0,
            });
        }
    }
}

/// Entry point of the worker binary.
pub fn run() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let s2 = scope.clone();
    let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let data = e.data();
        let get = |k: &str| Reflect::get(&data, &k.into()).ok();
        let req = get("msg")
            .and_then(|v| v.as_string())
            .and_then(|t| serde_json::from_str::<ToWorker>(&t).ok());
        let file = get("file").and_then(|v| v.dyn_into::<Blob>().ok());
        let (req, file) = match (req, file) {
            (Some(r), Some(f)) => (r, f),
            (req, _) => {
                let (pick, share) = match req {
                    Some(ToWorker::Probe { pick }) => (Some(pick), None),
                    Some(ToWorker::Crc { pick, share, .. }) => (Some(pick), Some(share)),
                    None => (None, None),
                };
                post(
                    &s2,
                    &FromWorker::Failed {
                        pick,
                        share,
                        error: UiError::internal("bad request to the worker"),
                    },
                );
                return;
            }
        };
        let s3 = s2.clone();
        wasm_bindgen_futures::spawn_local(answer(req, file, move |m| post(&s3, m)));
    });
    scope.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    handler.forget();
    post(
        &scope,
        &FromWorker::Ready {
            build: super::update::build_id(),
        },
    );
}
