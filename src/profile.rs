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
    /// The commitments and opinions the form prints for signing (作者承诺,
    /// 推荐单位意见), in the notice's words; the print view carries them.
    #[serde(default)]
    pub pledges: Vec<Pledge>,
    /// What a submitter must know that nobody ticks: staged deadlines, what
    /// to keep after submitting, how to change an entry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    /// Other documents to print and sign (承诺书), each on its own page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    pub bundle: BundleLayout,
}

/// Which choice a field repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mirror {
    Category,
    Channel,
}

/// A document besides the form that the notice asks the user to sign (四川's
/// 附件3/附件4 版权承诺书): printed on its own page after the form, its
/// fields filled in, its text verbatim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub id: String,
    /// As the notice titles it: "附件3 科普微视频版权承诺书".
    pub title: String,
    /// Field ids printed as rows above the text (承诺人, 身份证号码, 作品名称…).
    #[serde(default)]
    pub fields: Vec<String>,
    /// The document's text, verbatim from the notice.
    pub text: String,
    /// What fills the text's 「_____」 blanks, in order: a field id, or ids
    /// joined by `|` (the first with a value). A blank without a value stays
    /// a blank to write in by hand.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fills: Vec<String>,
    /// The signature / stamp / date lines under it.
    #[serde(default)]
    pub sign: String,
    #[serde(default)]
    pub when: Option<When>,
    pub quote: String,
}

/// A note for the submitter, in the notice's words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub id: String,
    pub text: String,
    pub text_en: String,
    pub quote: String,
    #[serde(default)]
    pub when: Option<When>,
}

/// Required only when another field holds a value: `any_of` option ids, or
/// anything at all where `any_of` is empty ("其他" needs its blank; declared
/// cited material needs its 授权使用证明).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequiredWhen {
    pub field: String,
    #[serde(default)]
    pub any_of: Vec<String>,
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
    /// Only for these categories and channels (None = always). A rule given
    /// as a list of variants uses the first whose `when` applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<When>,
}

/// A video rule: one, or several variants each for some categories or
/// channels (`when`), of which the first that applies is used — 四川's
/// 藏汉双语 category has its own words for the narration.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Scoped<T> {
    One(Rule<T>),
    Many(Vec<Rule<T>>),
}

impl<T> Scoped<T> {
    /// Every variant.
    pub fn all(&self) -> &[Rule<T>] {
        match self {
            Scoped::One(r) => std::slice::from_ref(r),
            Scoped::Many(v) => v,
        }
    }

    pub fn all_mut(&mut self) -> &mut [Rule<T>] {
        match self {
            Scoped::One(r) => std::slice::from_mut(r),
            Scoped::Many(v) => v,
        }
    }

    /// The variant for this category and channel, if any applies.
    pub fn pick(&self, category: Option<&str>, channel: Option<&str>) -> Option<&Rule<T>> {
        self.all()
            .iter()
            .find(|r| Profile::applies(&r.when, category, channel))
    }
}

// By hand rather than `untagged`, so that a mistake inside a rule is named
// ("unknown field `valeu`") instead of "did not match any variant"; and
// straight from the input, with no `serde_json::Value` in between (a second
// set of deserializers would cost the browser's payload).
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Scoped<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for V<T> {
            type Value = Scoped<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a rule, or a list of rules each with `when`")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                Rule::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(Scoped::One)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> Result<Self::Value, A::Error> {
                Vec::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))
                    .map(Scoped::Many)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub id: String,
    pub label: String,
    pub label_en: String,
    #[serde(default)]
    pub quote: String,
    /// The category or channel used when none is given (and the output says
    /// so); without one, a choice that changes what applies must be made.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub default: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct VideoRules {
    /// Accepted containers, by the probe's names: "mp4", "mov", "3gp", "avi",
    /// "asf" (WMV), "mkv", "webm", "flv", "mpegts", "m2ts", "mpegps", "mxf", "rm", "ogg".
    #[serde(default)]
    pub container: Option<Scoped<Vec<String>>>,
    /// The notice's list of containers ends in 「等」: a container not on it
    /// breaks the rule with this severity (`warn`) instead of the list's, and
    /// the user is told to confirm it with the organiser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_others: Option<Quoted<Severity>>,
    #[serde(default)]
    pub duration: Option<Scoped<DurationRange>>,
    /// Minimum size of the picture as displayed, long and short edge.
    #[serde(default)]
    pub resolution: Option<Scoped<MinResolution>>,
    #[serde(default)]
    pub orientation: Option<Scoped<Orientation>>,
    #[serde(default)]
    pub aspect_ratio: Option<Scoped<AspectRatio>>,
    #[serde(default)]
    pub file_size: Option<Scoped<SizeRange>>,
    #[serde(default)]
    pub bitrate: Option<Scoped<BitrateRule>>,
    /// An audio track must be present.
    #[serde(default)]
    pub audio: Option<Scoped<bool>>,
    /// Video codecs that play everywhere the organiser will play the file.
    #[serde(default)]
    pub video_codec: Option<Scoped<Vec<String>>>,
    /// Window the work must have been made in; compared with the file's creation time.
    #[serde(default)]
    pub production_date: Option<Scoped<DateWindow>>,
    /// moov before mdat, so a web player starts at once.
    #[serde(default)]
    pub faststart: Option<Scoped<bool>>,
    /// The notice asks for the original file (原片): advice never tells the
    /// user to re-encode or convert it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<Quoted<bool>>,
    /// An entry may come before its video (科普之光's 视频线索): when the form
    /// says so and no video is given, the video rules wait and the bundle
    /// goes without a video.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub later: Option<VideoLater>,
}

