//! Shared helpers for the fixture tests: make fixtures with ffmpeg (once),
//! ask ffprobe (the oracle), patch a `tkhd` matrix, walk top-level boxes, and
//! compare every fact the probe reports with what ffprobe says.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use preflight::probe::{MediaInfo, probe_file};
use serde_json::Value;

/// `target/fixtures/` (next to `target/tmp`, which Cargo gives integration tests).
pub fn fixtures_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.parent().unwrap_or(tmp).join("fixtures");
    fs::create_dir_all(&dir).expect("create target/fixtures");
    dir
}

/// A path next to `final_path` to build into, then rename: a test that is
/// killed half-way never leaves a fixture that later runs would trust, and
/// two tests building the same fixture at once do not see each other's halves.
fn scratch_path(final_path: &Path) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let name = final_path.file_name().unwrap().to_string_lossy();
    let n = N.fetch_add(1, Ordering::Relaxed);
    final_path.with_file_name(format!(".partial-{}-{n}-{name}", std::process::id()))
}

fn usable(p: &Path) -> bool {
    fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() > 0)
}

/// The fixture `name` in `target/fixtures/`, made by `make(scratch)` unless a
/// non-empty one is already there. `make` writes the file it is given (keep
/// the extension: ffmpeg picks the muxer from it).
pub fn fixture_with(name: &str, make: impl FnOnce(&Path)) -> PathBuf {
    let path = fixtures_dir().join(name);
    if usable(&path) {
        return path;
    }
    let scratch = scratch_path(&path);
    make(&scratch);
    assert!(usable(&scratch), "{name}: generator wrote no file");
    fs::rename(&scratch, &path).expect("rename fixture into place");
    path
}

/// The fixture `name`, made by `ffmpeg -nostdin -y -loglevel error ARGS name`.
pub fn fixture(name: &str, args: &[&str]) -> PathBuf {
    fixture_with(name, |out| ffmpeg(name, args, out))
}

pub fn ffmpeg(name: &str, args: &[&str], out: &Path) {
    let res = Command::new("ffmpeg")
        .args(["-nostdin", "-y", "-loglevel", "error"])
        .args(args)
        .arg(out)
        // SVT-AV1 prints its banner on stderr unless told otherwise.
        .env("SVT_LOG", "1")
        .output()
        .expect("run ffmpeg (is it installed?)");
    assert!(
        res.status.success(),
        "{name}: ffmpeg {args:?} failed: {}",
        String::from_utf8_lossy(&res.stderr)
    );
}

/// `ffprobe -v error -show_format -show_streams -of json FILE`, kept next
/// to the fixture as `.FILE.ffprobe.json` while it is newer than the file
/// (ffprobe takes ~0.1 s to start; the fixtures do not change once made).
pub fn ffprobe(path: &Path) -> Value {
    let name = path.file_name().unwrap().to_string_lossy();
    let cache = path.with_file_name(format!(".{name}.ffprobe.json"));
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    if let (Some(c), Some(f)) = (modified(&cache), modified(path))
        && c >= f
        && let Ok(v) = fs::read(&cache).map(|b| serde_json::from_slice::<Value>(&b))
        && let Ok(v) = v
    {
        return v;
    }
    let res = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_format",
            "-show_streams",
            "-of",
            "json",
        ])
        .arg(path)
        .output()
        .expect("run ffprobe (is it installed?)");
    assert!(
        res.status.success(),
        "ffprobe {} failed: {}",
        path.display(),
        String::from_utf8_lossy(&res.stderr)
    );
    let v: Value = serde_json::from_slice(&res.stdout).expect("ffprobe JSON");
    // Only for fixtures, not for files made and deleted within a test.
    if path.parent() == Some(fixtures_dir().as_path()) && !name.starts_with('.') {
        let tmp = scratch_path(&cache);
        if fs::write(&tmp, &res.stdout).is_ok() {
            let _ = fs::rename(&tmp, &cache);
        }
    }
    v
}

// ---------------------------------------------------------------------------
// ISO-BMFF helpers, written here independently of the probe.

#[derive(Debug, Clone)]
pub struct TopBox {
    pub kind: String,
    pub offset: u64,
    pub size: u64,
    pub header_len: u64,
}

