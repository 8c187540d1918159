//! `preflight bundle` and `preflight verify`, end to end through the built
//! CLI, and the bundles read back by every zip reader an organiser might use:
//! Info-ZIP `unzip`/`zipinfo`, 7-Zip, libarchive's `bsdtar`, Python's
//! `zipfile`, Java's `ZipInputStream` and `ZipFile` (with the default charset
//! and with GBK, as a Chinese Windows JVM would have it) and the `zip` crate.
//!
//! Inputs are made at test time into `target/bundle-tests/`: a tiny 1080p
//! H.264/AAC video (Debian's ffmpeg), a hand-written one-page PDF, a PNG
//! (ffmpeg). Every test works in its own directory there, removed on drop.
//!
//! The Zip64 test writes a 4.3 GB bundle (about 95 s, see its note).

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

const BIN: &str = env!("CARGO_BIN_EXE_preflight");

const VIDEO_NAME: &str = "黑洞的秘密.mp4";
const PDF_SCAN_NAME: &str = "自荐表（签字）.pdf";
const PNG_SCAN_NAME: &str = "著作权授权协议.png";
const HLJ_FORM_HTML: &str = "2022年黑龙江省优秀科普微视频作品自荐表.html";
const CUJS_FORM_HTML: &str = "第三届中国高校科技期刊研究会视频摘要申报信息.html";

const HLJ: &str = "heilongjiang-kepu-2022";
const CUJS: &str = "cujs-video-abstract-2026";

// ---------------------------------------------------------------- places

/// `target/bundle-tests/`.
fn root() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.parent().unwrap_or(tmp).join("bundle-tests");
    fs::create_dir_all(&dir).expect("create target/bundle-tests");
    dir
}

fn unique_n() -> u32 {
    static N: AtomicU32 = AtomicU32::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// A directory of one test's own, removed when dropped — also when the test
/// panics, which matters for the Zip64 test's 8.6 GB.
struct TestDir(PathBuf);

impl TestDir {
    fn new(tag: &str) -> Self {
        let p = root().join(format!("{tag}-{}-{}", std::process::id(), unique_n()));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).expect("create test dir");
        TestDir(p)
    }
    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn s(p: &Path) -> &str {
    p.to_str().expect("test paths are UTF-8")
}

// ---------------------------------------------------------------- inputs

/// The shared input `name` in `target/bundle-tests/`, made by `make(scratch)`
/// then renamed into place unless a non-empty one is there already.
fn fixture(name: &str, make: impl FnOnce(&Path)) -> PathBuf {
    let path = root().join(name);
    if fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() > 0) {
        return path;
    }
    let scratch = root().join(format!(
        ".partial-{}-{}-{name}",
        std::process::id(),
        unique_n()
    ));
    make(&scratch);
    assert!(
        fs::metadata(&scratch).is_ok_and(|m| m.len() > 0),
        "{name}: nothing made"
    );
    fs::rename(&scratch, &path).expect("rename fixture into place");
    path
}

fn ffmpeg(args: &[&str], out: &Path) {
    let res = Command::new("ffmpeg")
        .args(["-nostdin", "-y", "-loglevel", "error"])
        .args(args)
        .arg(out)
        .output()
        .expect("run ffmpeg (./dev installs Debian's ffmpeg)");
    assert!(
        res.status.success(),
        "ffmpeg {args:?}: {}",
        String::from_utf8_lossy(&res.stderr)
    );
}

/// 1 s of 1920×1080 H.264 + AAC, moov first, created in 2026 (so the CUJS
/// profile passes), ~150 KB.
fn video() -> PathBuf {
    fixture("video-1080p-1s.mp4", |out| {
        ffmpeg(
            &[
                "-f",
                "lavfi",
                "-i",
                "testsrc2=s=1920x1080:r=25:d=1",
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440:duration=1",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-crf",
                "45",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-b:a",
                "32k",
                "-shortest",
                "-movflags",
                "+faststart",
                "-metadata",
                "creation_time=2026-01-15T00:00:00Z",
            ],
            out,
        )
    })
}

/// A small, real PDF: one A4 page with a signature-like stroke, every xref
/// offset right.
fn pdf_bytes() -> Vec<u8> {
    let content =
        b"0.1 w 72 100 m 150 140 l 200 90 l 260 130 l S\nBT /F1 12 Tf 72 760 Td (Signed) Tj ET\n";
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_vec(),
        [
            format!("<< /Length {} >>\nstream\n", content.len()).into_bytes(),
            content.to_vec(),
            b"endstream".to_vec(),
        ]
        .concat(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    let mut pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(o);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        pdf.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

fn scan_pdf() -> PathBuf {
    fixture("scan.pdf", |out| {
        fs::write(out, pdf_bytes()).expect("write pdf")
    })
}

fn scan_png() -> PathBuf {
    fixture("scan.png", |out| {
        ffmpeg(
            &[
                "-f",
                "lavfi",
                "-i",
                "color=c=white:s=320x200",
                "-vf",
                "drawbox=x=40:y=120:w=200:h=4:color=black:t=fill",
                "-frames:v",
                "1",
            ],
            out,
        )
    })
}

// ---------------------------------------------------------------- running

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_cmd(mut c: Command, what: &str) -> Output {
    // UTF-8 names on the terminal side too: unzip and bsdtar convert to the locale.
    c.env("LC_ALL", "C.UTF-8").env("PYTHONIOENCODING", "utf-8");
    c.output()
        .unwrap_or_else(|e| panic!("cannot run {what} ({e}); is it installed?"))
}

fn preflight_in(cwd: Option<&Path>, args: &[&str]) -> Run {
    let mut c = Command::new(BIN);
    c.args(args);
    if let Some(d) = cwd {
        c.current_dir(d);
    }
    let o = run_cmd(c, "preflight");
    let r = Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    };
    assert!(
        !r.stderr.contains("panicked") && r.code != 101,
        "preflight {args:?} panicked:\n{}",
        r.stderr
    );
    r
}

fn preflight(args: &[&str]) -> Run {
    preflight_in(None, args)
}

fn tool(prog: &str, args: &[&str]) -> (i32, String, String) {
    let mut c = Command::new(prog);
    c.args(args);
    let o = run_cmd(c, prog);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The CLI's error: exit 2, `错误 [code]：中文…` and `error [code]: English…`.
fn assert_error_zh_en(r: &Run, code: &str, en_has: &str, what: &str) {
    assert_eq!(
        r.code, 2,
        "{what}: exit code\nstdout:\n{}\nstderr:\n{}",
        r.stdout, r.stderr
    );
    let zh = r
        .stderr
        .lines()
        .find(|l| l.starts_with(&format!("错误 [{code}]：")))
        .unwrap_or_else(|| panic!("{what}: no `错误 [{code}]：` line in stderr:\n{}", r.stderr));
    assert!(
        has_cjk(&zh[zh.find('：').unwrap()..]),
        "{what}: Chinese message empty: {zh}"
    );
    let en = r
        .stderr
        .lines()
        .find(|l| l.starts_with(&format!("error [{code}]: ")))
        .unwrap_or_else(|| {
            panic!(
                "{what}: no `error [{code}]: ` line in stderr:\n{}",
                r.stderr
            )
        });
    assert!(
        en.split_whitespace()
            .filter(|w| w.chars().all(|c| c.is_ascii_alphabetic()))
            .count()
            >= 3,
        "{what}: English message looks empty: {en}"
    );
    assert!(en.contains(en_has), "{what}: expected {en_has:?} in: {en}");
}

// ---------------------------------------------------------------- bundles

fn crc_and_len(data: &[u8]) -> (u32, u64) {
    (crc32fast::hash(data), data.len() as u64)
}

/// A bundle made by the CLI, and what every reader must find in it.
struct Bundle {
    zip: PathBuf,
    video: PathBuf,
    scan: PathBuf,
    /// Entry names, in order.
    names: Vec<String>,
    /// name → (CRC-32, size), from the CLI's own listing; the video's and the
    /// scan's are checked against the input files.
    expected: BTreeMap<String, (u32, u64)>,
    /// `preflight verify`'s exit code for it.
    verdict_code: i32,
}

/// `  {size:>12}  {crc:08x}  {name}` lines of `preflight bundle`.
fn listed(stdout: &str) -> BTreeMap<String, (u32, u64)> {
    stdout
        .lines()
        .filter(|l| l.starts_with("  "))
        .filter_map(|l| {
            let l = l.trim_start();
            let (size, rest) = l.split_once(' ')?;
            let rest = rest.trim_start();
            let (crc, name) = rest.split_once(' ')?;
            Some((
                name.trim_start().to_string(),
                (u32::from_str_radix(crc, 16).ok()?, size.parse().ok()?),
            ))
        })
        .collect()
}

fn write_form(dir: &TestDir, name: &str, json: serde_json::Value) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, serde_json::to_vec_pretty(&json).unwrap()).unwrap();
    p
}

