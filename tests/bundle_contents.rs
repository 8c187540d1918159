//! What is inside a bundle, checked against what the test itself knows rather
//! than against what the CLI printed: `manifest.json` parsed field by field
//! (profile, category, channel, the form as typed, the media facts against
//! ffprobe, every file's size, CRC-32 and SHA-256 recomputed here from the
//! bytes), the filled form's HTML (every typed value, escaped here) and
//! `report.html` (the verdict and one row per rule, as the manifest has it).

mod common;

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};

use common::bundle::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// HTML-escaped text, written here from the HTML spec's list, not the crate's.
fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
        .replace('\n', "<br>")
}

fn sha256_hex(d: &[u8]) -> String {
    Sha256::digest(d)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every entry of the zip, in order, read by the `zip` crate.
fn entries(zip: &Path) -> Vec<(String, Vec<u8>)> {
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

/// A bundle made here with a form whose free text holds `<`, `&`, quotes and
/// a line break, so that escaping shows.
struct Case {
    profile: &'static str,
    channel: &'static str,
    form: Value,
    slot: &'static str,
    scan: PathBuf,
    scan_name: &'static str,
    form_html: &'static str,
    forced: bool,
}

fn cases() -> Vec<Case> {
    let hlj = json!({
        "self_nominator": "张三",
        "title": "黑洞的秘密",
        "domain": "天文",
        "broadcast_date": "2021-05-01",
        "authors": ["张三", "李四"],
        "broadcast_url": "https://example.com/v/1?a=1&b=2",
        "address": "黑龙江省哈尔滨市南岗区\"学府路\" 1 号",
        "phone": "0451-51920576",
        "email": "zhang@example.com",
        "summary": "用动画讲解<黑洞>的形成 & 演化。",
        "innovation": "以生活中的比喻解释时空弯曲：<script>alert('x')</script>",
        "reach": "在本地电视台播出。\n网络点击 10 万次。"
    });
    let cujs = json!({
        "unit": "某大学学报编辑部 <编辑部>",
        "journal": "中国科技期刊研究",
        "title": "黑洞的秘密",
        "doi": "https://doi.org/10.1000/xyz123",
        "published": "2026-01-10",
        "authors": ["张三", "李四 & 王五"],
        "mobile": "13912345678"
    });
    vec![
        Case {
            profile: HLJ,
            channel: "self",
            form: hlj,
            slot: "self_form",
            scan: scan_pdf(),
            scan_name: PDF_SCAN_NAME,
            form_html: HLJ_FORM_HTML,
            forced: true,
        },
        Case {
            profile: CUJS,
            channel: "unit",
            form: cujs,
            slot: "copyright_license",
            scan: scan_png(),
            scan_name: PNG_SCAN_NAME,
            form_html: CUJS_FORM_HTML,
            forced: false,
        },
    ]
}

fn make(dir: &TestDir, c: &Case) -> PathBuf {
    let form = write_form(dir, &format!("{}.json", c.profile), c.form.clone());
    let zip = dir.join(format!("{}.zip", c.profile));
    let attach = format!("{}={}", c.slot, s(&c.scan));
    let v = video();
    let mut args = vec![
        "bundle",
        "--profile",
        c.profile,
        "--channel",
        c.channel,
        "--form",
        s(&form),
        "--video",
        s(&v),
        "--attach",
        &attach,
        "-o",
        s(&zip),
    ];
    if c.forced {
        args.push("--force");
    }
    let r = preflight(&args);
    assert_eq!(
        r.code,
        i32::from(c.forced),
        "bundle {}:\n{}{}",
        c.profile,
        r.stdout,
        r.stderr
    );
    zip
}

fn f64_of(v: &Value) -> f64 {
    match v {
        Value::String(s) => s.parse().unwrap(),
        v => v.as_f64().unwrap(),
    }
}

/// "30000/1001" → 29.97.
fn ratio(s: &str) -> f64 {
    let (a, b) = s.split_once('/').unwrap();
    a.parse::<f64>().unwrap() / b.parse::<f64>().unwrap()
}

/// Rules: the failures and nothing else fail; the 1080p video passes any
/// resolution rule; the CLI ticks no checklist item.
fn assert_rules(m: &Value) {
    for r in m["rules"].as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        let failing = m["failures"].as_array().unwrap().iter().any(|f| f == id);
        assert_eq!(r["status"] == "fail", failing, "rule {id}: {r}");
        if id == "resolution" {
            assert_eq!(r["status"], "pass", "{r}");
        }
        if !id.starts_with("form.") {
            assert!(r["expected"].as_str().is_some_and(|e| !e.is_empty()), "{r}");
        }
    }
    assert!(
        m["checklist"]
            .as_object()
            .unwrap()
            .values()
            .all(|v| v == false),
        "the CLI ticks nothing: {}",
        m["checklist"]
    );
}

/// The manifest's media facts are ffprobe's of the fixture video.
fn assert_media_is_ffprobes(media: &Value, video_len: u64) {
    let fp = common::ffprobe(&video());
    assert_eq!(media["size_bytes"], video_len);
    assert_eq!(media["container"], "mp4");
    assert_eq!(media["faststart"], true);
    assert_eq!(media["creation_time"], "2026-01-15T00:00:00Z");
    let d = media["duration_s"].as_f64().unwrap();
    let fd = f64_of(&fp["format"]["duration"]);
    assert!((d - fd).abs() < 0.05, "duration {d} vs ffprobe {fd}");
    let stream = |kind: &str| {
        fp["streams"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["codec_type"] == kind)
            .unwrap()
            .clone()
    };
    let (fv, fa) = (stream("video"), stream("audio"));
    let v = &media["video"];
    assert_eq!(v["codec"], fv["codec_name"]);
    assert_eq!(v["width"], fv["width"]);
    assert_eq!(v["height"], fv["height"]);
    assert_eq!(
        (v["display_width"].clone(), v["display_height"].clone()),
        (json!(1920), json!(1080))
    );
    assert_eq!(v["rotation"], 0);
    let fps = v["frame_rate"].as_f64().unwrap();
    assert!(
        (fps - ratio(fv["avg_frame_rate"].as_str().unwrap())).abs() < 0.01,
        "fps {fps}"
    );
    let a = &media["audio"];
    assert_eq!(a["codec"], fa["codec_name"]);
    assert_eq!(a["sample_rate"], f64_of(&fa["sample_rate"]) as u64);
    assert_eq!(a["channels"], fa["channels"]);
}

#[test]
fn manifest_lists_what_the_bundle_holds_and_what_was_checked() {
    let dir = TestDir::new("contents-manifest");
    for c in cases() {
        let zip = make(&dir, &c);
        let got = entries(&zip);
        let names: Vec<&str> = got.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(
            names,
            [
                VIDEO_NAME,
                c.scan_name,
                c.form_html,
                "report.html",
                "manifest.json"
            ]
        );
        let bytes: BTreeMap<&str, &[u8]> = got
            .iter()
            .map(|(n, d)| (n.as_str(), d.as_slice()))
            .collect();
        let video_bytes = fs::read(video()).unwrap();
        assert!(bytes[VIDEO_NAME] == video_bytes.as_slice(), "video bytes");
        assert!(
            bytes[c.scan_name] == fs::read(&c.scan).unwrap().as_slice(),
            "scan bytes"
        );
        let m: Value = serde_json::from_slice(bytes["manifest.json"]).expect("manifest is JSON");
        let p = preflight::profile::builtin(c.profile).unwrap();

        assert_eq!(m["schema"], "preflight-bundle/1");
        assert!(
            m["tool"].as_str().unwrap().starts_with("preflight "),
            "{}",
            m["tool"]
        );
        let created = m["created"].as_str().unwrap();
        assert!(
            created.len() == 20
                && created.ends_with('Z')
                && created[..4].parse::<u32>().unwrap() >= 2025,
            "created: {created}"
        );
        assert_eq!(m["profile"], c.profile);
        assert_eq!(m["profile_name"], p.name.as_str());
        assert_eq!(m["category"], Value::Null);
        assert_eq!(m["channel"], c.channel);
        assert_eq!(m["form"], c.form, "the form as typed");
        assert_eq!(m["forced"], c.forced);
        if c.forced {
            assert_eq!(m["verdict"], "fail");
            assert_eq!(m["failures"], json!(["duration", "file_size"]));
        } else {
            assert_eq!(m["verdict"], "pass");
            assert_eq!(m["failures"], json!([]));
        }
        assert_rules(&m);

        // Media facts against ffprobe.
        assert_media_is_ffprobes(&m["media"], video_bytes.len() as u64);

        // Files: every entry but the manifest, each fact recomputed here.
        let files = m["files"].as_array().unwrap();
        let listed: Vec<&str> = files.iter().map(|f| f["name"].as_str().unwrap()).collect();
        assert_eq!(listed, names[..4], "the manifest lists every other entry");
        for f in files {
            let name = f["name"].as_str().unwrap();
            let d = bytes[name];
            assert_eq!(f["size"], d.len() as u64, "{name}: size");
            assert_eq!(
                f["crc32"],
                format!("{:08x}", crc32fast::hash(d)),
                "{name}: CRC-32"
            );
            let (role, slot) = match name {
                VIDEO_NAME => ("video", None),
                n if n == c.scan_name => ("scan", Some(c.slot)),
                n if n == c.form_html => ("form", None),
                _ => ("report", None),
            };
            assert_eq!(f["role"], role, "{name}: role");
            assert_eq!(f["slot"].as_str(), slot, "{name}: slot");
            if role == "video" {
                assert_eq!(f["sha256"], Value::Null, "the video has no SHA-256");
            } else {
                assert_eq!(f["sha256"], sha256_hex(d), "{name}: SHA-256");
            }
        }
    }
}

#[test]
fn form_html_holds_every_typed_value_escaped() {
    let dir = TestDir::new("contents-form");
    for c in cases() {
        let zip = make(&dir, &c);
        let got = entries(&zip);
        let text = String::from_utf8(got.iter().find(|e| e.0 == c.form_html).unwrap().1.clone())
            .expect("form HTML is UTF-8");
        let p = preflight::profile::builtin(c.profile).unwrap();
        assert!(text.starts_with("<!doctype html>"), "{}", &text[..40]);
        assert!(text.contains("<meta charset=\"utf-8\">"));
        assert!(
            text.contains(&format!(
                "<title>{}</title>",
                html(p.form_name(Some(c.channel)))
            )),
            "title: the form's name for the channel"
        );
        let form = c.form.as_object().unwrap();
        for (id, v) in form {
            let field = p.fields.iter().find(|f| &f.id == id).unwrap();
            let label = |x: &str| {
                field
                    .options
                    .iter()
                    .find(|o| o.id == x)
                    .map_or(x.to_string(), |o| o.label.clone())
            };
            let shown = match v {
                Value::String(t) => label(t),
                Value::Array(l) => l
                    .iter()
                    .map(|x| label(x.as_str().unwrap()))
                    .collect::<Vec<_>>()
                    .join("、"),
                _ => unreachable!(),
            };
            let row = format!("<th>{}</th><td>{}</td>", html(&field.label), html(&shown));
            assert!(
                text.contains(&row),
                "{}: no row {row:?} in the form HTML",
                c.profile
            );
        }
        // Nothing typed reaches the page as markup.
        assert!(
            !text.contains("<script>") && !text.contains("<黑洞>") && !text.contains("<编辑部>")
        );
        assert_eq!(
            text.matches("<tr>").count(),
            p.fields
                .iter()
                .filter(|f| preflight::profile::Profile::applies(&f.when, None, Some(c.channel)))
                .count()
                + p.pledges
                    .iter()
                    .filter(|g| preflight::profile::Profile::applies(
                        &g.when,
                        None,
                        Some(c.channel)
                    ))
                    .count(),
            "{}: one row per field and pledge that applies",
            c.profile
        );
    }
}

#[test]
fn report_html_holds_the_verdict_and_every_rule() {
    let dir = TestDir::new("contents-report");
    for c in cases() {
        let zip = make(&dir, &c);
        let got = entries(&zip);
        let text = String::from_utf8(got.iter().find(|e| e.0 == "report.html").unwrap().1.clone())
            .expect("report is UTF-8");
        let m: Value =
            serde_json::from_slice(&got.iter().find(|e| e.0 == "manifest.json").unwrap().1)
                .unwrap();
        let p = preflight::profile::builtin(c.profile).unwrap();
        assert!(text.starts_with("<!doctype html>"));
        assert!(text.contains(&format!("<title>预检报告 {}</title>", html(VIDEO_NAME))));
        assert!(text.contains(&html(&p.name)), "profile name");
        let verdict = match m["verdict"].as_str().unwrap() {
            "fail" => "<strong class=\"fail\">不通过 / fail</strong>",
            "warn" => "<strong class=\"warn\">通过（有提醒） / pass with warnings</strong>",
            _ => "<strong class=\"pass\">通过 / pass</strong>",
        };
        assert_eq!(m["verdict"] == "fail", c.forced);
        assert!(
            text.contains(verdict),
            "{}: verdict {verdict:?} in:\n{}",
            c.profile,
            &text[..text.find("<table>").unwrap_or(text.len())]
        );
        let rules = m["rules"].as_array().unwrap();
        assert!(!rules.is_empty());
        for r in rules {
            let row = format!(
                "<tr><td>{}</td><td class=\"{s}\">{s}</td><td>{}</td><td>{}</td>",
                html(r["id"].as_str().unwrap()),
                html(r["measured"].as_str().unwrap()),
                html(r["expected"].as_str().unwrap()),
                s = r["status"].as_str().unwrap(),
            );
            assert!(text.contains(&row), "{}: no row {row:?}", c.profile);
        }
        let fails = text.matches("<td class=\"fail\">fail</td>").count();
        assert_eq!(
            fails,
            m["failures"].as_array().unwrap().len(),
            "failing rows"
        );
        if c.forced {
            for id in ["duration", "file_size"] {
                assert!(
                    text.contains(&format!("<tr><td>{id}</td><td class=\"fail\">fail</td>")),
                    "{id} fails"
                );
            }
        }
    }
}
