//! ASF (WMV/WMA) header object: file properties and stream properties.

use super::riff::{audio_codec, wave_format_tag};
use super::{AudioInfo, MediaInfo, VideoInfo};
use crate::error::Error;

const FILE_PROPS: [u8; 16] = guid(
    0x8CABDCA1,
    0xA947,
    0x11CF,
    [0x8E, 0xE4, 0x00, 0xC0, 0x0C, 0x20, 0x53, 0x65],
);
const STREAM_PROPS: [u8; 16] = guid(
    0xB7DC0791,
    0xA9B7,
    0x11CF,
    [0x8E, 0xE6, 0x00, 0xC0, 0x0C, 0x20, 0x53, 0x65],
);
const VIDEO_MEDIA: [u8; 16] = guid(
    0xBC19EFC0,
    0x5B4D,
    0x11CF,
    [0xA8, 0xFD, 0x00, 0x80, 0x5F, 0x5C, 0x44, 0x2B],
);
const AUDIO_MEDIA: [u8; 16] = guid(
    0xF8699E40,
    0x5B4D,
    0x11CF,
    [0xA8, 0xFD, 0x00, 0x80, 0x5F, 0x5C, 0x44, 0x2B],
);
const HEADER_EXT: [u8; 16] = guid(
    0x5FBF03B5,
    0xA92E,
    0x11CF,
    [0x8E, 0xE3, 0x00, 0xC0, 0x0C, 0x20, 0x53, 0x65],
);
const EXT_STREAM_PROPS: [u8; 16] = guid(
    0x14E6A5CB,
    0xC672,
    0x4332,
    [0x83, 0x99, 0xA9, 0x69, 0x52, 0x06, 0x5B, 0x5A],
);

const METADATA: [u8; 16] = guid(
    0xC5F8CBEA,
    0x5BAF,
    0x4877,
    [0x84, 0x67, 0xAA, 0x8C, 0x44, 0xFA, 0x4C, 0xCA],
);

const DATA: [u8; 16] = guid(
    0x75B22636,
    0x668E,
    0x11CF,
    [0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C],
);

/// The Data Object's header: GUID(16) size(8) file id(16) total data
/// packets(8) reserved(2).
pub const DATA_HEADER: u64 = 50;

/// A GUID as ASF stores it: the first three fields little-endian.
const fn guid(a: u32, b: u16, c: u16, d: [u8; 8]) -> [u8; 16] {
    let a = a.to_le_bytes();
    let b = b.to_le_bytes();
    let c = c.to_le_bytes();
    [
        a[0], a[1], a[2], a[3], b[0], b[1], c[0], c[1], d[0], d[1], d[2], d[3], d[4], d[5], d[6],
        d[7],
    ]
}

fn le(b: &[u8], i: usize, n: usize) -> Option<u64> {
    let s = b.get(i..i.checked_add(n)?)?;
    Some(s.iter().rev().fold(0u64, |a, &c| (a << 8) | u64::from(c)))
}

/// Size of the header object, from its first 24 bytes.
pub fn header_len(b: &[u8]) -> u64 {
    le(b, 16, 8).unwrap_or(0).max(30)
}

/// Objects in `b[pos..end]`: (GUID, body).
fn objects(b: &[u8], mut pos: usize, end: usize) -> impl Iterator<Item = (&[u8], &[u8])> {
    std::iter::from_fn(move || {
        if pos.checked_add(24)? > end {
            return None;
        }
        let id = b.get(pos..pos + 16)?;
        let osize = usize::try_from(le(b, pos + 16, 8)?).ok()?;
        if osize < 24 {
            return None;
        }
        let body = b.get(pos + 24..pos.saturating_add(osize).min(end))?;
        pos = pos.saturating_add(osize);
        Some((id, body))
    })
}