fn hlj_form(dir: &TestDir) -> PathBuf {
    write_form(
        dir,
        "hlj-form.json",
        serde_json::json!({
            "self_nominator": "张三",
            "title": "黑洞的秘密",
            "domain": "天文",
            "broadcast_date": "2021-05-01",
            "authors": ["张三", "李四"],
            "broadcast_url": "https://example.com/v/1",
            "address": "黑龙江省哈尔滨市南岗区",
            "phone": "0451-51920576",
            "email": "zhang@example.com",
            "summary": "用动画讲解黑洞的形成。",
            "innovation": "以生活中的比喻解释时空弯曲。",
            "reach": "在本地电视台播出。"
        }),
    )
}

fn cujs_form(dir: &TestDir) -> PathBuf {
    write_form(
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

fn check_inputs_listed(b: &Bundle, scan_name: &str) {
    let v = fs::read(&b.video).unwrap();
    assert_eq!(
        b.expected.get(VIDEO_NAME),
        Some(&crc_and_len(&v)),
        "video as listed by the CLI"
    );
    let sc = fs::read(&b.scan).unwrap();
    assert_eq!(
        b.expected.get(scan_name),
        Some(&crc_and_len(&sc)),
        "scan as listed by the CLI"
    );
    let mut got: Vec<&String> = b.expected.keys().collect();
    let mut want: Vec<&String> = b.names.iter().collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "CLI listing");
}

/// Bundle A: Heilongjiang, self-nominated, a PDF scan; the 1 s video fails
/// the 2–5 min and 100–200 MB rules, so `--force` (exit 1, forced manifest).
fn bundle_a(dir: &TestDir, video: &Path) -> Bundle {
    let form = hlj_form(dir);
    let zip = dir.join("a.zip");
    let scan = scan_pdf();
    let r = preflight(&[
        "bundle",
        "--profile",
        HLJ,
        "--channel",
        "self",
        "--form",
        s(&form),
        "--video",
        s(video),
        "--attach",
        &format!("self_form={}", s(&scan)),
        "-o",
        s(&zip),
        "--force",
    ]);
    assert_eq!(
        r.code, 1,
        "forced bundle of a failing video\n{}\n{}",
        r.stdout, r.stderr
    );
    let b = Bundle {
        zip,
        video: video.to_path_buf(),
        scan,
        names: [
            VIDEO_NAME,
            PDF_SCAN_NAME,
            HLJ_FORM_HTML,
            "report.html",
            "manifest.json",
        ]
        .map(String::from)
        .to_vec(),
        expected: listed(&r.stdout),
        verdict_code: 1,
    };
    check_inputs_listed(&b, PDF_SCAN_NAME);
    b
}

/// Bundle B: CUJS video abstract by a unit, a PNG licence; everything passes.
fn bundle_b(dir: &TestDir) -> Bundle {
    let form = cujs_form(dir);
    let zip = dir.join("b.zip");
    let scan = scan_png();
    let r = preflight(&[
        "bundle",
        "--profile",
        CUJS,
        "--channel",
        "unit",
        "--form",
        s(&form),
        "--video",
        s(&video()),
        "--attach",
        &format!("copyright_license={}", s(&scan)),
        "-o",
        s(&zip),
    ]);
    assert_eq!(
        r.code, 0,
        "bundle of a passing video\n{}\n{}",
        r.stdout, r.stderr
    );
    let b = Bundle {
        zip,
        video: video(),
        scan,
        names: [
            VIDEO_NAME,
            PNG_SCAN_NAME,
            CUJS_FORM_HTML,
            "report.html",
            "manifest.json",
        ]
        .map(String::from)
        .to_vec(),
        expected: listed(&r.stdout),
        verdict_code: 0,
    };
    check_inputs_listed(&b, PNG_SCAN_NAME);
    b
}

fn good_bundles(dir: &TestDir) -> Vec<Bundle> {
    vec![bundle_a(dir, &video()), bundle_b(dir)]
}

/// A reader's view, in archive order: (name, CRC-32 it computed, bytes it read).
fn assert_entries(reader: &str, b: &Bundle, got: &[(String, u32, u64)]) {
    let names: Vec<&str> = got.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(names, b.names, "{reader}: names of {}", b.zip.display());
    for (name, crc, size) in got {
        assert_eq!(
            Some(&(*crc, *size)),
            b.expected.get(name),
            "{reader}: CRC-32 and size of {name} in {}",
            b.zip.display()
        );
    }
}

// ---------------------------------------------------------------- 1. readers

#[test]
fn info_zip_unzip_and_zipinfo_read_the_bundles() {
    let dir = TestDir::new("unzip");
    for b in good_bundles(&dir) {
        let z = s(&b.zip);
        let (code, out, err) = tool("unzip", &["-t", z]);
        assert_eq!(code, 0, "unzip -t {z}:\n{out}{err}");
        assert!(out.contains("No errors detected"), "unzip -t:\n{out}");
        for n in &b.names {
            assert!(
                out.lines()
                    .any(|l| l.contains(&format!("testing: {n}")) && l.trim_end().ends_with("OK")),
                "unzip -t does not show {n} OK:\n{out}"
            );
        }
        let (code, out, err) = tool("unzip", &["-Z1", z]);
        assert_eq!(code, 0, "unzip -Z1: {err}");
        assert_eq!(out.lines().collect::<Vec<_>>(), b.names, "unzip -Z1 names");
        let (code, out, err) = tool("zipinfo", &[z]);
        assert_eq!(code, 0, "zipinfo: {err}");
        for n in &b.names {
            assert!(
                out.lines()
                    .any(|l| l.contains(" stor ") && l.ends_with(n.as_str())),
                "zipinfo does not list {n} as stored:\n{out}"
            );
        }
        // The bytes themselves, through `unzip -p`.
        for (name, input) in [(VIDEO_NAME, &b.video), (b.names[1].as_str(), &b.scan)] {
            let mut c = Command::new("unzip");
            c.args(["-p", z, name]);
            let o = run_cmd(c, "unzip -p");
            assert!(o.status.success(), "unzip -p {name}");
            assert!(
                o.stdout == fs::read(input).unwrap(),
                "unzip -p {name}: bytes differ from the input"
            );
        }
    }
}

#[test]
fn seven_zip_reads_the_bundles() {
    let dir = TestDir::new("7z");
    for b in good_bundles(&dir) {
        let z = s(&b.zip);
        let (code, out, err) = tool("7z", &["t", z]);
        assert_eq!(code, 0, "7z t {z}:\n{out}{err}");
        assert!(out.contains("Everything is Ok"), "7z t:\n{out}");
        let (code, out, err) = tool("7z", &["l", "-slt", z]);
        assert_eq!(code, 0, "7z l -slt: {err}");
        let got = seven_zip_entries(&out);
        let got: Vec<(String, u32, u64)> =
            got.into_iter().map(|(n, c, sz, _)| (n, c, sz)).collect();
        // 7z t checked the data against these CRCs.
        assert_entries("7z", &b, &got);
    }
}

/// (path, CRC, size, "Characteristics") of each entry in `7z l -slt`.
fn seven_zip_entries(out: &str) -> Vec<(String, u32, u64, String)> {
    let body = out
        .split("\n----------\n")
        .nth(1)
        .expect("7z -slt entry list");
    body.split("\n\n")
        .filter_map(|block| {
            let get = |k: &str| {
                block
                    .lines()
                    .find_map(|l| l.strip_prefix(&format!("{k} = ")).map(str::to_string))
            };
            Some((
                get("Path")?,
                u32::from_str_radix(&get("CRC")?, 16).ok()?,
                get("Size")?.parse().ok()?,
                get("Characteristics").unwrap_or_default(),
            ))
        })
        .collect()
}

#[test]
fn bsdtar_lists_and_extracts_the_bundles() {
    let dir = TestDir::new("bsdtar");
    for b in good_bundles(&dir) {
        let z = s(&b.zip);
        let (code, out, err) = tool("bsdtar", &["-tf", z]);
        assert_eq!(code, 0, "bsdtar -tf: {err}");
        assert_eq!(out.lines().collect::<Vec<_>>(), b.names, "bsdtar -tf names");
        let (code, out, err) = tool("bsdtar", &["-tvf", z]);
        assert_eq!(code, 0, "bsdtar -tvf: {err}");
        for (n, (_, size)) in &b.expected {
            assert!(
                out.lines().any(|l| l.ends_with(n.as_str())
                    && l.split_whitespace().any(|w| w == size.to_string())),
                "bsdtar -tvf: no line with {n} and {size}:\n{out}"
            );
        }
        let x = dir.join(&format!(
            "x-{}",
            b.zip.file_stem().unwrap().to_string_lossy()
        ));
        fs::create_dir_all(&x).unwrap();
        let (code, _, err) = tool("bsdtar", &["-xf", z, "-C", s(&x)]);
        assert_eq!(code, 0, "bsdtar -xf: {err}");
        let mut got = Vec::new();
        for n in &b.names {
            let data =
                fs::read(x.join(n)).unwrap_or_else(|e| panic!("bsdtar did not extract {n}: {e}"));
            let (c, l) = crc_and_len(&data);
            got.push((n.clone(), c, l));
        }
        let extracted = fs::read_dir(&x).unwrap().count();
        assert_eq!(extracted, b.names.len(), "bsdtar extracted other files");
        assert_entries("bsdtar -x", &b, &got);
        assert!(
            fs::read(x.join(VIDEO_NAME)).unwrap() == fs::read(&b.video).unwrap(),
            "bsdtar: video bytes differ"
        );
        assert!(
            fs::read(x.join(&b.names[1])).unwrap() == fs::read(&b.scan).unwrap(),
            "bsdtar: scan bytes differ"
        );
    }
}

/// Python's zipfile: testzip(), names, and per entry the CRC of what `read`
/// returned (all entries, or only those ≤ 64 MiB when `list_big`).
const PY_READ: &str = r#"
import json, sys, zipfile, zlib
z = zipfile.ZipFile(sys.argv[1])
out = {"testzip": z.testzip() if sys.argv[2] == "test" else "skipped", "names": z.namelist(), "entries": []}
for i in z.infolist():
    crc = n = None
    if i.file_size <= 64 << 20:
        data = z.read(i)
        crc, n = zlib.crc32(data) & 0xffffffff, len(data)
    out["entries"].append({"name": i.filename, "crc": crc, "read": n, "file_size": i.file_size,
        "compress_size": i.compress_size, "CRC": i.CRC, "flag_bits": i.flag_bits,
        "extract_version": i.extract_version, "header_offset": i.header_offset})
print(json.dumps(out))
"#;

fn python_zipfile(zip: &Path, testzip: bool) -> serde_json::Value {
    let (code, out, err) = tool(
        "python3",
        &["-c", PY_READ, s(zip), if testzip { "test" } else { "no" }],
    );
    assert_eq!(code, 0, "python3 zipfile on {}:\n{err}", zip.display());
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("python output ({e}): {out}"))
}

