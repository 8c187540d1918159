//! An entry whose video comes later (科普之光's 视频线索, "视频待自行制作（8月15日前
//! 补充报送）"): `preflight bundle` without `--video` makes a bundle of the
//! form and the report that real unzip programs read, whose manifest says the
//! video follows and by when, and that `preflight verify` accepts. Where the
//! form or the contest does not let the video come later, no video is a clear
//! error (exit 2, Chinese and English), and `verify` refuses a video-less
//! bundle.

mod common;

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use common::bundle::*;
use preflight::bundle::zip::{EntryMeta, Part, layout};

const KEPU: &str = "kepu-light-2026";

/// A 科普之光 form whose 报送视频状态 is `status`.
fn kepu_form(dir: &TestDir, status: &str) -> PathBuf {
    let mut v = serde_json::json!({
        "unit": "某市科协",
        "title": "黑洞的秘密",
        "contact": "张三",
        "position": "科普部部长",
        "phone": "13912345678",
        "email": "zhang@example.com",
        "video_categories": [category_for(status)],
        "status": [status],
        "supervisor": "某省科协",
        "supervisor_type": "local_cast"
    });
    let text = if status == "finished" {
        "summary"
    } else {
        "leads"
    };
    v[text] = "拟拍摄本市科技馆的黑洞展项。".into();
    write_form(dir, &format!("kepu-{status}.json"), v)
}

/// The category an entry of this status belongs to: the notice keeps
/// 科普月精剪视频 for the 科普月 category and 视频待自行制作 for the others.
fn category_for(status: &str) -> &'static str {
    if status == "highlight_cut" {
        "kepuyue_cut"
    } else {
        "venue_visit"
    }
}

fn kepu_bundle(form: &Path, out: &Path, status: &str) -> Run {
    preflight(&[
        "bundle",
        "--profile",
        KEPU,
        "--category",
        category_for(status),
        "--form",
        s(form),
        "-o",
        s(out),
    ])
}

#[test]
fn a_leads_only_entry_is_bundled_without_its_video() {
    let dir = TestDir::new("later");
    for (status, due) in [
        ("to_produce", "8 月 15 日"),
        ("highlight_cut", "9 月 15 日"),
    ] {
        let zip = dir.join(format!("{status}.zip"));
        let r = kepu_bundle(&kepu_form(&dir, status), &zip, status);
        assert_eq!(r.code, 0, "{status}:\n{}{}", r.stdout, r.stderr);
        assert!(
            r.stdout.contains("未附视频：视频稍后补充")
                && r.stdout.contains("No video: it follows later"),
            "{status}: the CLI says the video follows:\n{}",
            r.stdout
        );
        // Real unzip programs read it, and find the form, the report and the
        // manifest, no video.
        let z = s(&zip);
        let (code, out, err) = tool("unzip", &["-t", z]);
        assert_eq!(code, 0, "unzip -t {z}:\n{out}{err}");
        let (code, out, err) = tool("unzip", &["-Z1", z]);
        assert_eq!(code, 0, "unzip -Z1: {err}");
        let names: Vec<&str> = out.lines().collect();
        assert_eq!(names.len(), 3, "{names:?}");
        assert!(names[0].ends_with("征集信息采集表.html"), "{names:?}");
        assert_eq!(&names[1..], ["report.html", "manifest.json"]);
        let (code, out, err) = tool("bsdtar", &["-tf", z]);
        assert_eq!(code, 0, "bsdtar -tf: {err}");
        assert_eq!(out.lines().collect::<Vec<_>>(), names, "bsdtar names");
        let py = python_zipfile(&zip, true);
        assert_eq!(py["entries"].as_array().map(Vec::len), Some(3), "{py}");
        // The manifest: no video, no media; the video follows, by when.
        let m = read_manifest(&zip);
        assert!(m.get("media").is_none(), "no media: {m}");
        let files = m["files"].as_array().unwrap();
        assert!(
            files.iter().all(|f| f["role"] != "video"),
            "no video listed: {m}"
        );
        let later = &m["video_later"];
        assert!(
            later["text"].as_str().is_some_and(|t| t.contains(due)),
            "{status}: the manifest says when the video is due: {later}"
        );
        assert!(later["text_en"].as_str().is_some_and(|t| t.contains("15 ")));
        assert_eq!(m["rules"][0]["id"], "video.later", "{m}");
        assert_eq!(m["verdict"], "pass", "{}", m["rules"]);
        // `preflight verify` accepts it and says the video follows.
        let v = preflight(&["verify", z]);
        assert_eq!(v.code, 0, "verify {status}:\n{}{}", v.stdout, v.stderr);
        assert!(v.stdout.contains("3 个文件完整"), "{}", v.stdout);
        assert!(v.stdout.contains("video.later"), "{}", v.stdout);
        assert!(v.stdout.contains("未附视频：视频稍后补充"), "{}", v.stdout);
        let j = preflight(&["verify", z, "--json"]);
        assert_eq!(j.code, 0, "{}", j.stderr);
    }
}

