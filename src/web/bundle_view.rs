//! The bundle: the CRC pass's progress (speed, time left, cancel), then the
//! button that makes the zip (see [`super::zipblob`]) and offers it.

use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use web_sys::{Blob, HtmlAnchorElement};
use yew::prelude::*;

use super::state::Crc;
use super::{UiError, tr};
use crate::Lang;

/// Offer a Blob as a download under `name`.
pub fn download(blob: &Blob, name: &str) -> Result<(), JsValue> {
    let url = web_sys::Url::create_object_url_with_blob(blob)?;
    let a: HtmlAnchorElement = gloo::utils::document().create_element("a")?.dyn_into()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // Revoke later: the download needs the URL a while.
    gloo::timers::callback::Timeout::new(120_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub crc: Crc,
    pub total: u64,
    pub ready: bool,
    /// No video, and the form says it comes later: bundled without one.
    #[prop_or_default]
    pub later: bool,
    pub failures: Vec<String>,
    pub wechat: bool,
    /// The bundle goes to the host page's uploader, not to a download.
    #[prop_or_default]
    pub to_host: bool,
    pub zip_name: String,
    pub on_start: Callback<()>,
    pub on_cancel: Callback<()>,
    /// Fresh workers and the pass again, after it failed.
    pub on_retry: Callback<()>,
    pub on_bundle: Callback<bool>,
    /// Check the video again (it is not the file that was checked).
    pub on_recheck: Callback<()>,
    /// What the last bundle came to.
    pub message: Option<Result<String, UiError>>,
}

fn mb(x: u64) -> f64 {
    x as f64 / 1e6
}

#[function_component(BundleView)]
pub fn bundle_view(p: &Props) -> Html {
    let lang = p.lang;
    let progress = match &p.crc {
        Crc::Idle => html! {
            if p.ready {
                <button id="crc-start" onclick={p.on_start.reform(|_| ())}>{tr(lang, "准备打包（校验视频）", "Prepare the bundle (checksum the video)")}</button>
            }
        },
        Crc::Running { ms, .. } => {
            let done = &p.crc.done_bytes();
            let speed = if *ms > 0.0 {
                *done as f64 / (*ms / 1000.0)
            } else {
                0.0
            };
            let left = if speed > 0.0 {
                p.total.saturating_sub(*done) as f64 / speed
            } else {
                0.0
            };
            html! {
                <div class="crc" id="crc-progress">
                    <progress class="progress" max={p.total.to_string()} value={done.to_string()}></progress>
                    <p class="hint">{format!("{} {:.0}/{:.0} MB · {:.0} MB/s · {} {:.0} s", tr(lang, "正在校验视频", "Checksumming"), mb(*done), mb(p.total), speed / 1e6, tr(lang, "剩余约", "about"), left)}</p>
                    <button id="crc-cancel" onclick={p.on_cancel.reform(|_| ())}>{tr(lang, "取消", "Cancel")}</button>
                </div>
            }
        }
        Crc::Done {
            size, ms, workers, ..
        } => html! {
            <p class="hint" id="crc-done" data-ms={format!("{ms:.0}")} data-bytes={size.to_string()} data-workers={workers.to_string()}>
                {format!("{} {:.0} MB · {:.0} ms · {:.0} MB/s", tr(lang, "视频已校验", "Video checksummed"), mb(*size), ms, if *ms > 0.0 { mb(*size) / (ms / 1000.0) } else { 0.0 })}
            </p>
        },
        Crc::Failed(e) => html! {
            <div class="crc" id="crc-error" data-error={e.code.clone()}>
                <p class="field-error" role="alert">{e.text(lang).to_string()}</p>
                <button id="crc-retry" onclick={p.on_retry.reform(|_| ())}>{tr(lang, "重试", "Retry")}</button>
            </div>
        },
    };
    // Without a video there is no pass to wait for.
    let done = matches!(p.crc, Crc::Done { .. }) || (p.later && !p.ready);
    html! {
        <div class="bundle" id="bundle">
            <p>{tr(lang, "打包文件名：", "Bundle name: ")}<strong>{p.zip_name.clone()}</strong></p>
            if p.later && !p.ready {
                <p class="hint" id="bundle-later">{tr(lang, "未选择视频：视频稍后补充，本次只打包报名表和扫描件（清单会注明视频待补充及截止日期）。", "No video: it follows later. This bundle holds the form and the scans (the manifest says the video is to follow, and by when).")}</p>
            }
            {progress}
            if p.wechat {
                <p class="notice">{tr(lang, "微信内无法下载文件：请点击右上角 ··· → 在浏览器打开，再打包下载。", "WeChat blocks downloads: tap ··· → Open in Browser, then bundle and download there.")}</p>
            } else if done {
                if p.failures.is_empty() {
                    <button class="primary" id="bundle-download" onclick={p.on_bundle.reform(|_| false)}>{if p.to_host { tr(lang, "提交打包文件", "Hand over the bundle") } else { tr(lang, "下载打包文件（.zip）", "Download the bundle (.zip)") }}</button>
                } else {
                    <p class="field-error">{format!("{}{}", tr(lang, "仍有未通过项：", "Still failing: "), p.failures.join(", "))}</p>
                    <button id="bundle-force" onclick={p.on_bundle.reform(|_| true)}>{tr(lang, "仍然打包（清单会记录未通过项）", "Bundle anyway (the manifest records the failures)")}</button>
                }
            }
            if let Some(Ok(m)) = &p.message { <p class="hint" id="bundle-message">{m.clone()}</p> }
            if let Some(Err(e)) = &p.message {
                <div id="bundle-error" data-error={e.code.clone()}>
                    <p class="field-error" role="alert">{e.text(lang).to_string()}</p>
                    if e.code == "video_changed" {
                        <button id="bundle-recheck" onclick={p.on_recheck.reform(|_| ())}>{tr(lang, "重新检查", "Check again")}</button>
                    }
                </div>
            }
        </div>
    }
}
