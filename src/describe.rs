//! A profile's rules in readable words, for `preflight profile ID`.
//!
//! Nothing here words a rule on its own: the rules are what
//! [`check::blank`] returns for each category and channel — the same
//! functions, ids and thresholds as a real check — so this text names every
//! rule `check` can produce and cannot drift from it.

use std::collections::BTreeMap;

use crate::Lang;
use crate::check::words::{kind_title, source_text, video_label};
use crate::check::{self, RuleKind, RuleResult};
use crate::profile::{Choice, FormCheck, Profile};

/// A rule and the categories and channels it applies to.
struct Row {
    rule: RuleResult,
    categories: Vec<String>,
    channels: Vec<String>,
}

/// Every rule of the profile, once, with where it applies, in report order.
fn rows(p: &Profile) -> Vec<Row> {
    let ids = |list: &[Choice]| -> Vec<Option<String>> {
        if list.is_empty() {
            vec![None]
        } else {
            list.iter().map(|c| Some(c.id.clone())).collect()
        }
    };
    let mut order: Vec<String> = Vec::new();
    let mut by_id: BTreeMap<String, Row> = BTreeMap::new();
    for cat in ids(&p.categories) {
        for chan in ids(&p.channels) {
            for rule in check::blank(p, cat.as_deref(), chan.as_deref()) {
                let row = by_id.entry(rule.id.clone()).or_insert_with(|| {
                    order.push(rule.id.clone());
                    Row {
                        rule: rule.clone(),
                        categories: Vec::new(),
                        channels: Vec::new(),
                    }
                });
                for (list, v) in [(&mut row.categories, &cat), (&mut row.channels, &chan)] {
                    if let Some(v) = v
                        && !list.contains(v)
                    {
                        list.push(v.clone());
                    }
                }
            }
        }
    }
    order
        .into_iter()
        .filter_map(|id| by_id.remove(&id))
        .collect()
}

fn label_of<'a>(list: &'a [Choice], id: &'a str, lang: Lang) -> &'a str {
    list.iter()
        .find(|c| c.id == id)
        .map(|c| {
            if lang == Lang::Zh {
                &c.label
            } else {
                &c.label_en
            }
        })
        .map_or(id, |s| s.as_str())
}

/// "(仅：推荐)" where a rule applies to some categories or channels only.
fn scope(p: &Profile, row: &Row, lang: Lang) -> String {
    let mut parts = Vec::new();
    for (all, got) in [
        (&p.categories, &row.categories),
        (&p.channels, &row.channels),
    ] {
        if !all.is_empty() && got.len() < all.len() {
            parts.push(
                got.iter()
                    .map(|id| label_of(all, id, lang))
                    .collect::<Vec<_>>()
                    .join("、"),
            );
        }
    }
    if parts.is_empty() {
        String::new()
    } else if lang == Lang::Zh {
        format!("（仅：{}）", parts.join("；"))
    } else {
        format!(" (only: {})", parts.join("; "))
    }
}

/// What a rule is called: a video rule's name, a field's or a slot's label.
fn name(p: &Profile, r: &RuleResult, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let star = |req: bool| if req { " *" } else { "" };
    if let Some(f) =
        r.id.strip_prefix("form.")
            .and_then(|id| p.fields.iter().find(|f| f.id == id))
    {
        return format!(
            "{}{}",
            if zh { &f.label } else { &f.label_en },
            star(f.required)
        );
    }
    if let Some(a) =
        r.id.strip_prefix("attachment.")
            .and_then(|id| p.attachments.iter().find(|a| a.id == id))
    {
        let label = if zh { &a.label } else { &a.label_en };
        return format!("{label}{}", star(a.required));
    }
    if let Some(c) =
        r.id.strip_prefix("checklist.")
            .and_then(|id| p.checklist.iter().find(|c| c.id == id))
    {
        return format!("□ {}", if zh { &c.text } else { &c.text_en });
    }
    if let Some(c) = p.form_checks.iter().find(|c| c.id() == r.id) {
        let label = |field: &str| -> String {
            p.fields
                .iter()
                .find(|f| f.id == field)
                .map_or(field.to_string(), |f| {
                    if zh {
                        f.label.clone()
                    } else {
                        f.label_en.clone()
                    }
                })
        };
        return match c {
            FormCheck::OptionForCategories { field, .. } => {
                if zh {
                    format!("{}与类别相符", label(field))
                } else {
                    format!("{} fits the category", label(field))
                }
            }
            FormCheck::MaxShareOfDuration { field, .. }
            | FormCheck::MatchesFileName { field, .. } => label(field),
        };
    }
    video_label(&r.id, lang).to_string()
}

