//! The `preflight` command line as a user meets it: paths that are not UTF-8,
//! outputs that are inputs, existing files and links where the bundle goes,
//! flags a command does not take, and names a terminal would act on. The CLI
//! never destroys a file, never panics on a path, and refuses what it does not
//! understand with the command's usage.

mod cli_support;
mod common;

use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::{Path, PathBuf};

use cli_support::*;

/// The small committed fixture (64×36, 2 s): probes fine, fails every
/// contest's resolution rule (bundles need `--force`).
fn tiny() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny.mp4")
}

fn bundle_args<'a>(video: &'a Path, out: &'a Path, more: &[&'a str]) -> Vec<&'a OsStr> {
    let mut a: Vec<&OsStr> = ["bundle", "--profile", CUJS, "--channel", "unit", "--video"]
        .into_iter()
        .map(OsStr::new)
        .collect();
    a.push(video.as_os_str());
    a.push(OsStr::new("-o"));
    a.push(out.as_os_str());
    a.push(OsStr::new("--force"));
    a.extend(more.iter().map(|s| OsStr::new(*s)));
    a
}

#[cfg(unix)]
fn non_utf8(name: &[u8]) -> OsString {
    use std::os::unix::ffi::OsStringExt;
    OsString::from_vec(name.to_vec())
}

#[cfg(unix)]
#[test]
fn a_path_that_is_not_utf8_is_probed_checked_and_bundled() {
    let dir = TestDir::new("cli-non-utf8");
    let name = non_utf8(b"bad\xff.mp4");
    let p = dir.join(&name);
    fs::copy(tiny(), &p).unwrap();
    let r = preflight_in(&dir.0, &[OsStr::new("probe"), name.as_os_str()]);
    assert_eq!(r.code, 0, "probe:\n{}{}", r.out(), r.err());
    assert!(r.out().starts_with("bad\\xff.mp4\n"), "{}", r.out());
    assert!(r.out().contains("64×36"), "{}", r.out());
    let r = preflight_in(
        &dir.0,
        &[OsStr::new("probe"), name.as_os_str(), OsStr::new("--json")],
    );
    assert_eq!(r.code, 0, "probe --json:\n{}{}", r.out(), r.err());
    let j: serde_json::Value = serde_json::from_slice(&r.stdout).expect("JSON");
    assert_eq!(j["video"]["width"], 64);
    let r = preflight_in(
        &dir.0,
        &[
            OsStr::new("check"),
            name.as_os_str(),
            OsStr::new("--profile"),
            OsStr::new(CUJS),
            OsStr::new("--channel"),
            OsStr::new("unit"),
        ],
    );
    assert_eq!(
        r.code,
        1,
        "check: the resolution fails\n{}{}",
        r.out(),
        r.err()
    );
    let out = non_utf8(b"out\xfe.zip");
    let r = preflight_in(&dir.0, &bundle_args(Path::new(&name), Path::new(&out), &[]));
    assert_eq!(r.code, 1, "bundle --force:\n{}{}", r.out(), r.err());
    assert!(dir.join(&out).exists());
    assert!(r.out().starts_with("out\\xfe.zip"), "{}", r.out());
    let r = preflight_in(&dir.0, &[OsStr::new("verify"), out.as_os_str()]);
    assert_eq!(r.code, 1, "verify:\n{}{}", r.out(), r.err());
    // A value that must be text but is not: refused, not a panic.
    let r = preflight_in(
        &dir.0,
        &[
            OsStr::new("check"),
            OsStr::new("x.mp4"),
            OsStr::new("--profile"),
            name.as_os_str(),
        ],
    );
    assert_error(&r, "usage", "not valid UTF-8", "a non-UTF-8 profile id");
}

/// The video's bytes, to see that nothing touched them.
fn same(a: &Path, before: &[u8], what: &str) {
    let now = fs::read(a).unwrap_or_else(|e| panic!("{what}: {} is gone: {e}", a.display()));
    assert!(now == before, "{what}: {} was changed", a.display());
}

