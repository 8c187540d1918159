//! The ISO-BMFF box layer: a box body's children ([`children`], [`child`]),
//! a box type as text ([`fourcc`]), and bounded decoders for the leaf boxes
//! the probe needs: `mvhd`, `tkhd`, `mdhd`, `hdlr`, `elst`, `stts`,
//! `stsz`/`stz2`, `mehd`, `trex`, `tfhd`, `tfdt`, `trun`, the fragment
//! indexes `tfra` and `sidx`, a sample entry's `avcC`, and the audio configs
//! that carry the channel count (`dac3`, `dec3`, `dOps`). Each takes a whole
//! box (header included) and returns `None` on anything short or malformed,
//! and returns a named record, not a tuple. Every count read from the file is
//! bounded by the bytes actually present before it is used, so no table can
//! make us loop or allocate past the box. This module imports no other part
//! of the probe.
//!
//! These replace the `mp4-atom` crate, which the probe first used: it decoded
//! every box type and carried encoders too, and cost about 90 KB of the
//! browser payload's brotli budget (see BENCHMARKS.md); what we read is small
//! enough to own.

fn be16(b: &[u8], i: usize) -> Option<u16> {
    let s = b.get(i..i.checked_add(2)?)?;
    Some(u16::from_be_bytes([s[0], s[1]]))
}

pub fn be32(b: &[u8], i: usize) -> Option<u32> {
    let s = b.get(i..i.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

pub fn be64(b: &[u8], i: usize) -> Option<u64> {
    let s = b.get(i..i.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(u64::from_be_bytes(a))
}

/// The body of a whole box (after its 8- or 16-byte header).
pub fn body(whole: &[u8]) -> Option<&[u8]> {
    if be32(whole, 0)? == 1 {
        whole.get(16..)
    } else {
        whole.get(8..)
    }
}

/// One box among the children of a box body.
#[derive(Debug, Clone, Copy)]
pub struct Child<'a> {
    pub kind: [u8; 4],
    /// After the 8- or 16-byte header.
    pub body: &'a [u8],
    /// Header included.
    pub whole: &'a [u8],
}

/// Iterate the child boxes of a box body. Stops quietly at the first
/// malformed header.
pub fn children(buf: &[u8]) -> impl Iterator<Item = Child<'_>> {
    let mut pos = 0usize;
    std::iter::from_fn(move || {
        let rest = buf.get(pos..)?;
        let size32 = be32(rest, 0)?;
        let kind = rest.get(4..8)?;
        let kind = [kind[0], kind[1], kind[2], kind[3]];
        let (size, hl) = match size32 {
            0 => (rest.len() as u64, 8usize),
            1 => (be64(rest, 8)?, 16usize),
            s => (u64::from(s), 8usize),
        };
        let size = usize::try_from(size).ok()?;
        if size < hl || size > rest.len() {
            return None;
        }
        pos = pos.checked_add(size)?;
        Some(Child {
            kind,
            body: &rest[hl..size],
            whole: &rest[..size],
        })
    })
}

/// The first child box of type `kind` in a box body.
pub fn child<'a>(buf: &'a [u8], kind: &[u8; 4]) -> Option<Child<'a>> {
    children(buf).find(|c| &c.kind == kind)
}

/// A box type as text (`©` for 0xA9, `?` for any other byte that is not
/// printable ASCII).
pub fn fourcc(b: &[u8]) -> String {
    b.iter()
        .map(|&c| {
            if (0x20..0x7f).contains(&c) {
                c as char
            } else if c == 0xA9 {
                '©'
            } else {
                '?'
            }
        })
        .collect()
}

/// A full box: its version, its flags, and its body after them.
struct FullBox<'a> {
    version: u8,
    flags: u32,
    body: &'a [u8],
}

fn full(whole: &[u8]) -> Option<FullBox<'_>> {
    let b = body(whole)?;
    let version = *b.first()?;
    let flags =
        (u32::from(*b.get(1)?) << 16) | (u32::from(*b.get(2)?) << 8) | u32::from(*b.get(3)?);
    Some(FullBox {
        version,
        flags,
        body: b.get(4..)?,
    })
}

