//! The form: one result per field, and the profile's cross-checks between
//! fields and the video (one function each).

use super::words::{fmt_duration, required_when_text};
use super::{Input, R, RuleKind, RuleResult, Status, broken};
use crate::form::{self, FormValues};
use crate::profile::{FormCheck, Profile, Severity};

/// One result per field that applies to the category and channel: filled in,
/// within its 字 limit, in the right shape.
pub(super) fn fields(p: &Profile, input: &Input<'_>, values: &FormValues) -> Vec<RuleResult> {
    let mut out = Vec::new();
    let issues = form::validate(p, values, input.category, input.channel);
    for f in p
        .fields
        .iter()
        .filter(|f| Profile::applies(&f.when, input.category, input.channel))
    {
        let mine: Vec<&form::FieldIssue> = issues.iter().filter(|i| i.field == f.id).collect();
        let mut r = R::new(&format!("form.{}", f.id), &f.quote);
        let v = values.get(&f.id);
        r.measured = match (v, f.max_chars) {
            (Some(v), Some(max)) => format!("{} / {max} 字", form::count_chars(&v.text())),
            (Some(v), None) => v.text(),
            (None, _) => String::new(),
        };
        r.expected = f.max_chars.map(|m| format!("≤ {m} 字")).unwrap_or_else(|| {
            match (f.required, &f.required_when) {
                (true, _) => "必填 / required".into(),
                (false, Some(c)) => required_when_text(p, c),
                (false, None) => String::new(),
            }
        });
        if mine.is_empty() {
            r.zh = "已填写。".into();
            r.en = "Filled in.".into();
            if v.is_none_or(form::Value::is_empty) {
                r.zh = "选填，未填写。".into();
                r.en = "Optional, left empty.".into();
            }
        } else {
            r.status = Status::Fail;
            r.zh = mine
                .iter()
                .map(|i| i.message_zh.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            r.en = mine
                .iter()
                .map(|i| i.message_en.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            r.fix_zh = "按提示修改此项。".into();
            r.fix_en = "Correct this field as described.".into();
        }
        out.push(r.done(RuleKind::Form));
    }
    out
}

/// The profile's cross-checks between fields and the video.
pub(super) fn form_checks(p: &Profile, input: &Input<'_>) -> Vec<RuleResult> {
    p.form_checks
        .iter()
        .map(|c| match c {
            FormCheck::MaxShareOfDuration {
                id,
                field,
                max_ratio,
                quote,
            } => max_share_of_duration(p, input, id, field, *max_ratio, quote),
            FormCheck::MatchesFileName {
                id,
                field,
                severity,
                quote,
            } => matches_file_name(input, id, field, *severity, quote),
            FormCheck::OptionForCategories {
                id,
                field,
                option,
                categories,
                severity,
                quote,
            } => option_for_categories(p, input, id, field, option, categories, *severity, quote),
        })
        .collect()
}

/// "非原创部分不得超过视频总时长的10%": the cited duration entered in the
/// form against the video's duration.
fn max_share_of_duration(
    p: &Profile,
    input: &Input<'_>,
    id: &str,
    field: &str,
    max_ratio: f64,
    quote: &str,
) -> RuleResult {
    let mut r = R::new(id, quote);
    r.expected = format!("≤ {:.0}% 总时长", max_ratio * 100.0);
    let label = p
        .fields
        .iter()
        .find(|f| f.id == field)
        .map(|f| f.label.clone())
        .unwrap_or_default();
    let cited = input
        .form
        .and_then(|f| f.get(field))
        .filter(|v| !v.is_empty());
    let total = input.media.and_then(|m| m.duration_s);
    match (input.form, cited, total) {
        (None, _, _) => {
            r.status = Status::Manual;
            r.zh = format!("请在表格「{label}」中填写非原创素材的总时长，本工具会与视频时长比对。");
            r.en = "Fill in the total length of non-original material in the form; it is compared with the video's duration.".into();
        }
        (Some(_), None, _) => {
            r.measured = "0 (—)".into();
            r.zh = "未填写引用素材，视为没有非原创部分。".into();
            r.en = "No cited material entered: taken as no non-original part.".into();
        }
        (Some(_), Some(v), total) => match (form::parse_duration(&v.text()), total) {
            (None, _) => {
                r.status = Status::Fail;
                r.measured = v.text();
                r.zh = format!("「{label}」无法读出时长，请写成 分:秒，如 0:18。");
                r.en = "The cited duration cannot be read; write it as m:ss, e.g. 0:18.".into();
            }
            (Some(_), None) => r.unknown("视频时长", "video duration"),
            (Some(s), Some(t)) => {
                let share = if t > 0.0 { s / t } else { f64::INFINITY };
                r.measured = format!(
                    "{} / {}（{:.1}%）",
                    fmt_duration(s),
                    fmt_duration(t),
                    share * 100.0
                );
                if share <= max_ratio {
                    r.zh = format!(
                        "非原创部分占 {:.1}%，未超过 {:.0}%。",
                        share * 100.0,
                        max_ratio * 100.0
                    );
                    r.en = format!(
                        "Non-original material is {:.1}%, within {:.0}%.",
                        share * 100.0,
                        max_ratio * 100.0
                    );
                } else {
                    r.status = Status::Fail;
                    r.zh = format!(
                        "非原创部分 {} 占总时长 {:.1}%，超过 {:.0}%。",
                        fmt_duration(s),
                        share * 100.0,
                        max_ratio * 100.0
                    );
                    r.en = format!(
                        "Non-original material ({}) is {:.1}% of the video, over {:.0}%.",
                        fmt_duration(s),
                        share * 100.0,
                        max_ratio * 100.0
                    );
                    r.fix_zh = format!(
                        "把引用素材减到 {} 以内，或替换为原创内容。",
                        fmt_duration(t * max_ratio)
                    );
                    r.fix_en = format!(
                        "Cut cited material to {} or less, or replace it with your own.",
                        fmt_duration(t * max_ratio)
                    );
                }
            }
        },
    }
    r.done(RuleKind::Form)
}

/// The title in the form against the video's file name (Preflight's
/// reading of "片头名称应与推荐表一致").
fn matches_file_name(
    input: &Input<'_>,
    id: &str,
    field: &str,
    severity: Severity,
    quote: &str,
) -> RuleResult {
    let mut r = R::new(id, quote);
    let title = input
        .form
        .and_then(|f| f.get(field))
        .map(|v| v.text())
        .filter(|t| !t.trim().is_empty());
    match (title, input.file_name) {
        (Some(t), Some(name)) => {
            r.measured = name.to_string();
            r.expected = t.clone();
            let (a, b) = (strip_title(&t), strip_title(name));
            if !a.is_empty() && (b.contains(&a) || a.contains(&b) && !b.is_empty()) {
                r.zh = "视频文件名与作品名称一致。".into();
                r.en = "The video's file name matches the title.".into();
            } else {
                r.status = broken(severity);
                r.zh = format!(
                    "视频文件名「{name}」与表中作品名称「{t}」不一致；通知要求片头名称与推荐表一致。"
                );
                r.en = format!(
                    "The file name \"{name}\" differs from the title \"{t}\" in the form; the notice asks the opening title to match the form."
                );
                r.fix_zh = "确认片头显示的名称与表中完全一致；打包时文件会按作品名称命名。".into();
                r.fix_en = "Make sure the title shown in the opening matches the form exactly; the bundle names the file after the title.".into();
            }
        }
        _ => {
            r.status = Status::Manual;
            r.zh = "请确认片头显示的名称与表中作品名称一致。".into();
            r.en = "Check that the title in the opening matches the title in the form.".into();
        }
    }
    r.done(RuleKind::Form)
}

fn strip_title(s: &str) -> String {
    let s = s
        .rsplit_once('.')
        .filter(|(_, ext)| ext.len() <= 4 && ext.is_ascii())
        .map_or(s, |(stem, _)| stem);
    s.chars()
        .filter(|c| title_char(*c))
        .map(crate::case::fold)
        .collect()
}

/// The characters of a title that count when it is compared: letters, digits
/// and CJK, not spaces, punctuation or symbols — ASCII's and the CJK and
/// fullwidth blocks' (what titles and file names use). Written out instead of
/// `char::is_alphanumeric`, whose Unicode tables would go into the wasm.
fn title_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    !c.is_whitespace()
        && !matches!(c,
            '\u{0080}'..='\u{00A9}' | '\u{00AB}'..='\u{00B1}' | '\u{00B4}' | '\u{00B6}'..='\u{00B8}'
            | '\u{00BB}' | '\u{00BF}' | '\u{00D7}' | '\u{00F7}' // C1 controls, Latin-1 signs
            | '\u{2000}'..='\u{2BFF}' // general punctuation, symbols, arrows, shapes
            | '\u{3000}'..='\u{3004}' | '\u{3008}'..='\u{3020}' | '\u{302A}'..='\u{3030}'
            | '\u{3036}'..='\u{3037}' | '\u{303D}'..='\u{3040}' // CJK punctuation, marks
            | '\u{3097}'..='\u{309C}' | '\u{30A0}' | '\u{30FB}' // kana marks, middle dot
            | '\u{FE10}'..='\u{FE6F}' // vertical and small forms
            | '\u{FF00}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '\u{FF3B}'..='\u{FF40}'
            | '\u{FF5B}'..='\u{FF65}' | '\u{FFBF}'..='\u{FFC1}' | '\u{FFC8}'..='\u{FFC9}'
            | '\u{FFD0}'..='\u{FFD1}' | '\u{FFD8}'..='\u{FFD9}' | '\u{FFDD}'..='\u{FFEF}' // fullwidth punctuation, signs
        )
}

/// An answer the notice allows in some categories only: chosen with another
/// category, the check breaks, in the notice's words.
#[allow(clippy::too_many_arguments)]
fn option_for_categories(
    p: &Profile,
    input: &Input<'_>,
    id: &str,
    field: &str,
    option: &str,
    categories: &[String],
    severity: Severity,
    quote: &str,
) -> RuleResult {
    let mut r = R::new(id, quote);
    let f = p.fields.iter().find(|f| f.id == field);
    let label = |list: &[crate::profile::Choice], id: &str| {
        list.iter()
            .find(|c| c.id == id)
            .map_or((id.to_string(), id.to_string()), |c| {
                (c.label.clone(), c.label_en.clone())
            })
    };
    let (opt_zh, opt_en) = label(f.map_or(&[][..], |f| &f.options[..]), option);
    // Said the shorter way: the categories it is for, or those it is not.
    let (within, without): (Vec<_>, Vec<_>) = p
        .categories
        .iter()
        .partition(|c| categories.contains(&c.id));
    let names = |l: &[&crate::profile::Choice]| {
        l.iter()
            .map(|c| c.label.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    r.expected = if without.len() < within.len() {
        format!("「{opt_zh}」不适用于：{}", names(&without))
    } else {
        format!("「{opt_zh}」仅限：{}", names(&within))
    };
    let chosen = input
        .form
        .map(|v| form::effective(p, v, input.category, input.channel))
        .and_then(|v| v.get(field).cloned())
        .is_some_and(|v| match v {
            form::Value::Text(t) => t == option,
            form::Value::List(l) => l.iter().any(|x| x == option),
        });
    if input.form.is_none() {
        // Nothing chosen yet (a video checked without its form).
        r.status = Status::Manual;
        r.zh = format!("填表时请注意：{}。", r.expected);
        r.en = format!(
            "When you fill in the form: \"{opt_en}\" is for some categories only (the notice: \"{quote}\")."
        );
        return r.done(RuleKind::Form);
    }
    match input.category {
        Some(cat) if chosen && !categories.iter().any(|c| c == cat) => {
            let (cat_zh, cat_en) = label(&p.categories, cat);
            r.status = broken(severity);
            r.measured = format!("{opt_zh} + {cat_zh}");
            r.zh = format!("已选「{opt_zh}」，但类别是「{cat_zh}」：通知写明「{quote}」。");
            r.en = format!(
                "\"{opt_en}\" is ticked, but the category is \"{cat_en}\": the notice says \"{quote}\"."
            );
            r.fix_zh = "请按通知改选报送视频状态或类别。".into();
            r.fix_en =
                "Change the state of the submission or the category as the notice says.".into();
        }
        _ => {
            r.zh = "报送状态与类别相符。".into();
            r.en = "The state of the submission fits the category.".into();
        }
    }
    r.done(RuleKind::Form)
}

#[cfg(test)]
mod title_tests {
    use super::title_char;

    /// Where titles and file names live (ASCII, Latin, CJK punctuation and
    /// ideographs, fullwidth forms), `title_char` keeps what
    /// `char::is_alphanumeric` keeps.
    #[test]
    fn title_char_agrees_with_is_alphanumeric_where_titles_live() {
        let ranges = [
            0x0000..=0x024F,
            0x2000..=0x206F,
            0x3000..=0x303F,
            0x3040..=0x30FF,
            0x4E00..=0x9FFF,
            0xFE10..=0xFE6F,
            0xFF00..=0xFFEF,
        ];
        let mut wrong = Vec::new();
        for r in ranges {
            for u in r {
                if let Some(c) = char::from_u32(u)
                    && title_char(c) != c.is_alphanumeric()
                {
                    wrong.push(format!("U+{u:04X}"));
                }
            }
        }
        assert!(wrong.is_empty(), "{} differ: {:?}", wrong.len(), &wrong);
    }
}
