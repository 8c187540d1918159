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