/// v0 reads 32-bit fields, v1 64-bit: (value, width).
fn field(b: &[u8], at: usize, v1: bool) -> Option<(u64, usize)> {
    if v1 {
        Some((be64(b, at)?, 8))
    } else {
        Some((u64::from(be32(b, at)?), 4))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mvhd {
    pub creation: u64,
    pub timescale: u32,
    pub duration: u64,
}

pub fn mvhd(whole: &[u8]) -> Option<Mvhd> {
    let FullBox {
        version: v,
        body: b,
        ..
    } = full(whole)?;
    let v1 = v == 1;
    let (creation, w) = field(b, 0, v1)?;
    let p = 2 * w; // creation + modification
    let timescale = be32(b, p)?;
    let (duration, _) = field(b, p + 4, v1)?;
    Some(Mvhd {
        creation,
        timescale,
        duration,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tkhd {
    pub track_id: u32,
    pub enabled: bool,
    pub matrix: Matrix,
}

/// The rotating part of a `tkhd` transformation matrix: its a, b, c, d
/// (16.16 fixed point).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Matrix {
    pub a: i32,
    pub b: i32,
    pub c: i32,
    pub d: i32,
}

pub fn tkhd(whole: &[u8]) -> Option<Tkhd> {
    let FullBox {
        version: v,
        flags,
        body: b,
    } = full(whole)?;
    let w = if v == 1 { 8 } else { 4 };
    let track_id = be32(b, 2 * w)?;
    // creation, modification, track_ID, reserved(4), duration, reserved(8),
    // layer(2), alternate_group(2), volume(2), reserved(2), matrix.
    let m = 2 * w + 4 + 4 + w + 8 + 8;
    let i = |k: usize| be32(b, m + 4 * k).map(|x| x as i32);
    Some(Tkhd {
        track_id,
        enabled: flags & 1 != 0,
        matrix: Matrix {
            a: i(0)?,
            b: i(1)?,
            c: i(3)?,
            d: i(4)?,
        },
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mdhd {
    pub timescale: u32,
    pub duration: u64,
}

pub fn mdhd(whole: &[u8]) -> Option<Mdhd> {
    let FullBox {
        version: v,
        body: b,
        ..
    } = full(whole)?;
    let v1 = v == 1;
    let w = if v1 { 8 } else { 4 };
    let timescale = be32(b, 2 * w)?;
    let (duration, _) = field(b, 2 * w + 4, v1)?;
    Some(Mdhd {
        timescale,
        duration,
    })
}

/// The handler type: `vide`, `soun`, …
pub fn hdlr(whole: &[u8]) -> Option<[u8; 4]> {
    let b = full(whole)?.body;
    let h = b.get(4..8)?;
    Some([h[0], h[1], h[2], h[3]])
}

/// An entry count, bounded by what `entry_size`-byte entries fit in `b` after `at`.
fn bounded(b: &[u8], declared: u32, at: usize, entry_size: usize) -> usize {
    let fit = b.len().saturating_sub(at) / entry_size.max(1);
    (declared as usize).min(fit)
}

/// Sum of the durations of the non-empty edits (movie timescale).
pub fn elst(whole: &[u8]) -> Option<u64> {
    let FullBox {
        version: v,
        body: b,
        ..
    } = full(whole)?;
    let v1 = v == 1;
    let size = if v1 { 20 } else { 12 };
    let n = bounded(b, be32(b, 0)?, 4, size);
    let mut sum = 0u64;
    for i in 0..n {
        let at = 4 + i * size;
        let (dur, w) = field(b, at, v1)?;
        let empty = if v1 {
            be64(b, at + w)? == u64::MAX
        } else {
            be32(b, at + w)? == u32::MAX
        };
        if !empty {
            sum = sum.saturating_add(dur);
        }
    }
    Some(sum)
}

/// What `stts` says of a track's samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleTimes {
    pub samples: u64,
    /// The total of their durations, in the track's timescale.
    pub ticks: u64,
}

/// The samples and the total of their durations from `stts`.
pub fn stts(whole: &[u8]) -> Option<SampleTimes> {
    let b = full(whole)?.body;
    let n = bounded(b, be32(b, 0)?, 4, 8);
    let (mut count, mut total) = (0u64, 0u64);
    for i in 0..n {
        let c = u64::from(be32(b, 4 + i * 8)?);
        let d = u64::from(be32(b, 8 + i * 8)?);
        count = count.saturating_add(c);
        total = total.saturating_add(c.saturating_mul(d));
    }
    Some(SampleTimes {
        samples: count,
        ticks: total,
    })
}

/// Total bytes of the samples from `stsz` or `stz2`.
pub fn stsz(whole: &[u8]) -> Option<u64> {
    let kind = whole.get(4..8)?;
    let b = full(whole)?.body;
    if kind == b"stz2" {
        let field_size = usize::from(*b.get(3)?);
        let declared = be32(b, 4)?;
        let bits_avail = b.len().saturating_sub(8).saturating_mul(8);
        let n = match field_size {
            4 | 8 | 16 => (declared as usize).min(bits_avail / field_size),
            _ => return None,
        };
        let mut sum = 0u64;
        for i in 0..n {
            let v = match field_size {
                4 => {
                    let byte = *b.get(8 + i / 2)?;
                    u64::from(if i % 2 == 0 { byte >> 4 } else { byte & 15 })
                }
                8 => u64::from(*b.get(8 + i)?),
                _ => u64::from(be16(b, 8 + 2 * i)?),
            };
            sum = sum.saturating_add(v);
        }
        return Some(sum);
    }
    let size = be32(b, 0)?;
    let declared = be32(b, 4)?;
    if size != 0 {
        return Some(u64::from(size).saturating_mul(u64::from(declared)));
    }
    let n = bounded(b, declared, 8, 4);
    let mut sum = 0u64;
    for i in 0..n {
        sum = sum.saturating_add(u64::from(be32(b, 8 + 4 * i)?));
    }
    Some(sum)
}

/// `mehd`: the fragmented movie's duration (movie timescale).
pub fn mehd(whole: &[u8]) -> Option<u64> {
    let FullBox {
        version: v,
        body: b,
        ..
    } = full(whole)?;
    field(b, 0, v == 1).map(|(d, _)| d)
}

/// `trex`: a track's defaults for the samples of its fragments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trex {
    pub track_id: u32,
    pub default_duration: u32,
    pub default_size: u32,
}

pub fn trex(whole: &[u8]) -> Option<Trex> {
    let b = full(whole)?.body;
    Some(Trex {
        track_id: be32(b, 0)?,
        default_duration: be32(b, 8)?,
        default_size: be32(b, 12)?,
    })
}

/// `tfhd`: the track a fragment's `traf` is for, and the defaults it sets
/// (over the `trex`'s) for its samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tfhd {
    pub track_id: u32,
    pub default_duration: Option<u32>,
    pub default_size: Option<u32>,
}

pub fn tfhd(whole: &[u8]) -> Option<Tfhd> {
    let FullBox { flags, body: b, .. } = full(whole)?;
    let id = be32(b, 0)?;
    let mut p = 4usize;
    if flags & 0x01 != 0 {
        p += 8; // base_data_offset
    }
    if flags & 0x02 != 0 {
        p += 4; // sample_description_index
    }
    let dur = if flags & 0x08 != 0 {
        let d = be32(b, p)?;
        p += 4;
        Some(d)
    } else {
        None
    };
    let size = if flags & 0x10 != 0 {
        Some(be32(b, p)?)
    } else {
        None
    };
    Some(Tfhd {
        track_id: id,
        default_duration: dur,
        default_size: size,
    })
}

/// What a `trun` (or a whole fragment) adds to a track.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunSums {
    pub samples: u64,
    /// The total of the samples' durations, in the track's timescale.
    pub ticks: u64,
    pub bytes: u64,
    /// The sample duration most samples have, and how many have it.
    pub common: SampleDuration,
}

/// A sample duration and how many samples have it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SampleDuration {
    pub ticks: u32,
    pub samples: u64,
}

impl RunSums {
    /// These sums and `other`'s together.
    pub fn add(&mut self, other: &RunSums) {
        self.samples = self.samples.saturating_add(other.samples);
        self.ticks = self.ticks.saturating_add(other.ticks);
        self.bytes = self.bytes.saturating_add(other.bytes);
        if other.common.samples > self.common.samples {
            self.common = other.common;
        }
    }
}

/// `trun`: its samples, their total duration and bytes, with the traf's
/// defaults for fields the run leaves out. A run without per-sample fields
/// multiplies rather than counting 2^32 samples one by one.
pub fn trun(whole: &[u8], default_dur: u32, default_size: u32) -> Option<RunSums> {
    let FullBox { flags, body: b, .. } = full(whole)?;
    let declared = be32(b, 0)?;
    let mut p = 4usize;
    if flags & 0x01 != 0 {
        p += 4; // data_offset
    }
    if flags & 0x04 != 0 {
        p += 4; // first_sample_flags
    }
    let has_dur = flags & 0x100 != 0;
    let has_size = flags & 0x200 != 0;
    let per = 4 * [0x100, 0x200, 0x400, 0x800]
        .iter()
        .filter(|f| flags & **f != 0)
        .count();
    if per == 0 {
        let c = u64::from(declared);
        return Some(RunSums {
            samples: c,
            ticks: c.saturating_mul(u64::from(default_dur)),
            bytes: c.saturating_mul(u64::from(default_size)),
            common: SampleDuration {
                ticks: default_dur,
                samples: c,
            },
        });
    }
    let n = bounded(b, declared, p, per);
    let (mut ticks, mut bytes) = (0u64, 0u64);
    // The first 8 distinct durations, counted (a fixed table: no allocation).
    let mut seen = [SampleDuration::default(); 8];
    for i in 0..n {
        let at = p + i * per;
        let dur = if has_dur { be32(b, at)? } else { default_dur };
        let size = if has_size {
            be32(b, at + if has_dur { 4 } else { 0 })?
        } else {
            default_size
        };
        ticks = ticks.saturating_add(u64::from(dur));
        bytes = bytes.saturating_add(u64::from(size));
        if let Some(d) = seen.iter_mut().find(|d| d.samples == 0 || d.ticks == dur) {
            d.ticks = dur;
            d.samples += 1;
        }
    }
    let common = seen
        .iter()
        .copied()
        .max_by_key(|d| d.samples)
        .unwrap_or_default();
    Some(RunSums {
        samples: n as u64,
        ticks,
        bytes,
        common,
    })
}

/// `tfdt`: the decode time of a fragment's first sample (track timescale).
pub fn tfdt(whole: &[u8]) -> Option<u64> {
    let FullBox {
        version: v,
        body: b,
        ..
    } = full(whole)?;
    field(b, 0, v == 1).map(|(t, _)| t)
}

/// What a `tfra` says of the last fragment it indexes: the one whose `moof`
/// starts furthest into the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TfraLast {
    pub track_id: u32,
    /// Presentation time of the sync sample the entry points at.
    pub time: u64,
    /// File offset of that fragment's `moof`.
    pub moof_offset: u64,
}

/// `tfra`: its entry with the largest `moof` offset. Entries are bounded by
/// the bytes present, never by the count the box declares.
pub fn tfra(whole: &[u8]) -> Option<TfraLast> {
    let FullBox {
        version: v,
        body: b,
        ..
    } = full(whole)?;
    let track_id = be32(b, 0)?;
    let lens = be32(b, 4)?;
    let numbers = (((lens >> 4) & 3) + ((lens >> 2) & 3) + (lens & 3) + 3) as usize;
    let wide = if v == 1 { 8 } else { 4 };
    let entry = 2 * wide + numbers;
    let n = bounded(b, be32(b, 8)?, 12, entry);
    let mut last: Option<TfraLast> = None;
    for i in 0..n {
        let at = 12 + i * entry;
        let (time, _) = field(b, at, v == 1)?;
        let (moof_offset, _) = field(b, at + wide, v == 1)?;
        if last.is_none_or(|l| moof_offset >= l.moof_offset) {
            last = Some(TfraLast {
                track_id,
                time,
                moof_offset,
            });
        }
    }
    last
}

/// What a `sidx` says of the fragments it indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sidx {
    /// Bytes from the end of the `sidx` to its first fragment.
    pub first_offset: u64,
    /// Bytes of every referenced fragment together.
    pub total_size: u64,
    /// Bytes of the last referenced fragment.
    pub last_size: u64,
    pub references: u32,
    /// A reference to another `sidx` (a hierarchy the probe does not follow).
    pub nested: bool,
}

