//! The page's side of the worker: one persistent classic worker, messages in
//! and out as `{cmd, id, file}` / `{kind, id, json}`.

use std::cell::Cell;

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

pub struct WorkerClient {
    url: String,
    on: Callback<FromWorker>,
    worker: Worker,
    next: Cell<u32>,
    _onmessage: Closure<dyn FnMut(MessageEvent)>,
    _onerror: Closure<dyn FnMut(web_sys::Event)>,
}

impl WorkerClient {
    pub fn new(url: &str, on: Callback<FromWorker>) -> Result<WorkerClient, JsValue> {
        let keep = on.clone();
        let worker = Worker::new(url)?;
        let on2 = on.clone();
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
                "ready" => return,
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
            next: Cell::new(1),
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

    fn send(&self, cmd: &str, file: &File) -> u32 {
        let id = self.next.get();
        self.next.set(id.wrapping_add(1));
        let o = js_sys::Object::new();
        let _ = Reflect::set(&o, &"cmd".into(), &cmd.into());
        let _ = Reflect::set(&o, &"id".into(), &f64::from(id).into());
        let _ = Reflect::set(&o, &"file".into(), file);
        let _ = self.worker.post_message(&o);
        id
    }

    pub fn probe(&self, file: &File) -> u32 {
        self.send("probe", file)
    }

    pub fn crc(&self, file: &File) -> u32 {
        self.send("crc", file)
    }
}

impl Drop for WorkerClient {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}
