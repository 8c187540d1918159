//! The tools worker: the remux ([`crate::fix`]) and the PDF writer
//! ([`crate::pdf`]) in a wasm of their own (src/bin/tools.rs, the `tools`
//! feature), which the page loads only when the user or the JS API asks for
//! a fix or a combined PDF (src/web/tools.rs), so a first visit does not
//! download them.
//!
//! It reads the user's Files with `FileReaderSync` (headers and the `moov`
//! of a video, each photo once) and replies with the plan of the new file:
//! new bytes and ranges of the originals. The page makes the `Blob` of them
//! (header bytes and `File.slice()`s, never a copy of the media).
//!
//! The wire: a request is `{msg: "<ToTools JSON>", files: [File…]}`; a reply
//! is `{msg: "<FromTools JSON>", parts: [Uint8Array | [file, start, len]…]}`.
//! The message types are the page's too; the rest is reached only from the
//! tools worker's entry.

use serde::{Deserialize, Serialize};

/// Page → tools worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ToTools {
    /// The remux plan of `files[0]`.
    Fix {
        id: u32,
        faststart: bool,
        mp4: bool,
        strip_location: bool,
        strip_device: bool,
    },
    /// One PDF of the photos `files`, in their order.
    Pdf { id: u32 },
}

impl ToTools {
    pub fn id(&self) -> u32 {
        match self {
            ToTools::Fix { id, .. } | ToTools::Pdf { id } => *id,
        }
    }
}

/// An error as it crosses to the page (the fields of [`crate::Error`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fail {
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
}

impl From<crate::Error> for Fail {
    fn from(e: crate::Error) -> Fail {
        Fail {
            code: e.code.to_string(),
            message_zh: e.message_zh,
            message_en: e.message_en,
        }
    }
}

/// One thing the remux changed (the fields of `crate::fix::Change`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub code: String,
    pub zh: String,
    pub en: String,
}

/// What a request made. The new file is the reply's `parts`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Made {
    /// The new file's name.
    pub name: String,
    /// Its MIME type; `None`: the original's.
    pub kind: Option<String>,
    /// Its size (the sum of the parts).
    pub size: u64,
    /// The remux's changes; empty when nothing applies (then there are no
    /// parts: the original is the answer).
    pub changes: Vec<Change>,
    pub bytes_read: u64,
    pub ms: f64,
}

/// Tools worker → page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromTools {
    /// The handler is set: requests can be posted.
    Ready,
    Done {
        id: u32,
        result: Result<Made, Fail>,
    },
}

pub use worker_side::*;

/// The worker's side: linked only into the tools worker (the app's build
/// never reaches it, so neither `crate::fix` nor `crate::pdf` is in its wasm).
mod worker_side {
    use js_sys::{Array, Reflect, Uint8Array};
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;
    use web_sys::{Blob, DedicatedWorkerGlobalScope, File, FileReaderSync, MessageEvent};

    use super::{Change, Fail, FromTools, Made, ToTools};
    use crate::Error;

    fn now() -> f64 {
        js_sys::global()
            .unchecked_into::<DedicatedWorkerGlobalScope>()
            .performance()
            .map(|p| p.now())
            .unwrap_or(0.0)
    }

    /// `[at, at+len)` of a Blob (fewer bytes at its end).
    fn read(reader: &FileReaderSync, blob: &Blob, at: u64, len: u64) -> Result<Vec<u8>, Error> {
        let slice = blob
            .slice_with_f64_and_f64(at as f64, at.saturating_add(len) as f64)
            .map_err(|_| Error::io("Blob.slice"))?;
        let ab = reader
            .read_as_array_buffer(&slice)
            .map_err(|e| Error::io(&format!("FileReaderSync: {e:?}")))?;
        Ok(Uint8Array::new(&ab).to_vec())
    }

    fn size_of(blob: &Blob) -> Result<u64, Error> {
        let size = blob.size();
        if !(size.is_finite() && size >= 0.0) {
            return Err(Error::io("file size"));
        }
        Ok(size as u64)
    }

    /// The remux plan of a File: its top-level headers, `ftyp` and `moov`
    /// read with `FileReaderSync`, never the media. `None`: nothing applies.
    pub fn fix_blob(
        blob: &Blob,
        opts: &crate::fix::Options,
    ) -> Result<(Option<crate::fix::Plan>, u64), Error> {
        let reader = FileReaderSync::new().map_err(|_| Error::io("FileReaderSync"))?;
        let src = crate::fix::read_layout(size_of(blob)?, |at, len| read(&reader, blob, at, len))?;
        Ok((crate::fix::plan(&src, opts)?, src.bytes_read))
    }

    fn unreadable(name: &str) -> Error {
        Error::new(
            "scan_unreadable",
            format!("无法读取「{name}」（文件过大或已被移动）。请重新选择。"),
            format!("Could not read \"{name}\" (too large, or moved). Choose it again."),
        )
    }

    fn name_of(blob: &Blob) -> String {
        blob.dyn_ref::<File>().map(|f| f.name()).unwrap_or_default()
    }