/// `sidx`: the byte layout of the fragments it references.
pub fn sidx(whole: &[u8]) -> Option<Sidx> {
    let FullBox {
        version: v,
        body: b,
        ..
    } = full(whole)?;
    // reference_ID(4) timescale(4) earliest_presentation_time first_offset
    let (_, w) = field(b, 8, v == 1)?;
    let (first_offset, _) = field(b, 8 + w, v == 1)?;
    let at = 8 + 2 * w + 2; // reserved(2)
    let declared = u32::from(be16(b, at)?);
    let n = bounded(b, declared, at + 2, 12);
    let (mut total_size, mut last_size, mut nested) = (0u64, 0u64, false);
    for i in 0..n {
        let r = be32(b, at + 2 + i * 12)?;
        nested |= r & 0x8000_0000 != 0;
        last_size = u64::from(r & 0x7FFF_FFFF);
        total_size = total_size.saturating_add(last_size);
    }
    Some(Sidx {
        first_offset,
        total_size,
        last_size,
        references: n as u32,
        nested,
    })
}

/// The SPS NAL units of an `avcC` body.
pub fn avcc_sps(avcc: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let Some(&n) = avcc.get(5) else { return out };
    let mut p = 6usize;
    for _ in 0..(n & 0x1F) {
        let Some(len) = be16(avcc, p) else { break };
        let Some(nal) = avcc.get(p + 2..p + 2 + usize::from(len)) else {
            break;
        };
        out.push(nal);
        p += 2 + usize::from(len);
    }
    out
}