/// Extended Stream Properties (in the Header Extension): stream number →
/// (average time per frame in 100 ns, data bitrate in bits/s).
fn ext_streams(header_ext: &[u8]) -> Vec<(u64, u64, u64)> {
    // reserved GUID(16) reserved(2) data size(4), then objects.
    objects(header_ext, 22, header_ext.len())
        .filter(|(id, _)| *id == EXT_STREAM_PROPS)
        .filter_map(|(_, e)| {
            // start(8) end(8) bitrate(4) buffer(4) fullness(4) alt bitrate(4)
            // alt buffer(4) alt fullness(4) max object(4) flags(4) stream(2)
            // language(2) average time per frame(8).
            let stream = le(e, 48, 2)? & 0x7F;
            Some((stream, le(e, 52, 8)?, le(e, 16, 4)?))
        })
        .collect()
}

/// `AspectRatioX`/`AspectRatioY` of the Metadata Object (in the Header
/// Extension), which ffmpeg reads as a stream's pixel aspect:
/// (stream number, x, y), 0 where absent.
fn ext_aspect(header_ext: &[u8]) -> Vec<(u64, u64, u64)> {
    let mut out: Vec<(u64, u64, u64)> = Vec::new();
    for (_, m) in objects(header_ext, 22, header_ext.len()).filter(|(id, _)| *id == METADATA) {
        // count(2), then records: reserved(2) stream(2) name length(2)
        // type(2) data length(4) name (UTF-16LE) data.
        let count = le(m, 0, 2).unwrap_or(0);
        let mut pos = 2usize;
        for _ in 0..count {
            let (Some(stream), Some(name_len), Some(data_len)) = (
                le(m, pos + 2, 2),
                le(m, pos + 4, 2).and_then(|n| usize::try_from(n).ok()),
                le(m, pos + 8, 4).and_then(|n| usize::try_from(n).ok()),
            ) else {
                break;
            };
            let name_at = pos + 12;
            let Some(data_at) = name_at.checked_add(name_len) else {
                break;
            };
            let name = m.get(name_at..data_at).unwrap_or(&[]);
            let name: Vec<u8> = name
                .chunks(2)
                .map(|c| c[0])
                .take_while(|&c| c != 0)
                .collect();
            let value = if (1..=8).contains(&data_len) {
                le(m, data_at, data_len).unwrap_or(0)
            } else {
                0
            };
            let x = name == b"AspectRatioX";
            if x || name == b"AspectRatioY" {
                let i = match out.iter().position(|e| e.0 == stream) {
                    Some(i) => i,
                    None => {
                        out.push((stream, 0, 0));
                        out.len() - 1
                    }
                };
                if x {
                    out[i].1 = value;
                } else {
                    out[i].2 = value;
                }
            }
            match data_at.checked_add(data_len) {
                Some(next) if next <= m.len() => pos = next,
                _ => break,
            }
        }
    }
    out
}

/// What the File Properties Object says about the file's extent.
#[derive(Debug, Default)]
struct Extent {
    /// Bytes, as the muxer wrote it (0: not known).
    file_size: u64,
    data_packets: u64,
    /// Sizes and counts are not valid (a live broadcast being captured).
    broadcast: bool,
    /// Fixed packet size (min = max), 0 when it varies.
    packet_size: u64,
}

/// The header's promises against the file: the header object, the File
/// Properties' file size, the Data Object's size, and its packets × the
/// fixed packet size must all fit in the `size` bytes there are. `b` holds
/// the header object and, after it, the Data Object's header when the file
/// has one.
fn check_extent(b: &[u8], size: u64, e: &Extent) -> Result<(), Error> {
    let cut = |what: &str, end: u64| {
        Error::truncated(&format!(
            "ASF {what} cut short: it ends at byte {end} but the file has {size} bytes"
        ))
    };
    let hsize = header_len(b);
    let data_end = hsize.saturating_add(DATA_HEADER);
    if data_end > size || data_end > b.len() as u64 {
        return Err(cut("data", data_end));
    }
    if e.broadcast {
        return Ok(());
    }
    if e.file_size > size {
        return Err(cut("file", e.file_size));
    }
    let at = hsize as usize;
    if b.get(at..at + 16) == Some(&DATA[..]) {
        let data_size = le(b, at + 16, 8).unwrap_or(0);
        // 0 (or anything under its own header) means "not known".
        if data_size >= DATA_HEADER && hsize.saturating_add(data_size) > size {
            return Err(cut("data object", hsize.saturating_add(data_size)));
        }
        if e.packet_size > 0 && e.data_packets > 0 {
            let end = e
                .data_packets
                .saturating_mul(e.packet_size)
                .saturating_add(data_end);
            if end > size {
                return Err(cut(&format!("data ({} packets)", e.data_packets), end));
            }
        }
    }
    Ok(())
}

