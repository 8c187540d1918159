//! Preflight (视频投稿预检): check a contest video on your own device against the
//! contest's published rules, fill its form, and bundle everything in one zip.
//!
//! This crate is the sans-IO core shared by the browser app, the CLI and the
//! embed API. See ARCHITECTURE.md for the map.

pub mod bundle;
pub mod case;
pub mod check;
pub mod crc;
pub mod describe;
pub mod error;
pub mod fix;
pub mod form;
pub mod num;
pub mod pdf;
pub mod probe;
pub mod profile;
pub mod render;
pub mod submission;
#[cfg(not(target_arch = "wasm32"))]
pub mod verify;

pub use error::Error;

/// The language of messages and reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "zh" | "zh-CN" | "cn" => Some(Lang::Zh),
            "en" | "en-US" => Some(Lang::En),
            _ => None,
        }
    }
}

// The app's browser edge. Its `#[wasm_bindgen]` exports (the JS API) would
// land in every wasm that links the library, so the tools worker's build
// (the `tools` feature, src/bin/tools.rs) leaves it out.
#[cfg(all(target_arch = "wasm32", not(feature = "tools")))]
pub mod web;

/// The tools worker (the remux and the PDF writer, loaded on demand).
#[cfg(target_arch = "wasm32")]
#[path = "web/tools_worker.rs"]
pub mod tools_worker;
