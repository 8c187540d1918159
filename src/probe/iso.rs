//! The one module that talks to `mp4-atom` (pinned, pre-1.0): it turns the
//! crate's boxes into our own plain facts, and derives every number
//! (duration with edit lists, frame rate from `stts`, bitrate from `stsz`,
//! rotation from the matrix, display size) with checked arithmetic.

use std::collections::BTreeMap;

use mp4_atom::{
    Codec, Decode, Elst, Hdlr, Mdhd, Mehd, Mvhd, Stsd, Stsz, StszSamples, Stts, Tfhd, Tkhd, Trex,
    Trun, TrunSamples,
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
                // Leaf by leaf: mp4-atom's container decoders recurse into
                // whatever boxes they meet, and a hostile file nests thousands.
                m.has_mvex = true;
                for (k, _, leaf) in children(b) {
                    match &k {
                        b"mehd" => match Mehd::decode(&mut &leaf[..]) {
                            Ok(h) => m.mehd = Some(h.fragment_duration).filter(|&d| d > 0),
                            Err(e) => m.notes.push(format!("mehd unreadable: {e}")),
                        },
                        b"trex" => match Trex::decode(&mut &leaf[..]) {
                            Ok(t) => {
                                m.trex.insert(t.track_id, t.default_sample_duration);
                            }
                            Err(e) => m.notes.push(format!("trex unreadable: {e}")),
                        },
                        _ => {}
                    }
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
        // All ones means "unknown" (fragmented files write it): not 39 hours.
        media_duration: if mdhd.duration == u64::from(u32::MAX) || mdhd.duration == u64::MAX {
            0
        } else {
            mdhd.duration
        },
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
    check_chunk_index(
        leaf(b"stsc"),
        leaf(b"stco").or_else(|| leaf(b"co64")),
        &mut t,
    );
    let first = leaf(b"stsd")
        .and_then(|stsd| stsd.get(16..))
        .and_then(|entries| children(entries).next());
    if let Some((kind, body, _)) = first {
        // An encrypted entry (`encv`/`enca`) keeps the real format in
        // `sinf/frma`: read it as that format, noting the scheme.
        let kind = unprotected_kind(&kind, body, &mut t).unwrap_or(kind);
        let decoded = match decodable_entry(&kind, body) {
            Some(stsd) => Stsd::decode(&mut &stsd[..]).map_err(|e| Some(e.to_string())),
            None => Err(None),
        };
        match decoded {
            Ok(s) => {
                if let Some(codec) = s.codecs.first() {
                    describe_codec(codec, &mut t);
                }
            }
            Err(e) => {
                // The raw first sample entry: its type, size and what else
                // we can read ourselves.
                if let Some(e) = e {
                    t.notes.push(format!("stsd: {e}"));
                }
                raw_sample_entry(&kind, body, &mut t);
                t.codec = codec_name_for(&kind);
                raw_codec_details(&kind, body, &mut t);
                if let Some(p) = raw_pasp(body) {
                    t.par = reduce(p);
                }
            }
        }
    }
    Ok(t)
}

/// Sample entries mp4-atom reads for us, with their child boxes at 78.
const VISUAL_ENTRIES: &[&[u8; 4]] = &[
    b"avc1", b"avc3", b"hvc1", b"hev1", b"av01", b"vp08", b"vp09", b"jpeg", b"uncv",
];
/// … and with their child boxes after the sound fields.
const AUDIO_ENTRIES: &[&[u8; 4]] = &[
    b"mp4a", b".mp3", b"Opus", b"fLaC", b"ac-3", b"ec-3", b"sowt", b"twos", b"samr", b"lpcm",
    b"in24", b"in32", b"fl32", b"fl64", b"s16l", b"ipcm", b"fpcm",
];
/// Child boxes worth handing to mp4-atom: configurations it needs and
/// leaves we use. Anything else (mp4-atom decodes whatever box it knows,
/// wherever it meets it: thousands nested overflow the stack, a hostile
/// `sgpd` loops 2^32 times) stays out.
const ENTRY_CHILDREN: &[&[u8; 4]] = &[
    b"avcC", b"hvcC", b"av1C", b"vpcC", b"pasp", b"btrt", b"colr", b"fiel", b"taic", b"ccst",
    b"esds", b"wave", b"dOps", b"dfLa", b"dac3", b"dec3", b"damr", b"chnl", b"pcmC", b"cmpd",
    b"uncC",
];

/// A one-entry `stsd` for mp4-atom holding the first sample entry (as `kind`)
/// with only the children in [`ENTRY_CHILDREN`]; `None` for entries we read raw.
fn decodable_entry(kind: &[u8; 4], body: &[u8]) -> Option<Vec<u8>> {
    let at = if VISUAL_ENTRIES.contains(&kind) {
        78
    } else if AUDIO_ENTRIES.contains(&kind) {
        entry_children_at(b"soun", body)
    } else {
        return None;
    };
    let fixed = body.get(..at)?;
    let mut entry = Vec::with_capacity(body.len() + 8);
    entry.extend_from_slice(&[0; 4]);
    entry.extend_from_slice(kind);
    entry.extend_from_slice(fixed);
    for (k, b, whole) in children(&body[at..]) {
        // mp4-atom decodes nested MPEG-4 descriptors recursively too.
        let safe = match &k {
            b"esds" => esds_shallow(b),
            b"wave" => children(b).all(|(k, b, _)| &k != b"esds" || esds_shallow(b)),
            _ => true,
        };
        if ENTRY_CHILDREN.contains(&&k) && safe {
            entry.extend_from_slice(whole);
        }
    }
    let len = u32::try_from(entry.len()).ok()?;
    entry[0..4].copy_from_slice(&len.to_be_bytes());
    let mut stsd = Vec::with_capacity(entry.len() + 16);
    stsd.extend_from_slice(&len.checked_add(16)?.to_be_bytes());
    stsd.extend_from_slice(b"stsd");
    stsd.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 1]);
    stsd.extend_from_slice(&entry);
    Some(stsd)
}