/// The File Properties Object: the duration (less the preroll) and the
/// creation time into `info`; what the file's extent should be, returned.
fn file_props(body: &[u8], info: &mut MediaInfo) -> Extent {
    // file id(16) size(8) created(8) packets(8) play(8) send(8) preroll(8)
    let created = le(body, 24, 8).unwrap_or(0);
    let play = le(body, 40, 8).unwrap_or(0);
    let preroll_ms = le(body, 56, 8).unwrap_or(0);
    // flags(4) min packet(4) max packet(4) after the preroll.
    let (min, max) = (le(body, 68, 4).unwrap_or(0), le(body, 72, 4).unwrap_or(0));
    let extent = Extent {
        file_size: le(body, 16, 8).unwrap_or(0),
        data_packets: le(body, 32, 8).unwrap_or(0),
        broadcast: le(body, 64, 4).unwrap_or(0) & 1 != 0,
        packet_size: if min == max { max } else { 0 },
    };
    let d = play as f64 / 1e7 - preroll_ms as f64 / 1000.0;
    info.duration_s = (d > 0.0).then_some(d);
    // 100-ns units since 1601-01-01.
    if created > 0 {
        let unix = (created / 10_000_000) as i64 - 11_644_473_600;
        if (631_152_000..=4_102_444_800).contains(&unix) {
            info.creation_time = Some(super::time::iso_from_unix(unix));
        }
    }
    extent
}

/// A video stream's type-specific data: its size and codec.
fn video_type_specific(ts: &[u8]) -> VideoInfo {
    let w = le(ts, 0, 4).unwrap_or(0) as u32;
    let h = le(ts, 4, 4).unwrap_or(0) as u32;
    // flags(1) format size(2) then BITMAPINFOHEADER: compression at 16.
    let comp = ts.get(11 + 16..11 + 20).unwrap_or(&[]);
    let codec = match comp {
        b"WMV1" => "wmv1",
        b"WMV2" => "wmv2",
        b"WMV3" => "wmv3",
        b"WVC1" | b"WMVA" => "vc1",
        b"MP4S" | b"M4S2" => "mpeg4",
        b"MP43" => "msmpeg4v3",
        b"H264" => "h264",
        _ => "unknown",
    };
    VideoInfo {
        codec: codec.into(),
        width: w,
        height: h,
        display_width: w,
        display_height: h,
        rotation: 0,
        pixel_aspect: "1:1".into(),
        ..Default::default()
    }
}

