//! Profiles are data: the five built-in ones load through the same validation
//! a host page's profile meets, and a bad profile is a clear error.

use preflight::profile::{self, MAX_PROFILE_BYTES, Profile};

#[test]
fn the_five_builtins_load_and_quote_their_notice() {
    let ids: Vec<&str> = profile::builtin_ids().collect();
    assert_eq!(
        ids,
        [
            "cujs-video-abstract-2026",
            "sichuan-kepu-2024",
            "heilongjiang-kepu-2022",
            "kepu-light-2026",
            "nmg-kepu-2025"
        ]
    );
    for id in ids {
        let p = profile::builtin(id).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(p.id, id);
        // Every rule that is not Preflight's own advice carries the notice's words.
        let v = &p.video;
        fn q<T>(r: &Option<profile::Scoped<T>>) -> Vec<(&String, bool)> {
            r.iter()
                .flat_map(profile::Scoped::all)
                .map(|r| (&r.quote, r.advice))
                .collect()
        }
        let quotes = [
            q(&v.container),
            q(&v.duration),
            q(&v.resolution),
            q(&v.file_size),
        ];
        for (q, advice) in quotes.into_iter().flatten() {
            assert!(
                advice || !q.is_empty(),
                "{id}: a rule without the notice's words"
            );
        }
        assert!(
            p.attachments.iter().all(|a| !a.quote.is_empty()),
            "{id}: a slot without a quote"
        );
        assert!(
            p.checklist.iter().all(|c| !c.quote.is_empty()),
            "{id}: a checklist item without a quote"
        );
    }
}

fn err(json: &str) -> preflight::Error {
    match Profile::from_json(json) {
        Ok(_) => panic!("accepted: {json}"),
        Err(e) => e,
    }
}

