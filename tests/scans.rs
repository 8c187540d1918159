//! Scans through the CLI: a scan over a limit gets the scan's own advice
//! (scan smaller), never the video's ("export the video again as MP4").

mod common;

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_preflight");

/// A PDF of `size` bytes: a real PDF header, then a hole (sparse, so cheap).
fn sparse_pdf(name: &str, size: u64) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("scans");
    fs::create_dir_all(&dir).expect("scans dir");
    let path = dir.join(name);
    let mut f = File::create(&path).expect("create pdf");
    f.write_all(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        .expect("write pdf head");
    f.set_len(size).expect("extend pdf");
    path
}

fn video() -> PathBuf {
    common::fixture(
        "scan_test_video.mp4",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x180:rate=30",
            "-t",
            "1",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
        ],
    )
}

/// `preflight bundle` with one scan: (exit code, stderr).
fn bundle(profile: &str, slot: &str, scan: &Path) -> (i32, String) {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("scans-{profile}.zip"));
    let _ = fs::remove_file(&out);
    let o = Command::new(BIN)
        .args([
            "bundle",
            "--profile",
            profile,
            "--channel",
            "recommend",
            "--video",
        ])
        .arg(video())
        .arg("--attach")
        .arg(format!("{slot}={}", scan.display()))
        .arg("-o")
        .arg(&out)
        .output()
        .expect("run preflight");
    assert!(!out.exists(), "{profile}: a bundle was written");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn assert_scan_advice(what: &str, (code, stderr): (i32, String), limit_mb: &str) {
    assert_eq!(code, 2, "{what}: exit code; stderr:\n{stderr}");
    assert!(
        stderr.contains("error [scan_too_large]"),
        "{what}: not the scan's error:\n{stderr}"
    );
    assert!(
        stderr.contains("70.0 MB") && stderr.contains(&format!("{limit_mb} MB limit")),
        "{what}: sizes not said:\n{stderr}"
    );
    assert!(
        stderr.contains("200–300 dpi") && !stderr.contains("MP4"),
        "{what}: not the scan's advice:\n{stderr}"
    );
}

/// A 70 MB PDF for a slot whose notice allows 20 MB.
#[test]
fn scan_over_the_slot_limit_gets_the_scan_advice() {
    let pdf = sparse_pdf("scan-70mb-a.pdf", 70_000_000);
    let r = bundle("heilongjiang-kepu-2022", "recommend_form", &pdf);
    assert_scan_advice("70 MB scan, 20 MB slot", r, "20");
    // Just over the slot's limit (20M read as 2^20 bytes too), still under the read cap.
    let pdf = sparse_pdf("scan-20mib.pdf", 20_971_521);
    let (code, stderr) = bundle("heilongjiang-kepu-2022", "recommend_form", &pdf);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("error [scan_too_large]"), "{stderr}");
}

/// A 70 MB PDF for a slot with no limit of its own: over the 64 MiB the
/// CLI reads into memory.
#[test]
fn scan_over_the_read_cap_gets_the_scan_advice() {
    let pdf = sparse_pdf("scan-70mb-b.pdf", 70_000_000);
    let r = bundle("nmg-kepu-2025", "recommend_form", &pdf);
    assert_scan_advice("70 MB scan, no slot limit", r, "67");
}
