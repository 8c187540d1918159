//! Containers beyond MP4/MOV/AVI/WMV: the probe reads Matroska/WebM
//! (`Info`, `Tracks`) and FLV (`onMetaData`) and names MPEG-TS and the
//! others, checked against ffprobe on ffmpeg-made files; and 科普之光's list
//! 「视频格式应为MP4、MOV、AVI、WMV等」, which ends in 等, warns on another
//! common container where a profile whose list is closed fails it, with
//! advice that never says to re-encode where the notice asks for the original.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{CBR_9M_1080P_2S, ffprobe, fixture, fixture_with};
use preflight::check::{self, Input, Status, Verdict};
use preflight::probe::{MediaInfo, probe_file};
use preflight::profile;
use serde_json::Value;

const SRC_640: &[&str] = &[
    "-f",
    "lavfi",
    "-i",
    "testsrc2=s=640x360:r=25:d=2",
    "-f",
    "lavfi",
    "-i",
    "sine=frequency=440:duration=2:sample_rate=48000",
];

fn with(base: &[&'static str], more: &[&'static str]) -> Vec<&'static str> {
    base.iter().chain(more).copied().collect()
}

fn mkv_h264_aac() -> PathBuf {
    fixture(
        "ct-h264-aac.mkv",
        &with(
            SRC_640,
            &[
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-c:a",
                "aac",
                "-shortest",
            ],
        ),
    )
}

fn webm_vp9_opus() -> PathBuf {
    fixture(
        "ct-vp9-opus.webm",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=s=320x240:r=30:d=2",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=2:sample_rate=48000",
            "-c:v",
            "libvpx-vp9",
            "-deadline",
            "realtime",
            "-cpu-used",
            "8",
            "-c:a",
            "libopus",
            "-shortest",
        ],
    )
}

/// Video only, anamorphic: 720×576 stored, 16:9 shown (DisplayWidth/Height).
fn mkv_anamorphic() -> PathBuf {
    fixture(
        "ct-anamorphic.mkv",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=s=720x576:r=25:d=1",
            "-vf",
            "setsar=64/45",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
        ],
    )
}

/// A WebM written to a pipe, as a browser's recorder writes it: no `Duration`.
fn webm_live() -> PathBuf {
    fixture_with("ct-live.webm", |out| {
        let f = std::fs::File::create(out).unwrap();
        let st = Command::new("ffmpeg")
            .args(["-nostdin", "-loglevel", "error", "-f", "lavfi", "-i"])
            .args(["testsrc2=s=320x240:r=25:d=1", "-c:v", "libvpx", "-deadline"])
            .args(["realtime", "-f", "webm", "pipe:1"])
            .stdout(Stdio::from(f))
            .status()
            .unwrap();
        assert!(st.success());
    })
}

fn flv_h264_aac() -> PathBuf {
    fixture(
        "ct-h264-aac.flv",
        &with(
            SRC_640,
            &[
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-c:a",
                "aac",
                "-shortest",
            ],
        ),
    )
}

fn ts_h264_aac() -> PathBuf {
    fixture(
        "ct-h264-aac.ts",
        &with(
            SRC_640,
            &[
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-c:a",
                "aac",
                "-shortest",
            ],
        ),
    )
}

/// 1920×1080, 25 fps, H.264 at a constant 9 Mbps (filler NAL units), AAC:
/// everything 科普之光 asks of the picture, the rate and the sound.
fn mkv_1080p_9m(ext: &'static str) -> PathBuf {
    let name: &'static str = Box::leak(format!("ct-1080p-9m.{ext}").into_boxed_str());
    fixture(name, CBR_9M_1080P_2S)
}

fn stream<'a>(ff: &'a Value, kind: &str) -> Option<&'a Value> {
    ff["streams"]
        .as_array()?
        .iter()
        .find(|s| s["codec_type"] == kind)
}

fn rate(s: &str) -> Option<f64> {
    let (n, d) = s.split_once('/')?;
    let (n, d): (f64, f64) = (n.parse().ok()?, d.parse().ok()?);
    (d > 0.0).then_some(n / d)
}