fn be32_at(b: &[u8], i: usize) -> Option<u32> {
    let s = b.get(i..i.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// `stsc` against `stco`/`co64` (whole boxes): the last run `stsc` starts must
/// start at a chunk that exists, as ffmpeg demands ("contradictionary STSC and
/// STCO" fails the whole file). Also records the largest chunk offset.
fn check_chunk_index(stsc: Option<&[u8]>, stco: Option<&[u8]>, t: &mut TrackFacts) {
    let Some(stco) = stco else { return };
    let wide = stco.get(4..8) == Some(b"co64");
    let width = if wide { 8usize } else { 4 };
    let declared = be32_at(stco, 12).unwrap_or(0) as usize;
    let chunks = declared.min(stco.len().saturating_sub(16) / width);
    let mut max = None::<u64>;
    for i in 0..chunks {
        let at = 16 + i * width;
        let off = if wide {
            be32_at(stco, at)
                .zip(be32_at(stco, at + 4))
                .map(|(h, l)| (u64::from(h) << 32) | u64::from(l))
        } else {
            be32_at(stco, at).map(u64::from)
        };
        if let Some(o) = off {
            max = Some(max.map_or(o, |m: u64| m.max(o)));
        }
    }
    t.max_chunk_offset = max;
    let Some(stsc) = stsc else { return };
    let declared = be32_at(stsc, 12).unwrap_or(0) as usize;
    let entries = declared.min(stsc.len().saturating_sub(16) / 12);
    if chunks == 0 || entries == 0 {
        return;
    }
    // Like ffmpeg, drop trailing runs of zero samples per chunk first.
    let mut last = entries - 1;
    while last > 0 && be32_at(stsc, 16 + last * 12 + 4) == Some(0) {
        last -= 1;
    }
    let last_first = be32_at(stsc, 16 + last * 12).unwrap_or(0);
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
    if let Some((_, sinf, _)) = children(kids).find(|(k, _, _)| k == b"sinf") {
        for (k, b, _) in children(sinf) {
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
    let config = children(kids)
        .find(|(k, _, _)| k == b"esds")
        .and_then(|(_, b, _)| esds_config(b));
    match kind {
        b"mp4a" => {
            if let Some((oti, _)) = config {
                t.codec = mp4a_codec_name(oti).into();
            }
        }
        b"mp4v" => {
            // `pasp` (applied by the caller) overrides the VOL, as in ffmpeg.
            if let Some(p) = config.and_then(|(_, dsi)| vol_par(dsi)) {
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

/// One MPEG-4 descriptor at the start of `b`: (tag, body, rest).
fn descriptor(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
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
    Some((tag, &b[i..end], &b[end..]))
}

/// Whether the descriptors in an `esds` body nest no deeper than a real
/// one's (ES_Descriptor > DecoderConfigDescriptor > DecoderSpecificInfo).
/// Iterative: thousands of levels cost no stack here.
fn esds_shallow(esds: &[u8]) -> bool {
    let mut stack: Vec<(&[u8], usize)> = vec![(esds.get(4..).unwrap_or(&[]), 0)];
    while let Some((mut b, depth)) = stack.pop() {
        while let Some((tag, body, rest)) = descriptor(b) {
            // Only ES_Descriptor (3) and DecoderConfigDescriptor (4) hold
            // descriptors, after their fixed fields.
            let fixed = match tag {
                3 => es_fixed_len(body),
                4 => Some(13),
                _ => None,
            };
            if let Some(fixed) = fixed {
                if depth >= 4 {
                    return false;
                }
                stack.push((body.get(fixed..).unwrap_or(&[]), depth + 1));
            }
            b = rest;
        }
    }
    true
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

/// (objectTypeIndication, DecoderSpecificInfo) from an `esds` body.
fn esds_config(esds: &[u8]) -> Option<(u8, &[u8])> {
    let (tag, es, _) = descriptor(esds.get(4..)?)?;
    if tag != 0x03 {
        return None;
    }
    let mut rest = es.get(es_fixed_len(es)?..)?;
    while !rest.is_empty() {
        let (tag, body, next) = descriptor(rest)?;
        if tag == 0x04 {
            let oti = *body.first()?;
            let dsi = body
                .get(13..)
                .and_then(descriptor)
                .filter(|(t, _, _)| *t == 0x05)
                .map(|(_, d, _)| d)
                .unwrap_or(&[]);
            return Some((oti, dsi));
        }
        rest = next;
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

/// Big-endian bit reader with Exp-Golomb codes.
struct BitReader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> BitReader<'a> {
    fn new(b: &'a [u8]) -> Self {
        BitReader { b, pos: 0 }
    }

    fn bits(&mut self, n: u32) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            let byte = *self.b.get(self.pos / 8)?;
            v = (v << 1) | u32::from((byte >> (7 - (self.pos % 8))) & 1);
            self.pos += 1;
        }
        Some(v)
    }

    fn ue(&mut self) -> Option<u32> {
        let mut zeros = 0;
        while self.bits(1)? == 0 {
            zeros += 1;
            if zeros > 31 {
                return None;
            }
        }
        let rest = u64::from(self.bits(zeros)?);
        u32::try_from((1u64 << zeros) - 1 + rest).ok()
    }

    fn se(&mut self) -> Option<i64> {
        let k = i64::from(self.ue()?);
        Some(if k % 2 == 1 { (k + 1) / 2 } else { -(k / 2) })
    }
}

/// The picture size an H.264 SPS (NAL header included) codes, after
/// cropping: what decoders, and so ffprobe, report.
// h264.rs reads the same SPS for its SAR; the two could share one reader.
fn sps_size(nal: &[u8]) -> Option<(u32, u32)> {
    let mut rbsp = Vec::with_capacity(nal.len().min(512));
    let mut zeros = 0;
    for &c in nal.iter().skip(1).take(512) {
        if zeros >= 2 && c == 3 {
            zeros = 0;
            continue;
        }
        zeros = if c == 0 { zeros + 1 } else { 0 };
        rbsp.push(c);
    }
    let mut r = BitReader::new(&rbsp);
    let profile = r.bits(8)?;
    r.bits(16)?; // constraint flags + level
    r.ue()?; // sps id
    let mut chroma = 1;
    let mut separate_planes = false;
    if matches!(
        profile,
        100 | 110 | 122 | 244 | 44 | 83 | 86 | 118 | 128 | 138 | 139 | 134 | 135
    ) {
        chroma = r.ue()?;
        if chroma == 3 {
            separate_planes = r.bits(1)? == 1;
        }
        r.ue()?; // bit depth luma
        r.ue()?; // bit depth chroma
        r.bits(1)?; // qpprime bypass
        if r.bits(1)? == 1 {
            let lists = if chroma == 3 { 12 } else { 8 };
            for i in 0..lists {
                if r.bits(1)? == 1 {
                    let size = if i < 6 { 16 } else { 64 };
                    let (mut last, mut next) = (8i64, 8i64);
                    for _ in 0..size {
                        if next != 0 {
                            next = (last + r.se()? + 256).rem_euclid(256);
                        }
                        if next != 0 {
                            last = next;
                        }
                    }
                }
            }
        }
    }
    r.ue()?; // log2_max_frame_num
    match r.ue()? {
        0 => {
            r.ue()?;
        }
        1 => {
            r.bits(1)?;
            r.se()?;
            r.se()?;
            let n = r.ue()?;
            if n > 255 {
                return None;
            }
            for _ in 0..n {
                r.se()?;
            }
        }
        _ => {}
    }
    r.ue()?; // max refs
    r.bits(1)?; // gaps allowed
    let w_mbs = u64::from(r.ue()?) + 1;
    let h_units = u64::from(r.ue()?) + 1;
    let frame_mbs_only = r.bits(1)?;
    if frame_mbs_only == 0 {
        r.bits(1)?; // mb_adaptive_frame_field
    }
    r.bits(1)?; // direct_8x8_inference
    let (mut cl, mut cr, mut ct, mut cb) = (0u64, 0u64, 0u64, 0u64);
    if r.bits(1)? == 1 {
        cl = u64::from(r.ue()?);
        cr = u64::from(r.ue()?);
        ct = u64::from(r.ue()?);
        cb = u64::from(r.ue()?);
    }
    let (sub_w, sub_h) = match if separate_planes { 0 } else { chroma } {
        1 => (2, 2),
        2 => (2, 1),
        _ => (1, 1),
    };
    let field = 2 - u64::from(frame_mbs_only);
    let w = (w_mbs * 16).checked_sub(sub_w * (cl + cr))?;
    let h = (field * h_units * 16).checked_sub(sub_h * field * (ct + cb))?;
    let (w, h) = (u32::try_from(w).ok()?, u32::try_from(h).ok()?);
    (w > 0 && h > 0 && w <= 16_384 && h <= 16_384).then_some((w, h))
}

/// Trust the SPS over an `avc1` entry's width/height when they disagree, as
/// decoders do, except for "container cropping" (ffmpeg's rule): an entry
/// no larger than the SPS size and within the same macroblocks stands, as
/// GoPro's 854x480 in an 864x480 stream does.
fn sps_override(sps: &[Vec<u8>], t: &mut TrackFacts) {
    let Some((w, h)) = sps.first().and_then(|s| sps_size(s)) else {
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
        Codec::Avc1(c) => {
            sps_override(&c.avcc.sequence_parameter_sets, t);
            (
                "h264".into(),
                pasp_of(&c.pasp).or_else(|| sps_sar(&c.avcc.sequence_parameter_sets)),
            )
        }
        Codec::Avc3(c) => {
            sps_override(&c.avcc.sequence_parameter_sets, t);
            (
                "h264".into(),
                pasp_of(&c.pasp).or_else(|| sps_sar(&c.avcc.sequence_parameter_sets)),
            )
        }
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
            (mp4a_codec_name(dc.object_type_indication).into(), None)
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
            t.codec = codec_name_for(k);
            raw_codec_details(k, body, t);
            let name = std::mem::take(&mut t.codec);
            let par = raw_pasp(body).or((t.par != (1, 1)).then_some(t.par));
            (name, par)
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
/// Leaf by leaf (`tfhd`, `trun`), never through mp4-atom's recursive `Moof`.
pub fn moof_durations(data: &[u8], m: &MoovFacts) -> Vec<(u32, u64, u64, u64)> {
    let body = if data.get(0..4) == Some(&[0, 0, 0, 1]) {
        data.get(16..)
    } else {
        data.get(8..)
    };
    let mut out = Vec::new();
    for (_, traf, _) in children(body.unwrap_or(&[])).filter(|(k, _, _)| k == b"traf") {
        let mut tfhd = None;
        let mut truns = Vec::new();
        for (k, _, leaf) in children(traf) {
            match &k {
                b"tfhd" if tfhd.is_none() => tfhd = Tfhd::decode(&mut &leaf[..]).ok(),
                b"trun" => truns.extend(Trun::decode(&mut &leaf[..]).ok()),
                _ => {}
            }
        }
        let Some(tfhd) = tfhd else { continue };
        let id = tfhd.track_id;
        let default_dur = tfhd
            .default_sample_duration
            .or_else(|| m.trex.get(&id).copied())
            .unwrap_or(0);
        let default_size = tfhd.default_sample_size.unwrap_or(0);
        let (mut ticks, mut bytes, mut n) = (0u64, 0u64, 0u64);
        for trun in &truns {
            match &trun.samples {
                // No per-sample fields: every sample takes the defaults. Multiply
                // rather than count up to 2^32 samples one by one.
                TrunSamples::Inherited { count, .. } => {
                    let c = u64::from(*count);
                    ticks = ticks.saturating_add(c.saturating_mul(u64::from(default_dur)));
                    bytes = bytes.saturating_add(c.saturating_mul(u64::from(default_size)));
                    n = n.saturating_add(c);
                }
                TrunSamples::Explicit(entries) => {
                    for e in entries {
                        ticks = ticks.saturating_add(u64::from(e.duration.unwrap_or(default_dur)));
                        bytes = bytes.saturating_add(u64::from(e.size.unwrap_or(default_size)));
                        n = n.saturating_add(1);
                    }
                }
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
