//! `preflight fix` and the remux plan against ffmpeg and ffprobe: the media
//! bytes and timestamps are identical before and after (`-f framemd5 -c copy`
//! of every stream), ffprobe reads every output (moov first, the brands, no
//! location tags), and `check` passes the rules the input failed. Files the
//! remux cannot carry over exactly are refused with a code, never written.

mod common;

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::bundle::{Run, TestDir, preflight, s};
use common::{child_boxes, ffprobe, fixture, top_level_boxes};
use preflight::fix::{self, Options, Piece};

/// Every packet of every video and audio stream with its timestamps, as
/// ffmpeg demuxes it (timed metadata tracks MP4 does not carry are dropped by
/// the MOV → MP4 remux and said so).
fn framemd5(p: &Path) -> String {
    framemd5_or(p).unwrap_or_else(|e| panic!("framemd5 {}: {e}", p.display()))
}

fn framemd5_or(p: &Path) -> Result<String, String> {
    let o = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-i"])
        .arg(p)
        .args([
            "-map", "0:v?", "-map", "0:a?", "-c", "copy", "-f", "framemd5", "-",
        ])
        .output()
        .expect("run ffmpeg");
    if !o.status.success() {
        return Err(String::from_utf8_lossy(&o.stderr).into_owned());
    }
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    if out.lines().filter(|l| !l.starts_with('#')).count() == 0 {
        return Err("no packets".into());
    }
    Ok(out)
}

fn fix_cli(input: &Path, out: &Path, more: &[&str]) -> Run {
    let mut a = vec!["fix", s(input), "-o", s(out), "--json"];
    a.extend_from_slice(more);
    preflight(&a)
}

