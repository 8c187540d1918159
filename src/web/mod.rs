//! The browser edge: the Yew app (page side) and the worker. Only this module
//! sees `web_sys`; everything it shows comes from the core.

#[cfg(feature = "api")]
pub mod api;
pub mod app;
mod attachments;
pub mod bundle_view;
pub mod client;
pub mod config;
pub mod drafts;
pub mod embed;
mod form_view;
mod picker;
mod preview;
mod print_view;
pub mod profiles;
pub mod protocol;
mod report;
pub mod state;
pub mod tools;
pub mod update;
pub mod worker;
pub mod zipblob;

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;

use crate::Lang;

/// An error as the page shows it (owned, from the core's [`crate::Error`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UiError {
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
}

impl UiError {
    pub fn internal(what: &str) -> UiError {
        UiError {
            code: "internal".into(),
            message_zh: format!("内部错误：{what}。请刷新页面后重试。"),
            message_en: format!("Internal error: {what}. Reload the page and try again."),
        }
    }
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.message_zh,
            Lang::En => &self.message_en,
        }
    }
}

impl From<crate::Error> for UiError {
    fn from(e: crate::Error) -> UiError {
        UiError {
            code: e.code.to_string(),
            message_zh: e.message_zh,
            message_en: e.message_en,
        }
    }
}

/// Ask the user to confirm a step that drops something: `true` when they
/// agree. A no is a no, however quickly it came.
pub fn ask(question: &str) -> bool {
    gloo::dialogs::confirm(question)
}

/// Pick the Chinese or the English text.
pub fn tr<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// The browser build's entry (`src/bin/app.rs` and `src/bin/embed.rs`): the
/// same module runs in the page and in its workers, and looks at where it runs.
pub fn main() {
    if in_worker() {
        worker::run();
    } else {
        start();
    }
}

/// True inside a Web Worker (no `document`).
pub fn in_worker() -> bool {
    !js_sys::Reflect::has(&js_sys::global(), &"document".into()).unwrap_or(false)
}

/// Start the standalone app in `<main id="app" data-preflight="standalone">`,
/// or the iframe mode when the page was opened with `?origin=…`. On a host
/// page (the custom element loaded the module) nothing starts by itself: the
/// element calls [`embed::mount`].
pub fn start() {
    let Some(el) = gloo::utils::document().get_element_by_id("app") else {
        return;
    };
    if el.get_attribute("data-preflight").as_deref() != Some("standalone") {
        return;
    }
    let shell = take_page_shell();
    el.set_inner_html("");
    let config = match embed::iframe_origin() {
        Ok(Some(origin)) => {
            let sink = embed::post_sink(origin.clone());
            let scope = format!("frame:{origin}");
            let c = config::Config::from_host(&embed::iframe_config(), Some(sink.clone()), scope);
            listen_for_config(origin, sink, c.work.clone());
            c
        }
        Ok(None) => {
            SHELL.with(|s| *s.borrow_mut() = Some(shell));
            config::Config::standalone()
        }
        // A host's mistake is shown, never a silent fall back to the
        // standalone app (whose drafts are the user's own).
        Err(e) => config::Config {
            error: Some(e),
            embedded: true,
            ..config::Config::standalone()
        },
    };
    let handle = yew::Renderer::<app::App>::with_root_and_props(
        el,
        app::AppProps {
            config: std::rc::Rc::new(config),
        },
    )
    .render();
    APP.with(|a| *a.borrow_mut() = Some(handle));
}

thread_local! {
    static APP: std::cell::RefCell<Option<yew::AppHandle<app::App>>> = const { std::cell::RefCell::new(None) };
    static SHELL: std::cell::RefCell<Option<Shell>> = const { std::cell::RefCell::new(None) };
}

/// What the user did in the page shell (index.html, www/boot.js) before the
/// app ran: the contest chosen there (a built-in one) and the video picked.
#[derive(Default)]
pub struct Shell {
    pub profile: Option<String>,
    pub file: Option<web_sys::File>,
}

/// Read and forget `self.__preflightShell`, which www/boot.js fills.
fn take_page_shell() -> Shell {
    let global = js_sys::global();
    let Ok(held) = js_sys::Reflect::get(&global, &"__preflightShell".into()) else {
        return Shell::default();
    };
    let _ = js_sys::Reflect::delete_property(
        global.unchecked_ref::<js_sys::Object>(),
        &"__preflightShell".into(),
    );
    if !held.is_object() {
        return Shell::default();
    }
    let get = |k: &str| js_sys::Reflect::get(&held, &k.into()).ok();
    Shell {
        profile: get("profile")
            .and_then(|v| v.as_string())
            .filter(|id| crate::profile::builtin_ids().any(|b| b == id)),
        file: get("file").and_then(|v| v.dyn_into::<web_sys::File>().ok()),
    }
}

