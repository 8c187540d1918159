//! FLV: the file header's audio/video flags and the first script tag's
//! `onMetaData` (AMF0: `duration`, `width`, `height`, `framerate`,
//! `videocodecid`, `audiocodecid`), which every muxer writes first. What
//! the metadata does not say stays `None`.

use super::{AudioInfo, MediaInfo, VideoInfo};
use crate::error::Error;

/// The most values read from the metadata, and the deepest nesting.
const MAX_VALUES: usize = 1024;
const MAX_DEPTH: u32 = 4;

fn be(b: &[u8], pos: usize, n: usize) -> Option<u64> {
    let s = b.get(pos..pos.checked_add(n)?)?;
    Some(s.iter().fold(0u64, |a, &x| (a << 8) | u64::from(x)))
}

/// Skip one AMF0 value at `pos`, returning where the next starts; the numbers
/// and booleans of the top-level object (`depth` 1) go into `out` by key.
fn value(
    b: &[u8],
    pos: usize,
    depth: u32,
    out: &mut Vec<(String, f64)>,
    key: &str,
) -> Option<usize> {
    let kind = *b.get(pos)?;
    let p = pos + 1;
    match kind {
        0 => {
            let v = f64::from_be_bytes(b.get(p..p + 8)?.try_into().ok()?);
            if out.len() < MAX_VALUES && depth == 1 {
                out.push((key.to_string(), v));
            }
            Some(p + 8)
        }
        1 => {
            if out.len() < MAX_VALUES && depth == 1 {
                out.push((key.to_string(), f64::from(*b.get(p)?)));
            }
            Some(p + 1)
        }
        2 => Some(p + 2 + be(b, p, 2)? as usize),
        12 => Some(
            p.checked_add(4)?
                .checked_add(usize::try_from(be(b, p, 4)?).ok()?)?,
        ),
        5 | 6 | 13 => Some(p),
        11 => Some(p + 10),
        3 | 8 => {
            if depth >= MAX_DEPTH {
                return None;
            }
            let mut q = if kind == 8 { p + 4 } else { p };
            for _ in 0..MAX_VALUES {
                let klen = be(b, q, 2)? as usize;
                if klen == 0 && b.get(q + 2) == Some(&9) {
                    return Some(q + 3);
                }
                let k = String::from_utf8_lossy(b.get(q + 2..q + 2 + klen)?).into_owned();
                q = value(b, q + 2 + klen, depth + 1, out, &k)?;
            }
            None
        }
        10 => {
            if depth >= MAX_DEPTH {
                return None;
            }
            let n = be(b, p, 4)?.min(MAX_VALUES as u64);
            let mut q = p + 4;
            for _ in 0..n {
                q = value(b, q, depth + 1, out, "")?;
            }
            Some(q)
        }
        _ => None,
    }
}

/// ffprobe's codec names for FLV's codec ids.
fn video_codec(id: u64) -> String {
    match id {
        2 => "flv1",
        3 => "flashsv",
        4 | 5 => "vp6f",
        7 => "h264",
        12 => "hevc",
        13 => "av1",
        _ => "",
    }
    .into()
}

fn audio_codec(id: u64) -> String {
    match id {
        0 | 3 => "pcm_s16le",
        1 => "adpcm_swf",
        2 | 14 => "mp3",
        4..=6 => "nellymoser",
        10 => "aac",
        11 => "speex",
        _ => "",
    }
    .into()
}

/// Read the facts from the first bytes of an FLV file of `size` bytes.
pub fn parse(b: &[u8], size: u64) -> Result<MediaInfo, Error> {
    let flags = *b
        .get(4)
        .ok_or_else(|| Error::truncated("FLV header cut short"))?;
    // The header is 9 bytes; a larger claim is capped, so the offsets
    // below cannot overflow (a 32-bit `usize` in the browser).
    let header = be(b, 5, 4).unwrap_or(9).min(1 << 20) as usize;
    let mut info = MediaInfo {
        container: "flv".into(),
        size_bytes: size,
        ..Default::default()
    };
    let (has_audio, has_video) = (flags & 0x04 != 0, flags & 0x01 != 0);
    // First tag after the header and PreviousTagSize0.
    let tag = header.saturating_add(4);
    let mut meta = Vec::new();
    if b.get(tag) == Some(&18) {
        let len = be(b, tag + 1, 3).unwrap_or(0) as usize;
        let body = b.get(tag + 11..(tag + 11).saturating_add(len).min(b.len()));
        if let Some(body) = body
            && let Some(next) = value(body, 0, 0, &mut Vec::new(), "")
        {
            let _ = value(body, next, 0, &mut meta, "");
        }
    }
    if meta.is_empty() {
        info.notes
            .push("FLV without onMetaData: duration and picture size not known".into());
    }
    let get = |k: &str| {
        meta.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| *v)
            .filter(|v| v.is_finite() && *v >= 0.0)
    };
    info.duration_s = get("duration").filter(|d| *d > 0.0);
    let (w, h) = (
        get("width").map_or(0, |w| w.min(1e6) as u32),
        get("height").map_or(0, |h| h.min(1e6) as u32),
    );
    if w > 0 && h > 0 {
        info.video = Some(VideoInfo {
            codec: video_codec(get("videocodecid").map_or(0, |c| c as u64)),
            width: w,
            height: h,
            display_width: w,
            display_height: h,
            rotation: 0,
            pixel_aspect: "1:1".into(),
            frame_rate: get("framerate").filter(|f| *f > 0.0),
            bitrate_bps: get("videodatarate").map(|k| (k * 1000.0) as u64),
            duration_s: info.duration_s,
        });
    }
    // Without the picture size the streams are not read: no video is "not
    // known", not "none".
    info.streams_unread = info.video.is_none() && has_video;
    if has_audio {
        info.audio = Some(AudioInfo {
            codec: audio_codec(get("audiocodecid").map_or(u64::MAX, |c| c as u64)),
            channels: get("stereo").map(|s| if s != 0.0 { 2 } else { 1 }),
            sample_rate: get("audiosamplerate").map(|r| r as u32),
            bitrate_bps: get("audiodatarate").map(|k| (k * 1000.0) as u64),
            duration_s: info.duration_s,
        });
    }
    Ok(info)
}
