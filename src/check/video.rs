//! The video rules: one function each, one signature ([`super::Judge`]),
//! listed in the report's order in [`super::VIDEO_RULES`]. Each reads its
//! threshold from the profile and writes its words with `words`.

use super::words::{
    FIX_EXPORT_EN, FIX_EXPORT_ZH, bitrate_range, container_name, duration_range, fmt_duration,
    mbps, size_range, size_unit,
};
use super::{DURATION_GRACE_S, Input, R, RuleKind, RuleResult, Status, broken};
use crate::profile::{Orientation, Profile, SizeUnit};
use crate::profile::{Rule, Scoped};

/// Does the notice ask for the original file (原片)?
fn original(p: &Profile) -> bool {
    p.video.original.as_ref().is_some_and(|o| o.value)
}

const ORIGINAL_ZH: &str = "通知要求提交原片：请提交剪辑软件直接导出的文件，不要用转换工具转码或改格式；如不确定此格式是否被接受，请联系主办方。";
const ORIGINAL_EN: &str = "The notice asks for the original file: hand in what your editor exported, without converting it; if unsure whether this format is accepted, ask the organiser.";

/// The variant of a video rule for the input's category and channel.
fn pick<'a, T>(rule: &'a Option<Scoped<T>>, input: &Input<'_>) -> Option<&'a Rule<T>> {
    rule.as_ref()?.pick(input.category, input.channel)
}

/// Accepted containers ("视频格式为 mp4"); WMV is the probe's `asf`.
pub(super) fn container(p: &Profile, input: &Input<'_>) -> Option<RuleResult> {
    let rule = pick(&p.video.container, input)?;
    let m = input.media;
    let mut r = R::video("container", rule);
    let names: Vec<String> = rule.value.iter().map(|c| container_name(c)).collect();
    r.expected = names.join(" / ");
    if p.video.container_others.is_some() {
        // The notice's list ends in 「等」.
        r.expected.push_str(" 等");
    }
    match m {
        None => r.unknown("容器格式", "container"),
        Some(m) => {
            r.measured = container_name(&m.container);
            if rule.value.iter().any(|c| c == &m.container) {
                r.zh = format!("格式为 {}，符合要求。", r.measured);
                r.en = format!("The format is {}, as required.", r.measured);
            } else if let Some(others) = &p.video.container_others {
                // The notice's list ends in 「等」: another container may be
                // accepted; only the organiser can say.
                r.status = broken(others.value);
                r.source = others.quote.clone();
                r.zh = format!(
                    "格式为 {}，不在通知列出的 {} 中；通知的列表以「等」结尾，其他常见格式也可能被接受。",
                    r.measured,
                    names.join(" / ")
                );
                r.en = format!(
                    "The format is {}, not one of the {} the notice lists; the list ends in 'etc.' (等), so other common formats may be accepted.",
                    r.measured,
                    names.join(" / ")
                );
                if original(p) {
                    r.fix_zh = "请向主办方确认是否接受此格式；通知要求提交原片，请提交剪辑软件直接导出的文件，不要转码或改格式。".into();
                    r.fix_en = "Ask the organiser whether this format is accepted; the notice asks for the original file, so hand in what your editor exported, without converting it.".into();
                } else {
                    r.fix_zh = format!(
                        "请向主办方确认是否接受此格式；如不接受，可用 ffmpeg -i 输入 -c copy 输出.mp4 只换封装（不重新编码），或{}。",
                        FIX_EXPORT_ZH
                    );
                    r.fix_en = format!(
                        "Ask the organiser whether this format is accepted; if not, rewrap it without re-encoding (ffmpeg -i in -c copy out.mp4), or: {FIX_EXPORT_EN}."
                    );
                }
            } else {
                r.status = broken(rule.severity);
                r.zh = format!("格式为 {}，通知要求 {}。", r.measured, r.expected);
                r.en = format!(
                    "The format is {}; the notice asks for {}.",
                    r.measured, r.expected
                );
                if original(p) {
                    r.fix_zh = ORIGINAL_ZH.into();
                    r.fix_en = ORIGINAL_EN.into();
                } else if m.container == "mov" && rule.value.iter().any(|c| c == "mp4") {
                    // A QuickTime file whose codecs MP4 carries is rewrapped
                    // here (`crate::fix`); the fix says when it cannot be.
                    r.fix_zh = format!(
                        "点「一键修复（不重新编码）」把 MOV 转为 MP4（或运行 preflight fix 输入.mov -o 输出.mp4），画面和声音不变；若提示无法转换，{FIX_EXPORT_ZH}。"
                    );
                    r.fix_en = format!(
                        "Click 一键修复 (fix without re-encoding) to turn the MOV into an MP4 (or run preflight fix in.mov -o out.mp4); picture and sound stay as they are. If it says it cannot: {FIX_EXPORT_EN}."
                    );
                } else {
                    r.fix_zh =
                        format!("{FIX_EXPORT_ZH}；或用 ffmpeg -i 输入 -c copy 输出.mp4 只换封装。");
                    r.fix_en = format!(
                        "{FIX_EXPORT_EN}; or rewrap without re-encoding: ffmpeg -i in -c copy out.mp4."
                    );
                }
            }
        }
    }
    Some(r.done(RuleKind::Video))
}

