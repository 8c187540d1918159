//! ISO-BMFF files built by hand, box by box: a little valid MP4 (one
//! 3-frame H.264 track), its `trak` with every table replaceable, and a
//! fragmented MP4, for the hostile tests to break one piece at a time.

pub fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut v = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(body);
    v
}

pub fn full(kind: &[u8; 4], version: u8, body: &[u8]) -> Vec<u8> {
    let mut b = vec![version, 0, 0, 0];
    b.extend_from_slice(body);
    bx(kind, &b)
}

pub fn cat(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

pub fn be32(v: u32) -> [u8; 4] {
    v.to_be_bytes()
}

pub fn ftyp() -> Vec<u8> {
    bx(b"ftyp", b"isom\0\0\x02\0isomiso2avc1mp41")
}

pub fn mvhd(timescale: u32, duration: u32) -> Vec<u8> {
    let mut b = vec![0u8; 8];
    b.extend_from_slice(&be32(timescale));
    b.extend_from_slice(&be32(duration));
    b.extend_from_slice(&[0, 1, 0, 0, 1, 0]); // rate, volume
    b.extend_from_slice(&[0; 10]);
    for m in [0x1_0000u32, 0, 0, 0, 0x1_0000, 0, 0, 0, 0x4000_0000] {
        b.extend_from_slice(&be32(m));
    }
    b.extend_from_slice(&[0; 24]);
    b.extend_from_slice(&be32(2)); // next track id
    full(b"mvhd", 0, &b)
}

pub fn tkhd(id: u32, w: u16, h: u16) -> Vec<u8> {
    let mut b = vec![0u8; 8];
    b.extend_from_slice(&be32(id));
    b.extend_from_slice(&[0; 4]);
    b.extend_from_slice(&be32(0)); // duration
    b.extend_from_slice(&[0; 8]);
    b.extend_from_slice(&[0; 4]); // layer, group
    b.extend_from_slice(&[0; 4]); // volume, reserved
    for m in [0x1_0000u32, 0, 0, 0, 0x1_0000, 0, 0, 0, 0x4000_0000] {
        b.extend_from_slice(&be32(m));
    }
    b.extend_from_slice(&be32(u32::from(w) << 16));
    b.extend_from_slice(&be32(u32::from(h) << 16));
    let mut body = vec![0, 0, 0, 3];
    body.extend_from_slice(&b);
    bx(b"tkhd", &body)
}

pub fn mdhd(timescale: u32, duration: u32) -> Vec<u8> {
    let mut b = vec![0u8; 8];
    b.extend_from_slice(&be32(timescale));
    b.extend_from_slice(&be32(duration));
    b.extend_from_slice(&[0x55, 0xC4, 0, 0]);
    full(b"mdhd", 0, &b)
}

pub fn hdlr(kind: &[u8; 4]) -> Vec<u8> {
    let mut b = vec![0u8; 4];
    b.extend_from_slice(kind);
    b.extend_from_slice(&[0; 12]);
    b.extend_from_slice(b"h\0");
    full(b"hdlr", 0, &b)
}

/// An avc1 entry with a real SPS/PPS (1080x720, High profile).
pub fn avc1() -> Vec<u8> {
    let sps = hex("6764001facd9404405be5f011000003e90000ea600f1831960");
    let pps = hex("68ebe3cb22c0");
    let mut avcc = vec![1, 0x64, 0, 0x1f, 0xff, 0xe1];
    avcc.extend_from_slice(&(sps.len() as u16).to_be_bytes());
    avcc.extend_from_slice(&sps);
    avcc.push(1);
    avcc.extend_from_slice(&(pps.len() as u16).to_be_bytes());
    avcc.extend_from_slice(&pps);
    let mut b = vec![0u8; 6];
    b.extend_from_slice(&[0, 1]); // data reference index
    b.extend_from_slice(&[0; 16]);
    b.extend_from_slice(&1080u16.to_be_bytes());
    b.extend_from_slice(&720u16.to_be_bytes());
    b.extend_from_slice(&[0, 0x48, 0, 0, 0, 0x48, 0, 0, 0, 0, 0, 0, 0, 1]);
    b.extend_from_slice(&[0; 32]);
    b.extend_from_slice(&[0, 0x18, 0xff, 0xff]);
    b.extend_from_slice(&bx(b"avcC", &avcc));
    bx(b"avc1", &b)
}

/// An MPEG-4 descriptor with a 4-byte length.
pub fn desc(tag: u8, body: &[u8]) -> Vec<u8> {
    let n = body.len() as u32;
    let mut v = vec![
        tag,
        0x80 | ((n >> 21) & 0x7f) as u8,
        0x80 | ((n >> 14) & 0x7f) as u8,
        0x80 | ((n >> 7) & 0x7f) as u8,
        (n & 0x7f) as u8,
    ];
    v.extend_from_slice(body);
    v
}

/// An `mp4a` sound sample entry (v0) holding `esds` (its body after version/flags).
pub fn mp4a(esds_body: &[u8]) -> Vec<u8> {
    let mut b = vec![0u8; 6];
    b.extend_from_slice(&[0, 1]); // data reference index
    b.extend_from_slice(&[0; 8]); // version, revision, vendor
    b.extend_from_slice(&[0, 2, 0, 16, 0, 0, 0, 0]); // channels, size, cid, pkt
    b.extend_from_slice(&be32(44_100 << 16));
    b.extend_from_slice(&full(b"esds", 0, esds_body));
    bx(b"mp4a", &b)
}

/// A normal AAC esds body.
pub fn aac_esds() -> Vec<u8> {
    let mut dc = vec![0x40, 0x15, 0, 0, 0, 0, 1, 0xf4, 0, 0, 1, 0xf4, 0];
    dc.extend_from_slice(&desc(5, &[0x12, 0x10]));
    let mut es = vec![0, 1, 0];
    es.extend_from_slice(&desc(4, &dc));
    es.extend_from_slice(&desc(6, &[2]));
    desc(3, &es)
}

pub fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

pub fn stsd(entry: &[u8]) -> Vec<u8> {
    let mut b = be32(1).to_vec();
    b.extend_from_slice(entry);
    full(b"stsd", 0, &b)
}

/// A table box: entry count, then the entries.
pub fn table(kind: &[u8; 4], count: u32, entries: &[u32]) -> Vec<u8> {
    let mut b = be32(count).to_vec();
    for e in entries {
        b.extend_from_slice(&be32(*e));
    }
    full(kind, 0, &b)
}

pub fn stsz(size: u32, count: u32, sizes: &[u32]) -> Vec<u8> {
    let mut b = be32(size).to_vec();
    b.extend_from_slice(&be32(count));
    for s in sizes {
        b.extend_from_slice(&be32(*s));
    }
    full(b"stsz", 0, &b)
}

/// The boxes of a one-track video `trak`, each replaceable.
#[derive(Clone)]
pub struct Trak {
    pub stsd: Vec<u8>,
    pub stts: Vec<u8>,
    pub stsz: Vec<u8>,
    pub stsc: Vec<u8>,
    pub stco: Vec<u8>,
    pub edts: Option<Vec<u8>>,
    /// Raw bytes put in `trak` before `mdia`.
    pub extra: Vec<u8>,
}

impl Trak {
    pub fn new(mdat_at: u32) -> Self {
        Trak {
            stsd: stsd(&avc1()),
            stts: table(b"stts", 1, &[3, 1000]),
            stsz: stsz(0, 3, &[100, 100, 100]),
            stsc: table(b"stsc", 1, &[1, 3, 1]),
            stco: table(b"stco", 1, &[mdat_at]),
            edts: None,
            extra: Vec::new(),
        }
    }

    pub fn build(&self) -> Vec<u8> {
        let stbl = cat(&[
            self.stsd.clone(),
            self.stts.clone(),
            self.stsz.clone(),
            self.stsc.clone(),
            self.stco.clone(),
        ]);
        bx(
            b"trak",
            &cat(&[
                tkhd(1, 1080, 720),
                self.edts.clone().unwrap_or_default(),
                self.extra.clone(),
                bx(
                    b"mdia",
                    &cat(&[
                        mdhd(30000, 3000),
                        hdlr(b"vide"),
                        bx(b"minf", &bx(b"stbl", &stbl)),
                    ]),
                ),
            ]),
        )
    }

    pub fn file(&self) -> Vec<u8> {
        cat(&[ftyp(), bx(b"moov", &cat(&[mvhd(1000, 100), self.build()]))])
    }
}

pub fn video_trak(mdat_at: u32) -> Vec<u8> {
    Trak::new(mdat_at).build()
}

/// ftyp, moov (one 3-frame H.264 track), mdat: a valid little file.
pub fn tiny_mp4() -> Vec<u8> {
    let head = ftyp().len() as u32;
    let probe_moov = bx(b"moov", &cat(&[mvhd(1000, 100), video_trak(0)]));
    let mdat_at = head + probe_moov.len() as u32 + 8;
    let moov = bx(b"moov", &cat(&[mvhd(1000, 100), video_trak(mdat_at)]));
    cat(&[ftyp(), moov, bx(b"mdat", &[0x55; 300])])
}

/// The `moov` of a fragmented file: one empty H.264 track (id 1, 30000 Hz)
/// whose `trex` gives each sample 1001 ticks and 100 bytes.
pub fn fragmented_moov() -> Vec<u8> {
    let mut trex = be32(1).to_vec();
    trex.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0x03, 0xe9, 0, 0, 0, 100, 0, 0, 0, 0]);
    let trak = bx(
        b"trak",
        &cat(&[
            tkhd(1, 1080, 720),
            bx(
                b"mdia",
                &cat(&[
                    mdhd(30000, 0),
                    hdlr(b"vide"),
                    bx(
                        b"minf",
                        &bx(
                            b"stbl",
                            &cat(&[
                                stsd(&avc1()),
                                table(b"stts", 0, &[]),
                                stsz(0, 0, &[]),
                                table(b"stsc", 0, &[]),
                                table(b"stco", 0, &[]),
                            ]),
                        ),
                    ),
                ]),
            ),
        ]),
    );
    bx(
        b"moov",
        &cat(&[mvhd(1000, 0), trak, bx(b"mvex", &full(b"trex", 0, &trex))]),
    )
}