#[test]
fn no_video_is_refused_where_the_video_does_not_come_later() {
    let dir = TestDir::new("later-refused");
    // 科普之光, a finished video: the form says it is there.
    let zip = dir.join("finished.zip");
    let r = kepu_bundle(&kepu_form(&dir, "finished"), &zip, "finished");
    assert_error_zh_en(
        &r,
        "video_required",
        "says the video comes later",
        "科普之光, finished, no --video",
    );
    assert!(
        r.stderr.contains("报送视频状态"),
        "names the field: {}",
        r.stderr
    );
    assert!(!zip.exists(), "nothing written");
    // 黑龙江: every entry needs its video.
    let zip = dir.join("hlj.zip");
    let r = preflight(&[
        "bundle",
        "--profile",
        HLJ,
        "--channel",
        "self",
        "--form",
        s(&hlj_form(&dir)),
        "--attach",
        &format!("self_form={}", s(&scan_pdf())),
        "-o",
        s(&zip),
    ]);
    assert_error_zh_en(
        &r,
        "video_required",
        "need their video",
        "黑龙江, no --video",
    );
    assert!(!zip.exists(), "nothing written");
    let left: Vec<_> = std::fs::read_dir(&dir.0)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(
        !left
            .iter()
            .any(|n| n.to_string_lossy().ends_with(".partial")),
        "no partial file left: {left:?}"
    );
}

/// Every entry of a zip: name and bytes.
fn read_all(zip: &Path) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(File::open(zip).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut e = z.by_index(i).unwrap();
            let mut d = Vec::new();
            e.read_to_end(&mut d).unwrap();
            (e.name().unwrap().to_string(), d)
        })
        .collect()
}

/// A well-formed bundle of `entries`, laid out by the library.
fn write_zip(out: &Path, entries: &[(String, Vec<u8>)]) {
    let metas: Vec<EntryMeta> = entries
        .iter()
        .map(|(n, d)| EntryMeta {
            name: n.clone(),
            size: d.len() as u64,
            crc32: crc32fast::hash(d),
        })
        .collect();
    let (parts, _) = layout(&metas, 1_767_225_600).unwrap();
    let mut f = File::create(out).unwrap();
    for p in parts {
        match p {
            Part::Bytes(b) => f.write_all(&b).unwrap(),
            Part::Data(i) => f.write_all(&entries[i].1).unwrap(),
        }
    }
}

/// `zip` with its manifest changed by `edit` and the video, if any, taken
/// out (entry and manifest row): otherwise whole and consistent.
fn without_video(zip: &Path, out: &Path, edit: impl Fn(&mut serde_json::Value)) {
    let mut entries = read_all(zip);
    let (_, m) = entries.iter().find(|e| e.0 == "manifest.json").unwrap();
    let mut m: serde_json::Value = serde_json::from_slice(m).unwrap();
    let video: Vec<String> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["role"] == "video")
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    m["files"]
        .as_array_mut()
        .unwrap()
        .retain(|f| f["role"] != "video");
    if let Some(o) = m.as_object_mut() {
        o.remove("media");
    }
    edit(&mut m);
    entries.retain(|e| !video.contains(&e.0));
    for e in &mut entries {
        if e.0 == "manifest.json" {
            e.1 = serde_json::to_vec_pretty(&m).unwrap();
        }
    }
    write_zip(out, &entries);
}

#[test]
fn verify_refuses_a_video_less_bundle_whose_entry_needs_its_video() {
    let dir = TestDir::new("later-verify");
    let leads = dir.join("leads.zip");
    let r = kepu_bundle(&kepu_form(&dir, "to_produce"), &leads, "to_produce");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // The same bundle rewritten, unchanged: verify accepts the rewrite (so a
    // refusal below is the form's doing, not the rewriting's).
    let same = dir.join("same.zip");
    without_video(&leads, &same, |_| {});
    let v = preflight(&["verify", s(&same)]);
    assert_eq!(v.code, 0, "the rewrite verifies:\n{}{}", v.stdout, v.stderr);
    // Its form now says the video is finished: it should be there.
    let finished = dir.join("finished.zip");
    without_video(&leads, &finished, |m| {
        m["form"]["status"] = serde_json::json!(["finished"]);
    });
    let v = preflight(&["verify", s(&finished)]);
    assert_error_zh_en(
        &v,
        "bad_bundle",
        "the manifest lists no video",
        "科普之光, finished",
    );
    assert!(
        v.stderr.contains("says the video comes later"),
        "{}",
        v.stderr
    );
    // 黑龙江's bundle with its video taken out.
    let b = bundle_a(&dir, &video());
    let hlj = dir.join("hlj-no-video.zip");
    without_video(&b.zip, &hlj, |_| {});
    let v = preflight(&["verify", s(&hlj)]);
    assert_error_zh_en(
        &v,
        "bad_bundle",
        "the manifest lists no video",
        "黑龙江 without video",
    );
    assert!(v.stderr.contains("need their video"), "{}", v.stderr);
}
