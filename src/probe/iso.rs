//! From the `moov` (and `moof`s) to plain facts: tracks, codecs, sizes, and
//! every derived number (duration with edit lists, frame rate from `stts`,
//! bitrate from `stsz`, rotation from the matrix, display size) with checked
//! arithmetic. Leaf boxes are decoded by [`super::boxes`].

use std::collections::BTreeMap;

use super::boxes::{self, Child, RunSums, be32, child, children, fourcc};
use super::gps::{meta_location, udta_location};
use super::h264::BitReader;
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
    /// trex default sample size per track id.
    pub trex_size: BTreeMap<u32, u32>,
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
    pub matrix: boxes::Matrix,
    pub channels: Option<u32>,
    pub sample_rate: Option<u32>,
    /// The largest chunk offset in `stco`/`co64` (where the last sample data starts).
    pub max_chunk_offset: Option<u64>,
    /// A sample index that contradicts itself (ffmpeg refuses such files).
    pub index_error: Option<String>,
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
    let mut walked = 0usize;
    for Child {
        kind,
        body: b,
        whole,
    } in children(body)
    {
        walked = walked.saturating_add(whole.len());
        match &kind {
            b"mvhd" => match boxes::mvhd(whole) {
                Some(h) => {
                    m.timescale = h.timescale;
                    m.duration = h.duration;
                    m.creation = h.creation;
                    have_mvhd = true;
                }
                None => m.notes.push("mvhd unreadable".into()),
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
                // Leaf by leaf, never recursing into whatever a hostile file nests.
                m.has_mvex = true;
                for Child {
                    kind: k,
                    whole: leaf,
                    ..
                } in children(b)
                {
                    match &k {
                        b"mehd" => match boxes::mehd(leaf) {
                            Some(d) => m.mehd = Some(d).filter(|&d| d > 0),
                            None => m.notes.push("mehd unreadable".into()),
                        },
                        b"trex" => match boxes::trex(leaf) {
                            Some(t) => {
                                m.trex.insert(t.track_id, t.default_duration);
                                m.trex_size.insert(t.track_id, t.default_size);
                            }
                            None => m.notes.push("trex unreadable".into()),
                        },
                        _ => {}
                    }
                }
            }
            b"udta" if m.location.is_none() => {
                m.location = udta_location(b);
            }
            b"meta" if m.location.is_none() => {
                m.location = meta_location(b);
            }
            _ => {}
        }
    }
    if walked < body.len() {
        // children() stops at a box that claims more than is left of the moov.
        let kind = body
            .get(walked.saturating_add(4)..walked.saturating_add(8))
            .map(fourcc)
            .unwrap_or_else(|| "a box header".into());
        m.notes.push(format!(
            "{kind} at byte {walked} of the moov runs past the moov's end: the rest of the moov is unreadable"
        ));
    }
    if !have_mvhd && m.tracks.is_empty() {
        return Err(Error::corrupt("moov holds no movie header and no track"));
    }
    if let Some(t) = m.tracks.iter().find(|t| t.index_error.is_some()) {
        let why = t.index_error.as_deref().unwrap_or_default();
        return Err(Error::corrupt(&format!("track {}: {why}", t.id)));
    }
    Ok(m)
}

/// Find a child box by path, e.g. `["mdia", "minf", "stbl", "stsz"]`,
/// returning the whole box (header included).
fn find<'a>(body: &'a [u8], path: &[&[u8; 4]]) -> Option<&'a [u8]> {
    let (first, rest) = path.split_first()?;
    let c = child(body, first)?;
    if rest.is_empty() {
        Some(c.whole)
    } else {
        find(c.body, rest)
    }
}

