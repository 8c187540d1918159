//! Snapshot tests of reports, zh and en, for each built-in profile, on media
//! facts that sit on the edges the notices draw.

use preflight::check::{self, Input, Status};
use preflight::form::{self, Detected, FormValues, Value};
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

/// One rule as the snapshots pin it: status, id, measured, expected, the
/// message and fix in one language, and the notice's own words it rests on.
fn rule_text(rule: &check::RuleResult, zh: bool) -> String {
    let (m, f) = if zh {
        (&rule.message_zh, &rule.fix_zh)
    } else {
        (&rule.message_en, &rule.fix_en)
    };
    format!(
        "{:?} {} | {} | expected {} | {} | {}\n    source: {}\n",
        rule.status, rule.id, rule.measured, rule.expected, m, f, rule.source
    )
}

fn text(r: &check::Report, zh: bool) -> String {
    let mut s = format!("verdict: {:?}\n", r.verdict);
    for rule in &r.rules {
        s.push_str(&rule_text(rule, zh));
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
#[expect(
    clippy::too_many_lines,
    reason = "a list of cases, each a comment saying the rule and the assertion under it"
)]
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

/// The rule `id` of profile `p` on `m`.
fn rule(p: &str, m: &MediaInfo, id: &str) -> check::RuleResult {
    let p = profile::builtin(p).expect("builtin");
    let r = check::check(
        &p,
        &Input {
            media: Some(m),
            ..Default::default()
        },
    );
    r.rules
        .into_iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

/// The edges README.md "How the hard cases are decided" promises, each
/// from both sides: the status asserted here, and every rule's measured
/// and expected text, messages and notice quote pinned in the snapshot.
#[test]
fn the_promised_edges() {
    let mut pinned = String::new();
    let mut edge = |what: &str, p: &str, m: &MediaInfo, id: &str, want: Status| {
        let r = rule(p, m, id);
        assert_eq!(r.status, want, "{what}: {p} {id}: {r:#?}");
        pinned.push_str(&format!("# {what} ({p})\n"));
        pinned.push_str(&rule_text(&r, true));
        pinned.push_str(&rule_text(&r, false));
    };

    // 16:9 within 1 %: 1920x1090 is 0.92 % narrow, 1920x1092 1.10 %; on
    // the wide side 1920x1070 is 0.94 % over, 1920x1069 1.03 %.
    let p = "sichuan-kepu-2024";
    let at = |w, h| media(w, h, 0, 200.0, 150_000_000);
    edge(
        "1920x1090 is 16:9",
        p,
        &at(1920, 1090),
        "aspect_ratio",
        Status::Pass,
    );
    edge(
        "1920x1092 is not 16:9",
        p,
        &at(1920, 1092),
        "aspect_ratio",
        Status::Fail,
    );
    edge(
        "1920x1070 is 16:9",
        p,
        &at(1920, 1070),
        "aspect_ratio",
        Status::Pass,
    );
    edge(
        "1920x1069 is not 16:9",
        p,
        &at(1920, 1069),
        "aspect_ratio",
        Status::Fail,
    );

    // "5分钟以内": 300 s passes, anything over warns up to 0.5 s past, then fails.
    let p = "cujs-video-abstract-2026";
    let long = |s| media(1920, 1080, 0, s, 150_000_000);
    edge("300.0 s", p, &long(300.0), "duration", Status::Pass);
    edge("300.001 s", p, &long(300.001), "duration", Status::Warn);
    edge("300.5 s", p, &long(300.5), "duration", Status::Warn);
    edge("300.6 s", p, &long(300.6), "duration", Status::Fail);

    // The 2-minute minimum (四川 "2-5分钟"): 120 s passes, up to 0.5 s short warns.
    let p = "sichuan-kepu-2024";
    edge("120.0 s", p, &long(120.0), "duration", Status::Pass);
    edge("119.999 s", p, &long(119.999), "duration", Status::Warn);
    edge("119.5 s", p, &long(119.5), "duration", Status::Warn);
    edge("119.4 s", p, &long(119.4), "duration", Status::Fail);

    // "码流不低于5—8M/s", over the whole file: 100 s of 100,000,000 bytes is
    // 8 Mbps exactly (passes), one byte less is under (warns); 62,500,000
    // bytes is 5 Mbps (warns), one byte less fails.
    let p = "kepu-light-2026";
    let rate = |bytes| media(1920, 1080, 0, 100.0, bytes);
    edge("8 Mbps", p, &rate(100_000_000), "bitrate", Status::Pass);
    edge(
        "just under 8 Mbps",
        p,
        &rate(99_999_999),
        "bitrate",
        Status::Warn,
    );
    edge("5 Mbps", p, &rate(62_500_000), "bitrate", Status::Warn);
    edge(
        "just under 5 Mbps",
        p,
        &rate(62_499_999),
        "bitrate",
        Status::Fail,
    );

    insta::assert_snapshot!("edges", pinned);
}

/// "每个20M以内", read both ways as the video's 兆/M: up to 20 MiB
/// (20,971,520 bytes) is taken (the slot warns past 20,000,000), one byte
/// more is over both readings and refused with the scan's own advice.
#[test]
fn scan_size_edge() {
    let p = profile::builtin("heilongjiang-kepu-2022").expect("builtin");
    let slot = p
        .attachments
        .iter()
        .find(|a| a.max_bytes == Some(20_000_000))
        .expect("a slot of 20M");
    let pdf = b"%PDF-1.7\n";
    for size in [20_000_000, 20_000_001, 20_971_520] {
        let ok = form::check_attachment(slot, "推荐表.pdf", size, Detected::Pdf);
        assert!(ok.is_ok(), "{size} bytes: {ok:?}");
        assert!(form::check_scan_before_reading(slot, "推荐表.pdf", size, pdf).is_ok());
    }
    for e in [
        form::check_attachment(slot, "推荐表.pdf", 20_971_521, Detected::Pdf),
        form::check_scan_before_reading(slot, "推荐表.pdf", 20_971_521, pdf),
    ] {
        let e = e.expect_err("20,971,521 bytes must be refused");
        assert_eq!(e.code, "scan_too_large");
        insta::assert_snapshot!(
            "scan_20971521",
            format!("{}\n{}\n{}", e.code, e.message_zh, e.message_en)
        );
    }
}

/// Durations are shown to the hundredth, carried into the minute: 119.999 s
/// is "2:00", not "1:60".
#[test]
fn durations_carry_into_the_minute() {
    for (secs, shown) in [
        (119.999, "2:00"),
        (59.996, "1:00"),
        (59.994, "0:59.99"),
        (119.5, "1:59.50"),
        (300.0, "5:00"),
        (300.004, "5:00"),
        (300.5, "5:00.50"),
        (3599.999, "60:00"),
        (0.0, "0:00"),
    ] {
        assert_eq!(check::fmt_duration(secs), shown, "{secs} s");
    }
    let r = rule(
        "sichuan-kepu-2024",
        &media(1920, 1080, 0, 119.999, 150_000_000),
        "duration",
    );
    assert!(r.measured.starts_with("2:00 "), "{}", r.measured);
}