#[test]
fn bundle_never_writes_over_its_inputs() {
    let dir = TestDir::new("cli-output-input");
    let v = dir.join("v.mp4");
    fs::copy(tiny(), &v).unwrap();
    let bytes = fs::read(&v).unwrap();
    let form = cujs_form(&dir);
    let form_bytes = fs::read(&form).unwrap();
    let scan = scan_png();
    let scan_copy = dir.join("licence.png");
    fs::copy(&scan, &scan_copy).unwrap();
    let scan_bytes = fs::read(&scan_copy).unwrap();
    let attach = format!("copyright_license={}", scan_copy.display());
    let form_s = form.to_str().unwrap();

    let cases: Vec<(&str, PathBuf, Vec<&str>)> = vec![
        ("-o the video", v.clone(), vec![]),
        ("-o the video, --overwrite", v.clone(), vec!["--overwrite"]),
        (
            "-o the form",
            form.clone(),
            vec!["--form", form_s, "--overwrite"],
        ),
        (
            "-o the scan",
            scan_copy.clone(),
            vec!["--attach", &attach, "--overwrite"],
        ),
    ];
    let mut failures = Vec::new();
    let intact = |what: &str, failures: &mut Vec<String>| {
        for (p, b) in [
            (&v, &bytes),
            (&form, &form_bytes),
            (&scan_copy, &scan_bytes),
        ] {
            if fs::read(p).ok().as_ref() != Some(b) {
                failures.push(format!("{what}: {} was changed or removed", p.display()));
            }
        }
    };
    for (what, out, more) in &cases {
        let r = preflight_in(&dir.0, &bundle_args(&v, out, more));
        if let Err(e) = check_error(&r, "output_is_input", "is the input") {
            failures.push(format!("{what}: {e}"));
        }
        intact(what, &mut failures);
        // Put the inputs back for the next case.
        fs::write(&v, &bytes).unwrap();
        fs::write(&form, &form_bytes).unwrap();
        fs::write(&scan_copy, &scan_bytes).unwrap();
    }
    // The same file under another name: a hard link and a symlink.
    #[cfg(unix)]
    {
        let hard = dir.join("hard.zip");
        fs::hard_link(&v, &hard).unwrap();
        let soft = dir.join("soft.zip");
        std::os::unix::fs::symlink(&v, &soft).unwrap();
        for (what, out) in [
            ("a hard link to the video", &hard),
            ("a symlink to it", &soft),
        ] {
            let r = preflight_in(&dir.0, &bundle_args(&v, out, &["--overwrite"]));
            if let Err(e) = check_error(&r, "output_is_input", "is the input") {
                failures.push(format!("{what}: {e}"));
            }
            intact(what, &mut failures);
        }
    }
    assert_no_failures(&failures);
    let left: Vec<String> = fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(left.is_empty(), "partial files left: {left:?}");
}

#[test]
fn a_video_named_like_the_partial_file_survives() {
    let dir = TestDir::new("cli-partial-video");
    let v = dir.join("x.zip.partial");
    fs::copy(tiny(), &v).unwrap();
    let bytes = fs::read(&v).unwrap();
    let out = dir.join("x.zip");
    let r = preflight_in(&dir.0, &bundle_args(&v, &out, &[]));
    assert_eq!(r.code, 1, "bundled with --force:\n{}{}", r.out(), r.err());
    same(&v, &bytes, "the video named x.zip.partial");
    let z = zip::ZipArchive::new(fs::File::open(&out).unwrap()).expect("a zip");
    assert!(z.len() >= 3);
    let r = preflight(&dir.0, &["verify", out.to_str().unwrap()]);
    assert_eq!(r.code, 1, "it verifies:\n{}{}", r.out(), r.err());
}

