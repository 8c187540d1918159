//! Snapshot tests of reports, zh and en, for each built-in profile, on media
//! facts that sit on the edges the notices draw.

use preflight::check::{self, Input, Status};
use preflight::form::{FormValues, Value};
use preflight::probe::{AudioInfo, MediaInfo, VideoInfo};
use preflight::profile;

fn media(w: u32, h: u32, rot: u32, secs: f64, bytes: u64) -> MediaInfo {
    let (dw, dh) = if rot % 180 == 90 { (h, w) } else { (w, h) };
    MediaInfo {
        file: "作品.mp4".into(),
        size_bytes: bytes,
        container: "mp4".into(),
        brands: vec!["isom".into()],
        duration_s: Some(secs),
        faststart: Some(false),
        creation_time: Some("2024-03-05T08:09:10Z".into()),
        video: Some(VideoInfo {
            codec: "h264".into(),
            width: w,
            height: h,
            display_width: dw,
            display_height: dh,
            rotation: rot,
            pixel_aspect: "1:1".into(),
            frame_rate: Some(25.0),
            bitrate_bps: Some(bytes * 8 / secs as u64),
            duration_s: Some(secs),
        }),
        audio: Some(AudioInfo {
            codec: "aac".into(),
            channels: Some(2),
            sample_rate: Some(48000),
            bitrate_bps: Some(128_000),
            duration_s: Some(secs),
        }),
        ..Default::default()
    }
}

fn text(r: &check::Report, zh: bool) -> String {
    let mut s = format!("verdict: {:?}\n", r.verdict);
    for rule in &r.rules {
        let (m, f) = if zh {
            (&rule.message_zh, &rule.fix_zh)
        } else {
            (&rule.message_en, &rule.fix_en)
        };
        s.push_str(&format!(
            "{:?} {} | {} | {} | {}\n",
            rule.status, rule.id, rule.measured, m, f
        ));
    }
    s
}

#[test]
fn every_profile_zh_and_en() {
    // 1080p landscape, 4:59.5, 210 MB, moov at the end.
    let m = media(1920, 1080, 0, 299.5, 210_000_000);
    for p in profile::builtins() {
        let cat = p.categories.first().map(|c| c.id.as_str());
        let chan = p.channels.first().map(|c| c.id.as_str());
        let r = check::check(
            &p,
            &Input {
                category: cat,
                channel: chan,
                media: Some(&m),
                ..Default::default()
            },
        );
        insta::assert_snapshot!(format!("{}_zh", p.id), text(&r, true));
        insta::assert_snapshot!(format!("{}_en", p.id), text(&r, false));
    }
}

fn status(p: &str, m: &MediaInfo, id: &str) -> Status {
    let p = profile::builtin(p).expect("builtin");
    let r = check::check(
        &p,
        &Input {
            media: Some(m),
            ..Default::default()
        },
    );
    r.rules
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.status)
        .unwrap_or_else(|| panic!("{id} missing"))
}

