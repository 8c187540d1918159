//! The report: every rule with the measured value against the requirement,
//! its status, the fix, and the notice's own words on demand.

use std::collections::BTreeSet;
use std::rc::Rc;

use yew::prelude::*;

use super::state::{Action, State};
use super::tr;
use crate::Lang;
use crate::check::{Report, RuleKind, RuleResult, Status, verdict_text};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub report: Rc<Report>,
    pub lang: Lang,
    pub ticks: BTreeSet<String>,
    pub dispatch: UseReducerDispatcher<State>,
    /// The video the report is about, and where a fixed copy of it goes (it
    /// is then picked, checked and bundled in its place).
    #[prop_or_default]
    pub file: Option<web_sys::File>,
    #[prop_or_default]
    pub on_fixed: Option<Callback<web_sys::File>>,
}

/// The remux of the video ("一键修复"): running, done (the fixed file, offered
/// for download), or refused.
#[derive(Clone, PartialEq)]
enum Fixing {
    Running,
    Done {
        blob: web_sys::Blob,
        name: String,
        changes: Vec<crate::tools_worker::Change>,
    },
    Failed(super::UiError),
}

/// Rules the remux fixes without re-encoding.
fn fixable(r: &RuleResult, report: &Report) -> bool {
    matches!(r.status, Status::Fail | Status::Warn)
        && match r.id.as_str() {
            "faststart" | "privacy.location" => true,
            "container" => report.media.as_ref().is_some_and(|m| m.container == "mov"),
            _ => false,
        }
}

/// Fix `file` with every operation that applies; on success hand the fixed
/// File to `on_fixed`.
async fn fix_video(file: web_sys::File, on_fixed: Callback<web_sys::File>) -> Fixing {
    let fixed = match super::tools::fix(&file, super::tools::FixOptions::default()).await {
        Ok(f) if f.changes.is_empty() => Err(crate::Error::new(
            "nothing_to_fix",
            "这个文件不需要修复。",
            "This file needs no fix.",
        )
        .into()),
        r => r,
    };
    let made = fixed.and_then(|f| {
        let file = web_sys::File::new_with_blob_sequence(&js_sys::Array::of1(&f.blob), &f.name)
            .map_err(|_| crate::Error::io("new File"))?;
        Ok((f, file))
    });
    match made {
        Ok((f, fixed)) => {
            on_fixed.emit(fixed);
            Fixing::Done {
                blob: f.blob,
                name: f.name,
                changes: f.changes,
            }
        }
        Err(e) => Fixing::Failed(e),
    }
}

pub fn badge(s: Status, lang: Lang) -> Html {
    let (cls, zh, en) = match s {
        Status::Pass => ("pass", "通过", "pass"),
        Status::Warn => ("warn", "提醒", "warn"),
        Status::Fail => ("fail", "不通过", "fail"),
        Status::Manual => ("manual", "人工确认", "check"),
        Status::Unknown => ("unknown", "未知", "unknown"),
    };
    html! { <span class={classes!("badge", cls)}>{tr(lang, zh, en)}</span> }
}

fn rule_row(
    r: &RuleResult,
    lang: Lang,
    ticked: bool,
    on_tick: Option<Callback<bool>>,
    on_fix: Option<Callback<MouseEvent>>,
) -> Html {
    let (msg, fix) = match lang {
        Lang::Zh => (&r.message_zh, &r.fix_zh),
        Lang::En => (&r.message_en, &r.fix_en),
    };
    html! {
        <li class={classes!("rule", format!("s-{}", r.status.as_str()))} data-rule={r.id.clone()} data-status={r.status.as_str()}>
            <div class="rule-head">
                if let Some(cb) = on_tick {
                    <input type="checkbox" checked={ticked} aria-label={tr(lang, "已确认", "checked")}
                        onchange={Callback::from(move |e: Event| {
                            let i: web_sys::HtmlInputElement = e.target_unchecked_into();
                            cb.emit(i.checked());
                        })} />
                }
                {badge(r.status, lang)}
                <span class="msg">{msg.clone()}</span>
            </div>
            if !r.measured.is_empty() || !r.expected.is_empty() {
                <div class="vals">
                    if !r.measured.is_empty() { <span>{tr(lang, "实测：", "measured: ")}{r.measured.clone()}</span> }
                    if !r.expected.is_empty() { <span>{tr(lang, "要求：", "required: ")}{r.expected.clone()}</span> }
                </div>
            }
            if !fix.is_empty() { <div class="fix">{"→ "}{fix.clone()}</div> }
            if let Some(cb) = on_fix {
                <button type="button" class="fix-now" onclick={cb}>{tr(lang, "一键修复（不重新编码）", "Fix it now (no re-encode)")}</button>
            }
            if !r.source.is_empty() {
                <details class="quote"><summary>{tr(lang, "通知原文", "The notice says")}</summary><blockquote>{r.source.clone()}</blockquote></details>
            }
        </li>
    }
}

