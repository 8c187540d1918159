//! Just enough of an H.264 SPS to find the sample aspect ratio in its VUI,
//! for files that carry it there instead of in a `pasp` box.

struct Bits<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Bits<'_> {
    fn bit(&mut self) -> Option<u32> {
        let byte = *self.b.get(self.pos / 8)?;
        let v = (byte >> (7 - (self.pos % 8))) & 1;
        self.pos += 1;
        Some(u32::from(v))
    }
    fn bits(&mut self, n: u32) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            v = (v << 1) | self.bit()?;
        }
        Some(v)
    }
    fn ue(&mut self) -> Option<u32> {
        let mut zeros = 0;
        while self.bit()? == 0 {
            zeros += 1;
            if zeros > 31 {
                return None;
            }
        }
        let rest = self.bits(zeros)?;
        Some(((1u64 << zeros) - 1 + u64::from(rest)).min(u64::from(u32::MAX)) as u32)
    }
    fn se(&mut self) -> Option<i64> {
        let k = i64::from(self.ue()?);
        Some(if k % 2 == 1 { (k + 1) / 2 } else { -(k / 2) })
    }
}

/// Table E-1 of H.264: aspect_ratio_idc → SAR.
const SAR_TABLE: [(u32, u32); 17] = [
    (0, 0),
    (1, 1),
    (12, 11),
    (10, 11),
    (16, 11),
    (40, 33),
    (24, 11),
    (20, 11),
    (32, 11),
    (80, 33),
    (18, 11),
    (15, 11),
    (64, 33),
    (160, 99),
    (4, 3),
    (3, 2),
    (2, 1),
];

fn skip_scaling_list(r: &mut Bits<'_>, size: usize) -> Option<()> {
    let (mut last, mut next) = (8i64, 8i64);
    for _ in 0..size {
        if next != 0 {
            let delta = r.se()?;
            next = (last + delta + 256) % 256;
        }
        if next != 0 {
            last = next;
        }
    }
    Some(())
}

/// SAR of an SPS NAL unit (with its one-byte NAL header), if it says one.
pub fn sar(nal: &[u8]) -> Option<(u32, u32)> {
    // Remove emulation-prevention bytes (00 00 03 → 00 00), capped.
    let mut rbsp = Vec::with_capacity(nal.len().min(4096));
    let mut zeros = 0;
    for &c in nal.iter().skip(1).take(4096) {
        if zeros >= 2 && c == 3 {
            zeros = 0;
            continue;
        }
        zeros = if c == 0 { zeros + 1 } else { 0 };
        rbsp.push(c);
    }
    let mut r = Bits { b: &rbsp, pos: 0 };
    let profile = r.bits(8)?;
    r.bits(16)?; // constraint flags + level
    r.ue()?; // sps id
    if matches!(
        profile,
        100 | 110 | 122 | 244 | 44 | 83 | 86 | 118 | 128 | 138 | 139 | 134 | 135
    ) {
        let chroma = r.ue()?;
        if chroma == 3 {
            r.bit()?;
        }
        r.ue()?;
        r.ue()?;
        r.bit()?;
        if r.bit()? == 1 {
            let n = if chroma == 3 { 12 } else { 8 };
            for i in 0..n {
                if r.bit()? == 1 {
                    skip_scaling_list(&mut r, if i < 6 { 16 } else { 64 })?;
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
            r.bit()?;
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
    r.bit()?;
    r.ue()?; // width in mbs
    r.ue()?; // height in map units
    if r.bit()? == 0 {
        r.bit()?;
    }
    r.bit()?;
    if r.bit()? == 1 {
        for _ in 0..4 {
            r.ue()?;
        }
    }
    if r.bit()? == 0 {
        return None; // no VUI
    }
    if r.bit()? == 0 {
        return None; // no aspect ratio info
    }
    let idc = r.bits(8)?;
    let (w, h) = if idc == 255 {
        (r.bits(16)?, r.bits(16)?)
    } else {
        *SAR_TABLE.get(usize::try_from(idc).ok()?)?
    };
    (w > 0 && h > 0).then_some((w, h))
}