#[cfg(unix)]
#[test]
fn a_symlink_where_the_partial_file_goes_is_not_followed() {
    let dir = TestDir::new("cli-partial-link");
    let v = dir.join("v.mp4");
    fs::copy(tiny(), &v).unwrap();
    let victim = dir.join("victim.txt");
    fs::write(&victim, b"keep me").unwrap();
    let out = dir.join("out.zip");
    std::os::unix::fs::symlink(&victim, dir.join("out.zip.partial")).unwrap();
    let r = preflight_in(&dir.0, &bundle_args(&v, &out, &[]));
    assert_eq!(r.code, 1, "bundled with --force:\n{}{}", r.out(), r.err());
    assert_eq!(fs::read(&victim).unwrap(), b"keep me", "the link's target");
    assert!(
        fs::symlink_metadata(dir.join("out.zip.partial"))
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link itself is left alone"
    );
    let r = preflight(&dir.0, &["verify", out.to_str().unwrap()]);
    assert_eq!(r.code, 1, "the bundle verifies:\n{}{}", r.out(), r.err());
    let left: Vec<String> = fs::read_dir(&dir.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".partial") && n != "out.zip.partial")
        .collect();
    assert!(left.is_empty(), "partial files left: {left:?}");
}

#[test]
fn an_existing_output_is_replaced_only_with_overwrite() {
    let dir = TestDir::new("cli-overwrite");
    let v = dir.join("v.mp4");
    fs::copy(tiny(), &v).unwrap();
    let out = dir.join("out.zip");
    fs::write(&out, b"an earlier bundle").unwrap();
    let r = preflight_in(&dir.0, &bundle_args(&v, &out, &[]));
    assert_error(&r, "output_exists", "--overwrite", "an existing output");
    assert_eq!(fs::read(&out).unwrap(), b"an earlier bundle");
    assert!(!dir.join("out.zip.partial").exists());
    let r = preflight_in(&dir.0, &bundle_args(&v, &out, &["--overwrite"]));
    assert_eq!(r.code, 1, "replaced:\n{}{}", r.out(), r.err());
    let r = preflight(&dir.0, &["verify", out.to_str().unwrap()]);
    assert_eq!(
        r.code,
        1,
        "the new bundle verifies:\n{}{}",
        r.out(),
        r.err()
    );
    // A folder is never replaced.
    let folder = dir.join("folder.zip");
    fs::create_dir(&folder).unwrap();
    let r = preflight_in(&dir.0, &bundle_args(&v, &folder, &["--overwrite"]));
    assert_error(&r, "output_exists", "folder", "a folder as output");
}

#[test]
fn flags_a_command_does_not_take_are_refused_with_its_usage() {
    let dir = TestDir::new("cli-flags");
    let t = tiny();
    let t = t.to_str().unwrap();
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (
            vec!["probe", t, "--profile", CUJS],
            "--profile",
            "preflight probe FILE",
        ),
        (
            vec!["probe", t, "-o", "x.zip"],
            "-o",
            "preflight probe FILE",
        ),
        (
            vec!["check", t, "--profile", CUJS, "--force"],
            "--force",
            "preflight check FILE",
        ),
        (
            vec!["check", t, "--profile", CUJS, "--video", t],
            "--video",
            "preflight check FILE",
        ),
        (
            vec!["verify", "b.zip", "--overwrite"],
            "--overwrite",
            "preflight verify BUNDLE.zip",
        ),
        (
            vec!["verify", "a.zip", "b.zip"],
            "\"b.zip\"",
            "preflight verify BUNDLE.zip",
        ),
        (
            vec!["profiles", "--profile", CUJS],
            "--profile",
            "preflight profiles",
        ),
        (
            vec!["profile", CUJS, "--lnag", "en"],
            "--lnag",
            "preflight profile ID",
        ),
        (
            vec!["bundle", "--json", "--profile", CUJS],
            "--json",
            "preflight bundle --profile",
        ),
        (vec!["probe", t, "-x"], "-x", "preflight probe FILE"),
    ];
    for (args, flag, usage_line) in cases {
        let r = preflight(&dir.0, &args);
        assert_error(&r, "usage", flag, &format!("{args:?}"));
        assert!(
            r.err()
                .lines()
                .any(|l| l.trim_start().starts_with(usage_line)),
            "{args:?}: the command's usage:\n{}",
            r.err()
        );
        assert!(r.stdout.is_empty(), "{args:?}: nothing done:\n{}", r.out());
    }
    // `--` ends the options: a file may start with a dash.
    let dash = dir.join("-tiny.mp4");
    fs::copy(tiny(), &dash).unwrap();
    let r = preflight(&dir.0, &["probe", "--", "-tiny.mp4"]);
    assert_eq!(r.code, 0, "{}{}", r.out(), r.err());
}

