//! AVI (RIFF) headers: the `hdrl` list is enough for duration, size and codecs.

use super::boxes::fourcc;
use super::{AudioInfo, MediaInfo, VideoInfo};
use crate::error::Error;

fn le32(b: &[u8], i: usize) -> Option<u32> {
    let s = b.get(i..i.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn le16(b: &[u8], i: usize) -> Option<u16> {
    let s = b.get(i..i.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

/// Chunks of a RIFF list body: (id, body).
fn chunks(b: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        let id = b.get(pos..pos.checked_add(4)?)?;
        let id = [id[0], id[1], id[2], id[3]];
        let size = usize::try_from(le32(b, pos + 4)?).ok()?;
        let start = pos.checked_add(8)?;
        let end = start.checked_add(size)?;
        let body = b.get(start..end.min(b.len()))?;
        pos = end.checked_add(size & 1)?;
        Some((id, body))
    })
}

/// How many bytes from the start hold the `hdrl` list and the `LIST movi`
/// header after it (past any `JUNK`/`INFO`): the `movi` size is what the
/// streams weigh, which the video bitrate needs.
pub fn header_len(b: &[u8]) -> u64 {
    // RIFF(4) size(4) AVI (4) then LIST(4) size(4) hdrl(4)…
    if b.get(12..16) == Some(b"LIST")
        && let Some(s) = le32(b, 16)
    {
        let hdrl_end = 20u64.saturating_add(u64::from(s));
        return match movi_list(b) {
            Some((at, _)) => hdrl_end.max(at.saturating_add(12)),
            // Not in this window: ask for a little past `hdrl` (muxers pad to 1 or 2 KiB).
            None => hdrl_end.saturating_add(8 * 1024),
        };
    }
    64 * 1024
}

/// The first RIFF's `LIST movi`: (offset of its header, declared size), if
/// `b` holds its header. Top-level chunks only.
fn movi_list(b: &[u8]) -> Option<(u64, u64)> {
    let mut pos = 12usize;
    loop {
        let id = b.get(pos..pos.checked_add(4)?)?;
        let size = le32(b, pos + 4)?;
        if id == b"LIST" && b.get(pos + 8..pos + 12)? == b"movi" {
            return Some((pos as u64, u64::from(size)));
        }
        let size = usize::try_from(size).ok()?;
        pos = pos
            .checked_add(8)?
            .checked_add(size)?
            .checked_add(size & 1)?;
    }
}

fn video_codec(handler: &[u8]) -> String {
    let up: Vec<u8> = handler.iter().map(|c| c.to_ascii_uppercase()).collect();
    match &up[..] {
        b"FMP4" | b"XVID" | b"DIVX" | b"DX50" | b"MP4V" | b"M4S2" => "mpeg4",
        b"H264" | b"AVC1" | b"X264" => "h264",
        b"HEVC" | b"H265" | b"HVC1" => "hevc",
        b"MJPG" => "mjpeg",
        b"DIV3" | b"MP43" => "msmpeg4v3",
        b"MP42" => "msmpeg4v2",
        b"WMV1" => "wmv1",
        b"WMV2" => "wmv2",
        b"WMV3" => "wmv3",
        b"AV01" => "av1",
        b"VP80" => "vp8",
        b"VP90" => "vp9",
        b"DVSD" => "dvvideo",
        b"\0\0\0\0" => "rawvideo",
        _ => return fourcc(handler).trim().to_ascii_lowercase(),
    }
    .into()
}

/// The format tag of a WAVEFORMATEX; for WAVE_FORMAT_EXTENSIBLE (0xFFFE,
/// which ffmpeg writes for more than two channels) the one in the first two
/// bytes of its SubFormat GUID.
pub fn wave_format_tag(wf: &[u8]) -> u16 {
    match le16(wf, 0) {
        Some(0xFFFE) if le16(wf, 16).is_some_and(|cb| cb >= 22) => le16(wf, 24).unwrap_or(0xFFFE),
        Some(tag) => tag,
        None => 0,
    }
}

pub fn audio_codec(tag: u16) -> String {
    match tag {
        0x0001 => "pcm_s16le",
        0x0003 => "pcm_f32le",
        0x0006 => "pcm_alaw",
        0x0007 => "pcm_mulaw",
        0x0011 => "adpcm_ima_wav",
        0x0050 => "mp2",
        0x0055 => "mp3",
        0x00FF | 0x1610 | 0x706D => "aac",
        0x0160 => "wmav1",
        0x0161 => "wmav2",
        0x0162 => "wmapro",
        0x0163 => "wmalossless",
        0x2000 => "ac3",
        0x2001 => "dts",
        0xF1AC => "flac",
        _ => return format!("0x{tag:04x}"),
    }
    .into()
}

/// The pixel aspect from a `vprp` (OpenDML video properties) chunk: the
/// frame aspect (high 16 bits : low 16 bits of dwFrameAspectRatio) over the
/// active frame's width : height, reduced, as ffmpeg reads it.
fn vprp_par(vprp: &[u8]) -> Option<(u32, u32)> {
    let aspect = le32(vprp, 20)?;
    let (an, ad) = (u64::from(aspect >> 16), u64::from(aspect & 0xFFFF));
    let (w, h) = (u64::from(le32(vprp, 24)?), u64::from(le32(vprp, 28)?));
    if an == 0 || ad == 0 || w == 0 || h == 0 {
        return None;
    }
    let (num, den) = (an * h, ad * w);
    let mut g = (num, den);
    while g.1 != 0 {
        g = (g.1, g.0 % g.1);
    }
    let (num, den) = (num / g.0, den / g.0);
    Some((u32::try_from(num).ok()?, u32::try_from(den).ok()?))
}

/// `avih` dwFlags: the file has an `idx1` index after `movi`.
const AVIF_HASINDEX: u32 = 0x10;

/// Where the header says the data ends, against the file (`b` is the start
/// of the file as read, `size` the file's length): a `RIFF` or `movi` that
/// runs past the end is a file cut short, its header promising more than
/// the file holds (an interrupted copy keeps the whole header).
fn check_sizes(b: &[u8], size: u64) -> Result<(), Error> {
    let cut = |what: &str, end: u64| {
        Error::truncated(&format!(
            "AVI {what} cut short: it ends at byte {end} but the file has {size} bytes"
        ))
    };
    if let Some(hdrl) = le32(b, 16).filter(|_| b.get(12..16) == Some(b"LIST")) {
        let hdrl_end = 20u64.saturating_add(u64::from(hdrl));
        // Past the end of the file, or past the bytes read when fewer came
        // than the file's size promised (it shrank while read); a header
        // over the read cap is only read in part.
        let read = b.len() as u64;
        if hdrl_end > read && (hdrl_end > size || read < super::MAX_HEADER) {
            return Err(cut("header (hdrl)", hdrl_end));
        }
    }
    let riff_end = u64::from(le32(b, 4).unwrap_or(0)).saturating_add(8);
    if riff_end > size {
        return Err(cut("RIFF chunk", riff_end));
    }
    if let Some((at, movi)) = movi_list(b) {
        let movi_end = at.saturating_add(8).saturating_add(movi);
        if movi_end > size {
            return Err(cut("movi list", movi_end));
        }
    }
    Ok(())
}

/// Where the `idx1` index must start when the header promises one: just
/// after the first `movi` list (padded to an even offset). `None` when the
/// header promises none or the `movi` header was not read.
pub fn idx1_at(b: &[u8]) -> Option<u64> {
    let riff_body = b.get(12..)?;
    let (_, hdrl) =
        chunks(riff_body).find(|(id, body)| id == b"LIST" && body.get(0..4) == Some(b"hdrl"))?;
    let (_, avih) = chunks(hdrl.get(4..)?).find(|(id, _)| id == b"avih")?;
    let flags = le32(avih, 12)?;
    if flags & AVIF_HASINDEX == 0 {
        return None;
    }
    let (at, movi) = movi_list(b)?;
    let end = at.checked_add(8)?.checked_add(movi)?;
    end.checked_add(end & 1)
}

/// The note for a promised `idx1` that is not there.
pub const NO_IDX1: &str =
    "the index (idx1) the AVI header promises is missing: the file is cut short";

/// One stream of an AVI's `hdrl`: its `strh` and `strf` chunks and what
/// every stream's header says.
struct Stream<'a> {
    kind: [u8; 4],
    strh: &'a [u8],
    strf: &'a [u8],
    /// The stream's `dwLength`, in units of `scale / rate` seconds.
    length: u32,
    scale: u32,
    rate: u32,
}

impl<'a> Stream<'a> {
    fn read(strh: &'a [u8], strf: &'a [u8]) -> Self {
        let kind = strh.get(0..4).unwrap_or(&[0; 4]);
        Stream {
            kind: [kind[0], kind[1], kind[2], kind[3]],
            strh,
            strf,
            length: le32(strh, 32).unwrap_or(0),
            scale: le32(strh, 20).unwrap_or(0),
            rate: le32(strh, 24).unwrap_or(0),
        }
    }

    fn duration(&self) -> Option<f64> {
        (self.scale > 0 && self.rate > 0)
            .then(|| f64::from(self.length) * f64::from(self.scale) / f64::from(self.rate))
    }

    /// A video stream (`avih`'s size and frame count standing in where the
    /// stream's own are missing), and its chunk count.
    fn video(
        &self,
        vprp: Option<&[u8]>,
        (w, h): (u32, u32),
        total_frames: u32,
    ) -> (VideoInfo, u64) {
        let (strf, scale, rate) = (self.strf, self.scale, self.rate);
        let bw = le32(strf, 4).unwrap_or(w);
        let bh = (le32(strf, 8).unwrap_or(h) as i32).unsigned_abs();
        let compression = strf.get(16..20).unwrap_or(&[0, 0, 0, 0]);
        let fr = (scale > 0 && rate > 0).then(|| f64::from(rate) / f64::from(scale));
        let frames = u64::from(self.length.max(total_frames));
        let dur = match fr {
            Some(r) if r > 0.0 => Some(frames as f64 / r),
            _ => self.duration(),
        };
        let (ph, pv) = vprp.and_then(vprp_par).unwrap_or((1, 1));
        let dw = (u64::from(bw) * u64::from(ph) + u64::from(pv) / 2) / u64::from(pv);
        let video = VideoInfo {
            codec: video_codec(compression),
            width: bw,
            height: bh,
            display_width: u32::try_from(dw).unwrap_or(bw),
            display_height: bh,
            rotation: 0,
            pixel_aspect: format!("{ph}:{pv}"),
            frame_rate: fr.map(|r| (r * 1000.0).round() / 1000.0),
            bitrate_bps: None,
            duration_s: dur,
        };
        (video, frames)
    }

    /// An audio stream, its chunk count and its bytes.
    fn audio(&self) -> (AudioInfo, u64, u64) {
        let (strh, strf) = (self.strh, self.strf);
        let dur = self.duration();
        let tag = wave_format_tag(strf);
        let avg = u64::from(le32(strf, 8).unwrap_or(0));
        let suggested = u64::from(le32(strh, 36).unwrap_or(0));
        let sample_size = u64::from(le32(strh, 44).unwrap_or(0));
        let length = u64::from(self.length);
        // Fixed-size samples (PCM): `length` of them. Otherwise one frame
        // per chunk: the average rate when the header has one, else the
        // suggested buffer per chunk (exact for constant-rate MP3, whose
        // `nAvgBytesPerSec` ffmpeg leaves 0).
        let audio_bytes = if sample_size > 0 {
            length.saturating_mul(sample_size)
        } else if avg > 0 {
            dur.map_or(0, |d| (avg as f64 * d) as u64)
        } else {
            length.saturating_mul(suggested)
        };
        let audio_chunks = if sample_size == 0 {
            length
        } else if suggested > 0 {
            audio_bytes.div_ceil(suggested)
        } else {
            0
        };
        let from_bytes = dur
            .filter(|d| *d > 0.0 && audio_bytes > 0)
            .map(|d| (audio_bytes as f64 * 8.0 / d).round() as u64);
        let audio = AudioInfo {
            codec: audio_codec(tag),
            channels: le16(strf, 2).map(u32::from).filter(|&c| c > 0),
            sample_rate: le32(strf, 4).filter(|&r| r > 0),
            bitrate_bps: if avg > 0 { Some(avg * 8) } else { from_bytes },
            duration_s: dur,
        };
        (audio, audio_chunks, audio_bytes)
    }
}

pub fn parse_avi(b: &[u8], size: u64) -> Result<MediaInfo, Error> {
    let riff_body = b.get(12..).ok_or_else(|| Error::truncated("AVI header"))?;
    check_sizes(b, size)?;
    let hdrl = chunks(riff_body)
        .find(|(id, body)| id == b"LIST" && body.get(0..4) == Some(b"hdrl"))
        .map(|(_, body)| &body[4..])
        .ok_or_else(|| Error::corrupt("AVI without hdrl"))?;
    let mut info = MediaInfo {
        container: "avi".into(),
        size_bytes: size,
        ..Default::default()
    };
    let mut us_per_frame = 0u32;
    let mut total_frames = 0u32;
    let (mut w, mut h) = (0u32, 0u32);
    for (id, body) in chunks(hdrl) {
        if &id == b"avih" {
            us_per_frame = le32(body, 0).unwrap_or(0);
            total_frames = le32(body, 16).unwrap_or(0);
            w = le32(body, 32).unwrap_or(0);
            h = le32(body, 36).unwrap_or(0);
        }
        if &id == b"LIST" && body.get(0..4) == Some(b"odml") {
            for (id2, b2) in chunks(&body[4..]) {
                if &id2 == b"dmlh" {
                    total_frames = total_frames.max(le32(b2, 0).unwrap_or(0));
                }
            }
        }
    }
    // Chunk counts and byte estimates of the first video and audio streams.
    let (mut video_chunks, mut audio_chunks, mut audio_bytes) = (0u64, 0u64, 0u64);
    for (id, body) in chunks(hdrl) {
        if &id != b"LIST" || body.get(0..4) != Some(b"strl") {
            continue;
        }
        let mut strh: Option<&[u8]> = None;
        let mut strf: Option<&[u8]> = None;
        let mut vprp: Option<&[u8]> = None;
        for (id2, b2) in chunks(&body[4..]) {
            match &id2 {
                b"strh" => strh = Some(b2),
                b"strf" => strf = Some(b2),
                b"vprp" => vprp = Some(b2),
                _ => {}
            }
        }
        let (Some(strh), Some(strf)) = (strh, strf) else {
            continue;
        };
        let stream = Stream::read(strh, strf);
        if &stream.kind == b"vids" && info.video.is_none() {
            let (video, chunks) = stream.video(vprp, (w, h), total_frames);
            info.video = Some(video);
            video_chunks = chunks;
        } else if &stream.kind == b"auds" && info.audio.is_none() {
            let (audio, chunks, bytes) = stream.audio();
            info.audio = Some(audio);
            audio_chunks = chunks;
            audio_bytes = bytes;
        }
    }
    info.duration_s = info.video.as_ref().and_then(|v| v.duration_s).or_else(|| {
        (us_per_frame > 0).then(|| f64::from(total_frames) * f64::from(us_per_frame) / 1e6)
    });
    // The file lasts as long as its longest stream: audio often runs a
    // frame or two past the last picture.
    if let Some(a) = info.audio.as_ref().and_then(|a| a.duration_s)
        && info.duration_s.is_none_or(|d| a > d)
    {
        info.duration_s = Some(a);
    }
    // Video bitrate: the stream bytes less the audio's, over the video's own
    // duration (frames / rate, as for MP4; ffprobe divides by (frames - 1) /
    // rate, which reads 1.7 % higher on 2 s at 30 fps and nothing on a long
    // file). The
    // stream bytes are the first RIFF's `movi` list when it is the whole file,
    // else the file less the header and the `idx1` index (16 bytes a chunk);
    // either way less the 8-byte header of every chunk.
    let chunk_count = video_chunks.saturating_add(audio_chunks);
    let riff_len = u64::from(le32(b, 4).unwrap_or(0)).saturating_add(8);
    let payload = match movi_list(b) {
        Some((_, movi)) if riff_len >= size => movi.saturating_sub(4),
        at => size
            .saturating_sub(at.map_or(b.len() as u64, |(off, _)| off.saturating_add(12)))
            .saturating_sub(chunk_count.saturating_mul(16).saturating_add(8)),
    };
    let video_bytes = payload
        .saturating_sub(chunk_count.saturating_mul(8))
        .saturating_sub(audio_bytes);
    if let Some(v) = info.video.as_mut()
        && let Some(d) = v.duration_s.or(info.duration_s).filter(|d| *d > 0.0)
    {
        v.bitrate_bps = (video_bytes > 0).then(|| (video_bytes as f64 * 8.0 / d).round() as u64);
    }
    if info.video.is_none() && info.audio.is_none() {
        return Err(Error::corrupt("AVI header lists no stream"));
    }
    Ok(info)
}
