//! The app: one reducer, one worker, and the page's sections in order —
//! contest, video and report, previews, form, signed scans, print and bundle.

use std::cell::RefCell;
use std::rc::Rc;

use web_sys::{File, HtmlInputElement};
use yew::prelude::*;

use super::attachments::Attachments;
use super::bundle_view::{self, BundleView};
use super::client::{WorkerClient, crc_workers, next_id};
use super::config::Config;
use super::config::HostSink;
use super::drafts::{self, use_drafts};
use super::form_view::FormView;
use super::picker::Picker;
use super::preview::Previews;
use super::print_view::PrintView;
use super::protocol::{FromWorker, WORKER_FAILED, file_id, still_readable};
use super::report::ReportView;
use super::state::{Action, Crc, CrcPart, State, Video};
use super::{UiError, tr};
use crate::Lang;
use crate::bundle::{self, FileId, Stamp, VideoIn};
use crate::check::{RuleKind, Status};
use crate::profile::Profile;

/// The least a worker's share of the CRC pass is: below it, one more worker
/// costs more than it saves.
const MIN_SHARE: u64 = 64 << 20;

fn now() -> f64 {
    gloo::utils::window()
        .performance()
        .map(|p| p.now())
        .unwrap_or(0.0)
}

pub fn user_agent() -> String {
    gloo::utils::window()
        .navigator()
        .user_agent()
        .unwrap_or_default()
}

pub fn is_wechat() -> bool {
    user_agent().contains("MicroMessenger")
}

fn is_ios() -> bool {
    let ua = user_agent();
    ua.contains("iPhone") || ua.contains("iPad")
}

#[derive(Properties, PartialEq)]
pub struct AppProps {
    pub config: Rc<Config>,
}

impl Default for AppProps {
    fn default() -> Self {
        AppProps {
            config: Rc::new(Config::standalone()),
        }
    }
}

#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let config = props.config.clone();
    if let Some(e) = &config.error {
        return html! {
            <main class="app">
                <div class="error" role="alert" id="config-error" data-error={e.code.clone()}>
                    <p>{e.message_zh.clone()}</p>
                    <p>{e.message_en.clone()}</p>
                </div>
            </main>
        };
    }
    // A new configuration (an iframe host's message) starts a fresh widget.
    let key = format!(
        "{}|{:?}|{:?}|{:?}|{}",
        config.contest().unwrap_or(""),
        config.category,
        config.channel,
        config.lang,
        config.drafts_scope
    );
    html! { <Widget key={key} config={config} /> }
}