#[test]
fn python_zipfile_reads_the_bundles() {
    let dir = TestDir::new("python");
    for b in good_bundles(&dir) {
        let v = python_zipfile(&b.zip, true);
        assert!(
            v["testzip"].is_null(),
            "testzip() found a bad entry: {}",
            v["testzip"]
        );
        let names: Vec<&str> = v["names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap())
            .collect();
        assert_eq!(names, b.names, "python namelist()");
        let got: Vec<(String, u32, u64)> = v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                assert_ne!(
                    e["flag_bits"].as_u64().unwrap() & 0x800,
                    0,
                    "python: UTF-8 flag"
                );
                (
                    e["name"].as_str().unwrap().to_string(),
                    e["crc"].as_u64().unwrap() as u32,
                    e["read"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_entries("python zipfile", &b, &got);
    }
}

/// `tests/java/ReadZip.java`, compiled once per source version.
fn java_classes() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/java/ReadZip.java");
        let text = fs::read(&src).expect("read tests/java/ReadZip.java");
        let dir = root().join(format!("java-{:08x}", crc32fast::hash(&text)));
        if dir.join("ReadZip.class").is_file() {
            return dir;
        }
        let scratch = root().join(format!(
            ".partial-java-{}-{}",
            std::process::id(),
            unique_n()
        ));
        let _ = fs::remove_dir_all(&scratch);
        fs::create_dir_all(&scratch).unwrap();
        let (code, out, err) = tool("javac", &["-encoding", "UTF-8", "-d", s(&scratch), s(&src)]);
        assert_eq!(
            code, 0,
            "javac ReadZip.java (a JDK 17 is needed):\n{out}{err}"
        );
        if fs::rename(&scratch, &dir).is_err() {
            // Another test process compiled it first.
            let _ = fs::remove_dir_all(&scratch);
        }
        dir
    })
    .clone()
}

/// Java's readers: ("ZIS"|"ZF", name, computed CRC or None, bytes read or None, declared CRC, declared size).
type JavaLine = (String, String, Option<u32>, Option<u64>, u32, u64);