/// Duration range; [`DURATION_GRACE_S`] past a limit only warns.
pub(super) fn duration(p: &Profile, input: &Input<'_>) -> Option<RuleResult> {
    let rule = pick(&p.video.duration, input)?;
    let m = input.media;
    let mut r = R::video("duration", rule);
    let (lo, hi) = (rule.value.min_s, rule.value.max_s);
    r.expected = duration_range(&rule.value);
    match m.and_then(|m| m.duration_s) {
        None => r.unknown("时长", "duration"),
        Some(d) => {
            r.measured = format!("{} ({d:.2} s)", fmt_duration(d));
            // Within the grace past a limit only warns.
            let graced = |x: f64| {
                if x <= DURATION_GRACE_S {
                    Status::Warn.min(broken(rule.severity))
                } else {
                    broken(rule.severity)
                }
            };
            let over = hi.map(|h| d - h).filter(|x| *x > 0.0);
            let under = lo.map(|l| l - d).filter(|x| *x > 0.0);
            match (over, under) {
                (Some(x), _) => {
                    r.status = graced(x);
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
                    r.status = graced(x);
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
    Some(r.done(RuleKind::Video))
}

/// Minimum picture size as displayed (rotation and pixel aspect applied).
pub(super) fn resolution(p: &Profile, input: &Input<'_>) -> Option<RuleResult> {
    let rule = pick(&p.video.resolution, input)?;
    let m = input.media;
    let video = m.and_then(|m| m.video.as_ref());
    let mut r = R::video("resolution", rule);
    let (need_l, need_s) = (rule.value.long_edge, rule.value.short_edge);
    r.expected = format!("≥ {need_l}×{need_s}");
    match video {
        None => r.unknown("画面尺寸", "picture size"),
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
                    r.fix_zh = format!("导出时选择方形像素（像素长宽比 1.0）、{need_l}×{need_s}。");
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
    Some(r.done(RuleKind::Video))
}

/// Landscape or portrait, from the displayed size.
pub(super) fn orientation(p: &Profile, input: &Input<'_>) -> Option<RuleResult> {
    let rule = pick(&p.video.orientation, input)?;
    let m = input.media;
    let video = m.and_then(|m| m.video.as_ref());
    let mut r = R::video("orientation", rule);
    let want_land = rule.value == Orientation::Landscape;
    r.expected = if want_land {
        "横屏 landscape".into()
    } else {
        "竖屏 portrait".into()
    };
    match video {
        None => r.unknown("画面方向", "orientation"),
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
                if want_land {
                    r.fix_zh = "在剪辑软件中新建 1920×1080 横屏序列，把竖屏画面放入（两侧可加背景），再导出。仅改旋转标记不能把竖屏变成横屏。".into();
                    r.fix_en = "Make a 1920×1080 landscape sequence in your editor, place the portrait footage in it (fill the sides), and export. Changing the rotation flag does not make a portrait video landscape.".into();
                } else {
                    r.fix_zh = "在剪辑软件中新建 1080×1920 竖屏序列，把横屏画面放入（上下可加背景），再导出。仅改旋转标记不能把横屏变成竖屏。".into();
                    r.fix_en = "Make a 1080×1920 portrait sequence in your editor, place the landscape footage in it (fill above and below), and export. Changing the rotation flag does not make a landscape video portrait.".into();
                }
            }
        }
    }
    Some(r.done(RuleKind::Video))
}

/// Aspect ratio of the displayed picture, within the profile's tolerance.
pub(super) fn aspect_ratio(p: &Profile, input: &Input<'_>) -> Option<RuleResult> {
    let rule = pick(&p.video.aspect_ratio, input)?;
    let m = input.media;
    let video = m.and_then(|m| m.video.as_ref());
    let mut r = R::video("aspect_ratio", rule);
    let a = &rule.value;
    let target = f64::from(a.num) / f64::from(a.den);
    r.expected = format!("{}:{} (±{}%)", a.num, a.den, a.tolerance * 100.0);
    match video.filter(|vi| vi.display_height > 0) {
        None => r.unknown("宽高比", "aspect ratio"),
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
    Some(r.done(RuleKind::Video))
}

/// File size range: "兆"/"M" read both as 10^6 and 2^20 bytes (see the module docs).
pub(super) fn file_size(p: &Profile, input: &Input<'_>) -> Option<RuleResult> {
    let rule = pick(&p.video.file_size, input)?;
    let mut r = R::video("file_size", rule);
    let s = &rule.value;
    let unit = size_unit(s.unit);
    let (dec, bin) = match s.unit {
        SizeUnit::M => (1e6, 1_048_576.0),
        SizeUnit::G => (1e9, 1_073_741_824.0),
    };
    r.expected = size_range(s);
    let Some(m) = input.media else {
        r.unknown("文件大小", "file size");
        return Some(r.done(RuleKind::Video));
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
    Some(r.done(RuleKind::Video))
}

/// Whole-file bitrate: under `min_bps` breaks the rule, under `warn_below_bps` warns.
pub(super) fn bitrate(p: &Profile, input: &Input<'_>) -> Option<RuleResult> {
    let rule = pick(&p.video.bitrate, input)?;
    let m = input.media;
    let mut r = R::video("bitrate", rule);
    let b = &rule.value;
    r.expected = bitrate_range(b);
    let bps = m.and_then(|m| {
        m.duration_s
            .filter(|d| *d > 0.0)
            .map(|d| m.size_bytes as f64 * 8.0 / d)
    });
    match bps {
        None => r.unknown("码率", "bitrate"),
        Some(bps) => {
            r.measured = format!("{:.2} Mbps", bps / 1e6);
            let fix = |r: &mut R| {
                if original(p) {
                    r.fix_zh = format!(
                        "通知要求提交原片：请从剪辑工程以 {:.0} Mbps 或更高的码率重新导出原片；用转换工具提高已导出文件的码率不会让画面更清晰。",
                        mbps(b.warn_below_bps.unwrap_or(b.min_bps))
                    );
                    r.fix_en = format!(
                        "The notice asks for the original: export it again from your editing project at {:.0} Mbps or more; converting the exported file to a higher bitrate adds no detail.",
                        mbps(b.warn_below_bps.unwrap_or(b.min_bps))
                    );
                    return;
                }
                r.fix_zh = format!(
                    "导出时把码率设为 {:.0} Mbps 或更高（如「目标码率 10 Mbps」），不要选「压缩/小文件」预设。",
                    mbps(b.warn_below_bps.unwrap_or(b.min_bps))
                );
                r.fix_en = format!(
                    "Export with a bitrate of {:.0} Mbps or more (e.g. target 10 Mbps); avoid 'small file' presets.",
                    mbps(b.warn_below_bps.unwrap_or(b.min_bps))
                );
            };
            if bps < b.min_bps as f64 {
                r.status = broken(rule.severity);
                r.zh = format!(
                    "码率 {:.2} Mbps，低于最低要求 {:.0} Mbps。",
                    bps / 1e6,
                    mbps(b.min_bps)
                );
                r.en = format!(
                    "The bitrate is {:.2} Mbps, below the minimum of {:.0} Mbps.",
                    bps / 1e6,
                    mbps(b.min_bps)
                );
                fix(&mut r);
            } else if b.warn_below_bps.is_some_and(|w| bps < w as f64) {
                r.status = Status::Warn;
                r.zh = format!(
                    "码率 {:.2} Mbps，达到最低 {:.0} Mbps，但低于通知所说的 {:.0} Mbps 上沿。",
                    bps / 1e6,
                    mbps(b.min_bps),
                    mbps(b.warn_below_bps.unwrap_or(b.min_bps))
                );
                r.en = format!(
                    "The bitrate is {:.2} Mbps: above the {:.0} Mbps minimum but under the notice's upper figure.",
                    bps / 1e6,
                    mbps(b.min_bps)
                );
                // Where the notice gives a range, say how it is read.
                if !rule.quote.is_empty() {
                    let (lo, hi) = (mbps(b.min_bps), mbps(b.warn_below_bps.unwrap_or(b.min_bps)));
                    r.zh.push_str(&format!(
                        "（通知的「{}」按最低 {lo:.0}、建议 {hi:.0} 兆比特每秒理解。）",
                        rule.quote
                    ));
                    r.en.push_str(&format!(
                        " (The notice's \"{}\" is read as {lo:.0} megabits per second at least, {hi:.0} wished.)",
                        rule.quote
                    ));
                }
                fix(&mut r);
            } else {
                r.zh = format!("码率 {:.2} Mbps，符合要求。", bps / 1e6);
                r.en = format!("The bitrate is {:.2} Mbps, as required.", bps / 1e6);
            }
        }
    }
    Some(r.done(RuleKind::Video))
}

/// An audio track is present.
pub(super) fn audio(p: &Profile, input: &Input<'_>) -> Option<RuleResult> {
    let rule = pick(&p.video.audio, input).filter(|r| r.value)?;
    let m = input.media;
    let mut r = R::video("audio", rule);
    r.expected = "有音轨 / has audio".into();
    match m {
        None => r.unknown("音轨", "audio"),
        Some(m) if m.audio.is_none() && m.streams_unread => r.unknown("音轨", "audio"),
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
                    "确认配音/解说已放在时间线上且未静音，导出时勾选「导出音频」（AAC）。".into();
                r.fix_en = "Make sure the narration is on the timeline and not muted, and tick 'export audio' (AAC) when exporting.".into();
            }
        },
    }
    Some(r.done(RuleKind::Video))
}

/// Video codecs that play everywhere (Preflight's advice where the notice is silent).
pub(super) fn video_codec(p: &Profile, input: &Input<'_>) -> Option<RuleResult> {
    // Where the notice asks for the original file, advice to export with
    // another codec would contradict it.
    if original(p) {
        return None;
    }
    let rule = pick(&p.video.video_codec, input)?;
    let m = input.media;
    let video = m.and_then(|m| m.video.as_ref());
    let mut r = R::video("video_codec", rule);
    r.expected = rule
        .value
        .iter()
        .map(|c| c.to_ascii_uppercase())
        .collect::<Vec<_>>()
        .join(" / ");
    match video {
        None => r.unknown("视频编码", "video codec"),
        Some(vi) => {
            r.measured = vi.codec.to_ascii_uppercase();
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
    Some(r.done(RuleKind::Video))
}

/// The file's creation time against the window: a hint, never more than the profile's severity.
pub(super) fn production_date(p: &Profile, input: &Input<'_>) -> Option<RuleResult> {
    let rule = pick(&p.video.production_date, input)?;
    let m = input.media;
    let mut r = R::video("production_date", rule);
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
                r.fix_en =
                    "Keep a screenshot or link showing the broadcast date, in case it is checked."
                        .into();
            }
        }
    }
    Some(r.done(RuleKind::Video))
}

/// The index (`moov`) before the media data, so web playback starts at once.
pub(super) fn faststart(p: &Profile, input: &Input<'_>) -> Option<RuleResult> {
    let rule = pick(&p.video.faststart, input).filter(|r| r.value)?;
    let m = input.media;
    let mut r = R::video("faststart", rule);
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
            r.fix_zh = "点「一键修复（不重新编码）」把索引移到文件开头（或运行 preflight fix 输入.mp4 -o 输出.mp4）；以后导出时勾选「网络优化」/「快速启动」。".into();
            r.fix_en = "Click 一键修复 (fix without re-encoding) to move the index to the front (or run preflight fix in.mp4 -o out.mp4); next time tick 'Web optimized' / 'Fast start' when exporting.".into();
        }
    }
    Some(r.done(RuleKind::Video))
}

