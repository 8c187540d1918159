//! Shared by the bundle tests (`tests/bundle_*.rs`): their inputs (a tiny
//! 1080p H.264/AAC video, a hand-written PDF, a PNG, all made once into
//! `target/fixtures/`), running the built CLI and the zip readers an
//! organiser might use, the two good bundles every reader must read, and a
//! sparse MP4 of any size for the Zip64 tests.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use super::{child_boxes, fixture, fixture_with, top_level_boxes};

pub const BIN: &str = env!("CARGO_BIN_EXE_preflight");

pub const VIDEO_NAME: &str = "黑洞的秘密.mp4";
pub const PDF_SCAN_NAME: &str = "自荐表（签字）.pdf";
pub const PNG_SCAN_NAME: &str = "著作权授权协议.png";
pub const HLJ_FORM_HTML: &str = "2022年黑龙江省优秀科普微视频作品自荐表.html";
pub const CUJS_FORM_HTML: &str = "第三届中国高校科技期刊研究会视频摘要申报信息.html";

pub const HLJ: &str = "heilongjiang-kepu-2022";
pub const CUJS: &str = "cujs-video-abstract-2026";

// ---------------------------------------------------------------- places

/// `target/bundle-tests/`.
pub fn root() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.parent().unwrap_or(tmp).join("bundle-tests");
    fs::create_dir_all(&dir).expect("create target/bundle-tests");
    dir
}