fn java_read(zip: &Path, charset: &str, mode: &str) -> Vec<JavaLine> {
    let classes = java_classes();
    let (code, out, err) = tool(
        "java",
        &["-cp", s(&classes), "ReadZip", charset, mode, s(zip)],
    );
    assert_eq!(
        code,
        0,
        "java ReadZip {charset} {mode} {}:\n{out}{err}",
        zip.display()
    );
    out.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 6, "java line: {l}");
            (
                f[0].to_string(),
                f[1].to_string(),
                u32::from_str_radix(f[2], 16).ok(),
                f[3].parse().ok(),
                u32::from_str_radix(f[4], 16).unwrap(),
                f[5].parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn java_zipinputstream_and_zipfile_read_the_bundles_with_utf8_and_gbk() {
    let dir = TestDir::new("java");
    for b in good_bundles(&dir) {
        for charset in ["default", "GBK"] {
            let lines = java_read(&b.zip, charset, "read");
            for api in ["ZIS", "ZF"] {
                let got: Vec<(String, u32, u64)> = lines
                    .iter()
                    .filter(|l| l.0 == api)
                    .map(|l| (l.1.clone(), l.2.unwrap(), l.3.unwrap()))
                    .collect();
                assert_entries(&format!("java {api} charset={charset}"), &b, &got);
            }
        }
    }
    // Control: the same kind of name without bit 11 is what GBK readers choke
    // on, so the GBK runs above do test the flag.
    let mut ctl = craft_zip(&[Craft::stored(PDF_SCAN_NAME, pdf_bytes())]);
    ctl[7] &= !0x08;
    let cd = ctl.len() - 22 - (46 + PDF_SCAN_NAME.len());
    assert_eq!(u32_at(&ctl, cd), 0x0201_4b50);
    ctl[cd + 9] &= !0x08;
    let p = dir.join("no-utf8-flag.zip");
    fs::write(&p, &ctl).unwrap();
    let (code, out, err) = tool(
        "java",
        &["-cp", s(&java_classes()), "ReadZip", "GBK", "read", s(&p)],
    );
    assert!(
        code != 0 && err.contains("MalformedInputException"),
        "without bit 11 Java/GBK should fail to decode the UTF-8 name:\n{out}{err}"
    );
}

#[test]
fn zip_crate_reads_the_bundles() {
    let dir = TestDir::new("zipcrate");
    for b in good_bundles(&dir) {
        let mut z = zip::ZipArchive::new(File::open(&b.zip).unwrap()).expect("zip crate opens it");
        let mut got = Vec::new();
        for i in 0..z.len() {
            let mut e = z.by_index(i).expect("entry");
            let name = e.name().expect("UTF-8 name").to_string();
            assert_eq!(e.compression(), zip::CompressionMethod::Stored);
            let mut data = Vec::new();
            e.read_to_end(&mut data)
                .expect("read (the crate checks the CRC)");
            if name == VIDEO_NAME {
                assert!(
                    data == fs::read(&b.video).unwrap(),
                    "zip crate: video bytes differ"
                );
            }
            let (c, l) = crc_and_len(&data);
            assert_eq!(
                (e.crc32(), e.size()),
                (c, l),
                "zip crate: {name} header vs data"
            );
            got.push((name, c, l));
        }
        assert_entries("zip crate", &b, &got);
    }
}

// ---------------------------------------------------------------- 2. Zip64

fn u16_at(d: &[u8], i: usize) -> u16 {
    u16::from_le_bytes(d[i..i + 2].try_into().unwrap())
}
fn u32_at(d: &[u8], i: usize) -> u32 {
    u32::from_le_bytes(d[i..i + 4].try_into().unwrap())
}
fn u64_at(d: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(d[i..i + 8].try_into().unwrap())
}

fn extras(d: &[u8]) -> Vec<(u16, Vec<u8>)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= d.len() {
        let (id, len) = (u16_at(d, i), u16_at(d, i + 2) as usize);
        assert!(i + 4 + len <= d.len(), "extra field overruns");
        out.push((id, d[i + 4..i + 4 + len].to_vec()));
        i += 4 + len;
    }
    assert_eq!(i, d.len(), "extra field trailing bytes");
    out
}

fn zip64_extra(ex: &[(u16, Vec<u8>)]) -> Option<Vec<u64>> {
    ex.iter().find(|e| e.0 == 0x0001).map(|e| {
        e.1.chunks(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
            .collect()
    })
}

#[derive(Debug)]
struct Header {
    version_needed: u16,
    flags: u16,
    method: u16,
    crc: u32,
    csize: u32,
    usize: u32,
    /// Central only.
    offset: u32,
    name: String,
    extras: Vec<(u16, Vec<u8>)>,
}

#[derive(Debug)]
struct Tail {
    eocd_entries: u16,
    eocd_cd_size: u32,
    eocd_cd_offset: u32,
    /// (Zip64 end record offset from the locator, total disks).
    locator: Option<(u64, u32)>,
    /// (version needed, entries, cd size, cd offset).
    zip64_end: Option<(u16, u64, u64, u64)>,
    central: Vec<Header>,
}

fn read_at(f: &mut File, off: u64, len: usize) -> Vec<u8> {
    let mut v = vec![0u8; len];
    f.seek(SeekFrom::Start(off)).unwrap();
    f.read_exact(&mut v).unwrap();
    v
}

/// The end records and central directory, read from the end of the file
/// (no comment: the end record is the last 22 bytes).
fn read_tail(path: &Path) -> Tail {
    let mut f = File::open(path).unwrap();
    let len = f.metadata().unwrap().len();
    let eocd = read_at(&mut f, len - 22, 22);
    assert_eq!(
        u32_at(&eocd, 0),
        0x0605_4b50,
        "end of central directory record"
    );
    assert_eq!(u16_at(&eocd, 20), 0, "no archive comment");
    let (n, cd_size, cd_off) = (u16_at(&eocd, 10), u32_at(&eocd, 12), u32_at(&eocd, 16));
    let mut locator = None;
    let mut zip64_end = None;
    if len >= 42 {
        let loc = read_at(&mut f, len - 42, 20);
        if u32_at(&loc, 0) == 0x0706_4b50 {
            locator = Some((u64_at(&loc, 8), u32_at(&loc, 16)));
            let z = read_at(&mut f, u64_at(&loc, 8), 56);
            assert_eq!(
                u32_at(&z, 0),
                0x0606_4b50,
                "Zip64 end record where the locator points"
            );
            assert_eq!(u64_at(&z, 4), 44, "Zip64 end record size");
            assert_eq!(u64_at(&z, 24), u64_at(&z, 32), "entries on disk = total");
            zip64_end = Some((
                u16_at(&z, 14),
                u64_at(&z, 32),
                u64_at(&z, 40),
                u64_at(&z, 48),
            ));
        }
    }
    let (cd_off, cd_size) = match zip64_end {
        Some((_, _, size, off)) => (off, size),
        None => (u64::from(cd_off), u64::from(cd_size)),
    };
    let cd = read_at(&mut f, cd_off, cd_size as usize);
    let mut central = Vec::new();
    let mut i = 0;
    while i < cd.len() {
        assert_eq!(u32_at(&cd, i), 0x0201_4b50, "central header at {i}");
        let (nl, xl, cl) = (
            u16_at(&cd, i + 28) as usize,
            u16_at(&cd, i + 30) as usize,
            u16_at(&cd, i + 32) as usize,
        );
        central.push(Header {
            version_needed: u16_at(&cd, i + 6),
            flags: u16_at(&cd, i + 8),
            method: u16_at(&cd, i + 10),
            crc: u32_at(&cd, i + 16),
            csize: u32_at(&cd, i + 20),
            usize: u32_at(&cd, i + 24),
            offset: u32_at(&cd, i + 42),
            name: String::from_utf8(cd[i + 46..i + 46 + nl].to_vec()).expect("UTF-8 name"),
            extras: extras(&cd[i + 46 + nl..i + 46 + nl + xl]),
        });
        i += 46 + nl + xl + cl;
    }
    Tail {
        eocd_entries: n,
        eocd_cd_size: u32_at(&eocd, 12),
        eocd_cd_offset: u32_at(&eocd, 16),
        locator,
        zip64_end,
        central,
    }
}

fn read_local(path: &Path, off: u64) -> Header {
    let mut f = File::open(path).unwrap();
    let h = read_at(&mut f, off, 30);
    assert_eq!(u32_at(&h, 0), 0x0403_4b50, "local header at {off}");
    let (nl, xl) = (u16_at(&h, 26) as usize, u16_at(&h, 28) as usize);
    let rest = read_at(&mut f, off + 30, nl + xl);
    Header {
        version_needed: u16_at(&h, 4),
        flags: u16_at(&h, 6),
        method: u16_at(&h, 8),
        crc: u32_at(&h, 14),
        csize: u32_at(&h, 18),
        usize: u32_at(&h, 22),
        offset: 0,
        name: String::from_utf8(rest[..nl].to_vec()).expect("UTF-8 name"),
        extras: extras(&rest[nl..]),
    }
}

/// The entry's offset, from the central header or its Zip64 extra.
fn entry_offset(h: &Header) -> u64 {
    if h.offset == u32::MAX {
        *zip64_extra(&h.extras)
            .expect("Zip64 extra for the offset")
            .last()
            .unwrap()
    } else {
        u64::from(h.offset)
    }
}

#[test]
fn a_small_bundle_has_no_zip64_records_and_version_20() {
    let dir = TestDir::new("classic");
    for b in good_bundles(&dir) {
        let t = read_tail(&b.zip);
        assert!(
            t.locator.is_none() && t.zip64_end.is_none(),
            "no Zip64 locator or end record: {t:?}"
        );
        let len = fs::metadata(&b.zip).unwrap().len();
        assert_eq!(
            u64::from(t.eocd_cd_offset) + u64::from(t.eocd_cd_size) + 22,
            len,
            "classic end record is exact"
        );
        assert_eq!(t.eocd_entries as usize, b.names.len());
        let names: Vec<&str> = t.central.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, b.names);
        for c in &t.central {
            assert_eq!(c.version_needed, 20, "central version needed of {}", c.name);
            assert_ne!(
                c.flags & 0x800,
                0,
                "UTF-8 flag (bit 11) in the central header of {}",
                c.name
            );
            assert_eq!(c.flags & 0x8, 0, "no data descriptor for {}", c.name);
            assert_eq!(c.method, 0, "stored");
            assert!(
                zip64_extra(&c.extras).is_none(),
                "central Zip64 extra in {}",
                c.name
            );
            assert_eq!(Some(&(c.crc, u64::from(c.usize))), b.expected.get(&c.name));
            assert_eq!(c.csize, c.usize);
            let l = read_local(&b.zip, u64::from(c.offset));
            assert_eq!(l.name, c.name);
            assert_eq!(l.version_needed, 20, "local version needed of {}", c.name);
            assert_ne!(
                l.flags & 0x800,
                0,
                "UTF-8 flag in the local header of {}",
                c.name
            );
            assert_eq!(l.flags & 0x8, 0, "no data descriptor");
            assert_eq!(
                (l.crc, l.csize, l.usize),
                (c.crc, c.csize, c.usize),
                "CRC and sizes in the local header of {}",
                c.name
            );
            assert!(
                zip64_extra(&l.extras).is_none(),
                "local Zip64 extra in {}",
                c.name
            );
        }
    }
}