pub fn parse_asf(b: &[u8], size: u64) -> Result<MediaInfo, Error> {
    let declared = header_len(b);
    if declared > size || declared > b.len() as u64 {
        return Err(Error::truncated(&format!(
            "ASF header cut short: it ends at byte {declared} but the file has {} bytes",
            size.min(b.len() as u64)
        )));
    }
    let mut extent = Extent::default();
    let hsize = usize::try_from(header_len(b))
        .unwrap_or(usize::MAX)
        .min(b.len());
    let mut pos = 30usize;
    let mut info = MediaInfo {
        container: "asf".into(),
        size_bytes: size,
        ..Default::default()
    };
    let mut seen_props = false;
    let mut video_stream = None;
    let mut ext = Vec::new();
    let mut aspect = Vec::new();
    while pos.checked_add(24).is_some_and(|e| e <= hsize) {
        let id = &b[pos..pos + 16];
        let osize = le(b, pos + 16, 8)
            .and_then(|s| usize::try_from(s).ok())
            .unwrap_or(0);
        if osize < 24 {
            break;
        }
        let end = pos.saturating_add(osize).min(hsize);
        let body = &b[pos + 24..end];
        if id == HEADER_EXT {
            ext.extend(ext_streams(body));
            aspect.extend(ext_aspect(body));
        } else if id == FILE_PROPS {
            seen_props = true;
            extent = file_props(body, &mut info);
        } else if id == STREAM_PROPS {
            let kind = body.get(0..16).unwrap_or(&[]);
            let ts_len = le(body, 40, 4)
                .and_then(|s| usize::try_from(s).ok())
                .unwrap_or(0);
            let ts = body.get(54..54usize.saturating_add(ts_len)).unwrap_or(&[]);
            if kind == VIDEO_MEDIA && info.video.is_none() {
                video_stream = le(body, 48, 2).map(|f| f & 0x7F);
                info.video = Some(video_type_specific(ts));
            } else if kind == AUDIO_MEDIA && info.audio.is_none() {
                let tag = wave_format_tag(ts);
                let avg = le(ts, 8, 4).unwrap_or(0);
                info.audio = Some(AudioInfo {
                    codec: audio_codec(tag),
                    channels: le(ts, 2, 2).map(|c| c as u32).filter(|&c| c > 0),
                    sample_rate: le(ts, 4, 4).map(|c| c as u32).filter(|&c| c > 0),
                    bitrate_bps: (avg > 0).then(|| avg * 8),
                    duration_s: None,
                });
            }
        }
        pos = pos.saturating_add(osize);
    }
    if !seen_props {
        return Err(Error::corrupt("ASF header without file properties"));
    }
    check_extent(b, size, &extent)?;
    // The frame rate and the video's own bitrate are in the Extended Stream
    // Properties when the muxer wrote them (Windows encoders do; ffmpeg's
    // does not, and then nothing in the header says the frame rate).
    let video_ext = ext.iter().find(|e| Some(e.0) == video_stream);
    // The video stream's own aspect, else stream 0's (the whole file's).
    let par = [video_stream, Some(0)]
        .iter()
        .find_map(|n| {
            aspect
                .iter()
                .find(|a| Some(a.0) == *n && a.1 > 0 && a.2 > 0)
        })
        .and_then(|&(_, x, y)| Some((u32::try_from(x).ok()?, u32::try_from(y).ok()?)));
    if let (Some(v), Some(p)) = (info.video.as_mut(), par) {
        let (ph, pv) = super::iso::reduce(p);
        v.pixel_aspect = format!("{ph}:{pv}");
        let dw = (u64::from(v.width) * u64::from(ph) + u64::from(pv) / 2) / u64::from(pv);
        v.display_width = u32::try_from(dw).unwrap_or(v.width);
    }
    if let Some(d) = info.duration_s.filter(|d| *d > 0.0) {
        let audio = info.audio.as_ref().and_then(|a| a.bitrate_bps).unwrap_or(0);
        if let Some(v) = info.video.as_mut() {
            v.bitrate_bps = Some(((size as f64 * 8.0 / d) as u64).saturating_sub(audio));
            v.duration_s = Some(d);
        }
        if let Some(a) = info.audio.as_mut() {
            a.duration_s = Some(d);
        }
    }
    if let (Some(v), Some(&(_, per_frame, bitrate))) = (info.video.as_mut(), video_ext) {
        if per_frame > 0 {
            v.frame_rate = Some((1e7 / per_frame as f64 * 1000.0).round() / 1000.0);
        }
        if bitrate > 0 {
            v.bitrate_bps = Some(bitrate);
        }
    }
    Ok(info)
}
