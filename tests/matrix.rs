//! A seeded random matrix of ffmpeg encodes, every fact the probe reports
//! compared with ffprobe's: container, duration, codecs, coded and display
//! size, pixel aspect, rotation, frame rate, audio channels and sample rate,
//! faststart and fragmentation.
//!
//! Video codecs × containers × sizes (odd ones and portrait included) × frame
//! rates (30000/1001 and 24000/1001 included) × pixel aspect × audio codecs
//! and layouts (mono, stereo, 5.1, none) × faststart / moov last / fragmented
//! × a `tkhd` rotation. Each case is about a second at a small size.
//!
//! The seed and the number of cases are fixed for CI and can be set by hand:
//! `PREFLIGHT_MATRIX_SEED=7 PREFLIGHT_MATRIX_N=150 cargo test --test matrix`.
//! Encodes are kept in `target/fixtures/` under a name built from their
//! parameters, so a second run only probes.

mod common;

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Mutex;

use common::{Fact, check, ffmpeg, fixture_with, patch_rotation};

const CI_SEED: u64 = 20_260_314;
const CI_CASES: usize = 40;

/// SplitMix64: small, and the same numbers on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, from: &'a [T]) -> &'a T {
        &from[self.below(from.len())]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Mp4,
    Mov,
    M4v,
    Avi,
    Wmv,
}

impl Container {
    fn ext(self) -> &'static str {
        match self {
            Container::Mp4 => "mp4",
            Container::Mov => "mov",
            Container::M4v => "m4v",
            Container::Avi => "avi",
            Container::Wmv => "wmv",
        }
    }
    fn iso_bmff(self) -> bool {
        matches!(self, Container::Mp4 | Container::Mov | Container::M4v)
    }
    /// The video encoders ffmpeg 5.1 muxes into it (checked by hand: SVT-AV1
    /// into MOV hangs, the `ipod` muxer behind .m4v takes H.264 and MPEG-4).
    fn video(self) -> &'static [Video] {
        use Video::*;
        match self {
            Container::Mp4 => &[H264, Hevc, Mpeg4, Av1, Vp9],
            Container::Mov => &[H264, Hevc, Mpeg4],
            Container::M4v => &[H264, Mpeg4],
            Container::Avi => &[H264, Hevc, Mpeg4, Vp9],
            Container::Wmv => &[Wmv2],
        }
    }
    fn audio(self) -> &'static [Audio] {
        use Audio::*;
        match self {
            Container::Mp4 => &[Aac, Ac3, Eac3, Mp3, Opus, Silent],
            Container::Mov => &[Aac, Ac3, Eac3, Mp3, Silent],
            Container::M4v => &[Aac, Ac3, Silent],
            Container::Avi => &[Aac, Ac3, Mp3, Silent],
            Container::Wmv => &[Wmav2, Mp3, Ac3, Silent],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Video {
    H264,
    Hevc,
    Mpeg4,
    Av1,
    Vp9,
    Wmv2,
}

impl Video {
    fn name(self) -> &'static str {
        match self {
            Video::H264 => "h264",
            Video::Hevc => "hevc",
            Video::Mpeg4 => "mpeg4",
            Video::Av1 => "av1",
            Video::Vp9 => "vp9",
            Video::Wmv2 => "wmv2",
        }
    }
    /// Encoder options; `odd` when the picture has an odd width or height
    /// (H.264 and HEVC take one only without chroma subsampling).
    fn args(self, odd: bool, iso: bool) -> String {
        let pix = if odd { "yuv444p" } else { "yuv420p" };
        match self {
            Video::H264 => format!("-c:v libx264 -preset ultrafast -pix_fmt {pix}"),
            Video::Hevc => format!(
                "-c:v libx265 -preset ultrafast -x265-params log-level=error -pix_fmt {pix}{}",
                if iso { " -tag:v hvc1" } else { "" }
            ),
            Video::Mpeg4 => "-c:v mpeg4 -q:v 5 -pix_fmt yuv420p".into(),
            Video::Av1 => "-c:v libsvtav1 -preset 12 -pix_fmt yuv420p".into(),
            Video::Vp9 => {
                "-c:v libvpx-vp9 -deadline realtime -cpu-used 8 -b:v 300k -pix_fmt yuv420p".into()
            }
            Video::Wmv2 => "-c:v wmv2 -b:v 300k".into(),
        }
    }
    /// SVT-AV1 and WMV2 refuse odd sizes.
    fn takes_odd(self) -> bool {
        !matches!(self, Video::Av1 | Video::Wmv2)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audio {
    Aac,
    Ac3,
    Eac3,
    Mp3,
    Opus,
    Wmav2,
    Silent,
}

impl Audio {
    fn name(self) -> &'static str {
        match self {
            Audio::Aac => "aac",
            Audio::Ac3 => "ac3",
            Audio::Eac3 => "eac3",
            Audio::Mp3 => "mp3",
            Audio::Opus => "opus",
            Audio::Wmav2 => "wmav2",
            Audio::Silent => "none",
        }
    }
    fn encoder(self) -> &'static str {
        match self {
            Audio::Aac => "aac",
            Audio::Ac3 => "ac3",
            Audio::Eac3 => "eac3",
            Audio::Mp3 => "libmp3lame",
            Audio::Opus => "libopus",
            Audio::Wmav2 => "wmav2",
            Audio::Silent => "",
        }
    }
    fn layouts(self) -> &'static [&'static str] {
        match self {
            Audio::Aac | Audio::Ac3 | Audio::Eac3 | Audio::Opus => &["mono", "stereo", "5.1"],
            Audio::Mp3 | Audio::Wmav2 => &["mono", "stereo"],
            Audio::Silent => &[""],
        }
    }
    fn rates(self) -> &'static [u32] {
        match self {
            Audio::Aac => &[48_000, 44_100, 32_000, 22_050],
            Audio::Ac3 | Audio::Eac3 => &[48_000, 44_100, 32_000],
            Audio::Mp3 => &[48_000, 44_100, 32_000, 24_000],
            Audio::Opus => &[48_000],
            Audio::Wmav2 => &[44_100, 48_000, 22_050],
            Audio::Silent => &[0],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    MoovLast,
    Faststart,
    Fragmented,
}