/// The standalone app's hand-over from the page shell, once: the app takes
/// it when it first renders.
pub fn take_shell() -> Option<Shell> {
    SHELL.with(|s| s.borrow_mut().take())
}

/// The question before a host's new configuration drops the picked video and scans.
const CONFIG_QUESTION: &str = "网站更新了预检设置，将移除已选的视频和扫描件（已填写的内容会保留）。继续吗？\nThe site changed the check's settings: the picked video and scans will be removed (what you typed is kept). Continue?";

/// A `confirm()` that returned `false` sooner than this may never have been
/// shown: a frame sandboxed without `allow-modals` gets `false` at once (about
/// 1 ms in Chromium), where a person takes far longer to say no.
const UNSHOWN_MS: f64 = 30.0;

/// iframe mode: take `{type: "preflight:config", …}` from the named origin
/// only; anything else is ignored. A configuration that would drop a picked
/// video or scans asks the user first: in a dialog, and on the page itself
/// (#config-confirm) when the dialog may not have been shown, so that a frame
/// without `allow-modals` still asks rather than dropping or ignoring.
fn listen_for_config(origin: String, sink: config::HostSink, work: config::Work) {
    let window = gloo::utils::window();
    let listener = gloo::events::EventListener::new(&window, "message", move |e| {
        let Some(e) = e.dyn_ref::<web_sys::MessageEvent>() else {
            return;
        };
        if e.origin() != origin {
            return;
        }
        let data = e.data();
        let kind = js_sys::Reflect::get(&data, &"type".into())
            .ok()
            .and_then(|v| v.as_string());
        if kind.as_deref() != Some("preflight:config") {
            return;
        }
        let json = js_sys::JSON::stringify(&data)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default();
        let mut host: config::HostConfig = serde_json::from_str(&json).unwrap_or_default();
        if host.bundle.is_none() {
            host.bundle = Some("event".into());
        }
        // A newer configuration replaces a question still open on the page.
        remove_config_question();
        let apply = {
            let (origin, sink, work) = (origin.clone(), sink.clone(), work.clone());
            move || {
                let mut c =
                    config::Config::from_host(&host, Some(sink.clone()), format!("frame:{origin}"));
                c.work = work.clone();
                APP.with(|a| {
                    if let Some(h) = a.borrow_mut().as_mut() {
                        h.update(app::AppProps {
                            config: std::rc::Rc::new(c),
                        });
                    }
                });
            }
        };
        if work.get() {
            let now = || {
                web_sys::window()
                    .and_then(|w| w.performance())
                    .map_or(0.0, |p| p.now())
            };
            let t = now();
            if !ask(CONFIG_QUESTION) {
                if now() - t < UNSHOWN_MS {
                    ask_on_page(apply);
                }
                return;
            }
        }
        apply();
    });
    listener.forget();
}

fn remove_config_question() {
    if let Some(el) = gloo::utils::document().get_element_by_id("config-confirm") {
        el.remove();
    }
}

/// The config question as part of the page, above the app: 继续 runs `apply`.
fn ask_on_page(apply: impl FnOnce() + 'static) {
    let doc = gloo::utils::document();
    let (Some(app), Ok(box_), Ok(text), Ok(go), Ok(cancel)) = (
        doc.get_element_by_id("app"),
        doc.create_element("div"),
        doc.create_element("p"),
        doc.create_element("button"),
        doc.create_element("button"),
    ) else {
        return;
    };
    box_.set_id("config-confirm");
    box_.set_class_name("notice");
    let _ = box_.set_attribute("role", "alertdialog");
    text.set_text_content(Some(CONFIG_QUESTION));
    go.set_id("config-confirm-go");
    go.set_text_content(Some("继续 / Continue"));
    cancel.set_id("config-confirm-cancel");
    cancel.set_text_content(Some("取消 / Cancel"));
    for el in [&text, &go, &cancel] {
        let _ = box_.append_child(el);
    }
    let Some(parent) = app.parent_node() else {
        return;
    };
    if parent.insert_before(&box_, Some(&app)).is_err() {
        return;
    }
    let apply = std::cell::Cell::new(Some(apply));
    gloo::events::EventListener::once(&go, "click", move |_| {
        remove_config_question();
        if let Some(f) = apply.take() {
            f();
        }
    })
    .forget();
    gloo::events::EventListener::once(&cancel, "click", |_| remove_config_question()).forget();
}

/// An `Rc` compared by identity. A profile is never changed in place, so two
/// props holding the same one are equal; Yew compares props on every render,
/// and comparing a profile field by field is slow (and its code large).
#[derive(Debug)]
pub struct Shared<T>(pub std::rc::Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}
