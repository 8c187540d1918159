//! The check engine: (profile, category, channel, media facts, form values,
//! attachments) → a report of rule results with stable ids.
//!
//! One rule, one function, one signature: every video rule is a [`Judge`]
//! in `video.rs`, listed once in [`VIDEO_RULES`] (the report's order); the
//! form, its cross-checks, the attachment slots and the checklist have one
//! function each. Their words are in `words.rs`, which `describe` uses too:
//! `preflight profile ID` prints what [`blank`] (every rule of the profile,
//! judged on nothing) returns, so it names every rule `check` can produce,
//! with the same thresholds.
//!
//! The hard cases, decided here and documented in README.md:
//! - "1080p 以上" is judged on the picture as displayed (after rotation and
//!   pixel aspect): its long edge ≥ 1920 and short edge ≥ 1080, whatever the
//!   orientation (orientation is its own rule). An anamorphic file that reaches
//!   the size only through its pixel aspect passes with a warning.
//! - 16:9 has a 1 % tolerance, so a 1920×1088 encode passes.
//! - "兆"/"M"/"G" may mean 10^6 or 2^20 bytes: inside both readings passes,
//!   inside one only warns and shows both, outside both fails.
//! - Durations within 0.5 s past a limit warn (300.02 s against "5分钟以内"
//!   is a rounding of the last frame); beyond that they fail.
//! - "码流不低于5—8M/s": the whole file's bitrate; under 5 Mbps fails, under
//!   8 Mbps warns.
//! - The creation time inside the file is a hint, never a failure.

mod attachments;
mod fields;
mod video;
pub mod words;

use serde::Serialize;

use crate::form::{Attached, FormValues};
use crate::probe::MediaInfo;
use crate::profile::{Profile, Rule, Severity};

pub use words::{fmt_duration, verdict_text};

/// Seconds past a duration limit that only warn.
pub const DURATION_GRACE_S: f64 = 0.5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Manual,
    Unknown,
    Warn,
    Fail,
}

impl Status {
    /// The JSON word: "pass", "manual", "unknown", "warn", "fail".
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Manual => "manual",
            Status::Unknown => "unknown",
            Status::Warn => "warn",
            Status::Fail => "fail",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
}

impl Verdict {
    /// The JSON word: "pass", "warn", "fail".
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
        }
    }
}

/// What a rule looks at (the JSON's `kind`: "video", "form", "attachment",
/// "checklist").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    Video,
    Form,
    Attachment,
    Checklist,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleResult {
    /// Stable: `duration`, `resolution`, …, `form.summary`, `attachment.recommend_form`, `checklist.opening`.
    pub id: String,
    pub status: Status,
    pub measured: String,
    pub expected: String,
    pub message_zh: String,
    pub message_en: String,
    pub fix_zh: String,
    pub fix_en: String,
    /// The notice's own words, or "Preflight 建议" for advice.
    pub source: String,
    pub kind: RuleKind,
    /// For checklist items: show frames from the start or the end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preview: Option<crate::profile::Preview>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub profile: String,
    pub category: Option<String>,
    pub channel: Option<String>,
    pub verdict: Verdict,
    pub rules: Vec<RuleResult>,
    pub media: Option<MediaInfo>,
}

impl Report {
    pub fn failures(&self) -> impl Iterator<Item = &RuleResult> {
        self.rules.iter().filter(|r| r.status == Status::Fail)
    }
}

/// Everything a check looks at. Only `profile` is required.
#[derive(Debug, Default)]
pub struct Input<'a> {
    pub category: Option<&'a str>,
    pub channel: Option<&'a str>,
    pub media: Option<&'a MediaInfo>,
    /// The form; None = not filled in here (the CLI `check` of a bare video).
    pub form: Option<&'a FormValues>,
    pub attachments: Option<&'a [Attached]>,
    /// The video's file name, for "片头名称应与推荐表一致".
    pub file_name: Option<&'a str>,
}

