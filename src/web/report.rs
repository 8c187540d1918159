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

fn rule_row(r: &RuleResult, lang: Lang, ticked: bool, on_tick: Option<Callback<bool>>) -> Html {
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
    html! {
        <div class="report" id="report">
            if measured {
                <p class={classes!("verdict", r.verdict.as_str())} id="verdict">
                    {tr(lang, "检查结果：", "Result: ")}{verdict_text(r.verdict, lang)}
                    if form_fails > 0 {
                        {format!(" · {} {}", form_fails, tr(lang, "项表格内容待修改", "form fields to correct"))}
                    }
                </p>
                <ul class="rules">{ for video.iter().map(|x| rule_row(x, lang, false, None)) }</ul>
            }
            if !atts.is_empty() && measured {
                <ul class="rules">{ for atts.iter().map(|x| rule_row(x, lang, false, None)) }</ul>
            }
            <h3>{tr(lang, "需要人工确认的项目", "For your own eyes")}</h3>
            <ul class="rules checklist">{ for checklist.iter().map(|x| {
                let id = x.id.clone();
                let d = p.dispatch.clone();
                rule_row(x, lang, p.ticks.contains(&x.id), Some(Callback::from(move |on| d.dispatch(Action::Tick(id.clone(), on)))))
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
