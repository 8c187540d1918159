//! The one module that talks to `mp4-atom` (pinned, pre-1.0): it turns the
//! crate's boxes into our own plain facts, and derives every number
//! (duration with edit lists, frame rate from `stts`, bitrate from `stsz`,
//! rotation from the matrix, display size) with checked arithmetic.

use std::collections::BTreeMap;

use mp4_atom::{
    Codec, Decode, Elst, Hdlr, Mdhd, Moof, Mvex, Mvhd, Stsd, Stsz, StszSamples, Stts, Tkhd,
};

use super::bmff::{children, fourcc, meta_location, udta_location};
use super::{AudioInfo, Location, MediaInfo, VideoInfo};
use crate::error::Error;

#[derive(Debug, Default)]
pub struct MoovFacts {
    pub timescale: u32,
    pub duration: u64,
    pub creation: u64,
    pub tracks: Vec<TrackFacts>,
    pub has_mvex: bool,
    pub mehd: Option<u64>,
    /// trex default sample duration per track id.
    pub trex: BTreeMap<u32, u32>,
    pub location: Option<Location>,
    pub notes: Vec<String>,
}

#[derive(Debug, Default, Clone)]
pub struct TrackFacts {
    pub id: u32,
    pub handler: [u8; 4],
    pub enabled: bool,
    pub timescale: u32,
    pub media_duration: u64,
    /// Sum of the non-empty edits, in movie ticks.
    pub edit_duration: Option<u64>,
    pub sample_count: u64,
    pub total_delta: u64,
    pub total_bytes: u64,
    pub codec: String,
    pub width: u32,
    pub height: u32,
    pub par: (u32, u32),
    pub matrix: (i32, i32, i32, i32),
    pub channels: Option<u32>,
    pub sample_rate: Option<u32>,
    pub notes: Vec<String>,
}

pub struct Fragments<'a> {
    pub ticks: &'a BTreeMap<u32, u64>,
    pub bytes: &'a BTreeMap<u32, u64>,
    pub samples: &'a BTreeMap<u32, u64>,
    pub complete: bool,
}

/// Parse a whole `moov` box (header included).
pub fn parse_moov(data: &[u8]) -> Result<MoovFacts, Error> {
    let body = data.get(8..).unwrap_or(&[]);
    let body = if data.get(0..4) == Some(&[0, 0, 0, 1]) {
        data.get(16..).unwrap_or(&[])
    } else {
        body
    };
    let mut m = MoovFacts::default();
    let mut have_mvhd = false;
    for (kind, b, whole) in children(body) {
        match &kind {
            b"mvhd" => match Mvhd::decode(&mut &whole[..]) {
                Ok(h) => {
                    m.timescale = h.timescale;
                    m.duration = h.duration;
                    m.creation = h.creation_time;
                    have_mvhd = true;
                }
                Err(e) => m.notes.push(format!("mvhd unreadable: {e}")),
            },
            b"trak" => match parse_trak(b) {
                Ok(mut t) => {
                    for n in t.notes.drain(..) {
                        m.notes.push(format!("track {}: {n}", t.id));
                    }
                    m.tracks.push(t)
                }
                Err(e) => m.notes.push(format!("track skipped: {e}")),
            },
            b"mvex" => {
                m.has_mvex = true;
                match Mvex::decode(&mut &whole[..]) {
                    Ok(x) => {
                        m.mehd = x.mehd.map(|h| h.fragment_duration).filter(|&d| d > 0);
                        for t in x.trex {
                            m.trex.insert(t.track_id, t.default_sample_duration);
                        }
                    }
                    Err(e) => m.notes.push(format!("mvex unreadable: {e}")),
                }
            }
            b"udta" => {
                if m.location.is_none() {
                    m.location = udta_location(b);
                }
            }
            b"meta" => {
                if m.location.is_none() {
                    m.location = meta_location(b);
                }
            }
            _ => {}
        }
    }
    if !have_mvhd && m.tracks.is_empty() {
        return Err(Error::corrupt("moov holds no movie header and no track"));
    }
    Ok(m)
}

/// Find a child box by path, e.g. `["mdia", "minf", "stbl", "stsz"]`,
/// returning the whole box (header included).
fn find<'a>(body: &'a [u8], path: &[&[u8; 4]]) -> Option<&'a [u8]> {
    let (first, rest) = path.split_first()?;
    let (_, b, whole) = children(body).find(|(k, _, _)| &k == first)?;
    if rest.is_empty() {
        Some(whole)
    } else {
        find(b, rest)
    }
}