#[derive(Debug, Clone)]
struct Case {
    container: Container,
    video: Video,
    width: u32,
    height: u32,
    rate: &'static str,
    sar: (u32, u32),
    audio: Audio,
    channels: &'static str,
    sample_rate: u32,
    layout: Layout,
    rotation: u32,
    /// Tenths of a second.
    tenths: u32,
}

const SIZES: &[(u32, u32)] = &[
    (320, 180),
    (322, 178),
    (641, 359),
    (180, 320),
    (359, 641),
    (256, 144),
    (426, 240),
    (200, 200),
    (96, 64),
];
const RATES: &[&str] = &[
    "30000/1001",
    "25",
    "24000/1001",
    "50",
    "30",
    "60000/1001",
    "15",
];
const SARS: &[(u32, u32)] = &[(1, 1), (1, 1), (4, 3), (64, 45), (8, 9), (32, 27), (16, 11)];

impl Case {
    fn draw(rng: &mut Rng) -> Case {
        let container = *rng.pick(&[
            Container::Mp4,
            Container::Mp4,
            Container::Mov,
            Container::M4v,
            Container::Avi,
            Container::Wmv,
        ]);
        let video = *rng.pick(container.video());
        let (mut width, mut height) = *rng.pick(SIZES);
        if !video.takes_odd() {
            width += width % 2;
            height += height % 2;
        }
        let audio = *rng.pick(container.audio());
        let layout = if container.iso_bmff() {
            *rng.pick(&[Layout::MoovLast, Layout::Faststart, Layout::Fragmented])
        } else {
            Layout::MoovLast
        };
        // Rotation is patched into the tkhd of a whole (not fragmented) file.
        let rotation = if container.iso_bmff() && layout != Layout::Fragmented {
            *rng.pick(&[0, 0, 90, 180, 270])
        } else {
            0
        };
        Case {
            container,
            video,
            width,
            height,
            rate: RATES[rng.below(RATES.len())],
            sar: *rng.pick(SARS),
            audio,
            channels: {
                let l = audio.layouts();
                l[rng.below(l.len())]
            },
            sample_rate: *rng.pick(audio.rates()),
            layout,
            rotation,
            tenths: 6 + rng.below(9) as u32,
        }
    }

    fn odd(&self) -> bool {
        self.width % 2 == 1 || self.height % 2 == 1
    }

    /// The ffmpeg arguments before the output name.
    fn args(&self) -> String {
        let secs = format!("{}.{}", self.tenths / 10, self.tenths % 10);
        let mut a = format!(
            "-f lavfi -i testsrc2=size=320x240:rate={rate}",
            rate = self.rate
        );
        if self.audio != Audio::Silent {
            let _ = write!(
                a,
                " -f lavfi -i sine=frequency=440:sample_rate={}",
                self.sample_rate
            );
        }
        let _ = write!(
            a,
            " -t {secs} -vf scale={}:{},setsar={}/{} {}",
            self.width,
            self.height,
            self.sar.0,
            self.sar.1,
            self.video.args(self.odd(), self.container.iso_bmff())
        );
        if self.audio == Audio::Silent {
            a.push_str(" -an");
        } else {
            let _ = write!(
                a,
                " -c:a {} -ac {} -channel_layout {} -ar {}",
                self.audio.encoder(),
                match self.channels {
                    "mono" => 1,
                    "stereo" => 2,
                    _ => 6,
                },
                self.channels,
                self.sample_rate
            );
            if self.audio == Audio::Opus && self.channels == "5.1" {
                a.push_str(" -mapping_family 1");
            }
        }
        match self.layout {
            Layout::MoovLast => {}
            Layout::Faststart => a.push_str(" -movflags +faststart"),
            Layout::Fragmented => {
                a.push_str(" -movflags +frag_keyframe+empty_moov");
                // The muxer needs an AC-3 or E-AC-3 packet before it writes
                // the moov (its dac3/dec3 come from the first frame).
                if matches!(self.audio, Audio::Ac3 | Audio::Eac3) {
                    a.push_str("+delay_moov");
                }
            }
        }
        a.push_str(" -threads 1");
        a
    }

