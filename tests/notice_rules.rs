//! The profile features that carry what the notices ask beyond numbers:
//! rules for some categories only, fields and slots required by another
//! answer, ID numbers with their check characters, the original file, the
//! form's title per channel, signature lines only where asked, and notes.

use preflight::Lang;
use preflight::check::{self, Input, Status};
use preflight::describe::profile_text;
use preflight::form::{self, FormValues, Value};
use preflight::probe::{AudioInfo, MediaInfo, VideoInfo};
use preflight::profile::{self, Profile};
use preflight::render;

fn media(codec: &str, container: &str) -> MediaInfo {
    MediaInfo {
        file: "原片.wmv".into(),
        size_bytes: 300_000_000,
        container: container.into(),
        duration_s: Some(200.0),
        faststart: Some(true),
        video: Some(VideoInfo {
            codec: codec.into(),
            width: 1920,
            height: 1080,
            display_width: 1920,
            display_height: 1080,
            pixel_aspect: "1:1".into(),
            ..Default::default()
        }),
        audio: Some(AudioInfo {
            codec: "aac".into(),
            channels: Some(2),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn with_json(
    p: &Profile,
    edit: impl FnOnce(&mut serde_json::Value),
) -> Result<Profile, preflight::Error> {
    let mut v = serde_json::to_value(p).expect("json");
    edit(&mut v);
    Profile::from_json(&v.to_string())
}

#[test]
fn a_video_rule_can_have_a_variant_per_category() {
    let base = profile::builtin("sichuan-kepu-2024").expect("builtin");
    let audio = serde_json::json!([
        {"value": true, "quote": "配音和解说使用普通话", "when": {"category": ["kepu"]}},
        {"value": true, "quote": "视频配音和解说可使用普通话，配藏文字幕，或配音和解说使用藏语，配中文字幕", "when": {"category": ["bilingual"]}}
    ]);
    let p = with_json(&base, |v| v["video"]["audio"] = audio.clone()).expect("valid");
    let m = media("h264", "mp4");
    let quote = |cat: &str| {
        let r = check::check(
            &p,
            &Input {
                category: Some(cat),
                media: Some(&m),
                ..Default::default()
            },
        );
        r.rules
            .iter()
            .find(|r| r.id == "audio")
            .map(|r| r.source.clone())
    };
    assert_eq!(quote("kepu").as_deref(), Some("配音和解说使用普通话"));
    assert!(quote("bilingual").is_some_and(|q| q.contains("藏语")));
    // `preflight profile` shows both variants' scopes through one id.
    let t = profile_text(&p, Lang::Zh);
    assert!(t.contains("audio"), "{t}");
    // A mistake inside a variant is named, not "did not match any variant".
    let e = with_json(&base, |v| {
        v["video"]["audio"] = serde_json::json!([{"valeu": true, "quote": "x"}])
    })
    .expect_err("refused");
    assert!(e.message_en.contains("valeu"), "{}", e.message_en);
    // A variant's `when` must name a real category.
    let e = with_json(
        &base,
        |v| {
            v["video"]["audio"] =
                serde_json::json!([{"value": true, "quote": "x", "when": {"category": ["nope"]}}])
        },
    )
    .expect_err("refused");
    assert!(e.message_en.contains("nope"), "{}", e.message_en);
}

#[test]
fn a_field_or_slot_is_required_by_another_answer() {
    let base = profile::builtin("kepu-light-2026").expect("builtin");
    let p = with_json(&base, |v| {
        let fields = v["fields"].as_array_mut().expect("fields");
        for f in fields.iter_mut() {
            if f["id"] == "supervisor_type_other" {
                f["required_when"] =
                    serde_json::json!({"field": "supervisor_type", "any_of": ["other"]});
            }
        }
    })
    .expect("valid");
    let other = p
        .fields
        .iter()
        .find(|f| f.id == "supervisor_type")
        .expect("field");
    assert!(
        other.options.iter().any(|o| o.id == "other"),
        "the profile has 其他"
    );
    let mut values = FormValues::new();
    values.insert("supervisor_type".into(), Value::Text("other".into()));
    let issues = form::validate(&p, &values, None, Some("unit"));
    assert!(
        issues
            .iter()
            .any(|i| i.field == "supervisor_type_other" && i.code == "required"),
        "{issues:?}"
    );
    values.insert(
        "supervisor_type".into(),
        Value::Text("outline_office".into()),
    );
    let issues = form::validate(&p, &values, None, Some("unit"));
    assert!(
        !issues.iter().any(|i| i.field == "supervisor_type_other"),
        "{issues:?}"
    );
    // The rule says the condition.
    let blank = check::blank(&p, Some("other"), Some("unit"));
    let r = blank
        .iter()
        .find(|r| r.id == "form.supervisor_type_other")
        .expect("rule");
    assert!(r.expected.contains("时必填"), "{}", r.expected);

    // A slot required when a field is filled (内蒙古's 授权使用证明).
    let nmg = profile::builtin("nmg-kepu-2025").expect("builtin");
    let cited = nmg
        .fields
        .iter()
        .find(|f| f.id.starts_with("cited"))
        .expect("a cited field")
        .id
        .clone();
    let p = with_json(&nmg, |v| {
        let slots = v["attachments"].as_array_mut().expect("slots");
        slots.push(serde_json::json!({
            "id": "license_proof", "label": "授权使用证明", "label_en": "Licence", "accept": ["pdf"],
            "file_name": "授权使用证明", "quote": "需提供授权使用证明",
            "required_when": {"field": cited}
        }));
    })
    .expect("valid");
    let status = |values: &FormValues| {
        let r = check::check(
            &p,
            &Input {
                channel: Some("recommend"),
                form: Some(values),
                attachments: Some(&[]),
                ..Default::default()
            },
        );
        r.rules
            .iter()
            .find(|r| r.id == "attachment.license_proof")
            .map(|r| r.status)
    };
    let mut values = FormValues::new();
    assert_eq!(
        status(&values),
        Some(Status::Pass),
        "nothing cited: optional"
    );
    values.insert(cited.clone(), Value::Text("文案、图片".into()));
    assert_eq!(status(&values), Some(Status::Fail), "cited: required");
    // A condition on a field that does not exist is refused.
    let e = with_json(&nmg, |v| {
        v["fields"][0]["required_when"] = serde_json::json!({"field": "nope"})
    })
    .expect_err("refused");
    assert!(e.message_en.contains("nope"), "{}", e.message_en);
}

#[test]
fn id_numbers_have_their_check_characters() {
    // Check characters computed independently (GB 11643-1999, GB 32100-2015).
    for ok in [
        "11010519491231002X",
        "11010519491231002x",
        "510107200002291232",
        "230102198511070017",
    ] {
        assert!(form::is_id_card(ok), "{ok}");
    }
    for bad in [
        "110105194912310021",  // wrong check digit
        "51010720010229123X",  // right check digit, 2001-02-29 is no date
        "11010519491231002",   // 17 characters
        "1101051949123100２X", // a full-width digit
        "",
    ] {
        assert!(!form::is_id_card(bad), "{bad}");
    }
    for ok in [
        "91350100M000100Y43",
        "91510100MA61R0XX1G",
        "12100000400000770U",
    ] {
        assert!(form::is_uscc(ok), "{ok}");
    }
    for bad in [
        "91350100M000100Y44",
        "91350100M000100I43",
        "91350100m000100Y43",
        "91350100M000100Y4",
    ] {
        assert!(!form::is_uscc(bad), "{bad}");
    }
}

#[test]
fn where_the_notice_asks_for_the_original_no_advice_says_re_encode() {
    let base = profile::builtin("kepu-light-2026").expect("builtin");
    let p = with_json(&base, |v| {
        v["video"]["original"] =
            serde_json::json!({"value": true, "quote": "报送作品需提供横屏视频原片"});
        v["video"]["container"]["value"] = serde_json::json!(["mp4"]);
    })
    .expect("valid");
    let m = media("wmv2", "asf");
    let r = check::check(
        &p,
        &Input {
            media: Some(&m),
            ..Default::default()
        },
    );
    assert!(
        r.rules.iter().all(|r| r.id != "video_codec"),
        "no codec advice for an original"
    );
    let c = r
        .rules
        .iter()
        .find(|r| r.id == "container")
        .expect("container");
    assert_eq!(c.status, Status::Fail);
    for bad in ["H.264", "ffmpeg", "导出为 MP4"] {
        assert!(
            !c.fix_zh.contains(bad) && !c.fix_en.contains(bad),
            "{}",
            c.fix_zh
        );
    }
    assert!(c.fix_zh.contains("原片"), "{}", c.fix_zh);
}

#[test]
fn the_printed_form_is_titled_per_channel_and_signed_only_where_asked() {
    let base = profile::builtin("sichuan-kepu-2024").expect("builtin");
    let p = with_json(&base, |v| {
        v["bundle"]["form_name_by_channel"] = serde_json::json!({
            "recommend": "附件1 四川省优秀科普微视频推荐信息表",
            "self": "附件2 四川省优秀科普微视频自荐表"
        });
    })
    .expect("valid");
    let values = FormValues::new();
    let rec = render::form_html(&p, &values, Some("kepu"), Some("recommend"));
    let own = render::form_html(&p, &values, Some("kepu"), Some("self"));
    assert!(
        rec.contains("推荐信息表") && !rec.contains("自荐表"),
        "{rec}"
    );
    assert!(
        own.contains("自荐表") && !own.contains("推荐信息表"),
        "{own}"
    );
    assert!(rec.contains("签字："), "四川's forms are signed");
    // CUJS asks for no signature on anything the form stands for.
    let cujs = profile::builtin("cujs-video-abstract-2026").expect("builtin");
    let html = render::form_html(&cujs, &values, None, Some("personal"));
    assert!(!html.contains("签字："), "{html}");
    let e = with_json(&base, |v| {
        v["bundle"]["form_name_by_channel"] = serde_json::json!({"nobody": "x"})
    })
    .expect_err("refused");
    assert!(e.message_en.contains("nobody"), "{}", e.message_en);
}

#[test]
fn notes_reach_the_profile_text_and_the_report() {
    let base = profile::builtin("kepu-light-2026").expect("builtin");
    let p = with_json(&base, |v| {
        v["notes"] = serde_json::json!([{
            "id": "sample_form", "text": "该表仅为示例，最终以系统填报表格为准", "text_en": "The form is a sample; the system's form is final",
            "quote": "该表仅为示例，最终以系统填报表格为准"
        }]);
    })
    .expect("valid");
    let t = profile_text(&p, Lang::Zh);
    assert!(
        t.contains("note.sample_form") && t.contains("该表仅为示例"),
        "{t}"
    );
    let r = check::check(&p, &Input::default());
    let html = render::report_html(&p, &r, "a.mp4");
    assert!(html.contains("该表仅为示例"), "{html}");
}
