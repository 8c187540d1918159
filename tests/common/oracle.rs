//! The comparison: every fact the probe reports against what ffprobe says
//! (the oracle), within stated tolerances.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use preflight::probe::{MediaInfo, probe_file};
use serde_json::Value;

use super::boxes::{is_iso_bmff, top_level_boxes};
use super::fixtures::ffprobe;

/// One fact the probe reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    Container,
    Brand,
    Duration,
    VideoCodec,
    CodedSize,
    PixelAspect,
    Rotation,
    DisplaySize,
    FrameRate,
    VideoBitrate,
    AudioCodec,
    Channels,
    SampleRate,
    CreationTime,
    Location,
    Faststart,
    Fragmented,
    BytesRead,
}

pub struct Checked {
    pub name: String,
    pub path: PathBuf,
    pub info: MediaInfo,
    pub ffprobe: Value,
    /// (fact, "fixture: fact: ffprobe X, probe Y").
    pub failures: Vec<(Fact, String)>,
    /// The `moov` size (ISO-BMFF).
    pub moov_size: Option<u64>,
}

impl Checked {
    /// Panic listing every disagreement except the facts in `known`
    /// (each of which must have its own `#[ignore]`d test).
    pub fn assert_agrees_except(&self, known: &[Fact]) {
        let mut msg = String::new();
        for (f, m) in &self.failures {
            if !known.contains(f) {
                let _ = writeln!(msg, "  {m}");
            }
        }
        assert!(
            msg.is_empty(),
            "{}: the probe disagrees with ffprobe:\n{msg}probe said: {:#?}",
            self.name,
            self.info
        );
    }

    pub fn assert_agrees(&self) {
        self.assert_agrees_except(&[]);
    }

    /// Panic if `fact` disagrees (for the `#[ignore]`d tests of known bugs).
    pub fn assert_fact(&self, fact: Fact) {
        let msgs: Vec<_> = self
            .failures
            .iter()
            .filter(|(f, _)| *f == fact)
            .map(|(_, m)| m.as_str())
            .collect();
        assert!(msgs.is_empty(), "{}", msgs.join("\n"));
    }
}

fn num(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// "30000/1001" → 29.97; "0/0" → None.
fn ratio(v: &Value) -> Option<f64> {
    let s = v.as_str()?;
    let (a, b) = s.split_once('/')?;
    let (a, b): (f64, f64) = (a.parse().ok()?, b.parse().ok()?);
    (a > 0.0 && b > 0.0).then(|| a / b)
}

/// ffprobe's "h:v" SAR as integers; "0:1", "N/A" or absent mean square pixels.
fn sar(v: &Value) -> (u64, u64) {
    let parsed = v.as_str().and_then(|s| {
        let (a, b) = s.split_once(':')?;
        Some((a.parse::<u64>().ok()?, b.parse::<u64>().ok()?))
    });
    match parsed {
        Some((a, b)) if a > 0 && b > 0 => (a, b),
        _ => (1, 1),
    }
}

/// ISO 6709 "+37.3318-122.0312/" → (lat, lon); our own, not the probe's.
pub fn iso6709(s: &str) -> Option<(f64, f64)> {
    let s = s.trim().trim_end_matches('/');
    let mut cuts: Vec<usize> = s
        .char_indices()
        .filter(|&(_, c)| c == '+' || c == '-')
        .map(|(i, _)| i)
        .collect();
    cuts.push(s.len());
    let lat = s.get(cuts[0]..*cuts.get(1)?)?.parse().ok()?;
    let lon = s.get(cuts[1]..*cuts.get(2)?)?.parse().ok()?;
    Some((lat, lon))
}

fn within(a: f64, b: f64, abs: f64, rel: f64) -> bool {
    (a - b).abs() <= abs.max(rel * b.abs())
}

/// The ffprobe "streams" entry of the first stream of `kind` (ffprobe's pick
/// is the first; ffmpeg's fixtures have one of each).
fn stream<'a>(j: &'a Value, kind: &str) -> Option<&'a Value> {
    j["streams"]
        .as_array()?
        .iter()
        .find(|s| s["codec_type"] == kind && s["disposition"]["attached_pic"] != 1)
}

