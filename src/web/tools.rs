//! The page's side of the tools worker (see [`crate::tools_worker`]): the
//! remux and the PDF writer run in a wasm of their own, fetched the first
//! time a fix or a combined PDF is asked for (the app's 一键修复, the slot's
//! 合成一个 PDF, `Preflight.fix`), so a first visit does not download them.
//! One worker for the page, started on the first request and kept; one that
//! fails is ended and every request it held gets an error (the next request
//! starts a fresh one).

use std::cell::RefCell;

use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Blob, File, MessageEvent, Worker};

use super::UiError;
use crate::Error;
use crate::tools_worker::{Change, FromTools, Made, ToTools};

/// The tools worker's loader, in the folder of app.js, with this build's id
/// (as the app's worker: see www/sw.js).
fn url() -> String {
    let base = super::profiles::base();
    match super::update::build_id() {
        Some(b) => format!("{base}tools_loader.js?v={b}"),
        None => format!("{base}tools_loader.js"),
    }
}

fn failed(zh: &str, en: &str) -> Error {
    Error::new(
        "tools_failed",
        format!("修复工具未能运行（{zh}）。请检查网络后重试；如仍不行，请刷新页面。"),
        format!(
            "The repair tool could not run ({en}). Check the connection and try again; if that does not help, reload the page."
        ),
    )
}

/// A request waiting for its answer: its id and its promise's functions.
type Waiting = (u32, js_sys::Function, js_sys::Function);

struct Live {
    worker: Worker,
    /// Requests posted before the worker said `Ready`; `None` once it has.
    queue: Option<Vec<JsValue>>,
    waiting: Vec<Waiting>,
    _handlers: [Closure<dyn FnMut(web_sys::Event)>; 2],
}

thread_local! {
    static LIVE: RefCell<Option<Live>> = const { RefCell::new(None) };
}

/// End the worker; every request it held is rejected with `why`.
fn die(why: &str) {
    let Some(live) = LIVE.with(|l| l.borrow_mut().take()) else {
        return;
    };
    live.worker.set_onmessage(None);
    live.worker.set_onerror(None);
    live.worker.terminate();
    for (_, _, reject) in &live.waiting {
        let _ = reject.call1(&JsValue::NULL, &why.into());
    }
    // Freed a moment later: this may run inside one of its handlers.
    gloo::timers::callback::Timeout::new(0, move || drop(live)).forget();
}

fn on_message(data: JsValue) {
    let get = |k: &str| Reflect::get(&data, &k.into()).ok();
    if let Some(why) = get("failed").and_then(|v| v.as_string()) {
        return die(&why);
    }
    let msg = get("msg")
        .and_then(|v| v.as_string())
        .and_then(|t| serde_json::from_str::<FromTools>(&t).ok());
    match msg {
        Some(FromTools::Ready) => {
            let queue = LIVE.with(|l| {
                let mut l = l.borrow_mut();
                let live = l.as_mut()?;
                live.queue.take().map(|q| (live.worker.clone(), q))
            });
            if let Some((worker, queue)) = queue {
                for m in queue {
                    if worker.post_message(&m).is_err() {
                        return die("postMessage");
                    }
                }
            }
        }
        Some(FromTools::Done { id, .. }) => {
            let resolve = LIVE.with(|l| {
                let mut l = l.borrow_mut();
                let live = l.as_mut()?;
                let i = live.waiting.iter().position(|w| w.0 == id)?;
                Some(live.waiting.remove(i).1)
            });
            if let Some(resolve) = resolve {
                let _ = resolve.call1(&JsValue::NULL, &data);
            }
        }
        None => die("a reply it cannot read"),
    }
}