/// The video comes later (科普之光's 视频线索): the form says so and no video
/// was given. One rule stands for the video rules and says when it is due.
pub(super) fn later(p: &Profile, input: &Input<'_>) -> Option<RuleResult> {
    let l = p.video.later.as_ref()?;
    if input.media.is_some() || !input.form.is_some_and(|f| crate::form::holds(&l.when, f)) {
        return None;
    }
    later_rule(p)
}

/// The rule for a video that comes later, whatever the form says (what
/// `preflight profile` shows).
pub(super) fn later_rule(p: &Profile) -> Option<RuleResult> {
    let l = p.video.later.as_ref()?;
    let mut r = R::new("video.later", &l.quote);
    r.status = Status::Manual;
    r.measured = "视频待补充 / to follow".into();
    r.expected = l.due.clone().unwrap_or_default();
    r.zh = l.text.clone();
    r.en = l.text_en.clone();
    Some(r.done(RuleKind::Video))
}

/// `privacy.location`: the video carries where it was shot. The coordinates
/// themselves are never put in a rule or the report (see [`super::check`]).
pub(super) fn privacy_location(_p: &Profile, input: &Input<'_>) -> Option<RuleResult> {
    input.media.and_then(|m| m.location.as_ref())?;
    let mut r = privacy_base();
    r.status = Status::Warn;
    r.measured = "含拍摄地点 / has location".into();
    r.zh = "视频文件带有拍摄地点（GPS 定位）：收到视频的人都能读出你在哪里拍摄。Preflight 不会把坐标写进报告和清单，但视频文件本身仍带着它。".into();
    r.en = "The video carries the place where it was shot (GPS location): anyone who receives it can read where you were. Preflight keeps the coordinates out of its report and manifest, but the video file itself still carries them.".into();
    r.fix_zh = "提交前去掉定位：点「一键修复（不重新编码）」（或运行 preflight fix --strip-location 输入.mp4 -o 输出.mp4），只去掉定位，画面、声音和拍摄时间不变；以后在 iPhone 上拍摄前，在「设置 → 隐私与安全性 → 定位服务 → 相机」中关闭定位。".into();
    r.fix_en = "Remove it before submitting: click 一键修复 (fix without re-encoding), or run preflight fix --strip-location in.mp4 -o out.mp4 — only the location goes; picture, sound and recording time stay. On an iPhone, turn off location for the Camera before shooting (Settings → Privacy & Security → Location Services → Camera).".into();
    Some(r.done(RuleKind::Video))
}