/// When and how a video may follow the entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VideoLater {
    /// The form's answer that says the video comes later.
    pub when: RequiredWhen,
    /// The follow-up, said to the user: "视频请于 8 月 15 日前补充报送".
    pub text: String,
    pub text_en: String,
    /// YYYY-MM-DD, the last day for the video, if the notice gives one.
    #[serde(default)]
    pub due: Option<String>,
    pub quote: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DurationRange {
    #[serde(default)]
    pub min_s: Option<f64>,
    #[serde(default)]
    pub max_s: Option<f64>,
}

impl VideoRules {
    /// The `when` of every variant of every rule.
    fn whens(&self) -> impl Iterator<Item = &When> {
        fn w<T>(r: &Option<Scoped<T>>) -> impl Iterator<Item = &When> {
            r.iter()
                .flat_map(Scoped::all)
                .filter_map(|r| r.when.as_ref())
        }
        w(&self.container)
            .chain(w(&self.duration))
            .chain(w(&self.resolution))
            .chain(w(&self.orientation))
            .chain(w(&self.aspect_ratio))
            .chain(w(&self.file_size))
            .chain(w(&self.bitrate))
            .chain(w(&self.audio))
            .chain(w(&self.video_codec))
            .chain(w(&self.production_date))
            .chain(w(&self.faststart))
    }
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
    /// 居民身份证号码: 18 characters, the last a check digit (GB 11643-1999).
    IdCard,
    /// 统一社会信用代码: 18 characters, the last a check character (GB 32100-2015).
    Uscc,
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
    /// Required (though `required` is false) when another field holds a value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_when: Option<RequiredWhen>,
    /// The form repeats a choice made once: `"category"` or `"channel"`. A
    /// select takes the choice; a multi-select always has it ticked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mirrors: Option<Mirror>,
    /// Asked only by the documents to sign (a 承诺书's 身份证号码): printed on
    /// their pages, not as a row of the form. Needs a document in the profile.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub document_only: bool,
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

impl FileKind {
    /// As a person names it: "PDF", "JPEG", "PNG".
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Pdf => "PDF",
            FileKind::Jpeg => "JPEG",
            FileKind::Png => "PNG",
        }
    }
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
    /// `max_bytes` is the notice's 「20M」 read as 10^6 bytes; it may mean
    /// 2^20 too. A scan within the binary reading but over `max_bytes` is
    /// taken and warned about; over both it is refused ([`Self::hard_max`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub max_either_way: bool,
    #[serde(default = "one")]
    pub max_count: u32,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub when: Option<When>,
    /// Required (though `required` is false) when a field holds a value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_when: Option<RequiredWhen>,
    /// File name in the bundle, without extension; may use {field_id} placeholders.
    pub file_name: String,
    /// What must be on it: "所有作者手写签字", "推荐单位盖章".
    #[serde(default)]
    pub signatures: String,
    #[serde(default)]
    pub signatures_en: String,
    pub quote: String,
}

