//! Bounded decoders for the dozen ISO-BMFF leaf boxes the probe needs:
//! `mvhd`, `tkhd`, `mdhd`, `hdlr`, `elst`, `stts`, `stsz`/`stz2`, `mehd`,
//! `trex`, `tfhd`, `trun`, and a sample entry's `avcC`. Each takes a whole box
//! (header included) and returns `None` on anything short or malformed. Every
//! count read from the file is bounded by the bytes actually present before
//! it is used, so no table can make us loop or allocate past the box.
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

/// A full box: (version, flags, body after them).
fn full(whole: &[u8]) -> Option<(u8, u32, &[u8])> {
    let b = body(whole)?;
    let v = *b.first()?;
    let flags =
        (u32::from(*b.get(1)?) << 16) | (u32::from(*b.get(2)?) << 8) | u32::from(*b.get(3)?);
    Some((v, flags, b.get(4..)?))
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
    let (v, _, b) = full(whole)?;
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
    /// a, b, c, d of the transformation matrix (16.16).
    pub matrix: (i32, i32, i32, i32),
}

pub fn tkhd(whole: &[u8]) -> Option<Tkhd> {
    let (v, flags, b) = full(whole)?;
    let w = if v == 1 { 8 } else { 4 };
    let track_id = be32(b, 2 * w)?;
    // creation, modification, track_ID, reserved(4), duration, reserved(8),
    // layer(2), alternate_group(2), volume(2), reserved(2), matrix.
    let m = 2 * w + 4 + 4 + w + 8 + 8;
    let i = |k: usize| be32(b, m + 4 * k).map(|x| x as i32);
    Some(Tkhd {
        track_id,
        enabled: flags & 1 != 0,
        matrix: (i(0)?, i(1)?, i(3)?, i(4)?),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mdhd {
    pub timescale: u32,
    pub duration: u64,
}

pub fn mdhd(whole: &[u8]) -> Option<Mdhd> {
    let (v, _, b) = full(whole)?;
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
    let (_, _, b) = full(whole)?;
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
    let (v, _, b) = full(whole)?;
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

/// (samples, total of their durations) from `stts`.
pub fn stts(whole: &[u8]) -> Option<(u64, u64)> {
    let (_, _, b) = full(whole)?;
    let n = bounded(b, be32(b, 0)?, 4, 8);
    let (mut count, mut total) = (0u64, 0u64);
    for i in 0..n {
        let c = u64::from(be32(b, 4 + i * 8)?);
        let d = u64::from(be32(b, 8 + i * 8)?);
        count = count.saturating_add(c);
        total = total.saturating_add(c.saturating_mul(d));
    }
    Some((count, total))
}

/// Total bytes of the samples from `stsz` or `stz2`.
pub fn stsz(whole: &[u8]) -> Option<u64> {
    let kind = whole.get(4..8)?;
    let (_, _, b) = full(whole)?;
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
    let (v, _, b) = full(whole)?;
    field(b, 0, v == 1).map(|(d, _)| d)
}

/// `trex`: (track id, default sample duration, default sample size).
pub fn trex(whole: &[u8]) -> Option<(u32, u32, u32)> {
    let (_, _, b) = full(whole)?;
    Some((be32(b, 0)?, be32(b, 8)?, be32(b, 12)?))
}

/// `tfhd`: (track id, default sample duration, default sample size).
pub fn tfhd(whole: &[u8]) -> Option<(u32, Option<u32>, Option<u32>)> {
    let (_, flags, b) = full(whole)?;
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
    Some((id, dur, size))
}

/// `trun`: (samples, total duration, total bytes), with the traf's defaults
/// for fields the run leaves out. A run without per-sample fields multiplies
/// rather than counting 2^32 samples one by one.
pub fn trun(whole: &[u8], default_dur: u32, default_size: u32) -> Option<(u64, u64, u64)> {
    let (_, flags, b) = full(whole)?;
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
        return Some((
            c,
            c.saturating_mul(u64::from(default_dur)),
            c.saturating_mul(u64::from(default_size)),
        ));
    }
    let n = bounded(b, declared, p, per);
    let (mut ticks, mut bytes) = (0u64, 0u64);
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
    }
    Some((n as u64, ticks, bytes))
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

/// Channels and sample rate from an MPEG-4 AudioSpecificConfig.
pub fn audio_specific_config(asc: &[u8]) -> Option<(u32, u32)> {
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
    Some((channels, rate))
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
        assert_eq!(stts(&boxed(b"stts", &b)), Some((10, 5120)));
        // A trun with per-sample durations claiming more samples than fit.
        let mut t = vec![0, 0, 0x01, 0x00];
        t.extend_from_slice(&1_000_000u32.to_be_bytes());
        t.extend_from_slice(&3000u32.to_be_bytes());
        assert_eq!(trun(&boxed(b"trun", &t), 0, 7), Some((1, 3000, 7)));
    }

    #[test]
    fn aac_config() {
        // AAC LC, 48 kHz, stereo: 0x11 0x90.
        assert_eq!(audio_specific_config(&[0x11, 0x90]), Some((2, 48000)));
        // 44.1 kHz mono: 0x12 0x08.
        assert_eq!(audio_specific_config(&[0x12, 0x08]), Some((1, 44100)));
    }
}
