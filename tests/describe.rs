//! `preflight profile ID` names every rule `check` can produce, with the same
//! thresholds: for every built-in profile, category and channel, the report
//! of a range of videos, forms and scans is held against the profile's text.

use preflight::Lang;
use preflight::check::{self, Input, RuleKind, RuleResult};
use preflight::describe::profile_text;
use preflight::form::{Attached, FormValues, Value};
use preflight::probe::{AudioInfo, Location, MediaInfo, VideoInfo};
use preflight::profile::{self, FileKind, FormCheck, Profile};

fn media(w: u32, h: u32, secs: f64, bytes: u64, container: &str, audio: bool) -> MediaInfo {
    MediaInfo {
        file: "作品.mp4".into(),
        size_bytes: bytes,
        container: container.into(),
        duration_s: Some(secs),
        faststart: Some(false),
        creation_time: Some("2019-03-05T08:09:10Z".into()),
        location: Some(Location {
            latitude: 30.5,
            longitude: 104.1,
            altitude: None,
            source: "udta/©xyz".into(),
        }),
        video: Some(VideoInfo {
            codec: "hevc".into(),
            width: w,
            height: h,
            display_width: w,
            display_height: h,
            rotation: 0,
            pixel_aspect: "1:1".into(),
            frame_rate: Some(25.0),
            bitrate_bps: None,
            duration_s: Some(secs),
        }),
        audio: audio.then(|| AudioInfo {
            codec: "aac".into(),
            channels: Some(2),
            sample_rate: Some(48000),
            bitrate_bps: None,
            duration_s: Some(secs),
        }),
        ..Default::default()
    }
}

/// Every rule the check produces over a range of inputs that pass, warn and fail.
fn produced(p: &Profile, cat: Option<&str>, chan: Option<&str>) -> Vec<RuleResult> {
    let medias = [
        media(1920, 1080, 200.0, 150_000_000, "mp4", true),
        media(640, 480, 400.0, 5_000_000_000, "avi", false),
        media(1080, 1920, 60.0, 1_000, "mov", true),
    ];
    let mut filled = FormValues::new();
    for f in &p.fields {
        filled.insert(f.id.clone(), Value::Text("0:10".into()));
    }
    // Every option of every choice ticked: whatever a `when` or a
    // `required_when` waits for is there.
    let mut ticked = FormValues::new();
    for f in &p.fields {
        let all: Vec<String> = f.options.iter().map(|o| o.id.clone()).collect();
        ticked.insert(f.id.clone(), Value::List(all));
    }
    let forms = [FormValues::new(), filled, ticked];
    let scans: Vec<Attached> = p
        .attachments
        .iter()
        .flat_map(|a| {
            (0..4).map(move |i| Attached {
                slot: a.id.clone(),
                name: format!("{}-{i}.pdf", a.id),
                size: 1000,
                kind: Some(FileKind::Pdf),
                heic: false,
            })
        })
        .collect();
    let mut out = Vec::new();
    for m in [None].into_iter().chain(medias.iter().map(Some)) {
        for form in [None].into_iter().chain(forms.iter().map(Some)) {
            for att in [None, Some(&[][..]), Some(&scans[..])] {
                let input = Input {
                    category: cat,
                    channel: chan,
                    media: m,
                    form,
                    attachments: att,
                    file_name: Some("别的名字.mp4"),
                };
                out.extend(check::check(p, &input).rules);
            }
        }
    }
    out
}

fn choices(list: &[profile::Choice]) -> Vec<Option<&str>> {
    if list.is_empty() {
        vec![None]
    } else {
        list.iter().map(|c| Some(c.id.as_str())).collect()
    }
}

/// The form checks whose `expected` is what the user typed, not a threshold.
fn typed_expectation(p: &Profile, id: &str) -> bool {
    p.form_checks
        .iter()
        .any(|c| matches!(c, FormCheck::MatchesFileName { id: i, .. } if i == id))
}

#[test]
fn profile_text_names_every_rule_check_produces_with_its_threshold() {
    let mut seen = 0;
    for p in profile::builtins() {
        for lang in [Lang::Zh, Lang::En] {
            let text = profile_text(&p, lang);
            for cat in choices(&p.categories) {
                for chan in choices(&p.channels) {
                    for r in produced(&p, cat, chan) {
                        seen += 1;
                        let line = text
                            .lines()
                            .find(|l| l.split_whitespace().next() == Some(r.id.as_str()))
                            .unwrap_or_else(|| {
                                panic!(
                                    "{} ({cat:?}, {chan:?}): `preflight profile` does not name rule {}:\n{text}",
                                    p.id, r.id
                                )
                            });
                        // A checklist item's `expected` is its Chinese text; the English
                        // page prints its English text instead.
                        let words = r.kind == RuleKind::Checklist && lang == Lang::En;
                        if !r.expected.is_empty() && !typed_expectation(&p, &r.id) && !words {
                            assert!(
                                line.contains(&r.expected),
                                "{}: rule {} expects «{}» in a check but the profile text says:\n{line}",
                                p.id,
                                r.id,
                                r.expected
                            );
                        }
                    }
                }
            }
        }
    }
    assert!(seen > 1000, "only {seen} results compared");
}