/// A fragmented file: moov with mvex, one moof with an inherited-default
/// trun of `count` samples, then mdat.
pub fn fragmented_mp4(count: u32) -> Vec<u8> {
    let moov = fragmented_moov();
    let tfhd = {
        let mut b = be32(1).to_vec(); // track id; flags 0x020000 default-base-is-moof
        b.splice(0..0, [0u8, 2, 0, 0]);
        bx(b"tfhd", &b)
    };
    let trun = {
        // flags 0: no per-sample fields; every sample inherits trex defaults.
        let mut b = vec![0u8, 0, 0, 0];
        b.extend_from_slice(&be32(count));
        bx(b"trun", &b)
    };
    let moof = bx(
        b"moof",
        &cat(&[full(b"mfhd", 0, &be32(1)), bx(b"traf", &cat(&[tfhd, trun]))]),
    );
    cat(&[ftyp(), moov, moof, bx(b"mdat", &[0u8; 64])])
}

/// Which index [`indexed_fragments`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FragIndex {
    None,
    /// `mfra` (one `tfra`, version 1, an entry per fragment) and `mfro` at the end.
    Mfra,
    /// A `sidx` (version 0) after the `moov`, a reference per fragment.
    Sidx,
}

/// One fragment: `moof` (tfhd, tfdt at `start`, a trun of `samples`
/// inherited samples) and its `mdat` of 100 bytes a sample.
pub fn fragment(seq: u32, start: u64, samples: u32) -> Vec<u8> {
    let tfhd = {
        let mut b = vec![0u8, 2, 0, 0];
        b.extend_from_slice(&be32(1));
        bx(b"tfhd", &b)
    };
    let tfdt = full(b"tfdt", 1, &start.to_be_bytes());
    let trun = {
        let mut b = vec![0u8, 0, 0, 0];
        b.extend_from_slice(&be32(samples));
        bx(b"trun", &b)
    };
    let moof = bx(
        b"moof",
        &cat(&[
            full(b"mfhd", 0, &be32(seq)),
            bx(b"traf", &cat(&[tfhd, tfdt, trun])),
        ]),
    );
    cat(&[moof, bx(b"mdat", &vec![0u8; samples as usize * 100])])
}