/// The top-level boxes of a file, from their headers only.
pub fn top_level_boxes(path: &Path) -> Vec<TopBox> {
    let mut f = File::open(path).expect("open fixture");
    let len = f.metadata().unwrap().len();
    let mut out = Vec::new();
    let mut pos = 0u64;
    while pos + 8 <= len {
        let mut h = [0u8; 16];
        f.seek(SeekFrom::Start(pos)).unwrap();
        let n = f.read(&mut h).unwrap();
        if n < 8 {
            break;
        }
        let size32 = u32::from_be_bytes(h[0..4].try_into().unwrap());
        let kind: String = h[4..8]
            .iter()
            .map(|&c| if c == 0xA9 { '©' } else { c as char })
            .collect();
        let (size, header_len) = match size32 {
            0 => (len - pos, 8),
            1 => (u64::from_be_bytes(h[8..16].try_into().unwrap()), 16),
            s => (u64::from(s), 8),
        };
        if size < header_len {
            break;
        }
        out.push(TopBox {
            kind,
            offset: pos,
            size,
            header_len,
        });
        pos += size;
    }
    out
}

pub fn is_iso_bmff(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("mp4" | "mov" | "m4v" | "3gp")
    )
}

/// Find the children of a box body: (kind, offset in `buf`, size).
pub fn child_boxes(buf: &[u8], start: usize, end: usize) -> Vec<([u8; 4], usize, usize)> {
    let mut out = Vec::new();
    let mut p = start;
    while p + 8 <= end {
        let size = u32::from_be_bytes(buf[p..p + 4].try_into().unwrap()) as usize;
        let kind: [u8; 4] = buf[p + 4..p + 8].try_into().unwrap();
        if size < 8 || p + size > end {
            break;
        }
        out.push((kind, p, size));
        p += size;
    }
    out
}

/// Write a display matrix for `clockwise` degrees into the `tkhd` of the
/// video track, the way phones record a rotated video (ffmpeg 5.1's muxer
/// cannot write one). Only the first 4 entries change; u, v = 0, w = 1.0 (2.30).
pub fn patch_rotation(path: &Path, clockwise: u32) {
    const ONE: u32 = 0x0001_0000;
    const MINUS_ONE: u32 = 0xFFFF_0000;
    let (a, b, c, d) = match clockwise {
        90 => (0, ONE, MINUS_ONE, 0),
        180 => (MINUS_ONE, 0, 0, MINUS_ONE),
        270 => (0, MINUS_ONE, ONE, 0),
        _ => (ONE, 0, 0, ONE),
    };
    let mut bytes = fs::read(path).expect("read fixture to patch");
    let moov = top_level_boxes(path)
        .into_iter()
        .find(|b| b.kind == "moov")
        .expect("moov to patch");
    let (mstart, mend) = (
        (moov.offset + moov.header_len) as usize,
        (moov.offset + moov.size) as usize,
    );
    let mut patched = false;
    for (kind, trak, size) in child_boxes(&bytes, mstart, mend) {
        if &kind != b"trak" {
            continue;
        }
        let kids = child_boxes(&bytes, trak + 8, trak + size);
        let is_video = kids.iter().any(|&(k, mdia, msize)| {
            &k == b"mdia"
                && child_boxes(&bytes, mdia + 8, mdia + msize)
                    .iter()
                    .any(|&(k2, hdlr, _)| &k2 == b"hdlr" && &bytes[hdlr + 16..hdlr + 20] == b"vide")
        });
        let Some(&(_, tkhd, _)) = kids.iter().find(|(k, _, _)| k == b"tkhd") else {
            continue;
        };
        if !is_video {
            continue;
        }
        // tkhd: header(8) version/flags(4), then v0: 4+4+4+4+4 / v1: 8+8+4+4+8,
        // reserved(8) layer(2) alternate_group(2) volume(2) reserved(2), matrix.
        let matrix = tkhd + if bytes[tkhd + 8] == 1 { 60 } else { 48 };
        let values = [a, b, 0, c, d, 0, 0, 0, 0x4000_0000];
        for (i, v) in values.iter().enumerate() {
            bytes[matrix + 4 * i..matrix + 4 * i + 4].copy_from_slice(&v.to_be_bytes());
        }
        patched = true;
    }
    assert!(patched, "{}: no video tkhd to patch", path.display());
    fs::write(path, bytes).expect("write patched fixture");
}

