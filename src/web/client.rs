//! The page's side of a worker: one persistent classic worker, spoken to in
//! the typed protocol of [`super::protocol`].
//!
//! A worker sets its message handler only once its wasm has been fetched and
//! compiled; a message that arrives before that is dropped by the browser.
//! So every request waits here until the worker has said `Ready` (on a slow
//! phone, or when the wasm is slow to arrive, a pick in the first seconds
//! would otherwise never be answered).
//!
//! Every request gets an answer. A worker that fails (`error`,
//! `messageerror`, a reply it cannot read), never says `Ready`, or stops
//! answering is ended, and each request it held is answered with a
//! [`WORKER_FAILED`](super::protocol::WORKER_FAILED) error the page offers a
//! retry for; the next request starts a fresh worker.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use js_sys::Reflect;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{File, MessageEvent, Worker};
use yew::Callback;

use super::UiError;
use super::protocol::{FromWorker, ToWorker};

/// Where Trunk puts the worker's loader (`data-loader-shim`).
pub const WORKER_URL: &str = "./worker_loader.js";

/// How long a worker may take to load its wasm and say `Ready`.
pub const READY_MS: f64 = 30_000.0;

/// How long a worker holding a request may stay silent. A CRC share speaks
/// every 32 MiB; a stalled stream is given up after 10 s and read another
/// way; a probe reads a few small ranges.
pub const SILENT_MS: f64 = 30_000.0;

thread_local! {
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
}

/// A fresh id for a pick or a CRC share, unique across the page's workers.
pub fn next_id() -> u32 {
    NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1).max(1));
        id
    })
}

fn now() -> f64 {
    gloo::utils::window()
        .performance()
        .map(|p| p.now())
        .unwrap_or(0.0)
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

/// A request sent and not yet answered: its pick, and its share for CRC.
type Open = (u32, Option<u32>);

/// One running worker and its event handlers.
struct Live {
    worker: Worker,
    /// Requests posted before the worker said `Ready`; `None` once it has.
    queue: Option<Vec<JsValue>>,
    born: f64,
    _handlers: [Closure<dyn FnMut(web_sys::Event)>; 3],
}

impl Live {
    fn end(self) {
        // Unhook first: a message already queued would otherwise reach the
        // closures freed below. Freed a moment later, since this may run
        // inside one of them.
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.set_onmessageerror(None);
        self.worker.terminate();
        gloo::timers::callback::Timeout::new(0, move || drop(self)).forget();
    }
}

struct Inner {
    url: String,
    on: Callback<FromWorker>,
    live: RefCell<Option<Live>>,
    open: RefCell<Vec<Open>>,
    /// When the worker last spoke, or was last given work while idle.
    heard: Cell<f64>,
}

impl Inner {
    fn start(self: &Rc<Self>) -> Result<(), JsValue> {
        let worker = Worker::new(&self.url)?;
        // The page's compiled module first (www/worker_loader.js waits for
        // it): the worker neither fetches nor compiles the wasm again. Where
        // the engine cannot clone a Module, null: the worker loads it itself.
        let first = js_sys::Object::new();
        let _ = Reflect::set(&first, &"preflightModule".into(), &wasm_bindgen::module());
        if worker.post_message(&first).is_err() {
            let _ = Reflect::set(&first, &"preflightModule".into(), &JsValue::NULL);
            worker.post_message(&first)?;
        }
        let weak = Rc::downgrade(self);
        let onmessage = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            if let (Some(inner), Some(e)) = (weak.upgrade(), e.dyn_ref::<MessageEvent>()) {
                inner.message(e.data());
            }
        });
        let weak = Rc::downgrade(self);
        let onerror = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
            // An uncaught error in the worker (a wasm trap, a failed load):
            // its state is unknown, so it is not trusted with more work.
            e.prevent_default();
            let what = Reflect::get(&e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
                .unwrap_or_default();
            if let Some(inner) = weak.upgrade() {
                inner.die(&format!("出错：{what}"), &format!("it failed: {what}"));
            }
        });
        let weak = Rc::downgrade(self);
        let onmessageerror = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            if let Some(inner) = weak.upgrade() {
                inner.die("消息无法读取", "a message could not be read");
            }
        });
        worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
        worker.set_onmessageerror(Some(onmessageerror.as_ref().unchecked_ref()));
        let old = self.live.borrow_mut().replace(Live {
            worker,
            queue: Some(Vec::new()),
            born: now(),
            _handlers: [onmessage, onerror, onmessageerror],
        });
        if let Some(old) = old {
            old.end();
        }
        Ok(())
    }

    fn message(&self, data: JsValue) {
        self.heard.set(now());
        let Some(msg) = data
            .as_string()
            .and_then(|t| serde_json::from_str::<FromWorker>(&t).ok())
        else {
            self.die("回复无法读取", "a reply could not be read");
            return;
        };
        let msg = match msg {
            FromWorker::Ready { build } => {
                // A worker of another build than the page (a deploy between
                // the two loads): the page reloads once; if it already did,
                // the worker is ended and what it would hold fails, saying so.
                if let Err(e) = super::update::check_worker_build(build.as_deref()) {
                    self.die(&e.message_zh, &e.message_en);
                    return;
                }
                let mut live = self.live.borrow_mut();
                if let Some(live) = live.as_mut() {
                    for m in live.queue.take().unwrap_or_default() {
                        let _ = live.worker.post_message(&m);
                    }
                }
                return;
            }
            FromWorker::Failed { pick, share, error } => {
                let Some(pick) = pick else {
                    self.die("请求无法读取", "a request could not be read");
                    return;
                };
                FromWorker::lost(pick, share, error)
            }
            m => m,
        };
        let done = match &msg {
            FromWorker::Probed { pick, .. } => Some((*pick, None)),
            FromWorker::Crc { pick, share, .. } => Some((*pick, Some(*share))),
            _ => None,
        };
        if let Some(d) = done {
            self.open.borrow_mut().retain(|o| *o != d);
        }
        self.on.emit(msg);
    }

    /// End the worker; answer each request it held with `worker_failed`.
    fn die(&self, zh: &str, en: &str) {
        let Some(live) = self.live.borrow_mut().take() else {
            return;
        };
        live.end();
        let open = std::mem::take(&mut *self.open.borrow_mut());
        for (pick, share) in open {
            self.on.emit(FromWorker::lost(
                pick,
                share,
                UiError::worker_failed(zh, en),
            ));
        }
    }

    /// The watchdog: a worker that does not start, or holds work and says
    /// nothing, is ended.
    fn tick(&self) {
        let (ready, born) = match self.live.borrow().as_ref() {
            Some(l) => (l.queue.is_none(), l.born),
            None => return,
        };
        let t = now();
        if !ready && t - born > READY_MS {
            self.die("没能启动", "it did not start");
        } else if ready && !self.open.borrow().is_empty() && t - self.heard.get() > SILENT_MS {
            self.die("长时间没有回应", "it stopped answering");
        }
    }
}

