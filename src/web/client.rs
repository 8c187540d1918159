//! The page's side of the worker: one persistent classic worker, messages in
//! and out as `{cmd, id, file}` / `{kind, id, json}`.
//!
//! A worker sets its message handler only once its wasm has been fetched and
//! compiled; a message that arrives before that is dropped by the browser.
//! So every command waits here until the worker has said `ready` (on a slow
//! phone, or when the wasm is slow to arrive, a pick in the first seconds
//! would otherwise never be answered).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::Reflect;
use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{File, MessageEvent, Worker};
use yew::Callback;

use super::UiError;
use crate::probe::MediaInfo;

/// Where Trunk puts the worker's loader (`data-loader-shim`).
pub const WORKER_URL: &str = "./worker_loader.js";

#[derive(Debug, Clone, PartialEq)]
pub enum FromWorker {
    Probe {
        id: u32,
        result: Result<MediaInfo, UiError>,
        ms: f64,
    },
    Progress {
        id: u32,
        done: u64,
        ms: f64,
    },
    Crc {
        id: u32,
        result: Result<u32, UiError>,
        size: u64,
        ms: f64,
    },
    Failed {
        message: String,
    },
}

#[derive(Deserialize)]
struct Wire<T> {
    ok: Option<T>,
    err: Option<UiError>,
    #[serde(default)]
    ms: f64,
    #[serde(default)]
    size: u64,
    #[serde(default)]
    done: u64,
}

fn parse<T: for<'a> Deserialize<'a>>(json: &str) -> Wire<T> {
    serde_json::from_str(json).unwrap_or(Wire {
        ok: None,
        err: Some(UiError::internal("bad message from worker")),
        ms: 0.0,
        size: 0,
        done: 0,
    })
}

fn result<T>(w: &mut Wire<T>) -> Result<T, UiError> {
    match (w.ok.take(), w.err.take()) {
        (Some(v), _) => Ok(v),
        (None, Some(e)) => Err(e),
        (None, None) => Err(UiError::internal("empty answer from worker")),
    }
}

thread_local! {
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
}

/// How many workers share the CRC pass: `?crc_workers=N` (1–8), else the
/// device's cores, at most 4.
pub fn crc_workers() -> usize {
    let w = gloo::utils::window();
    let param = w
        .location()
        .search()
        .ok()
        .and_then(|s| web_sys::UrlSearchParams::new_with_str(&s).ok())
        .and_then(|p| p.get("crc_workers"))
        .and_then(|v| v.parse::<usize>().ok());
    let cores = w.navigator().hardware_concurrency() as usize;
    param.unwrap_or(cores.min(4)).clamp(1, 8)
}

pub struct WorkerClient {
    url: String,
    on: Callback<FromWorker>,
    worker: Worker,
    /// Commands posted before the worker said `ready`; `None` once it has.
    pending: Rc<RefCell<Option<Vec<JsValue>>>>,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
    _onerror: Closure<dyn FnMut(web_sys::Event)>,
}

impl WorkerClient {
    pub fn new(url: &str, on: Callback<FromWorker>) -> Result<WorkerClient, JsValue> {
        let keep = on.clone();
        let worker = Worker::new(url)?;
        let on2 = on.clone();
        let pending: Rc<RefCell<Option<Vec<JsValue>>>> = Rc::new(RefCell::new(Some(Vec::new())));
        let (pending2, worker2) = (pending.clone(), worker.clone());
        let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let data = e.data();
            let get = |k: &str| Reflect::get(&data, &k.into()).ok();
            let kind = get("kind").and_then(|v| v.as_string()).unwrap_or_default();
            let id = get("id").and_then(|v| v.as_f64()).unwrap_or(0.0) as u32;
            let json = get("json").and_then(|v| v.as_string()).unwrap_or_default();
            let msg = match kind.as_str() {
                "probe" => {
                    let mut w = parse::<MediaInfo>(&json);
                    FromWorker::Probe {
                        id,
                        result: result(&mut w),
                        ms: w.ms,
                    }
                }
                "progress" => {
                    let w = parse::<u32>(&json);
                    FromWorker::Progress {
                        id,
                        done: w.done,
                        ms: w.ms,
                    }
                }
                "crc" => {
                    let mut w = parse::<u32>(&json);
                    FromWorker::Crc {
                        id,
                        result: result(&mut w),
                        size: w.size,
                        ms: w.ms,
                    }
                }
                "ready" => {
                    let held = pending2.borrow_mut().take().unwrap_or_default();
                    for m in held {
                        let _ = worker2.post_message(&m);
                    }
                    return;
                }
                _ => FromWorker::Failed { message: json },
            };
            on2.emit(msg);
        });
        let onerror = Closure::<dyn FnMut(web_sys::Event)>::new(move |_e: web_sys::Event| {
            on.emit(FromWorker::Failed {
                message: "worker failed to start".into(),
            });
        });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        Ok(WorkerClient {
            url: url.to_string(),
            on: keep,
            worker,
            pending,
            _onmessage: onmessage,
            _onerror: onerror,
        })
    }

    /// Stop whatever the worker is doing (a CRC pass cannot be interrupted
    /// from outside: the worker is ended and a fresh one started).
    pub fn restart(&mut self) -> Result<(), JsValue> {
        let fresh = WorkerClient::new(&self.url, self.on.clone())?;
        *self = fresh;
        Ok(())
    }

    fn send(&self, cmd: &str, file: &File, range: Option<(u64, u64)>) -> u32 {
        // Ids are unique across every worker of the page.
        let id = NEXT_ID.with(|n| {
            let id = n.get();
            n.set(id.wrapping_add(1));
            id
        });
        let o = js_sys::Object::new();
        let _ = Reflect::set(&o, &"cmd".into(), &cmd.into());
        let _ = Reflect::set(&o, &"id".into(), &f64::from(id).into());
        let _ = Reflect::set(&o, &"file".into(), file);
        if let Some((a, b)) = range {
            let _ = Reflect::set(&o, &"start".into(), &(a as f64).into());
            let _ = Reflect::set(&o, &"end".into(), &(b as f64).into());
        }
        match self.pending.borrow_mut().as_mut() {
            Some(held) => held.push(o.into()),
            None => {
                let _ = self.worker.post_message(&o);
            }
        }
        id
    }

    pub fn probe(&self, file: &File) -> u32 {
        self.send("probe", file, None)
    }

    /// CRC-32 of `[start, end)` of the file.
    pub fn crc(&self, file: &File, start: u64, end: u64) -> u32 {
        self.send("crc", file, Some((start, end)))
    }
}

impl Drop for WorkerClient {
    fn drop(&mut self) {
        // Unhook first: a message already queued (e.g. "ready") would
        // otherwise reach the closures freed below.
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}