/// Top-level or child boxes of `d[start..end]`: (offset, header length, total length, type).
fn boxes(d: &[u8], start: usize, end: usize) -> Vec<(usize, usize, usize, [u8; 4])> {
    let mut out = Vec::new();
    let mut i = start;
    while i + 8 <= end {
        let size32 = u32::from_be_bytes(d[i..i + 4].try_into().unwrap()) as usize;
        let typ: [u8; 4] = d[i + 4..i + 8].try_into().unwrap();
        let (hdr, size) = match size32 {
            0 => (8, end - i),
            1 => (
                16,
                u64::from_be_bytes(d[i + 8..i + 16].try_into().unwrap()) as usize,
            ),
            n => (8, n),
        };
        assert!(
            size >= hdr && i + size <= end,
            "box {:?} at {i} overruns",
            String::from_utf8_lossy(&typ)
        );
        out.push((i, hdr, size, typ));
        i += size;
    }
    out
}

/// Move every `stco`/`co64` chunk offset in `moov` by `new - old`.
fn patch_chunk_offsets(d: &mut [u8], start: usize, end: usize, old: u64, new: u64) {
    for (i, hdr, size, typ) in boxes(d, start, end) {
        match &typ {
            b"moov" | b"trak" | b"mdia" | b"minf" | b"stbl" => {
                patch_chunk_offsets(d, i + hdr, i + size, old, new)
            }
            b"stco" | b"co64" => {
                let wide = &typ == b"co64";
                let n =
                    u32::from_be_bytes(d[i + hdr + 4..i + hdr + 8].try_into().unwrap()) as usize;
                for k in 0..n {
                    let w = if wide { 8 } else { 4 };
                    let at = i + hdr + 8 + k * w;
                    let v = if wide {
                        u64::from_be_bytes(d[at..at + 8].try_into().unwrap())
                    } else {
                        u64::from(u32::from_be_bytes(d[at..at + 4].try_into().unwrap()))
                    };
                    let v = v - old + new;
                    if wide {
                        d[at..at + 8].copy_from_slice(&v.to_be_bytes());
                    } else {
                        d[at..at + 4].copy_from_slice(&u32::try_from(v).unwrap().to_be_bytes());
                    }
                }
            }
            _ => {}
        }
    }
}

/// A valid MP4 `ftyp, mdat, moov` around `src`'s media, with an mdat declared
/// `mdat_payload` bytes long through a 64-bit largesize: the media, then a
/// hole (`set_len`: nothing written, the file is sparse), then the moov with
/// its chunk offsets moved. Returns the file's CRC-32 and size, computed from
/// the parts (the hole's CRC by `crc32fast`'s combine, without reading 4 GB).
fn make_sparse_mp4(src: &Path, dst: &Path, mdat_payload: u64) -> (u32, u64) {
    let d = fs::read(src).unwrap();
    let top = boxes(&d, 0, d.len());
    let find = |t: &[u8; 4]| {
        *top.iter()
            .find(|b| &b.3 == t)
            .unwrap_or_else(|| panic!("{} box", String::from_utf8_lossy(t)))
    };
    let (fi, _, fs_, _) = find(b"ftyp");
    let (mi, mh, ms, _) = find(b"mdat");
    let (vi, _, vs, _) = find(b"moov");
    let ftyp = &d[fi..fi + fs_];
    let media = &d[mi + mh..mi + ms];
    assert!(media.len() as u64 <= mdat_payload);
    let mut moov = d[vi..vi + vs].to_vec();
    let new_start = (ftyp.len() + 16) as u64;
    let len = moov.len();
    patch_chunk_offsets(&mut moov, 0, len, (mi + mh) as u64, new_start);
    let mut head = ftyp.to_vec();
    head.extend_from_slice(&1u32.to_be_bytes());
    head.extend_from_slice(b"mdat");
    head.extend_from_slice(&(16 + mdat_payload).to_be_bytes());
    head.extend_from_slice(media);
    let mut f = File::create(dst).unwrap();
    f.write_all(&head).unwrap();
    let moov_at = new_start + mdat_payload;
    f.set_len(moov_at).unwrap();
    f.seek(SeekFrom::Start(moov_at)).unwrap();
    f.write_all(&moov).unwrap();
    drop(f);

    let mut h = crc32fast::Hasher::new();
    h.update(&head);
    let mut zeros = moov_at - head.len() as u64;
    // Zero blocks of 2^k MiB, doubled by combining.
    let mut block = crc32fast::Hasher::new();
    block.update(&vec![0u8; 1 << 20]);
    let mut tail_zeros = zeros % (1 << 20);
    zeros >>= 20;
    while zeros > 0 {
        if zeros & 1 == 1 {
            h.combine(&block);
        }
        let b2 = block.clone();
        block.combine(&b2);
        zeros >>= 1;
    }
    // Remainder (< 1 MiB) last: the order of equal zero blocks does not matter.
    while tail_zeros > 0 {
        let k = tail_zeros.min(1 << 16);
        h.update(&vec![0u8; k as usize]);
        tail_zeros -= k;
    }
    h.update(&moov);
    (h.finalize(), moov_at + moov.len() as u64)
}