impl AttachmentSlot {
    /// The most bytes a scan may have before it is refused: `max_bytes`, or
    /// its binary reading (×1.048576) where the notice's 「M」 may mean either.
    pub fn hard_max(&self) -> Option<u64> {
        self.max_bytes.map(|m| {
            if self.max_either_way {
                m.saturating_mul(1_048_576) / 1_000_000
            } else {
                m
            }
        })
    }
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
    /// An answer (`option` of `field`) the notice allows in some categories
    /// only (科普之光's 「视频待自行制作（科普月精剪视频除外…）」): chosen with
    /// another category, it breaks the check.
    OptionForCategories {
        id: String,
        field: String,
        option: String,
        categories: Vec<String>,
        #[serde(default)]
        severity: Severity,
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

impl FormCheck {
    /// The check's id, as its rule in a report.
    pub fn id(&self) -> &str {
        match self {
            FormCheck::MaxShareOfDuration { id, .. }
            | FormCheck::OptionForCategories { id, .. }
            | FormCheck::MatchesFileName { id, .. } => id,
        }
    }
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

/// A block of the printed form to be signed or stamped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pledge {
    /// The form's row heading: "作者承诺", "推荐单位意见".
    pub heading: String,
    /// The printed text, verbatim from the notice's form.
    pub text: String,
    /// What fills the text's 「_____」 blanks, in order: a field id, or ids
    /// joined by `|` (the first with a value). A blank without a value stays
    /// a blank to write in by hand.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fills: Vec<String>,
    /// The signature / stamp / date lines under it.
    #[serde(default)]
    pub sign: String,
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
    /// The form's name where a channel has its own (四川: 附件1《推荐信息表》
    /// or 附件2《自荐表》), keyed by channel id.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub form_name_by_channel: std::collections::BTreeMap<String, String>,
    /// Where the bundle's contents go, said to the user ("上传至 … 平台", "发送至邮箱 …").
    pub delivery: String,
    pub delivery_en: String,
}

/// A built-in profile as the contest picker lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BuiltinEntry {
    pub id: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
}

/// The built-in profiles, in display order: the index every build carries.
/// Native builds embed the files too ([`builtin`]); the browser fetches
/// `profiles/ID.json` when a contest is chosen (see `web::profiles`), so the
/// wasm holds only this index. A test checks it against the files.
pub const BUILTIN_INDEX: [BuiltinEntry; 5] = [
    BuiltinEntry {
        id: "cujs-video-abstract-2026",
        name: "第三届“中国高校科技期刊建设示范案例库·金钥/银钥/铜钥视频摘要”案例征集活动",
        name_en: "3rd CUJS Showcase of University Sci-Tech Journals: Golden/Silver/Bronze Key Video Abstracts",
    },
    BuiltinEntry {
        id: "sichuan-kepu-2024",
        name: "2024年四川省优秀科普微视频评选活动",
        name_en: "2024 Sichuan Outstanding Popular Science Micro-Video Selection",
    },
    BuiltinEntry {
        id: "heilongjiang-kepu-2022",
        name: "2022年黑龙江省优秀科普微视频征集评选活动",
        name_en: "2022 Heilongjiang Outstanding Popular Science Micro-Video Call and Selection",
    },
    BuiltinEntry {
        id: "kepu-light-2026",
        name: "“科普之光”全国科普月大型网络展播活动（2026）",
        name_en: "“Light of Science” National Science Popularization Month Online Showcase 2026",
    },
    BuiltinEntry {
        id: "nmg-kepu-2025",
        name: "2025年全区优秀科普微视频作品征集",
        name_en: "2025 Inner Mongolia Outstanding Popular Science Micro-Video Call",
    },
];

/// The built-in profiles' text, in [`BUILTIN_INDEX`]'s order (native builds only).
#[cfg(not(target_arch = "wasm32"))]
const BUILTIN_JSON: [&str; 5] = [
    include_str!("../profiles/cujs-video-abstract-2026.json"),
    include_str!("../profiles/sichuan-kepu-2024.json"),
    include_str!("../profiles/heilongjiang-kepu-2022.json"),
    include_str!("../profiles/kepu-light-2026.json"),
    include_str!("../profiles/nmg-kepu-2025.json"),
];

/// Ids of the built-in profiles, in display order.
pub fn builtin_ids() -> impl Iterator<Item = &'static str> {
    BUILTIN_INDEX.iter().map(|e| e.id)
}

/// The index entry of a built-in profile, or the error naming the ones there are.
pub fn builtin_entry(id: &str) -> Result<&'static BuiltinEntry, Error> {
    BUILTIN_INDEX.iter().find(|e| e.id == id).ok_or_else(|| {
        let ids: Vec<&str> = builtin_ids().collect();
        Error::new(
            "unknown_profile",
            format!("没有名为「{id}」的比赛配置。可用：{}", ids.join("、")),
            format!(
                "There is no contest profile \"{id}\". Available: {}",
                ids.join(", ")
            ),
        )
    })
}