/// A fragmented file of `count` fragments of `samples` samples each (1001
/// ticks at 30000 Hz, 100 bytes), with `index`. Its duration is
/// `count * samples * 1001 / 30000` s.
pub fn indexed_fragments(count: u32, samples: u32, index: FragIndex) -> Vec<u8> {
    let head = cat(&[ftyp(), fragmented_moov()]);
    let frags: Vec<Vec<u8>> = (0..count)
        .map(|k| fragment(k + 1, u64::from(k * samples) * 1001, samples))
        .collect();
    match index {
        FragIndex::None => cat(&[head, frags.concat()]),
        FragIndex::Sidx => {
            let mut b = be32(1).to_vec(); // reference_ID
            b.extend_from_slice(&be32(30000));
            b.extend_from_slice(&be32(0)); // earliest_presentation_time
            b.extend_from_slice(&be32(0)); // first_offset
            b.extend_from_slice(&[0, 0]);
            b.extend_from_slice(&(count as u16).to_be_bytes());
            for f in &frags {
                b.extend_from_slice(&be32(f.len() as u32));
                b.extend_from_slice(&be32(samples * 1001));
                b.extend_from_slice(&be32(0x9000_0000));
            }
            cat(&[head, full(b"sidx", 0, &b), frags.concat()])
        }
        FragIndex::Mfra => {
            let mut b = be32(1).to_vec();
            b.extend_from_slice(&be32(0)); // 1-byte traf/trun/sample numbers
            b.extend_from_slice(&be32(count));
            let mut at = head.len() as u64;
            for (k, f) in frags.iter().enumerate() {
                b.extend_from_slice(&(k as u64 * u64::from(samples) * 1001).to_be_bytes());
                b.extend_from_slice(&at.to_be_bytes());
                b.extend_from_slice(&[1, 1, 1]);
                at += f.len() as u64;
            }
            let tfra = full(b"tfra", 1, &b);
            let mfra_len = (8 + tfra.len() + 16) as u32;
            let mfro = full(b"mfro", 0, &be32(mfra_len));
            cat(&[head, frags.concat(), bx(b"mfra", &cat(&[tfra, mfro]))])
        }
    }
}
