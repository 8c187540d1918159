//! Hostile input: the probe must answer — a result or an error value with a
//! stable code and both messages — and never panic, loop, over-read or ask
//! for a range the file does not have. Each case runs under `catch_unwind`
//! so a panic names the case.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use preflight::Error;
use preflight::probe::{
    LOOKAHEAD, MAX_MOOV, MAX_READS, MediaInfo, Poll, Probe, probe_bytes, probe_with,
};

/// Every code the probe may answer with.
const CODES: &[&str] = &[
    "empty_file",
    "truncated",
    "corrupt",
    "not_video",
    "too_large",
    "io",
    "unknown_format",
    "unsupported_container",
    "heic_image",
    "no_moov",
];

/// The most a probe may read in all, however large the declared file.
const BUDGET: u64 = MAX_MOOV + 64 * 1024;

fn check_error(case: &str, e: &Error) {
    assert!(
        CODES.contains(&e.code),
        "{case}: unexpected code {:?}",
        e.code
    );
    assert!(!e.message_zh.is_empty(), "{case}: empty message_zh");
    assert!(!e.message_en.is_empty(), "{case}: empty message_en");
}

/// Drive the sans-IO probe by hand over a file of `size` bytes that
/// `read(offset, buf)` reads, checking every request it makes. Returns the
/// answer and the bytes fed.
fn drive(
    case: &str,
    size: u64,
    mut read: impl FnMut(u64, &mut [u8]) -> usize,
) -> (Result<MediaInfo, Error>, u64) {
    let mut probe = Probe::new(size);
    let mut fed = 0u64;
    let mut polls = 0u32;
    let mut buf = Vec::new();
    loop {
        polls += 1;
        assert!(
            polls <= MAX_READS + 2,
            "{case}: no answer after {polls} polls"
        );
        match probe.poll() {
            Poll::Done(r) => {
                if let Err(e) = &r {
                    check_error(case, e);
                }
                return (r, fed);
            }
            Poll::Need(n) => {
                let end = n.offset.checked_add(n.len);
                assert!(
                    end.is_some_and(|e| e <= size),
                    "{case}: asked for {}+{} of a {size}-byte file",
                    n.offset,
                    n.len
                );
                assert!(
                    n.len <= MAX_MOOV + 16,
                    "{case}: asked for {} bytes at once",
                    n.len
                );
                buf.resize(n.len as usize, 0);
                let got = read(n.offset, &mut buf).min(buf.len());
                fed += got as u64;
                probe.feed(&buf[..got]);
            }
        }
    }
}

/// Probe bytes in memory, both through `probe_bytes` and the checked driver;
/// the two must agree.
fn run(case: &str, data: &[u8]) -> Result<MediaInfo, Error> {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let direct = probe_bytes(data);
        let (driven, fed) = drive(case, data.len() as u64, |off, buf| {
            let start = (off as usize).min(data.len());
            let n = buf.len().min(data.len() - start);
            buf[..n].copy_from_slice(&data[start..start + n]);
            n
        });
        assert!(fed <= BUDGET, "{case}: read {fed} bytes");
        assert_eq!(
            direct, driven,
            "{case}: probe_bytes and the driver disagree"
        );
        driven
    }));
    match outcome {
        Ok(r) => r,
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("case {case} panicked: {msg}");
        }
    }
}

/// A file of `size` bytes made of `head` then `fill(offset)` bytes, read
/// through `probe_with`.
fn run_huge(
    case: &str,
    size: u64,
    head: &[u8],
    fill: impl Fn(u64) -> u8,
) -> (Result<MediaInfo, Error>, u64) {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut fed = 0u64;
        let r = probe_with(size, |off, buf| {
            assert!(
                off.saturating_add(buf.len() as u64) <= size,
                "{case}: read past the end"
            );
            assert!(
                buf.len() as u64 <= MAX_MOOV + 16,
                "{case}: read of {} bytes",
                buf.len()
            );
            for (i, b) in buf.iter_mut().enumerate() {
                let at = off + i as u64;
                *b = match usize::try_from(at).ok().and_then(|i| head.get(i)) {
                    Some(&h) => h,
                    None => fill(at),
                };
            }
            fed += buf.len() as u64;
            Ok(buf.len())
        });
        if let Err(e) = &r {
            check_error(case, e);
        }
        let bytes_read = r.as_ref().map(|m| m.bytes_read).unwrap_or(fed);
        assert_eq!(
            bytes_read, fed,
            "{case}: bytes_read does not count every byte"
        );
        assert!(
            fed <= BUDGET,
            "{case}: read {fed} bytes of a {size}-byte file"
        );
        (r, fed)
    }));
    outcome.unwrap_or_else(|_| panic!("case {case} panicked"))
}

// ---- building boxes ----

fn bx(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut v = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(body);
    v
}

fn full(kind: &[u8; 4], version: u8, body: &[u8]) -> Vec<u8> {
    let mut b = vec![version, 0, 0, 0];
    b.extend_from_slice(body);
    bx(kind, &b)
}