/// Rename the one `from` box inside `moov` to `to` (same size), e.g. a
/// `pasp` to `free` so that only the codec's own header carries the SAR.
pub fn rename_box_in_moov(path: &Path, from: &[u8; 4], to: &[u8; 4]) {
    let mut bytes = fs::read(path).expect("read fixture to patch");
    let moov = top_level_boxes(path)
        .into_iter()
        .find(|b| b.kind == "moov")
        .expect("moov to patch");
    let body = &bytes[moov.offset as usize..(moov.offset + moov.size) as usize];
    let hits: Vec<usize> = body
        .windows(4)
        .enumerate()
        .filter(|(_, w)| w == from)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "{}: {} boxes named {:?}",
        path.display(),
        hits.len(),
        from
    );
    let at = moov.offset as usize + hits[0];
    bytes[at..at + 4].copy_from_slice(to);
    fs::write(path, bytes).expect("write patched fixture");
}

// ---------------------------------------------------------------------------
// The comparison.

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

/// Probe `path` and compare every fact with ffprobe.
pub fn check(path: &Path) -> Checked {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let info = probe_file(path).unwrap_or_else(|e| panic!("{name}: probe failed: {e:?}"));
    let j = ffprobe(path);
    let mut fail: Vec<(Fact, String)> = Vec::new();
    let mut bad = |f: Fact, what: String| fail.push((f, format!("{name}: {f:?}: {what}")));
    let fmt = &j["format"];
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
        bad(
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
        bad(
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
        (a, b) => bad(Fact::Duration, format!("ffprobe {a:?} s, probe {b:?} s")),
    }

    // Video.
    let fv = stream(&j, "video");
    match (fv, &info.video) {
        (None, None) => {}
        (Some(_), None) => bad(
            Fact::VideoCodec,
            "ffprobe has a video stream, probe none".into(),
        ),
        (None, Some(v)) => bad(
            Fact::VideoCodec,
            format!("ffprobe has no video stream, probe {:?}", v.codec),
        ),
        (Some(s), Some(v)) => {
            let codec = s["codec_name"].as_str().unwrap_or("");
            if v.codec != codec {
                bad(
                    Fact::VideoCodec,
                    format!("ffprobe {codec:?}, probe {:?}", v.codec),
                );
            }
            let (w, h) = (
                num(&s["width"]).unwrap_or(0.0) as u32,
                num(&s["height"]).unwrap_or(0.0) as u32,
            );
            if (v.width, v.height) != (w, h) {
                bad(
                    Fact::CodedSize,
                    format!("ffprobe {w}x{h}, probe {}x{}", v.width, v.height),
                );
            }
            let (sh, sv) = sar(&s["sample_aspect_ratio"]);
            let want_sar = format!("{sh}:{sv}");
            if v.pixel_aspect != want_sar {
                bad(
                    Fact::PixelAspect,
                    format!(
                        "ffprobe {:?} (→ {want_sar}), probe {:?}",
                        s["sample_aspect_ratio"], v.pixel_aspect
                    ),
                );
            }
            let rot = ffprobe_rotation(s);
            if v.rotation != rot {
                bad(
                    Fact::Rotation,
                    format!("ffprobe {rot}° clockwise, probe {}°", v.rotation),
                );
            }
            // Display size from ffprobe's facts: coded × SAR, swapped for 90/270.
            let dw = ((u64::from(w) * sh) as f64 / sv as f64).round() as u32;
            let (dw, dh) = if rot % 180 == 90 { (h, dw) } else { (dw, h) };
            if (v.display_width, v.display_height) != (dw, dh) {
                bad(
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
                (a, b) => bad(
                    Fact::FrameRate,
                    format!("ffprobe avg_frame_rate {a:?}, probe {b:?}"),
                ),
            }
            // Bitrate: 5 %; skipped where ffprobe has none.
            match (num(&s["bit_rate"]), v.bitrate_bps) {
                (None, _) => {}
                (Some(a), Some(b)) if within(b as f64, a, 0.0, 0.05) => {}
                (a, b) => bad(
                    Fact::VideoBitrate,
                    format!("ffprobe {a:?} b/s, probe {b:?} b/s"),
                ),
            }
        }
    }

    // Audio.
    let fa = stream(&j, "audio");
    match (fa, &info.audio) {
        (None, None) => {}
        (Some(_), None) => bad(
            Fact::AudioCodec,
            "ffprobe has an audio stream, probe none".into(),
        ),
        (None, Some(a)) => bad(
            Fact::AudioCodec,
            format!("ffprobe has no audio stream, probe {:?}", a.codec),
        ),
        (Some(s), Some(a)) => {
            let codec = s["codec_name"].as_str().unwrap_or("");
            if a.codec != codec {
                bad(
                    Fact::AudioCodec,
                    format!("ffprobe {codec:?}, probe {:?}", a.codec),
                );
            }
            let ch = num(&s["channels"]).map(|c| c as u32);
            if a.channels != ch {
                bad(
                    Fact::Channels,
                    format!("ffprobe {ch:?}, probe {:?}", a.channels),
                );
            }
            let sr = num(&s["sample_rate"]).map(|c| c as u32);
            if a.sample_rate != sr {
                bad(
                    Fact::SampleRate,
                    format!("ffprobe {sr:?}, probe {:?}", a.sample_rate),
                );
            }
        }
    }

    // Creation time, to the second: "2024-03-05T08:09:10.000000Z" → "2024-03-05T08:09:10Z".
    let ct = fmt["tags"]["creation_time"]
        .as_str()
        .map(|s| format!("{}Z", s.get(..19).unwrap_or(s)));
    if ct != info.creation_time {
        bad(
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
        (a, b) => bad(Fact::Location, format!("ffprobe {a:?}, probe {b:?}")),
    }

    // Faststart, fragmented and how much was read, from our own walk.
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
            bad(
                Fact::Faststart,
                format!(
                    "top-level order ⇒ {faststart:?}, probe {:?}",
                    info.faststart
                ),
            );
        }
        let fragmented = top.iter().any(|b| b.kind == "moof");
        if info.fragmented != fragmented {
            bad(
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
            bad(
                Fact::BytesRead,
                format!(
                    "read {} bytes of {} in {} reads, over moov + moofs + 64 KiB = {cap}",
                    info.bytes_read, info.size_bytes, info.reads
                ),
            );
        }
    } else {
        if info.faststart.is_some() || info.fragmented {
            bad(
                Fact::Faststart,
                format!(
                    "not ISO-BMFF, probe faststart {:?} fragmented {}",
                    info.faststart, info.fragmented
                ),
            );
        }
        const CAP: u64 = 4 * 1024 * 1024;
        if info.bytes_read > CAP {
            bad(
                Fact::BytesRead,
                format!("read {} bytes, over the 4 MiB header cap", info.bytes_read),
            );
        }
    }

    Checked {
        name,
        path: path.to_path_buf(),
        info,
        ffprobe: j,
        failures: fail,
        moov_size,
    }
}

// ---------------------------------------------------------------------------
// ASF helper.

fn asf_guid(a: u32, b: u16, c: u16, d: [u8; 8]) -> [u8; 16] {
    let mut g = [0u8; 16];
    g[0..4].copy_from_slice(&a.to_le_bytes());
    g[4..6].copy_from_slice(&b.to_le_bytes());
    g[6..8].copy_from_slice(&c.to_le_bytes());
    g[8..16].copy_from_slice(&d);
    g
}

/// Append to an ASF header a Header Extension Object holding an Extended
/// Stream Properties Object for the video stream (average time per frame in
/// 100 ns units, data bitrate in bits/s), as Windows encoders write it.
/// Fixes the header's size and object count and the file size in File
/// Properties; the data packets do not move relative to each other.
pub fn add_asf_ext_stream_props(path: &Path, time_per_frame: u64, bitrate: u32) {
    let stream_props = asf_guid(
        0xB7DC0791,
        0xA9B7,
        0x11CF,
        [0x8E, 0xE6, 0x00, 0xC0, 0x0C, 0x20, 0x53, 0x65],
    );
    let video_media = asf_guid(
        0xBC19EFC0,
        0x5B4D,
        0x11CF,
        [0xA8, 0xFD, 0x00, 0x80, 0x5F, 0x5C, 0x44, 0x2B],
    );
    let file_props = asf_guid(
        0x8CABDCA1,
        0xA947,
        0x11CF,
        [0x8E, 0xE4, 0x00, 0xC0, 0x0C, 0x20, 0x53, 0x65],
    );
    let header_ext = asf_guid(
        0x5FBF03B5,
        0xA92E,
        0x11CF,
        [0x8E, 0xE3, 0x00, 0xC0, 0x0C, 0x20, 0x53, 0x65],
    );
    let reserved1 = asf_guid(
        0xABD3D211,
        0xA9BA,
        0x11CF,
        [0x8E, 0xE6, 0x00, 0xC0, 0x0C, 0x20, 0x53, 0x65],
    );
    let ext_stream = asf_guid(
        0x14E6A5CB,
        0xC672,
        0x4332,
        [0x83, 0x99, 0xA9, 0x69, 0x52, 0x06, 0x5B, 0x5A],
    );

    let mut b = fs::read(path).expect("read ASF fixture");
    let le64 = |b: &[u8], i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap());
    let header_size = le64(&b, 16) as usize;
    let mut video_stream = None;
    let mut file_props_at = None;
    let mut pos = 30;
    while pos + 24 <= header_size {
        let size = le64(&b, pos + 16) as usize;
        if b[pos..pos + 16] == stream_props && b[pos + 24..pos + 40] == video_media {
            video_stream = Some(u16::from_le_bytes([b[pos + 72], b[pos + 73]]) & 0x7F);
        }
        if b[pos..pos + 16] == file_props {
            file_props_at = Some(pos);
        }
        pos += size.max(24);
    }
    let video_stream = video_stream.expect("ASF fixture without a video stream");

    let mut esp = Vec::new();
    esp.extend_from_slice(&0u64.to_le_bytes()); // start time
    esp.extend_from_slice(&0u64.to_le_bytes()); // end time
    esp.extend_from_slice(&bitrate.to_le_bytes()); // data bitrate
    esp.extend_from_slice(&[0u8; 4 * 6]); // buffer, fullness, alt ×3, max object size
    esp.extend_from_slice(&0u32.to_le_bytes()); // flags
    esp.extend_from_slice(&video_stream.to_le_bytes());
    esp.extend_from_slice(&0u16.to_le_bytes()); // language index
    esp.extend_from_slice(&time_per_frame.to_le_bytes());
    esp.extend_from_slice(&0u16.to_le_bytes()); // stream names
    esp.extend_from_slice(&0u16.to_le_bytes()); // payload extension systems
    let mut esp_obj = ext_stream.to_vec();
    esp_obj.extend_from_slice(&(24 + esp.len() as u64).to_le_bytes());
    esp_obj.extend_from_slice(&esp);

    let mut obj = header_ext.to_vec();
    obj.extend_from_slice(&(24 + 22 + esp_obj.len() as u64).to_le_bytes());
    obj.extend_from_slice(&reserved1);
    obj.extend_from_slice(&6u16.to_le_bytes());
    obj.extend_from_slice(&(esp_obj.len() as u32).to_le_bytes());
    obj.extend_from_slice(&esp_obj);

    let added = obj.len() as u64;
    b.splice(header_size..header_size, obj);
    let new_header = header_size as u64 + added;
    b[16..24].copy_from_slice(&new_header.to_le_bytes());
    let count = u32::from_le_bytes(b[24..28].try_into().unwrap()) + 1;
    b[24..28].copy_from_slice(&count.to_le_bytes());
    if let Some(fp) = file_props_at {
        let len = b.len() as u64;
        b[fp + 24 + 16..fp + 24 + 24].copy_from_slice(&len.to_le_bytes());
    }
    fs::write(path, b).expect("write patched ASF fixture");
}

// ---------------------------------------------------------------------------
// Bundle tests (tests/bundle_*.rs): their inputs, the CLI and zip readers, and
// a zip's records read by hand.
pub mod bundle;
pub mod zipread;
