//! The bundle in the browser: one zip made as a Blob of `[header bytes, the
//! user's File, header bytes, scans…, central directory]` from the core's
//! layout (`bundle::Plan::layout`) — the video is never read into memory or
//! copied. The native counterpart is `bundle::write_to`.

use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsValue;
use web_sys::{Blob, BlobPropertyBag, File};

use crate::bundle::{Part, Plan, Source};

/// The zip as a Blob made of parts; nothing is copied into wasm memory.
/// `video` is `None` for a bundle whose video comes later.
pub fn zip_blob(
    plan: &Plan,
    parts: &[Part],
    video: Option<&File>,
    scans: &[File],
) -> Result<Blob, JsValue> {
    let arr = Array::new();
    for part in parts {
        match part {
            Part::Bytes(b) => {
                arr.push(&Uint8Array::from(&b[..]));
            }
            Part::Data(i) => match plan.entries.get(*i).map(|e| &e.source) {
                Some(Source::Video) => {
                    let v = video.ok_or_else(|| JsValue::from_str("video missing"))?;
                    arr.push(v);
                }
                Some(Source::Scan(j)) => {
                    let f = scans
                        .get(*j)
                        .ok_or_else(|| JsValue::from_str("scan missing"))?;
                    arr.push(f);
                }
                Some(Source::Bytes(b)) => {
                    arr.push(&Uint8Array::from(&b[..]));
                }
                None => return Err(JsValue::from_str("entry missing")),
            },
        }
    }
    let opts = BlobPropertyBag::new();
    opts.set_type("application/zip");
    Blob::new_with_blob_sequence_and_options(&arr, &opts)
}