/// Decode one `trak` box by box: each leaf (`tkhd`, `mdhd`, `hdlr`, `stsd`,
/// `stts`, `stsz`, `elst`) on its own, so one odd box costs one fact, not the
/// whole track. A track without `tkhd`, `mdhd` and `hdlr` is skipped.
fn parse_trak(body: &[u8]) -> Result<TrackFacts, String> {
    let tkhd = boxes::tkhd(find(body, &[b"tkhd"]).ok_or("no tkhd")?).ok_or("tkhd unreadable")?;
    let mdhd =
        boxes::mdhd(find(body, &[b"mdia", b"mdhd"]).ok_or("no mdhd")?).ok_or("mdhd unreadable")?;
    let handler =
        boxes::hdlr(find(body, &[b"mdia", b"hdlr"]).ok_or("no hdlr")?).ok_or("hdlr unreadable")?;
    let mut t = TrackFacts {
        id: tkhd.track_id,
        handler,
        enabled: tkhd.enabled,
        timescale: mdhd.timescale,
        // All ones means "unknown" (fragmented files write it): not 39 hours.
        media_duration: if mdhd.duration == u64::from(u32::MAX) || mdhd.duration == u64::MAX {
            0
        } else {
            mdhd.duration
        },
        par: (1, 1),
        matrix: tkhd.matrix,
        ..Default::default()
    };
    if let Some(sum) = find(body, &[b"edts", b"elst"]).and_then(boxes::elst) {
        t.edit_duration = (sum > 0).then_some(sum);
    }
    let leaf = |k: &[u8; 4]| find(body, &[b"mdia", b"minf", b"stbl", k]);
    match leaf(b"stts").map(boxes::stts) {
        Some(Some(times)) => {
            t.sample_count = times.samples;
            t.total_delta = times.ticks;
        }
        Some(None) => t.notes.push("stts unreadable".into()),
        None => {}
    }
    match leaf(b"stsz").or_else(|| leaf(b"stz2")).map(boxes::stsz) {
        Some(Some(bytes)) => t.total_bytes = bytes,
        Some(None) => t.notes.push("stsz unreadable".into()),
        None => {}
    }
    check_chunk_index(
        leaf(b"stsc"),
        leaf(b"stco").or_else(|| leaf(b"co64")),
        &mut t,
    );
    let first = leaf(b"stsd")
        .and_then(|stsd| stsd.get(16..))
        .and_then(|entries| children(entries).next());
    // The fixed fields of a visual (78 bytes) or sound (28 bytes) sample
    // entry: shorter, it cannot say the picture size or the sound format,
    // and the track is left out as one without a description.
    let fixed = match &handler {
        b"vide" => 78,
        b"soun" => 28,
        _ => 0,
    };
    if let Some(Child { kind, body, .. }) = first.filter(|c| c.body.len() < fixed) {
        t.notes.push(format!(
            "the sample entry {} of {} bytes is too short to describe the track",
            fourcc(&kind),
            body.len().saturating_add(8)
        ));
    } else if let Some(Child { kind, body, .. }) = first {
        // An encrypted entry (`encv`/`enca`) keeps the real format in
        // `sinf/frma`: read it as that format, noting the scheme.
        let kind = unprotected_kind(&kind, body, &mut t).unwrap_or(kind);
        describe_entry(&kind, body, &mut t);
    }
    Ok(t)
}

/// What the first sample entry says: the codec by its type, the size or the
/// sound fields, and what its configuration boxes add (the H.264 SPS's size
/// and pixel aspect, the AAC config's channels and rate, `pasp`).
fn describe_entry(kind: &[u8; 4], body: &[u8], t: &mut TrackFacts) {
    raw_sample_entry(kind, body, t);
    t.codec = codec_name_for(kind);
    let kids = body
        .get(entry_children_at(&t.handler, body)..)
        .unwrap_or(&[]);
    match kind {
        b"avc1" | b"avc3" => {
            if let Some(avcc) = child(kids, b"avcC") {
                let sps = boxes::avcc_sps(avcc.body);
                sps_override(&sps, t);
                if let Some(p) = sps
                    .first()
                    .and_then(|s| super::h264::parse(s))
                    .and_then(|s| s.sar)
                {
                    t.par = reduce(p);
                }
            }
        }
        b"mp4a" => {
            // The esds sits in the entry, or in QuickTime's `wave` inside it.
            let esds = child(kids, b"esds")
                .or_else(|| child(child(kids, b"wave")?.body, b"esds"))
                .map(|c| c.body);
            if let Some(es) = esds.and_then(esds_config) {
                t.codec = mp4a_codec_name(es.object_type).into();
                if matches!(es.object_type, 0x40 | 0x66 | 0x67 | 0x68)
                    && let Some(asc) = boxes::audio_specific_config(es.specific)
                {
                    if asc.channels > 0 {
                        t.channels = Some(asc.channels);
                    }
                    t.sample_rate = Some(asc.sample_rate);
                }
            }
        }
        // The sound sample entry's `channelcount` is a template field
        // (ISO/IEC 14496-12 §12.2.3: 2) that ffmpeg's MP4 muxer writes as 2
        // whatever the stream: Dolby and Opus tracks take the count from their
        // own configuration, and without one the count is unknown.
        // In a MOV the configuration sits in QuickTime's `wave` box.
        b"ac-3" => {
            let dac3 = entry_or_wave_child(kids, b"dac3").and_then(boxes::dac3);
            t.channels = dac3.map(|d| d.channels());
        }
        b"ec-3" => {
            let dec3 = entry_or_wave_child(kids, b"dec3").and_then(boxes::dec3);
            t.channels = dec3.map(|d| d.first.channels());
        }
        b"Opus" => {
            let dops = child(kids, b"dOps").and_then(|c| boxes::dops(c.whole));
            t.channels = dops.map(|d| u32::from(d.output_channel_count));
            t.sample_rate = Some(48_000);
        }
        _ => {}
    }
    raw_codec_details(kind, body, t);
    // A QuickTime sound description of version 1 (a MOV's) carries the
    // real count; version 0 (an MP4's) the template.
    let quicktime_v1 = body.get(8..10) == Some(&[0, 1]);
    if t.codec == "mp3" && !quicktime_v1 {
        // MP3 has no configuration box: only its frame headers say mono or
        // stereo, and the probe does not read media data.
        t.channels = None;
    }
    if let Some(p) = raw_pasp(body) {
        t.par = reduce(p);
    }
}