#[test]
fn the_hard_cases() {
    // 300.02 s against "5分钟以内": a warning; 301 s: a failure.
    assert_eq!(
        status(
            "cujs-video-abstract-2026",
            &media(1920, 1080, 0, 300.02, 1),
            "duration"
        ),
        Status::Warn
    );
    assert_eq!(
        status(
            "cujs-video-abstract-2026",
            &media(1920, 1080, 0, 301.0, 1),
            "duration"
        ),
        Status::Fail
    );
    assert_eq!(
        status(
            "cujs-video-abstract-2026",
            &media(1920, 1080, 0, 299.5, 1),
            "duration"
        ),
        Status::Pass
    );
    // 1920×1088 passes 16:9 and 1080p.
    assert_eq!(
        status(
            "sichuan-kepu-2024",
            &media(1920, 1088, 0, 200.0, 1),
            "aspect_ratio"
        ),
        Status::Pass
    );
    assert_eq!(
        status(
            "sichuan-kepu-2024",
            &media(1920, 1088, 0, 200.0, 1),
            "resolution"
        ),
        Status::Pass
    );
    // CUJS "建议横屏": portrait warns; 科普之光 "横屏视频原片": portrait fails.
    let portrait = media(1920, 1080, 90, 200.0, 1);
    assert_eq!(
        status("cujs-video-abstract-2026", &portrait, "orientation"),
        Status::Warn
    );
    assert_eq!(
        status("kepu-light-2026", &portrait, "orientation"),
        Status::Fail
    );
    // A rotated 1080p phone video is still 1080p.
    assert_eq!(
        status("cujs-video-abstract-2026", &portrait, "resolution"),
        Status::Pass
    );
    // Anamorphic 1440×1080 shown as 1920×1080: warns.
    let mut ana = media(1440, 1080, 0, 200.0, 1);
    if let Some(v) = ana.video.as_mut() {
        v.pixel_aspect = "4:3".into();
        v.display_width = 1920;
    }
    assert_eq!(
        status("sichuan-kepu-2024", &ana, "resolution"),
        Status::Warn
    );
    assert_eq!(
        status("sichuan-kepu-2024", &ana, "aspect_ratio"),
        Status::Pass
    );
    // 720p fails 1080p.
    assert_eq!(
        status(
            "sichuan-kepu-2024",
            &media(1280, 720, 0, 200.0, 1),
            "resolution"
        ),
        Status::Fail
    );
    // "100-300 兆": 310 MB is 295.6 MiB → inside one reading only: warn.
    assert_eq!(
        status(
            "sichuan-kepu-2024",
            &media(1920, 1080, 0, 200.0, 310_000_000),
            "file_size"
        ),
        Status::Warn
    );
    assert_eq!(
        status(
            "sichuan-kepu-2024",
            &media(1920, 1080, 0, 200.0, 200_000_000),
            "file_size"
        ),
        Status::Pass
    );
    assert_eq!(
        status(
            "sichuan-kepu-2024",
            &media(1920, 1080, 0, 200.0, 330_000_000),
            "file_size"
        ),
        Status::Fail
    );
    assert_eq!(
        status(
            "sichuan-kepu-2024",
            &media(1920, 1080, 0, 200.0, 102_000_000),
            "file_size"
        ),
        Status::Warn
    );
    // "码流不低于5—8M/s": 4 Mbps fails, 6 warns, 9 passes (whole-file bitrate).
    let at = |mbps: f64| media(1920, 1080, 0, 100.0, (mbps * 1e6 * 100.0 / 8.0) as u64);
    assert_eq!(status("kepu-light-2026", &at(4.0), "bitrate"), Status::Fail);
    assert_eq!(status("kepu-light-2026", &at(6.0), "bitrate"), Status::Warn);
    assert_eq!(status("kepu-light-2026", &at(9.0), "bitrate"), Status::Pass);
    // "不超过4G": 4.2e9 bytes is 3.91 GiB: warn; 4.4e9 fails.
    assert_eq!(
        status("kepu-light-2026", &at(9.0), "file_size"),
        Status::Pass
    );
    assert_eq!(
        status(
            "kepu-light-2026",
            &media(1920, 1080, 0, 3000.0, 4_200_000_000),
            "file_size"
        ),
        Status::Warn
    );
    assert_eq!(
        status(
            "kepu-light-2026",
            &media(1920, 1080, 0, 3000.0, 4_400_000_000),
            "file_size"
        ),
        Status::Fail
    );
    // A MOV fails an MP4-only notice and passes 科普之光.
    let mut mov = media(1920, 1080, 0, 200.0, 1);
    mov.container = "mov".into();
    assert_eq!(status("sichuan-kepu-2024", &mov, "container"), Status::Fail);
    assert_eq!(status("kepu-light-2026", &mov, "container"), Status::Pass);
    // No audio fails where narration is required.
    let mut silent = media(1920, 1080, 0, 200.0, 1);
    silent.audio = None;
    assert_eq!(status("nmg-kepu-2025", &silent, "audio"), Status::Fail);
}

#[test]
fn nmg_non_original_share_is_a_form_check_against_the_measured_duration() {
    let p = profile::builtin("nmg-kepu-2025").expect("builtin");
    let m = media(1920, 1080, 0, 200.0, 150_000_000);
    let mut form = FormValues::new();
    let share = |form: &FormValues| {
        let r = check::check(
            &p,
            &Input {
                media: Some(&m),
                form: Some(form),
                ..Default::default()
            },
        );
        r.rules
            .iter()
            .find(|r| r.id == "non_original_share")
            .map(|r| r.status)
    };
    form.insert("cited_seconds".into(), Value::Text("0:20".into()));
    assert_eq!(share(&form), Some(Status::Pass));
    form.insert("cited_seconds".into(), Value::Text("0:21".into()));
    assert_eq!(share(&form), Some(Status::Fail));
    form.insert("cited_seconds".into(), Value::Text("二十秒".into()));
    assert_eq!(share(&form), Some(Status::Fail));
}

#[test]
fn over_long_summary_fails_with_the_count() {
    let p = profile::builtin("sichuan-kepu-2024").expect("builtin");
    let mut form = FormValues::new();
    form.insert("summary".into(), Value::Text("科".repeat(102)));
    let r = check::check(
        &p,
        &Input {
            form: Some(&form),
            channel: Some("self"),
            ..Default::default()
        },
    );
    let s = r
        .rules
        .iter()
        .find(|r| r.id == "form.summary")
        .expect("summary rule");
    assert_eq!(s.status, Status::Fail);
    assert!(s.message_zh.contains("102"), "{}", s.message_zh);
    assert!(s.message_en.contains("102"), "{}", s.message_en);
    assert_eq!(s.measured, "102 / 100 字");
}