/// A built-in profile by id.
#[cfg(not(target_arch = "wasm32"))]
pub fn builtin(id: &str) -> Result<Profile, Error> {
    let entry = builtin_entry(id)?;
    let json = BUILTIN_INDEX
        .iter()
        .zip(BUILTIN_JSON)
        .find_map(|(e, json)| (e == entry).then_some(json))
        .unwrap_or_default();
    Profile::from_json(json)
}

/// All built-in profiles.
#[cfg(not(target_arch = "wasm32"))]
pub fn builtins() -> Vec<Profile> {
    builtin_ids().filter_map(|id| builtin(id).ok()).collect()
}

fn bad(zh: String, en: String) -> Error {
    Error::new(
        "bad_profile",
        format!("比赛配置无效：{zh}。请联系提供此页面的平台修正配置。"),
        format!(
            "The contest profile is invalid: {en}. Ask the platform that provides this page to fix it."
        ),
    )
}

const MAX_TEXT: usize = 4000;

fn texts_ok(t: &[&str]) -> Result<(), Error> {
    if t.iter().any(|t| t.len() > MAX_TEXT) {
        return Err(bad("某段文字过长".into(), "a text is too long".into()));
    }
    Ok(())
}
const MAX_ITEMS: usize = 200;

impl Profile {
    /// Parse and validate a profile from JSON (a built-in one or a host page's).
    pub fn from_json(json: &str) -> Result<Profile, Error> {
        if json.len() > MAX_PROFILE_BYTES {
            return Err(bad(
                format!(
                    "大小 {} 字节，超过上限 {MAX_PROFILE_BYTES} 字节",
                    json.len()
                ),
                format!(
                    "it is {} bytes, over the {MAX_PROFILE_BYTES}-byte limit",
                    json.len()
                ),
            ));
        }
        // The schema version first, so a newer profile says so rather than
        // failing on a field this build does not know.
        let at = |e: &serde_json::Error| {
            bad(
                format!("第 {} 行第 {} 列：{e}", e.line(), e.column()),
                format!("line {}, column {}: {e}", e.line(), e.column()),
            )
        };
        /// Only the version, read before the rest.
        #[derive(Deserialize)]
        struct Head {
            #[serde(default)]
            schema: Option<u64>,
        }
        let version = match serde_json::from_str::<Head>(json) {
            Ok(h) => h.schema,
            Err(e) if e.is_data() => None,
            Err(e) => return Err(at(&e)),
        };
        match version {
            Some(1) => {}
            Some(n) => {
                return Err(bad(
                    format!("schema 版本 {n} 不受支持（此版本读取 1）"),
                    format!("schema version {n} is not supported (this build reads 1)"),
                ));
            }
            None => {
                return Err(bad(
                    "缺少 schema 版本号（应为 1）".into(),
                    "the schema version is missing (expected 1)".into(),
                ));
            }
        }
        let p: Profile = serde_json::from_str(json).map_err(|e| at(&e))?;
        p.validate()?;
        Ok(p)
    }