/// Clockwise rotation as ffprobe reports it: the display matrix side data
/// holds counter-clockwise degrees (-90 for a phone held upright).
fn ffprobe_rotation(v: &Value) -> u32 {
    if let Some(list) = v["side_data_list"].as_array() {
        for sd in list {
            if let Some(r) = num(&sd["rotation"]) {
                return ((-r).round() as i64).rem_euclid(360) as u32;
            }
        }
    }
    if let Some(r) = num(&v["tags"]["rotate"]) {
        return (r.round() as i64).rem_euclid(360) as u32;
    }
    0
}

/// The disagreements found so far, each named by the file and the fact.
struct Fails<'a> {
    name: &'a str,
    list: Vec<(Fact, String)>,
}

impl Fails<'_> {
    fn bad(&mut self, f: Fact, what: String) {
        self.list.push((f, format!("{}: {f:?}: {what}", self.name)));
    }
}

/// Probe `path` and compare every fact with ffprobe.
pub fn check(path: &Path) -> Checked {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let info = probe_file(path).unwrap_or_else(|e| panic!("{name}: probe failed: {e:?}"));
    let j = ffprobe(path);
    let mut fails = Fails {
        name: &name,
        list: Vec::new(),
    };
    check_container(path, &j["format"], &info, &mut fails);
    check_video(stream(&j, "video"), &info, &mut fails);
    check_audio(stream(&j, "audio"), &info, &mut fails);
    check_tags(&j["format"], &info, &mut fails);
    let moov_size = check_layout(path, &info, &mut fails);
    let failures = fails.list;
    Checked {
        name,
        path: path.to_path_buf(),
        info,
        ffprobe: j,
        failures,
        moov_size,
    }
}

/// The container's name and major brand, and the duration: max(50 ms, 0.5 %).
fn check_container(path: &Path, fmt: &Value, info: &MediaInfo, fails: &mut Fails<'_>) {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    // Container.
    let format_name = fmt["format_name"].as_str().unwrap_or("");
    let want_container = if format_name.contains("mov") || format_name.contains("mp4") {
        if ext == "mov" { "mov" } else { "mp4" }
    } else if format_name.contains("avi") {
        "avi"
    } else if format_name.contains("asf") {
        "asf"
    } else {
        format_name
    };
    if info.container != want_container {
        fails.bad(
            Fact::Container,
            format!(
                "ffprobe {format_name:?} (.{ext}) → {want_container:?}, probe {:?}",
                info.container
            ),
        );
    }
    if let Some(major) = fmt["tags"]["major_brand"].as_str()
        && info.brands.first().map(|s| s.as_str()) != Some(major)
    {
        fails.bad(
            Fact::Brand,
            format!(
                "ffprobe major_brand {major:?}, probe brands {:?}",
                info.brands
            ),
        );
    }

    // Duration: max(50 ms, 0.5 %).
    match (num(&fmt["duration"]), info.duration_s) {
        (Some(a), Some(b)) if within(b, a, 0.05, 0.005) => {}
        (None, None) => {}
        (a, b) => fails.bad(Fact::Duration, format!("ffprobe {a:?} s, probe {b:?} s")),
    }
}