/// The privacy rule as `preflight profile` shows it: every profile has it.
pub(super) fn privacy_rule() -> RuleResult {
    let mut r = privacy_base();
    r.status = Status::Manual;
    r.done(RuleKind::Video)
}

fn privacy_base() -> R {
    let mut r = R::new("privacy.location", super::words::ADVICE_ZH);
    r.expected = "不含拍摄地点 / no location".into();
    r
}

/// `complete`: the file ends before its own header says it does — a copy or
/// download that stopped. Every profile has it: such a file plays cut off.
pub(super) fn complete(_p: &Profile, input: &Input<'_>) -> Option<RuleResult> {
    input.media.filter(|m| m.is_cut_short())?;
    let mut r = complete_base();
    r.status = Status::Fail;
    r.measured = "不完整 / cut short".into();
    r.zh = "文件不完整：文件在其索引所说的位置之前就结束了，通常是复制、下载或导出中断。这样的视频播放到中途会中断。".into();
    r.en = "The file is incomplete: it ends before its own index says it does, usually because a copy, download or export stopped. Such a video stops part way through.".into();
    r.fix_zh =
        "从原始位置重新复制完整的文件（或在剪辑软件中重新导出），确认大小与原文件相同后再检查。"
            .into();
    r.fix_en = "Copy the whole file again from where it came from (or export it again), check that its size matches the original, and check it again.".into();
    Some(r.done(RuleKind::Video))
}