#[test]
fn profile_text_says_what_the_old_one_dropped() {
    // kepu-light-2026 has a faststart advice, an 8 Mbps warning and a size
    // limit with no minimum; WMV is its name, not ASF. It asks for the 原片,
    // so it has no codec advice; without that flag, the codec advice shows.
    let mut p = profile::builtin("kepu-light-2026").expect("builtin");
    let t = profile_text(&p, Lang::Zh);
    for want in ["faststart", "建议 ≥ 8 Mbps", "≤ 4 G", "WMV"] {
        assert!(t.contains(want), "missing «{want}»:\n{t}");
    }
    assert!(!t.contains("–4 G") && !t.contains("ASF"), "{t}");
    assert!(!t.contains("video_codec"), "{t}");
    p.video.original = None;
    let t = profile_text(&p, Lang::Zh);
    assert!(t.contains("video_codec"), "missing «video_codec»:\n{t}");
    // nmg's 10 % form check is a rule of its own.
    let p = profile::builtin("nmg-kepu-2025").expect("builtin");
    let t = profile_text(&p, Lang::Zh);
    assert!(t.contains("≤ 10% 总时长"), "{t}");
}

#[test]
fn thresholds_and_advice_come_from_the_profile() {
    let mut p = profile::builtin("kepu-light-2026").expect("builtin");
    for b in p
        .video
        .bitrate
        .iter_mut()
        .flat_map(profile::Scoped::all_mut)
    {
        b.value.min_bps = 6_000_000;
        b.value.warn_below_bps = Some(10_000_000);
    }
    for o in p
        .video
        .orientation
        .iter_mut()
        .flat_map(profile::Scoped::all_mut)
    {
        o.value = profile::Orientation::Portrait;
    }
    // 9 Mbps over 100 s, landscape.
    let m = media(1920, 1080, 100.0, 112_500_000, "mp4", true);
    let input = Input {
        media: Some(&m),
        ..Default::default()
    };
    let r = check::check(&p, &input);
    let rule = |id: &str| r.rules.iter().find(|x| x.id == id).expect(id).clone();
    let b = rule("bitrate");
    assert_eq!(b.status, check::Status::Warn);
    assert!(
        b.message_zh.contains("10 Mbps") && !b.message_zh.contains("8 Mbps"),
        "{}",
        b.message_zh
    );
    assert!(
        b.expected.contains("≥ 6 Mbps") && b.expected.contains("10 Mbps"),
        "{}",
        b.expected
    );
    let o = rule("orientation");
    assert!(o.fix_zh.contains("竖屏序列"), "{}", o.fix_zh);
    assert!(o.fix_en.contains("portrait sequence"), "{}", o.fix_en);
    let t = profile_text(&p, Lang::Zh);
    assert!(t.contains("≥ 6 Mbps（建议 ≥ 10 Mbps）"), "{t}");
}

/// Where to send the bundle (`bundle.delivery`) and by when: `preflight
/// profile` and the text of `preflight check` say both, in either language,
/// and say that a date 「…前」 is read with the day itself included.
#[test]
fn check_and_profile_text_say_where_to_send_and_by_when() {
    let bin = env!("CARGO_BIN_EXE_preflight");
    let video = {
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("describe-delivery");
        std::fs::create_dir_all(&dir).unwrap();
        let v = dir.join("v.mp4");
        if !v.exists() {
            let ok = std::process::Command::new("ffmpeg")
                .args(["-nostdin", "-y", "-loglevel", "error", "-f", "lavfi", "-i"])
                .args(["testsrc2=s=320x240:r=25:d=1", "-c:v", "libx264", "-preset"])
                .args(["ultrafast"])
                .arg(&v)
                .status()
                .unwrap();
            assert!(ok.success());
        }
        v
    };
    for p in profile::builtins() {
        let cat = p.categories.first().map(|c| c.id.clone());
        let chan = p.channels.first().map(|c| c.id.clone());
        let d = p.deadline.as_ref().expect("every built-in has a deadline");
        for (lang, delivery, inclusive) in [
            (None, &p.bundle.delivery, "含当日"),
            (Some("en"), &p.bundle.delivery_en, "inclusive"),
        ] {
            let mut args = vec!["check".to_string(), video.to_string_lossy().into_owned()];
            args.extend(["--profile".into(), p.id.clone()]);
            if let Some(c) = &cat {
                args.extend(["--category".into(), c.clone()]);
            }
            if let Some(c) = &chan {
                args.extend(["--channel".into(), c.clone()]);
            }
            if let Some(l) = lang {
                args.extend(["--lang".into(), l.into()]);
            }
            let o = std::process::Command::new(bin)
                .args(&args)
                .output()
                .unwrap();
            let out = String::from_utf8_lossy(&o.stdout);
            assert!(!delivery.is_empty(), "{}: no delivery", p.id);
            assert!(
                out.contains(delivery.as_str()),
                "{} {lang:?}: check does not say where to send:\n{out}",
                p.id
            );
            assert!(
                out.contains(&d.date) && out.contains(inclusive),
                "{} {lang:?}: check does not say by when:\n{out}",
                p.id
            );
            let text = profile_text(&p, if lang.is_some() { Lang::En } else { Lang::Zh });
            assert!(text.contains(delivery.as_str()), "{}: profile text", p.id);
            assert!(
                text.contains(inclusive),
                "{}: profile text's deadline:\n{text}",
                p.id
            );
        }
    }
}