/// The video stream: codec, sizes, pixel aspect, rotation, frame rate (1 %)
/// and bitrate (5 %, where ffprobe has one).
fn check_video(fv: Option<&Value>, info: &MediaInfo, fails: &mut Fails<'_>) {
    match (fv, &info.video) {
        (None, None) => {}
        (Some(_), None) => fails.bad(
            Fact::VideoCodec,
            "ffprobe has a video stream, probe none".into(),
        ),
        (None, Some(v)) => fails.bad(
            Fact::VideoCodec,
            format!("ffprobe has no video stream, probe {:?}", v.codec),
        ),
        (Some(s), Some(v)) => {
            let codec = s["codec_name"].as_str().unwrap_or("");
            if v.codec != codec {
                fails.bad(
                    Fact::VideoCodec,
                    format!("ffprobe {codec:?}, probe {:?}", v.codec),
                );
            }
            let (w, h) = (
                num(&s["width"]).unwrap_or(0.0) as u32,
                num(&s["height"]).unwrap_or(0.0) as u32,
            );
            if (v.width, v.height) != (w, h) {
                fails.bad(
                    Fact::CodedSize,
                    format!("ffprobe {w}x{h}, probe {}x{}", v.width, v.height),
                );
            }
            let (sh, sv) = sar(&s["sample_aspect_ratio"]);
            let want_sar = format!("{sh}:{sv}");
            if v.pixel_aspect != want_sar {
                fails.bad(
                    Fact::PixelAspect,
                    format!(
                        "ffprobe {:?} (→ {want_sar}), probe {:?}",
                        s["sample_aspect_ratio"], v.pixel_aspect
                    ),
                );
            }
            let rot = ffprobe_rotation(s);
            if v.rotation != rot {
                fails.bad(
                    Fact::Rotation,
                    format!("ffprobe {rot}° clockwise, probe {}°", v.rotation),
                );
            }
            // Display size from ffprobe's facts: coded × SAR, swapped for 90/270.
            let dw = ((u64::from(w) * sh) as f64 / sv as f64).round() as u32;
            let (dw, dh) = if rot % 180 == 90 { (h, dw) } else { (dw, h) };
            if (v.display_width, v.display_height) != (dw, dh) {
                fails.bad(
                    Fact::DisplaySize,
                    format!(
                        "ffprobe ⇒ {dw}x{dh}, probe {}x{}",
                        v.display_width, v.display_height
                    ),
                );
            }
            // Frame rate: 1 %.
            match (ratio(&s["avg_frame_rate"]), v.frame_rate) {
                (Some(a), Some(b)) if within(b, a, 0.0, 0.01) => {}
                (None, _) => {}
                (a, b) => fails.bad(
                    Fact::FrameRate,
                    format!("ffprobe avg_frame_rate {a:?}, probe {b:?}"),
                ),
            }
            // Bitrate: 5 %; skipped where ffprobe has none.
            match (num(&s["bit_rate"]), v.bitrate_bps) {
                (None, _) => {}
                (Some(a), Some(b)) if within(b as f64, a, 0.0, 0.05) => {}
                (a, b) => fails.bad(
                    Fact::VideoBitrate,
                    format!("ffprobe {a:?} b/s, probe {b:?} b/s"),
                ),
            }
        }
    }
}

/// The audio stream: codec, channels, sample rate.
fn check_audio(fa: Option<&Value>, info: &MediaInfo, fails: &mut Fails<'_>) {
    match (fa, &info.audio) {
        (None, None) => {}
        (Some(_), None) => fails.bad(
            Fact::AudioCodec,
            "ffprobe has an audio stream, probe none".into(),
        ),
        (None, Some(a)) => fails.bad(
            Fact::AudioCodec,
            format!("ffprobe has no audio stream, probe {:?}", a.codec),
        ),
        (Some(s), Some(a)) => {
            let codec = s["codec_name"].as_str().unwrap_or("");
            if a.codec != codec {
                fails.bad(
                    Fact::AudioCodec,
                    format!("ffprobe {codec:?}, probe {:?}", a.codec),
                );
            }
            let ch = num(&s["channels"]).map(|c| c as u32);
            if a.channels != ch {
                fails.bad(
                    Fact::Channels,
                    format!("ffprobe {ch:?}, probe {:?}", a.channels),
                );
            }
            let sr = num(&s["sample_rate"]).map(|c| c as u32);
            if a.sample_rate != sr {
                fails.bad(
                    Fact::SampleRate,
                    format!("ffprobe {sr:?}, probe {:?}", a.sample_rate),
                );
            }
        }
    }
}