fn free_bytes(p: &Path) -> u64 {
    let (code, out, _) = tool("df", &["-Pk", s(p)]);
    assert_eq!(code, 0);
    out.lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|k| k.parse::<u64>().ok())
        .unwrap_or(0)
        * 1024
}

#[test]
// Writes and reads back a real 4.3 GB bundle: about 95 s in a debug build (bundle 47 s,
// disk-bound; unzip -t 29 s; verify 14 s). Worth it: Zip64 is the one path no small test reaches.
fn zip64_bundle_around_a_sparse_4gb_video() {
    const MDAT: u64 = 4_300_000_000;
    let free = free_bytes(&root());
    if free < 20_000_000_000 {
        eprintln!(
            "SKIPPED: only {} GB free on {} (20 GB wanted for 2 × 4.3 GB)",
            free / 1_000_000_000,
            root().display()
        );
        return;
    }
    let t_all = Instant::now();
    let mut times = Vec::new();
    let mut lap = |what: &str, t: Instant| {
        times.push(format!("{what}: {:.1} s", t.elapsed().as_secs_f64()));
    };
    // Drop removes the 4.3 GB video and the 4.3 GB bundle, also on failure.
    let dir = TestDir::new("zip64");
    let t = Instant::now();
    let big = dir.join("big.mp4");
    let (crc, size) = make_sparse_mp4(&video(), &big, MDAT);
    assert!(size > u64::from(u32::MAX), "the video passes 4 GiB");
    assert_eq!(fs::metadata(&big).unwrap().len(), size);
    {
        use std::os::unix::fs::MetadataExt;
        let on_disk = fs::metadata(&big).unwrap().blocks() * 512;
        assert!(
            on_disk < 64 << 20,
            "the video is sparse ({on_disk} bytes allocated)"
        );
    }
    lap("make sparse video", t);

    let t = Instant::now();
    let form = hlj_form(&dir);
    let zip = dir.join("big.zip");
    let scan = scan_pdf();
    let r = preflight(&[
        "bundle",
        "--profile",
        HLJ,
        "--channel",
        "self",
        "--form",
        s(&form),
        "--video",
        s(&big),
        "--attach",
        &format!("self_form={}", s(&scan)),
        "-o",
        s(&zip),
        "--force",
    ]);
    assert_eq!(
        r.code, 1,
        "forced bundle (duration and size fail)\n{}\n{}",
        r.stdout, r.stderr
    );
    lap("preflight bundle --force", t);
    let b = Bundle {
        zip: zip.clone(),
        video: big.clone(),
        scan,
        names: [
            VIDEO_NAME,
            PDF_SCAN_NAME,
            HLJ_FORM_HTML,
            "report.html",
            "manifest.json",
        ]
        .map(String::from)
        .to_vec(),
        expected: listed(&r.stdout),
        verdict_code: 1,
    };
    assert_eq!(
        b.expected.get(VIDEO_NAME),
        Some(&(crc, size)),
        "CLI listing of the big video"
    );
    let zip_len = fs::metadata(&zip).unwrap().len();

    // The bytes.
    let local = read_local(&zip, 0);
    assert_eq!(local.name, VIDEO_NAME);
    assert_eq!(
        local.version_needed, 45,
        "video local header: version needed"
    );
    assert_ne!(local.flags & 0x800, 0);
    assert_eq!(local.flags & 0x8, 0, "no data descriptor");
    assert_eq!(
        (local.crc, local.csize, local.usize),
        (crc, u32::MAX, u32::MAX)
    );
    assert_eq!(
        zip64_extra(&local.extras),
        Some(vec![size, size]),
        "local Zip64 extra holds both sizes"
    );
    let t = read_tail(&zip);
    let (loc_off, disks) = t.locator.expect("Zip64 end locator");
    assert_eq!(disks, 1);
    let (need, n, cd_size, cd_off) = t.zip64_end.expect("Zip64 end record");
    assert_eq!(need, 45);
    assert_eq!(n as usize, b.names.len());
    assert_eq!(
        cd_off + cd_size,
        loc_off,
        "Zip64 end record follows the central directory"
    );
    assert_eq!(loc_off + 56 + 20 + 22, zip_len);
    assert!(cd_off > u64::from(u32::MAX));
    assert_eq!(
        t.eocd_cd_offset,
        u32::MAX,
        "classic end record: offset marker"
    );
    assert_eq!(
        u64::from(t.eocd_cd_size),
        cd_size,
        "classic end record: the size fits, so it is written"
    );
    assert_eq!(t.eocd_entries as usize, b.names.len());
    let names: Vec<&str> = t.central.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, b.names);
    let v = &t.central[0];
    assert_eq!(v.version_needed, 45);
    assert_eq!(
        (v.crc, v.csize, v.usize, v.offset),
        (crc, u32::MAX, u32::MAX, 0)
    );
    assert_eq!(
        zip64_extra(&v.extras),
        Some(vec![size, size]),
        "central Zip64 extra of the video: the two sizes only (offset 0 fits)"
    );
    for c in &t.central[1..] {
        let off = entry_offset(c);
        assert!(off > u64::from(u32::MAX));
        assert_eq!(c.version_needed, 45, "{} lies past 4 GiB", c.name);
        assert_eq!(c.offset, u32::MAX);
        assert_eq!(
            zip64_extra(&c.extras),
            Some(vec![off]),
            "central Zip64 extra of {}: the offset only",
            c.name
        );
        assert_eq!(Some(&(c.crc, u64::from(c.usize))), b.expected.get(&c.name));
        let l = read_local(&zip, off);
        assert_eq!(l.name, c.name);
        assert_eq!((l.crc, l.csize, l.usize), (c.crc, c.csize, c.usize));
        assert!(
            zip64_extra(&l.extras).is_none(),
            "{}: sizes fit, no local Zip64 extra",
            c.name
        );
    }

    // The readers.
    let tt = Instant::now();
    let (code, out, err) = tool("unzip", &["-t", s(&zip)]);
    assert_eq!(code, 0, "unzip -t:\n{out}{err}");
    assert!(out.contains("No errors detected"), "unzip -t:\n{out}");
    let (code, out, _) = tool("unzip", &["-Z1", s(&zip)]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().collect::<Vec<_>>(), b.names, "zipinfo names");
    lap("unzip -t (reads 4.3 GB)", tt);

    let tt = Instant::now();
    let (code, out, err) = tool("7z", &["t", s(&zip)]);
    assert_eq!(code, 0, "7z t:\n{out}{err}");
    assert!(out.contains("Everything is Ok"));
    let (_, out, _) = tool("7z", &["l", "-slt", s(&zip)]);
    let got: Vec<(String, u32, u64)> = seven_zip_entries(&out)
        .into_iter()
        .map(|(n, c, z, _)| (n, c, z))
        .collect();
    assert_entries("7z", &b, &got);
    lap("7z t (reads 4.3 GB)", tt);

    let tt = Instant::now();
    let (code, out, err) = tool("bsdtar", &["-tvf", s(&zip)]);
    assert_eq!(code, 0, "bsdtar -tvf: {err}");
    assert!(
        out.lines()
            .next()
            .is_some_and(|l| l.ends_with(VIDEO_NAME) && l.contains(&size.to_string())),
        "bsdtar -tvf:\n{out}"
    );
    let (_, out, _) = tool("bsdtar", &["-tf", s(&zip)]);
    assert_eq!(out.lines().collect::<Vec<_>>(), b.names, "bsdtar -tf names");
    lap("bsdtar -tvf (list)", tt);

    let tt = Instant::now();
    // testzip() reads all 4.3 GB; of a file just written (page cache) that is ~2 s.
    let py = python_zipfile(&zip, true);
    assert!(py["testzip"].is_null(), "python testzip: {}", py["testzip"]);
    let entries = py["entries"].as_array().unwrap();
    let names: Vec<&str> = entries
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, b.names, "python names");
    for e in entries {
        let name = e["name"].as_str().unwrap();
        let (c, z) = b.expected[name];
        assert_eq!(
            (
                e["CRC"].as_u64(),
                e["file_size"].as_u64(),
                e["compress_size"].as_u64()
            ),
            (Some(u64::from(c)), Some(z), Some(z)),
            "python infolist {name}"
        );
        if name != VIDEO_NAME {
            assert_eq!(
                (e["crc"].as_u64(), e["read"].as_u64()),
                (Some(u64::from(c)), Some(z)),
                "python read {name} (past 4 GiB)"
            );
        }
    }
    lap("python zipfile (testzip reads 4.3 GB)", tt);

    let tt = Instant::now();
    for charset in ["default", "GBK"] {
        let lines = java_read(&zip, charset, "list");
        let names: Vec<&str> = lines.iter().map(|l| l.1.as_str()).collect();
        assert_eq!(names, b.names, "java ZipFile {charset} names");
        for (_, name, computed, read, dcrc, dsize) in &lines {
            let (c, z) = b.expected[name.as_str()];
            assert_eq!(
                (*dcrc, *dsize),
                (c, z),
                "java ZipFile {charset} declared {name}"
            );
            if name != VIDEO_NAME {
                assert_eq!(
                    (*computed, *read),
                    (Some(c), Some(z)),
                    "java ZipFile {charset} read {name} (past 4 GiB)"
                );
            }
        }
    }
    lap("java ZipFile (list; small entries read)", tt);

    let tt = Instant::now();
    let mut za = zip::ZipArchive::new(File::open(&zip).unwrap()).expect("zip crate opens Zip64");
    assert_eq!(za.len(), b.names.len());
    for i in 0..za.len() {
        let mut e = za.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        assert_eq!(name, b.names[i]);
        assert_eq!((e.crc32(), e.size()), b.expected[&name], "zip crate {name}");
        if name != VIDEO_NAME {
            let mut data = Vec::new();
            e.read_to_end(&mut data).unwrap();
            assert_eq!(
                crc_and_len(&data),
                b.expected[&name],
                "zip crate read {name} (past 4 GiB)"
            );
        } else {
            assert_eq!(e.data_start(), Some(30 + VIDEO_NAME.len() as u64 + 20 + 9));
        }
    }
    lap("zip crate (list; small entries read)", tt);

    let tt = Instant::now();
    let r = preflight(&["verify", s(&zip)]);
    assert_eq!(
        r.code, 1,
        "verify of a forced bundle: the rules still fail\n{}{}",
        r.stdout, r.stderr
    );
    assert!(
        r.stdout.contains("5 files whole, every CRC correct"),
        "{}",
        r.stdout
    );
    lap("preflight verify (reads 4.3 GB)", tt);

    times.push(format!("total: {:.1} s", t_all.elapsed().as_secs_f64()));
    eprintln!("zip64 timings:\n  {}", times.join("\n  "));
}