/// What an MPEG-4 AudioSpecificConfig says of the sound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioConfig {
    /// 0 where the config leaves the layout to a program config element.
    pub channels: u32,
    pub sample_rate: u32,
}

/// Channels and sample rate from an MPEG-4 AudioSpecificConfig.
pub fn audio_specific_config(asc: &[u8]) -> Option<AudioConfig> {
    const RATES: [u32; 13] = [
        96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
    ];
    let bits = |from: usize, n: usize| -> Option<u32> {
        let mut v = 0u32;
        for k in from..from + n {
            let byte = *asc.get(k / 8)?;
            v = (v << 1) | u32::from((byte >> (7 - (k % 8))) & 1);
        }
        Some(v)
    };
    let mut p = 5;
    if bits(0, 5)? == 31 {
        p += 6;
    }
    let idx = bits(p, 4)?;
    p += 4;
    let rate = if idx == 15 {
        let r = bits(p, 24)?;
        p += 24;
        r
    } else {
        *RATES.get(idx as usize)?
    };
    let ch = bits(p, 4)?;
    let channels = match ch {
        1..=6 => ch,
        7 => 8,
        _ => 0,
    };
    Some(AudioConfig {
        channels,
        sample_rate: rate,
    })
}

/// Big-endian bit reader over a box body, for the bit-packed Dolby configs.
struct Bits<'a> {
    b: &'a [u8],
    at: usize,
}