pub struct WorkerClient {
    inner: Rc<Inner>,
    _watchdog: gloo::timers::callback::Interval,
}

impl WorkerClient {
    pub fn new(url: &str, on: Callback<FromWorker>) -> Result<WorkerClient, JsValue> {
        let inner = Rc::new(Inner {
            url: url.to_string(),
            on,
            live: RefCell::new(None),
            open: RefCell::new(Vec::new()),
            heard: Cell::new(now()),
        });
        inner.start()?;
        let weak: Weak<Inner> = Rc::downgrade(&inner);
        let watchdog = gloo::timers::callback::Interval::new(1_000, move || {
            if let Some(inner) = weak.upgrade() {
                inner.tick();
            }
        });
        Ok(WorkerClient {
            inner,
            _watchdog: watchdog,
        })
    }

    /// Stop whatever the worker is doing (a CRC pass cannot be interrupted
    /// from outside: the worker is ended and a fresh one started). What it
    /// held is dropped unanswered: the page no longer wants it.
    pub fn restart(&mut self) -> Result<(), JsValue> {
        self.inner.open.borrow_mut().clear();
        self.inner.start()
    }

    fn send(&self, req: &ToWorker, file: &File) {
        let inner = &self.inner;
        let open = match req {
            ToWorker::Probe { pick } => (*pick, None),
            ToWorker::Crc { pick, share, .. } => (*pick, Some(*share)),
        };
        if inner.live.borrow().is_none() && inner.start().is_err() {
            inner.on.emit(FromWorker::lost(
                open.0,
                open.1,
                UiError::worker_failed("没能启动", "it did not start"),
            ));
            return;
        }
        {
            let mut list = inner.open.borrow_mut();
            if list.is_empty() {
                inner.heard.set(now());
            }
            list.push(open);
        }
        let o = js_sys::Object::new();
        let text = serde_json::to_string(req).unwrap_or_default();
        let _ = Reflect::set(&o, &"msg".into(), &text.into());
        let _ = Reflect::set(&o, &"file".into(), file);
        if let Some(live) = inner.live.borrow_mut().as_mut() {
            match live.queue.as_mut() {
                Some(held) => held.push(o.into()),
                None => {
                    let _ = live.worker.post_message(&o);
                }
            }
        }
    }

    /// Probe `file` for the pick `pick`.
    pub fn probe(&self, pick: u32, file: &File) {
        self.send(&ToWorker::Probe { pick }, file);
    }

    /// CRC-32 of `[start, end)` of the file: share `share` of pick `pick`'s pass.
    pub fn crc(&self, pick: u32, share: u32, file: &File, start: u64, end: u64) {
        self.send(
            &ToWorker::Crc {
                pick,
                share,
                start,
                end,
            },
            file,
        );
    }
}

impl Drop for WorkerClient {
    fn drop(&mut self) {
        if let Some(live) = self.inner.live.borrow_mut().take() {
            live.end();
        }
    }
}
