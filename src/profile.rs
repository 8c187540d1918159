//! Contest profiles: the rules of one public notice, as data.
//!
//! A profile is JSON (schema version 1). The five built-in ones live in
//! `profiles/*.json` and are embedded at build time; a host page may hand in its
//! own, which goes through exactly the same `Profile::from_json` validation.
//! Every rule carries `quote`: the notice's own words.

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// Largest profile JSON accepted from outside (a host page), in bytes.
pub const MAX_PROFILE_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Schema version; this build reads 1.
    pub schema: u32,
    pub id: String,
    /// Contest name as the notice gives it.
    pub name: String,
    pub name_en: String,
    pub issuer: String,
    /// Title and date of the notice, e.g. "川科普〔2024〕6号, 2024-07-22".
    pub notice: String,
    /// Last day to submit (YYYY-MM-DD), if the notice gives one.
    #[serde(default)]
    pub deadline: Option<Dated>,
    /// Categories the contest judges separately (may be empty).
    #[serde(default)]
    pub categories: Vec<Choice>,
    /// Submission channels: 推荐/自荐, 个人/单位 (may be empty).
    #[serde(default)]
    pub channels: Vec<Choice>,
    pub video: VideoRules,
    #[serde(default)]
    pub fields: Vec<Field>,
    #[serde(default)]
    pub attachments: Vec<AttachmentSlot>,
    /// Cap on all attachments together, where the upload page sets one
    /// (Heilongjiang: "最多3个").
    #[serde(default)]
    pub attachments_max_total: Option<Quoted<u32>>,
    /// Checks that join a form value and the measured video.
    #[serde(default)]
    pub form_checks: Vec<FormCheck>,
    /// What no parser can see: a person ticks these.
    #[serde(default)]
    pub checklist: Vec<ChecklistItem>,
    pub bundle: BundleLayout,
}

/// A value with the notice's own words that justify it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quoted<T> {
    pub value: T,
    pub quote: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dated {
    /// YYYY-MM-DD
    pub date: String,
    pub quote: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Breaking the rule fails the submission.
    #[default]
    Fail,
    /// Breaking the rule is worth a warning only ("建议横屏").
    Warn,
}