#[function_component(ReportView)]
pub fn report_view(p: &Props) -> Html {
    let lang = p.lang;
    let r = &p.report;
    let video: Vec<&RuleResult> = r
        .rules
        .iter()
        .filter(|x| {
            x.kind == RuleKind::Video || (x.kind == RuleKind::Form && !x.id.starts_with("form."))
        })
        .collect();
    let form_fails = r
        .rules
        .iter()
        .filter(|x| {
            x.kind == RuleKind::Form && x.id.starts_with("form.") && x.status == Status::Fail
        })
        .count();
    let atts: Vec<&RuleResult> = r
        .rules
        .iter()
        .filter(|x| x.kind == RuleKind::Attachment)
        .collect();
    let checklist: Vec<&RuleResult> = r
        .rules
        .iter()
        .filter(|x| x.kind == RuleKind::Checklist)
        .collect();
    let measured = r.media.is_some();
    let fixing = use_state(|| None::<Fixing>);
    let on_fix = match (&p.file, &p.on_fixed) {
        (Some(file), Some(on_fixed)) if *fixing != Some(Fixing::Running) => {
            let (file, on_fixed, fixing) = (file.clone(), on_fixed.clone(), fixing.clone());
            Some(Callback::from(move |_: MouseEvent| {
                fixing.set(Some(Fixing::Running));
                let (file, on_fixed, fixing) = (file.clone(), on_fixed.clone(), fixing.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    fixing.set(Some(fix_video(file, on_fixed).await));
                });
            }))
        }
        _ => None,
    };
    let fix_status = match &*fixing {
        None => html! {},
        Some(Fixing::Running) => {
            html! { <p class="fixing" id="fixing">{tr(lang, "正在修复…", "Fixing…")}</p> }
        }
        Some(Fixing::Failed(e)) => html! {
            <p class="fixing error" id="fixing" data-code={e.code.clone()}>{tr(lang, &e.message_zh, &e.message_en).to_string()}</p>
        },
        Some(Fixing::Done {
            blob,
            name,
            changes,
        }) => {
            let (blob, n) = (blob.clone(), name.clone());
            let save = Callback::from(move |_: MouseEvent| {
                let _ = super::bundle_view::download(&blob, &n);
            });
            html! {
                <div class="fixing done" id="fixing">
                    <p>{tr(lang, "已修复（不重新编码），下面是修复后文件的检查结果，打包时使用它：", "Fixed (no re-encode); the report below is the fixed file's, and the bundle uses it:")}</p>
                    <ul>{ for changes.iter().map(|c| html! { <li data-change={c.code.clone()}>{tr(lang, &c.zh, &c.en).to_string()}</li> }) }</ul>
                    <button type="button" id="download-fixed" onclick={save}>{format!("{} {name}", tr(lang, "下载修复后的视频", "Download the fixed video"))}</button>
                </div>
            }
        }
    };
    html! {
        <div class="report" id="report">
            if measured {
                <p class={classes!("verdict", r.verdict.as_str())} id="verdict">
                    {tr(lang, "检查结果：", "Result: ")}{verdict_text(r.verdict, lang)}
                    if form_fails > 0 {
                        {format!(" · {} {}", form_fails, tr(lang, "项表格内容待修改", "form fields to correct"))}
                    }
                </p>
                {fix_status}
                <ul class="rules">{ for video.iter().map(|x| rule_row(x, lang, false, None, on_fix.clone().filter(|_| fixable(x, r)))) }</ul>
            }
            if !atts.is_empty() && measured {
                <ul class="rules">{ for atts.iter().map(|x| rule_row(x, lang, false, None, None)) }</ul>
            }
            <h3>{tr(lang, "需要人工确认的项目", "For your own eyes")}</h3>
            <ul class="rules checklist">{ for checklist.iter().map(|x| {
                let id = x.id.clone();
                let d = p.dispatch.clone();
                rule_row(x, lang, p.ticks.contains(&x.id), Some(Callback::from(move |on| d.dispatch(Action::Tick(id.clone(), on)))), None)
            }) }</ul>
        </div>
    }
}

/// The profile's notes for the submitter that apply to the chosen category
/// and channel (staged deadlines, what to keep, how to change an entry).
pub fn notes_view(
    p: &crate::profile::Profile,
    category: Option<&str>,
    channel: Option<&str>,
    lang: Lang,
) -> Html {
    let notes: Vec<_> = p
        .notes
        .iter()
        .filter(|n| crate::profile::Profile::applies(&n.when, category, channel))
        .collect();
    if notes.is_empty() {
        return html! {};
    }
    html! {
        <ul class="notes" id="notes">
            { for notes.iter().map(|n| html! {
                <li data-note={n.id.clone()}>
                    { if lang == Lang::Zh { n.text.clone() } else { n.text_en.clone() } }
                    <details class="src"><summary>{tr(lang, "通知原文", "Notice")}</summary><q>{n.quote.clone()}</q></details>
                </li>
            }) }
        </ul>
    }
}