    /// Check what serde cannot: references, ranges, dates, sizes.
    #[expect(
        clippy::too_many_lines,
        reason = "a checklist read top to bottom: each check beside its words in both languages, in the order of the profile's fields"
    )]
    pub fn validate(&self) -> Result<(), Error> {
        let fail = |zh: &str, en: &str| Err(bad(zh.to_string(), en.to_string()));
        if self.schema != 1 {
            return fail(
                &format!("schema 版本 {} 不受支持（应为 1）", self.schema),
                &format!(
                    "schema version {} is not supported (expected 1)",
                    self.schema
                ),
            );
        }
        let id_ok = |s: &str| {
            !s.is_empty()
                && s.len() <= 64
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        };
        if !id_ok(&self.id) {
            return fail(
                "id 只能用小写字母、数字、-、_",
                "id may use only a-z, 0-9, - and _",
            );
        }
        if self.fields.len() > MAX_ITEMS
            || self.attachments.len() > MAX_ITEMS
            || self.checklist.len() > MAX_ITEMS
            || self.categories.len() > MAX_ITEMS
            || self.channels.len() > MAX_ITEMS
            || self.pledges.len() > MAX_ITEMS
            || self.notes.len() > MAX_ITEMS
            || self.documents.len() > MAX_ITEMS
        {
            return fail("条目过多", "too many entries");
        }
        let mut texts: Vec<&str> = vec![&self.name, &self.name_en, &self.issuer, &self.notice];
        for f in &self.fields {
            texts.extend([f.label.as_str(), &f.label_en, &f.hint, &f.hint_en, &f.quote]);
        }
        for a in &self.attachments {
            texts.extend([
                a.label.as_str(),
                &a.label_en,
                &a.quote,
                &a.file_name,
                &a.signatures,
            ]);
        }
        for c in &self.checklist {
            texts.extend([c.text.as_str(), &c.text_en, &c.quote]);
        }
        for c in &self.pledges {
            texts.extend([c.heading.as_str(), &c.text, &c.sign]);
        }
        for n in &self.notes {
            texts.extend([n.text.as_str(), &n.text_en, &n.quote]);
        }
        for d in &self.documents {
            texts.extend([d.title.as_str(), &d.text, &d.sign, &d.quote]);
        }
        texts.extend(
            self.bundle
                .form_name_by_channel
                .values()
                .map(String::as_str),
        );
        if texts.iter().any(|t| t.len() > MAX_TEXT) {
            return fail("某段文字过长", "a text is too long");
        }
        // Unique ids.
        fn dup<'a>(ids: impl Iterator<Item = &'a str>) -> Option<&'a str> {
            let mut seen = std::collections::BTreeSet::new();
            ids.into_iter().find(|&id| !seen.insert(id))
        }
        for (what, d) in [
            ("fields", dup(self.fields.iter().map(|f| f.id.as_str()))),
            (
                "attachments",
                dup(self.attachments.iter().map(|a| a.id.as_str())),
            ),
            (
                "categories",
                dup(self.categories.iter().map(|c| c.id.as_str())),
            ),
            ("channels", dup(self.channels.iter().map(|c| c.id.as_str()))),
            (
                "checklist",
                dup(self.checklist.iter().map(|c| c.id.as_str())),
            ),
            ("notes", dup(self.notes.iter().map(|n| n.id.as_str()))),
            (
                "documents",
                dup(self.documents.iter().map(|d| d.id.as_str())),
            ),
        ] {
            if let Some(d) = d {
                return fail(
                    &format!("{what} 中 id「{d}」重复"),
                    &format!("id \"{d}\" repeats in {what}"),
                );
            }
        }
        if self.fields.iter().any(|f| !id_ok(&f.id))
            || self.attachments.iter().any(|a| !id_ok(&a.id))
        {
            return fail(
                "字段或附件 id 只能用小写字母、数字、-、_",
                "field and attachment ids may use only a-z, 0-9, - and _",
            );
        }
        // `when` must name real categories and channels.
        let whens = self.whens();
        for w in whens {
            if let Some(c) = w
                .category
                .iter()
                .find(|c| !self.categories.iter().any(|k| &k.id == *c))
            {
                return fail(
                    &format!("when 引用了不存在的类别「{c}」"),
                    &format!("`when` names an unknown category \"{c}\""),
                );
            }
            if let Some(c) = w
                .channel
                .iter()
                .find(|c| !self.channels.iter().any(|k| &k.id == *c))
            {
                return fail(
                    &format!("when 引用了不存在的渠道「{c}」"),
                    &format!("`when` names an unknown channel \"{c}\""),
                );
            }
        }
        // Field details.
        for f in &self.fields {
            if matches!(f.kind, FieldType::Select | FieldType::Multiselect) && f.options.is_empty()
            {
                return fail(
                    &format!("字段「{}」没有选项", f.id),
                    &format!("field \"{}\" has no options", f.id),
                );
            }
            if f.max_chars == Some(0) || f.max_items == Some(0) {
                return fail(
                    &format!("字段「{}」的上限为 0", f.id),
                    &format!("field \"{}\" has a limit of 0", f.id),
                );
            }
            for d in [&f.min_date, &f.max_date].into_iter().flatten() {
                if crate::probe::days_from_ymd(d).is_none() {
                    return fail(
                        &format!("日期「{d}」格式应为 YYYY-MM-DD"),
                        &format!("date \"{d}\" is not YYYY-MM-DD"),
                    );
                }
            }
        }
        // `required_when` must name a real field and its real options.
        let conds = self
            .fields
            .iter()
            .filter_map(|f| f.required_when.as_ref().map(|r| (f.id.as_str(), r)))
            .chain(
                self.attachments
                    .iter()
                    .filter_map(|a| a.required_when.as_ref().map(|r| (a.id.as_str(), r))),
            );
        for (owner, r) in conds {
            let Some(f) = self.fields.iter().find(|f| f.id == r.field) else {
                return fail(
                    &format!(
                        "「{owner}」的 required_when 引用了不存在的字段「{}」",
                        r.field
                    ),
                    &format!(
                        "required_when of \"{owner}\" names an unknown field \"{}\"",
                        r.field
                    ),
                );
            };
            if let Some(o) = r
                .any_of
                .iter()
                .find(|o| !f.options.is_empty() && !f.options.iter().any(|x| &x.id == *o))
            {
                return fail(
                    &format!(
                        "「{owner}」的 required_when 引用了字段「{}」没有的选项「{o}」",
                        f.id
                    ),
                    &format!(
                        "required_when of \"{owner}\" names option \"{o}\", which field \"{}\" does not have",
                        f.id
                    ),
                );
            }
        }
        if let Some(l) = &self.video.later {
            if !self.fields.iter().any(|f| f.id == l.when.field) {
                return fail(
                    &format!("video.later 引用了不存在的字段「{}」", l.when.field),
                    &format!("video.later names an unknown field \"{}\"", l.when.field),
                );
            }
            if l.due
                .as_deref()
                .is_some_and(|d| crate::probe::days_from_ymd(d).is_none())
            {
                return fail(
                    "video.later 的日期格式应为 YYYY-MM-DD",
                    "video.later's due date is not YYYY-MM-DD",
                );
            }
            texts_ok(&[&l.text, &l.text_en, &l.quote])?;
        }
        let fills = self
            .documents
            .iter()
            .flat_map(|d| &d.fills)
            .chain(self.pledges.iter().flat_map(|g| &g.fills));
        for fill in fills {
            if let Some(f) = fill
                .split('|')
                .find(|f| !self.fields.iter().any(|x| x.id == *f))
            {
                return fail(
                    &format!("fills 引用了不存在的字段「{f}」"),
                    &format!("fills names an unknown field \"{f}\""),
                );
            }
        }
        for d in &self.documents {
            if let Some(f) = d
                .fields
                .iter()
                .find(|f| !self.fields.iter().any(|x| &x.id == *f))
            {
                return fail(
                    &format!("文书「{}」引用了不存在的字段「{f}」", d.id),
                    &format!("document \"{}\" names an unknown field \"{f}\"", d.id),
                );
            }
        }
        if self.documents.is_empty()
            && let Some(f) = self.fields.iter().find(|f| f.document_only)
        {
            return fail(
                &format!(
                    "字段「{}」只印在文书上（document_only），但配置没有 documents",
                    f.id
                ),
                &format!(
                    "field \"{}\" is document_only, but the profile has no documents",
                    f.id
                ),
            );
        }
        for (what, list) in [
            ("categories", &self.categories),
            ("channels", &self.channels),
        ] {
            if list.iter().filter(|c| c.default).count() > 1 {
                return fail(
                    &format!("{what} 中只能有一个 default"),
                    &format!("at most one of the {what} may be the default"),
                );
            }
        }
        if let Some(c) = self
            .bundle
            .form_name_by_channel
            .keys()
            .find(|c| !self.channels.iter().any(|k| &k.id == *c))
        {
            return fail(
                &format!("form_name_by_channel 引用了不存在的渠道「{c}」"),
                &format!("form_name_by_channel names an unknown channel \"{c}\""),
            );
        }
        for c in &self.form_checks {
            let (field, want) = match c {
                FormCheck::MaxShareOfDuration {
                    field, max_ratio, ..
                } => {
                    if !(0.0..=1.0).contains(max_ratio) {
                        return fail(
                            "max_ratio 应在 0 与 1 之间",
                            "max_ratio must be between 0 and 1",
                        );
                    }
                    (field, Some(FieldType::Duration))
                }
                FormCheck::MatchesFileName { field, .. } => (field, None),
                FormCheck::OptionForCategories {
                    field,
                    option,
                    categories,
                    ..
                } => {
                    let known = self
                        .fields
                        .iter()
                        .find(|f| &f.id == field)
                        .is_some_and(|f| f.options.iter().any(|o| &o.id == option))
                        && categories
                            .iter()
                            .all(|c| self.categories.iter().any(|x| &x.id == c));
                    if !known {
                        return fail(
                            &format!("form_checks 中「{field}」的选项「{option}」或其类别不存在"),
                            &format!(
                                "form_checks: option \"{option}\" of \"{field}\", or one of its categories, does not exist"
                            ),
                        );
                    }
                    (field, None)
                }
            };
            match self.fields.iter().find(|f| &f.id == field) {
                None => {
                    return fail(
                        &format!("form_checks 引用了不存在的字段「{field}」"),
                        &format!("form_checks names an unknown field \"{field}\""),
                    );
                }
                Some(f) if want.is_some_and(|w| w != f.kind) => {
                    return fail(
                        &format!("字段「{field}」应为 duration 类型"),
                        &format!("field \"{field}\" must be of type duration"),
                    );
                }
                _ => {}
            }
        }
        for a in &self.attachments {
            if a.accept.is_empty() || a.max_count == 0 {
                return fail(
                    &format!("附件「{}」不接受任何文件", a.id),
                    &format!("attachment \"{}\" accepts no file", a.id),
                );
            }
        }
        // Video rules.
        let v = &self.video;
        for r in v.duration.iter().flat_map(Scoped::all) {
            let (lo, hi) = (
                r.value.min_s.unwrap_or(0.0),
                r.value.max_s.unwrap_or(f64::MAX),
            );
            if !(lo.is_finite() && lo >= 0.0 && lo <= hi) {
                return fail("时长范围无效", "the duration range is invalid");
            }
        }
        for r in v.file_size.iter().flat_map(Scoped::all) {
            let (lo, hi) = (r.value.min.unwrap_or(0.0), r.value.max.unwrap_or(f64::MAX));
            if !(lo.is_finite() && lo >= 0.0 && lo <= hi) {
                return fail("文件大小范围无效", "the file size range is invalid");
            }
        }
        for r in v.aspect_ratio.iter().flat_map(Scoped::all) {
            if r.value.num == 0 || r.value.den == 0 || !(0.0..=0.5).contains(&r.value.tolerance) {
                return fail("宽高比无效", "the aspect ratio is invalid");
            }
        }
        for r in v.production_date.iter().flat_map(Scoped::all) {
            match (
                crate::probe::days_from_ymd(&r.value.from),
                crate::probe::days_from_ymd(&r.value.to),
            ) {
                (Some(a), Some(b)) if a <= b => {}
                _ => return fail("制作日期范围无效", "the production date window is invalid"),
            }
        }
        // Bundle names may only use existing fields.
        for t in [&self.bundle.zip_name, &self.bundle.video_name] {
            for name in placeholders(t) {
                if !self.fields.iter().any(|f| f.id == name) {
                    return fail(
                        &format!("文件名模板引用了不存在的字段「{name}」"),
                        &format!("a file name template names an unknown field \"{name}\""),
                    );
                }
            }
        }
        Ok(())
    }

    /// The printed form's title for this channel.
    pub fn form_name(&self, channel: Option<&str>) -> &str {
        channel
            .and_then(|c| self.bundle.form_name_by_channel.get(c))
            .unwrap_or(&self.bundle.form_name)
    }

    /// Does an item with this `when` apply to the chosen category and channel?
    pub fn applies(when: &Option<When>, category: Option<&str>, channel: Option<&str>) -> bool {
        let Some(w) = when else { return true };
        let ok = |list: &[String], v: Option<&str>| {
            list.is_empty() || v.is_some_and(|v| list.iter().any(|x| x == v))
        };
        ok(&w.category, category) && ok(&w.channel, channel)
    }
}