/// Every fact the probe reports of `path` against ffprobe's.
fn agrees_with_ffprobe(path: &Path) -> MediaInfo {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let m = probe_file(path).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let ff = ffprobe(path);
    match ff["format"]["duration"]
        .as_str()
        .and_then(|d| d.parse::<f64>().ok())
    {
        Some(d) => {
            let got = m
                .duration_s
                .unwrap_or_else(|| panic!("{name}: no duration"));
            assert!((got - d).abs() < 0.05, "{name}: duration {got} vs {d}");
        }
        None => assert_eq!(m.duration_s, None, "{name}: ffprobe knows no duration"),
    }
    let v = stream(&ff, "video").unwrap();
    let mv = m
        .video
        .as_ref()
        .unwrap_or_else(|| panic!("{name}: no video"));
    assert_eq!(mv.codec, v["codec_name"].as_str().unwrap(), "{name}: codec");
    assert_eq!(u64::from(mv.width), v["width"].as_u64().unwrap(), "{name}");
    assert_eq!(
        u64::from(mv.height),
        v["height"].as_u64().unwrap(),
        "{name}"
    );
    if let Some(sar) = v["sample_aspect_ratio"].as_str() {
        assert_eq!(mv.pixel_aspect, sar, "{name}: pixel aspect");
        let (n, d) = sar.split_once(':').unwrap();
        let (n, d): (u64, u64) = (n.parse().unwrap(), d.parse().unwrap());
        let shown_w = u64::from(mv.width) * n / d;
        assert_eq!(
            u64::from(mv.display_width),
            shown_w,
            "{name}: display width"
        );
    }
    if let (Some(fr), Some(ff_fr)) = (mv.frame_rate, v["r_frame_rate"].as_str().and_then(rate)) {
        assert!(
            (fr - ff_fr).abs() < 0.01,
            "{name}: frame rate {fr} vs {ff_fr}"
        );
    }
    match stream(&ff, "audio") {
        Some(a) => {
            let ma = m
                .audio
                .as_ref()
                .unwrap_or_else(|| panic!("{name}: no audio"));
            assert_eq!(
                ma.codec,
                a["codec_name"].as_str().unwrap(),
                "{name}: audio codec"
            );
            assert_eq!(
                ma.channels.map(u64::from),
                a["channels"].as_u64(),
                "{name}: channels"
            );
            assert_eq!(
                ma.sample_rate.map(|r| r.to_string()),
                a["sample_rate"].as_str().map(str::to_string),
                "{name}: sample rate"
            );
        }
        None => assert!(m.audio.is_none(), "{name}: audio where ffprobe has none"),
    }
    assert!(!m.streams_unread, "{name}");
    m
}

/// More codecs in Matroska: HEVC + AC-3 5.1, MPEG-2 + MP3, ProRes + FLAC
/// (an editor's master), AV1 + Vorbis in WebM.
fn more_codecs() -> Vec<PathBuf> {
    let src = |size: &'static str| -> Vec<&'static str> {
        vec![
            "-f",
            "lavfi",
            "-i",
            size,
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=1:sample_rate=48000",
        ]
    };
    let v = |size: &'static str, more: &[&'static str]| -> Vec<&'static str> {
        let mut a = src(size);
        a.extend_from_slice(more);
        a.push("-shortest");
        a
    };
    vec![
        fixture(
            "ct-hevc-ac3.mkv",
            &v(
                "testsrc2=s=640x360:r=30:d=1",
                &[
                    "-c:v",
                    "libx265",
                    "-preset",
                    "ultrafast",
                    "-x265-params",
                    "log-level=error",
                    "-c:a",
                    "ac3",
                    "-ac",
                    "6",
                ],
            ),
        ),
        fixture(
            "ct-mpeg2-mp3.mkv",
            &v(
                "testsrc2=s=720x576:r=25:d=1",
                &["-c:v", "mpeg2video", "-c:a", "libmp3lame"],
            ),
        ),
        fixture(
            "ct-prores-flac.mkv",
            &v(
                "testsrc2=s=1920x1080:r=25:d=1",
                &["-c:v", "prores_ks", "-profile:v", "0", "-c:a", "flac"],
            ),
        ),
        fixture(
            "ct-av1-vorbis.webm",
            &v(
                "testsrc2=s=320x240:r=24:d=1",
                &["-c:v", "libsvtav1", "-preset", "12", "-c:a", "libvorbis"],
            ),
        ),
    ]
}

#[test]
fn matroska_with_more_codecs_reads_as_ffprobe_reads_it() {
    for f in more_codecs() {
        agrees_with_ffprobe(&f);
    }
}