pub fn unique_n() -> u32 {
    static N: AtomicU32 = AtomicU32::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// A directory of one test's own, removed when dropped — also when the test
/// panics, which matters for the Zip64 tests' gigabytes.
pub struct TestDir(pub PathBuf);

impl TestDir {
    pub fn new(tag: &str) -> Self {
        let p = root().join(format!("{tag}-{}-{}", std::process::id(), unique_n()));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).expect("create test dir");
        TestDir(p)
    }
    pub fn join(&self, name: impl AsRef<Path>) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TestDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

pub fn s(p: &Path) -> &str {
    p.to_str().expect("test paths are UTF-8")
}

// ---------------------------------------------------------------- inputs

/// 1 s of 1920×1080 H.264 + AAC, moov first, created in 2026 (so the CUJS
/// profile passes), ~150 KB.
pub fn video() -> PathBuf {
    fixture(
        "bundle-video-1080p-1s.mp4",
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
    )
}

/// A small, real PDF: one A4 page with a signature-like stroke, every xref
/// offset right.
pub fn pdf_bytes() -> Vec<u8> {
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

pub fn scan_pdf() -> PathBuf {
    fixture_with("bundle-scan.pdf", |out| {
        fs::write(out, pdf_bytes()).expect("write pdf")
    })
}

pub fn scan_png() -> PathBuf {
    fixture(
        "bundle-scan.png",
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
    )
}

// ---------------------------------------------------------------- running

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run_cmd(mut c: Command, what: &str) -> Output {
    // UTF-8 names on the terminal side too: unzip and bsdtar convert to the locale.
    c.env("LC_ALL", "C.UTF-8").env("PYTHONIOENCODING", "utf-8");
    c.output()
        .unwrap_or_else(|e| panic!("cannot run {what} ({e}); is it installed?"))
}

pub fn preflight_in(cwd: Option<&Path>, args: &[&str]) -> Run {
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

pub fn preflight(args: &[&str]) -> Run {
    preflight_in(None, args)
}

pub fn tool(prog: &str, args: &[&str]) -> (i32, String, String) {
    let mut c = Command::new(prog);
    c.args(args);
    let o = run_cmd(c, prog);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

pub fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The CLI's error: exit 2, `错误 [code]：中文…` and `error [code]: English…`.
pub fn assert_error_zh_en(r: &Run, code: &str, en_has: &str, what: &str) {
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

pub fn crc_and_len(data: &[u8]) -> (u32, u64) {
    (crc32fast::hash(data), data.len() as u64)
}

/// A bundle made by the CLI, and what every reader must find in it.
pub struct Bundle {
    pub zip: PathBuf,
    pub video: PathBuf,
    pub scan: PathBuf,
    /// Entry names, in order.
    pub names: Vec<String>,
    /// name → (CRC-32, size), from the CLI's own listing; the video's and the
    /// scan's are checked against the input files.
    pub expected: BTreeMap<String, (u32, u64)>,
    /// `preflight verify`'s exit code for it.
    pub verdict_code: i32,
}

/// `  {size:>12}  {crc:08x}  {name}` lines of `preflight bundle`.
pub fn listed(stdout: &str) -> BTreeMap<String, (u32, u64)> {
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

pub fn write_form(dir: &TestDir, name: &str, json: serde_json::Value) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, serde_json::to_vec_pretty(&json).unwrap()).unwrap();
    p
}

pub fn hlj_form(dir: &TestDir) -> PathBuf {
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

pub fn cujs_form(dir: &TestDir) -> PathBuf {
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

pub fn check_inputs_listed(b: &Bundle, scan_name: &str) {
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
pub fn bundle_a(dir: &TestDir, video: &Path) -> Bundle {
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
pub fn bundle_b(dir: &TestDir) -> Bundle {
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

pub fn good_bundles(dir: &TestDir) -> Vec<Bundle> {
    vec![bundle_a(dir, &video()), bundle_b(dir)]
}

/// A reader's view, in archive order: (name, CRC-32 it computed, bytes it read).
pub fn assert_entries(reader: &str, b: &Bundle, got: &[(String, u32, u64)]) {
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

// ---------------------------------------------------------------- readers

/// (path, CRC, size, "Characteristics") of each entry in `7z l -slt`.
pub fn seven_zip_entries(out: &str) -> Vec<(String, u32, u64, String)> {
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

/// Python's zipfile: testzip(), names, and per entry the CRC of what `read`
/// returned (all entries, or only those ≤ 64 MiB when `list_big`).
pub const PY_READ: &str = r#"
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

pub fn python_zipfile(zip: &Path, testzip: bool) -> serde_json::Value {
    let (code, out, err) = tool(
        "python3",
        &["-c", PY_READ, s(zip), if testzip { "test" } else { "no" }],
    );
    assert_eq!(code, 0, "python3 zipfile on {}:\n{err}", zip.display());
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("python output ({e}): {out}"))
}

/// `tests/java/ReadZip.java`, compiled once per source version.
pub fn java_classes() -> PathBuf {
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
pub type JavaLine = (String, String, Option<u32>, Option<u64>, u32, u64);

pub fn java_read(zip: &Path, charset: &str, mode: &str) -> Vec<JavaLine> {
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

pub fn read_manifest(zip: &Path) -> serde_json::Value {
    let mut z = zip::ZipArchive::new(File::open(zip).unwrap()).unwrap();
    let mut e = z.by_name("manifest.json").expect("manifest.json");
    let mut d = Vec::new();
    e.read_to_end(&mut d).unwrap();
    serde_json::from_slice(&d).unwrap()
}

// ---------------------------------------------------------------- sparse videos

/// A valid MP4 `ftyp, mdat, moov` of exactly `size` bytes around a small
/// video's media: `head` (ftyp, an mdat header with a 64-bit largesize, the
/// media), then `hole` zero bytes never written (the file is sparse), then
/// the `moov` with its chunk offsets moved. The CRC-32 is computed from the
/// parts, the hole's by `crc32fast`'s combine, without reading gigabytes.
pub struct SparseMp4 {
    pub head: Vec<u8>,
    pub hole: u64,
    pub moov: Vec<u8>,
    pub size: u64,
    pub crc: u32,
}

/// Move every `stco`/`co64` chunk offset in the boxes of `d[start..end]` by `new - old`.
fn patch_chunk_offsets(d: &mut [u8], start: usize, end: usize, old: u64, new: u64) {
    for (typ, i, size) in child_boxes(d, start, end) {
        match &typ {
            b"moov" | b"trak" | b"mdia" | b"minf" | b"stbl" => {
                patch_chunk_offsets(d, i + 8, i + size, old, new)
            }
            b"stco" | b"co64" => {
                let wide = &typ == b"co64";
                let n = u32::from_be_bytes(d[i + 12..i + 16].try_into().unwrap()) as usize;
                for k in 0..n {
                    let w = if wide { 8 } else { 4 };
                    let at = i + 16 + k * w;
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

/// The CRC-32 state after `n` zero bytes: blocks of 2^k MiB doubled by
/// combining, the remainder (< 1 MiB) hashed.
pub fn crc_of_zeros(mut n: u64) -> crc32fast::Hasher {
    let mut h = crc32fast::Hasher::new();
    let mut block = crc32fast::Hasher::new();
    block.update(&vec![0u8; 1 << 20]);
    let mut rest = n % (1 << 20);
    n >>= 20;
    while n > 0 {
        if n & 1 == 1 {
            h.combine(&block);
        }
        let b2 = block.clone();
        block.combine(&b2);
        n >>= 1;
    }
    // Zero blocks commute, so the remainder can come last.
    while rest > 0 {
        let k = rest.min(1 << 16);
        h.update(&vec![0u8; k as usize]);
        rest -= k;
    }
    h
}

impl SparseMp4 {
    /// `src`'s media in an MP4 of exactly `size` bytes.
    pub fn new(src: &Path, size: u64) -> Self {
        let d = fs::read(src).unwrap();
        let top = top_level_boxes(src);
        let find = |t: &str| {
            top.iter()
                .find(|b| b.kind == t)
                .unwrap_or_else(|| panic!("{t} box in {}", src.display()))
                .clone()
        };
        let (ftyp, mdat, moov) = (find("ftyp"), find("mdat"), find("moov"));
        let ftyp = &d[ftyp.offset as usize..(ftyp.offset + ftyp.size) as usize];
        let media =
            &d[(mdat.offset + mdat.header_len) as usize..(mdat.offset + mdat.size) as usize];
        let mut moov = d[moov.offset as usize..(moov.offset + moov.size) as usize].to_vec();
        let new_start = (ftyp.len() + 16) as u64;
        let len = moov.len();
        patch_chunk_offsets(&mut moov, 0, len, mdat.offset + mdat.header_len, new_start);
        let payload = size
            .checked_sub(new_start + moov.len() as u64)
            .expect("room for the media");
        assert!(media.len() as u64 <= payload);
        let mut head = ftyp.to_vec();
        head.extend_from_slice(&1u32.to_be_bytes());
        head.extend_from_slice(b"mdat");
        head.extend_from_slice(&(16 + payload).to_be_bytes());
        head.extend_from_slice(media);
        let hole = size - head.len() as u64 - moov.len() as u64;
        let mut h = crc32fast::Hasher::new();
        h.update(&head);
        h.combine(&crc_of_zeros(hole));
        h.update(&moov);
        SparseMp4 {
            head,
            hole,
            moov,
            size,
            crc: h.finalize(),
        }
    }

    /// Write the bytes at `f`'s position, seeking over the hole.
    pub fn write_into(&self, f: &mut File) {
        f.write_all(&self.head).unwrap();
        f.seek(SeekFrom::Current(self.hole as i64)).unwrap();
        f.write_all(&self.moov).unwrap();
    }

    /// The video as a file of its own, sparse.
    pub fn write(&self, dst: &Path) {
        let mut f = File::create(dst).unwrap();
        self.write_into(&mut f);
        drop(f);
        assert_eq!(fs::metadata(dst).unwrap().len(), self.size);
    }
}

/// Bytes allocated on disk for `p` (a sparse file's are few).
pub fn allocated(p: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(p).unwrap().blocks() * 512
}

pub fn free_bytes(p: &Path) -> u64 {
    let (code, out, _) = tool("df", &["-Pk", s(p)]);
    assert_eq!(code, 0);
    out.lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|k| k.parse::<u64>().ok())
        .unwrap_or(0)
        * 1024
}