// ---------------------------------------------------------------- 3. verify

#[test]
fn verify_accepts_good_bundles_with_the_verdict_as_exit_code() {
    let dir = TestDir::new("verify-good");
    for b in good_bundles(&dir) {
        let r = preflight(&["verify", s(&b.zip)]);
        assert_eq!(
            r.code,
            b.verdict_code,
            "verify {}:\n{}{}",
            b.zip.display(),
            r.stdout,
            r.stderr
        );
        let first = r.stdout.lines().next().unwrap_or("");
        assert!(
            first.contains("5 个文件完整，校验和全部正确")
                && first.contains("5 files whole, every CRC correct"),
            "the whole-file line: {first}"
        );
        for (name, (crc, size)) in &b.expected {
            assert!(
                r.stdout.lines().any(|l| l.contains('✓')
                    && l.contains(&format!("{crc:08x}"))
                    && l.ends_with(name.as_str())
                    && l.contains(&size.to_string())),
                "verify lists {name}:\n{}",
                r.stdout
            );
        }
        let forced_note = r
            .stdout
            .contains("Note: bundled with --force despite: duration, file_size");
        assert_eq!(
            forced_note,
            b.verdict_code == 1,
            "the --force note:\n{}",
            r.stdout
        );
        let r = preflight(&["verify", s(&b.zip), "--json"]);
        assert_eq!(r.code, b.verdict_code);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("verify --json");
        assert_eq!(v["whole"], true);
        assert_eq!(v["forced"], b.verdict_code == 1);
    }
}

/// A stored entry for [`craft_zip`]: `declared` overrides the uncompressed
/// size in the headers (Zip64 extra when past 4 GiB), `method` 8 is deflate.
struct Craft {
    name: String,
    data: Vec<u8>,
    method: u16,
    declared: Option<u64>,
}

impl Craft {
    fn stored(name: &str, data: Vec<u8>) -> Self {
        Craft {
            name: name.into(),
            data,
            method: 0,
            declared: None,
        }
    }
}

/// A zip written by hand: local headers with CRC and sizes, UTF-8 names, a
/// central directory and a classic end record.
fn craft_zip(entries: &[Craft]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut cd = Vec::new();
    for e in entries {
        let crc = crc32fast::hash(&e.data);
        let csize = e.data.len() as u64;
        let usize = e.declared.unwrap_or(csize);
        let big = usize >= 0xFFFF_FFFF;
        let offset = out.len() as u32;
        let name = e.name.as_bytes();
        let mut lx = Vec::new();
        if big {
            lx.extend_from_slice(&1u16.to_le_bytes());
            lx.extend_from_slice(&16u16.to_le_bytes());
            lx.extend_from_slice(&usize.to_le_bytes());
            lx.extend_from_slice(&csize.to_le_bytes());
        }
        let (u32s, c32s) = if big {
            (u32::MAX, u32::MAX)
        } else {
            (usize as u32, csize as u32)
        };
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&(if big { 45u16 } else { 20 }).to_le_bytes());
        out.extend_from_slice(&0x0800u16.to_le_bytes());
        out.extend_from_slice(&e.method.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0x21, 0x5c]); // time, date (2026-01-01)
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&c32s.to_le_bytes());
        out.extend_from_slice(&u32s.to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&(lx.len() as u16).to_le_bytes());
        out.extend_from_slice(name);
        out.extend_from_slice(&lx);
        out.extend_from_slice(&e.data);
        // Central: only the overflowing field (the uncompressed size).
        let mut cx = Vec::new();
        if big {
            cx.extend_from_slice(&1u16.to_le_bytes());
            cx.extend_from_slice(&8u16.to_le_bytes());
            cx.extend_from_slice(&usize.to_le_bytes());
        }
        cd.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        cd.extend_from_slice(&((3u16 << 8) | 45).to_le_bytes());
        cd.extend_from_slice(&(if big { 45u16 } else { 20 }).to_le_bytes());
        cd.extend_from_slice(&0x0800u16.to_le_bytes());
        cd.extend_from_slice(&e.method.to_le_bytes());
        cd.extend_from_slice(&[0, 0, 0x21, 0x5c]);
        cd.extend_from_slice(&crc.to_le_bytes());
        cd.extend_from_slice(&(csize as u32).to_le_bytes());
        cd.extend_from_slice(&u32s.to_le_bytes());
        cd.extend_from_slice(&(name.len() as u16).to_le_bytes());
        cd.extend_from_slice(&(cx.len() as u16).to_le_bytes());
        cd.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
        cd.extend_from_slice(&(0o100644u32 << 16).to_le_bytes());
        cd.extend_from_slice(&offset.to_le_bytes());
        cd.extend_from_slice(name);
        cd.extend_from_slice(&cx);
    }
    let cd_off = out.len() as u32;
    let n = entries.len() as u16;
    out.extend_from_slice(&cd);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&(cd.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_off.to_le_bytes());
    out.extend_from_slice(&[0; 2]);
    out
}

