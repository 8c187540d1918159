//! The checked driver of the hostile tests: every probe runs under
//! `catch_unwind` (so a panic names its case), through both `probe_bytes` and
//! a driver that checks each range the probe asks for, within a read budget;
//! the answer is a result or an error with a known code and both messages.
//! Also the inputs they share (ffmpeg fixtures of every container, the
//! real-world corpus, cut points, a seeded random source) and [`Want`], what
//! a case must come to.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use preflight::Error;
use preflight::probe::{MAX_MOOV, MAX_READS, MediaInfo, Poll, Probe, probe_bytes, probe_with};

/// Every code the probe may answer with.
pub const CODES: &[&str] = &[
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
pub const BUDGET: u64 = MAX_MOOV + 64 * 1024;

pub fn check_error(case: &str, e: &Error) {
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
pub fn drive(
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
pub fn run(case: &str, data: &[u8]) -> Result<MediaInfo, Error> {
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
pub fn run_huge(
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

pub struct XorShift(pub u64);

impl XorShift {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

pub fn corpus_files() -> Vec<(String, Vec<u8>)> {
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
pub fn cuts(len: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (0..16).map(|k| len * k / 16).collect();
    v.push(len.saturating_sub(1));
    v.dedup();
    v
}

/// Files of every container the probe reads, made by ffmpeg (once, into
/// `target/fixtures/`): AVI (Xvid + MP3, MPEG-4 + PCM, MJPEG), WMV and ASF,
/// MP4 with the index first, last and fragmented, QuickTime and 3GP.
pub fn format_fixtures() -> Vec<(String, Vec<u8>)> {
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
            let path = super::fixture(name, &args);
            (name.to_string(), std::fs::read(path).expect("read fixture"))
        })
        .collect()
}

/// A cut file is never a clean result: the probe answers with an error
/// (`truncated`, `no_moov`, …) or a result whose notes say it is cut short.
pub fn assert_cut_noticed(case: &str, r: &Result<MediaInfo, Error>) {
    if let Ok(info) = r {
        assert!(
            info.notes.iter().any(|n| n.contains("cut short")),
            "{case}: a clean result ({:?} s, notes {:?})",
            info.duration_s,
            info.notes
        );
    }
}

/// What a hostile case must come to.
#[derive(Debug, Clone, Copy)]
pub enum Want {
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
pub use Want::{Code, Codec, NoVideo, Video};

/// The little file's 0.1 s (its movie header), nothing noted.
pub const TINY: Want = Video(0.1, None);
/// The little file's facts, and the file cut short.
pub const CUT: Want = Video(
    0.1,
    Some("runs past the end of the file: the file is cut short"),
);
pub const NO_STSD: &str = "the video track has no sample description";

impl Want {
    pub fn assert(self, name: &str, r: &Result<MediaInfo, Error>) {
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

pub fn le32_at(b: &[u8], i: usize) -> usize {
    u32::from_le_bytes(b[i..i + 4].try_into().unwrap()) as usize
}

pub fn find(b: &[u8], what: &[u8]) -> usize {
    b.windows(what.len())
        .position(|w| w == what)
        .unwrap_or_else(|| panic!("no {what:?}"))
}

/// The error's code and English message, or "answered" with the notes.
pub fn outcome(r: &Result<MediaInfo, Error>) -> (String, String) {
    match r {
        Err(e) => (e.code.to_string(), e.message_en.clone()),
        Ok(m) => ("answered".into(), m.notes.join("; ")),
    }
}