/// The completeness rule as `preflight profile` shows it.
pub(super) fn complete_rule() -> RuleResult {
    let mut r = complete_base();
    r.status = Status::Manual;
    r.done(RuleKind::Video)
}

fn complete_base() -> R {
    let mut r = R::new("complete", super::words::ADVICE_ZH);
    r.expected = "完整 / whole".into();
    r
}

/// A container whose streams Preflight does not read: the container rule
/// also says which rules could not be judged, so the user knows what to
/// confirm by hand.
pub(super) fn unread(rules: &mut [RuleResult], m: &crate::probe::MediaInfo) {
    if !m.streams_unread {
        return;
    }
    let ids: Vec<String> = rules
        .iter()
        .filter(|r| r.kind == RuleKind::Video && r.status == Status::Unknown && r.id != "faststart")
        .map(|r| r.id.clone())
        .collect();
    let Some(c) = rules.iter_mut().find(|r| r.id == "container") else {
        return;
    };
    let name = super::words::container_name(&m.container);
    let list = if ids.is_empty() {
        String::new()
    } else {
        format!("（{}）", ids.join("、"))
    };
    c.message_zh.push_str(&format!(
        "本工具读不出 {name} 文件里的时长、画面尺寸和声音，标为「无法判断」的项目{list}请用播放器查看文件属性后自行确认。"
    ));
    c.message_en.push_str(&format!(
        " Preflight cannot read the duration, picture size or sound inside this {name} file: confirm the rules marked unknown{} yourself, from the file's properties in a player.",
        if ids.is_empty() { String::new() } else { format!(" ({})", ids.join(", ")) }
    ));
}