// Over 100 lines: a component's hooks run in one order on every render, and
// the page's sections are one `html!`; every callback with logic in it is a
// function below (the workers, the CRC pass, a pick, a contest switch, the
// bundle).
#[function_component(Widget)]
fn widget(props: &AppProps) -> Html {
    let config = props.config.clone();
    // What the user typed and chose: restored, saved, kept in step with other tabs.
    let (state, drafts) = use_drafts(&config);
    // A built-in contest is fetched when chosen; a failure is told to the host too.
    super::profiles::use_profile_fetch(&state, {
        let sink = config.sink.clone();
        Callback::from(move |e: super::UiError| {
            if let Some(s) = &sink {
                s.emit_json("error", &serde_json::to_string(&e).unwrap_or_default());
            }
        })
    });
    // The workers: the first also probes; all share the CRC pass.
    let client: Rc<RefCell<Vec<WorkerClient>>> = use_mut_ref(Vec::new);
    let lang = state.saved.lang;

    // A host's new configuration asks before it drops a video or scans.
    config
        .work
        .set(!state.attachments.is_empty() || state.file().is_some());

    // The workers live as long as the page.
    use_workers(
        client.clone(),
        config.worker_url.clone(),
        state.dispatcher(),
    );

    let bundle_message = use_state(|| None::<Result<String, super::UiError>>);
    let pick_video = pick_video(&state, &client, bundle_message.clone());
    // What the page shell held while the app loaded: its contest, its video.
    {
        let (pick, d, store) = (pick_video.clone(), state.dispatcher(), drafts.store.clone());
        let shown = state.saved.profile.clone();
        use_effect_with((), move |_| {
            if let Some(shell) = super::take_shell() {
                if let Some(id) = shell.profile.filter(|id| *id != shown) {
                    d.dispatch(Action::Profile(id.clone(), store.draft(&id)));
                }
                if let Some(f) = shell.file {
                    pick.emit(f);
                }
            }
        });
    }
    let (on_input, on_drop) = pick_handlers(&pick_video);
    let on_dragover = Callback::from(|e: DragEvent| e.prevent_default());

    let start_crc = start_crc(&state, &client);
    let cancel_crc = {
        let dispatch = state.dispatcher();
        let client = client.clone();
        Callback::from(move |_: ()| {
            for c in client.borrow_mut().iter_mut() {
                let _ = c.restart();
            }
            dispatch.dispatch(Action::CrcCancel);
        })
    };
    // 重试 after a worker failed: fresh workers, and again what was pending.
    let retry_crc = {
        let client = client.clone();
        let start = start_crc.clone();
        Callback::from(move |_: ()| {
            for c in client.borrow_mut().iter_mut() {
                let _ = c.restart();
            }
            start.emit(());
        })
    };
    // 重试 after the worker failed on the probe: fresh workers, and the same
    // File probed afresh, as a new pick.
    let retry_probe = {
        let client = client.clone();
        let pick = pick_video.clone();
        let file = match &state.video {
            Video::Failed { file, .. } => Some(file.clone()),
            _ => None,
        };
        Callback::from(move |_: ()| {
            for c in client.borrow_mut().iter_mut() {
                let _ = c.restart();
            }
            if let Some(f) = &file {
                pick.emit(f.clone());
            }
        })
    };
    // 重新检查: the browser will not read a File that changed on disk since
    // it was picked, so the user picks the video again.
    let video_input = use_node_ref();
    let recheck = {
        let input = video_input.clone();
        Callback::from(move |_: ()| {
            if let Some(i) = input.cast::<HtmlInputElement>() {
                i.click();
            }
        })
    };

    let Some(profile) = state.profile.clone() else {
        return super::profiles::pending_view(&state, lang);
    };
    let form = state.saved.form();
    let entry = state.submission(&profile);
    let media = entry.media();
    let report = entry.check();
    // No video, and the form says it comes later: the entry is bundled
    // without one.
    let video_later = entry.video.is_none() && entry.video_later().is_some();
    // Tell the host each new report (embedded only).
    {
        let json = match (&config.sink, media) {
            (Some(_), Some(_)) => serde_json::to_string(&report).ok(),
            _ => None,
        };
        let sink = config.sink.clone();
        use_effect_with(json, move |j| {
            if let (Some(s), Some(j)) = (sink, j) {
                s.emit_json("report", j);
            }
        });
    }
    let video_fails: Vec<String> = report
        .rules
        .iter()
        .filter(|r| r.kind == RuleKind::Video && r.status == Status::Fail)
        .map(|r| r.id.clone())
        .collect();
    let all_fails: Vec<String> = report.failures().map(|r| r.id.clone()).collect();
    // Start the CRC pass as soon as the video passes its checks, while the
    // user fills in the form, so that bundling feels instant; but after the
    // preview frames are drawn (at most a few seconds), so that the decoder
    // and the pass do not compete for the same cores and memory.
    {
        let key = match &state.video {
            Video::Done { pick, .. } if video_fails.is_empty() && state.previews_settled => {
                Some(*pick)
            }
            _ => None,
        };
        let idle = matches!(state.crc, Crc::Idle);
        let start = start_crc.clone();
        use_effect_with(key, move |k| {
            if k.is_some() && idle {
                start.emit(());
            }
        });
    }
    let on_bundle = {
        let state = state.clone();
        let profile = profile.clone();
        let msg = bundle_message.clone();
        let host = (config.bundle_to_host, config.sink.clone());
        Callback::from(move |force: bool| {
            let (state, profile, msg, host) =
                (state.clone(), profile.clone(), msg.clone(), host.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(result) = bundle_entry(&state, &profile, force, &host).await {
                    msg.set(Some(result));
                }
            });
        })
    };
    let zip_name = format!(
        "{}.zip",
        bundle::fill_template(&profile.bundle.zip_name, &profile, &form, "投稿材料")
    );

    let set_lang = {
        let d = state.dispatcher();
        Callback::from(move |l: Lang| d.dispatch(Action::Lang(l)))
    };
    let reset = {
        let clear = drafts.clear.clone();
        Callback::from(move |_| {
            if gloo::dialogs::confirm(tr(
                lang,
                "确定清除本机保存的内容（所有比赛的草稿）并重新开始吗？此操作无法撤销。",
                "Delete what this device saved (every contest's draft) and start over? This cannot be undone.",
            )) {
                clear.emit(());
            }
        })
    };
    let on_profile = on_profile(&state, state.dispatcher(), drafts.store.clone(), lang);
    let drafts_note = drafts_note(lang, drafts.store.persistent());
    let print = Callback::from(|_| {
        let _ = gloo::utils::window().print();
    });

    let video_status = video_status(&state, lang, &retry_probe, &recheck);

    html! {
        <main class="app" lang={if lang == Lang::Zh { "zh-CN" } else { "en" }}>
            <header class="top">
                <h1>{tr(lang, "视频投稿预检", "Preflight")}<small>{tr(lang, " · 视频不上传，在你的设备上检查", " · checked on your device, nothing uploaded")}</small></h1>
                <div class="lang" role="group" aria-label="language">
                    <button class={classes!((lang == Lang::Zh).then_some("on"))} onclick={set_lang.reform(|_| Lang::Zh)}>{"中文"}</button>
                    <button class={classes!((lang == Lang::En).then_some("on"))} onclick={set_lang.reform(|_| Lang::En)}>{"English"}</button>
                </div>
            </header>
            if is_wechat() {
                <div class="notice wechat" id="wechat-notice" role="note">
                    <strong>{tr(lang, "你正在微信内打开本页", "You are inside WeChat")}</strong>
                    <p>{tr(lang,
                        "在微信里可以检查视频、填写表格，但无法下载打包好的文件（微信会拦截下载）。需要打包下载时，请点击右上角 ··· → 在浏览器打开。",
                        "Inside WeChat you can check the video and fill in the form, but the finished bundle cannot be downloaded (WeChat blocks downloads). To download it, tap ··· at the top right → Open in Browser.")}</p>
                </div>
            }
            <section class="card">
                <Picker profile={super::Shared(profile.clone())} saved={state.saved.clone()} dispatch={state.dispatcher()} locked={config.lock_profile} {on_profile} />
            </section>
            <section class="card" ondrop={on_drop} ondragover={on_dragover}>
                <h2>{tr(lang, "1. 选择视频", "1. Pick the video")}</h2>
                <label class="pick">
                    <input id="video-input" ref={video_input} type="file" accept="video/mp4,video/*" onchange={on_input} />
                    <span>{tr(lang, "选择或拖入视频文件", "Choose or drop a video file")}</span>
                </label>
                <p class="hint">{tr(lang, "视频只在本机读取，不会上传。", "The video is read on this device only; nothing is uploaded.")}
                    if is_ios() {
                        {tr(lang, " iPhone/iPad：请从「文件」中选择，而不是「照片/相册」（相册会重新压缩视频）。", " iPhone/iPad: pick from Files, not Photos (Photos re-compresses the video).")}
                    }
                </p>
                {video_status}
                <ReportView report={Rc::new(report.clone())} lang={lang} ticks={state.saved.ticks.clone()} dispatch={state.dispatcher()} file={state.file().cloned()} on_fixed={Some(pick_video.clone())} />
            </section>
            if let Some(file) = state.file().cloned() {
                <section class="card">
                    <h2>{tr(lang, "片头 / 片尾预览", "Opening and ending")}</h2>
                    <Previews key={state.pick} file={file} lang={lang} on_settled={state.dispatcher().to_callback().reform(|_: ()| Action::PreviewsSettled)} checklist={report.rules.iter().filter(|r| r.preview.is_some()).cloned().collect::<Vec<_>>()} />
                </section>
            }
            <section class="card">
                <h2>{tr(lang, "2. 填写报名表", "2. Fill in the form")}</h2>
                if drafts.synced {
                    <p class="notice" id="drafts-synced" role="status">{tr(lang, "另一个标签页修改了此草稿，已载入最新内容。", "Another tab changed this draft; its latest version is shown.")}</p>
                }
                <FormView profile={super::Shared(profile.clone())} saved={state.saved.clone()} dispatch={state.dispatcher()} />
            </section>
            <section class="card">
                <h2>{tr(lang, "3. 签字盖章的扫描件", "3. Signed scans")}</h2>
                <Attachments profile={super::Shared(profile.clone())} lang={lang} category={state.saved.category.clone()} channel={state.saved.channel.clone()}
                    attachments={state.attachments.clone()} errors={state.att_errors.clone()} dispatch={state.dispatcher()} />
            </section>
            <section class="card">
                <h2>{tr(lang, "4. 打包", "4. Bundle")}</h2>
                <BundleView lang={lang} crc={state.crc.clone()} total={state.file().map(|f| f.size() as u64).unwrap_or(0)}
                    ready={matches!(state.video, Video::Done { .. })} later={video_later} failures={all_fails.clone()} wechat={is_wechat() && !config.bundle_to_host} to_host={config.bundle_to_host} zip_name={zip_name}
                    on_start={start_crc.clone()} on_cancel={cancel_crc} on_retry={retry_crc} on_bundle={on_bundle} on_recheck={recheck} message={(*bundle_message).clone()} />
            </section>
            <section class="card actions">
                <button class="primary" id="print" onclick={print}>{tr(lang, "打印报名表（签字盖章用）", "Print the form (to sign and stamp)")}</button>
                <button class="danger" id="reset" onclick={reset}>{tr(lang, "清除本机保存的内容", "Delete what this device saved")}</button>
                <p class="hint">{profile.bundle.delivery.clone()}</p>
                { super::report::notes_view(&profile, state.saved.category.as_deref(), state.saved.channel.as_deref(), lang) }
                <p class="hint" id="drafts-note" data-persistent={drafts.store.persistent().to_string()}>{drafts_note}</p>
            </section>
            <PrintView profile={super::Shared(profile.clone())} saved={state.saved.clone()} />
            <footer class="foot">{tr(lang, "本页不联网：不加载字体、统计或第三方脚本。", "This page makes no network requests: no fonts, analytics or third-party scripts.")}</footer>
        </main>
    }
}