impl Bits<'_> {
    /// The next `n` (at most 32) bits; `None` past the end.
    fn take(&mut self, n: usize) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            let byte = *self.b.get(self.at / 8)?;
            v = (v << 1) | u32::from((byte >> (7 - (self.at % 8))) & 1);
            self.at += 1;
        }
        Some(v)
    }
}

/// Full-bandwidth channels of an AC-3 `acmod` (ETSI TS 102 366 §4.4.2.3,
/// Table 4.3): 1+1 dual mono, 1/0, 2/0, 3/0, 2/1, 3/1, 2/2, 3/2.
const ACMOD_CHANNELS: [u32; 8] = [2, 1, 2, 3, 3, 4, 4, 5];

/// `dac3`, the AC3SpecificBox (ETSI TS 102 366 Annex F.4): the AC-3
/// stream's sample rate code, coding mode and LFE, as its sync frames say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dac3 {
    pub fscod: u8,
    pub bsid: u8,
    pub bsmod: u8,
    pub acmod: u8,
    pub lfeon: bool,
    pub bit_rate_code: u8,
}

impl Dac3 {
    /// Channels the decoder outputs: the coding mode's plus the LFE.
    pub fn channels(&self) -> u32 {
        ACMOD_CHANNELS[usize::from(self.acmod & 7)] + u32::from(self.lfeon)
    }
}