/// `{field}` placeholders of a template.
pub fn placeholders(t: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        let Some(j) = after.find('}') else { break };
        out.push(after[..j].to_string());
        rest = &after[j + 1..];
    }
    out
}

/// The category and channel a check or a bundle uses, resolved once at the
/// edge from what the user gave.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scope {
    pub category: Option<String>,
    pub channel: Option<String>,
    /// What was chosen for the user (a profile's default), to be said:
    /// (zh, en).
    pub defaulted: Vec<(String, String)>,
}

impl Profile {
    /// The `when` of every item and every video rule variant.
    fn whens(&self) -> impl Iterator<Item = &When> {
        self.fields
            .iter()
            .filter_map(|f| f.when.as_ref())
            .chain(self.attachments.iter().filter_map(|a| a.when.as_ref()))
            .chain(self.checklist.iter().filter_map(|c| c.when.as_ref()))
            .chain(self.pledges.iter().filter_map(|c| c.when.as_ref()))
            .chain(self.notes.iter().filter_map(|n| n.when.as_ref()))
            .chain(self.documents.iter().filter_map(|d| d.when.as_ref()))
            .chain(self.video.whens())
    }

    /// Does a category (or a channel) change what applies? Only then must
    /// one be chosen.
    fn scoped_by(&self, category: bool) -> bool {
        let names = |w: &When| {
            if category {
                !w.category.is_empty()
            } else {
                !w.channel.is_empty()
            }
        };
        let mut whens = self.whens();
        let mirrored = self.fields.iter().any(|f| {
            f.mirrors
                == Some(if category {
                    Mirror::Category
                } else {
                    Mirror::Channel
                })
        });
        mirrored || whens.any(names) || (!category && !self.bundle.form_name_by_channel.is_empty())
    }

