//! Matroska and WebM: a bounded reader of the EBML header, the Segment's
//! `Info` (`TimecodeScale`, `Duration`, `DateUTC`) and `Tracks` (codec ids,
//! picture size, display size, frame duration, audio presence). It never
//! reads a `Cluster`: the facts are in the elements before the first one,
//! where every muxer puts them (mkvmerge and ffmpeg write `SeekHead`,
//! `Info`, `Tracks` first). What the header does not say stays `None`.

use super::{AudioInfo, MediaInfo, VideoInfo};
use crate::error::Error;

const EBML: u32 = 0x1A45_DFA3;
const DOC_TYPE: u32 = 0x4282;
const SEGMENT: u32 = 0x1853_8067;
const INFO: u32 = 0x1549_A966;
const TRACKS: u32 = 0x1654_AE6B;
const CLUSTER: u32 = 0x1F43_B675;
const TIMECODE_SCALE: u32 = 0x2A_D7B1;
const DURATION: u32 = 0x4489;
const DATE_UTC: u32 = 0x4461;
const TRACK_ENTRY: u32 = 0xAE;
const TRACK_TYPE: u32 = 0x83;
const CODEC_ID: u32 = 0x86;
const DEFAULT_DURATION: u32 = 0x23_E383;
const VIDEO: u32 = 0xE0;
const AUDIO: u32 = 0xE1;
const PIXEL_WIDTH: u32 = 0xB0;
const PIXEL_HEIGHT: u32 = 0xBA;
const DISPLAY_WIDTH: u32 = 0x54B0;
const DISPLAY_HEIGHT: u32 = 0x54BA;
const DISPLAY_UNIT: u32 = 0x54B2;
const SAMPLING_FREQUENCY: u32 = 0xB5;
const CHANNELS: u32 = 0x9F;

/// The most elements looked at in one list: a header of endless tiny
/// elements stops here.
const MAX_ELEMENTS: usize = 4096;

/// An element's id, its data's start and its data's length (`None`: the
/// "unknown size" a live recording writes, running to its parent's end).
struct Element {
    id: u32,
    data: usize,
    len: Option<u64>,
}

/// A variable-length integer at `pos`: (value with the length marker
/// removed, its length, all value bits set).
fn vint(b: &[u8], pos: usize) -> Option<(u64, usize, bool)> {
    let first = *b.get(pos)?;
    if first == 0 {
        return None;
    }
    let len = first.leading_zeros() as usize + 1;
    let bytes = b.get(pos..pos.checked_add(len)?)?;
    let mut v = u64::from(first) & (0xFF >> len);
    for &x in &bytes[1..] {
        v = (v << 8) | u64::from(x);
    }
    let all_ones = v == (1u64 << (7 * len)) - 1;
    Some((v, len, all_ones))
}

/// An element id: the raw bytes, marker kept (ids are at most 4 bytes).
fn id(b: &[u8], pos: usize) -> Option<(u32, usize)> {
    let first = *b.get(pos)?;
    let len = first.leading_zeros() as usize + 1;
    if len > 4 {
        return None;
    }
    let bytes = b.get(pos..pos.checked_add(len)?)?;
    Some((
        bytes.iter().fold(0u32, |a, &x| (a << 8) | u32::from(x)),
        len,
    ))
}

/// The element header at `pos`, or `None` when `b` ends inside it or it
/// makes no sense.
fn element(b: &[u8], pos: usize) -> Option<Element> {
    let (id, il) = id(b, pos)?;
    let (len, sl, unknown) = vint(b, pos.checked_add(il)?)?;
    Some(Element {
        id,
        data: pos.checked_add(il)?.checked_add(sl)?,
        len: (!unknown).then_some(len),
    })
}

/// The children of `b[start..end]`, as far as they are whole in `b`.
fn children(b: &[u8], start: usize, end: usize) -> Vec<(u32, &[u8])> {
    let end = end.min(b.len());
    let mut out = Vec::new();
    let mut pos = start;
    while pos < end && out.len() < MAX_ELEMENTS {
        let Some(e) = element(&b[..end], pos) else {
            break;
        };
        let Some(len) = e.len.and_then(|l| usize::try_from(l).ok()) else {
            break;
        };
        let Some(stop) = e.data.checked_add(len).filter(|s| *s <= end) else {
            break;
        };
        out.push((e.id, &b[e.data..stop]));
        pos = stop;
    }
    out
}

fn uint(b: &[u8]) -> Option<u64> {
    (!b.is_empty() && b.len() <= 8).then(|| b.iter().fold(0u64, |a, &x| (a << 8) | u64::from(x)))
}

fn float(b: &[u8]) -> Option<f64> {
    let v = match b.len() {
        4 => f64::from(f32::from_be_bytes(b.try_into().ok()?)),
        8 => f64::from_be_bytes(b.try_into().ok()?),
        _ => return None,
    };
    v.is_finite().then_some(v)
}

fn text(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}