fn cat(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

fn be32(v: u32) -> [u8; 4] {
    v.to_be_bytes()
}

fn ftyp() -> Vec<u8> {
    bx(b"ftyp", b"isom\0\0\x02\0isomiso2avc1mp41")
}

fn mvhd(timescale: u32, duration: u32) -> Vec<u8> {
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

fn tkhd(id: u32, w: u16, h: u16) -> Vec<u8> {
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

fn mdhd(timescale: u32, duration: u32) -> Vec<u8> {
    let mut b = vec![0u8; 8];
    b.extend_from_slice(&be32(timescale));
    b.extend_from_slice(&be32(duration));
    b.extend_from_slice(&[0x55, 0xC4, 0, 0]);
    full(b"mdhd", 0, &b)
}

fn hdlr(kind: &[u8; 4]) -> Vec<u8> {
    let mut b = vec![0u8; 4];
    b.extend_from_slice(kind);
    b.extend_from_slice(&[0; 12]);
    b.extend_from_slice(b"h\0");
    full(b"hdlr", 0, &b)
}

/// An avc1 entry with a real SPS/PPS (1080x720, High profile).
fn avc1() -> Vec<u8> {
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
fn desc(tag: u8, body: &[u8]) -> Vec<u8> {
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
fn mp4a(esds_body: &[u8]) -> Vec<u8> {
    let mut b = vec![0u8; 6];
    b.extend_from_slice(&[0, 1]); // data reference index
    b.extend_from_slice(&[0; 8]); // version, revision, vendor
    b.extend_from_slice(&[0, 2, 0, 16, 0, 0, 0, 0]); // channels, size, cid, pkt
    b.extend_from_slice(&be32(44_100 << 16));
    b.extend_from_slice(&full(b"esds", 0, esds_body));
    bx(b"mp4a", &b)
}

/// A normal AAC esds body.
fn aac_esds() -> Vec<u8> {
    let mut dc = vec![0x40, 0x15, 0, 0, 0, 0, 1, 0xf4, 0, 0, 1, 0xf4, 0];
    dc.extend_from_slice(&desc(5, &[0x12, 0x10]));
    let mut es = vec![0, 1, 0];
    es.extend_from_slice(&desc(4, &dc));
    es.extend_from_slice(&desc(6, &[2]));
    desc(3, &es)
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn stsd(entry: &[u8]) -> Vec<u8> {
    let mut b = be32(1).to_vec();
    b.extend_from_slice(entry);
    full(b"stsd", 0, &b)
}

/// A table box: entry count, then the entries.
fn table(kind: &[u8; 4], count: u32, entries: &[u32]) -> Vec<u8> {
    let mut b = be32(count).to_vec();
    for e in entries {
        b.extend_from_slice(&be32(*e));
    }
    full(kind, 0, &b)
}

fn stsz(size: u32, count: u32, sizes: &[u32]) -> Vec<u8> {
    let mut b = be32(size).to_vec();
    b.extend_from_slice(&be32(count));
    for s in sizes {
        b.extend_from_slice(&be32(*s));
    }
    full(b"stsz", 0, &b)
}

/// The boxes of a one-track video `trak`, each replaceable.
#[derive(Clone)]
struct Trak {
    stsd: Vec<u8>,
    stts: Vec<u8>,
    stsz: Vec<u8>,
    stsc: Vec<u8>,
    stco: Vec<u8>,
    edts: Option<Vec<u8>>,
    /// Raw bytes put in `trak` before `mdia`.
    extra: Vec<u8>,
}

impl Trak {
    fn new(mdat_at: u32) -> Self {
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

    fn build(&self) -> Vec<u8> {
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

    fn file(&self) -> Vec<u8> {
        cat(&[ftyp(), bx(b"moov", &cat(&[mvhd(1000, 100), self.build()]))])
    }
}

fn video_trak(mdat_at: u32) -> Vec<u8> {
    Trak::new(mdat_at).build()
}

/// ftyp, moov (one 3-frame H.264 track), mdat: a valid little file.
fn tiny_mp4() -> Vec<u8> {
    let head = ftyp().len() as u32;
    let probe_moov = bx(b"moov", &cat(&[mvhd(1000, 100), video_trak(0)]));
    let mdat_at = head + probe_moov.len() as u32 + 8;
    let moov = bx(b"moov", &cat(&[mvhd(1000, 100), video_trak(mdat_at)]));
    cat(&[ftyp(), moov, bx(b"mdat", &[0x55; 300])])
}

/// A fragmented file: moov with mvex, one moof with an inherited-default
/// trun of `count` samples, then mdat.
fn fragmented_mp4(count: u32) -> Vec<u8> {
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
    let moov = bx(
        b"moov",
        &cat(&[mvhd(1000, 0), trak, bx(b"mvex", &full(b"trex", 0, &trex))]),
    );
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

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

fn corpus_files() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/media");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "the real-world corpus is missing: {} ({e}); clone it as ../shared/corpus beside the repository",
            dir.display()
        )
    });
    let mut files: Vec<(String, Vec<u8>)> = entries
        .map(|e| {
            let p = e.expect("corpus entry").path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).expect("read corpus file"))
        })
        .collect();
    files.sort();
    assert_eq!(files.len(), 80, "corpus media/ should hold 80 files");
    files
}

/// 16 cut points spread over the length, plus the last byte off.
fn cuts(len: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (0..16).map(|k| len * k / 16).collect();
    v.push(len.saturating_sub(1));
    v.dedup();
    v
}

// ---- the cases ----

#[test]
fn synthetic_files_are_understood() {
    let aac = Trak {
        stsd: stsd(&mp4a(&aac_esds())),
        ..Trak::new(0)
    }
    .file();
    let info = run("tiny aac", &aac).expect("aac probes");
    // A `vide` handler over an mp4a entry: no video, the codec still named.
    assert!(info.video.is_none() || info.video.as_ref().is_some_and(|v| v.codec == "aac"));
    let info = run("tiny mp4", &tiny_mp4()).expect("tiny mp4 probes");
    let v = info.video.expect("video");
    assert_eq!((v.codec.as_str(), v.width, v.height), ("h264", 1080, 720));
    assert_eq!(info.duration_s, Some(0.1));
    assert_eq!(info.faststart, Some(true));
    let info = run("fragmented mp4", &fragmented_mp4(30)).expect("fragmented mp4 probes");
    assert!(info.fragmented);
    assert_eq!(info.duration_s, Some(30.0 * 1001.0 / 30000.0));
}

/// Files of every container the probe reads, made by ffmpeg (once, into
/// `target/fixtures/`): AVI (Xvid + MP3, MPEG-4 + PCM, MJPEG), WMV and ASF,
/// MP4 with the index first, last and fragmented, QuickTime and 3GP.
fn format_fixtures() -> Vec<(String, Vec<u8>)> {
    const AV: &str = "-f lavfi -i testsrc2=size=320x180:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 -t 2";
    let x264 = "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac";
    let list = [
        (
            "cut_xvid_mp3.avi",
            format!("{AV} -c:v libxvid -c:a libmp3lame"),
        ),
        (
            "cut_mpeg4_pcm.avi",
            format!("{AV} -c:v mpeg4 -c:a pcm_s16le"),
        ),
        ("cut_mjpeg.avi", format!("{AV} -c:v mjpeg -c:a pcm_s16le")),
        ("cut_wmv2_wmav2.wmv", format!("{AV} -c:v wmv2 -c:a wmav2")),
        ("cut_wmv1.asf", format!("{AV} -c:v wmv1 -c:a wmav1")),
        (
            "cut_faststart.mp4",
            format!("{AV} {x264} -movflags +faststart"),
        ),
        ("cut_moov_end.mp4", format!("{AV} {x264}")),
        (
            "cut_fragmented.mp4",
            format!("{AV} {x264} -g 30 -movflags frag_keyframe+empty_moov"),
        ),
        ("cut_quicktime.mov", format!("{AV} {x264}")),
        (
            "cut_h263.3gp",
            format!("{AV} -s 176x144 -c:v h263 -c:a aac -ac 1 -ar 8000"),
        ),
    ];
    list.iter()
        .map(|(name, args)| {
            let args: Vec<&str> = args.split_whitespace().collect();
            let path = common::fixture(name, &args);
            (name.to_string(), std::fs::read(path).expect("read fixture"))
        })
        .collect()
}

/// A cut file is never a clean result: the probe answers with an error
/// (`truncated`, `no_moov`, …) or a result whose notes say it is cut short.
fn assert_cut_noticed(case: &str, r: &Result<MediaInfo, Error>) {
    if let Ok(info) = r {
        assert!(
            info.notes.iter().any(|n| n.contains("cut short")),
            "{case}: a clean result ({:?} s, notes {:?})",
            info.duration_s,
            info.notes
        );
    }
}

#[test]
fn truncated_everywhere() {
    let mut n = 0;
    let mut files = vec![
        ("tiny mp4".to_string(), tiny_mp4()),
        ("fragmented mp4".to_string(), fragmented_mp4(30)),
    ];
    files.extend(format_fixtures());
    // Whole, each file made here is understood, with no word of a cut (the
    // corpus has files broken on purpose).
    for (name, data) in &files {
        let whole = run(name, data).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            !whole.notes.iter().any(|n| n.contains("cut short")),
            "{name}: whole, yet {:?}",
            whole.notes
        );
    }
    files.extend(corpus_files());
    for (name, data) in &files {
        for cut in cuts(data.len()) {
            let case = format!("{name} cut at {cut} of {}", data.len());
            assert_cut_noticed(&case, &run(&case, &data[..cut]));
            // The same bytes behind the full declared size: a file that
            // shrank while read, every read past the cut coming back short.
            let shrunk = format!("{case}, {} declared", data.len());
            let r = catch_unwind(AssertUnwindSafe(|| {
                drive(&shrunk, data.len() as u64, |off, buf| {
                    let start = (off as usize).min(cut);
                    let n = buf.len().min(cut - start);
                    buf[..n].copy_from_slice(&data[start..start + n]);
                    n
                })
            }));
            assert!(r.is_ok(), "case {shrunk} panicked");
            n += 2;
        }
    }
    eprintln!("{n} truncated probes");
    assert!(n >= 2 * 92 * 16, "{n} truncations");
}

#[test]
fn random_bytes() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for i in 0..200 {
        let len = (rng.next() % 4096) as usize;
        let mut data = rng.bytes(len);
        let what = match i % 4 {
            0 => "random",
            1 => {
                data.splice(0..0, ftyp());
                "ftyp then random"
            }
            2 => {
                // A plausible box header then garbage.
                let kinds: [&[u8; 4]; 6] = [b"moov", b"mdat", b"moof", b"free", b"trak", b"ftyp"];
                let k = kinds[(rng.next() % 6) as usize];
                let size = (rng.next() % 8192) as u32;
                let mut h = be32(size).to_vec();
                h.extend_from_slice(k);
                data.splice(0..0, h);
                data.splice(0..0, ftyp());
                "ftyp, box header, random"
            }
            _ => {
                // A valid file with random bytes over part of it.
                let mut f = tiny_mp4();
                let at = (rng.next() as usize) % f.len();
                let n = (len / 8).min(f.len() - at);
                f[at..at + n].copy_from_slice(&data[..n]);
                data = f;
                "tiny mp4 overwritten"
            }
        };
        let _ = run(
            &format!("random #{i} ({what}, {} bytes)", data.len()),
            &data,
        );
    }
}

/// What a hostile case must come to.
#[derive(Debug, Clone, Copy)]
enum Want {
    /// An error with this code.
    Code(&'static str),
    /// The little file's facts: its 1080×720 H.264 video, this duration, and
    /// a note holding this text (or no note at all).
    Video(f64, Option<&'static str>),
    /// An answer with no video, and a note holding this text.
    NoVideo(&'static str),
    /// An answer naming this video codec (an `mp4a` entry under a `vide`
    /// handler, as the synthetic track has it).
    Codec(&'static str),
}
use Want::{Code, Codec, NoVideo, Video};

/// The little file's 0.1 s (its movie header), nothing noted.
const TINY: Want = Video(0.1, None);
/// The little file's facts, and the file cut short.
const CUT: Want = Video(
    0.1,
    Some("runs past the end of the file: the file is cut short"),
);
const NO_STSD: &str = "the video track has no sample description";

impl Want {
    fn assert(self, name: &str, r: &Result<MediaInfo, Error>) {
        let noted = |m: &MediaInfo, text: &str| {
            assert!(
                m.notes.iter().any(|n| n.contains(text)),
                "{name}: no note {text:?} in {:?}",
                m.notes
            )
        };
        match (self, r) {
            (Code(code), Err(e)) => assert_eq!(e.code, code, "{name}: {e}"),
            (Code(code), Ok(m)) => panic!("{name}: answered {m:?}, expected error {code}"),
            (_, Err(e)) => panic!("{name}: {e}, expected {self:?}"),
            (Video(secs, note), Ok(m)) => {
                let v = m
                    .video
                    .as_ref()
                    .unwrap_or_else(|| panic!("{name}: no video"));
                assert_eq!(
                    (v.codec.as_str(), v.width, v.height),
                    ("h264", 1080, 720),
                    "{name}"
                );
                let d = m.duration_s.unwrap_or(f64::NAN);
                assert!(
                    (d - secs).abs() <= secs * 1e-9,
                    "{name}: {d} s, expected {secs}"
                );
                match note {
                    Some(text) => noted(m, text),
                    None => assert!(m.notes.is_empty(), "{name}: notes {:?}", m.notes),
                }
            }
            (NoVideo(text), Ok(m)) => {
                assert!(m.video.is_none(), "{name}: video {:?}", m.video);
                noted(m, text);
            }
            (Codec(codec), Ok(m)) => assert_eq!(
                m.video.as_ref().map(|v| v.codec.as_str()),
                Some(codec),
                "{name}"
            ),
        }
    }
}

#[test]
fn hostile_box_sizes() {
    let moov_body = cat(&[mvhd(1000, 100), video_trak(0)]);
    let mut cases: Vec<(String, Vec<u8>, Want)> = Vec::new();
    // size 0: the box runs to the end of the file.
    let mut zero_moov = vec![0, 0, 0, 0];
    zero_moov.extend_from_slice(b"moov");
    zero_moov.extend_from_slice(&moov_body);
    cases.push(("moov of size 0".into(), cat(&[ftyp(), zero_moov]), TINY));
    let mut zero_mdat = vec![0, 0, 0, 0];
    zero_mdat.extend_from_slice(b"mdat");
    zero_mdat.extend_from_slice(&[7; 100]);
    cases.push((
        "mdat of size 0 first".into(),
        cat(&[ftyp(), zero_mdat.clone()]),
        Code("no_moov"),
    ));
    // size 1 with largesize 2^64-1.
    for kind in [b"moov", b"mdat", b"free", b"moof", b"ftyp"] {
        let mut b = be32(1).to_vec();
        b.extend_from_slice(kind);
        b.extend_from_slice(&u64::MAX.to_be_bytes());
        b.extend_from_slice(&[0; 64]);
        let name = format!("{} largesize 2^64-1", String::from_utf8_lossy(kind));
        // Before any moov: the moov (or the fragments) cut short, or none.
        let first = match kind {
            b"moov" | b"moof" => Code("truncated"),
            _ => Code("no_moov"),
        };
        cases.push((name.clone(), cat(&[ftyp(), b.clone()]), first));
        // After a whole moov: the facts, and the file cut short.
        cases.push((format!("{name} after moov"), cat(&[tiny_mp4(), b]), CUT));
    }
    // largesize smaller than its 16-byte header.
    let mut small_large = be32(1).to_vec();
    small_large.extend_from_slice(b"moov");
    small_large.extend_from_slice(&9u64.to_be_bytes());
    cases.push((
        "largesize 9".into(),
        cat(&[ftyp(), small_large]),
        Code("corrupt"),
    ));
    // size below 8.
    for s in 2..8u32 {
        let mut b = be32(s).to_vec();
        b.extend_from_slice(b"free");
        b.extend_from_slice(&moov_body);
        cases.push((
            format!("free of size {s}"),
            cat(&[ftyp(), b]),
            Code("corrupt"),
        ));
    }
    // size beyond the end of the file.
    let mut big = be32(1 << 20).to_vec();
    big.extend_from_slice(b"moov");
    big.extend_from_slice(&moov_body);
    cases.push((
        "moov past the end".into(),
        cat(&[ftyp(), big]),
        Code("truncated"),
    ));
    let mut big_ftyp = be32(1 << 20).to_vec();
    big_ftyp.extend_from_slice(b"ftyp");
    cases.push(("ftyp past the end".into(), big_ftyp, Code("truncated")));
    // Children claiming more than their parent.
    let mut liar = be32(1 << 30).to_vec();
    liar.extend_from_slice(b"trak");
    liar.extend_from_slice(&video_trak(0)[8..]);
    cases.push((
        "trak larger than moov".into(),
        cat(&[ftyp(), bx(b"moov", &cat(&[mvhd(1000, 100), liar]))]),
        NoVideo("trak at byte 108 of the moov runs past the moov's end"),
    ));
    let mut liar_stsd = be32(0x7fff_ffff).to_vec();
    liar_stsd.extend_from_slice(b"stsd");
    liar_stsd.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 1]);
    liar_stsd.extend_from_slice(&avc1());
    cases.push((
        "stsd larger than stbl".into(),
        Trak {
            stsd: liar_stsd,
            ..Trak::new(0)
        }
        .file(),
        NoVideo(NO_STSD),
    ));
    let mut liar_entry = stsd(&avc1());
    liar_entry[16..20].copy_from_slice(&be32(u32::MAX));
    cases.push((
        "sample entry larger than stsd".into(),
        Trak {
            stsd: liar_entry,
            ..Trak::new(0)
        }
        .file(),
        NoVideo(NO_STSD),
    ));
    let mut short_entry = stsd(&avc1());
    short_entry[16..20].copy_from_slice(&be32(9));
    cases.push((
        "sample entry of 9 bytes".into(),
        Trak {
            stsd: short_entry,
            ..Trak::new(0)
        }
        .file(),
        NoVideo("the sample entry avc1 of 9 bytes is too short"),
    ));
    let mut liar_avcc = avc1();
    let at = liar_avcc.windows(4).position(|w| w == b"avcC").unwrap();
    liar_avcc[at + 10] = 0xff; // the SPS length's high byte: past the box
    cases.push((
        "avcC SPS length past its box".into(),
        Trak {
            stsd: stsd(&liar_avcc),
            ..Trak::new(0)
        }
        .file(),
        TINY,
    ));
    // Tables claiming 2^32-1 entries.
    let t = Trak::new(0);
    let tables = [
        (
            "stts claims 2^32-1 entries",
            Trak {
                stts: table(b"stts", u32::MAX, &[1, 1]),
                ..t.clone()
            },
        ),
        (
            "stts of 2^32-1 samples",
            Trak {
                stts: table(b"stts", 1, &[u32::MAX, u32::MAX]),
                ..t.clone()
            },
        ),
        (
            "stsz claims 2^32-1 sizes",
            Trak {
                stsz: stsz(0, u32::MAX, &[1, 2, 3]),
                ..t.clone()
            },
        ),
        (
            "stsz 2^32-1 samples of 2^32-1 bytes",
            Trak {
                stsz: stsz(u32::MAX, u32::MAX, &[]),
                ..t.clone()
            },
        ),
        (
            "stsc claims 2^32-1 entries",
            Trak {
                stsc: table(b"stsc", u32::MAX, &[1, 1, 1]),
                ..t.clone()
            },
        ),
        (
            "stco claims 2^32-1 chunks",
            Trak {
                stco: table(b"stco", u32::MAX, &[0]),
                ..t.clone()
            },
        ),
        (
            "co64 claims 2^32-1 chunks",
            Trak {
                stco: table(b"co64", u32::MAX, &[0, 0]),
                ..t.clone()
            },
        ),
        (
            "stsc run past the chunks",
            Trak {
                stsc: table(b"stsc", 1, &[u32::MAX, 1, 1]),
                ..t.clone()
            },
        ),
        (
            "elst claims 2^32-1 edits",
            Trak {
                edts: Some(bx(b"edts", &table(b"elst", u32::MAX, &[1, 0]))),
                ..t.clone()
            },
        ),
        (
            "elst of 2^32-1 ticks",
            Trak {
                edts: Some(bx(b"edts", &table(b"elst", 1, &[u32::MAX, 0, 0x1_0000]))),
                ..t.clone()
            },
        ),
        (
            "stsd claims 2^32-1 entries",
            Trak {
                stsd: table(b"stsd", u32::MAX, &[]),
                ..t.clone()
            },
        ),
        (
            "empty stsd",
            Trak {
                stsd: bx(b"stsd", &[]),
                ..t.clone()
            },
        ),
    ];
    for (name, trak) in tables {
        let want = match name {
            "stsc run past the chunks" => Code("corrupt"),
            "stsd claims 2^32-1 entries" | "empty stsd" => NoVideo(NO_STSD),
            // Each table read as far as its bytes go; the movie header's 0.1 s.
            _ => TINY,
        };
        cases.push((name.into(), trak.file(), want));
    }
    // sgpd claiming 2^32-1 zero-length entries (the mp4-atom crate, our first parser, built each one):
    // in a moof, in a traf, in a sample entry.
    let sgpd = {
        let mut b = b"xxxx".to_vec();
        b.extend_from_slice(&be32(u32::MAX));
        full(b"sgpd", 0, &b)
    };
    let mut frag = fragmented_mp4(3);
    frag.extend_from_slice(&bx(
        b"moof",
        &cat(&[full(b"mfhd", 0, &be32(2)), sgpd.clone()]),
    ));
    frag.extend_from_slice(&bx(b"moof", &bx(b"traf", &sgpd)));
    cases.push((
        "sgpd of 2^32-1 entries in moof and traf".into(),
        frag,
        Video(3.0 * 1001.0 / 30000.0, None),
    ));
    let mut entry = avc1();
    entry.extend_from_slice(&sgpd);
    let len = entry.len() as u32;
    entry[0..4].copy_from_slice(&be32(len));
    cases.push((
        "sgpd of 2^32-1 entries in avc1".into(),
        Trak {
            stsd: stsd(&entry),
            ..Trak::new(0)
        }
        .file(),
        TINY,
    ));
    // Descriptors nested 20,000 deep in an esds (the mp4-atom crate, our first parser, decoded each
    // before finding it out of place).
    for (name, tag, prefix) in [
        (
            "esds: ES_Descriptor nested 20,000 deep",
            3u8,
            vec![0u8, 1, 0],
        ),
        (
            "esds: DecoderConfig nested 20,000 deep",
            4u8,
            vec![0x40, 0x15, 0, 0, 0, 0, 1, 0xf4, 0, 0, 1, 0xf4, 0],
        ),
    ] {
        let mut inner = desc(5, &[0x12, 0x10]);
        for _ in 0..20_000 {
            let mut body = prefix.clone();
            body.extend_from_slice(&inner);
            inner = desc(tag, &body);
        }
        let mut es = vec![0, 1, 0];
        es.extend_from_slice(&inner);
        let esds = desc(3, &es);
        let trak = Trak {
            stsd: stsd(&mp4a(&esds)),
            ..Trak::new(0)
        };
        // The esds read no deeper than its own descriptors: the entry's codec.
        cases.push((name.into(), trak.file(), Codec("aac")));
        // The same inside a QuickTime `wave`.
        let mut entry = mp4a(&aac_esds());
        let at = entry.windows(4).position(|w| w == b"esds").unwrap() - 4;
        entry.truncate(at);
        entry.extend_from_slice(&bx(b"wave", &full(b"esds", 0, &esds)));
        let len = entry.len() as u32;
        entry[0..4].copy_from_slice(&be32(len));
        let trak = Trak {
            stsd: stsd(&entry),
            ..Trak::new(0)
        };
        cases.push((format!("{name}, in wave"), trak.file(), Codec("aac")));
    }
    // Fragments claiming 2^32-1 inherited samples.
    cases.push((
        "trun of 2^32-1 inherited samples".into(),
        fragmented_mp4(u32::MAX),
        // What the run says, multiplied, not counted sample by sample.
        Video(f64::from(u32::MAX) * 1001.0 / 30000.0, None),
    ));
    let mut n = 0;
    eprintln!("{} hostile box cases", cases.len());
    for (name, data, want) in cases {
        let name = name.as_str();
        let r = run(name, &data);
        want.assert(name, &r);
        n += 1;
    }
    assert!(n > 30);
}

/// What `cargo fuzz` found, kept in `fuzz/regressions/`.
#[test]
fn fuzz_regressions() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("fuzz/regressions") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "md") {
            continue;
        }
        let data = std::fs::read(&p).expect("read regression");
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let t = std::time::Instant::now();
        let _ = run(&name, &data);
        assert!(
            t.elapsed().as_secs_f64() < 1.0,
            "{name}: took {:?}",
            t.elapsed()
        );
        n += 1;
    }
    assert!(n >= 1);
}

