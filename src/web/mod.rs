//! The browser edge: the Yew app (page side) and the worker. Only this module
//! sees `web_sys`; everything it shows comes from the core.

pub mod app;
mod attachments;
pub mod bundle_view;
pub mod client;
mod form_view;
mod picker;
mod preview;
mod print_view;
mod report;
pub mod state;
pub mod worker;

use serde::{Deserialize, Serialize};

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

/// Pick the Chinese or the English text.
pub fn tr<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// True inside a Web Worker (no `document`).
pub fn in_worker() -> bool {
    !js_sys::Reflect::has(&js_sys::global(), &"document".into()).unwrap_or(false)
}

/// Start the app in `<main id="app">` (or the body).
pub fn start() {
    let root = gloo::utils::document().get_element_by_id("app");
    match root {
        Some(el) => {
            el.set_inner_html("");
            yew::Renderer::<app::App>::with_root(el).render();
        }
        None => {
            yew::Renderer::<app::App>::new().render();
        }
    }
}