/// Decode a whole `dac3` box: fscod(2) bsid(5) bsmod(3) acmod(3) lfeon(1)
/// bit_rate_code(5) reserved(5), 3 bytes.
pub fn dac3(whole: &[u8]) -> Option<Dac3> {
    let mut r = Bits {
        b: body(whole)?.get(..3)?,
        at: 0,
    };
    Some(Dac3 {
        fscod: r.take(2)? as u8,
        bsid: r.take(5)? as u8,
        bsmod: r.take(3)? as u8,
        acmod: r.take(3)? as u8,
        lfeon: r.take(1)? == 1,
        bit_rate_code: r.take(5)? as u8,
    })
}

/// One independent substream of a `dec3` box (ETSI TS 102 366 Annex F.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ec3Substream {
    pub fscod: u8,
    pub bsid: u8,
    pub asvc: bool,
    pub bsmod: u8,
    pub acmod: u8,
    pub lfeon: bool,
    pub num_dep_sub: u8,
    /// Where the dependent substreams' channels go (Table F.6.1), present
    /// only when there are dependent substreams.
    pub chan_loc: Option<u16>,
}

/// Channels each `chan_loc` bit adds (Table F.6.1, bit 0 the least
/// significant, as Chromium and mp4ff read it): Lc/Rc pair, Lrs/Rrs pair, Cs,
/// Ts, Lsd/Rsd pair, Lw/Rw pair, Lvh/Rvh pair, Cvh, LFE2.
const CHAN_LOC_CHANNELS: [u32; 9] = [2, 2, 1, 1, 2, 2, 2, 1, 1];

impl Ec3Substream {
    /// Channels: the coding mode's, the LFE, and what the dependent
    /// substreams add.
    pub fn channels(&self) -> u32 {
        let extra = self.chan_loc.map_or(0, |loc| {
            CHAN_LOC_CHANNELS
                .iter()
                .enumerate()
                .filter(|(bit, _)| loc & (1 << bit) != 0)
                .map(|(_, n)| n)
                .sum()
        });
        ACMOD_CHANNELS[usize::from(self.acmod & 7)] + u32::from(self.lfeon) + extra
    }
}

/// `dec3`, the EC3SpecificBox (ETSI TS 102 366 Annex F.6). Only the first
/// independent substream is kept: it is the main programme, the one a
/// player decodes (further ones are other programmes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dec3 {
    /// kbit/s.
    pub data_rate: u16,
    /// Independent substreams, 1 to 8.
    pub independent_substreams: u8,
    pub first: Ec3Substream,
}

/// Decode a whole `dec3` box: data_rate(13) num_ind_sub(3), then per
/// independent substream fscod(2) bsid(5) reserved(1) asvc(1) bsmod(3)
/// acmod(3) lfeon(1) reserved(3) num_dep_sub(4) and chan_loc(9) or
/// reserved(1).
pub fn dec3(whole: &[u8]) -> Option<Dec3> {
    let mut r = Bits {
        b: body(whole)?,
        at: 0,
    };
    let data_rate = r.take(13)? as u16;
    let independent_substreams = r.take(3)? as u8 + 1;
    let fscod = r.take(2)? as u8;
    let bsid = r.take(5)? as u8;
    r.take(1)?;
    let asvc = r.take(1)? == 1;
    let bsmod = r.take(3)? as u8;
    let acmod = r.take(3)? as u8;
    let lfeon = r.take(1)? == 1;
    r.take(3)?;
    let num_dep_sub = r.take(4)? as u8;
    let chan_loc = if num_dep_sub > 0 {
        Some(r.take(9)? as u16)
    } else {
        None
    };
    Some(Dec3 {
        data_rate,
        independent_substreams,
        first: Ec3Substream {
            fscod,
            bsid,
            asvc,
            bsmod,
            acmod,
            lfeon,
            num_dep_sub,
            chan_loc,
        },
    })
}

/// `dOps`, the OpusSpecificBox ("Encapsulation of Opus in ISO Base Media
/// File Format", §4.3.2). Version 0 is the only one defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dops {
    pub output_channel_count: u8,
    pub pre_skip: u16,
    pub input_sample_rate: u32,
    /// Q7.8 dB.
    pub output_gain: i16,
    pub channel_mapping_family: u8,
}