/// A rule of the video with its severity and its quote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule<T> {
    pub value: T,
    #[serde(default)]
    pub severity: Severity,
    /// The notice's words. Empty only for Preflight's own advice (then `advice` is true).
    pub quote: String,
    /// True when the notice does not ask for this and it is Preflight's advice.
    #[serde(default)]
    pub advice: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub id: String,
    pub label: String,
    pub label_en: String,
    #[serde(default)]
    pub quote: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct VideoRules {
    /// Accepted containers, by the probe's names: "mp4", "mov", "avi", "asf".
    #[serde(default)]
    pub container: Option<Rule<Vec<String>>>,
    #[serde(default)]
    pub duration: Option<Rule<DurationRange>>,
    /// Minimum size of the picture as displayed, long and short edge.
    #[serde(default)]
    pub resolution: Option<Rule<MinResolution>>,
    #[serde(default)]
    pub orientation: Option<Rule<Orientation>>,
    #[serde(default)]
    pub aspect_ratio: Option<Rule<AspectRatio>>,
    #[serde(default)]
    pub file_size: Option<Rule<SizeRange>>,
    #[serde(default)]
    pub bitrate: Option<Rule<BitrateRule>>,
    /// An audio track must be present.
    #[serde(default)]
    pub audio: Option<Rule<bool>>,
    /// Video codecs that play everywhere the organiser will play the file.
    #[serde(default)]
    pub video_codec: Option<Rule<Vec<String>>>,
    /// Window the work must have been made in; compared with the file's creation time.
    #[serde(default)]
    pub production_date: Option<Rule<DateWindow>>,
    /// moov before mdat, so a web player starts at once.
    #[serde(default)]
    pub faststart: Option<Rule<bool>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DurationRange {
    #[serde(default)]
    pub min_s: Option<f64>,
    #[serde(default)]
    pub max_s: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinResolution {
    /// e.g. 1920
    pub long_edge: u32,
    /// e.g. 1080
    pub short_edge: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Orientation {
    Landscape,
    Portrait,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AspectRatio {
    pub num: u32,
    pub den: u32,
    /// Relative tolerance, e.g. 0.01 lets 1920×1088 pass as 16:9.
    pub tolerance: f64,
}

/// A size range as the notice writes it: "100-300 兆", "不超过4G".
///
/// Notices say 兆/M/G without saying whether 10^6 or 2^20 is meant, and Windows
/// shows MiB as "MB". Both readings are checked: inside under both passes, inside
/// under one only warns (and shows both figures), outside under both fails.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizeRange {
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    pub unit: SizeUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SizeUnit {
    /// 兆 / M / MB: 10^6 or 2^20 bytes.
    M,
    /// G / GB: 10^9 or 2^30 bytes.
    G,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BitrateRule {
    /// Below this the rule fails (bits per second, whole file).
    pub min_bps: u64,
    /// Below this (and at or above `min_bps`) the rule warns.
    #[serde(default)]
    pub warn_below_bps: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DateWindow {
    /// YYYY-MM-DD, inclusive
    pub from: String,
    /// YYYY-MM-DD, inclusive
    pub to: String,
}

/// When a field or slot applies: every listed dimension must match (empty = any).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct When {
    #[serde(default)]
    pub category: Vec<String>,
    #[serde(default)]
    pub channel: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// One line of text.
    Text,
    /// Several lines (内容简介).
    Textarea,
    /// Mainland mobile number (11 digits, 1[3-9]…).
    Mobile,
    /// Mobile or landline (0451-51920576, 028-85235028).
    Phone,
    Email,
    Url,
    /// YYYY-MM-DD; `min_date`/`max_date` bound it.
    Date,
    /// One of `options`.
    Select,
    /// Any of `options` (可多选).
    Multiselect,
    /// A list of names, at most `max_items`.
    Authors,
    /// A duration, "m:ss" or seconds.
    Duration,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub id: String,
    /// Label as the notice's form words it.
    pub label: String,
    pub label_en: String,
    #[serde(rename = "type")]
    pub kind: FieldType,
    #[serde(default)]
    pub required: bool,
    /// Only required/shown in these cases (None = always).
    #[serde(default)]
    pub when: Option<When>,
    /// Limit in 字: every character, Chinese or not, punctuation included, counts one.
    #[serde(default)]
    pub max_chars: Option<u32>,
    #[serde(default)]
    pub options: Vec<Choice>,
    /// For `authors`: the most names allowed.
    #[serde(default)]
    pub max_items: Option<u32>,
    /// For `date`: inclusive bounds, YYYY-MM-DD.
    #[serde(default)]
    pub min_date: Option<String>,
    #[serde(default)]
    pub max_date: Option<String>,
    /// Hint shown under the field, as the form prints it ("如医学、天文等").
    #[serde(default)]
    pub hint: String,
    #[serde(default)]
    pub hint_en: String,
    #[serde(default)]
    pub quote: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentSlot {
    pub id: String,
    pub label: String,
    pub label_en: String,
    pub accept: Vec<FileKind>,
    #[serde(default)]
    pub max_bytes: Option<u64>,
    #[serde(default = "one")]
    pub max_count: u32,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub when: Option<When>,
    /// File name in the bundle, without extension; may use {field_id} placeholders.
    pub file_name: String,
    /// What must be on it: "所有作者手写签字", "推荐单位盖章".
    #[serde(default)]
    pub signatures: String,
    #[serde(default)]
    pub signatures_en: String,
    pub quote: String,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum FormCheck {
    /// A duration field must be at most `max_ratio` of the measured duration.
    MaxShareOfDuration {
        id: String,
        field: String,
        max_ratio: f64,
        quote: String,
    },
    /// A text field must match the video's file name (without extension).
    MatchesFileName {
        id: String,
        field: String,
        #[serde(default)]
        severity: Severity,
        quote: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preview {
    /// Frames from the first seconds (片头).
    Start,
    /// Frames from the last seconds (片尾).
    End,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItem {
    pub id: String,
    pub text: String,
    pub text_en: String,
    pub quote: String,
    #[serde(default)]
    pub preview: Option<Preview>,
    #[serde(default)]
    pub when: Option<When>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleLayout {
    /// Zip name without ".zip", with {field_id} placeholders, e.g. "{unit}-{title}".
    pub zip_name: String,
    /// Video name without extension, e.g. "{title}".
    pub video_name: String,
    /// File name of the filled form (the print view), without extension.
    pub form_name: String,
    /// Where the bundle's contents go, said to the user ("上传至 … 平台", "发送至邮箱 …").
    pub delivery: String,
    pub delivery_en: String,
}