/// The video as it is zipped: the File the CRC pass read, which must be the
/// file probed (`bundle::plan` checks that). `None` when it is not ready.
async fn video_to_zip(state: &State) -> Option<Result<(VideoIn, File), UiError>> {
    let (
        Video::Done {
            pick,
            info,
            file,
            probed,
            ..
        },
        Crc::Done {
            pick: crc_pick,
            crc,
            size,
            ..
        },
    ) = (&state.video, &state.crc)
    else {
        return None;
    };
    // A File that changed on disk since it was picked can no longer be
    // read: the zip would not hold what was checked.
    if let Err(e) = still_readable(file).await {
        return Some(Err(e.into()));
    }
    if crc_pick != pick {
        return None;
    }
    let zipping = file_id(file);
    let read = FileId {
        size: *size,
        ..zipping.clone()
    };
    if let Err(e) = bundle::same_file(&read, &zipping) {
        return Some(Err(e.into()));
    }
    Some(Ok((
        VideoIn {
            size: *size,
            crc32: *crc,
            info: info.clone(),
            name: Some(zipping.name),
            modified_ms: zipping.modified_ms,
            probed_modified_ms: probed.modified_ms,
        },
        file.clone(),
    )))
}

/// The bundle button: the entry validated as a [`crate::submission::Submission`],
/// planned, laid out as a Blob and handed to the host or downloaded. An
/// entry whose video comes later goes without one. `None` when there is
/// nothing to bundle yet.
async fn bundle_entry(
    state: &State,
    profile: &Profile,
    force: bool,
    (to_host, sink): &(bool, Option<HostSink>),
) -> Option<Result<String, UiError>> {
    let video = match &state.video {
        Video::None => None,
        _ => match video_to_zip(state).await? {
            Ok(v) => Some(v),
            Err(e) => return Some(Err(e)),
        },
    };
    let mut entry = state.submission(profile);
    entry.video = video.as_ref().map(|v| v.0.clone());
    let lang = state.saved.lang;
    let result = (|| {
        let entry = entry.validated()?;
        let report = entry.check();
        let stamp = Stamp {
            unix_time: (js_sys::Date::now() / 1000.0) as i64,
            forced: force,
            tool: concat!("preflight-web ", env!("CARGO_PKG_VERSION")),
        };
        let plan = bundle::plan(&entry, &report, &stamp)?;
        let (parts, total) = plan.layout(stamp.unix_time)?;
        Ok::<_, crate::Error>((plan, parts, total))
    })();
    let (plan, parts, total) = match result {
        Ok(x) => x,
        Err(e) => return Some(Err(e.into())),
    };
    let files: Vec<File> = state.attachments.iter().map(|a| a.file.clone()).collect();
    let Ok(blob) = super::zipblob::zip_blob(&plan, &parts, video.as_ref().map(|v| &v.1), &files)
    else {
        return Some(Err(UiError::internal("Blob")));
    };
    if let (true, Some(sink)) = (to_host, sink) {
        // The platform uploads it with its own uploader.
        let manifest = plan
            .manifest_json()
            .and_then(|t| js_sys::JSON::parse(t).ok())
            .unwrap_or(wasm_bindgen::JsValue::NULL);
        let detail = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&detail, &"blob".into(), &blob);
        let _ = js_sys::Reflect::set(&detail, &"name".into(), &plan.zip_name.clone().into());
        let _ = js_sys::Reflect::set(&detail, &"manifest".into(), &manifest);
        sink.emit("bundle", &detail);
    } else if bundle_view::download(&blob, &plan.zip_name).is_err() {
        return Some(Err(UiError::internal("download")));
    }
    Some(Ok(format!(
        "{} {}（{:.1} MB）",
        tr(lang, "已生成", "Made"),
        plan.zip_name,
        total as f64 / 1e6
    )))
}