/// Decode a whole `dOps` box: Version(8) OutputChannelCount(8) PreSkip(16)
/// InputSampleRate(32) OutputGain(16) ChannelMappingFamily(8), then the
/// mapping table, which the probe does not need.
pub fn dops(whole: &[u8]) -> Option<Dops> {
    let b = body(whole)?;
    if *b.first()? != 0 {
        return None;
    }
    Some(Dops {
        output_channel_count: *b.get(1)?,
        pre_skip: be16(b, 2)?,
        input_sample_rate: be32(b, 4)?,
        output_gain: be16(b, 8)? as i16,
        channel_mapping_family: *b.get(10)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut v = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn tables_are_bounded_by_their_bytes() {
        // stts claims 2^32-1 entries but holds one.
        let mut b = vec![0, 0, 0, 0];
        b.extend_from_slice(&u32::MAX.to_be_bytes());
        b.extend_from_slice(&10u32.to_be_bytes());
        b.extend_from_slice(&512u32.to_be_bytes());
        assert_eq!(
            stts(&boxed(b"stts", &b)),
            Some(SampleTimes {
                samples: 10,
                ticks: 5120
            })
        );
        // A trun with per-sample durations claiming more samples than fit.
        let mut t = vec![0, 0, 0x01, 0x00];
        t.extend_from_slice(&1_000_000u32.to_be_bytes());
        t.extend_from_slice(&3000u32.to_be_bytes());
        assert_eq!(
            trun(&boxed(b"trun", &t), 0, 7),
            Some(RunSums {
                samples: 1,
                ticks: 3000,
                bytes: 7,
                common: SampleDuration {
                    ticks: 3000,
                    samples: 1
                }
            })
        );
    }

    #[test]
    fn aac_config() {
        // AAC LC, 48 kHz, stereo: 0x11 0x90.
        let asc = |channels, sample_rate| {
            Some(AudioConfig {
                channels,
                sample_rate,
            })
        };
        assert_eq!(audio_specific_config(&[0x11, 0x90]), asc(2, 48000));
        // 44.1 kHz mono: 0x12 0x08.
        assert_eq!(audio_specific_config(&[0x12, 0x08]), asc(1, 44100));
    }

    #[test]
    fn dolby_and_opus_configs() {
        // dac3: fscod 0, bsid 8, bsmod 0, acmod 7 (3/2), lfeon 1: 5.1.
        let d = dac3(&boxed(b"dac3", &[0x10, 0x3C, 0x00])).unwrap();
        assert_eq!((d.bsid, d.acmod, d.lfeon, d.channels()), (8, 7, true, 6));
        // acmod 1 (1/0), no LFE: mono.
        assert_eq!(
            dac3(&boxed(b"dac3", &[0x10, 0x08, 0x00]))
                .unwrap()
                .channels(),
            1
        );
        assert_eq!(dac3(&boxed(b"dac3", &[0x10, 0x3D])), None);
        // dec3: 5.1 base (acmod 7, LFE) with one dependent substream adding
        // the Lrs/Rrs pair (chan_loc bit 1): 7.1.
        // data_rate 448 → 0000111000000 num_ind_sub 000 | fscod 00 bsid 10000
        // res 0 | asvc 0 bsmod 000 acmod 111 lfeon 1 | res 000 num_dep_sub
        // 0001 chan_loc 000000010.
        let d = dec3(&boxed(b"dec3", &[0x0E, 0x00, 0x20, 0x0F, 0x02, 0x02])).unwrap();
        assert_eq!(d.data_rate, 448);
        assert_eq!(d.first.chan_loc, Some(2));
        assert_eq!(d.first.channels(), 8);
        // No dependent substream: 5.1.
        let d = dec3(&boxed(b"dec3", &[0x0E, 0x00, 0x20, 0x0F, 0x00])).unwrap();
        assert_eq!((d.first.chan_loc, d.first.channels()), (None, 6));
        assert_eq!(dec3(&boxed(b"dec3", &[0x0E, 0x00, 0x20])), None);
        // dOps: version 0, 6 channels.
        let o = dops(&boxed(b"dOps", &[0, 6, 1, 0x38, 0, 0, 0xBB, 0x80, 0, 0, 1])).unwrap();
        assert_eq!((o.output_channel_count, o.input_sample_rate), (6, 48000));
        assert_eq!(
            dops(&boxed(b"dOps", &[1, 6, 1, 0x38, 0, 0, 0xBB, 0x80, 0, 0, 1])),
            None
        );
    }
}
