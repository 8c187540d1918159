//! Shared by `tests/cli.rs` and `tests/verify.rs`: the built `preflight`
//! binary run with raw (possibly non-UTF-8) arguments, and the bundle tests'
//! directories and real inputs made with ffmpeg.
#![allow(dead_code)]

use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

// The bundle tests' directories and names serve these tests too.
pub use crate::common::bundle::{BIN, CUJS, TestDir};

/// What a run of the CLI gave: raw bytes, so a test can look for ESC.
pub struct Run {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

impl Run {
    pub fn out(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
    pub fn err(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

/// Run `preflight ARGS` in `cwd`; a panic (exit 101) fails the test.
pub fn preflight_in(cwd: &Path, args: &[&OsStr]) -> Run {
    let o = Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .expect("run preflight");
    let r = Run {
        code: o.status.code().unwrap_or(-1),
        stdout: o.stdout,
        stderr: o.stderr,
    };
    assert!(
        r.code != 101 && !r.err().contains("panicked"),
        "preflight {args:?} panicked:\n{}",
        r.err()
    );
    r
}

/// `preflight ARGS` from strings.
pub fn preflight(cwd: &Path, args: &[&str]) -> Run {
    let a: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    preflight_in(cwd, &a)
}

pub fn os(s: &str) -> OsString {
    OsString::from(s)
}

/// The CLI's error: exit 2, `错误 [code]：…` and `error [code]: …` with `en_has`.
pub fn assert_error(r: &Run, code: &str, en_has: &str, what: &str) {
    if let Err(e) = check_error(r, code, en_has) {
        panic!("{what}: {e}");
    }
}

/// [`assert_error`] as a value, for tests that try many cases and report
/// every one that fails.
pub fn check_error(r: &Run, code: &str, en_has: &str) -> Result<(), String> {
    let err = r.err();
    if r.code != 2 {
        let first = r.out().lines().next().unwrap_or("").to_string();
        return Err(format!(
            "exit {} (want 2); stdout starts {first:?}; stderr {err:?}",
            r.code
        ));
    }
    if !err
        .lines()
        .any(|l| l.starts_with(&format!("错误 [{code}]：")))
    {
        return Err(format!("no `错误 [{code}]：` line: {err:?}"));
    }
    let Some(en) = err
        .lines()
        .find(|l| l.starts_with(&format!("error [{code}]: ")))
    else {
        return Err(format!("no `error [{code}]: ` line: {err:?}"));
    };
    if !en.contains(en_has) {
        return Err(format!("expected {en_has:?} in: {en}"));
    }
    Ok(())
}

/// Panic with every failed case, one a line.
pub fn assert_no_failures(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// 1 s of 1920×1080 H.264 + AAC, moov first, made in 2026: passes the CUJS
/// profile. The bundle tests' own fixture, made once for both.
pub fn video() -> PathBuf {
    crate::common::bundle::video()
}

/// A PNG "signed licence" (the bundle tests' own).
pub fn scan_png() -> PathBuf {
    crate::common::bundle::scan_png()
}

pub fn write_json(dir: &TestDir, name: &str, v: serde_json::Value) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    p
}

/// A CUJS form that passes.
pub fn cujs_form(dir: &TestDir) -> PathBuf {
    write_json(
        dir,
        "cujs-form.json",
        serde_json::json!({
            "unit": "某大学学报编辑部",
            "journal": "中国科技期刊研究",
            "title": "黑洞的秘密",
            "doi": "https://doi.org/10.1000/xyz123",
            "published": "2026-01-10",
            "authors": ["张三", "李四"],
            "mobile": "13912345678"
        }),
    )
}

/// `preflight bundle` of the passing CUJS inputs into `dir/NAME`; the
/// bundle's path.
pub fn cujs_bundle(dir: &TestDir, name: &str) -> PathBuf {
    let form = cujs_form(dir);
    let zip = dir.join(name);
    let (v, scan) = (video(), scan_png());
    let r = preflight(
        &dir.0,
        &[
            "bundle",
            "--profile",
            CUJS,
            "--channel",
            "unit",
            "--form",
            form.to_str().unwrap(),
            "--video",
            v.to_str().unwrap(),
            "--attach",
            &format!("copyright_license={}", scan.to_str().unwrap()),
            "-o",
            zip.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "bundle:\n{}{}", r.out(), r.err());
    zip
}
