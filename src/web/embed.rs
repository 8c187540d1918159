//! Embedding: the configuration a host page gives (custom element attributes,
//! iframe messages), and the sink through which the widget tells the host what
//! happened (events on the element, or `postMessage` to one named origin).

use std::rc::Rc;

use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::Element;

use super::UiError;
use super::app::{App, AppProps};
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
    /// Where the widget's files are (for the worker), ending in "/".
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

/// The app's configuration, resolved from the host's.
#[derive(Clone, PartialEq, Default)]
pub struct Config {
    /// A host profile (already validated).
    pub profile: Option<Rc<Profile>>,
    /// The host fixed the contest: no picker.
    pub lock_profile: bool,
    pub category: Option<String>,
    pub channel: Option<String>,
    pub lang: Option<Lang>,
    pub bundle_to_host: bool,
    pub worker_url: String,
    pub storage_key: String,
    pub sink: Option<HostSink>,
    /// A bad host configuration: shown in the widget, never a blank box.
    pub error: Option<UiError>,
    pub embedded: bool,
}

impl Config {
    pub fn standalone() -> Config {
        Config {
            worker_url: super::client::WORKER_URL.into(),
            storage_key: super::state::STORAGE_KEY.into(),
            ..Default::default()
        }
    }

    /// Resolve a host's configuration; problems become `error`.
    pub fn from_host(h: &HostConfig, sink: Option<HostSink>) -> Config {
        let mut c = Config {
            embedded: true,
            sink,
            category: h.category.clone(),
            channel: h.channel.clone(),
            lang: h.lang.as_deref().and_then(Lang::parse),
            bundle_to_host: h.bundle.as_deref() == Some("event"),
            worker_url: format!(
                "{}worker_loader.js",
                h.base.clone().unwrap_or_else(|| "./".into())
            ),
            storage_key: super::state::STORAGE_KEY.into(),
            ..Default::default()
        };
        let parsed = match (&h.profile_json, &h.profile) {
            (Some(json), _) => Some(Profile::from_json(json)),
            (None, Some(id)) => Some(profile::builtin(id)),
            (None, None) => None,
        };
        match parsed {
            Some(Ok(p)) => {
                c.storage_key = format!("{}.{}", super::state::STORAGE_KEY, p.id);
                c.profile = Some(Rc::new(p));
                c.lock_profile = true;
            }
            Some(Err(e)) => c.error = Some(e.into()),
            None => {}
        }
        if let Some(e) = &c.error {
            if let Some(s) = &c.sink {
                s.emit_json("error", &serde_json::to_string(e).unwrap_or_default());
            }
        }
        c
    }
}

/// A mounted widget. `unmount()` destroys it, which stops its workers: the
/// element calls it before it renders again (an attribute changed) and when
/// it leaves the page.
#[wasm_bindgen]
pub struct Mounted(Option<yew::AppHandle<App>>);

#[wasm_bindgen]
impl Mounted {
    pub fn unmount(&mut self) {
        if let Some(h) = self.0.take() {
            h.destroy();
        }
    }
}

/// Mount the widget into `el` (inside the custom element's shadow root).
/// `config` is the host's configuration as JSON; `emit(type, detail)` is
/// called with "report", "bundle" and "error".
#[wasm_bindgen]
pub fn mount(el: Element, config: &str, emit: js_sys::Function) -> Result<Mounted, JsValue> {
    let sink = HostSink(emit);
    let host: HostConfig = match serde_json::from_str(config) {
        Ok(h) => h,
        Err(e) => {
            let err = UiError {
                code: "bad_config".into(),
                message_zh: format!("嵌入配置无效：{e}。请检查 <preflight-check> 的属性。"),
                message_en: format!(
                    "The embed configuration is invalid: {e}. Check the <preflight-check> attributes."
                ),
            };
            sink.emit_json("error", &serde_json::to_string(&err).unwrap_or_default());
            let c = Config {
                error: Some(err),
                embedded: true,
                sink: Some(sink),
                ..Config::standalone()
            };
            let h = yew::Renderer::<App>::with_root_and_props(el, AppProps { config: Rc::new(c) })
                .render();
            return Ok(Mounted(Some(h)));
        }
    };
    let c = Config::from_host(&host, Some(sink));
    let h = yew::Renderer::<App>::with_root_and_props(el, AppProps { config: Rc::new(c) }).render();
    Ok(Mounted(Some(h)))
}

/// iframe mode: `index.html?origin=https://host.example[&profile=…]`. The widget
/// reports with `postMessage` to that origin only, and takes configuration
/// (`{type: "preflight:config", …}`) only from it.
pub fn iframe_origin() -> Option<String> {
    let search = gloo::utils::window().location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    let origin = params.get("origin")?;
    // An origin, not a URL: scheme://host[:port], nothing after.
    let url = web_sys::Url::new(&origin).ok()?;
    (url.origin() == origin && origin != "null").then_some(origin)
}

pub fn iframe_config() -> HostConfig {
    let search = gloo::utils::window()
        .location()
        .search()
        .unwrap_or_default();
    let p = web_sys::UrlSearchParams::new_with_str(&search).ok();
    let get = |k: &str| p.as_ref().and_then(|p| p.get(k));
    HostConfig {
        profile: get("profile"),
        category: get("category"),
        channel: get("channel"),
        lang: get("lang"),
        bundle: get("bundle").or(Some("event".into())),
        ..Default::default()
    }
}

/// A sink that posts `{type: "preflight:" + kind, detail}` to the parent, to
/// `origin` only.
pub fn post_sink(origin: String) -> HostSink {
    let f = Closure::<dyn Fn(JsValue, JsValue)>::new(move |kind: JsValue, detail: JsValue| {
        let o = js_sys::Object::new();
        let t = format!("preflight:{}", kind.as_string().unwrap_or_default());
        let _ = js_sys::Reflect::set(&o, &"type".into(), &t.into());
        let _ = js_sys::Reflect::set(&o, &"detail".into(), &detail);
        if let Ok(Some(parent)) = gloo::utils::window().parent() {
            let _ = parent.post_message(&o, &origin);
        }
    });
    let func: js_sys::Function = f.as_ref().unchecked_ref::<js_sys::Function>().clone();
    f.forget();
    HostSink(func)
}