/// Decode one `trak` box by box: each leaf (`tkhd`, `mdhd`, `hdlr`, `stsd`,
/// `stts`, `stsz`, `elst`) goes through `mp4-atom` on its own, so one odd box
/// costs one fact, not the whole track. A track without `tkhd`, `mdhd` and
/// `hdlr` is skipped.
fn parse_trak(body: &[u8]) -> Result<TrackFacts, String> {
    let tkhd = Tkhd::decode(&mut find(body, &[b"tkhd"]).ok_or("no tkhd")?)
        .map_err(|e| format!("tkhd: {e}"))?;
    let mdhd = Mdhd::decode(&mut find(body, &[b"mdia", b"mdhd"]).ok_or("no mdhd")?)
        .map_err(|e| format!("mdhd: {e}"))?;
    let hdlr = Hdlr::decode(&mut find(body, &[b"mdia", b"hdlr"]).ok_or("no hdlr")?)
        .map_err(|e| format!("hdlr: {e}"))?;
    let mut t = TrackFacts {
        id: tkhd.track_id,
        handler: *hdlr.handler.as_ref(),
        enabled: tkhd.enabled,
        timescale: mdhd.timescale,
        media_duration: mdhd.duration,
        par: (1, 1),
        matrix: (tkhd.matrix.a, tkhd.matrix.b, tkhd.matrix.c, tkhd.matrix.d),
        ..Default::default()
    };
    if let Some(Ok(elst)) = find(body, &[b"edts", b"elst"]).map(|mut b| Elst::decode(&mut b)) {
        let mut sum: u64 = 0;
        for e in elst.entries.iter().filter(|e| e.media_time.is_some()) {
            sum = sum.saturating_add(e.segment_duration);
        }
        t.edit_duration = (sum > 0).then_some(sum);
    }
    let leaf = |k: &[u8; 4]| find(body, &[b"mdia", b"minf", b"stbl", k]);
    match leaf(b"stts").map(|mut b| Stts::decode(&mut b)) {
        Some(Ok(stts)) => {
            for e in &stts.entries {
                let c = u64::from(e.sample_count);
                t.sample_count = t.sample_count.saturating_add(c);
                t.total_delta = t
                    .total_delta
                    .saturating_add(c.saturating_mul(u64::from(e.sample_delta)));
            }
        }
        Some(Err(e)) => t.notes.push(format!("stts: {e}")),
        None => {}
    }
    match leaf(b"stsz").map(|mut b| Stsz::decode(&mut b)) {
        Some(Ok(stsz)) => {
            t.total_bytes = match &stsz.samples {
                StszSamples::Identical { count, size } => {
                    u64::from(*count).saturating_mul(u64::from(*size))
                }
                StszSamples::Different { sizes } => sizes
                    .iter()
                    .fold(0u64, |a, &s| a.saturating_add(u64::from(s))),
            }
        }
        Some(Err(e)) => t.notes.push(format!("stsz: {e}")),
        None => {}
    }
    if let Some(stsd) = leaf(b"stsd") {
        match Stsd::decode(&mut &stsd[..]) {
            Ok(s) => {
                if let Some(codec) = s.codecs.first() {
                    describe_codec(codec, &mut t);
                }
            }
            Err(e) => {
                // Fall back to the raw first sample entry: its type and size.
                t.notes.push(format!("stsd: {e}"));
                let entries = stsd.get(16..).unwrap_or(&[]);
                if let Some((kind, b, _)) = children(entries).next() {
                    raw_sample_entry(&kind, b, &mut t);
                    t.codec = codec_name_for(&kind);
                }
            }
        }
    }
    Ok(t)
}

fn pasp_of(p: &Option<mp4_atom::Pasp>) -> Option<(u32, u32)> {
    p.as_ref()
        .filter(|p| p.h_spacing > 0 && p.v_spacing > 0)
        .map(|p| (p.h_spacing, p.v_spacing))
}