#[test]
fn matroska_webm_and_flv_read_as_ffprobe_reads_them() {
    let m = agrees_with_ffprobe(&mkv_h264_aac());
    assert_eq!(m.container, "mkv");
    let m = agrees_with_ffprobe(&webm_vp9_opus());
    assert_eq!(m.container, "webm");
    let m = agrees_with_ffprobe(&mkv_anamorphic());
    assert_eq!(m.video.as_ref().unwrap().display_width, 1024);
    let m = agrees_with_ffprobe(&webm_live());
    assert_eq!(m.duration_s, None, "a recorder's WebM has no Duration");
    let m = agrees_with_ffprobe(&flv_h264_aac());
    assert_eq!(m.container, "flv");
    let m = agrees_with_ffprobe(&mkv_1080p_9m("mkv"));
    assert!(
        m.bytes_read <= preflight::probe::LOOKAHEAD,
        "read {}",
        m.bytes_read
    );
}

#[test]
fn mpeg_ts_is_named_and_its_streams_said_unread() {
    let m = probe_file(&ts_h264_aac()).unwrap();
    assert_eq!(m.container, "mpegts");
    assert!(m.streams_unread);
    assert!(m.video.is_none() && m.audio.is_none() && m.duration_s.is_none());
}

/// Every byte cut of a Matroska header answers (no panic, no error other
/// than a cut-short file), and never claims a fact it did not read.
#[test]
fn matroska_cut_anywhere_answers() {
    let data = std::fs::read(mkv_h264_aac()).unwrap();
    for cut in 0..data.len().min(6000) {
        match preflight::probe::probe_bytes(&data[..cut]) {
            Ok(m) => {
                if let Some(v) = &m.video {
                    assert!(v.width == 640 || v.width == 0, "cut {cut}: {v:?}");
                }
            }
            Err(e) => assert!(
                ["empty_file", "truncated", "corrupt", "unknown_format"].contains(&e.code),
                "cut {cut}: {}",
                e.code
            ),
        }
    }
}

fn kepu_light_check(path: &Path) -> check::Report {
    let p = profile::builtin("kepu-light-2026").unwrap();
    let m = probe_file(path).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
    check::check(
        &p,
        &Input {
            category: Some("state_key_lab"),
            channel: Some("unit"),
            media: Some(&m),
            ..Default::default()
        },
    )
}

fn rule<'a>(r: &'a check::Report, id: &str) -> &'a check::RuleResult {
    r.rules
        .iter()
        .find(|x| x.id == id)
        .unwrap_or_else(|| panic!("no {id}"))
}

/// 「视频格式应为MP4、MOV、AVI、WMV等」: an MKV or WebM that meets every other
/// rule warns (ask the organiser), never fails, and — the notice asks for the
/// original — is never told to convert.
#[test]
fn kepu_light_warns_on_another_container() {
    for ext in ["mkv", "webm"] {
        let path = if ext == "mkv" {
            mkv_1080p_9m("mkv")
        } else {
            fixture(
                "ct-1080p-9m-vp9.webm",
                &[
                    "-f",
                    "lavfi",
                    "-i",
                    "testsrc2=s=1920x1080:r=25:d=1",
                    "-f",
                    "lavfi",
                    "-i",
                    "anoisesrc=d=1",
                    "-c:v",
                    "libvpx-vp9",
                    "-deadline",
                    "realtime",
                    "-cpu-used",
                    "8",
                    "-b:v",
                    "12M",
                    "-minrate",
                    "12M",
                    "-maxrate",
                    "12M",
                    "-c:a",
                    "libopus",
                    "-shortest",
                ],
            )
        };
        let r = kepu_light_check(&path);
        let c = rule(&r, "container");
        assert_eq!(c.status, Status::Warn, "{ext}: {c:?}");
        assert!(c.source.ends_with("等"), "{ext}: {}", c.source);
        assert!(
            c.fix_zh.contains("主办方") && c.fix_zh.contains("不要转码"),
            "{}",
            c.fix_zh
        );
        assert!(!c.fix_zh.contains("导出为 MP4") && !c.fix_en.contains("MP4 (H.264)"));
        for id in [
            "resolution",
            "orientation",
            "duration",
            "audio",
            "file_size",
        ] {
            if let Some(x) = r.rules.iter().find(|x| x.id == id) {
                assert_eq!(x.status, Status::Pass, "{ext}: {id} {x:?}");
            }
        }
        assert_ne!(
            r.verdict,
            Verdict::Fail,
            "{ext}: {:?}",
            r.failures().collect::<Vec<_>>()
        );
    }
}

