//! Embedding: the configuration a host page gives (custom element attributes,
//! iframe messages), and the sink through which the widget tells the host what
//! happened (events on the element, or `postMessage` to one named origin).

#[cfg(feature = "api")]
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
#[cfg(feature = "api")]
use web_sys::Element;

use super::UiError;
#[cfg(feature = "api")]
use super::app::{App, AppProps};
pub use super::config::{Config, HostConfig, HostSink, Work};

#[cfg(feature = "api")]
/// A mounted widget. `unmount()` destroys it, which stops its workers: the
/// element calls it before it renders again (an attribute changed) and when
/// it leaves the page.
#[wasm_bindgen]
pub struct Mounted(Option<yew::AppHandle<App>>, Work);

#[cfg(feature = "api")]
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

#[cfg(feature = "api")]
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

#[cfg(feature = "api")]
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
