//! The one protocol between the page and its workers: typed messages, serde
//! JSON text on the wire. A request travels as `{msg: "<ToWorker JSON>",
//! file: File}` (the File beside the text: it cannot be JSON, and posting it
//! shares it rather than copying its bytes); a reply is the `FromWorker` JSON
//! text itself. Every request and reply names the pick it belongs to, so the
//! page can drop an answer about a video the user has since replaced.

use serde::{Deserialize, Serialize};

use super::UiError;
use crate::Error;
use crate::bundle::FileId;
use crate::probe::MediaInfo;

/// What the browser says about a File without reading it (name, size,
/// `lastModified`): enough for [`crate::bundle::same_file`] to tell that the
/// file being zipped is the file that was checked.
pub fn file_id(blob: &web_sys::Blob) -> FileId {
    use wasm_bindgen::JsCast;
    let num = |x: f64| (x.is_finite() && x >= 0.0).then_some(x as u64);
    let file = blob.dyn_ref::<web_sys::File>();
    FileId {
        name: file.map(|f| f.name()).unwrap_or_default(),
        size: num(blob.size()).unwrap_or(0),
        modified_ms: file.and_then(|f| num(f.last_modified())),
    }
}

/// A File changed on disk since it was picked: the browser no longer reads it.
pub fn video_changed() -> Error {
    Error::new(
        "video_changed",
        "视频在检查之后被修改或替换过，浏览器已无法读取检查时的内容。请点“重新检查”，重新选择这个视频，检查通过后再打包。",
        "The video was changed or replaced after it was checked, and the browser can no longer read what was checked. Press \"Check again\" and pick the video again, then bundle once it passes.",
    )
}

/// Read the last byte of `file`: a File that changed on disk since it was
/// picked can no longer be read (Chromium and WebKit check its size and
/// modification time against the pick's), so it is not the file checked.
/// Firefox reads a changed file as it is now: one that shrank gives no byte
/// there, which is as much a change.
pub async fn still_readable(file: &web_sys::Blob) -> Result<(), Error> {
    let n = file.size();
    let want = if n >= 1.0 { 1.0 } else { 0.0 };
    let slice = file
        .slice_with_f64_and_f64((n - 1.0).max(0.0), n)
        .map_err(|_| video_changed())?;
    let buf = wasm_bindgen_futures::JsFuture::from(slice.array_buffer())
        .await
        .map_err(|_| video_changed())?;
    let got = js_sys::Reflect::get(&buf, &"byteLength".into())
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0);
    if got == want {
        Ok(())
    } else {
        Err(video_changed())
    }
}

/// Page → worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Probe the File sent beside this message.
    Probe { pick: u32 },
    /// CRC-32 of `[start, end)` of the File: one share of the pass.
    Crc {
        pick: u32,
        share: u32,
        start: u64,
        end: u64,
    },
}

/// Worker → page.
// One message at a time, serialized as it is sent: boxing the facts would
// only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// The worker's handler is set: requests can be posted.
    Ready {
        /// The build the worker runs (`update::build_id`); a page of another
        /// build reloads once (`update::check_worker_build`).
        #[serde(default)]
        build: Option<String>,
    },
    Probed {
        pick: u32,
        /// The File as the worker saw it.
        file: FileId,
        result: Result<MediaInfo, UiError>,
        ms: f64,
    },
    Progress {
        pick: u32,
        share: u32,
        done: u64,
        ms: f64,
    },
    Crc {
        pick: u32,
        share: u32,
        result: Result<u32, UiError>,
        size: u64,
        ms: f64,
    },
    /// A request the worker could not take (no File, a message it cannot
    /// read); `pick` is `None` when it could not tell whose it was.
    Failed {
        pick: Option<u32>,
        share: Option<u32>,
        error: UiError,
    },
}

impl FromWorker {
    /// The reply a request gets when its worker fails or stops answering.
    pub fn lost(pick: u32, share: Option<u32>, error: UiError) -> FromWorker {
        match share {
            None => FromWorker::Probed {
                pick,
                file: FileId::default(),
                result: Err(error),
                ms: 0.0,
            },
            Some(share) => FromWorker::Crc {
                pick,
                share,
                result: Err(error),
                size: 0,
                ms: 0.0,
            },
        }
    }
}

/// Code of [`UiError::worker_failed`]: the page offers 重试 (retry).
pub const WORKER_FAILED: &str = "worker_failed";

impl UiError {
    /// A worker that failed to start, crashed, or stopped answering.
    pub fn worker_failed(zh: &str, en: &str) -> UiError {
        UiError {
            code: WORKER_FAILED.into(),
            message_zh: format!("检查程序意外停止（{zh}）。请点“重试”；如仍不行，请刷新页面。"),
            message_en: format!(
                "The checker stopped unexpectedly ({en}). Press Retry; if that does not help, reload the page."
            ),
        }
    }
}
