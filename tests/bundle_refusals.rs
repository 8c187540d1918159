//! `preflight bundle` refuses: failing rules unless `--force` (and what the
//! manifest then records), and bad usage, each in Chinese and English with
//! nothing written.

mod common;

use std::fs;
use std::path::Path;

use common::bundle::*;

#[test]
fn bundle_refuses_failing_rules_unless_forced() {
    let dir = TestDir::new("refuse");
    let form = hlj_form(&dir);
    let zip = dir.join("refused.zip");
    let args = |force: bool| {
        let mut a: Vec<String> = [
            "bundle",
            "--profile",
            HLJ,
            "--channel",
            "self",
            "--form",
            s(&form),
            "--video",
            s(&video()),
            "--attach",
            &format!("self_form={}", s(&scan_pdf())),
            "-o",
            s(&zip),
        ]
        .map(String::from)
        .to_vec();
        if force {
            a.push("--force".into());
        }
        a
    };
    let a = args(false);
    let r = preflight(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(r.code, 1, "refused:\n{}{}", r.stdout, r.stderr);
    let zh = r
        .stdout
        .lines()
        .find(|l| l.starts_with("未打包"))
        .expect("未打包 line");
    let en = r
        .stdout
        .lines()
        .find(|l| l.starts_with("Not bundled"))
        .expect("Not bundled line");
    for id in ["duration", "file_size"] {
        assert!(
            zh.contains(id) && en.contains(id),
            "the failing rule {id} is named:\n{zh}\n{en}"
        );
    }
    assert!(en.contains("--force"));
    let left: Vec<_> = fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(!zip.exists(), "nothing written when refused");
    assert!(
        left.iter().all(|n| !n.to_string_lossy().contains(".zip")),
        "no partial file: {left:?}"
    );

    let a = args(true);
    let r = preflight(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(
        r.code, 1,
        "forced: bundled, and the verdict is still fail\n{}{}",
        r.stdout, r.stderr
    );
    assert!(zip.exists());
    let m = read_manifest(&zip);
    assert_eq!(m["forced"], true);
    assert_eq!(m["failures"], serde_json::json!(["duration", "file_size"]));
    assert_eq!(m["verdict"], "fail");
    assert_eq!(m["schema"], "preflight-bundle/1");
    let files: Vec<&str> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        [VIDEO_NAME, PDF_SCAN_NAME, HLJ_FORM_HTML, "report.html"]
    );
    assert!(!dir.join("refused.zip.partial").exists());

    // --force on a passing bundle records nothing forced.
    let b = bundle_b(&dir);
    let m = read_manifest(&b.zip);
    assert_eq!(m["forced"], false);
    assert_eq!(m["failures"], serde_json::json!([]));
}

/// The bad invocations: what, the arguments, the error code ("" for any)
/// and what the English message says.
fn usage_cases(
    dir: &TestDir,
    out: &Path,
) -> Vec<(&'static str, Vec<String>, &'static str, &'static str)> {
    let form = hlj_form(dir);
    let heic = dir.join("scan.heic.jpg");
    let mut h = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
    h.resize(4096, 0);
    fs::write(&heic, &h).unwrap();
    let bad_form = write_form(
        dir,
        "bad-form.json",
        serde_json::json!({"title": "黑洞的秘密", "bogus_field": "x"}),
    );
    let not_form = dir.join("not-form.json");
    fs::write(&not_form, b"[1, 2").unwrap();
    let v = video();
    let pdf = scan_pdf();
    let base = |form: &Path, attach: &str| -> Vec<String> {
        [
            "bundle",
            "--profile",
            HLJ,
            "--channel",
            "self",
            "--form",
            s(form),
            "--video",
            s(&v),
            "--attach",
            attach,
            "-o",
            s(out),
            "--force",
        ]
        .map(String::from)
        .to_vec()
    };
    vec![
        (
            "unknown slot",
            base(&form, &format!("no_such_slot={}", s(&pdf))),
            "unknown_slot",
            "Attachment slot \"no_such_slot\" is not part of this contest",
        ),
        (
            "unknown form field",
            base(&bad_form, &format!("self_form={}", s(&pdf))),
            "bad_form",
            "\"bogus_field\" in the form is not a field of this contest",
        ),
        (
            "form not JSON",
            base(&not_form, &format!("self_form={}", s(&pdf))),
            "bad_form",
            "is not a valid form JSON",
        ),
        (
            "HEIC as a scan",
            base(&form, &format!("self_form={}", s(&heic))),
            "heic_scan",
            "Most Compatible",
        ),
        (
            "missing -o",
            vec![
                "bundle".into(),
                "--profile".into(),
                HLJ.into(),
                "--video".into(),
                s(&v).into(),
            ],
            "usage",
            "-o OUT.zip is required",
        ),
        (
            "unknown profile",
            vec![
                "bundle".into(),
                "--profile".into(),
                "no-such-contest".into(),
                "--video".into(),
                s(&v).into(),
                "-o".into(),
                s(out).into(),
            ],
            "",
            "",
        ),
    ]
}

#[test]
fn bundle_refuses_bad_usage_in_chinese_and_english() {
    let dir = TestDir::new("usage");
    let out = dir.join("out.zip");
    let cases = usage_cases(&dir, &out);
    for (what, args, code, en_has) in cases {
        let r = preflight(&args.iter().map(String::as_str).collect::<Vec<_>>());
        if code.is_empty() {
            assert_eq!(r.code, 2, "{what}: {}", r.stderr);
            assert!(
                r.stderr.contains("错误 [") && r.stderr.contains("error ["),
                "{what}: zh + en: {}",
                r.stderr
            );
        } else {
            assert_error_zh_en(&r, code, en_has, what);
        }
        if what == "HEIC as a scan" {
            assert!(
                r.stderr.contains("HEIC") && r.stderr.contains("兼容性最佳"),
                "HEIC advice in Chinese: {}",
                r.stderr
            );
        }
        assert!(!out.exists(), "{what}: no bundle written");
        assert!(
            !dir.join("out.zip.partial").exists(),
            "{what}: no partial file"
        );
    }
}
