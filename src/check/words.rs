//! The words of the rules, in one place: how a threshold is written, what
//! each rule is called, and the advice that several rules share. `check`
//! writes its results with these, and `describe` (`preflight profile ID`)
//! prints what `check` produces, so the two cannot say different things.

use crate::Lang;
use crate::profile::{BitrateRule, DurationRange, Profile, RequiredWhen, SizeRange, SizeUnit};

use super::{RuleKind, Verdict};

/// The source shown for a rule the notice does not make.
pub const ADVICE_ZH: &str = "Preflight 建议（通知未作要求）";

pub const FIX_EXPORT_ZH: &str = "在剪辑软件中导出为 MP4 (H.264)、1920×1080、横屏";
pub const FIX_EXPORT_EN: &str = "Export from your editor as MP4 (H.264), 1920×1080, landscape";

/// "4:59.50" style: rounded to the hundredth first, so 119.999 s is "2:00".
pub fn fmt_duration(s: f64) -> String {
    let cs = (s * 100.0).round() as u64;
    let (m, rest) = (cs / 6000, cs % 6000);
    if rest % 100 == 0 {
        format!("{m}:{:02}", rest / 100)
    } else {
        format!("{m}:{:02}.{:02}", rest / 100, rest % 100)
    }
}

/// How a profile names a container to a person: the probe's `asf` is WMV.
pub fn container_name(c: &str) -> String {
    match c {
        "asf" => "WMV".into(),
        "webm" => "WebM".into(),
        "mpegts" => "MPEG-TS".into(),
        "mpegps" => "MPEG-PS".into(),
        "rm" => "RealMedia".into(),
        "ogg" => "Ogg".into(),
        _ => c.to_ascii_uppercase(),
    }
}

pub fn duration_range(d: &DurationRange) -> String {
    match (d.min_s, d.max_s) {
        (Some(a), Some(b)) => format!("{}–{}", fmt_duration(a), fmt_duration(b)),
        (None, Some(b)) => format!("≤ {}", fmt_duration(b)),
        (Some(a), None) => format!("≥ {}", fmt_duration(a)),
        (None, None) => "—".into(),
    }
}

pub fn size_unit(u: SizeUnit) -> &'static str {
    match u {
        SizeUnit::M => "M",
        SizeUnit::G => "G",
    }
}

pub fn size_range(s: &SizeRange) -> String {
    let unit = size_unit(s.unit);
    match (s.min, s.max) {
        (Some(a), Some(b)) => format!("{a}–{b} {unit}"),
        (None, Some(b)) => format!("≤ {b} {unit}"),
        (Some(a), None) => format!("≥ {a} {unit}"),
        (None, None) => "—".into(),
    }
}

pub fn mbps(bps: u64) -> f64 {
    bps as f64 / 1e6
}

pub fn bitrate_range(b: &BitrateRule) -> String {
    match b.warn_below_bps {
        Some(w) => format!(
            "≥ {:.0} Mbps（建议 ≥ {:.0} Mbps）",
            mbps(b.min_bps),
            mbps(w)
        ),
        None => format!("≥ {:.0} Mbps", mbps(b.min_bps)),
    }
}

/// What a section of rules is called.
pub fn kind_title(kind: RuleKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (RuleKind::Video, Lang::Zh) => "视频要求",
        (RuleKind::Form, Lang::Zh) => "表格",
        (RuleKind::Attachment, Lang::Zh) => "附件",
        (RuleKind::Checklist, Lang::Zh) => "人工确认",
        (RuleKind::Video, Lang::En) => "Video rules",
        (RuleKind::Form, Lang::En) => "Form",
        (RuleKind::Attachment, Lang::En) => "Attachments",
        (RuleKind::Checklist, Lang::En) => "Checklist",
    }
}

/// A one-line verdict in the chosen language.
pub fn verdict_text(v: Verdict, lang: Lang) -> &'static str {
    match (v, lang) {
        (Verdict::Pass, Lang::Zh) => "通过",
        (Verdict::Warn, Lang::Zh) => "通过（有提醒）",
        (Verdict::Fail, Lang::Zh) => "不通过",
        (Verdict::Pass, Lang::En) => "pass",
        (Verdict::Warn, Lang::En) => "pass with warnings",
        (Verdict::Fail, Lang::En) => "fail",
    }
}

/// What a video rule is called, by its id.
pub fn video_label(id: &str, lang: Lang) -> &str {
    let (zh, en) = match id {
        "container" => ("格式", "container"),
        "duration" => ("时长", "duration"),
        "resolution" => ("分辨率", "resolution"),
        "orientation" => ("方向", "orientation"),
        "aspect_ratio" => ("宽高比", "aspect ratio"),
        "file_size" => ("大小", "file size"),
        "bitrate" => ("码率", "bitrate"),
        "audio" => ("音轨", "audio"),
        "video_codec" => ("视频编码", "video codec"),
        "production_date" => ("制作时间", "made"),
        "faststart" => ("快速启动", "fast start"),
        "privacy.location" => ("拍摄地点", "location"),
        "complete" => ("文件完整", "whole file"),
        _ => (id, id),
    };
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// Where a rule's words come from, as `preflight profile` prints it.
pub fn source_text(source: &str, lang: Lang) -> String {
    match (source == ADVICE_ZH, lang) {
        (true, Lang::Zh) => ADVICE_ZH.into(),
        (true, Lang::En) => "Preflight's advice (the notice does not ask)".into(),
        (false, _) if source.is_empty() => String::new(),
        (false, _) => format!("「{source}」"),
    }
}

/// "「主管单位所属类型」为「其他」时必填 / required when …": a condition in
/// both languages, as `expected` shows it.
pub fn required_when_text(p: &Profile, c: &RequiredWhen) -> String {
    let f = p.fields.iter().find(|f| f.id == c.field);
    let (label, label_en) = f.map_or((c.field.as_str(), c.field.as_str()), |f| {
        (f.label.as_str(), f.label_en.as_str())
    });
    let opt = |id: &str, zh: bool| -> String {
        f.and_then(|f| f.options.iter().find(|o| o.id == id))
            .map_or(id.to_string(), |o| {
                if zh {
                    o.label.clone()
                } else {
                    o.label_en.clone()
                }
            })
    };
    if c.any_of.is_empty() {
        format!("填写「{label}」时必填 / required when \"{label_en}\" is filled in")
    } else {
        let zh: Vec<String> = c.any_of.iter().map(|o| opt(o, true)).collect();
        let en: Vec<String> = c.any_of.iter().map(|o| opt(o, false)).collect();
        format!(
            "「{label}」为「{}」时必填 / required when \"{label_en}\" is {}",
            zh.join("」或「"),
            en.join(" or ")
        )
    }
}