/// A video rule: `None` where the profile does not have it.
type Judge = fn(&Profile, &Input<'_>) -> Option<RuleResult>;

/// The video rules, in the report's order.
const VIDEO_RULES: [Judge; 13] = [
    video::complete,
    video::container,
    video::duration,
    video::resolution,
    video::orientation,
    video::aspect_ratio,
    video::file_size,
    video::bitrate,
    video::audio,
    video::video_codec,
    video::production_date,
    video::faststart,
    video::privacy_location,
];

/// Run every check of the profile.
pub fn check(p: &Profile, input: &Input<'_>) -> Report {
    let mut rules: Vec<RuleResult> = match video::later(p, input) {
        // The entry comes before its video: one rule says when it is due.
        Some(r) => vec![r],
        None => VIDEO_RULES.iter().filter_map(|j| j(p, input)).collect(),
    };
    if let Some(m) = input.media {
        video::unread(&mut rules, m);
    }
    if let Some(values) = input.form {
        let values = crate::form::effective(p, values, input.category, input.channel);
        rules.extend(fields::fields(p, input, &values));
    }
    rules.extend(fields::form_checks(p, input));
    if let Some(att) = input.attachments {
        rules.extend(attachments::slots(p, input, att));
        rules.extend(attachments::total(p, att));
    }
    rules.extend(attachments::checklist(p, input));
    let worst = rules.iter().map(|r| r.status).max().unwrap_or(Status::Pass);
    let verdict = match worst {
        Status::Fail => Verdict::Fail,
        Status::Warn => Verdict::Warn,
        _ => Verdict::Pass,
    };
    Report {
        profile: p.id.clone(),
        category: input.category.map(str::to_string),
        channel: input.channel.map(str::to_string),
        verdict,
        rules,
        // The report goes to a host page and into the bundle: the location
        // stays behind, `privacy.location` says it is there.
        media: input.media.map(MediaInfo::without_location),
    }
}

/// Every rule the profile has for this category and channel, judged on
/// nothing (no video, an empty form, no scans): what `preflight profile`
/// prints. Each carries its id, its threshold (`expected`) and the notice's
/// words, written by the same functions as a real check. The attachment
/// total, which a report shows only when it is exceeded, is included.
pub fn blank(p: &Profile, category: Option<&str>, channel: Option<&str>) -> Vec<RuleResult> {
    let form = FormValues::new();
    let input = Input {
        category,
        channel,
        media: None,
        form: Some(&form),
        attachments: Some(&[]),
        file_name: None,
    };
    let mut rules = check(p, &input).rules;
    // The rules a blank entry does not show, each where a report has it.
    rules.insert(0, video::complete_rule());
    let video_end = rules
        .iter()
        .position(|r| r.kind != RuleKind::Video)
        .unwrap_or(rules.len());
    let tail = std::iter::once(video::privacy_rule()).chain(video::later_rule(p));
    rules.splice(video_end..video_end, tail);
    if let Some(t) = attachments::total_rule(p) {
        let at = rules
            .iter()
            .position(|r| r.kind == RuleKind::Checklist)
            .unwrap_or(rules.len());
        rules.insert(at, t);
    }
    rules
}

/// A rule's result as it is built up, before it is stamped with its kind.
struct R {
    id: String,
    status: Status,
    measured: String,
    expected: String,
    zh: String,
    en: String,
    fix_zh: String,
    fix_en: String,
    source: String,
}

impl R {
    fn new(id: &str, source: &str) -> R {
        R {
            id: id.into(),
            status: Status::Pass,
            measured: String::new(),
            expected: String::new(),
            zh: String::new(),
            en: String::new(),
            fix_zh: String::new(),
            fix_en: String::new(),
            source: source.into(),
        }
    }

    /// A video rule with the profile's words (or the advice mark).
    fn video<T>(id: &str, rule: &Rule<T>) -> R {
        R::new(id, &source(rule))
    }

    /// "Cannot be read from the file: check it yourself."
    fn unknown(&mut self, what_zh: &str, what_en: &str) {
        self.status = Status::Unknown;
        self.measured = "?".into();
        self.zh = format!("无法从文件中读出{what_zh}，请自行确认。");
        self.en = format!("The file does not say its {what_en}; check it yourself.");
    }

    fn done(self, kind: RuleKind) -> RuleResult {
        RuleResult {
            id: self.id,
            status: self.status,
            measured: self.measured,
            expected: self.expected,
            message_zh: self.zh,
            message_en: self.en,
            fix_zh: self.fix_zh,
            fix_en: self.fix_en,
            source: self.source,
            kind,
            preview: None,
        }
    }
}

fn source<T>(r: &Rule<T>) -> String {
    if r.advice || r.quote.is_empty() {
        words::ADVICE_ZH.into()
    } else {
        r.quote.clone()
    }
}

fn broken(sev: Severity) -> Status {
    match sev {
        Severity::Fail => Status::Fail,
        Severity::Warn => Status::Warn,
    }
}