/// Every rule with its id, its threshold and the notice's own words beside it.
pub fn profile_text(p: &Profile, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let title = if zh { &p.name } else { &p.name_en };
    let mut out = format!("{} — {}\n{}，{}\n", p.id, title, p.issuer, p.notice);
    out.push_str(&deadline_text(p, lang));
    for (list, zh_t, en_t) in [
        (&p.categories, "类别：", "Categories: "),
        (&p.channels, "渠道：", "Channels: "),
    ] {
        if !list.is_empty() {
            out.push_str(if zh { zh_t } else { en_t });
            out.push_str(
                &list
                    .iter()
                    .map(|c| format!("{} ({})", if zh { &c.label } else { &c.label_en }, c.id))
                    .collect::<Vec<_>>()
                    .join("；"),
            );
            out.push('\n');
        }
    }
    let rows = rows(p);
    for kind in [
        RuleKind::Video,
        RuleKind::Form,
        RuleKind::Attachment,
        RuleKind::Checklist,
    ] {
        let mine: Vec<&Row> = rows.iter().filter(|r| r.rule.kind == kind).collect();
        if mine.is_empty() {
            continue;
        }
        out.push_str(kind_title(kind, lang));
        out.push_str(if zh { "：\n" } else { ":\n" });
        for row in mine {
            let r = &row.rule;
            let mut line = format!("  {:<22} {}", r.id, name(p, r, lang));
            // A checklist item's `expected` is its text, already its name.
            if !r.expected.is_empty() && kind != RuleKind::Checklist {
                line.push_str(&format!("  {}", r.expected));
            }
            line.push_str(&scope(p, row, lang));
            let src = source_text(&r.source, lang);
            if !src.is_empty() {
                line.push_str("  ");
                line.push_str(&src);
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    if !p.notes.is_empty() {
        out.push_str(if zh { "须知：\n" } else { "Notes:\n" });
        for n in &p.notes {
            let scope = n.when.as_ref().map(|w| {
                let labels: Vec<&str> = w
                    .category
                    .iter()
                    .map(|c| label_of(&p.categories, c, lang))
                    .chain(w.channel.iter().map(|c| label_of(&p.channels, c, lang)))
                    .collect();
                if zh {
                    format!("（仅：{}）", labels.join("、"))
                } else {
                    format!(" (only: {})", labels.join(", "))
                }
            });
            out.push_str(&format!(
                "  {:<22} {}{}  「{}」\n",
                format!("note.{}", n.id),
                if zh { &n.text } else { &n.text_en },
                scope.unwrap_or_default(),
                n.quote
            ));
        }
    }
    out.push_str(&delivery_text(p, lang));
    out
}

/// The deadline line: the date, read with the day itself included (a
/// notice's 「…前」 or 「截止…」 is taken to include that day), and the
/// notice's words. Empty when the profile has none.
pub fn deadline_text(p: &Profile, lang: Lang) -> String {
    let Some(d) = &p.deadline else {
        return String::new();
    };
    if lang == Lang::Zh {
        format!("截止 {}（含当日）  「{}」\n", d.date, d.quote)
    } else {
        format!(
            "Deadline {} (inclusive: the day itself counts)  「{}」\n",
            d.date, d.quote
        )
    }
}

/// Where the bundle's contents go (`bundle.delivery`), one line; empty when
/// the profile does not say.
pub fn delivery_text(p: &Profile, lang: Lang) -> String {
    let (label, text) = if lang == Lang::Zh {
        ("提交：", &p.bundle.delivery)
    } else {
        ("Delivery: ", &p.bundle.delivery_en)
    };
    if text.is_empty() {
        String::new()
    } else {
        format!("{label}{text}\n")
    }
}

/// What `check` and `bundle` print after the report: by when and where to
/// send the entry.
pub fn submit_text(p: &Profile, lang: Lang) -> String {
    format!("{}{}", deadline_text(p, lang), delivery_text(p, lang))
}
