//! 片头/片尾: frames from the first and last seconds, drawn from a `<video>`
//! into canvases beside the checklist items about the opening and the ending.
//! Where the browser cannot decode the codec (HEVC in Chromium), it says so.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::timers::callback::Timeout;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, File, HtmlCanvasElement, HtmlVideoElement};
use yew::prelude::*;

use super::tr;
use crate::Lang;
use crate::check::RuleResult;
use crate::profile::Preview;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub file: File,
    pub lang: Lang,
    pub checklist: Vec<RuleResult>,
    /// Called once per file, when both frames are drawn, when the browser
    /// cannot decode the video, or after [`SETTLE_MS`] regardless.
    pub on_settled: Callback<()>,
}

/// The longest the CRC pass waits for the frames.
pub const SETTLE_MS: u32 = 4_000;

#[derive(Clone, Copy, PartialEq)]
enum Shot {
    Loading,
    Start,
    Done,
    Failed,
}

fn draw(video: &HtmlVideoElement, canvas: &HtmlCanvasElement) {
    let (w, h) = (video.video_width(), video.video_height());
    if w == 0 || h == 0 {
        return;
    }
    let cw = 320u32;
    let ch = (u64::from(cw) * u64::from(h) / u64::from(w)).max(1) as u32;
    canvas.set_width(cw);
    canvas.set_height(ch);
    if let Ok(Some(ctx)) = canvas.get_context("2d")
        && let Ok(ctx) = ctx.dyn_into::<CanvasRenderingContext2d>()
    {
        let _ = ctx.draw_image_with_html_video_element_and_dw_and_dh(
            video,
            0.0,
            0.0,
            f64::from(cw),
            f64::from(ch),
        );
    }
}

#[function_component(Previews)]
pub fn previews(p: &Props) -> Html {
    let lang = p.lang;
    let video = use_node_ref();
    let start = use_node_ref();
    let end = use_node_ref();
    let shot = use_state(|| Shot::Loading);
    let listeners: Rc<RefCell<Vec<EventListener>>> = use_mut_ref(Vec::new);
    {
        let (video, start, end, shot, listeners) = (
            video.clone(),
            start.clone(),
            end.clone(),
            shot.clone(),
            listeners.clone(),
        );
        let on_settled = p.on_settled.clone();
        use_effect_with(p.file.clone(), move |file| {
            shot.set(Shot::Loading);
            let url = web_sys::Url::create_object_url_with_blob(file).ok();
            let mut ls = listeners.borrow_mut();
            ls.clear();
            // Once: frames drawn, undecodable, or out of time. The element
            // then lets go of the file, so that its decoder and buffers do not
            // stay alive beside the CRC pass.
            let settled = Rc::new(std::cell::Cell::new(false));
            let settle = {
                let (settled, video) = (settled.clone(), video.clone());
                Rc::new(move || {
                    if settled.replace(true) {
                        return;
                    }
                    if let Some(v) = video.cast::<HtmlVideoElement>() {
                        let _ = v.remove_attribute("src");
                        v.load();
                    }
                    on_settled.emit(());
                })
            };
            let timer = {
                let settle = settle.clone();
                Timeout::new(SETTLE_MS, move || settle())
            };
            if let (Some(v), Some(url)) = (video.cast::<HtmlVideoElement>(), url.clone()) {
                let phase = Rc::new(RefCell::new(Shot::Loading));
                {
                    let (v2, shot, settle) = (v.clone(), shot.clone(), settle.clone());
                    ls.push(EventListener::new(&v, "loadeddata", move |_| {
                        // A video track with no decoder still loads (its audio
                        // plays) but has no picture: no frames to draw.
                        if v2.video_width() == 0 || v2.video_height() == 0 {
                            shot.set(Shot::Failed);
                            settle();
                            return;
                        }
                        let d = v2.duration();
                        v2.set_current_time(if d.is_finite() {
                            (d / 2.0).min(1.0)
                        } else {
                            1.0
                        });
                    }));
                }
                {
                    let (v2, phase, shot, settle) =
                        (v.clone(), phase.clone(), shot.clone(), settle.clone());
                    ls.push(EventListener::new(&v, "seeked", move |_| {
                        let now = *phase.borrow();
                        match now {
                            Shot::Loading => {
                                if let Some(c) = start.cast::<HtmlCanvasElement>() {
                                    draw(&v2, &c);
                                }
                                *phase.borrow_mut() = Shot::Start;
                                shot.set(Shot::Start);
                                let d = v2.duration();
                                v2.set_current_time(if d.is_finite() {
                                    (d - 1.0).max(0.0)
                                } else {
                                    0.0
                                });
                            }
                            Shot::Start => {
                                if let Some(c) = end.cast::<HtmlCanvasElement>() {
                                    draw(&v2, &c);
                                }
                                *phase.borrow_mut() = Shot::Done;
                                shot.set(Shot::Done);
                                settle();
                            }
                            _ => {}
                        }
                    }));
                }
                {
                    let (shot, settled, settle) = (shot.clone(), settled.clone(), settle.clone());
                    ls.push(EventListener::new(&v, "error", move |_| {
                        // Letting go of the file (src removed) is no failure.
                        if !settled.get() {
                            shot.set(Shot::Failed);
                            settle();
                        }
                    }));
                }
                v.set_muted(true);
                v.set_preload("auto");
                v.set_src(&url);
            }
            move || {
                drop(timer);
                if let Some(u) = url {
                    let _ = web_sys::Url::revoke_object_url(&u);
                }
            }
        });
    }
    let items = |which: Preview| -> Html {
        html! { <>{ for p.checklist.iter().filter(|r| r.preview == Some(which)).map(|r| html! {
            <li>{ match lang { Lang::Zh => r.message_zh.clone(), Lang::En => r.message_en.clone() } }</li>
        }) }</> }
    };
    let failed = *shot == Shot::Failed;
    html! {
        <div class="previews" id="previews" data-state={match *shot { Shot::Failed => "failed", Shot::Done => "done", _ => "loading" }}>
            <video ref={video} class="hidden-video" playsinline=true muted=true></video>
            if failed {
                <p class="notice" id="preview-failed">{tr(lang,
                    "此浏览器无法解码这个视频的编码（例如 Chrome 不支持 HEVC/H.265），因此无法显示片头片尾画面。检查结果不受影响；请用播放器自行查看片头片尾，或导出为 H.264。",
                    "This browser cannot decode the video's codec (Chrome, for one, does not play HEVC/H.265), so no frames can be shown. The check itself is unaffected; look at the opening and ending in a player, or export as H.264.")}</p>
            }
            <div class="shots" hidden={failed}>
                <figure>
                    <canvas ref={start} class="frame" />
                    <figcaption>{tr(lang, "片头（第 1 秒）", "Opening (1 s in)")}<ul>{items(Preview::Start)}</ul></figcaption>
                </figure>
                <figure>
                    <canvas ref={end} class="frame" />
                    <figcaption>{tr(lang, "片尾（最后 1 秒）", "Ending (last second)")}<ul>{items(Preview::End)}</ul></figcaption>
                </figure>
            </div>
        </div>
    }
}