#[test]
fn deep_nesting() {
    let chains: [&[&[u8; 4]]; 5] = [
        &[b"trak", b"mdia", b"minf", b"stbl"],
        &[b"udta", b"meta"],
        &[b"mvex"],
        &[b"edts"],
        &[b"dinf", b"stbl", b"stsd"],
    ];
    for chain in chains {
        let mut inner = mvhd(1000, 100);
        for i in 0..10_000 {
            inner = bx(chain[i % chain.len()], &inner);
        }
        let name = format!(
            "moov > {} … 10,000 levels",
            chain
                .iter()
                .map(|k| String::from_utf8_lossy(*k))
                .collect::<Vec<_>>()
                .join(" > ")
        );
        // The movie header sits at the bottom, out of reach: no header, no track.
        let r = run(&name, &cat(&[ftyp(), bx(b"moov", &inner)]));
        Code("corrupt").assert(&name, &r);
        // The same inside a fragment of a fragmented file.
        let mut frag = fragmented_mp4(3);
        let mut deep = full(b"mfhd", 0, &be32(1));
        for i in 0..10_000 {
            deep = bx(
                if i % 2 == 0 {
                    b"traf"
                } else {
                    chain[i % chain.len()]
                },
                &deep,
            );
        }
        frag.extend_from_slice(&bx(b"moof", &deep));
        // A fragment nobody can read adds nothing: the three frames before it.
        let name = format!("{name} in a moof");
        Video(3.0 * 1001.0 / 30000.0, None).assert(&name, &run(&name, &frag));
    }
    // Inside a sample entry, where the mp4-atom crate, our first parser, decoded children of any kind.
    for chain in [
        &[b"sinf", b"schi"][..],
        &[b"avc1"],
        &[b"moov", b"trak", b"mdia"],
        &[b"stsd"],
    ] {
        let mut inner = bx(b"pasp", &[0, 0, 0, 1, 0, 0, 0, 1]);
        for i in 0..10_000 {
            inner = bx(chain[i % chain.len()], &inner);
        }
        let mut entry = avc1();
        entry.extend_from_slice(&inner);
        let len = entry.len() as u32;
        entry[0..4].copy_from_slice(&be32(len));
        let file = Trak {
            stsd: stsd(&entry),
            ..Trak::new(0)
        }
        .file();
        let name = format!(
            "avc1 > {:?} … 10,000 levels",
            chain
                .iter()
                .map(|k| String::from_utf8_lossy(*k))
                .collect::<Vec<_>>()
        );
        let info = run(&name, &file).expect("the track still answers");
        // The raw fallback still names the codec and size.
        let v = info.video.expect("video");
        assert_eq!(
            (v.codec.as_str(), v.width, v.height),
            ("h264", 1080, 720),
            "{name}"
        );
    }
}