#[test]
fn a_bad_host_profile_is_a_clear_error() {
    let base = profile::builtin("sichuan-kepu-2024").expect("builtin");
    let json = serde_json::to_string(&base).expect("json");
    assert!(Profile::from_json(&json).is_ok(), "a profile round-trips");

    let e = err(r#"{"schema": 2}"#);
    assert_eq!(e.code, "bad_profile");
    assert!(
        e.message_en.contains("schema version 2"),
        "{}",
        e.message_en
    );
    assert!(e.message_zh.contains("schema 版本 2"), "{}", e.message_zh);

    let e = err(r#"{"schema": 1, "id": "x","#);
    assert!(e.message_en.contains("line 1"), "{}", e.message_en);

    let e = err(&json.replacen("\"fields\"", "\"fieldz\"", 1));
    assert!(
        e.message_en.contains("fieldz"),
        "unknown keys are named: {}",
        e.message_en
    );

    let e = err(&json.replacen("\"channel\":[\"recommend\"]", "\"channel\":[\"nobody\"]", 1));
    assert!(e.message_en.contains("nobody"), "{}", e.message_en);

    let mut p = base.clone();
    p.bundle.zip_name = "{nope}-{title}".into();
    let e = err(&serde_json::to_string(&p).expect("json"));
    assert!(e.message_en.contains("nope"), "{}", e.message_en);

    let mut p = base.clone();
    for r in p
        .video
        .duration
        .iter_mut()
        .flat_map(profile::Scoped::all_mut)
    {
        r.value.min_s = Some(400.0);
    }
    assert!(
        err(&serde_json::to_string(&p).expect("json"))
            .message_en
            .contains("duration")
    );

    let huge = format!(
        "{{\"schema\":1,\"id\":\"{}\"}}",
        "x".repeat(MAX_PROFILE_BYTES)
    );
    assert!(err(&huge).message_en.contains("limit"));
    assert!(err("").message_zh.contains("比赛配置无效"));
}

// ---- Each contest as its notice says (issue 10, per contest) ----

use preflight::check::{self, Input, Report, Status};
use preflight::form::{Attached, FormValues, Value};
use preflight::probe::{MediaInfo, VideoInfo};
use preflight::profile::FileKind;

fn run(p: &Profile, input: &Input<'_>) -> Report {
    check::check(p, input)
}

fn status_of(r: &Report, id: &str) -> Option<Status> {
    r.rules.iter().find(|x| x.id == id).map(|x| x.status)
}

fn ids(r: &Report) -> Vec<&str> {
    r.rules.iter().map(|x| x.id.as_str()).collect()
}

fn form(pairs: &[(&str, &str)]) -> FormValues {
    let mut f = FormValues::new();
    for (k, v) in pairs {
        f.insert((*k).into(), Value::Text((*v).into()));
    }
    f
}

fn scans(slot: &str, n: usize) -> Vec<Attached> {
    (0..n)
        .map(|i| Attached {
            slot: slot.into(),
            name: format!("第{}页.jpg", i + 1),
            size: 2_000_000,
            kind: Some(FileKind::Jpeg),
            heic: false,
        })
        .collect()
}

/// A 200 s 1080p video whose file was created in 2024.
fn video() -> MediaInfo {
    MediaInfo {
        file: "作品.mp4".into(),
        size_bytes: 150_000_000,
        container: "mp4".into(),
        duration_s: Some(200.0),
        creation_time: Some("2024-03-05T08:09:10Z".into()),
        video: Some(VideoInfo {
            codec: "h264".into(),
            width: 1920,
            height: 1080,
            display_width: 1920,
            display_height: 1080,
            pixel_aspect: "1:1".into(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[test]
fn cujs_blocks_no_entry_on_a_form_the_notice_does_not_have() {
    let p = profile::builtin("cujs-video-abstract-2026").expect("builtin");
    let m = video();
    for channel in ["personal", "unit"] {
        let empty = FormValues::new();
        let r = run(
            &p,
            &Input {
                channel: Some(channel),
                media: Some(&m),
                form: Some(&empty),
                ..Default::default()
            },
        );
        let failing: Vec<&str> = r
            .rules
            .iter()
            .filter(|x| x.id.starts_with("form.") && x.status == Status::Fail)
            .map(|x| x.id.as_str())
            .collect();
        assert!(failing.is_empty(), "{channel}: {failing:?}");
        // The paper's window is the paper's, not the video file's.
        assert!(!ids(&r).contains(&"production_date"), "{:?}", ids(&r));
    }
    // The window still holds on the date the user gives.
    let f = form(&[("published", "2024-12-31")]);
    let r = run(
        &p,
        &Input {
            channel: Some("personal"),
            form: Some(&f),
            ..Default::default()
        },
    );
    assert_eq!(status_of(&r, "form.published"), Some(Status::Fail));
}

#[test]
fn heilongjiang_takes_a_form_photographed_as_several_pages_up_to_the_pages_three() {
    let p = profile::builtin("heilongjiang-kepu-2022").expect("builtin");
    for (channel, slot) in [("recommend", "recommend_form"), ("self", "self_form")] {
        let at = |n: usize| {
            let att = scans(slot, n);
            let r = run(
                &p,
                &Input {
                    channel: Some(channel),
                    attachments: Some(&att),
                    ..Default::default()
                },
            );
            (
                status_of(&r, &format!("attachment.{slot}")),
                ids(&r).contains(&"attachment.total"),
            )
        };
        // 「上传文件（最多3个）、每个20M以内」
        assert_eq!(at(2), (Some(Status::Manual), false), "{slot}: two pages");
        assert_eq!(at(3), (Some(Status::Manual), false), "{slot}: three pages");
        assert_eq!(at(4).0, Some(Status::Fail), "{slot}: four files");
        assert!(at(4).1, "{slot}: the page's total of 3 is said");
    }
}

#[test]
fn nmg_citation_position_is_text_on_the_printed_form_and_the_total_feeds_the_ten_percent() {
    let p = profile::builtin("nmg-kepu-2025").expect("builtin");
    let m = video();
    let where_ = "1:05–1:20 资料画面";
    let f = form(&[("cited_where", where_), ("cited_seconds", "0:15")]);
    let r = run(
        &p,
        &Input {
            media: Some(&m),
            form: Some(&f),
            ..Default::default()
        },
    );
    assert_eq!(status_of(&r, "form.cited_where"), Some(Status::Pass));
    assert_eq!(status_of(&r, "form.cited_seconds"), Some(Status::Pass));
    let share = r.rules.iter().find(|x| x.id == "non_original_share");
    let share = share.expect("the 10 % check");
    assert_eq!(share.status, Status::Pass);
    assert!(share.measured.starts_with("0:15"), "{}", share.measured);
    // The file name is not the notice's business: no title_matches.
    assert!(!ids(&r).contains(&"title_matches"), "{:?}", ids(&r));
    let printed = preflight::render::form_body(&p, &f, None, None);
    assert!(
        printed.contains("引用位置及时长") && printed.contains(where_),
        "{printed}"
    );
    // 「并提供相应的播放证明」: a slot of its own, required.
    let none: Vec<Attached> = scans("recommend_form", 1);
    let r = run(
        &p,
        &Input {
            attachments: Some(&none),
            ..Default::default()
        },
    );
    assert_eq!(
        status_of(&r, "attachment.broadcast_proof"),
        Some(Status::Fail)
    );
    for id in [
        "political",
        "public_material_explained",
        "first_author",
        "three_areas",
        "quota",
    ] {
        assert!(
            ids(&r).contains(&format!("checklist.{id}").as_str()),
            "{id}"
        );
    }
}

#[test]
fn sichuan_checklist_follows_the_category_and_the_channel() {
    let p = profile::builtin("sichuan-kepu-2024").expect("builtin");
    let items = |cat: &str, chan: &str| -> Vec<String> {
        run(
            &p,
            &Input {
                category: Some(cat),
                channel: Some(chan),
                ..Default::default()
            },
        )
        .rules
        .iter()
        .filter_map(|x| x.id.strip_prefix("checklist.").map(str::to_string))
        .collect()
    };
    let kr = items("kepu", "recommend");
    for want in [
        "political",
        "no_errors",
        "not_awarded_before",
        "recommend_quota",
    ] {
        assert!(
            kr.iter().any(|x| x == want),
            "kepu/recommend: {want} in {kr:?}"
        );
    }
    for not in ["not_awarded_sichuan", "recommend_order", "self_quota"] {
        assert!(
            !kr.iter().any(|x| x == not),
            "kepu/recommend: {not} in {kr:?}"
        );
    }
    let bs = items("bilingual", "self");
    for want in [
        "political",
        "no_errors",
        "not_awarded_sichuan",
        "self_quota",
    ] {
        assert!(
            bs.iter().any(|x| x == want),
            "bilingual/self: {want} in {bs:?}"
        );
    }
    for not in ["not_awarded_before", "recommend_quota", "recommend_order"] {
        assert!(
            !bs.iter().any(|x| x == not),
            "bilingual/self: {not} in {bs:?}"
        );
    }
    assert!(
        items("bilingual", "recommend")
            .iter()
            .any(|x| x == "recommend_order")
    );
    // 附件3's exclusion, whole, for the 科普微视频 category.
    let nab = p
        .checklist
        .iter()
        .find(|c| c.id == "not_awarded_before")
        .expect("item");
    assert!(
        nab.text.contains("科技部") && nab.text.contains("其他省市"),
        "{}",
        nab.text
    );
    // 「推荐按先后排序」: the 序号 for the recommend channel only.
    let seq = p.fields.iter().find(|f| f.id == "seq").expect("seq");
    assert!(Profile::applies(&seq.when, None, Some("recommend")));
    assert!(!Profile::applies(&seq.when, None, Some("self")));
}

#[test]
fn kepu_light_summary_item_names_what_the_summary_must_contain() {
    let p = profile::builtin("kepu-light-2026").expect("builtin");
    let r = run(&p, &Input::default());
    assert_eq!(
        status_of(&r, "checklist.summary_contents"),
        Some(Status::Manual)
    );
}

#[test]
fn sichuan_narration_words_follow_the_category_and_the_pledge_collects_its_numbers() {
    let p = profile::builtin("sichuan-kepu-2024").expect("builtin");
    let m = video();
    let audio_quote = |cat: &str| {
        run(
            &p,
            &Input {
                category: Some(cat),
                channel: Some("self"),
                media: Some(&m),
                ..Default::default()
            },
        )
        .rules
        .into_iter()
        .find(|x| x.id == "audio")
        .map(|x| x.source)
    };
    assert_eq!(audio_quote("kepu").as_deref(), Some("配音和解说使用普通话"));
    let b = audio_quote("bilingual").expect("audio for bilingual");
    assert!(b.contains("配音和解说使用藏语"), "{b}");

    // 附件3/4: 「本人/单位…（身份证号码/统一社会信用代码…）」
    let issues = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        preflight::form::validate(&p, &form(pairs), Some("kepu"), Some("self"))
            .into_iter()
            .filter(|i| i.field.starts_with("pledger"))
            .map(|i| (i.field, i.code.to_string()))
            .collect()
    };
    let none = issues(&[]);
    assert!(
        none.iter().any(|(f, _)| f == "pledger") && none.iter().any(|(f, _)| f == "pledger_kind"),
        "{none:?}"
    );
    let person = issues(&[("pledger", "张三"), ("pledger_kind", "person")]);
    assert_eq!(
        person,
        [("pledger_id_card".to_string(), "required".to_string())]
    );
    let ok = issues(&[
        ("pledger", "张三"),
        ("pledger_kind", "person"),
        ("pledger_id_card", "11010519491231002X"),
    ]);
    assert!(ok.is_empty(), "{ok:?}");
    let bad = issues(&[
        ("pledger", "张三"),
        ("pledger_kind", "person"),
        ("pledger_id_card", "110105194912310021"),
    ]);
    assert_eq!(bad.len(), 1, "a wrong check digit: {bad:?}");
    let unit = issues(&[
        ("pledger", "某科技馆"),
        ("pledger_kind", "unit"),
        ("pledger_uscc", "91350100M000100Y43"),
    ]);
    assert!(unit.is_empty(), "{unit:?}");
    let unit = issues(&[("pledger", "某科技馆"), ("pledger_kind", "unit")]);
    assert_eq!(unit, [("pledger_uscc".to_string(), "required".to_string())]);
}

#[test]
fn kepu_light_keeps_the_original_and_asks_the_other_type_only_after_its_tick() {
    let p = profile::builtin("kepu-light-2026").expect("builtin");
    let m = video();
    let r = run(
        &p,
        &Input {
            media: Some(&m),
            ..Default::default()
        },
    );
    assert!(
        !ids(&r).contains(&"video_codec"),
        "「原片」: no codec advice"
    );
    let other = |kind: &str| {
        preflight::form::validate(&p, &form(&[("supervisor_type", kind)]), None, Some("unit"))
            .into_iter()
            .any(|i| i.field == "supervisor_type_other")
    };
    assert!(other("other"), "其他 ticked: its blank is required");
    assert!(!other("national_society"));
    // 视频类别's 「□其他 ___」 follows its own tick, whatever the category.
    let category_other = |ticks: &[&str]| {
        let mut f = FormValues::new();
        f.insert(
            "video_categories".into(),
            Value::List(ticks.iter().map(|s| s.to_string()).collect()),
        );
        preflight::form::validate(&p, &f, Some("venue_visit"), Some("unit"))
            .into_iter()
            .any(|i| i.field == "category_other")
    };
    assert!(category_other(&["venue_visit", "other"]));
    assert!(!category_other(&["venue_visit"]));
    // The three dates of the notice, and the sample form, are said.
    let t = preflight::describe::profile_text(&p, preflight::Lang::Zh);
    for want in ["7 月 12 日", "8 月 15 日", "9 月 15 日", "仅为示例"] {
        assert!(t.contains(want), "missing «{want}»:\n{t}");
    }
}

#[test]
fn nmg_declared_citations_need_their_licence_proof() {
    let p = profile::builtin("nmg-kepu-2025").expect("builtin");
    let att = scans("recommend_form", 1);
    let slot = |pairs: &[(&str, &str)]| {
        let f = form(pairs);
        status_of(
            &run(
                &p,
                &Input {
                    form: Some(&f),
                    attachments: Some(&att),
                    ..Default::default()
                },
            ),
            "attachment.citation_license",
        )
    };
    assert_eq!(slot(&[]), Some(Status::Pass), "nothing cited");
    assert_eq!(
        slot(&[("cited_types", "图片")]),
        Some(Status::Fail),
        "cited, no proof"
    );
}

#[test]
fn the_guidance_no_one_ticks_is_said() {
    for (id, want) in [
        ("cujs-video-abstract-2026", "可通过个人提交通道上传视频摘要"),
        ("sichuan-kepu-2024", "请先保存系统显示的查询码"),
        ("heilongjiang-kepu-2022", "仅支持删除原报名信息后重新提交"),
    ] {
        let p = profile::builtin(id).expect("builtin");
        let t = preflight::describe::profile_text(&p, preflight::Lang::Zh);
        assert!(t.contains(want), "{id}: missing «{want}»:\n{t}");
    }
    // Whom to ask: every notice names its contacts.
    for p in profile::builtins() {
        assert!(
            p.notes.iter().any(|n| n.id == "contacts"),
            "{}: no contacts",
            p.id
        );
    }
}

#[test]
fn the_printed_forms_carry_the_notices_titles_and_the_pledges_their_numbers() {
    let p = profile::builtin("sichuan-kepu-2024").expect("builtin");
    let f = form(&[
        ("title", "水的旅行"),
        ("pledger", "张三"),
        ("pledger_kind", "person"),
        ("pledger_id_card", "11010519491231002X"),
    ]);
    let rec = preflight::render::form_html(&p, &f, Some("kepu"), Some("recommend"));
    assert!(
        rec.contains("2024年四川省优秀科普微视频推荐信息表"),
        "{rec}"
    );
    assert!(!rec.contains("报名表") && !rec.contains("自荐表"), "{rec}");
    let doc = &rec[rec
        .find("data-document=\"copyright_pledge\"")
        .expect("附件3")..];
    for want in [
        "附件 3　科普微视频版权承诺书",
        "11010519491231002X",
        "水的旅行",
        "无失密问题",
        "未曾被科技部评为全国优秀科普微视频",
        "承诺人（签字）/单位（盖章）",
    ] {
        assert!(doc.contains(want), "附件3 lacks {want}: {doc}");
    }
    let own = preflight::render::form_html(&p, &f, Some("bilingual"), Some("self"));
    assert!(own.contains("2024年四川省优秀科普微视频自荐表"), "{own}");
    assert!(own.contains("data-document=\"copyright_pledge_bilingual\""));
    assert!(!own.contains("data-document=\"copyright_pledge\""));

    let h = profile::builtin("heilongjiang-kepu-2022").expect("builtin");
    for (chan, title) in [
        ("recommend", "2022年黑龙江省优秀科普微视频作品推荐表"),
        ("self", "2022年黑龙江省优秀科普微视频作品自荐表"),
    ] {
        let html = preflight::render::form_html(&h, &FormValues::new(), None, Some(chan));
        assert!(
            html.contains(title) && !html.contains("推荐表或自荐表"),
            "{chan}: {html}"
        );
    }
}

#[test]
fn kepu_light_takes_an_entry_whose_video_is_still_to_be_made() {
    let p = profile::builtin("kepu-light-2026").expect("builtin");
    let mut f = form(&[
        ("unit", "某市科协"),
        ("contact", "王五"),
        ("position", "干事"),
        ("phone", "023-63003153"),
        ("email", "a@example.com"),
        ("supervisor", "某市科协"),
        ("supervisor_type", "local_cast"),
    ]);
    f.insert(
        "video_categories".into(),
        Value::List(vec!["venue_visit".into()]),
    );
    f.insert("status".into(), Value::List(vec!["to_produce".into()]));
    let input = |f: &FormValues| {
        run(
            &p,
            &Input {
                category: Some("venue_visit"),
                channel: Some("unit"),
                form: Some(&f.clone()),
                ..Default::default()
            },
        )
    };
    // The leads summary is what a video-to-come entry has to describe.
    let r = input(&f);
    assert_eq!(status_of(&r, "form.leads"), Some(Status::Fail));
    f.insert(
        "leads".into(),
        Value::Text("某科技馆特色探访：青少年实验课，可拍摄实验过程。".into()),
    );
    let r = input(&f);
    let failing: Vec<&str> = r
        .rules
        .iter()
        .filter(|x| x.status == Status::Fail)
        .map(|x| x.id.as_str())
        .collect();
    assert!(failing.is_empty(), "{failing:?}");
    let later = r
        .rules
        .iter()
        .find(|x| x.id == "video.later")
        .expect("later");
    assert!(
        later.message_zh.contains("8 月 15 日"),
        "{}",
        later.message_zh
    );
    // A finished entry still needs its summary.
    f.insert("status".into(), Value::List(vec!["finished".into()]));
    assert_eq!(status_of(&input(&f), "form.summary"), Some(Status::Fail));
}

#[test]
fn the_form_repeats_the_category_chosen_once() {
    let p = profile::builtin("sichuan-kepu-2024").expect("builtin");
    let typed = form(&[("video_category", "kepu")]);
    let eff = preflight::form::effective(&p, &typed, Some("bilingual"), Some("self"));
    assert_eq!(
        eff.get("video_category"),
        Some(&Value::Text("bilingual".into()))
    );
    let k = profile::builtin("kepu-light-2026").expect("builtin");
    let mut typed = FormValues::new();
    typed.insert(
        "video_categories".into(),
        Value::List(vec!["venue_visit".into()]),
    );
    let eff = preflight::form::effective(&k, &typed, Some("scifi_reading"), Some("unit"));
    let Some(Value::List(ticks)) = eff.get("video_categories") else {
        panic!("{eff:?}");
    };
    assert!(
        ticks.iter().any(|t| t == "scifi_reading") && ticks.iter().any(|t| t == "venue_visit"),
        "{ticks:?}"
    );
}
