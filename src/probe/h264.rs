//! Just enough of an H.264 SPS: the picture size it codes (after cropping,
//! what decoders and ffprobe report) and the sample aspect ratio in its VUI,
//! for files that carry it there instead of in a `pasp` box. Also the bit
//! reader the MPEG-4 VOL parser shares.

/// Big-endian bit reader with Exp-Golomb codes; every read is bounded.
pub struct BitReader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> BitReader<'a> {
    pub fn new(b: &'a [u8]) -> Self {
        BitReader { b, pos: 0 }
    }

    pub fn bits(&mut self, n: u32) -> Option<u32> {
        let mut v = 0u32;
        for _ in 0..n {
            let byte = *self.b.get(self.pos / 8)?;
            v = (v << 1) | u32::from((byte >> (7 - (self.pos % 8))) & 1);
            self.pos += 1;
        }
        Some(v)
    }

    pub fn ue(&mut self) -> Option<u32> {
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

    pub fn se(&mut self) -> Option<i64> {
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

/// What an SPS says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sps {
    pub width: u32,
    pub height: u32,
    pub sar: Option<(u32, u32)>,
}

/// The first 512 bytes of a NAL unit's payload without its header byte and
/// its emulation-prevention bytes (00 00 03 → 00 00).
fn rbsp(nal: &[u8]) -> Vec<u8> {
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
    rbsp
}

/// Read past the SPS's scaling matrices (`seq_scaling_list_present_flag`s
/// and the lists they announce).
fn skip_scaling_lists(r: &mut BitReader<'_>, chroma: u32) -> Option<()> {
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
    Some(())
}

/// Parse an SPS NAL unit (its one-byte header included).
pub fn parse(nal: &[u8]) -> Option<Sps> {
    let rbsp = rbsp(nal);
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
            skip_scaling_lists(&mut r, chroma)?;
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
    let (width, height) = (u32::try_from(w).ok()?, u32::try_from(h).ok()?);
    if !(width > 0 && height > 0 && width <= 16_384 && height <= 16_384) {
        return None;
    }
    // VUI: aspect_ratio_info.
    let sar = (|| {
        if r.bits(1)? == 0 || r.bits(1)? == 0 {
            return None; // no VUI, or no aspect ratio info
        }
        let idc = r.bits(8)?;
        let (sw, sh) = if idc == 255 {
            (r.bits(16)?, r.bits(16)?)
        } else {
            *SAR_TABLE.get(usize::try_from(idc).ok()?)?
        };
        (sw > 0 && sh > 0).then_some((sw, sh))
    })();
    Some(Sps { width, height, sar })
}