/// Every file under `dir`: path → (size, modified).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (u64, std::time::SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let m = e.metadata().unwrap();
            if m.is_dir() {
                stack.push(e.path());
            }
            out.insert(e.path(), (m.len(), m.modified().unwrap()));
        }
    }
    out
}

fn xorshift_bytes(n: usize, mut x: u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

#[test]
fn verify_refuses_hostile_bundles_clearly_and_writes_nothing() {
    let dir = TestDir::new("verify-hostile");
    let b = bundle_a(&dir, &video());
    let good = fs::read(&b.zip).unwrap();
    // The good bundle's entries, to rebuild variants of it by hand.
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    {
        let mut z = zip::ZipArchive::new(File::open(&b.zip).unwrap()).unwrap();
        for i in 0..z.len() {
            let mut e = z.by_index(i).unwrap();
            let mut d = Vec::new();
            e.read_to_end(&mut d).unwrap();
            parts.push((e.name().unwrap().to_string(), d));
        }
    }
    let part = |n: &str| Craft::stored(n, parts.iter().find(|p| p.0 == n).unwrap().1.clone());
    let all_but = |skip: &str| -> Vec<Craft> {
        parts
            .iter()
            .filter(|p| p.0 != skip)
            .map(|p| Craft::stored(&p.0, p.1.clone()))
            .collect()
    };
    let abs_evil = format!("/tmp/preflight-bundle-test-evil-{}.txt", std::process::id());
    let video_data_start = {
        let l = read_local(&b.zip, 0);
        30 + l.name.len() + l.extras.iter().map(|e| 4 + e.1.len()).sum::<usize>()
    };
    let cd_start = read_tail(&b.zip).eocd_cd_offset as usize;

    let mut cases: Vec<(String, Vec<u8>, &str)> = Vec::new();
    for cut in [
        0,
        1,
        21,
        30,
        100,
        4096,
        good.len() / 2,
        cd_start - 1,
        cd_start + 10,
        good.len() - 23,
        good.len() - 1,
    ] {
        cases.push((
            format!("truncated at {cut} of {}", good.len()),
            good[..cut].to_vec(),
            "The bundle is broken",
        ));
    }
    let mut flipped = good.clone();
    flipped[video_data_start + 50_000] ^= 0x55;
    cases.push(("a byte flipped inside the video".into(), flipped, "CRC"));
    let with = |evil: &str| {
        let mut v = vec![part(VIDEO_NAME), Craft::stored(evil, b"evil\n".to_vec())];
        v.extend(all_but(VIDEO_NAME));
        craft_zip(&v)
    };
    cases.push((
        "a ../ entry name".into(),
        with("../evil.txt"),
        "unsafe entry name",
    ));
    cases.push((
        "a deeper ../ entry name".into(),
        with("a/../../evil.txt"),
        "unsafe entry name",
    ));
    cases.push((
        "an absolute entry name".into(),
        with(&abs_evil),
        "unsafe entry name",
    ));
    cases.push((
        "a backslash ..\\ entry name".into(),
        with("..\\evil.txt"),
        "unsafe entry name",
    ));
    cases.push((
        "a drive-letter entry name".into(),
        with("C:/evil.txt"),
        "unsafe entry name",
    ));
    // "hello" in a raw deflate stored block, declared as 100 GB.
    let bomb = Craft {
        name: "bomb.bin".into(),
        data: vec![1, 5, 0, 0xfa, 0xff, b'h', b'e', b'l', b'l', b'o'],
        method: 8,
        declared: Some(100_000_000_000),
    };
    cases.push((
        "a zip bomb declaring 100 GB (Zip64 extra, deflate)".into(),
        craft_zip(&[bomb]),
        "declares",
    ));
    let bomb2 = Craft {
        name: "bomb.bin".into(),
        data: vec![1, 5, 0, 0xfa, 0xff, b'h', b'e', b'l', b'l', b'o'],
        method: 8,
        declared: Some(4_000_000_000),
    };
    let mut v = all_but("");
    v.insert(1, bomb2);
    cases.push((
        "a bundle with an entry declaring 4 GB in 10 bytes".into(),
        craft_zip(&v),
        "declares",
    ));
    cases.push((
        "no manifest.json".into(),
        craft_zip(&all_but("manifest.json")),
        "manifest.json is missing",
    ));
    cases.push((
        "manifest lists report.html, which is not there".into(),
        craft_zip(&all_but("report.html")),
        "\"report.html\" is listed but missing",
    ));
    cases.push((
        "64 KiB of random bytes".into(),
        xorshift_bytes(65536, 0x9e37_79b9_7f4a_7c15),
        "not readable as a zip",
    ));
    let mut junk = xorshift_bytes(4096, 7);
    // An end record claiming 3 entries, a 256-byte directory at offset 0.
    junk.extend_from_slice(&[
        0x50, 0x4b, 5, 6, 0, 0, 0, 0, 3, 0, 3, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    cases.push((
        "random bytes with an end record pointing into them".into(),
        junk,
        "The bundle is broken",
    ));

    let work = dir.join("work");
    let cwd = work.join("cwd");
    fs::create_dir_all(&cwd).unwrap();
    for (i, (what, bytes, en_has)) in cases.iter().enumerate() {
        let p = work.join(format!("hostile-{i}.zip"));
        fs::write(&p, bytes).unwrap();
        let before = snapshot(&dir.0);
        let r = preflight_in(Some(&cwd), &["verify", s(&p)]);
        eprintln!(
            "{what}: {}",
            r.stderr
                .lines()
                .find(|l| l.starts_with("error"))
                .unwrap_or("")
        );
        assert_error_zh_en(&r, "bad_bundle", en_has, what);
        assert!(
            r.stderr.contains("打包文件有问题"),
            "{what}: Chinese message: {}",
            r.stderr
        );
        assert!(
            r.stdout.is_empty(),
            "{what}: nothing on stdout, got:\n{}",
            r.stdout
        );
        assert_eq!(
            snapshot(&dir.0),
            before,
            "{what}: verify wrote or changed a file"
        );
        assert!(
            !Path::new(&abs_evil).exists(),
            "{what}: {abs_evil} appeared"
        );
        assert!(
            !root().join("evil.txt").exists() && !dir.join("evil.txt").exists(),
            "{what}: evil.txt appeared"
        );
    }
}

// ---------------------------------------------------------------- 4. bundle refusals

fn read_manifest(zip: &Path) -> serde_json::Value {
    let mut z = zip::ZipArchive::new(File::open(zip).unwrap()).unwrap();
    let mut e = z.by_name("manifest.json").expect("manifest.json");
    let mut d = Vec::new();
    e.read_to_end(&mut d).unwrap();
    serde_json::from_slice(&d).unwrap()
}

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

#[test]
fn bundle_refuses_bad_usage_in_chinese_and_english() {
    let dir = TestDir::new("usage");
    let form = hlj_form(&dir);
    let out = dir.join("out.zip");
    let heic = dir.join("scan.heic.jpg");
    let mut h = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
    h.resize(4096, 0);
    fs::write(&heic, &h).unwrap();
    let bad_form = write_form(
        &dir,
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
            s(&out),
            "--force",
        ]
        .map(String::from)
        .to_vec()
    };
    let cases: Vec<(&str, Vec<String>, &str, &str)> = vec![
        (
            "unknown slot",
            base(&form, &format!("no_such_slot={}", s(&pdf))),
            "usage",
            "unknown attachment slot \"no_such_slot\"",
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
                s(&out).into(),
            ],
            "",
            "",
        ),
    ];
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