/// The whole `kind` box among a sample entry's children, or inside its
/// QuickTime `wave` child.
fn entry_or_wave_child<'a>(kids: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    child(kids, kind)
        .or_else(|| child(child(kids, b"wave")?.body, kind))
        .map(|c| c.whole)
}

/// `stsc` against `stco`/`co64` (whole boxes): the last run `stsc` starts must
/// start at a chunk that exists, as ffmpeg demands ("contradictionary STSC and
/// STCO" fails the whole file). Also records the largest chunk offset.
fn check_chunk_index(stsc: Option<&[u8]>, stco: Option<&[u8]>, t: &mut TrackFacts) {
    let Some(stco) = stco else { return };
    let wide = stco.get(4..8) == Some(b"co64");
    let width = if wide { 8usize } else { 4 };
    let declared = be32(stco, 12).unwrap_or(0) as usize;
    let chunks = declared.min(stco.len().saturating_sub(16) / width);
    let mut max = None::<u64>;
    for i in 0..chunks {
        let at = 16 + i * width;
        let off = if wide {
            be32(stco, at)
                .zip(be32(stco, at + 4))
                .map(|(h, l)| (u64::from(h) << 32) | u64::from(l))
        } else {
            be32(stco, at).map(u64::from)
        };
        if let Some(o) = off {
            max = Some(max.map_or(o, |m: u64| m.max(o)));
        }
    }
    t.max_chunk_offset = max;
    let Some(stsc) = stsc else { return };
    let declared = be32(stsc, 12).unwrap_or(0) as usize;
    let entries = declared.min(stsc.len().saturating_sub(16) / 12);
    if chunks == 0 || entries == 0 {
        return;
    }
    // Like ffmpeg, drop trailing runs of zero samples per chunk first.
    let mut last = entries - 1;
    while last > 0 && be32(stsc, 16 + last * 12 + 4) == Some(0) {
        last -= 1;
    }
    let last_first = be32(stsc, 16 + last * 12).unwrap_or(0);
    if u64::from(last_first) > chunks as u64 {
        t.index_error = Some(format!(
            "the sample-to-chunk table (stsc) points at chunk {last_first} of {chunks}"
        ));
    }
}

/// Where a sample entry's child boxes start in its body.
fn entry_children_at(handler: &[u8; 4], body: &[u8]) -> usize {
    if handler == b"soun" {
        // Sound sample entry: version 1 (QuickTime) adds 16 bytes, version 2 adds 36.
        match body.get(8..10) {
            Some([0, 1]) => 44,
            Some([0, 2]) => 64,
            _ => 28,
        }
    } else {
        78
    }
}

/// For an `encv`/`enca` sample entry, the original format from `sinf/frma`
/// (and a note that the track is encrypted).
fn unprotected_kind(kind: &[u8; 4], body: &[u8], t: &mut TrackFacts) -> Option<[u8; 4]> {
    let handler = match kind {
        b"encv" => *b"vide",
        b"enca" => *b"soun",
        _ => return None,
    };
    let mut original = None;
    let mut scheme = String::from("unknown scheme");
    let kids = body.get(entry_children_at(&handler, body)..).unwrap_or(&[]);
    if let Some(sinf) = child(kids, b"sinf") {
        for Child {
            kind: k, body: b, ..
        } in children(sinf.body)
        {
            match &k {
                b"frma" => original = b.get(0..4).map(|f| [f[0], f[1], f[2], f[3]]),
                b"schm" => {
                    if let Some(s) = b.get(4..8) {
                        scheme = format!("scheme {}", fourcc(s));
                    }
                }
                _ => {}
            }
        }
    }
    t.notes.push(format!(
        "encrypted (DRM, {scheme}): it will not play without the key"
    ));
    original
}