    /// The remux of `file` as a reply and its parts.
    fn fix(file: &Blob, opts: &crate::fix::Options) -> Result<(Made, Array), Error> {
        let name = name_of(file);
        let (plan, bytes_read) = fix_blob(file, opts)?;
        let parts = Array::new();
        let Some(plan) = plan else {
            let made = Made {
                name,
                kind: None,
                size: size_of(file)?,
                changes: Vec::new(),
                bytes_read,
                ms: 0.0,
            };
            return Ok((made, parts));
        };
        for p in &plan.pieces {
            match p {
                crate::fix::Piece::Bytes(b) => parts.push(&Uint8Array::from(b.as_slice())),
                crate::fix::Piece::Copy { offset, len } => parts.push(&range(0, *offset, *len)),
            };
        }
        let made = Made {
            name: plan.file_name(&name),
            kind: plan.mp4.then(|| "video/mp4".to_string()),
            size: plan.size,
            changes: plan
                .changes
                .into_iter()
                .map(|c| Change {
                    code: c.code,
                    zh: c.zh,
                    en: c.en,
                })
                .collect(),
            bytes_read,
            ms: 0.0,
        };
        Ok((made, parts))
    }

    /// `[file, start, len]`: a slice of the request's `files[file]`.
    fn range(file: usize, start: u64, len: u64) -> JsValue {
        Array::of3(
            &(file as f64).into(),
            &(start as f64).into(),
            &(len as f64).into(),
        )
        .into()
    }

    /// Photos into one PDF (see [`crate::pdf`]): each read once for its
    /// header; named after the first photo.
    fn pdf(photos: &[Blob]) -> Result<(Made, Array), Error> {
        let reader = FileReaderSync::new().map_err(|_| Error::io("FileReaderSync"))?;
        let mut images = Vec::new();
        let mut bytes_read = 0u64;
        for f in photos {
            let name = name_of(f);
            let size = size_of(f)?;
            if size > crate::form::MAX_SCAN_READ {
                return Err(unreadable(&name));
            }
            let all = read(&reader, f, 0, size).map_err(|_| unreadable(&name))?;
            bytes_read += all.len() as u64;
            images.push(crate::pdf::read_image(&name, &all)?);
        }
        let doc = crate::pdf::build(&images)?;
        let parts = Array::new();
        for p in &doc.parts {
            match p {
                crate::pdf::Part::Bytes(b) => parts.push(&Uint8Array::from(&b[..])),
                crate::pdf::Part::Slice { image, start, len } => {
                    parts.push(&range(*image, *start, *len))
                }
            };
        }
        let first = photos.first().map(name_of).unwrap_or_default();
        let stem = first.rsplit_once('.').map_or(first.as_str(), |s| s.0);
        let made = Made {
            name: format!("{stem}.pdf"),
            kind: Some("application/pdf".into()),
            size: doc.len,
            changes: Vec::new(),
            bytes_read,
            ms: 0.0,
        };
        Ok((made, parts))
    }

    /// Answer one request about `files`: the reply's message and its parts.
    pub fn answer(req: &ToTools, files: &[Blob]) -> (FromTools, Array) {
        let t0 = now();
        let made = match (req, files.first()) {
            (_, None) => Err(Error::io("no file")),
            (
                ToTools::Fix {
                    faststart,
                    mp4,
                    strip_location,
                    strip_device,
                    ..
                },
                Some(file),
            ) => fix(
                file,
                &crate::fix::Options {
                    faststart: *faststart,
                    mp4: *mp4,
                    strip_location: *strip_location,
                    strip_device: *strip_device,
                },
            ),
            (ToTools::Pdf { .. }, Some(_)) => pdf(files),
        };
        let (result, parts) = match made {
            Ok((mut m, parts)) => {
                m.ms = now() - t0;
                (Ok(m), parts)
            }
            Err(e) => (Err(Fail::from(e)), Array::new()),
        };
        (
            FromTools::Done {
                id: req.id(),
                result,
            },
            parts,
        )
    }

    fn post(scope: &DedicatedWorkerGlobalScope, msg: &FromTools, parts: &Array) {
        let Ok(text) = serde_json::to_string(msg) else {
            return;
        };
        let out = js_sys::Object::new();
        let _ = Reflect::set(&out, &"msg".into(), &text.into());
        let _ = Reflect::set(&out, &"parts".into(), parts);
        let _ = scope.post_message(&out);
    }

    /// Entry point of the tools worker (src/bin/tools.rs).
    pub fn run() {
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let s2 = scope.clone();
        let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let data = e.data();
            let get = |k: &str| Reflect::get(&data, &k.into()).ok();
            let req = get("msg")
                .and_then(|v| v.as_string())
                .and_then(|t| serde_json::from_str::<ToTools>(&t).ok());
            let files: Vec<Blob> = get("files")
                .and_then(|v| v.dyn_into::<Array>().ok())
                .map(|a| a.iter().filter_map(|f| f.dyn_into::<Blob>().ok()).collect())
                .unwrap_or_default();
            // A request that cannot be read has no id to answer: the page's
            // side only ever sends readable ones.
            if let Some(req) = req {
                let (msg, parts) = answer(&req, &files);
                post(&s2, &msg, &parts);
            }
        });
        scope.set_onmessage(Some(handler.as_ref().unchecked_ref()));
        handler.forget();
        post(&scope, &FromTools::Ready, &Array::new());
    }
}