/// The workers, started once: they live as long as the page. Each reply
/// goes to what it names: the reducer drops one about an earlier pick or
/// another pass.
#[hook]
fn use_workers(
    client: Rc<RefCell<Vec<WorkerClient>>>,
    worker_url: String,
    dispatch: UseReducerDispatcher<State>,
) {
    use_effect_with((), move |_| {
        // Each reply goes to what it names: the reducer drops one about an
        // earlier pick or another pass.
        let on = Callback::from(move |m: FromWorker| match m {
            FromWorker::Probed {
                pick,
                file,
                result,
                ms,
            } => dispatch.dispatch(Action::Probed {
                pick,
                file,
                result,
                ms,
                now: now(),
            }),
            FromWorker::Progress {
                pick,
                share,
                done,
                ms,
            } => dispatch.dispatch(Action::CrcProgress {
                pick,
                share,
                done,
                ms,
            }),
            FromWorker::Crc {
                pick,
                share,
                result,
                ms,
                ..
            } => dispatch.dispatch(Action::CrcShare {
                pick,
                share,
                result,
                ms,
            }),
            // The client answers these itself.
            FromWorker::Ready { .. } | FromWorker::Failed { .. } => {}
        });
        for _ in 0..crc_workers() {
            match WorkerClient::new(&worker_url, on.clone()) {
                Ok(c) => client.borrow_mut().push(c),
                Err(_) => gloo::console::error!("worker failed to start"),
            }
        }
        || ()
    });
}