/// What the raw fallback can still tell: the codec from an `esds`, the pixel
/// aspect from an MPEG-4 Part 2 VOL header or from H.263's standard formats.
fn raw_codec_details(kind: &[u8; 4], body: &[u8], t: &mut TrackFacts) {
    let kids = body
        .get(entry_children_at(&t.handler, body)..)
        .unwrap_or(&[]);
    let config = child(kids, b"esds").and_then(|c| esds_config(c.body));
    match kind {
        b"mp4a" => {
            if let Some(es) = config {
                t.codec = mp4a_codec_name(es.object_type).into();
            }
        }
        b"mp4v" => {
            // `pasp` (applied by the caller) overrides the VOL, as in ffmpeg.
            if let Some(p) = config.and_then(|es| vol_par(es.specific)) {
                t.par = reduce(p);
            }
        }
        b"s263" | b"h263" => {
            // H.263's standard source formats (sub-QCIF … 16CIF) have 12:11
            // pixels by definition (CIF is a 4:3 picture); `pasp` overrides.
            let standard = matches!(
                (t.width, t.height),
                (128, 96) | (176, 144) | (352, 288) | (704, 576) | (1408, 1152)
            );
            if standard && raw_pasp(body).is_none() {
                t.par = (12, 11);
            }
        }
        _ => {}
    }
}

/// ffprobe's name for an `esds` objectTypeIndication.
fn mp4a_codec_name(oti: u8) -> &'static str {
    match oti {
        0x69 | 0x6B => "mp3",
        0x40 | 0x66 | 0x67 | 0x68 => "aac",
        0xA5 => "ac3",
        0xA6 => "eac3",
        0xA9 => "dts",
        0xAD => "opus",
        _ => "aac",
    }
}

/// One MPEG-4 descriptor, and the bytes after it.
struct Descriptor<'a> {
    tag: u8,
    body: &'a [u8],
    rest: &'a [u8],
}

/// The MPEG-4 descriptor at the start of `b`.
fn descriptor(b: &[u8]) -> Option<Descriptor<'_>> {
    let tag = *b.first()?;
    let mut len = 0usize;
    let mut i = 1;
    loop {
        let c = *b.get(i)?;
        len = (len << 7) | usize::from(c & 0x7F);
        i += 1;
        if c & 0x80 == 0 || i > 4 {
            break;
        }
    }
    let end = i.checked_add(len)?.min(b.len());
    Some(Descriptor {
        tag,
        body: &b[i..end],
        rest: &b[end..],
    })
}

/// The fixed fields of an ES_Descriptor body: ES_ID, flags, and what the
/// flags add.
fn es_fixed_len(es: &[u8]) -> Option<usize> {
    let flags = *es.get(2)?;
    let mut p = 3usize;
    if flags & 0x80 != 0 {
        p += 2;
    }
    if flags & 0x40 != 0 {
        p += 1 + usize::from(*es.get(p)?);
    }
    if flags & 0x20 != 0 {
        p += 2;
    }
    Some(p)
}

/// What an `esds` says of its stream's decoder.
#[derive(Clone, Copy)]
struct EsConfig<'a> {
    /// The objectTypeIndication (0x40 MPEG-4 audio, 0x69 MP3, …).
    object_type: u8,
    /// The DecoderSpecificInfo (empty when absent).
    specific: &'a [u8],
}

/// The decoder config of an `esds` body.
fn esds_config(esds: &[u8]) -> Option<EsConfig<'_>> {
    let es = descriptor(esds.get(4..)?)?;
    if es.tag != 0x03 {
        return None;
    }
    let mut rest = es.body.get(es_fixed_len(es.body)?..)?;
    while !rest.is_empty() {
        let d = descriptor(rest)?;
        if d.tag == 0x04 {
            let object_type = *d.body.first()?;
            let specific = d
                .body
                .get(13..)
                .and_then(descriptor)
                .filter(|s| s.tag == 0x05)
                .map_or(&[][..], |s| s.body);
            return Some(EsConfig {
                object_type,
                specific,
            });
        }
        rest = d.rest;
    }
    None
}

