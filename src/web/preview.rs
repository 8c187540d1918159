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

/// The longest the frames are waited for at all: then the page says it cannot
/// show them.
pub const GIVE_UP_MS: u32 = 15_000;

#[derive(Clone, Copy, PartialEq)]
enum Shot {
    Loading,
    Start,
    Done,
    Failed,
}

/// Draw the video's current frame into `canvas`.
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

/// Whether every pixel of `canvas` is opaque: a frame was drawn whole.
/// (getImageData through Reflect: a 320-wide canvas is read in well under a
/// millisecond.)
fn painted(canvas: &HtmlCanvasElement) -> bool {
    use js_sys::{Function, Reflect, Uint8ClampedArray};
    let (w, h) = (canvas.width(), canvas.height());
    let Ok(Some(ctx)) = canvas.get_context("2d") else {
        return false;
    };
    let Some(get) = Reflect::get(&ctx, &"getImageData".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
    else {
        return true; // cannot look: take the frame as drawn
    };
    let args = js_sys::Array::of4(&0.into(), &0.into(), &w.into(), &h.into());
    let Some(data) = Reflect::apply(&get, &ctx, &args)
        .ok()
        .and_then(|img| Reflect::get(&img, &"data".into()).ok())
        .and_then(|d| d.dyn_into::<Uint8ClampedArray>().ok())
    else {
        return true;
    };
    data.to_vec().chunks_exact(4).all(|p| p[3] == 255)
}

/// How often, and how far apart, a frame that `seeked` announced but the
/// canvas did not get is drawn again: WebKitGTK (GStreamer) fires `seeked`
/// before the frame can be drawn, which leaves the canvas transparent, and
/// at times draws nothing until the element seeks again.
const REDRAW_TRIES: u32 = 200;
const REDRAW_MS: u32 = 50;
/// Every this many tries without a frame, the element seeks to the same time again.
const RESEEK_EVERY: u32 = 10;

/// Draw the current frame into `canvas`, again every [`REDRAW_MS`] until it
/// is drawn whole (at most [`REDRAW_TRIES`] times), then `then()`; nothing
/// more once the element has let go of `url` (another file, or settled).
/// While it tries, `busy` is set: the `seeked` of its own re-seeks are not
/// the next step.
fn shoot(
    video: HtmlVideoElement,
    canvas: Option<HtmlCanvasElement>,
    url: Rc<String>,
    tries: u32,
    busy: Rc<std::cell::Cell<bool>>,
    then: Rc<dyn Fn()>,
) {
    if video.src() != *url {
        busy.set(false);
        return;
    }
    let Some(c) = canvas else {
        busy.set(false);
        then();
        return;
    };
    busy.set(true);
    draw(&video, &c);
    if tries == 0 || painted(&c) {
        busy.set(false);
        then();
        return;
    }
    if (REDRAW_TRIES - tries) % RESEEK_EVERY == RESEEK_EVERY - 1 {
        video.set_current_time(video.current_time());
    }
    Timeout::new(REDRAW_MS, move || {
        shoot(video, Some(c), url, tries - 1, busy, then)
    })
    .forget();
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
            let told = Rc::new(std::cell::Cell::new(false));
            let tell = {
                let told = told.clone();
                Rc::new(move || {
                    if !told.replace(true) {
                        on_settled.emit(());
                    }
                })
            };
            let settle = {
                let (settled, video, tell) = (settled.clone(), video.clone(), tell.clone());
                Rc::new(move || {
                    if settled.replace(true) {
                        return;
                    }
                    if let Some(v) = video.cast::<HtmlVideoElement>() {
                        let _ = v.remove_attribute("src");
                        v.load();
                    }
                    tell();
                })
            };
            // After SETTLE_MS the CRC pass starts whatever the frames do; a
            // slow decoder (WebKitGTK's GStreamer takes seconds for a 1080p
            // seek) still gets until GIVE_UP_MS to draw them, and then the
            // page says it has none rather than wait for ever.
            let timer = {
                let tell = tell.clone();
                Timeout::new(SETTLE_MS, move || tell())
            };
            let give_up = {
                let (settle, settled, shot) = (settle.clone(), settled.clone(), shot.clone());
                Timeout::new(GIVE_UP_MS, move || {
                    if !settled.get() {
                        shot.set(Shot::Failed);
                        settle();
                    }
                })
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
                    let src = Rc::new(url.clone());
                    let busy = Rc::new(std::cell::Cell::new(false));
                    ls.push(EventListener::new(&v, "seeked", move |_| {
                        if busy.get() {
                            return;
                        }
                        let now = *phase.borrow();
                        match now {
                            Shot::Loading => {
                                *phase.borrow_mut() = Shot::Start;
                                let (v3, shot) = (v2.clone(), shot.clone());
                                let next: Rc<dyn Fn()> = Rc::new(move || {
                                    shot.set(Shot::Start);
                                    let d = v3.duration();
                                    v3.set_current_time(if d.is_finite() {
                                        (d - 1.0).max(0.0)
                                    } else {
                                        0.0
                                    });
                                });
                                shoot(
                                    v2.clone(),
                                    start.cast::<HtmlCanvasElement>(),
                                    src.clone(),
                                    REDRAW_TRIES,
                                    busy.clone(),
                                    next,
                                );
                            }
                            Shot::Start => {
                                *phase.borrow_mut() = Shot::Done;
                                let (shot, settle) = (shot.clone(), settle.clone());
                                let next: Rc<dyn Fn()> = Rc::new(move || {
                                    shot.set(Shot::Done);
                                    settle();
                                });
                                shoot(
                                    v2.clone(),
                                    end.cast::<HtmlCanvasElement>(),
                                    src.clone(),
                                    REDRAW_TRIES,
                                    busy.clone(),
                                    next,
                                );
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
                drop(give_up);
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
