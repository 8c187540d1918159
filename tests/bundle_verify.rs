//! `preflight verify` on good bundles (the verdict as exit code) and on
//! hostile ones: cut short, flipped, `../` and absolute names, zip bombs,
//! missing files, random bytes — each refused in Chinese and English, and
//! nothing written.

mod common;

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Read;
use std::path::{Path, PathBuf};

use common::bundle::*;
use common::zipread::*;

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

/// The good bundle cut short at many places, and with a byte of its video
/// flipped.
fn cut_and_flipped(
    good: &[u8],
    video_data_start: usize,
    cd_start: usize,
) -> Vec<(String, Vec<u8>, &'static str)> {
    let mut cases: Vec<(String, Vec<u8>, &'static str)> = Vec::new();
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
    let mut flipped = good.to_vec();
    flipped[video_data_start + 50_000] ^= 0x55;
    cases.push(("a byte flipped inside the video".into(), flipped, "CRC"));
    cases
}

/// Zip bombs: an entry declaring 100 GB alone, and one declaring 4 GB in
/// 10 bytes among `all` the good bundle's entries.
fn bombs(all: Vec<Craft>) -> Vec<(String, Vec<u8>, &'static str)> {
    let mut cases = Vec::new();
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
    let mut v = all;
    v.insert(1, bomb2);
    cases.push((
        "a bundle with an entry declaring 4 GB in 10 bytes".into(),
        craft_zip(&v),
        "declares",
    ));
    cases
}

/// Variants of the good bundle `b`, each broken one way: what, the bytes,
/// and what the English message says.
fn hostile_cases(b: &Bundle, abs_evil: &str) -> Vec<(String, Vec<u8>, &'static str)> {
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
    let video_data_start = {
        let l = read_local(&b.zip, 0);
        30 + l.name.len() + l.extras.iter().map(|e| 4 + e.1.len()).sum::<usize>()
    };
    let cd_start = read_tail(&b.zip).eocd_cd_offset as usize;

    let mut cases = cut_and_flipped(&good, video_data_start, cd_start);
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
        with(abs_evil),
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
    cases.extend(bombs(all_but("")));
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

    cases
}

#[test]
fn verify_refuses_hostile_bundles_clearly_and_writes_nothing() {
    let dir = TestDir::new("verify-hostile");
    let b = bundle_a(&dir, &video());
    let abs_evil = format!("/tmp/preflight-bundle-test-evil-{}.txt", std::process::id());
    let cases = hostile_cases(&b, &abs_evil);
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