/// Start the CRC pass over the probed video: one share per worker (at least
/// 64 MiB each).
fn start_crc(
    state: &UseReducerHandle<State>,
    client: &Rc<RefCell<Vec<WorkerClient>>>,
) -> Callback<()> {
    let dispatch = state.dispatcher();
    let client = client.clone();
    let probed = match &state.video {
        Video::Done { pick, file, .. } => Some((*pick, file.clone())),
        _ => None,
    };
    Callback::from(move |_: ()| {
        let pool = client.borrow();
        let Some((pick, f)) = probed.as_ref() else {
            return;
        };
        if pool.is_empty() {
            return;
        }
        // Split the file into one share per worker (at least MIN_SHARE each).
        let total = f.size() as u64;
        let k = (pool.len() as u64).min(total.div_ceil(MIN_SHARE)).max(1);
        let share = total.div_ceil(k);
        let mut parts = Vec::new();
        for (i, c) in pool.iter().take(k as usize).enumerate() {
            let start = share * i as u64;
            let end = (start + share).min(total);
            let share = next_id();
            c.crc(*pick, share, f, start, end);
            parts.push(CrcPart {
                share,
                len: end - start,
                done: 0,
                crc: None,
            });
        }
        dispatch.dispatch(Action::CrcStart {
            pick: *pick,
            parts,
            total,
        });
    })
}

/// Switch the contest, asking first when scans would be removed.
fn on_profile(
    state: &State,
    dispatch: UseReducerDispatcher<State>,
    store: Rc<drafts::Store>,
    lang: Lang,
) -> Callback<String, bool> {
    let d = dispatch;
    let scans = state.attachments.len();
    Callback::from(move |id: String| {
        let ok = scans == 0
            || super::ask(&format!(
                "{} {scans} {}",
                tr(
                    lang,
                    "切换比赛会移除已添加的",
                    "Switching the contest removes the"
                ),
                tr(
                    lang,
                    "个扫描件（已填写的内容保存在原比赛下，切换回来即可恢复）。确定切换吗？",
                    "attached scan(s) (what you typed stays with that contest and comes back when you switch back). Switch?",
                )
            ));
        if ok {
            let draft = store.draft(&id);
            d.dispatch(Action::Profile(id, draft));
        }
        ok
    })
}