#[test]
fn text_output_escapes_what_a_terminal_would_act_on() {
    let dir = TestDir::new("cli-escape");
    let evil = "\u{1b}]0;pwned\u{7}\u{1b}[2K\u{1b}[1Aclip\u{202e}4pm.exe\u{9b}\u{200f}.mp4";
    let p = dir.join(evil);
    fs::copy(tiny(), &p).unwrap();
    let shown = "\\x1b]0;pwned\\x07\\x1b[2K\\x1b[1Aclip\\u{202e}4pm.exe\\u{9b}\\u{200f}.mp4";
    let raw = |b: &[u8]| {
        let s = String::from_utf8_lossy(b);
        b.contains(&0x1b)
            || b.contains(&0x07)
            || s.contains('\u{202e}')
            || s.contains('\u{9b}')
            || s.contains('\u{200f}')
    };
    let mut failures = Vec::new();
    for args in [
        vec!["probe", evil],
        vec!["check", evil, "--profile", CUJS, "--channel", "unit"],
        vec!["probe", "missing-\u{1b}[2J.mp4"],
        vec!["profile", "\u{1b}[2J\u{202e}"],
        vec!["verify", "\u{1b}[2J.zip"],
    ] {
        let r = preflight(&dir.0, &args);
        let all = r.out() + &r.err();
        if raw(&r.stdout) || raw(&r.stderr) {
            failures.push(format!("{args:?} wrote raw controls: {all:?}"));
        } else if !all.contains("\\x1b") {
            failures.push(format!("{args:?} does not show the name escaped: {all:?}"));
        }
    }
    assert_no_failures(&failures);
    let r = preflight(&dir.0, &["probe", evil]);
    assert!(r.out().starts_with(shown), "{}", r.out());
    // JSON: the name as a JSON string, every such character escaped.
    let r = preflight(&dir.0, &["probe", evil, "--json"]);
    assert!(!raw(&r.stdout), "raw in JSON: {:?}", r.out());
    let j: serde_json::Value = serde_json::from_slice(&r.stdout).expect("JSON");
    assert_eq!(j["file"], evil);
}

#[test]
fn a_missing_choice_that_changes_what_applies_exits_2_naming_the_choices() {
    let dir = TestDir::new("choices");
    let t = tiny();
    let t = t.to_str().unwrap();
    // 四川: the category decides the 承诺书 (附件3 or 附件4).
    let r = preflight(
        &dir.0,
        &[
            "check",
            t,
            "--profile",
            "sichuan-kepu-2024",
            "--channel",
            "self",
        ],
    );
    assert_error(&r, "choose_category", "kepu (", "四川 without --category");
    assert!(r.err().contains("bilingual"), "{}", r.err());
    // CUJS: the channel decides the 著作权授权协议.
    let r = preflight(&dir.0, &["check", t, "--profile", CUJS]);
    assert_error(&r, "choose_channel", "unit (", "CUJS without --channel");
    let r = preflight(
        &dir.0,
        &["check", t, "--profile", CUJS, "--channel", "nobody"],
    );
    assert_error(&r, "unknown_channel", "nobody", "an unknown channel");
    // 内蒙古 has one channel: nothing to choose.
    let r = preflight(
        &dir.0,
        &["check", t, "--profile", "nmg-kepu-2025", "--json"],
    );
    assert_eq!(r.code, 1, "checked (tiny fails its rules): {}", r.err());
    assert!(
        r.out().contains("\"channel\": \"recommend\""),
        "{}",
        r.out()
    );
    // bundle refuses the same way, before reading anything.
    let out = dir.join("x.zip");
    let r = preflight(
        &dir.0,
        &[
            "bundle",
            "--profile",
            "sichuan-kepu-2024",
            "--channel",
            "self",
            "--video",
            t,
            "-o",
            out.to_str().unwrap(),
            "--force",
        ],
    );
    assert_error(
        &r,
        "choose_category",
        "bilingual",
        "bundle without --category",
    );
    assert!(!out.exists());
}