/// Pixel aspect from an MPEG-4 Part 2 video object layer header in the
/// DecoderSpecificInfo: `aspect_ratio_info` (ISO/IEC 14496-2, table 6-12).
fn vol_par(dsi: &[u8]) -> Option<(u32, u32)> {
    let at = dsi
        .windows(4)
        .position(|w| w[0] == 0 && w[1] == 0 && w[2] == 1 && (0x20..=0x2F).contains(&w[3]))?;
    let mut r = BitReader::new(dsi.get(at + 4..)?);
    r.bits(1)?; // random_accessible_vol
    r.bits(8)?; // video_object_type_indication
    if r.bits(1)? == 1 {
        r.bits(7)?; // is_object_layer_identifier: verid + priority
    }
    match r.bits(4)? {
        1 => Some((1, 1)),
        2 => Some((12, 11)),
        3 => Some((10, 11)),
        4 => Some((16, 11)),
        5 => Some((40, 33)),
        15 => {
            let (w, h) = (r.bits(8)?, r.bits(8)?);
            (w > 0 && h > 0).then_some((w, h))
        }
        _ => None,
    }
}

/// Trust the SPS over an `avc1` entry's width/height when they disagree, as
/// decoders do, except for "container cropping" (ffmpeg's rule): an entry
/// no larger than the SPS size and within the same macroblocks stands, as
/// GoPro's 854x480 in an 864x480 stream does.
fn sps_override(sps: &[&[u8]], t: &mut TrackFacts) {
    let Some((w, h)) = sps
        .first()
        .and_then(|s| super::h264::parse(s))
        .map(|s| (s.width, s.height))
    else {
        return;
    };
    let mb = |v: u32| v.div_ceil(16);
    let container_crop =
        mb(t.width) == mb(w) && mb(t.height) == mb(h) && t.width <= w && t.height <= h;
    if !container_crop {
        t.notes.push(format!(
            "sample entry says {}x{}, the H.264 stream says {w}x{h}: using the stream's",
            t.width, t.height
        ));
        t.width = w;
        t.height = h;
    }
}