    /// A file name made of the parameters (and a hash of the whole command).
    fn file_name(&self) -> String {
        let args = self.args();
        let mut h: u64 = 0xCBF2_9CE4_8422_2325;
        for b in args.bytes().chain(self.rotation.to_le_bytes()) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
        }
        format!(
            "matrix-{}-{}{}-{}x{}-{}-r{}-{:08x}.{}",
            self.video.name(),
            self.audio.name(),
            self.channels.replace('.', ""),
            self.width,
            self.height,
            self.rate.replace('/', "_"),
            self.rotation,
            h as u32,
            self.container.ext()
        )
    }

    /// The command to reproduce the file by hand.
    fn command(&self) -> String {
        let mut c = format!("ffmpeg {} {}", self.args(), self.file_name());
        if self.rotation != 0 {
            let _ = write!(
                c,
                "  (then the video tkhd matrix patched to {}° clockwise)",
                self.rotation
            );
        }
        c
    }

    fn make(&self) -> PathBuf {
        let name = self.file_name();
        let args = self.args();
        let args: Vec<&str> = args.split_whitespace().collect();
        fixture_with(&name, |out| {
            ffmpeg(&name, &args, out);
            if self.rotation != 0 {
                patch_rotation(out, self.rotation);
            }
        })
    }
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(s) => s
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={s:?} is not a number")),
        Err(_) => default,
    }
}

/// Check one case; every disagreement as a line.
fn disagreements(case: &Case) -> Vec<String> {
    let path = case.make();
    let c = check(&path);
    let mut out: Vec<String> = c
        .failures
        .iter()
        .filter(|(fact, _)| {
            // Duration and frame rate are compared more tightly below.
            if matches!(fact, Fact::Duration | Fact::FrameRate) {
                return false;
            }
            // An AVI's video bitrate is an estimate from the headers (the
            // `movi` size less the audio's nominal rate and the chunk
            // headers); ffprobe sums the index. Checks use the whole file's
            // bitrate, which is exact; this one is only shown.
            if *fact == Fact::VideoBitrate && case.container == Container::Avi {
                return false;
            }
            // Where only the media data tells the channel count (MP3 in an
            // MP4, whose sample entry's count is the template 2) the probe
            // says "unknown" rather than guessing. A MOV's QuickTime sound
            // description carries the real count.
            !(*fact == Fact::Channels
                && case.audio == Audio::Mp3
                && case.container == Container::Mp4
                && c.info.audio.as_ref().is_some_and(|a| a.channels.is_none()))
        })
        .map(|(_, m)| m.clone())
        .collect();
    // Tighter than the shared comparison (50 ms, 1 %): the duration to one
    // millisecond, the frame rate to 0.05 % (29.97 is not 30).
    //
    // ffprobe's format duration counts a stream's start offset (a WMV's
    // video starting 43 ms in, a fragmented file's B-frame delay without an
    // edit list, AC-3's priming at -5.3 ms); the probe reports the content's
    // length, the longest stream's own duration. Where ffprobe shows such an
    // offset, that is the figure to agree with.
    let secs = |v: &serde_json::Value| v.as_str().and_then(|s| s.parse::<f64>().ok());
    let streams = c.ffprobe["streams"].as_array().cloned().unwrap_or_default();
    let offset = streams
        .iter()
        .any(|s| secs(&s["start_time"]).is_some_and(|t| t != 0.0));
    let longest = streams
        .iter()
        .filter_map(|s| secs(&s["duration"]))
        .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.max(d))));
    let ff_dur = secs(&c.ffprobe["format"]["duration"]);
    let close = |x: Option<f64>, y: f64| x.is_some_and(|x| (x - y).abs() <= 0.001);
    match c.info.duration_s {
        Some(d) if close(ff_dur, d) || (offset && close(longest, d)) => {}
        d => out.push(format!(
            "Duration (1 ms): ffprobe format {ff_dur:?} s (longest stream {longest:?} s{}), probe {d:?} s",
            if offset { ", a stream starts off zero" } else { "" }
        )),
    }
    let rate = |s: &str| {
        let (a, b) = s.split_once('/').unwrap_or((s, "1"));
        Some(a.parse::<f64>().ok()? / b.parse::<f64>().ok()?)
    };
    let ff_video = c.ffprobe["streams"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["codec_type"] == "video"));
    if let Some(s) = ff_video
        && let Some(a) = s["avg_frame_rate"].as_str().and_then(rate)
        && a.is_finite()
        && a > 0.0
    {
        match c.info.video.as_ref().and_then(|v| v.frame_rate) {
            Some(b) if (a - b).abs() <= 0.0005 * a => {}
            // ffmpeg's ASF muxer writes no Extended Stream Properties: no
            // header field says the rate, and the probe says "unknown"
            // (ffprobe counts packets; see tests/fixtures.rs `wmv`).
            None if case.container == Container::Wmv => {}
            b => out.push(format!(
                "FrameRate (0.05 %): ffprobe avg_frame_rate {a}, probe {b:?}"
            )),
        }
    }
    out
}

