//! Embedding: the configuration a host page gives (custom element attributes,
//! iframe messages), and the sink through which the widget tells the host what
//! happened (events on the element, or `postMessage` to one named origin).

use std::cell::Cell;
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
    pub profile: Option<Rc<Profile>>,
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
                    c.profile = Some(Rc::new(p));
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

/// A mounted widget. `unmount()` destroys it, which stops its workers: the
/// element calls it before it renders again (an attribute changed) and when
/// it leaves the page.
#[wasm_bindgen]
pub struct Mounted(Option<yew::AppHandle<App>>, Work);

#[wasm_bindgen]
impl Mounted {
    pub fn unmount(&mut self) {
        if let Some(h) = self.0.take() {
            h.destroy();
        }
    }
    /// True while the widget holds a picked video or scans (the element asks
    /// the user before a new configuration drops them).
    pub fn busy(&self) -> bool {
        self.1.get()
    }
}

/// The scope of the element's drafts: the embedding page's origin.
fn page_scope() -> String {
    format!(
        "page:{}",
        gloo::utils::window()
            .location()
            .origin()
            .unwrap_or_default()
    )
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
            return Ok(Mounted(Some(h), Work::default()));
        }
    };
    let c = Config::from_host(&host, Some(sink), page_scope());
    let work = c.work.clone();
    let h = yew::Renderer::<App>::with_root_and_props(el, AppProps { config: Rc::new(c) }).render();
    Ok(Mounted(Some(h), work))
}

/// iframe mode: `index.html?origin=https://host.example[&profile=…]`. The widget
/// reports with `postMessage` to that origin only, and takes configuration
/// (`{type: "preflight:config", …}`) only from it. `Ok(None)`: no `origin`
/// parameter (the standalone app).
pub fn iframe_origin() -> Result<Option<String>, UiError> {
    let search = gloo::utils::window()
        .location()
        .search()
        .unwrap_or_default();
    let origin = web_sys::UrlSearchParams::new_with_str(&search)
        .ok()
        .and_then(|p| p.get("origin"));
    origin.map(|o| normalise_origin(&o)).transpose()
}

/// The origin `text` names, as the browser writes it (`https://Host:443/`
/// is `https://host`); an error for anything but scheme://host[:port][/].
fn normalise_origin(text: &str) -> Result<String, UiError> {
    let origin = web_sys::Url::new(text).ok().and_then(|u| {
        let bare = u.username().is_empty()
            && u.password().is_empty()
            && matches!(u.pathname().as_str(), "" | "/")
            && u.search().is_empty()
            && u.hash().is_empty()
            && !text.ends_with(['?', '#']);
        let o = u.origin();
        (bare && (o.starts_with("https://") || o.starts_with("http://"))).then_some(o)
    });
    origin.ok_or_else(|| {
        let e = UiError {
            code: "bad_origin".into(),
            message_zh: format!(
                "嵌入参数 origin 不是一个网站来源：{text}。请写成 https://主机名[:端口]，不带路径。"
            ),
            message_en: format!(
                "The origin parameter is not an origin: {text}. Write it as https://host[:port], with no path."
            ),
        };
        gloo::console::error!(e.message_en.clone());
        e
    })
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