/// Where drafts are kept and for how long.
fn drafts_note(lang: Lang, persistent: bool) -> String {
    let days = drafts::KEEP_DAYS;
    if persistent {
        format!(
            "{}{days}{}",
            tr(
                lang,
                "草稿仅保存在本机浏览器（按网站和比赛分开），不会上传；最后一次修改 ",
                "Drafts are kept in this browser only (per site and contest), never uploaded, and deleted "
            ),
            tr(lang, " 天后自动删除。", " days after their last edit.")
        )
    } else {
        tr(
        lang,
        "此浏览器不允许本页保存数据：草稿只在本页打开期间保留，关闭或刷新后不会保留。",
        "This browser does not let the page save anything: drafts are not kept after you close or reload the page.",
    )
    .to_string()
    }
}

/// The line under the video picker: reading, what was read, or the error.
fn video_status(
    state: &State,
    lang: Lang,
    retry_probe: &Callback<()>,
    recheck: &Callback<()>,
) -> Html {
    match &state.video {
        Video::None => html! {},
        Video::Probing { file, .. } => html! {
            <p class="busy" role="status">
                <span class="spinner"></span>
                {format!("{} {}", tr(lang, "正在读取", "Reading"), file.name())}
            </p>
        },
        Video::Done {
            file,
            info,
            ms,
            total_ms,
            ..
        } => html! {
            <p class="meta" id="probe-meta" data-bytes-read={info.bytes_read.to_string()} data-reads={info.reads.to_string()}
                data-ms={format!("{:.1}", total_ms.max(*ms))} data-worker-ms={format!("{:.1}", ms)}>
                {format!("{} · {:.1} MB · ", file.name(), info.size_bytes as f64 / 1e6)}
                {format!("{} {} KB {} {:.0} ms", tr(lang, "只读取了", "read only"), info.bytes_read / 1024, tr(lang, "，用时", "in"), total_ms.max(*ms))}
            </p>
        },
        Video::Failed { file, error, .. } => html! {
            <div class="error" role="alert" id="probe-error" data-error={error.code.clone()}>
                <strong>{file.name()}</strong>
                <p>{error.text(lang).to_string()}</p>
                if error.code == WORKER_FAILED {
                    <button id="probe-retry" onclick={retry_probe.reform(|_| ())}>{tr(lang, "重试", "Retry")}</button>
                } else if error.code == "video_changed" {
                    <button id="probe-recheck" onclick={recheck.reform(|_| ())}>{tr(lang, "重新检查", "Check again")}</button>
                }
            </div>
        },
    }
}

/// A video picked: a new pick, probed by the first worker; a pass over the
/// previous video is stopped (it would keep reading it).
fn pick_video(
    state: &UseReducerHandle<State>,
    client: &Rc<RefCell<Vec<WorkerClient>>>,
    msg: UseStateHandle<Option<Result<String, UiError>>>,
) -> Callback<File> {
    let dispatch = state.dispatcher();
    let client = client.clone();
    // A pass over the previous video would keep reading it: stop it.
    let running = matches!(state.crc, Crc::Running { .. });
    Callback::from(move |file: File| {
        if running {
            for c in client.borrow_mut().iter_mut() {
                let _ = c.restart();
            }
        }
        let pick = next_id();
        dispatch.dispatch(Action::VideoPicked {
            pick,
            file: file.clone(),
            started: now(),
        });
        msg.set(None);
        if let Some(c) = client.borrow().first() {
            c.probe(pick, &file);
        }
    })
}

/// The file input's change and a drop on the video card: the file picked.
fn pick_handlers(pick: &Callback<File>) -> (Callback<Event>, Callback<DragEvent>) {
    let on_input = {
        let pick = pick.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(f) = input.files().and_then(|l| l.get(0)) {
                pick.emit(f);
            }
            input.set_value("");
        })
    };
    let on_drop = {
        let pick = pick.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(f) = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|l| l.get(0))
            {
                pick.emit(f);
            }
        })
    };
    (on_input, on_drop)
}
