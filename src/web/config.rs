//! The app's configuration: the host's (custom element attributes, iframe
//! messages) resolved into what the app reads, and the sink through which the
//! widget tells the host what happened. The app builds on this module; the
//! embed ([`super::embed`]) builds on the app.

use std::cell::Cell;
use std::rc::Rc;

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::UiError;
use crate::Lang;
use crate::profile::{self, Profile};

/// What a host asks for. Every field is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HostConfig {
    /// A built-in profile id.
    pub profile: Option<String>,
    /// A profile as JSON text (untrusted: validated like any input).
    pub profile_json: Option<String>,
    pub category: Option<String>,
    pub channel: Option<String>,
    pub lang: Option<String>,
    /// "event": hand the bundle to the host instead of downloading it.
    pub bundle: Option<String>,
    /// Where the widget's files are (the worker, the built-in profiles), ending in "/".
    pub base: Option<String>,
}

/// Where the widget reports to: a JS function `(type, detail) => …`.
#[derive(Clone)]
pub struct HostSink(pub js_sys::Function);

impl PartialEq for HostSink {
    fn eq(&self, other: &Self) -> bool {
        JsValue::from(&self.0) == JsValue::from(&other.0)
    }
}

impl HostSink {
    pub fn emit(&self, kind: &str, detail: &JsValue) {
        let _ = self.0.call2(&JsValue::NULL, &kind.into(), detail);
    }
    pub fn emit_json(&self, kind: &str, json: &str) {
        let v = js_sys::JSON::parse(json).unwrap_or(JsValue::NULL);
        self.emit(kind, &v);
    }
}

/// Whether the widget holds a picked video or scans, which a new host
/// configuration would drop (a new configuration starts a fresh widget).
#[derive(Clone, Default)]
pub struct Work(pub Rc<Cell<bool>>);

impl PartialEq for Work {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Work {
    pub fn set(&self, busy: bool) {
        self.0.set(busy);
    }
    pub fn get(&self) -> bool {
        self.0.get()
    }
}

/// The worker's loader with this build's id, so that it loads the same
/// build as the page (see www/sw.js).
fn worker_url(base: &str) -> String {
    match super::update::build_id() {
        Some(b) => format!("{base}worker_loader.js?v={b}"),
        None => format!("{base}worker_loader.js"),
    }
}

/// The app's configuration, resolved from the host's.
#[derive(Clone, PartialEq, Default)]
pub struct Config {
    /// A host profile (already validated).
    pub profile: Option<super::Shared<Profile>>,
    /// The built-in contest the host chose (a known id; fetched by the app).
    pub builtin: Option<String>,
    /// The host fixed the contest: no picker.
    pub lock_profile: bool,
    pub category: Option<String>,
    pub channel: Option<String>,
    pub lang: Option<Lang>,
    pub bundle_to_host: bool,
    pub worker_url: String,
    /// Whose drafts these are (see [`super::drafts`]): `app`, `frame:<origin>`
    /// or `page:<origin>`.
    pub drafts_scope: String,
    pub sink: Option<HostSink>,
    /// A bad host configuration: shown in the widget, never a blank box.
    pub error: Option<UiError>,
    pub embedded: bool,
    pub work: Work,
}

impl Config {
    /// The contest the host fixed: its own profile's id or a built-in one.
    pub fn contest(&self) -> Option<&str> {
        match (&self.profile, &self.builtin) {
            (Some(p), _) => Some(p.id.as_str()),
            (None, b) => b.as_deref(),
        }
    }

    pub fn standalone() -> Config {
        Config {
            worker_url: worker_url(super::client::WORKER_URL.trim_end_matches("worker_loader.js")),
            drafts_scope: "app".into(),
            ..Default::default()
        }
    }

    /// Resolve a host's configuration; problems become `error`. Drafts are
    /// kept under `scope` (the host's origin).
    pub fn from_host(h: &HostConfig, sink: Option<HostSink>, scope: String) -> Config {
        let mut c = Config {
            embedded: true,
            sink,
            category: h.category.clone(),
            channel: h.channel.clone(),
            lang: h.lang.as_deref().and_then(Lang::parse),
            bundle_to_host: h.bundle.as_deref() == Some("event"),
            worker_url: worker_url(h.base.as_deref().unwrap_or("./")),
            drafts_scope: scope,
            ..Default::default()
        };
        if let Some(b) = &h.base {
            super::profiles::set_base(b);
        }
        match (&h.profile_json, &h.profile) {
            (Some(json), _) => match Profile::from_json(json) {
                Ok(p) => {
                    c.profile = Some(super::Shared(Rc::new(p)));
                    c.lock_profile = true;
                }
                Err(e) => c.error = Some(e.into()),
            },
            // A built-in one is fetched when the widget starts.
            (None, Some(id)) => match profile::builtin_entry(id) {
                Ok(_) => {
                    c.builtin = Some(id.clone());
                    c.lock_profile = true;
                }
                Err(e) => c.error = Some(e.into()),
            },
            (None, None) => {}
        }
        if let (Some(e), Some(s)) = (&c.error, &c.sink) {
            s.emit_json("error", &serde_json::to_string(e).unwrap_or_default());
        }
        c
    }
}