#[test]
fn huge_declared_sizes() {
    const TIB: u64 = 1 << 40;
    // Zeros throughout.
    let (r, fed) = run_huge("2^40 zeros", TIB, &[], |_| 0);
    Code("unknown_format").assert("2^40 zeros", &r);
    assert!(fed <= LOOKAHEAD, "read {fed}");
    // ftyp, then zeros: a size-0 box runs to the end.
    let (r, fed) = run_huge("ftyp then 2^40 zeros", TIB, &ftyp(), |_| 0);
    assert_eq!(r.unwrap_err().code, "no_moov");
    assert!(fed <= LOOKAHEAD, "read {fed}");
    // moov claiming 4 GiB (largesize), 64 GiB, MAX_MOOV + 1.
    for size in [4u64 << 30, 64 << 30, MAX_MOOV + 1] {
        let mut head = ftyp();
        head.extend_from_slice(&be32(1));
        head.extend_from_slice(b"moov");
        head.extend_from_slice(&size.to_be_bytes());
        let (r, fed) = run_huge(&format!("moov claiming {size} bytes"), TIB, &head, |_| 0);
        assert_eq!(r.unwrap_err().code, "too_large");
        assert!(fed <= LOOKAHEAD, "read {fed}");
    }
    // A moov just under the cap, full of zeros: read once, then judged.
    let mut head = ftyp();
    head.extend_from_slice(&be32((MAX_MOOV - 64) as u32));
    head.extend_from_slice(b"moov");
    let (_, fed) = run_huge("moov of MAX_MOOV - 64 zeros", TIB, &head, |_| 0);
    assert!(fed <= MAX_MOOV + LOOKAHEAD, "read {fed}");
    // A valid file, then 2^40 bytes of mdat (size 0).
    let mut head = tiny_mp4();
    head.extend_from_slice(&[0, 0, 0, 0]);
    head.extend_from_slice(b"mdat");
    let (r, fed) = run_huge("tiny mp4 then a 2^40 mdat", TIB, &head, |_| 0);
    TINY.assert("tiny mp4 then a 2^40 mdat", &r);
    assert!(fed <= LOOKAHEAD, "read {fed}");
    // mdat first, 2^40 bytes of it, then nothing readable.
    let mut head = ftyp();
    head.extend_from_slice(&be32(1));
    head.extend_from_slice(b"mdat");
    head.extend_from_slice(&(TIB - 64).to_be_bytes());
    let (r, fed) = run_huge("2^40 mdat then garbage", TIB, &head, |_| 0xAB);
    Code("no_moov").assert("2^40 mdat then garbage", &r);
    assert!(fed <= 2 * LOOKAHEAD, "read {fed}");
    // Endless 8-byte free boxes before any moov.
    let free = bx(b"free", &[]);
    let fl = ftyp().len() as u64;
    let (r, fed) = run_huge("2^40 of 8-byte free boxes", TIB, &ftyp(), move |at| {
        free[((at - fl) % 8) as usize]
    });
    Code("no_moov").assert("2^40 of 8-byte free boxes", &r);
    assert!(fed <= BUDGET, "read {fed}");
    // A fragmented file whose fragments never end.
    let frag = fragmented_mp4(1);
    let moof_at = frag.windows(4).position(|w| w == b"moof").unwrap() - 4;
    let pair = frag[moof_at..].to_vec();
    let head = frag[..moof_at].to_vec();
    let hl = head.len() as u64;
    let (r, fed) = run_huge("2^40 of fragments", TIB, &head, move |at| {
        pair[((at - hl) % pair.len() as u64) as usize]
    });
    let info = r.expect("fragmented file answers");
    assert!(
        info.notes.iter().any(|n| n.contains("fragment")),
        "{:?}",
        info.notes
    );
    assert!(fed <= BUDGET, "read {fed}");
}