fn describe_codec(codec: &Codec, t: &mut TrackFacts) {
    if let Some(v) = codec.visual() {
        t.width = u32::from(v.width);
        t.height = u32::from(v.height);
    }
    let (name, par): (String, Option<(u32, u32)>) = match codec {
        Codec::Avc1(c) => (
            "h264".into(),
            pasp_of(&c.pasp).or_else(|| sps_sar(&c.avcc.sequence_parameter_sets)),
        ),
        Codec::Avc3(c) => (
            "h264".into(),
            pasp_of(&c.pasp).or_else(|| sps_sar(&c.avcc.sequence_parameter_sets)),
        ),
        Codec::Hvc1(c) => ("hevc".into(), pasp_of(&c.pasp)),
        Codec::Hev1(c) => ("hevc".into(), pasp_of(&c.pasp)),
        Codec::Av01(c) => ("av1".into(), pasp_of(&c.pasp)),
        Codec::Vp09(c) => ("vp9".into(), pasp_of(&c.pasp)),
        Codec::Vp08(_) => ("vp8".into(), None),
        Codec::Jpeg(_) => ("mjpeg".into(), None),
        Codec::Uncv(_) => ("rawvideo".into(), None),
        Codec::Mp4a(a) => {
            t.channels = Some(u32::from(a.audio.channel_count));
            t.sample_rate = Some(u32::from(a.audio.sample_rate.integer()));
            let dc = &a.esds.es_desc.dec_config;
            if let Some(ds) = &dc.dec_specific {
                if ds.chan_conf > 0 && ds.chan_conf < 8 {
                    t.channels = Some(u32::from(ds.chan_conf));
                }
                const RATES: [u32; 13] = [
                    96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025,
                    8000, 7350,
                ];
                if let Some(&r) = RATES.get(usize::from(ds.freq_index)) {
                    if dc.object_type_indication == 0x40 {
                        t.sample_rate = Some(r);
                    }
                }
            }
            let name = match dc.object_type_indication {
                0x69 | 0x6B => "mp3",
                0x40 | 0x66 | 0x67 | 0x68 => "aac",
                0xA5 => "ac3",
                0xA6 => "eac3",
                0xAD => "opus",
                _ => "aac",
            };
            (name.into(), None)
        }
        Codec::Mp3(_) => ("mp3".into(), None),
        Codec::Opus(_) => ("opus".into(), None),
        Codec::Flac(_) => ("flac".into(), None),
        Codec::Ac3(_) => ("ac3".into(), None),
        Codec::Eac3(_) => ("eac3".into(), None),
        Codec::Sowt(_) => ("pcm_s16le".into(), None),
        Codec::Twos(_) => ("pcm_s16be".into(), None),
        Codec::Samr(_) => ("amr_nb".into(), None),
        Codec::Tx3g(_) => ("mov_text".into(), None),
        Codec::Unknown(kind, body) => {
            let k = kind.as_ref();
            raw_sample_entry(k, body, t);
            (codec_name_for(k), raw_pasp(body))
        }
        other => (
            format!("{other:?}")
                .split('(')
                .next()
                .unwrap_or("")
                .to_lowercase(),
            None,
        ),
    };
    if let Some(a) = audio_fields(codec) {
        t.channels = t.channels.or(Some(a.0));
        t.sample_rate = t.sample_rate.or(Some(a.1));
    }
    t.codec = name;
    if let Some(p) = par {
        t.par = reduce(p);
    }
}

fn audio_fields(codec: &Codec) -> Option<(u32, u32)> {
    let a = match codec {
        Codec::Mp3(c) => &c.audio,
        Codec::Opus(c) => &c.audio,
        Codec::Flac(c) => &c.audio,
        Codec::Ac3(c) => &c.audio,
        Codec::Eac3(c) => &c.audio,
        Codec::Sowt(c) => &c.audio,
        Codec::Twos(c) => &c.audio,
        _ => return None,
    };
    Some((
        u32::from(a.channel_count),
        u32::from(a.sample_rate.integer()),
    ))
}

/// ffprobe's name for a sample entry mp4-atom does not model.
fn codec_name_for(k: &[u8; 4]) -> String {
    match k {
        b"mp4v" => "mpeg4",
        b"s263" | b"h263" => "h263",
        b"apcn" | b"apch" | b"apcs" | b"apco" | b"ap4h" | b"ap4x" => "prores",
        b"dvh1" | b"dvhe" => "hevc",
        b"dav1" => "av1",
        b"dva1" | b"dvav" => "h264",
        b"vvc1" | b"vvi1" => "vvc",
        b"mjpa" | b"mjpb" | b"jpeg" => "mjpeg",
        b"alac" => "alac",
        b"sawb" => "amr_wb",
        b"ulaw" => "pcm_mulaw",
        b"raw " => "pcm_u8",
        b"enca" | b"encv" => "encrypted",
        b"alaw" => "pcm_alaw",
        b"lpcm" => "pcm_s16le",
        b"in24" => "pcm_s24le",
        b"ac-4" => "ac4",
        b"mhm1" | b"mha1" => "mpegh_3d_audio",
        _ => return fourcc(k).trim().to_string(),
    }
    .to_string()
}

