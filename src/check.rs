//! The check engine: (profile, category, channel, media facts, form values,
//! attachments) → a report of rule results with stable ids.
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

use serde::Serialize;

use crate::Lang;
use crate::form::{self, Attached, FormValues};
use crate::probe::MediaInfo;
use crate::profile::{FormCheck, Orientation, Profile, Rule, Severity, SizeUnit};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
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
    /// `video`, `form`, `attachment`, `checklist`.
    pub kind: &'static str,
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

const ADVICE_ZH: &str = "Preflight 建议（通知未作要求）";

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
    fn done(self, kind: &'static str) -> RuleResult {
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
        ADVICE_ZH.into()
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

const FIX_EXPORT_ZH: &str = "在剪辑软件中导出为 MP4 (H.264)、1920×1080、横屏";
const FIX_EXPORT_EN: &str = "Export from your editor as MP4 (H.264), 1920×1080, landscape";

/// Run every check of the profile.
pub fn check(p: &Profile, input: &Input<'_>) -> Report {
    let mut rules = Vec::new();
    video_rules(p, input, &mut rules);
    privacy_rules(input, &mut rules);
    if let Some(values) = input.form {
        form_rules(p, input, values, &mut rules);
    }
    form_checks(p, input, &mut rules);
    if let Some(att) = input.attachments {
        attachment_rules(p, input, att, &mut rules);
    }
    for c in p
        .checklist
        .iter()
        .filter(|c| Profile::applies(&c.when, input.category, input.channel))
    {
        let mut r = R::new(&format!("checklist.{}", c.id), &c.quote);
        r.status = Status::Manual;
        r.expected = c.text.clone();
        r.zh = format!("请人工确认：{}", c.text);
        r.en = format!("Check by eye: {}", c.text_en);
        let mut res = r.done("checklist");
        res.preview = c.preview;
        rules.push(res);
    }
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

/// `privacy.location`: the video carries where it was shot. The coordinates
/// themselves are never put in a rule or the report.
fn privacy_rules(input: &Input<'_>, out: &mut Vec<RuleResult>) {
    if input.media.and_then(|m| m.location.as_ref()).is_none() {
        return;
    }
    let mut r = R::new("privacy.location", ADVICE_ZH);
    r.status = Status::Warn;
    r.measured = "含拍摄地点 / has location".into();
    r.expected = "不含拍摄地点 / no location".into();
    r.zh = "视频文件带有拍摄地点（GPS 定位）：收到视频的人都能读出你在哪里拍摄。Preflight 不会把坐标写进报告和清单，但视频文件本身仍带着它。".into();
    r.en = "The video carries the place where it was shot (GPS location): anyone who receives it can read where you were. Preflight keeps the coordinates out of its report and manifest, but the video file itself still carries them.".into();
    r.fix_zh = "提交前去掉定位：运行 ffmpeg -i 输入.mp4 -map_metadata -1 -c copy 输出.mp4（不重新编码，也会去掉拍摄时间等信息）；以后在 iPhone 上拍摄前，在「设置 → 隐私与安全性 → 定位服务 → 相机」中关闭定位。".into();
    r.fix_en = "Remove it before submitting: run ffmpeg -i in.mp4 -map_metadata -1 -c copy out.mp4 (no re-encoding; it also drops the recording time and other metadata). On an iPhone, turn off location for the Camera before shooting (Settings → Privacy & Security → Location Services → Camera).".into();
    out.push(r.done("video"));
}

fn unknown(r: &mut R, what_zh: &str, what_en: &str) {
    r.status = Status::Unknown;
    r.measured = "?".into();
    r.zh = format!("无法从文件中读出{what_zh}，请自行确认。");
    r.en = format!("The file does not say its {what_en}; check it yourself.");
}

fn video_rules(p: &Profile, input: &Input<'_>, out: &mut Vec<RuleResult>) {
    let v = &p.video;
    let m = input.media;
    let video = m.and_then(|m| m.video.as_ref());

    if let Some(rule) = &v.container {
        let mut r = R::new("container", &source(rule));
        let names: Vec<String> = rule
            .value
            .iter()
            .map(|c| {
                if c == "asf" {
                    "WMV".into()
                } else {
                    c.to_uppercase()
                }
            })
            .collect();
        r.expected = names.join(" / ");
        match m {
            None => unknown(&mut r, "容器格式", "container"),
            Some(m) => {
                r.measured = if m.container == "asf" {
                    "WMV".into()
                } else {
                    m.container.to_uppercase()
                };
                if rule.value.iter().any(|c| c == &m.container) {
                    r.zh = format!("格式为 {}，符合要求。", r.measured);
                    r.en = format!("The format is {}, as required.", r.measured);
                } else {
                    r.status = broken(rule.severity);
                    r.zh = format!("格式为 {}，通知要求 {}。", r.measured, r.expected);
                    r.en = format!(
                        "The format is {}; the notice asks for {}.",
                        r.measured, r.expected
                    );
                    r.fix_zh =
                        format!("{FIX_EXPORT_ZH}；或用 ffmpeg -i 输入 -c copy 输出.mp4 只换封装。");
                    r.fix_en = format!(
                        "{FIX_EXPORT_EN}; or rewrap without re-encoding: ffmpeg -i in -c copy out.mp4."
                    );
                }
            }
        }
        out.push(r.done("video"));
    }

    if let Some(rule) = &v.duration {
        let mut r = R::new("duration", &source(rule));
        let (lo, hi) = (rule.value.min_s, rule.value.max_s);
        r.expected = match (lo, hi) {
            (Some(a), Some(b)) => format!("{}–{}", fmt_duration(a), fmt_duration(b)),
            (None, Some(b)) => format!("≤ {}", fmt_duration(b)),
            (Some(a), None) => format!("≥ {}", fmt_duration(a)),
            (None, None) => "—".into(),
        };
        match m.and_then(|m| m.duration_s) {
            None => unknown(&mut r, "时长", "duration"),
            Some(d) => {
                r.measured = format!("{} ({d:.2} s)", fmt_duration(d));
                let over = hi.map(|h| d - h).filter(|x| *x > 0.0);
                let under = lo.map(|l| l - d).filter(|x| *x > 0.0);
                match (over, under) {
                    (Some(x), _) => {
                        r.status = if x <= DURATION_GRACE_S {
                            Status::Warn.min(broken(rule.severity))
                        } else {
                            broken(rule.severity)
                        };
                        r.zh = format!("时长 {}，超出上限 {x:.2} 秒。", fmt_duration(d));
                        r.en = format!(
                            "The video runs {}, {x:.2} s over the limit.",
                            fmt_duration(d)
                        );
                        r.fix_zh = format!(
                            "剪短至 {} 以内（建议留 1 秒余量）后重新导出。",
                            fmt_duration(hi.unwrap_or(0.0))
                        );
                        r.fix_en = format!(
                            "Cut it to {} or less (leave a second to spare) and export again.",
                            fmt_duration(hi.unwrap_or(0.0))
                        );
                    }
                    (_, Some(x)) => {
                        r.status = if x <= DURATION_GRACE_S {
                            Status::Warn.min(broken(rule.severity))
                        } else {
                            broken(rule.severity)
                        };
                        r.zh = format!("时长 {}，比下限短 {x:.2} 秒。", fmt_duration(d));
                        r.en = format!(
                            "The video runs {}, {x:.2} s short of the minimum.",
                            fmt_duration(d)
                        );
                        r.fix_zh = format!(
                            "补充内容至 {} 以上后重新导出。",
                            fmt_duration(lo.unwrap_or(0.0))
                        );
                        r.fix_en = format!(
                            "Lengthen it to at least {} and export again.",
                            fmt_duration(lo.unwrap_or(0.0))
                        );
                    }
                    _ => {
                        r.zh = format!("时长 {}，符合要求。", fmt_duration(d));
                        r.en = format!("The video runs {}, within the limits.", fmt_duration(d));
                    }
                }
            }
        }
        out.push(r.done("video"));
    }

    if let Some(rule) = &v.resolution {
        let mut r = R::new("resolution", &source(rule));
        let (need_l, need_s) = (rule.value.long_edge, rule.value.short_edge);
        r.expected = format!("≥ {need_l}×{need_s}");
        match video {
            None => unknown(&mut r, "画面尺寸", "picture size"),
            Some(vi) => {
                let (l, s) = (
                    vi.display_width.max(vi.display_height),
                    vi.display_width.min(vi.display_height),
                );
                let (cl, cs) = (vi.width.max(vi.height), vi.width.min(vi.height));
                r.measured = if (vi.width, vi.height) == (vi.display_width, vi.display_height)
                    || vi.rotation % 180 == 90 && vi.pixel_aspect == "1:1"
                {
                    format!("{}×{}", vi.display_width, vi.display_height)
                } else {
                    format!(
                        "{}×{} (stored {}×{}, pixel aspect {})",
                        vi.display_width, vi.display_height, vi.width, vi.height, vi.pixel_aspect
                    )
                };
                if l >= need_l && s >= need_s {
                    if cl < need_l || cs < need_s {
                        r.status = Status::Warn;
                        r.zh = format!(
                            "显示尺寸达到要求，但存储像素只有 {}×{}（非方形像素），评审或平台可能按实际像素判断。",
                            vi.width, vi.height
                        );
                        r.en = format!(
                            "The displayed size is enough, but only {}×{} pixels are stored (non-square pixels); reviewers or platforms may judge the stored pixels.",
                            vi.width, vi.height
                        );
                        r.fix_zh =
                            format!("导出时选择方形像素（像素长宽比 1.0）、{need_l}×{need_s}。");
                        r.fix_en = format!(
                            "Export with square pixels (pixel aspect 1.0) at {need_l}×{need_s}."
                        );
                    } else {
                        r.zh = format!("分辨率 {}，符合要求。", r.measured);
                        r.en = format!("Resolution {} meets the requirement.", r.measured);
                    }
                } else {
                    r.status = broken(rule.severity);
                    r.zh = format!("分辨率 {}，低于要求的 {need_l}×{need_s}。", r.measured);
                    r.en = format!(
                        "Resolution {} is below the required {need_l}×{need_s}.",
                        r.measured
                    );
                    r.fix_zh = format!(
                        "用原始素材以 {need_l}×{need_s} 或更高重新导出（放大低分辨率画面不会更清晰，评审能看出）。"
                    );
                    r.fix_en = format!(
                        "Export again from the original footage at {need_l}×{need_s} or more (upscaling a small picture does not add detail)."
                    );
                }
            }
        }
        out.push(r.done("video"));
    }

    if let Some(rule) = &v.orientation {
        let mut r = R::new("orientation", &source(rule));
        let want_land = rule.value == Orientation::Landscape;
        r.expected = if want_land {
            "横屏 landscape".into()
        } else {
            "竖屏 portrait".into()
        };
        match video {
            None => unknown(&mut r, "画面方向", "orientation"),
            Some(vi) => {
                let land = vi.display_width > vi.display_height;
                let port = vi.display_height > vi.display_width;
                let rot = if vi.rotation != 0 {
                    format!(", rotated {}°", vi.rotation)
                } else {
                    String::new()
                };
                r.measured = format!(
                    "{} ({}×{}{rot})",
                    if land {
                        "横屏 landscape"
                    } else if port {
                        "竖屏 portrait"
                    } else {
                        "方形 square"
                    },
                    vi.display_width,
                    vi.display_height
                );
                if (want_land && land) || (!want_land && port) {
                    r.zh = format!("画面为{}，符合要求。", if land { "横屏" } else { "竖屏" });
                    r.en = format!(
                        "The picture is {}, as required.",
                        if land { "landscape" } else { "portrait" }
                    );
                } else {
                    r.status = broken(rule.severity);
                    r.zh = format!(
                        "画面为{}，通知要求{}。",
                        if port { "竖屏" } else { "方形" },
                        if want_land { "横屏" } else { "竖屏" }
                    );
                    r.en = format!(
                        "The picture is {}; the notice asks for {}.",
                        if port { "portrait" } else { "square" },
                        if want_land { "landscape" } else { "portrait" }
                    );
                    r.fix_zh = "在剪辑软件中新建 1920×1080 横屏序列，把竖屏画面放入（两侧可加背景），再导出。仅改旋转标记不能把竖屏变成横屏。".into();
                    r.fix_en = "Make a 1920×1080 landscape sequence in your editor, place the portrait footage in it (fill the sides), and export. Changing the rotation flag does not make a portrait video landscape.".into();
                }
            }
        }
        out.push(r.done("video"));
    }

    if let Some(rule) = &v.aspect_ratio {
        let mut r = R::new("aspect_ratio", &source(rule));
        let a = &rule.value;
        let target = f64::from(a.num) / f64::from(a.den);
        r.expected = format!("{}:{} (±{}%)", a.num, a.den, a.tolerance * 100.0);
        match video.filter(|vi| vi.display_height > 0) {
            None => unknown(&mut r, "宽高比", "aspect ratio"),
            Some(vi) => {
                let ratio = f64::from(vi.display_width) / f64::from(vi.display_height);
                r.measured = format!("{:.3} ({}×{})", ratio, vi.display_width, vi.display_height);
                if (ratio / target - 1.0).abs() <= a.tolerance {
                    r.zh = format!("宽高比 {ratio:.3}，符合 {}:{}。", a.num, a.den);
                    r.en = format!("Aspect ratio {ratio:.3} matches {}:{}.", a.num, a.den);
                } else {
                    r.status = broken(rule.severity);
                    r.zh = format!(
                        "宽高比 {ratio:.3}，不是 {}:{}（{target:.3}）。",
                        a.num, a.den
                    );
                    r.en = format!(
                        "Aspect ratio {ratio:.3} is not {}:{} ({target:.3}).",
                        a.num, a.den
                    );
                    r.fix_zh = format!(
                        "以 {}:{} 画幅（如 1920×1080）重新导出；原素材比例不同时加黑边或背景，不要拉伸。",
                        a.num, a.den
                    );
                    r.fix_en = format!(
                        "Export at {}:{} (e.g. 1920×1080); letterbox or pad footage of another shape rather than stretching it.",
                        a.num, a.den
                    );
                }
            }
        }
        out.push(r.done("video"));
    }

    if let Some(rule) = &v.file_size {
        out.push(size_rule(rule, m).done("video"));
    }

    if let Some(rule) = &v.bitrate {
        let mut r = R::new("bitrate", &source(rule));
        let b = &rule.value;
        r.expected = match b.warn_below_bps {
            Some(w) => format!(
                "≥ {:.0} Mbps（建议 ≥ {:.0} Mbps）",
                b.min_bps as f64 / 1e6,
                w as f64 / 1e6
            ),
            None => format!("≥ {:.0} Mbps", b.min_bps as f64 / 1e6),
        };
        let bps = m.and_then(|m| {
            m.duration_s
                .filter(|d| *d > 0.0)
                .map(|d| m.size_bytes as f64 * 8.0 / d)
        });
        match bps {
            None => unknown(&mut r, "码率", "bitrate"),
            Some(bps) => {
                r.measured = format!("{:.2} Mbps", bps / 1e6);
                let fix = |r: &mut R| {
                    r.fix_zh = format!(
                        "导出时把码率设为 {:.0} Mbps 或更高（如「目标码率 10 Mbps」），不要选「压缩/小文件」预设。",
                        b.warn_below_bps.unwrap_or(b.min_bps) as f64 / 1e6
                    );
                    r.fix_en = format!(
                        "Export with a bitrate of {:.0} Mbps or more (e.g. target 10 Mbps); avoid 'small file' presets.",
                        b.warn_below_bps.unwrap_or(b.min_bps) as f64 / 1e6
                    );
                };
                if bps < b.min_bps as f64 {
                    r.status = broken(rule.severity);
                    r.zh = format!(
                        "码率 {:.2} Mbps，低于最低要求 {:.0} Mbps。",
                        bps / 1e6,
                        b.min_bps as f64 / 1e6
                    );
                    r.en = format!(
                        "The bitrate is {:.2} Mbps, below the minimum of {:.0} Mbps.",
                        bps / 1e6,
                        b.min_bps as f64 / 1e6
                    );
                    fix(&mut r);
                } else if b.warn_below_bps.is_some_and(|w| bps < w as f64) {
                    r.status = Status::Warn;
                    r.zh = format!(
                        "码率 {:.2} Mbps，达到最低 {:.0} Mbps，但低于通知所说的 8 Mbps 上沿。",
                        bps / 1e6,
                        b.min_bps as f64 / 1e6
                    );
                    r.en = format!(
                        "The bitrate is {:.2} Mbps: above the {:.0} Mbps minimum but under the notice's upper figure.",
                        bps / 1e6,
                        b.min_bps as f64 / 1e6
                    );
                    fix(&mut r);
                } else {
                    r.zh = format!("码率 {:.2} Mbps，符合要求。", bps / 1e6);
                    r.en = format!("The bitrate is {:.2} Mbps, as required.", bps / 1e6);
                }
            }
        }
        out.push(r.done("video"));
    }

    if let Some(rule) = v.audio.as_ref().filter(|r| r.value) {
        let mut r = R::new("audio", &source(rule));
        r.expected = "有音轨 / has audio".into();
        match m {
            None => unknown(&mut r, "音轨", "audio"),
            Some(m) => match &m.audio {
                Some(a) => {
                    r.measured = format!(
                        "{}{}",
                        a.codec,
                        a.channels.map(|c| format!(" {c} ch")).unwrap_or_default()
                    );
                    r.zh = "有音轨。".into();
                    r.en = "The video has an audio track.".into();
                }
                None => {
                    r.status = broken(rule.severity);
                    r.measured = "无音轨 / none".into();
                    r.zh = "视频没有音轨（没有声音）。".into();
                    r.en = "The video has no audio track (no sound).".into();
                    r.fix_zh =
                        "确认配音/解说已放在时间线上且未静音，导出时勾选「导出音频」（AAC）。"
                            .into();
                    r.fix_en = "Make sure the narration is on the timeline and not muted, and tick 'export audio' (AAC) when exporting.".into();
                }
            },
        }
        out.push(r.done("video"));
    }

    if let Some(rule) = &v.video_codec {
        let mut r = R::new("video_codec", &source(rule));
        r.expected = rule
            .value
            .iter()
            .map(|c| c.to_uppercase())
            .collect::<Vec<_>>()
            .join(" / ");
        match video {
            None => unknown(&mut r, "视频编码", "video codec"),
            Some(vi) => {
                r.measured = vi.codec.to_uppercase();
                if rule.value.contains(&vi.codec) {
                    r.zh = format!("视频编码 {}，各平台都能播放。", r.measured);
                    r.en = format!("Video codec {} plays everywhere.", r.measured);
                } else {
                    r.status = broken(rule.severity);
                    r.zh = format!(
                        "视频编码为 {}，部分电脑、浏览器和评审平台无法播放。",
                        r.measured
                    );
                    r.en = format!(
                        "The video codec is {}, which some computers, browsers and review platforms cannot play.",
                        r.measured
                    );
                    r.fix_zh = "导出时选择 H.264 (AVC) 编码，不要选 HEVC/H.265。".into();
                    r.fix_en = "Export with H.264 (AVC), not HEVC/H.265.".into();
                }
            }
        }
        out.push(r.done("video"));
    }

    if let Some(rule) = &v.production_date {
        let mut r = R::new("production_date", &source(rule));
        let w = &rule.value;
        r.expected = format!("{} – {}", w.from, w.to);
        let created = m.and_then(|m| m.creation_time.clone());
        match created {
            None => {
                r.status = Status::Manual;
                r.measured = "文件中无创建时间 / none in file".into();
                r.zh = format!(
                    "文件里没有记录创建时间，请自行确认作品在 {} 至 {} 之间完成。",
                    w.from, w.to
                );
                r.en = format!(
                    "The file records no creation time; make sure the work was made between {} and {}.",
                    w.from, w.to
                );
            }
            Some(c) => {
                r.measured = c.clone();
                let day = crate::probe::days_from_ymd(&c);
                let inside = match (
                    day,
                    crate::probe::days_from_ymd(&w.from),
                    crate::probe::days_from_ymd(&w.to),
                ) {
                    (Some(d), Some(a), Some(b)) => d >= a && d <= b,
                    _ => true,
                };
                if inside {
                    r.zh = "文件创建时间在要求的时间段内。".into();
                    r.en = "The file's creation time is inside the required window.".into();
                } else {
                    r.status = broken(rule.severity);
                    r.zh = format!(
                        "文件创建时间为 {}，不在 {} 至 {} 之间。重新导出会更新这个时间，这未必是问题，但请确认作品本身在时间段内完成、播出。",
                        &c[..10.min(c.len())],
                        w.from,
                        w.to
                    );
                    r.en = format!(
                        "The file was created on {}, outside {} to {}. Re-exporting updates this date, so it may be fine, but make sure the work itself was made and shown in the window.",
                        &c[..10.min(c.len())],
                        w.from,
                        w.to
                    );
                    r.fix_zh = "准备好播出平台的发布日期截图或网址，以备核查。".into();
                    r.fix_en = "Keep a screenshot or link showing the broadcast date, in case it is checked.".into();
                }
            }
        }
        out.push(r.done("video"));
    }

    if let Some(rule) = v.faststart.as_ref().filter(|r| r.value) {
        let mut r = R::new("faststart", &source(rule));
        r.expected = "moov 在前 / moov first".into();
        match m.and_then(|m| m.faststart) {
            None => {
                r.status = Status::Unknown;
                r.measured = "—".into();
                r.zh = "此格式不适用。".into();
                r.en = "Does not apply to this format.".into();
            }
            Some(true) => {
                r.measured = "是 / yes".into();
                r.zh = "索引在文件开头，网页播放可立即开始。".into();
                r.en = "The index is at the front: web playback starts at once.".into();
            }
            Some(false) => {
                r.status = broken(rule.severity);
                r.measured = "否 / no".into();
                r.zh = "索引（moov）在文件末尾，网页播放要先下载整个文件才能开始。".into();
                r.en = "The index (moov) is at the end: a web player must download the whole file before playing.".into();
                r.fix_zh = "导出时勾选「网络优化」/「快速启动」，或运行 ffmpeg -i 输入.mp4 -c copy -movflags +faststart 输出.mp4（不重新编码）。".into();
                r.fix_en = "Tick 'Web optimized' / 'Fast start' when exporting, or run ffmpeg -i in.mp4 -c copy -movflags +faststart out.mp4 (no re-encode).".into();
            }
        }
        out.push(r.done("video"));
    }
}

fn size_rule(rule: &Rule<crate::profile::SizeRange>, m: Option<&MediaInfo>) -> R {
    let mut r = R::new("file_size", &source(rule));
    let s = &rule.value;
    let (dec, bin, unit) = match s.unit {
        SizeUnit::M => (1e6, 1_048_576.0, "M"),
        SizeUnit::G => (1e9, 1_073_741_824.0, "G"),
    };
    r.expected = match (s.min, s.max) {
        (Some(a), Some(b)) => format!("{a}–{b} {unit}"),
        (None, Some(b)) => format!("≤ {b} {unit}"),
        (Some(a), None) => format!("≥ {a} {unit}"),
        (None, None) => "—".into(),
    };
    let Some(m) = m else {
        unknown(&mut r, "文件大小", "file size");
        return r;
    };
    let bytes = m.size_bytes as f64;
    let inside =
        |k: f64| s.min.is_none_or(|a| bytes >= a * k) && s.max.is_none_or(|b| bytes <= b * k);
    let (in_dec, in_bin) = (inside(dec), inside(bin));
    r.measured = format!("{:.1} {unit}B / {:.1} {unit}iB", bytes / dec, bytes / bin);
    match (in_dec, in_bin) {
        (true, true) => {
            r.zh = format!("文件大小 {:.1} MB，符合要求。", bytes / 1e6);
            r.en = format!("The file is {:.1} MB, within the limits.", bytes / 1e6);
        }
        (false, false) => {
            r.status = broken(rule.severity);
            let big = s.max.is_some_and(|b| bytes > b * dec.min(bin));
            r.zh = format!(
                "文件大小 {:.1} MB（Windows 显示 {:.1} MB），不在 {} 范围内。",
                bytes / 1e6,
                bytes / 1_048_576.0,
                r.expected
            );
            r.en = format!(
                "The file is {:.1} MB ({:.1} MiB as Windows shows it), outside {}.",
                bytes / 1e6,
                bytes / 1_048_576.0,
                r.expected
            );
            if big {
                r.fix_zh = "降低导出码率（如 1080p 用 8 Mbps）或剪短后重新导出。".into();
                r.fix_en =
                    "Export again at a lower bitrate (e.g. 8 Mbps for 1080p) or cut it shorter."
                        .into();
            } else {
                r.fix_zh =
                    "提高导出码率（如 1080p 用 10–15 Mbps）重新导出，使文件达到下限。".into();
                r.fix_en = "Export again at a higher bitrate (e.g. 10–15 Mbps for 1080p) so the file reaches the minimum.".into();
            }
        }
        _ => {
            r.status = Status::Warn;
            r.zh = format!(
                "文件大小 {:.1} MB（十进制）/ {:.1} MiB（Windows 显示）：按一种算法在 {} 内，按另一种不在。通知未说明「兆」按 1000 还是 1024 计，建议留出余量。",
                bytes / 1e6,
                bytes / 1_048_576.0,
                r.expected
            );
            r.en = format!(
                "The file is {:.1} MB (decimal) / {:.1} MiB (as Windows shows it): inside {} by one reading of 兆 and outside by the other. The notice does not say which; leave a margin.",
                bytes / 1e6,
                bytes / 1_048_576.0,
                r.expected
            );
            r.fix_zh = "调整导出码率，使文件大小离边界远一些。".into();
            r.fix_en = "Adjust the export bitrate so the size is clear of the edge.".into();
        }
    }
    r
}

fn form_rules(p: &Profile, input: &Input<'_>, values: &FormValues, out: &mut Vec<RuleResult>) {
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
            if f.required {
                "必填 / required".into()
            } else {
                String::new()
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
        out.push(r.done("form"));
    }
}

fn strip_title(s: &str) -> String {
    let s = s
        .rsplit_once('.')
        .filter(|(_, ext)| ext.len() <= 4 && ext.is_ascii())
        .map_or(s, |(stem, _)| stem);
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn form_checks(p: &Profile, input: &Input<'_>, out: &mut Vec<RuleResult>) {
    for c in &p.form_checks {
        match c {
            FormCheck::MaxShareOfDuration {
                id,
                field,
                max_ratio,
                quote,
            } => {
                let mut r = R::new(id, quote);
                r.expected = format!("≤ {:.0}% 总时长", max_ratio * 100.0);
                let label = p
                    .fields
                    .iter()
                    .find(|f| &f.id == field)
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
                        r.zh = format!(
                            "请在表格「{label}」中填写非原创素材的总时长，本工具会与视频时长比对。"
                        );
                        r.en = "Fill in the total length of non-original material in the form; it is compared with the video's duration.".into();
                    }
                    (Some(_), None, _) => {
                        r.measured = "0 (—)".into();
                        r.zh = "未填写引用素材，视为没有非原创部分。".into();
                        r.en = "No cited material entered: taken as no non-original part.".into();
                    }
                    (Some(_), Some(v), total) => {
                        match (form::parse_duration(&v.text()), total) {
                            (None, _) => {
                                r.status = Status::Fail;
                                r.measured = v.text();
                                r.zh = format!("「{label}」无法读出时长，请写成 分:秒，如 0:18。");
                                r.en = "The cited duration cannot be read; write it as m:ss, e.g. 0:18.".into();
                            }
                            (Some(_), None) => unknown(&mut r, "视频时长", "video duration"),
                            (Some(s), Some(t)) => {
                                let share = if t > 0.0 { s / t } else { f64::INFINITY };
                                r.measured = format!(
                                    "{} / {}（{:.1}%）",
                                    fmt_duration(s),
                                    fmt_duration(t),
                                    share * 100.0
                                );
                                if share <= *max_ratio {
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
                        }
                    }
                }
                out.push(r.done("form"));
            }
            FormCheck::MatchesFileName {
                id,
                field,
                severity,
                quote,
            } => {
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
                            r.status = broken(*severity);
                            r.zh = format!(
                                "视频文件名「{name}」与表中作品名称「{t}」不一致；通知要求片头名称与推荐表一致。"
                            );
                            r.en = format!(
                                "The file name \"{name}\" differs from the title \"{t}\" in the form; the notice asks the opening title to match the form."
                            );
                            r.fix_zh =
                                "确认片头显示的名称与表中完全一致；打包时文件会按作品名称命名。"
                                    .into();
                            r.fix_en = "Make sure the title shown in the opening matches the form exactly; the bundle names the file after the title.".into();
                        }
                    }
                    _ => {
                        r.status = Status::Manual;
                        r.zh = "请确认片头显示的名称与表中作品名称一致。".into();
                        r.en = "Check that the title in the opening matches the title in the form."
                            .into();
                    }
                }
                out.push(r.done("form"));
            }
        }
    }
}