fn le32_at(b: &[u8], i: usize) -> usize {
    u32::from_le_bytes(b[i..i + 4].try_into().unwrap()) as usize
}

fn find(b: &[u8], what: &[u8]) -> usize {
    b.windows(what.len())
        .position(|w| w == what)
        .unwrap_or_else(|| panic!("no {what:?}"))
}

/// The error's code and English message, or "answered" with the notes.
fn outcome(r: &Result<MediaInfo, Error>) -> (String, String) {
    match r {
        Err(e) => (e.code.to_string(), e.message_en.clone()),
        Ok(m) => ("answered".into(), m.notes.join("; ")),
    }
}

/// Each promise an AVI or ASF header makes about the file's extent, broken
/// alone: the `RIFF` size, the `movi` size, the `idx1` that `AVIF_HASINDEX`
/// promises, the header read itself; ASF's file size, Data Object size and
/// packet count.
#[test]
fn riff_and_asf_sizes_against_the_file() {
    let fixtures = format_fixtures();
    let get = |name: &str| {
        fixtures
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| d.clone())
            .unwrap()
    };
    // The first 1/18 (as 1 MB of an 18 MB file: in these small files, inside
    // the header), and the first half (inside the media data).
    for name in [
        "cut_xvid_mp3.avi",
        "cut_mpeg4_pcm.avi",
        "cut_mjpeg.avi",
        "cut_wmv2_wmav2.wmv",
        "cut_wmv1.asf",
    ] {
        let data = get(name);
        for cut in [data.len() / 18, data.len() / 2] {
            let r = run(name, &data[..cut]);
            assert_eq!(outcome(&r).0, "truncated", "{name} cut at {cut}: {r:?}");
        }
    }

    let avi = get("cut_xvid_mp3.avi");
    let movi_at = find(&avi, b"movi") - 8;
    let movi_end = movi_at + 8 + le32_at(&avi, movi_at + 4);
    assert_eq!(&avi[movi_end..movi_end + 4], b"idx1");
    // RIFF size rewritten to the cut (as a "repair" tool might), the movi
    // list still claiming its frames.
    let cut = movi_at + 12 + 1000;
    let mut a = avi[..cut].to_vec();
    a[4..8].copy_from_slice(&((cut - 8) as u32).to_le_bytes());
    let (code, msg) = outcome(&run("avi, RIFF size fits, movi does not", &a));
    assert_eq!(code, "truncated", "{msg}");
    assert!(msg.contains("movi"), "{msg}");
    // RIFF and movi both fit but the promised idx1 is gone: it plays, unindexed.
    let mut a = avi[..movi_end].to_vec();
    a[4..8].copy_from_slice(&((movi_end - 8) as u32).to_le_bytes());
    let (code, msg) = outcome(&run("avi without its idx1", &a));
    assert_eq!(code, "answered");
    assert!(msg.contains("idx1") && msg.contains("cut short"), "{msg}");
    // The same, with something other than idx1 where the index must be.
    let mut a = avi.clone();
    a[movi_end..movi_end + 4].copy_from_slice(b"JUNK");
    let (code, msg) = outcome(&run("avi with JUNK for its idx1", &a));
    assert_eq!(code, "answered");
    assert!(msg.contains("idx1") && msg.contains("cut short"), "{msg}");
    // The header read coming back short: the file shrank while read.
    let (r, _) = drive("avi header read short", avi.len() as u64, |off, buf| {
        let start = (off as usize).min(4000);
        let n = buf.len().min(4000 - start);
        buf[..n].copy_from_slice(&avi[start..start + n]);
        n
    });
    let (code, msg) = outcome(&r);
    assert_eq!(code, "truncated", "{msg}");
    assert!(msg.contains("hdrl"), "{msg}");

    let wmv = get("cut_wmv2_wmav2.wmv");
    let header = u64::from_le_bytes(wmv[16..24].try_into().unwrap()) as usize;
    // File Properties: its GUID, size(8), then file id(16), file size(8).
    let props_guid = [
        0xA1, 0xDC, 0xAB, 0x8C, 0x47, 0xA9, 0xCF, 0x11, 0x8E, 0xE4, 0x00, 0xC0, 0x0C, 0x20, 0x53,
        0x65,
    ];
    let file_size_at = find(&wmv, &props_guid) + 24 + 16;
    let data_size_at = header + 16;
    let cut = wmv.len() / 2;
    let mut w = wmv[..cut].to_vec();
    let (code, msg) = outcome(&run("wmv cut in half", &w));
    assert_eq!(code, "truncated", "{msg}");
    assert!(msg.contains("ASF file"), "{msg}");
    // Without the file size (0: not known), the Data Object's size tells.
    w[file_size_at..file_size_at + 8].fill(0);
    let (code, msg) = outcome(&run("wmv cut in half, no file size", &w));
    assert_eq!(code, "truncated", "{msg}");
    assert!(msg.contains("data object"), "{msg}");
    // Without either, the packet count times the packet size.
    w[data_size_at..data_size_at + 8].fill(0);
    let (code, msg) = outcome(&run("wmv cut in half, no sizes", &w));
    assert_eq!(code, "truncated", "{msg}");
    assert!(msg.contains("packets"), "{msg}");
    // Cut inside the header.
    let (code, msg) = outcome(&run("wmv header cut", &wmv[..header / 2]));
    assert_eq!(code, "truncated", "{msg}");
    assert!(msg.contains("ASF header cut short"), "{msg}");
    // Cut just after the header, without a file size: no Data Object at all.
    let mut w = wmv[..header + 10].to_vec();
    w[file_size_at..file_size_at + 8].fill(0);
    let (code, msg) = outcome(&run("wmv header only", &w));
    assert_eq!(code, "truncated", "{msg}");
    assert!(msg.contains("ASF data cut short"), "{msg}");
}