/// Width/height (video) or channels/rate (audio) from a raw sample entry body.
fn raw_sample_entry(kind: &[u8; 4], body: &[u8], t: &mut TrackFacts) {
    let u16at = |i: usize| body.get(i..i + 2).map(|s| u16::from_be_bytes([s[0], s[1]]));
    if &t.handler == b"vide" {
        // reserved(6) dref(2) pre_defined(2) reserved(2) pre_defined(12) width height
        if let (Some(w), Some(h)) = (u16at(24), u16at(26)) {
            t.width = u32::from(w);
            t.height = u32::from(h);
        }
    } else if &t.handler == b"soun" {
        // reserved(6) dref(2) version(2) rev(2) vendor(4) channels(2) size(2) cid(2) pkt(2) rate(4)
        if let (Some(ch), Some(rate)) = (u16at(16), u16at(24)) {
            t.channels = Some(u32::from(ch));
            t.sample_rate = Some(u32::from(rate));
        }
    }
    let _ = kind;
}

fn raw_pasp(body: &[u8]) -> Option<(u32, u32)> {
    // Visual sample entry children start at byte 78.
    for (kind, b, _) in children(body.get(78..)?) {
        if &kind == b"pasp" {
            let h = u32::from_be_bytes(b.get(0..4)?.try_into().ok()?);
            let v = u32::from_be_bytes(b.get(4..8)?.try_into().ok()?);
            if h > 0 && v > 0 {
                return Some((h, v));
            }
        }
    }
    None
}