    /// Resolve the category and channel given (by the CLI's flags, a host's
    /// configuration, the API's arguments). An unknown id is an error naming
    /// the choices; so is a missing one where the profile has several and
    /// the choice changes what applies — unless the profile marks a default,
    /// which is used and said. A profile's only category or channel is used.
    pub fn resolve(&self, category: Option<&str>, channel: Option<&str>) -> Result<Scope, Error> {
        let mut scope = Scope::default();
        for (is_cat, given, list) in [
            (true, category, &self.categories),
            (false, channel, &self.channels),
        ] {
            let (what_zh, what_en, whats_en, flag) = if is_cat {
                ("类别", "category", "categories", "category")
            } else {
                ("渠道", "channel", "channels", "channel")
            };
            let choices_zh = list
                .iter()
                .map(|c| format!("{}（{}）", c.id, c.label))
                .collect::<Vec<_>>()
                .join("、");
            let choices_en = list
                .iter()
                .map(|c| format!("{} ({})", c.id, c.label_en))
                .collect::<Vec<_>>()
                .join(", ");
            let chosen = match given.map(str::trim).filter(|g| !g.is_empty()) {
                Some(g) => {
                    if !list.iter().any(|c| c.id == g) {
                        let none = list.is_empty();
                        return Err(Error::new(
                            if is_cat {
                                "unknown_category"
                            } else {
                                "unknown_channel"
                            },
                            if none {
                                format!(
                                    "此比赛不分{what_zh}，请不要指定 {flag}（给出的是「{g}」）。"
                                )
                            } else {
                                format!("没有名为「{g}」的{what_zh}。可选：{choices_zh}。")
                            },
                            if none {
                                format!(
                                    "This contest has no {whats_en}; leave out {flag} (\"{g}\" was given)."
                                )
                            } else {
                                format!(
                                    "There is no {what_en} \"{g}\". Choose one of: {choices_en}."
                                )
                            },
                        ));
                    }
                    Some(g.to_string())
                }
                None if list.len() == 1 => list.first().map(|c| c.id.clone()),
                None if list.is_empty() || !self.scoped_by(is_cat) => None,
                None => match list.iter().find(|c| c.default) {
                    Some(d) => {
                        scope.defaulted.push((
                            format!("未指定{what_zh}，按默认「{}」（{}）检查。", d.label, d.id),
                            format!(
                                "No {what_en} given: the default \"{}\" ({}) was used.",
                                d.label_en, d.id
                            ),
                        ));
                        Some(d.id.clone())
                    }
                    None => {
                        return Err(Error::new(
                            if is_cat {
                                "choose_category"
                            } else {
                                "choose_channel"
                            },
                            format!(
                                "此比赛有多个{what_zh}，适用的表格、附件或要求因{what_zh}而不同，请指定 {flag}：{choices_zh}。"
                            ),
                            format!(
                                "This contest has several {whats_en} and what applies depends on the {what_en}: give the {flag}, one of: {choices_en}."
                            ),
                        ));
                    }
                },
            };
            if is_cat {
                scope.category = chosen;
            } else {
                scope.channel = chosen;
            }
        }
        Ok(scope)
    }
}

#[cfg(test)]
mod index_tests {
    use super::*;

    /// The index the browser carries says what the files say, and names
    /// every file in profiles/ (the browser fetches only what it names).
    #[test]
    fn the_index_matches_the_profile_files() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .expect("profiles/")
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                e.file_name()
                    .to_str()?
                    .strip_suffix(".json")
                    .map(String::from)
            })
            .collect();
        files.sort();
        let mut ids: Vec<String> = builtin_ids().map(String::from).collect();
        ids.sort();
        assert_eq!(ids, files, "BUILTIN_INDEX and profiles/*.json differ");
        for e in &BUILTIN_INDEX {
            let text = std::fs::read_to_string(dir.join(format!("{}.json", e.id))).expect("read");
            let p = Profile::from_json(&text).unwrap_or_else(|err| panic!("{}: {err}", e.id));
            assert_eq!(
                (p.id.as_str(), p.name.as_str(), p.name_en.as_str()),
                (e.id, e.name, e.name_en)
            );
            assert_eq!(
                builtin(e.id).expect("builtin"),
                p,
                "{}: embedded text differs",
                e.id
            );
        }
        assert_eq!(builtin_entry("nope").unwrap_err().code, "unknown_profile");
    }
}
