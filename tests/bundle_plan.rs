//! `bundle::plan` through the library, as every edge calls it: it refuses to
//! bundle a video that is not the file that was probed (`video_changed`),
//! and `bundle::same_file` says the same to an edge before it zips.

mod common;

use std::fs;

use common::bundle::*;
use preflight::bundle::{self, FileId, Plan, ScanIn, Stamp, Submission, VideoIn, same_file};
use preflight::check::{self, Input, Report};
use preflight::error::Error;
use preflight::form::FormValues;
use preflight::probe::MediaInfo;
use preflight::profile::Profile;

struct Inputs {
    p: Profile,
    form: FormValues,
    info: MediaInfo,
    scan: ScanIn,
    report: Report,
}

/// The HLJ profile, its form, the 1080p fixture as probed (named
/// "a.mp4"), a PDF scan, and the check's report.
fn inputs() -> Inputs {
    let dir = TestDir::new("plan");
    let p = preflight::profile::builtin(HLJ).unwrap();
    let form: FormValues = serde_json::from_slice(&fs::read(hlj_form(&dir)).unwrap()).unwrap();
    let mut info = preflight::probe::probe_file(&video()).unwrap();
    info.file = "a.mp4".into();
    let slot = p.attachments.iter().find(|a| a.id == "self_form").unwrap();
    let (scan, att) = ScanIn::from_bytes(slot, "scan.pdf", &pdf_bytes()).unwrap();
    let attached = [att];
    let report = check::check(
        &p,
        &Input {
            category: None,
            channel: Some("self"),
            media: Some(&info),
            form: Some(&form),
            attachments: Some(&attached),
            file_name: Some(&info.file),
        },
    );
    Inputs {
        p,
        form,
        info,
        scan,
        report,
    }
}

fn plan_with(i: &Inputs, video: &VideoIn) -> Result<Plan, Error> {
    let mut s = Submission::new(&i.p, None, Some("self"), i.form.clone())?;
    s.scans = vec![i.scan.clone()];
    s.video = Some(video.clone());
    bundle::plan(
        &s,
        &i.report,
        &Stamp {
            unix_time: 1_767_225_600,
            forced: true,
            tool: "preflight-test",
        },
    )
}

fn assert_video_changed(r: Result<Plan, Error>, what: &str, en_has: &str) {
    let e = match r {
        Ok(plan) => panic!(
            "{what}: planned anyway, the manifest would describe another file:\n{}",
            plan.manifest_json().unwrap_or("")
        ),
        Err(e) => e,
    };
    assert_eq!(e.code, "video_changed", "{what}: {e:?}");
    assert!(
        e.message_zh.contains("重新检查") && e.message_zh.contains("不是刚才检查的那个文件"),
        "{what}: {}",
        e.message_zh
    );
    assert!(
        e.message_en.contains("Check the video again") && e.message_en.contains(en_has),
        "{what}: {}",
        e.message_en
    );
}

#[test]
fn plan_refuses_a_video_whose_size_is_not_the_probed_size() {
    let i = inputs();
    let size = i.info.size_bytes;
    // Pick A (probed), then B: B's bytes with A's facts.
    for other in [size - 1, size + 1, 1, 4_300_000_000] {
        let v = VideoIn {
            size: other,
            crc32: 0x1234_5678,
            info: i.info.clone(),
            ..Default::default()
        };
        assert_video_changed(
            plan_with(&i, &v),
            &format!("{other} bytes zipped, {size} probed"),
            &format!("{size} bytes, the file to bundle {other}"),
        );
    }
}

#[test]
fn plan_refuses_a_video_of_another_name_or_modified_since() {
    let i = inputs();
    let size = i.info.size_bytes;
    let v = VideoIn {
        size,
        crc32: 1,
        info: i.info.clone(),
        name: Some("b.mp4".into()),
        ..Default::default()
    };
    assert_video_changed(plan_with(&i, &v), "named b.mp4", "\"b.mp4\"");
    let v = VideoIn {
        size,
        crc32: 1,
        info: i.info.clone(),
        name: Some("a.mp4".into()),
        modified_ms: Some(1_767_225_600_001),
        probed_modified_ms: Some(1_767_225_600_000),
    };
    assert_video_changed(plan_with(&i, &v), "modified 1 ms later", "modified");
}

#[test]
fn plan_bundles_the_probed_file() {
    let i = inputs();
    let size = i.info.size_bytes;
    let same = [
        VideoIn {
            size,
            crc32: 1,
            info: i.info.clone(),
            ..Default::default()
        },
        VideoIn {
            size,
            crc32: 1,
            info: i.info.clone(),
            name: Some("a.mp4".into()),
            modified_ms: Some(7),
            probed_modified_ms: Some(7),
        },
        // A time known on one side only is not compared.
        VideoIn {
            size,
            crc32: 1,
            info: i.info.clone(),
            name: Some("a.mp4".into()),
            modified_ms: Some(7),
            probed_modified_ms: None,
        },
    ];
    for v in same {
        let plan = plan_with(&i, &v).unwrap_or_else(|e| panic!("{v:?}: {e:?}"));
        assert_eq!(plan.entries[0].size, size);
        let m: serde_json::Value = serde_json::from_str(plan.manifest_json().unwrap()).unwrap();
        assert_eq!(m["media"]["size_bytes"], size);
        assert_eq!(m["files"][0]["size"], size);
    }
}

#[test]
fn same_file_compares_name_size_and_modified_time() {
    let a = FileId {
        name: "黑洞的秘密.mp4".into(),
        size: 1000,
        modified_ms: Some(1_700_000_000_000),
    };
    assert_eq!(same_file(&a, &a.clone()), Ok(()));
    // A name in NFD (as macOS may hand it over) is the same name.
    let nfd = FileId {
        name: "e\u{301}.mp4".into(),
        ..a.clone()
    };
    let nfc = FileId {
        name: "\u{e9}.mp4".into(),
        ..a.clone()
    };
    assert_eq!(same_file(&nfd, &nfc), Ok(()));
    let unknown = FileId {
        modified_ms: None,
        ..a.clone()
    };
    assert_eq!(same_file(&a, &unknown), Ok(()));
    assert_eq!(same_file(&unknown, &a), Ok(()));
    for (what, b) in [
        (
            "size",
            FileId {
                size: 1001,
                ..a.clone()
            },
        ),
        (
            "name",
            FileId {
                name: "黑洞的秘密 (1).mp4".into(),
                ..a.clone()
            },
        ),
        (
            "modified",
            FileId {
                modified_ms: Some(1_700_000_000_001),
                ..a.clone()
            },
        ),
    ] {
        let e = same_file(&a, &b).expect_err(what);
        assert_eq!(e.code, "video_changed", "{what}");
        assert!(
            e.message_zh.contains("重新检查"),
            "{what}: {}",
            e.message_zh
        );
        assert!(
            e.message_en.contains("Check the video again"),
            "{what}: {}",
            e.message_en
        );
    }
    // What the JS API would pass: {name, size, modified_ms}.
    let js: FileId =
        serde_json::from_str(r#"{"name":"a.mp4","size":5,"modified_ms":1700000000000}"#).unwrap();
    assert_eq!(js.modified_ms, Some(1_700_000_000_000));
    let js: FileId = serde_json::from_str(r#"{"name":"a.mp4","size":5}"#).unwrap();
    assert_eq!(js.modified_ms, None);
}