/// ffprobe's name for a sample entry type.
fn codec_name_for(k: &[u8; 4]) -> String {
    match k {
        b"avc1" | b"avc3" => "h264",
        b"hvc1" | b"hev1" => "hevc",
        b"av01" => "av1",
        b"vp09" => "vp9",
        b"vp08" => "vp8",
        b"mp4a" => "aac",
        b"Opus" => "opus",
        b"fLaC" => "flac",
        b"ac-3" => "ac3",
        b"ec-3" => "eac3",
        b"samr" => "amr_nb",
        b"sowt" => "pcm_s16le",
        b"twos" => "pcm_s16be",
        b"tx3g" => "mov_text",
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
        // QuickTime's MP3 entry (0x2E6D7033), which ffmpeg's MOV muxer writes.
        b".mp3" => "mp3",
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
    for Child { kind, body: b, .. } in children(body.get(78..)?) {
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
pub fn rotation(m: boxes::Matrix) -> u32 {
    let deg = f64::from(m.b).atan2(f64::from(m.a)).to_degrees();

    ((deg / 90.0).round() as i64).rem_euclid(4) as u32 * 90
}

/// What one `traf` of a fragment adds to its track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrafSums {
    pub track_id: u32,
    /// The `tfdt`: when the fragment's first sample is decoded.
    pub base_time: Option<u64>,
    pub sums: RunSums,
}

/// What a `moof` adds, per `traf`, leaf by leaf.
pub fn moof_durations(data: &[u8], m: &MoovFacts) -> Vec<TrafSums> {
    let mut out = Vec::new();
    let body = boxes::body(data).unwrap_or(&[]);
    for traf in children(body).filter(|c| &c.kind == b"traf") {
        let Some(tfhd) = child(traf.body, b"tfhd").and_then(|c| boxes::tfhd(c.whole)) else {
            continue;
        };
        let id = tfhd.track_id;
        let default_dur = tfhd
            .default_duration
            .or_else(|| m.trex.get(&id).copied())
            .unwrap_or(0);
        let default_size = tfhd
            .default_size
            .or_else(|| m.trex_size.get(&id).copied())
            .unwrap_or(0);
        let mut sums = RunSums::default();
        for run in children(traf.body).filter(|c| &c.kind == b"trun") {
            if let Some(r) = boxes::trun(run.whole, default_dur, default_size) {
                sums.add(&r);
            }
        }
        let base_time = child(traf.body, b"tfdt").and_then(|c| boxes::tfdt(c.whole));
        out.push(TrafSums {
            track_id: id,
            base_time,
            sums,
        });
    }
    out
}

/// A track's duration: the moov's and the fragments' samples where it has
/// fragments, else its edit list, else its media duration.
fn track_secs(m: &MoovFacts, f: &Fragments<'_>, t: &TrackFacts) -> Option<f64> {
    let frag = f.ticks.get(&t.id).copied().unwrap_or(0);
    if frag > 0 {
        return secs(t.media_duration.saturating_add(frag), t.timescale)
            .or_else(|| secs(t.total_delta.saturating_add(frag), t.timescale));
    }
    if let Some(e) = t.edit_duration
        && m.timescale > 0
    {
        return secs(e, m.timescale);
    }
    if t.media_duration > 0 {
        secs(t.media_duration, t.timescale)
    } else {
        secs(t.total_delta, t.timescale)
    }
}

/// How long a track's samples last, edits aside.
fn media_secs(f: &Fragments<'_>, t: &TrackFacts) -> Option<f64> {
    let frag = f.ticks.get(&t.id).copied().unwrap_or(0);
    let ticks = if t.total_delta > 0 {
        t.total_delta
    } else {
        t.media_duration
    };
    secs(ticks.saturating_add(frag), t.timescale).filter(|s| *s > 0.0)
}

/// A track's sample bytes over its samples' duration.
fn bitrate(f: &Fragments<'_>, t: &TrackFacts) -> Option<u64> {
    let bytes = t
        .total_bytes
        .saturating_add(f.bytes.get(&t.id).copied().unwrap_or(0));
    let s = media_secs(f, t)?;
    if bytes == 0 {
        return None;
    }
    Some((bytes as f64 * 8.0 / s).round() as u64)
}

/// The video track's facts: size, display size after the pixel aspect and
/// the rotation, frame rate, bitrate, duration.
fn video_info(m: &MoovFacts, f: &Fragments<'_>, t: &TrackFacts) -> VideoInfo {
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
    let frame_rate = media_secs(f, t)
        .filter(|_| frames > 1)
        .map(|s| frames as f64 / s)
        .filter(|r| r.is_finite() && *r > 0.0);
    VideoInfo {
        codec: t.codec.clone(),
        width: t.width,
        height: t.height,
        display_width: dw,
        display_height: dh,
        rotation: rot,
        pixel_aspect: format!("{ph}:{pv}"),
        frame_rate: frame_rate.map(|r| (r * 1000.0).round() / 1000.0),
        bitrate_bps: bitrate(f, t),
        duration_s: track_secs(m, f, t),
    }
}

/// Turn moov facts (plus fragment sums) into the probe's report.
pub fn media_info(m: &MoovFacts, f: &Fragments<'_>, file_size: u64) -> MediaInfo {
    let mut info = MediaInfo {
        creation_time: super::time::from_1904(m.creation),
        location: m.location.clone(),
        notes: m.notes.clone(),
        ..Default::default()
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
        .filter_map(|t| track_secs(m, f, t))
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
        info.video = Some(video_info(m, f, t));
    }
    if let Some(t) = pick(b"soun") {
        info.audio = Some(AudioInfo {
            codec: t.codec.clone(),
            channels: t.channels.filter(|&c| c > 0),
            sample_rate: t.sample_rate.filter(|&r| r > 0),
            bitrate_bps: bitrate(f, t),
            duration_s: track_secs(m, f, t),
        });
    }
    for (h, what) in [(b"vide", "video"), (b"soun", "audio")] {
        let picked = pick(h);
        if picked.is_none() && m.tracks.iter().any(|t| &t.handler == h) {
            info.notes.push(format!(
                "the {what} track has no sample description (stsd): nothing can play it, \
                 so it is left out"
            ));
        }
        // Sample data the index places past the end: the file was cut short
        // after its index (or its data was stripped).
        if let Some(off) = picked
            .and_then(|t| t.max_chunk_offset)
            .filter(|&o| o >= file_size)
        {
            info.notes.push(format!(
                "the {what} data is indexed up to byte {off} but the file ends at byte \
                 {file_size}: the file is cut short"
            ));
        }
    }
    info
}