fn attachment_rules(p: &Profile, input: &Input<'_>, att: &[Attached], out: &mut Vec<RuleResult>) {
    for slot in p
        .attachments
        .iter()
        .filter(|a| Profile::applies(&a.when, input.category, input.channel))
    {
        let mine: Vec<&Attached> = att.iter().filter(|a| a.slot == slot.id).collect();
        let mut r = R::new(&format!("attachment.{}", slot.id), &slot.quote);
        r.expected = format!(
            "{}{}",
            if slot.required { "必交 " } else { "" },
            slot.signatures
        );
        r.measured = if mine.is_empty() {
            "未上传 / none".into()
        } else {
            mine.iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>()
                .join("、")
        };
        if mine.is_empty() {
            if slot.required {
                r.status = Status::Fail;
                r.zh = format!("缺少「{}」。", slot.label);
                r.en = format!("\"{}\" is missing.", slot.label_en);
                r.fix_zh = format!(
                    "打印表格，{}，扫描为 PDF 或拍照为 JPEG 后上传。",
                    slot.signatures
                );
                r.fix_en = format!(
                    "Print the form, {}, scan it as PDF or photograph it as JPEG, and attach it.",
                    slot.signatures_en
                );
            } else {
                r.zh = "选交，未上传。".into();
                r.en = "Optional, not attached.".into();
            }
        } else if mine.len() > slot.max_count as usize {
            r.status = Status::Fail;
            r.zh = format!(
                "「{}」最多 {} 个文件，现有 {} 个。",
                slot.label,
                slot.max_count,
                mine.len()
            );
            r.en = format!(
                "\"{}\" takes at most {} files; there are {}.",
                slot.label_en,
                slot.max_count,
                mine.len()
            );
            r.fix_zh = "合并为一个 PDF 或删去多余文件。".into();
            r.fix_en = "Merge them into one PDF or remove the extra files.".into();
        } else {
            r.status = Status::Manual;
            r.zh = format!("已上传。请确认：{}。", slot.signatures);
            r.en = format!("Attached. Check: {}.", slot.signatures_en);
        }
        out.push(r.done("attachment"));
    }
    if let Some(total) = &p.attachments_max_total {
        if att.len() > total.value as usize {
            let mut r = R::new("attachment.total", &total.quote);
            r.status = Status::Fail;
            r.expected = format!("≤ {}", total.value);
            r.measured = att.len().to_string();
            r.zh = format!("附件共 {} 个，平台最多接受 {} 个。", att.len(), total.value);
            r.en = format!(
                "{} attachments; the platform takes at most {}.",
                att.len(),
                total.value
            );
            r.fix_zh = "把多页扫描合并为一个 PDF。".into();
            r.fix_en = "Merge multi-page scans into one PDF.".into();
            out.push(r.done("attachment"));
        }
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