/// An MPEG-TS, whose streams Preflight does not read: the container warns and
/// says which rules to confirm by hand; those rules say they cannot judge.
#[test]
fn kepu_light_unread_container_says_what_to_confirm() {
    let r = kepu_light_check(&ts_h264_aac());
    let c = rule(&r, "container");
    assert_eq!(c.status, Status::Warn, "{c:?}");
    for id in ["resolution", "bitrate", "audio"] {
        assert_eq!(rule(&r, id).status, Status::Unknown, "{id}");
        assert!(c.message_zh.contains(id), "{id} named in {}", c.message_zh);
        assert!(c.message_en.contains(id), "{id} named in {}", c.message_en);
    }
    assert_ne!(r.verdict, Verdict::Fail);
}

/// 四川 lists 「MP4格式」 with no 等: the same MKV fails, with advice.
#[test]
fn a_closed_list_still_fails_another_container() {
    let p = profile::builtin("sichuan-kepu-2024").unwrap();
    let m = probe_file(&mkv_1080p_9m("mkv")).unwrap();
    let r = check::check(
        &p,
        &Input {
            category: Some("kepu"),
            channel: Some("self"),
            media: Some(&m),
            ..Default::default()
        },
    );
    let c = rule(&r, "container");
    assert_eq!(c.status, Status::Fail, "{c:?}");
    assert!(c.fix_zh.contains("-c copy"), "{}", c.fix_zh);
    assert_eq!(r.verdict, Verdict::Fail);
}

/// The CLI: 科普之光 exits 0 on the MKV (warnings allowed), 四川 exits 1.
#[test]
fn cli_check_of_an_mkv() {
    let bin = env!("CARGO_BIN_EXE_preflight");
    let v = mkv_1080p_9m("mkv");
    let run = |args: &[&str]| {
        Command::new(bin)
            .arg("check")
            .arg(&v)
            .args(args)
            .output()
            .unwrap()
    };
    let o = run(&[
        "--profile",
        "kepu-light-2026",
        "--category",
        "state_key_lab",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.contains("等"), "{out}");
    let o = run(&[
        "--profile",
        "sichuan-kepu-2024",
        "--category",
        "kepu",
        "--channel",
        "self",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

/// Hostile Matroska and FLV headers: every byte of the first 1.5 KB set to
/// 0x00, 0x7F, 0x80 and 0xFF in turn, each answered (a result or an error
/// value) without a panic and within the header read cap; an element or a
/// tag declaring an absurd size is not believed.
#[test]
fn hostile_matroska_and_flv_headers_answer() {
    for path in [mkv_h264_aac(), webm_vp9_opus(), flv_h264_aac()] {
        let data = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for i in 0..data.len().min(1536) {
            for v in [0x00u8, 0x7F, 0x80, 0xFF] {
                let mut d = data.clone();
                d[i] = v;
                let r = std::panic::catch_unwind(|| preflight::probe::probe_bytes(&d));
                match r {
                    Err(_) => panic!("{name}: byte {i} = {v:#x} panicked"),
                    Ok(Ok(m)) => assert!(
                        m.bytes_read <= preflight::probe::MAX_HEADER + preflight::probe::LOOKAHEAD,
                        "{name}: byte {i}: read {}",
                        m.bytes_read
                    ),
                    Ok(Err(e)) => assert!(!e.message_en.is_empty(), "{name}: {}", e.code),
                }
            }
        }
    }
}

/// Point 6 of the notices' issue: the probe knows no profile, so its refusal
/// of a file it cannot read never tells a user who must hand in the 原片 to
/// convert it without saying "if the notice asks for the original, do not".
#[test]
fn the_probes_refusals_never_simply_say_re_encode() {
    let cases: [&[u8]; 2] = [b"\x00\x11\x22\x33not a video at all, just bytes", b"MXF?"];
    for data in cases {
        let e = preflight::probe::probe_bytes(data).expect_err("not a video");
        if e.message_zh.contains("导出为 MP4") {
            assert!(
                e.message_zh.contains("原片") && e.message_zh.contains("不要转码"),
                "{}",
                e.message_zh
            );
            assert!(e.message_en.contains("original"), "{}", e.message_en);
        }
    }
    let e = preflight::probe::sniff::Kind::OtherVideo("MXF").error();
    assert!(!e.message_zh.contains("导出为 MP4"), "{}", e.message_zh);
}