fn changes(r: &Run) -> Vec<String> {
    let j: serde_json::Value = serde_json::from_str(&r.stdout).expect("fix --json");
    j["changes"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| c["code"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn kinds(p: &Path) -> Vec<String> {
    top_level_boxes(p).into_iter().map(|b| b.kind).collect()
}

/// The output is fine for ffprobe, moov before mdat, and the same media.
fn assert_same_media(input: &Path, output: &Path) {
    assert_eq!(
        framemd5(input),
        framemd5(output),
        "{}: packets differ after the remux",
        input.display()
    );
    let k = kinds(output);
    let moov = k.iter().position(|b| b == "moov").expect("moov");
    if let Some(mdat) = k.iter().position(|b| b == "mdat") {
        assert!(moov < mdat, "{}: moov after mdat: {k:?}", output.display());
    }
}

fn check_rule(p: &Path, rule: &str) -> String {
    checked_rule(p, rule)["status"]
        .as_str()
        .unwrap_or("absent")
        .to_string()
}

/// The rule as `preflight check --json` reports it (`null` when absent).
fn checked_rule(p: &Path, rule: &str) -> serde_json::Value {
    let r = preflight(&[
        "check",
        s(p),
        "--profile",
        "cujs-video-abstract-2026",
        "--channel",
        "unit",
        "--json",
    ]);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).expect("check --json");
    j["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == rule)
        .cloned()
        .unwrap_or_default()
}

fn tags(p: &Path) -> String {
    let j = ffprobe(p);
    let mut t = j["format"]["tags"].to_string();
    for st in j["streams"].as_array().unwrap() {
        t.push_str(&st["tags"].to_string());
    }
    t
}

/// Every box path in a file, e.g. `moov/trak/mdia/minf/stbl/stsd`.
fn box_paths(p: &Path) -> Vec<String> {
    let d = fs::read(p).unwrap();
    let mut out = Vec::new();
    fn walk(d: &[u8], start: usize, end: usize, pre: &str, out: &mut Vec<String>) {
        for (k, i, size) in child_boxes(d, start, end) {
            let name: String = k
                .iter()
                .map(|&c| if c == 0xA9 { '©' } else { c as char })
                .collect();
            let path = format!("{pre}{name}");
            out.push(path.clone());
            let skip = match &k {
                b"moov" | b"trak" | b"mdia" | b"minf" | b"stbl" | b"udta" | b"dinf" | b"edts" => 8,
                b"meta" if d.get(i + 12..i + 16) == Some(b"hdlr") => 8,
                b"meta" => 12,
                b"stsd" => 16,
                b"mp4a" => 8 + 28,
                _ => continue,
            };
            walk(d, i + skip, i + size, &format!("{path}/"), out);
        }
    }
    let top = top_level_boxes(p);
    for b in top.iter().filter(|b| b.kind == "moov") {
        out.push("moov".into());
        walk(
            &d,
            (b.offset + b.header_len) as usize,
            (b.offset + b.size) as usize,
            "moov/",
            &mut out,
        );
    }
    out
}

fn src(name: &str, args: &[&str]) -> PathBuf {
    fixture(name, args)
}

const AV: &[&str] = &[
    "-f",
    "lavfi",
    "-i",
    "testsrc2=size=320x240:rate=30",
    "-f",
    "lavfi",
    "-i",
    "sine=frequency=440:sample_rate=48000",
    "-t",
    "3",
    "-pix_fmt",
    "yuv420p",
];

fn av(name: &str, more: &[&str]) -> PathBuf {
    let mut a = AV.to_vec();
    a.extend_from_slice(more);
    src(name, &a)
}

#[test]
fn moov_at_end_gets_it_in_front_and_the_faststart_rule_passes() {
    let dir = TestDir::new("fix-faststart");
    let input = av("fix_moov_end.mp4", &["-c:v", "libx264", "-c:a", "aac"]);
    let k = kinds(&input);
    assert!(
        k.iter().position(|b| b == "mdat") < k.iter().position(|b| b == "moov"),
        "{k:?}"
    );
    assert_eq!(check_rule(&input, "faststart"), "warn");
    let out = dir.join("out.mp4");
    let r = fix_cli(&input, &out, &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(changes(&r), ["faststart"]);
    assert_same_media(&input, &out);
    assert_eq!(check_rule(&out, "faststart"), "pass");
    assert_eq!(check_rule(&out, "container"), "pass");
    // The same ftyp, the same size but for ffmpeg's 8-byte `free`: only the
    // order changed.
    let free: u64 = top_level_boxes(&input)
        .iter()
        .filter(|b| b.kind == "free")
        .map(|b| b.size)
        .sum();
    assert_eq!(
        fs::metadata(&out).unwrap().len(),
        fs::metadata(&input).unwrap().len() - free
    );
    assert_eq!(
        ffprobe(&out)["format"]["tags"]["major_brand"],
        ffprobe(&input)["format"]["tags"]["major_brand"]
    );
    // Fixed already: nothing to do, nothing written.
    let again = dir.join("again.mp4");
    let r = fix_cli(&out, &again, &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(changes(&r).is_empty(), "{}", r.stdout);
    assert!(!again.exists());
}

#[test]
fn a_quicktime_h264_aac_file_with_gps_becomes_an_mp4_without_location() {
    let dir = TestDir::new("fix-mov");
    let input = av(
        "fix_gps.mov",
        &[
            "-c:v",
            "libx264",
            "-c:a",
            "aac",
            "-metadata",
            "location=+37.3318-122.0312+020.000/",
            "-metadata",
            "make=Apple",
            "-metadata",
            "model=iPhone 15",
        ],
    );
    let before = box_paths(&input);
    assert!(before.contains(&"moov/udta/©xyz".to_string()), "{before:?}");
    assert!(tags(&input).contains("location"), "{}", tags(&input));
    assert_eq!(check_rule(&input, "container"), "fail");
    assert_eq!(check_rule(&input, "privacy.location"), "warn");
    // The advice names the fix that works here, not a re-encode.
    for (rule, command) in [
        ("container", "preflight fix 输入.mov -o 输出.mp4"),
        ("privacy.location", "preflight fix --strip-location"),
    ] {
        let r = checked_rule(&input, rule);
        let fix = format!("{} {}", r["fix_zh"], r["fix_en"]);
        assert!(
            fix.contains(command) && fix.contains("一键修复"),
            "{rule}: {fix}"
        );
    }
    let out = dir.join("out.mp4");
    let r = fix_cli(&input, &out, &["--strip-device"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let c = changes(&r);
    for want in ["faststart", "mp4", "location_removed", "device_removed"] {
        assert!(c.contains(&want.to_string()), "{want} not in {c:?}");
    }
    assert_same_media(&input, &out);
    let j = ffprobe(&out);
    assert_eq!(j["format"]["tags"]["major_brand"], "isom");
    assert_eq!(j["format"]["tags"]["compatible_brands"], "isomiso2avc1mp41");
    let t = tags(&out);
    for gone in ["location", "make", "model", "iPhone"] {
        assert!(!t.contains(gone), "{gone} still in {t}");
    }
    let after = box_paths(&out);
    for gone in ["©xyz", "©mak", "©mod", "wave", "/alis"] {
        assert!(
            !after.iter().any(|p| p.contains(gone)),
            "{gone} in {after:?}"
        );
    }
    // The sound description is ISO version 0 with its esds a direct child.
    assert!(
        after.iter().any(|p| p.ends_with("stsd/mp4a/esds")),
        "{after:?}"
    );
    assert_eq!(check_rule(&out, "container"), "pass");
    assert_eq!(check_rule(&out, "faststart"), "pass");
    assert_eq!(check_rule(&out, "privacy.location"), "absent");
    // A .mov name is flagged; the JSON says the output is MP4.
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["mp4"], true);
}

#[test]
fn hevc_quicktime_keeps_hvc1() {
    let dir = TestDir::new("fix-hevc");
    let input = av(
        "fix_hevc.mov",
        &[
            "-c:v",
            "libx265",
            "-x265-params",
            "log-level=error",
            "-tag:v",
            "hvc1",
            "-c:a",
            "aac",
        ],
    );
    let out = dir.join("out.mp4");
    let r = fix_cli(&input, &out, &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_same_media(&input, &out);
    let j = ffprobe(&out);
    assert_eq!(j["streams"][0]["codec_tag_string"], "hvc1");
    assert_eq!(j["format"]["tags"]["major_brand"], "isom");
}

#[test]
fn gps_in_an_mp4_is_removed_and_only_that_when_asked() {
    let dir = TestDir::new("fix-mp4-gps");
    let input = av(
        "fix_gps_faststart.mp4",
        &[
            "-c:v",
            "libx264",
            "-c:a",
            "aac",
            "-movflags",
            "+faststart",
            "-metadata",
            "location=+48.8577+002.2950/",
        ],
    );
    assert!(tags(&input).contains("location"), "{}", tags(&input));
    let out = dir.join("out.mp4");
    let r = fix_cli(&input, &out, &["--strip-location"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(changes(&r), ["location_removed"]);
    assert_same_media(&input, &out);
    assert!(!tags(&out).contains("location"), "{}", tags(&out));
    let info = preflight::probe::probe_file(&out).unwrap();
    assert!(info.location.is_none(), "{:?}", info.location);
}

#[test]
fn edit_lists_and_a_leading_gap_survive() {
    let dir = TestDir::new("fix-elst");
    // AAC priming and a video that starts 0.5 s late: both in edit lists.
    let input = src(
        "fix_elst.mov",
        &[
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=44100",
            "-itsoffset",
            "0.5",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=160x120:rate=25",
            "-map",
            "1:v",
            "-map",
            "0:a",
            "-t",
            "2",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
        ],
    );
    assert!(box_paths(&input).iter().any(|p| p.ends_with("edts/elst")));
    let out = dir.join("out.mp4");
    let r = fix_cli(&input, &out, &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_same_media(&input, &out);
    assert_eq!(
        ffprobe(&out)["streams"][0]["start_time"],
        ffprobe(&input)["streams"][0]["start_time"]
    );
}

#[test]
fn codecs_mp4_cannot_carry_and_fragments_are_refused_and_nothing_is_written() {
    let dir = TestDir::new("fix-refused");
    let prores = src(
        "fix_prores.mov",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=160x120:rate=25",
            "-t",
            "1",
            "-c:v",
            "prores_ks",
        ],
    );
    let pcm = av("fix_pcm.mov", &["-c:v", "libx264", "-c:a", "pcm_s16le"]);
    let frag = av(
        "fix_frag.mp4",
        &[
            "-c:v",
            "libx264",
            "-c:a",
            "aac",
            "-movflags",
            "frag_keyframe+empty_moov",
        ],
    );
    for (input, code, en) in [
        (&prores, "fix_codec", "ProRes"),
        (&pcm, "fix_codec", "Convert the audio to AAC"),
        (&frag, "fix_fragmented", "fragmented"),
    ] {
        let out = dir.join("out.mp4");
        let r = preflight(&["fix", s(input), "-o", s(&out)]);
        assert_eq!(r.code, 1, "{}: {}{}", input.display(), r.stdout, r.stderr);
        assert!(
            r.stderr.contains(&format!("错误 [{code}]：")),
            "{}",
            r.stderr
        );
        let en_line = r
            .stderr
            .lines()
            .find(|l| l.starts_with(&format!("error [{code}]: ")))
            .unwrap_or_else(|| panic!("{}", r.stderr));
        assert!(en_line.contains(en), "{en_line}");
        assert!(!out.exists(), "{}: wrote an output", input.display());
        assert!(
            fs::read_dir(&dir.0).unwrap().next().is_none(),
            "a partial file was left"
        );
    }
    // Faststart alone is fine for ProRes: it stays a .mov.
    let out = dir.join("prores.mov");
    let r = fix_cli(&prores, &out, &["--faststart"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_same_media(&prores, &out);
    assert_eq!(ffprobe(&out)["format"]["tags"]["major_brand"], "qt  ");
}

#[test]
fn never_overwrites_an_input_or_an_existing_file() {
    let dir = TestDir::new("fix-overwrite");
    let input = av("fix_moov_end.mp4", &["-c:v", "libx264", "-c:a", "aac"]);
    let copy = dir.join("in.mp4");
    fs::copy(&input, &copy).unwrap();
    let before = fs::read(&copy).unwrap();
    let r = preflight(&["fix", s(&copy), "-o", s(&copy), "--overwrite"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("[output_is_input]"), "{}", r.stderr);
    assert_eq!(fs::read(&copy).unwrap(), before);
    let existing = dir.join("exists.mp4");
    fs::write(&existing, b"keep me").unwrap();
    let r = preflight(&["fix", s(&copy), "-o", s(&existing)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("[output_exists]"), "{}", r.stderr);
    assert_eq!(fs::read(&existing).unwrap(), b"keep me");
    let r = preflight(&["fix", s(&copy), "-o", s(&existing), "--overwrite"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_same_media(&copy, &existing);
    let r = preflight(&["fix", s(&copy)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

/// Chunk offsets of every `stco`/`co64` in `d[start..end]`.
fn chunk_offsets(d: &[u8], start: usize, end: usize, out: &mut Vec<u64>) {
    for (k, i, size) in child_boxes(d, start, end) {
        match &k {
            b"moov" | b"trak" | b"mdia" | b"minf" | b"stbl" => {
                chunk_offsets(d, i + 8, i + size, out)
            }
            b"stco" | b"co64" => {
                let w = if &k == b"co64" { 8 } else { 4 };
                let n = u32::from_be_bytes(d[i + 12..i + 16].try_into().unwrap()) as usize;
                for e in 0..n {
                    let at = i + 16 + e * w;
                    out.push(if w == 8 {
                        u64::from_be_bytes(d[at..at + 8].try_into().unwrap())
                    } else {
                        u64::from(u32::from_be_bytes(d[at..at + 4].try_into().unwrap()))
                    });
                }
            }
            _ => {}
        }
    }
}

/// Move every chunk offset `>= from` by `by` (32-bit tables only).
fn shift_chunks(d: &mut [u8], start: usize, end: usize, from: u64, by: u64) {
    for (k, i, size) in child_boxes(d, start, end) {
        match &k {
            b"moov" | b"trak" | b"mdia" | b"minf" | b"stbl" => {
                shift_chunks(d, i + 8, i + size, from, by)
            }
            b"stco" => {
                let n = u32::from_be_bytes(d[i + 12..i + 16].try_into().unwrap()) as usize;
                for e in 0..n {
                    let at = i + 16 + e * 4;
                    let v = u64::from(u32::from_be_bytes(d[at..at + 4].try_into().unwrap()));
                    if v >= from {
                        let v = u32::try_from(v + by).unwrap();
                        d[at..at + 4].copy_from_slice(&v.to_be_bytes());
                    }
                }
            }
            _ => {}
        }
    }
}

/// Write a plan's output, seeking over all-zero blocks so a sparse input
/// makes a sparse output.
fn write_plan_sparse(input: &Path, plan: &fix::Plan, out: &Path) {
    let mut f = File::open(input).unwrap();
    let mut w = File::create(out).unwrap();
    let mut buf = vec![0u8; 1 << 20];
    for p in &plan.pieces {
        match p {
            Piece::Bytes(b) => w.write_all(b).unwrap(),
            Piece::Copy { offset, len } => {
                f.seek(SeekFrom::Start(*offset)).unwrap();
                let mut left = *len;
                while left > 0 {
                    let k = left.min(buf.len() as u64) as usize;
                    f.read_exact(&mut buf[..k]).unwrap();
                    if buf[..k].iter().all(|&b| b == 0) {
                        w.seek(SeekFrom::Current(k as i64)).unwrap();
                    } else {
                        w.write_all(&buf[..k]).unwrap();
                    }
                    left -= k as u64;
                }
            }
        }
    }
    w.set_len(plan.size).unwrap();
}

fn plan_file(p: &Path, opts: &Options) -> Result<Option<fix::Plan>, preflight::Error> {
    let f = File::open(p).unwrap();
    let size = f.metadata().unwrap().len();
    let src = fix::read_layout(size, |at, len| {
        let mut v = vec![0u8; len as usize];
        let mut g = &f;
        g.seek(SeekFrom::Start(at))
            .map_err(|e| preflight::Error::io(&e.to_string()))?;
        g.read_exact(&mut v)
            .map_err(|e| preflight::Error::io(&e.to_string()))?;
        Ok(v)
    })?;
    assert!(
        src.bytes_read <= src.moov.len() as u64 + 64 * 1024,
        "{}: read {} bytes for a {}-byte moov",
        p.display(),
        src.bytes_read,
        src.moov.len()
    );
    fix::plan(&src, opts)
}

/// Media two mdats apart (a `free` between), the last chunk just under 4 GiB:
/// moving the moov in front pushes it past, and its table must become `co64`.
#[test]
fn media_in_two_mdats_near_4gib_gets_co64() {
    let dir = TestDir::new("fix-co64");
    let small = av("fix_moov_end.mp4", &["-c:v", "libx264", "-c:a", "aac"]);
    let d = fs::read(&small).unwrap();
    let top = top_level_boxes(&small);
    let find = |k: &str| top.iter().find(|b| b.kind == k).unwrap().clone();
    let (mdat, moov) = (find("mdat"), find("moov"));
    let mut moov_b = d[moov.offset as usize..(moov.offset + moov.size) as usize].to_vec();
    let mut offs = Vec::new();
    let n = moov_b.len();
    chunk_offsets(&moov_b, 0, n, &mut offs);
    offs.sort();
    offs.dedup();
    assert!(offs.len() > 4, "{offs:?}");
    let media_at = mdat.offset + mdat.header_len;
    let media = &d[media_at as usize..(mdat.offset + mdat.size) as usize];
    // Split the media at a chunk start: mdat A | free | mdat B (64-bit size).
    let split = offs[offs.len() / 2] - media_at;
    let last = *offs.last().unwrap() - media_at;
    // Where mdat B's data starts so the last chunk lands at 2^32 - 1.
    let b_data = (1u64 << 32) - 1 - (last - split);
    // ftyp (and ffmpeg's 8-byte free) as they are, then mdat A.
    let a_at = mdat.offset;
    let a_data = a_at + 8;
    let free_at = a_data + split;
    let b_at = b_data - 16;
    let free_len = b_at - free_at; // a large zero-filled `free`: sparse
    // Chunks in A stay where they are; those in B move to b_data.
    shift_chunks(
        &mut moov_b,
        0,
        n,
        media_at + split,
        b_data - (media_at + split),
    );
    assert_eq!(a_data, media_at);
    let path = dir.join("big.mp4");
    let mut f = File::create(&path).unwrap();
    f.write_all(&d[..mdat.offset as usize]).unwrap();
    f.write_all(&((8 + split) as u32).to_be_bytes()).unwrap();
    f.write_all(b"mdat").unwrap();
    f.write_all(&media[..split as usize]).unwrap();
    f.write_all(&1u32.to_be_bytes()).unwrap();
    // Not `free`: a box the remux keeps (it drops free/skip/wide).
    f.write_all(b"junk").unwrap();
    f.write_all(&free_len.to_be_bytes()).unwrap();
    f.seek(SeekFrom::Start(b_at)).unwrap();
    let b_len = 16 + (media.len() as u64 - split);
    f.write_all(&1u32.to_be_bytes()).unwrap();
    f.write_all(b"mdat").unwrap();
    f.write_all(&b_len.to_be_bytes()).unwrap();
    f.write_all(&media[split as usize..]).unwrap();
    f.write_all(&moov_b).unwrap();
    drop(f);
    let size = fs::metadata(&path).unwrap().len();
    assert!(size > 1 << 32);
    assert_eq!(framemd5(&small), framemd5(&path), "the hand-made input");
    assert_eq!(
        kinds(&path),
        ["ftyp", "free", "mdat", "junk", "mdat", "moov"]
    );

    let plan = plan_file(&path, &Options::default())
        .unwrap()
        .expect("a plan");
    let codes: Vec<&str> = plan.changes.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes, ["faststart", "co64"]);
    // Header bytes, then mdat, junk, mdat in one range: never the moov.
    assert!(matches!(plan.pieces[0], Piece::Bytes(_)));
    let copies: Vec<(u64, u64)> = plan.pieces[1..]
        .iter()
        .map(|p| match p {
            Piece::Copy { offset, len } => (*offset, *len),
            Piece::Bytes(_) => panic!("bytes after the header"),
        })
        .collect();
    assert_eq!(copies, [(a_at, b_at + b_len - a_at)]);
    let out = dir.join("fixed.mp4");
    write_plan_sparse(&path, &plan, &out);
    assert_same_media(&path, &out);
    let paths = box_paths(&out);
    assert!(paths.iter().any(|p| p.ends_with("stbl/co64")), "{paths:?}");
    let info = preflight::probe::probe_file(&out).unwrap();
    assert_eq!(info.faststart, Some(true));
}

/// A real moov, mutated: every plan answers (a plan or an error with a code
/// and both messages), never panics.
#[test]
fn hostile_moovs_never_panic() {
    let input = av("fix_gps.mov", &[]);
    let f = File::open(&input).unwrap();
    let size = f.metadata().unwrap().len();
    let src = fix::read_layout(size, |at, len| {
        let mut v = vec![0u8; len as usize];
        let mut g = &f;
        g.seek(SeekFrom::Start(at)).unwrap();
        g.read_exact(&mut v).unwrap();
        Ok(v)
    })
    .unwrap();
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut rnd = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut outcomes = BTreeMap::new();
    let opts = [
        Options::default(),
        Options {
            strip_device: true,
            ..Options::default()
        },
    ];
    for case in 0..3000 {
        let mut s2 = src.clone();
        let n = s2.moov.len() as u64;
        for _ in 0..1 + rnd() % 4 {
            let at = (rnd() % n) as usize;
            match rnd() % 4 {
                0 => s2.moov[at] = rnd() as u8,
                1 => s2.moov[at] = 0xFF,
                2 => s2.moov[at] = 0,
                _ => {
                    let cut = at.max(8);
                    s2.moov.truncate(cut);
                    break;
                }
            }
        }
        let o = opts[case % 2];
        let r = catch_unwind(AssertUnwindSafe(|| fix::plan(&s2, &o)))
            .unwrap_or_else(|_| panic!("case {case} panicked"));
        let key = match r {
            Ok(Some(p)) => {
                assert_eq!(
                    p.size,
                    p.pieces
                        .iter()
                        .map(|x| match x {
                            Piece::Bytes(b) => b.len() as u64,
                            Piece::Copy { len, .. } => *len,
                        })
                        .sum::<u64>()
                );
                "plan"
            }
            Ok(None) => "nothing",
            Err(e) => {
                assert!(!e.message_zh.is_empty() && !e.message_en.is_empty());
                e.code
            }
        };
        *outcomes.entry(key).or_insert(0u32) += 1;
    }
    // The mutations reach both sides.
    assert!(
        outcomes.get("plan").copied().unwrap_or(0) > 100,
        "{outcomes:?}"
    );
    assert!(outcomes.len() > 2, "{outcomes:?}");
    // A moov that claims more boxes than the cap.
    let mut deep = src.clone();
    let mut m = Vec::new();
    for _ in 0..40 {
        m = [&((m.len() + 8) as u32).to_be_bytes()[..], b"trak", &m].concat();
    }
    deep.moov = [&((m.len() + 8) as u32).to_be_bytes()[..], b"moov", &m].concat();
    let e = fix::plan(&deep, &Options::default()).unwrap_err();
    assert_eq!(e.code, "fix_layout");
}

/// Every file of the real-world corpus the remux applies to comes out with
/// the same packets, or is refused with a code.
#[test]
fn corpus_files_keep_their_media() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let lines = fs::read_to_string(root.join("ffprobe.jsonl")).expect("corpus ffprobe.jsonl");
    let dir = TestDir::new("fix-corpus");
    let mut fixed = 0;
    let mut refused = BTreeMap::new();
    for l in lines.lines() {
        let j: serde_json::Value = serde_json::from_str(l).unwrap();
        let name = j["file"].as_str().unwrap();
        if j["ffprobe_exit_status"] != 0
            || !j["format_name"].as_str().unwrap_or("").contains("mp4")
            || j["nb_streams"].as_u64().unwrap_or(0) == 0
        {
            continue;
        }
        let p = root.join("media").join(name);
        // Only files ffmpeg itself can copy are a yardstick.
        let Ok(want) = framemd5_or(&p) else {
            continue;
        };
        let r = catch_unwind(AssertUnwindSafe(|| plan_file(&p, &Options::default())))
            .unwrap_or_else(|_| panic!("{name}: panicked"));
        match r {
            Ok(Some(plan)) => {
                let out = dir.join(format!("{fixed}.{}", if plan.mp4 { "mp4" } else { "out" }));
                write_plan_sparse(&p, &plan, &out);
                // ffmpeg picks the demuxer by content: the extension is moot.
                assert_eq!(want, framemd5(&out), "{name}: packets differ");
                let info = preflight::probe::probe_file(&out)
                    .unwrap_or_else(|e| panic!("{name}: probe of the output: {e}"));
                assert_ne!(info.faststart, Some(false), "{name}");
                assert!(info.location.is_none(), "{name}");
                fixed += 1;
                let _ = fs::remove_file(&out);
            }
            Ok(None) => {}
            Err(e) => *refused.entry(e.code.to_string()).or_insert(0) += 1,
        }
    }
    eprintln!("corpus: {fixed} fixed, refused {refused:?}");
    assert!(
        fixed >= 3,
        "only {fixed} corpus files fixed; refused {refused:?}"
    );
}