fn start() -> Result<Live, JsValue> {
    let worker = Worker::new(&url())?;
    let onmessage = Closure::<dyn FnMut(web_sys::Event)>::new(|e: web_sys::Event| {
        if let Some(e) = e.dyn_ref::<MessageEvent>() {
            on_message(e.data());
        }
    });
    let onerror = Closure::<dyn FnMut(web_sys::Event)>::new(|e: web_sys::Event| {
        e.prevent_default();
        let what = Reflect::get(&e, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_default();
        die(&what);
    });
    worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
    Ok(Live {
        worker,
        queue: Some(Vec::new()),
        waiting: Vec::new(),
        _handlers: [onmessage, onerror],
    })
}

/// Post `req` with `files`; the answer's message and parts.
async fn request(req: ToTools, files: &[Blob]) -> Result<(Made, Array), UiError> {
    let id = super::client::next_id();
    let req = match req {
        ToTools::Fix {
            faststart,
            mp4,
            strip_location,
            strip_device,
            ..
        } => ToTools::Fix {
            id,
            faststart,
            mp4,
            strip_location,
            strip_device,
        },
        ToTools::Pdf { .. } => ToTools::Pdf { id },
    };
    let text = serde_json::to_string(&req).map_err(|_| Error::io("request"))?;
    let msg = js_sys::Object::new();
    let _ = Reflect::set(&msg, &"msg".into(), &text.into());
    let list = Array::new();
    for f in files {
        list.push(f);
    }
    let _ = Reflect::set(&msg, &"files".into(), &list);
    let mut hold = None;
    let promise = js_sys::Promise::new(&mut |resolve, reject| hold = Some((resolve, reject)));
    let (resolve, reject) = hold.ok_or_else(|| Error::io("Promise"))?;
    let posted = LIVE.with(|l| -> Result<(), JsValue> {
        let mut l = l.borrow_mut();
        if l.is_none() {
            *l = Some(start()?);
        }
        let Some(live) = l.as_mut() else {
            return Err(JsValue::NULL);
        };
        live.waiting.push((id, resolve, reject));
        match &mut live.queue {
            Some(q) => q.push(msg.into()),
            None => live.worker.post_message(&msg)?,
        }
        Ok(())
    });
    if posted.is_err() {
        die("start");
        return Err(failed("无法启动", "it did not start").into());
    }
    let data = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|why| {
            let why = why.as_string().unwrap_or_default();
            failed(&why, &why)
        })?;
    let get = |k: &str| Reflect::get(&data, &k.into()).ok();
    let parts = get("parts")
        .and_then(|v| v.dyn_into::<Array>().ok())
        .unwrap_or_default();
    match get("msg")
        .and_then(|v| v.as_string())
        .and_then(|t| serde_json::from_str::<FromTools>(&t).ok())
    {
        Some(FromTools::Done {
            result: Ok(made), ..
        }) => Ok((made, parts)),
        Some(FromTools::Done { result: Err(e), .. }) => Err(UiError {
            code: e.code,
            message_zh: e.message_zh,
            message_en: e.message_en,
        }),
        _ => Err(failed("回复无法读取", "a reply it cannot read").into()),
    }
}

/// The new file of an answer: a Blob of its bytes and slices of `files`
/// (never a copy of theirs), typed `kind`.
pub fn blob_of(files: &[Blob], parts: &Array, kind: &str) -> Result<Blob, Error> {
    let out = Array::new();
    for p in parts.iter() {
        if p.is_instance_of::<Uint8Array>() {
            out.push(&p);
            continue;
        }
        let r: Array = p.dyn_into().map_err(|_| Error::io("part"))?;
        let num = |i: u32| r.get(i).as_f64().filter(|x| x.is_finite() && *x >= 0.0);
        let (Some(f), Some(start), Some(len)) = (num(0), num(1), num(2)) else {
            return Err(Error::io("part"));
        };
        let file = files.get(f as usize).ok_or_else(|| Error::io("part"))?;
        let slice = file
            .slice_with_f64_and_f64(start, start + len)
            .map_err(|_| Error::io("Blob.slice"))?;
        out.push(&slice);
    }
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type(kind);
    Blob::new_with_blob_sequence_and_options(&out, &bag).map_err(|_| Error::io("new Blob"))
}

/// What to fix; by default all that applies but the device's make and model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixOptions {
    pub faststart: bool,
    pub mp4: bool,
    pub strip_location: bool,
    pub strip_device: bool,
}

impl Default for FixOptions {
    fn default() -> Self {
        FixOptions {
            faststart: true,
            mp4: true,
            strip_location: true,
            strip_device: false,
        }
    }
}

/// A fixed video: `blob` is the original itself when nothing applied
/// (`changes` is then empty).
pub struct Fixed {
    pub blob: Blob,
    pub name: String,
    pub changes: Vec<Change>,
    pub bytes_read: u64,
}

/// The remux of `file` in the tools worker: a Blob of the new header bytes
/// and `file.slice()`s. Reads the top-level headers and the `moov` only.
pub async fn fix(file: &Blob, o: FixOptions) -> Result<Fixed, UiError> {
    let req = ToTools::Fix {
        id: 0,
        faststart: o.faststart,
        mp4: o.mp4,
        strip_location: o.strip_location,
        strip_device: o.strip_device,
    };
    let files = [file.clone()];
    let (made, parts) = request(req, &files).await?;
    let blob = if made.changes.is_empty() {
        file.clone()
    } else {
        let kind = made.kind.clone().unwrap_or_else(|| file.type_());
        let blob = blob_of(&files, &parts, &kind)?;
        if blob.size() as u64 != made.size {
            return Err(Error::truncated("file shrank while reading").into());
        }
        blob
    };
    Ok(Fixed {
        blob,
        name: made.name,
        changes: made.changes,
        bytes_read: made.bytes_read,
    })
}

/// Photos into one PDF in the tools worker: a File of the new bytes and
/// slices of the photos (nothing copied), named after the first photo.
pub async fn pdf(photos: &[File]) -> Result<File, UiError> {
    let files: Vec<Blob> = photos.iter().map(|f| f.clone().into()).collect();
    let (made, parts) = request(ToTools::Pdf { id: 0 }, &files).await?;
    let blob = blob_of(&files, &parts, made.kind.as_deref().unwrap_or(""))?;
    let bag = web_sys::FilePropertyBag::new();
    bag.set_type(&blob.type_());
    File::new_with_blob_sequence_and_options(&Array::of1(&blob), &made.name, &bag)
        .map_err(|_| Error::io("new File").into())
}