/// The creation time, to the second, and the location.
fn check_tags(fmt: &Value, info: &MediaInfo, fails: &mut Fails<'_>) {
    // Creation time, to the second: "2024-03-05T08:09:10.000000Z" → "2024-03-05T08:09:10Z".
    let ct = fmt["tags"]["creation_time"]
        .as_str()
        .map(|s| format!("{}Z", s.get(..19).unwrap_or(s)));
    if ct != info.creation_time {
        fails.bad(
            Fact::CreationTime,
            format!("ffprobe {ct:?}, probe {:?}", info.creation_time),
        );
    }

    // Location.
    let loc = fmt["tags"]["location"].as_str().map(|s| (s, iso6709(s)));
    match (loc, &info.location) {
        (None, None) => {}
        (Some((_, Some((lat, lon)))), Some(l))
            if within(l.latitude, lat, 1e-4, 0.0) && within(l.longitude, lon, 1e-4, 0.0) => {}
        (a, b) => fails.bad(Fact::Location, format!("ffprobe {a:?}, probe {b:?}")),
    }
}

/// Faststart, fragmented and how much was read, from our own walk; the
/// `moov`'s size.
fn check_layout(path: &Path, info: &MediaInfo, fails: &mut Fails<'_>) -> Option<u64> {
    let mut moov_size = None;
    if is_iso_bmff(path) {
        let top = top_level_boxes(path);
        let moov = top.iter().position(|b| b.kind == "moov");
        let mdat = top.iter().position(|b| b.kind == "mdat");
        let faststart = match (moov, mdat) {
            (Some(m), Some(d)) => Some(m < d),
            (Some(_), None) => Some(true),
            _ => None,
        };
        if info.faststart != faststart {
            fails.bad(
                Fact::Faststart,
                format!(
                    "top-level order ⇒ {faststart:?}, probe {:?}",
                    info.faststart
                ),
            );
        }
        let fragmented = top.iter().any(|b| b.kind == "moof");
        if info.fragmented != fragmented {
            fails.bad(
                Fact::Fragmented,
                format!("top-level moof ⇒ {fragmented}, probe {}", info.fragmented),
            );
        }
        moov_size = moov.map(|m| top[m].size);
        // Never the whole file: the moov plus 64 KiB of box headers. A
        // fragmented file's moofs are added to that: the probe reads each one
        // on purpose, to sum the fragments' durations (mehd is often wrong).
        let moofs: u64 = top
            .iter()
            .filter(|b| b.kind == "moof")
            .map(|b| b.size)
            .sum();
        let cap = moov_size.unwrap_or(0) + moofs + 64 * 1024;
        if info.bytes_read > cap {
            fails.bad(
                Fact::BytesRead,
                format!(
                    "read {} bytes of {} in {} reads, over moov + moofs + 64 KiB = {cap}",
                    info.bytes_read, info.size_bytes, info.reads
                ),
            );
        }
    } else {
        if info.faststart.is_some() || info.fragmented {
            fails.bad(
                Fact::Faststart,
                format!(
                    "not ISO-BMFF, probe faststart {:?} fragmented {}",
                    info.faststart, info.fragmented
                ),
            );
        }
        const CAP: u64 = 4 * 1024 * 1024;
        if info.bytes_read > CAP {
            fails.bad(
                Fact::BytesRead,
                format!("read {} bytes, over the 4 MiB header cap", info.bytes_read),
            );
        }
    }
    moov_size
}

/// `a` is within `tol` of `b`.
pub fn close(a: Option<f64>, b: f64, tol: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() <= tol)
}