/// Sample aspect ratio from the first H.264 SPS's VUI.
fn sps_sar(sps: &[Vec<u8>]) -> Option<(u32, u32)> {
    super::h264::sar(sps.first()?)
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

pub fn reduce(p: (u32, u32)) -> (u32, u32) {
    let g = gcd(u64::from(p.0), u64::from(p.1)).max(1) as u32;
    (p.0 / g, p.1 / g)
}

fn secs(ticks: u64, scale: u32) -> Option<f64> {
    if scale == 0 {
        return None;
    }
    Some(ticks as f64 / f64::from(scale))
}

/// Clockwise rotation from a tkhd matrix, snapped to 0/90/180/270.
pub fn rotation((a, b, _c, _d): (i32, i32, i32, i32)) -> u32 {
    let deg = f64::from(b).atan2(f64::from(a)).to_degrees();
    let snapped = ((deg / 90.0).round() as i64).rem_euclid(4) as u32 * 90;
    snapped
}

/// Moof → (track id, ticks, bytes, samples) per traf.
pub fn moof_durations(data: &[u8], m: &MoovFacts) -> Vec<(u32, u64, u64, u64)> {
    let Ok(moof) = Moof::decode(&mut &data[..]) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for traf in &moof.traf {
        let id = traf.tfhd.track_id;
        let default_dur = traf
            .tfhd
            .default_sample_duration
            .or_else(|| m.trex.get(&id).copied())
            .unwrap_or(0);
        let default_size = traf.tfhd.default_sample_size.unwrap_or(0);
        let (mut ticks, mut bytes, mut n) = (0u64, 0u64, 0u64);
        for trun in &traf.trun {
            for e in trun.samples.iter() {
                ticks = ticks.saturating_add(u64::from(e.duration.unwrap_or(default_dur)));
                bytes = bytes.saturating_add(u64::from(e.size.unwrap_or(default_size)));
                n = n.saturating_add(1);
            }
        }
        out.push((id, ticks, bytes, n));
    }
    out
}

/// Turn moov facts (plus fragment sums) into the probe's report.
pub fn media_info(m: &MoovFacts, f: &Fragments<'_>, file_size: u64) -> MediaInfo {
    let mut info = MediaInfo {
        creation_time: super::time::from_1904(m.creation),
        location: m.location.clone(),
        notes: m.notes.clone(),
        ..Default::default()
    };
    // Per-track durations.
    let track_secs = |t: &TrackFacts| -> Option<f64> {
        let frag = f.ticks.get(&t.id).copied().unwrap_or(0);
        if frag > 0 {
            return secs(t.media_duration.saturating_add(frag), t.timescale)
                .or_else(|| secs(t.total_delta.saturating_add(frag), t.timescale));
        }
        if let Some(e) = t.edit_duration {
            if m.timescale > 0 {
                return secs(e, m.timescale);
            }
        }
        if t.media_duration > 0 {
            secs(t.media_duration, t.timescale)
        } else {
            secs(t.total_delta, t.timescale)
        }
    };
    let media_secs = |t: &TrackFacts| -> Option<f64> {
        let frag = f.ticks.get(&t.id).copied().unwrap_or(0);
        let ticks = if t.total_delta > 0 {
            t.total_delta
        } else {
            t.media_duration
        };
        secs(ticks.saturating_add(frag), t.timescale).filter(|s| *s > 0.0)
    };
    let bitrate = |t: &TrackFacts| -> Option<u64> {
        let bytes = t
            .total_bytes
            .saturating_add(f.bytes.get(&t.id).copied().unwrap_or(0));
        let s = media_secs(t)?;
        if bytes == 0 {
            return None;
        }
        Some((bytes as f64 * 8.0 / s).round() as u64)
    };
    // Fragments summed in full beat `mehd` (which encoders get wrong: mp4ff's
    // vvc_400kbps_2s.mp4 declares 10.96 s for 2 s of samples, as ffprobe agrees);
    // `mehd` stands in only when the walk gave up.
    let mv = if m.duration > 0 && m.duration != u64::from(u32::MAX) && m.duration != u64::MAX {
        secs(m.duration, m.timescale)
    } else {
        None
    };
    let longest = m
        .tracks
        .iter()
        .filter_map(track_secs)
        .fold(None, |a: Option<f64>, s| Some(a.map_or(s, |a| a.max(s))));
    let any_frag = !f.ticks.is_empty();
    let mehd = m.mehd.and_then(|d| secs(d, m.timescale));
    let movie = match (mv, longest) {
        _ if !f.complete && mehd.is_some() => mehd,
        (Some(a), Some(b)) if any_frag => Some(a.max(b)),
        (Some(a), _) => Some(a),
        (None, b) => b.or(mehd),
    };
    info.duration_s = movie.filter(|d| d.is_finite() && *d >= 0.0);
    if m.has_mvex && !f.complete {
        info.notes
            .push("duration is a lower bound: not every fragment was summed".into());
    }
    let pick = |h: &[u8; 4]| {
        m.tracks
            .iter()
            .filter(|t| &t.handler == h && !t.codec.is_empty())
            .max_by_key(|t| (t.enabled, std::cmp::Reverse(t.id)))
    };
    if let Some(t) = pick(b"vide") {
        let rot = rotation(t.matrix);
        let (ph, pv) = t.par;
        let dw = if pv > 0 {
            ((u64::from(t.width) * u64::from(ph) + u64::from(pv) / 2) / u64::from(pv)) as u32
        } else {
            t.width
        };
        let (dw, dh) = if rot == 90 || rot == 270 {
            (t.height, dw)
        } else {
            (dw, t.height)
        };
        let frames = t
            .sample_count
            .saturating_add(f.samples.get(&t.id).copied().unwrap_or(0));
        let frame_rate = media_secs(t)
            .filter(|_| frames > 1)
            .map(|s| frames as f64 / s)
            .filter(|r| r.is_finite() && *r > 0.0);
        info.video = Some(VideoInfo {
            codec: t.codec.clone(),
            width: t.width,
            height: t.height,
            display_width: dw,
            display_height: dh,
            rotation: rot,
            pixel_aspect: format!("{ph}:{pv}"),
            frame_rate: frame_rate.map(|r| (r * 1000.0).round() / 1000.0),
            bitrate_bps: bitrate(t),
            duration_s: track_secs(t),
        });
    }
    if let Some(t) = pick(b"soun") {
        info.audio = Some(AudioInfo {
            codec: t.codec.clone(),
            channels: t.channels.filter(|&c| c > 0),
            sample_rate: t.sample_rate.filter(|&r| r > 0),
            bitrate_bps: bitrate(t),
            duration_s: track_secs(t),
        });
    }
    let _ = file_size;
    info
}