#[test]
fn random_encodes_agree_with_ffprobe() {
    let seed = env_or("PREFLIGHT_MATRIX_SEED", CI_SEED);
    let n = env_or("PREFLIGHT_MATRIX_N", CI_CASES);
    let mut rng = Rng(seed);
    let cases: Vec<Case> = (0..n).map(|_| Case::draw(&mut rng)).collect();

    let next = Mutex::new(0usize);
    let results: Mutex<Vec<(usize, Vec<String>)>> = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = {
                        let mut n = next.lock().unwrap();
                        let i = *n;
                        *n += 1;
                        i
                    };
                    let Some(case) = cases.get(i) else { break };
                    let found =
                        std::panic::catch_unwind(|| disagreements(case)).unwrap_or_else(|e| {
                            let msg = e
                                .downcast_ref::<String>()
                                .cloned()
                                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                                .unwrap_or_default();
                            vec![format!("panicked: {msg}")]
                        });
                    results.lock().unwrap().push((i, found));
                }
            });
        }
    });

    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|r| r.0);
    let mut report = String::new();
    let mut bad = 0;
    for (i, found) in &results {
        if found.is_empty() {
            continue;
        }
        bad += 1;
        let case = &cases[*i];
        let _ = writeln!(report, "case {i}: {}", case.command());
        for f in found {
            let _ = writeln!(report, "    {f}");
        }
    }
    assert_eq!(results.len(), n, "every case ran");
    assert!(
        bad == 0,
        "seed {seed}, {n} cases: {bad} disagree with ffprobe \
         (rerun with PREFLIGHT_MATRIX_SEED={seed} PREFLIGHT_MATRIX_N={n}):\n{report}"
    );
}

/// The matrix draws every container, codec and layout it names (so a
/// change to the tables cannot quietly shrink CI's set).
#[test]
fn ci_seed_covers_the_axes() {
    let mut rng = Rng(CI_SEED);
    let cases: Vec<Case> = (0..CI_CASES).map(|_| Case::draw(&mut rng)).collect();
    let mut missing = Vec::new();
    for c in [
        Container::Mp4,
        Container::Mov,
        Container::M4v,
        Container::Avi,
        Container::Wmv,
    ] {
        if !cases.iter().any(|k| k.container == c) {
            missing.push(format!("{c:?}"));
        }
    }
    for v in [
        Video::H264,
        Video::Hevc,
        Video::Mpeg4,
        Video::Av1,
        Video::Vp9,
    ] {
        if !cases.iter().any(|k| k.video == v) {
            missing.push(format!("{v:?}"));
        }
    }
    for (a, ch) in [
        (Audio::Aac, "mono"),
        (Audio::Aac, "5.1"),
        (Audio::Ac3, "5.1"),
        (Audio::Mp3, "mono"),
        (Audio::Opus, "stereo"),
        (Audio::Silent, ""),
    ] {
        if !cases.iter().any(|k| k.audio == a && k.channels == ch) {
            missing.push(format!("{a:?} {ch}"));
        }
    }
    type Check = (&'static str, fn(&Case) -> bool);
    let checks: [Check; 6] = [
        ("odd size", |k| k.odd()),
        ("portrait", |k| k.height > k.width),
        ("30000/1001", |k| k.rate == "30000/1001"),
        ("non-square pixels", |k| k.sar != (1, 1)),
        ("fragmented", |k| k.layout == Layout::Fragmented),
        ("rotated", |k| k.rotation != 0),
    ];
    for (what, f) in checks {
        if !cases.iter().any(f) {
            missing.push(what.into());
        }
    }
    assert!(
        missing.is_empty(),
        "seed {CI_SEED} draws no case with: {}",
        missing.join(", ")
    );
}