/// ffprobe's codec name for a Matroska codec id.
fn codec_name(id: &str) -> String {
    let known = [
        ("V_MPEG4/ISO/AVC", "h264"),
        ("V_MPEGH/ISO/HEVC", "hevc"),
        ("V_AV1", "av1"),
        ("V_VP9", "vp9"),
        ("V_VP8", "vp8"),
        ("V_MPEG4/ISO/", "mpeg4"),
        ("V_MPEG2", "mpeg2video"),
        ("V_MPEG1", "mpeg1video"),
        ("V_PRORES", "prores"),
        ("V_THEORA", "theora"),
        ("V_MJPEG", "mjpeg"),
        ("V_FFV1", "ffv1"),
        ("A_AAC", "aac"),
        ("A_OPUS", "opus"),
        ("A_VORBIS", "vorbis"),
        ("A_MPEG/L3", "mp3"),
        ("A_MPEG/L2", "mp2"),
        ("A_EAC3", "eac3"),
        ("A_AC3", "ac3"),
        ("A_FLAC", "flac"),
        ("A_DTS", "dts"),
        ("A_TRUEHD", "truehd"),
        ("A_ALAC", "alac"),
        ("A_PCM/INT/LIT", "pcm_s16le"),
    ];
    known
        .iter()
        .find(|(k, _)| id.starts_with(k))
        .map(|(_, v)| (*v).to_string())
        .unwrap_or_else(|| id.to_ascii_lowercase())
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// One `TrackEntry` into the facts: the first video and the first audio track count.
fn track(entry: &[u8], info: &mut MediaInfo) {
    let mut kind = 0;
    let mut codec = String::new();
    let mut frame_ns = None;
    let mut video: Option<&[u8]> = None;
    let mut audio: Option<&[u8]> = None;
    for (id, body) in children(entry, 0, entry.len()) {
        match id {
            TRACK_TYPE => kind = uint(body).unwrap_or(0),
            CODEC_ID => codec = text(body),
            DEFAULT_DURATION => frame_ns = uint(body).filter(|d| *d > 0),
            VIDEO => video = Some(body),
            AUDIO => audio = Some(body),
            _ => {}
        }
    }
    if kind == 1 && info.video.is_none() {
        let (mut w, mut h, mut dw, mut dh, mut unit) = (0u64, 0u64, None, None, 0u64);
        for (id, b) in children(video.unwrap_or(&[]), 0, video.map_or(0, <[u8]>::len)) {
            match id {
                PIXEL_WIDTH => w = uint(b).unwrap_or(0),
                PIXEL_HEIGHT => h = uint(b).unwrap_or(0),
                DISPLAY_WIDTH => dw = uint(b).filter(|v| *v > 0),
                DISPLAY_HEIGHT => dh = uint(b).filter(|v| *v > 0),
                DISPLAY_UNIT => unit = uint(b).unwrap_or(0),
                _ => {}
            }
        }
        let (w32, h32) = (
            u32::try_from(w).unwrap_or(u32::MAX),
            u32::try_from(h).unwrap_or(u32::MAX),
        );
        // Pixel aspect = (display w × coded h) : (display h × coded w): the
        // display size is in pixels (DisplayUnit 0), centimetres, inches, or
        // is the display aspect itself (3, as ffmpeg writes it); only its
        // ratio counts.
        let (mut par_n, mut par_d) = (1u64, 1u64);
        if let (Some(dw), Some(dh), 0..=3) = (dw, dh, unit)
            && w > 0
            && h > 0
        {
            let n = dw.saturating_mul(h);
            let d = dh.saturating_mul(w);
            let g = gcd(n, d).max(1);
            (par_n, par_d) = (n / g, d / g);
        }
        let (disp_w, disp_h) = if par_n > par_d {
            ((w.saturating_mul(par_n) / par_d.max(1)) as u32, h32)
        } else if par_n < par_d {
            (w32, (h.saturating_mul(par_d) / par_n.max(1)) as u32)
        } else {
            (w32, h32)
        };
        info.video = Some(VideoInfo {
            codec: codec_name(&codec),
            width: w32,
            height: h32,
            display_width: disp_w,
            display_height: disp_h,
            rotation: 0,
            pixel_aspect: format!("{par_n}:{par_d}"),
            frame_rate: frame_ns.map(|ns| 1e9 / ns as f64),
            bitrate_bps: None,
            duration_s: None,
        });
    } else if kind == 2 && info.audio.is_none() {
        let (mut rate, mut channels) = (None, None);
        for (id, b) in children(audio.unwrap_or(&[]), 0, audio.map_or(0, <[u8]>::len)) {
            match id {
                SAMPLING_FREQUENCY => rate = float(b).filter(|r| *r > 0.0 && *r < 1e7),
                CHANNELS => channels = uint(b).and_then(|c| u32::try_from(c).ok()),
                _ => {}
            }
        }
        info.audio = Some(AudioInfo {
            codec: codec_name(&codec),
            // Matroska's default is one channel, 8000 Hz.
            channels: channels.or(Some(1)),
            sample_rate: rate.map(|r| r as u32).or(Some(8000)),
            bitrate_bps: None,
            duration_s: None,
        });
    }
}

/// The Segment's `Info`: the time scale, the duration (in scale units) and
/// the recording date.
fn read_info(body: &[u8], scale: &mut u64, duration: &mut Option<f64>, info: &mut MediaInfo) {
    for (id, v) in children(body, 0, body.len()) {
        match id {
            TIMECODE_SCALE => *scale = uint(v).filter(|s| *s > 0).unwrap_or(*scale),
            DURATION => *duration = float(v).filter(|d| *d > 0.0),
            DATE_UTC => {
                // Nanoseconds since 2001-01-01T00:00:00 UTC.
                if let Some(ns) = uint(v).filter(|_| v.len() == 8) {
                    let unix = 978_307_200i64.saturating_add((ns as i64).div_euclid(1_000_000_000));
                    if (631_152_000..=4_102_444_800).contains(&unix) {
                        info.creation_time = Some(super::iso_from_unix(unix));
                    }
                }
            }
            _ => {}
        }
    }
}

/// What the walk found, written into `info`: a note where the file ends
/// inside the header or holds no `Tracks`, and the duration in seconds.
fn finish(
    info: &mut MediaInfo,
    ends_inside: bool,
    seen_tracks: bool,
    duration: Option<f64>,
    scale: u64,
) {
    if ends_inside {
        info.notes.push(format!(
            "Matroska header {}: the file ends inside it",
            super::CUT_SHORT
        ));
    }
    if !seen_tracks {
        info.notes
            .push("Matroska: no Tracks before the first Cluster".into());
    }
    info.duration_s = duration
        .map(|d| d * scale as f64 / 1e9)
        .filter(|d| d.is_finite() && *d > 0.0);
    if let Some(v) = info.video.as_mut() {
        v.duration_s = info.duration_s;
    }
    if let Some(a) = info.audio.as_mut() {
        a.duration_s = info.duration_s;
    }
}

/// Read the facts from the first bytes of a Matroska/WebM file of `size`
/// bytes. `None`: `b` ends before `Info` and `Tracks` are both read and the
/// file has more — read more (at most [`super::MAX_HEADER`]) and call again
/// with `whole` true, which answers with what there is.
pub fn parse(b: &[u8], size: u64, whole: bool) -> Option<Result<MediaInfo, Error>> {
    let Some(head) = element(b, 0).filter(|e| e.id == EBML) else {
        return Some(Err(Error::corrupt("Matroska EBML header")));
    };
    let Some(head_end) = head
        .len
        .and_then(|l| usize::try_from(l).ok())
        .and_then(|l| head.data.checked_add(l))
        .filter(|e| *e <= b.len())
    else {
        return if whole {
            Some(Err(Error::truncated("Matroska EBML header cut short")))
        } else {
            None
        };
    };
    let doc = children(b, head.data, head_end)
        .into_iter()
        .find(|(id, _)| *id == DOC_TYPE)
        .map(|(_, d)| text(d))
        .unwrap_or_default();
    let mut info = MediaInfo {
        container: if doc == "webm" { "webm" } else { "mkv" }.into(),
        size_bytes: size,
        ..Default::default()
    };
    let Some(seg) = element(b, head_end).filter(|e| e.id == SEGMENT) else {
        if whole || b.len() as u64 >= size {
            return Some(Err(Error::corrupt("Matroska without a Segment")));
        }
        return None;
    };
    // Walk the Segment's children up to the first Cluster.
    let (mut seen_info, mut seen_tracks) = (false, false);
    let mut scale = 1_000_000u64;
    let mut duration = None;
    let mut pos = seg.data;
    let seg_end = seg
        .len
        .and_then(|l| usize::try_from(l).ok())
        .and_then(|l| seg.data.checked_add(l));
    let mut count = 0;
    let cut = loop {
        count += 1;
        if count > MAX_ELEMENTS || seg_end.is_some_and(|e| pos >= e) {
            break false;
        }
        let Some(e) = element(b, pos) else {
            break true;
        };
        if e.id == CLUSTER {
            break false;
        }
        let Some(len) = e.len.and_then(|l| usize::try_from(l).ok()) else {
            // Only a Cluster (or the Segment) may have an unknown size.
            break false;
        };
        let Some(end) = e.data.checked_add(len) else {
            break false;
        };
        if end > b.len() {
            break true;
        }
        let body = &b[e.data..end];
        match e.id {
            INFO => {
                seen_info = true;
                read_info(body, &mut scale, &mut duration, &mut info);
            }
            TRACKS => {
                seen_tracks = true;
                for (id, entry) in children(body, 0, body.len()) {
                    if id == TRACK_ENTRY {
                        track(entry, &mut info);
                    }
                }
            }
            _ => {}
        }
        if seen_info && seen_tracks {
            break false;
        }
        pos = end;
    };
    if cut && !whole && (b.len() as u64) < size {
        return None;
    }
    finish(
        &mut info,
        cut && (b.len() as u64) >= size,
        seen_tracks,
        duration,
        scale,
    );
    Some(Ok(info))
}
