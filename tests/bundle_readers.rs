//! Bundles made by `preflight bundle` read back by every zip reader an
//! organiser might use: Info-ZIP `unzip`/`zipinfo`, 7-Zip, libarchive's
//! `bsdtar`, Python's `zipfile`, Java's `ZipInputStream` and `ZipFile` (with
//! the default charset and with GBK, as a Chinese Windows JVM would have it)
//! and the `zip` crate; and the records of a small bundle, read by hand.

mod common;

use std::fs::{self, File};
use std::io::Read;
use std::process::Command;

use common::bundle::*;
use common::zipread::*;

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
        let x = dir.join(format!(
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

// ---------------------------------------------------------------- records

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
