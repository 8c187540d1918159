//! A fragmented MP4's index: where the file has an `mfra` (found through the
//! `mfro` in its last 16 bytes) or a `sidx`, the probe reads the first and
//! the last fragment and estimates the rest, in at most 4 reads, agreeing
//! with ffprobe; where the index lies, it walks every fragment and answers
//! as if there were no index.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use preflight::probe::probe_bytes;

/// 20 s of 320x180 H.264 + AAC, a fragment a second, with `flags`.
fn fragmented(name: &str, flags: &str) -> PathBuf {
    let line = format!(
        "-f lavfi -i testsrc2=size=320x180:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 \
         -t 20 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -g 30 -movflags {flags}"
    );
    let args: Vec<&str> = line.split_whitespace().collect();
    fixture_with(name, |out| ffmpeg(name, &args, out))
}

fn moofs(path: &Path) -> usize {
    top_level_boxes(path)
        .iter()
        .filter(|b| b.kind == "moof")
        .count()
}

#[test]
fn mfra_gives_the_layout_in_four_reads() {
    let path = fragmented("index_mfra.mp4", "frag_keyframe+empty_moov");
    assert!(moofs(&path) >= 19, "{} fragments", moofs(&path));
    let c = check(&path);
    c.assert_agrees();
    assert!(c.info.reads <= 4, "{} reads", c.info.reads);
}

/// ffprobe's stream-level `avg_frame_rate` and `bit_rate` of a file with a
/// `sidx` come from what its header read saw (57600/1961 and 36 kb/s for
/// 20 s of 783 kb/s at 30 fps): the oracle there is its packets, every one
/// read (`-show_packets`): their count and bytes over the video's duration.
fn assert_packets_agree(c: &Checked) {
    let out = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v", "-show_entries"])
        .args(["packet=size", "-of", "csv=p=0"])
        .arg(&c.path)
        .output()
        .expect("ffprobe");
    let sizes: Vec<u64> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().trim_end_matches(',').parse().ok())
        .collect();
    let v = c.info.video.as_ref().expect("video");
    let secs = v.duration_s.expect("video duration");
    let rate = sizes.len() as f64 / secs;
    let bps = sizes.iter().sum::<u64>() as f64 * 8.0 / secs;
    let got_rate = v.frame_rate.expect("frame rate");
    let got_bps = v.bitrate_bps.expect("bitrate") as f64;
    assert!(
        (got_rate - rate).abs() <= rate * 0.01,
        "{}: {} packets in {secs} s = {rate} fps, probe {got_rate}",
        c.name,
        sizes.len()
    );
    assert!(
        (got_bps - bps).abs() <= bps * 0.05,
        "{}: packets {bps} b/s, probe {got_bps}",
        c.name
    );
}

#[test]
fn sidx_gives_the_layout_in_four_reads() {
    let path = fragmented("index_sidx.mp4", "dash+global_sidx");
    let top = top_level_boxes(&path);
    assert!(top.iter().any(|b| b.kind == "sidx"), "no sidx");
    assert!(moofs(&path) >= 19, "{} fragments", moofs(&path));
    let c = check(&path);
    c.assert_agrees_except(&[Fact::FrameRate, Fact::VideoBitrate]);
    assert_packets_agree(&c);
    assert!(c.info.reads <= 4, "{} reads", c.info.reads);
}

/// A `sidx` before every fragment (`dash`): no index of the whole file, so
/// every fragment is walked, and the answer still agrees.
#[test]
fn a_sidx_per_fragment_is_walked() {
    let path = fragmented("index_dash.mp4", "frag_keyframe+empty_moov+dash");
    let c = check(&path);
    c.assert_agrees_except(&[Fact::VideoBitrate]);
    assert_packets_agree(&c);
    assert!(c.info.reads > 20, "{} reads", c.info.reads);
}

/// The mfra file's facts against its packets too.
#[test]
fn mfra_estimates_agree_with_the_packets() {
    let c = check(&fragmented("index_mfra.mp4", "frag_keyframe+empty_moov"));
    assert_packets_agree(&c);
}

/// Where every `tfra` entry's moof_offset is in `data` (ffmpeg writes
/// version 1: 64-bit times and offsets).
fn tfra_offsets(data: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    let mfra = data.windows(4).rposition(|w| w == b"mfra").expect("mfra");
    let mut p = mfra + 4;
    while let Some(q) = data[p..].windows(4).position(|w| w == b"tfra") {
        let t = p + q; // the type, after the size
        assert_eq!(data[t + 4], 1, "tfra version");
        let be = |i: usize| u32::from_be_bytes(data[i..i + 4].try_into().unwrap()) as usize;
        let lens = be(t + 12);
        let numbers = ((lens >> 4) & 3) + ((lens >> 2) & 3) + (lens & 3) + 3;
        for i in 0..be(t + 16) {
            out.push(t + 20 + i * (16 + numbers) + 8);
        }
        p = t + 4;
    }
    out
}

/// An index that lies is caught, and the answer is the walk's: the same as
/// for the file without its `mfro`.
#[test]
fn a_lying_mfra_falls_back_to_the_walk() {
    let path = fragmented("index_mfra.mp4", "frag_keyframe+empty_moov");
    let data = std::fs::read(&path).unwrap();
    let mut no_index = data.clone();
    let n = no_index.len();
    no_index[n - 12..n - 8].copy_from_slice(b"xxxx");
    let walked = probe_bytes(&no_index).expect("walked");
    assert!(
        walked.reads > 10,
        "{} reads without the index",
        walked.reads
    );
    let offsets = tfra_offsets(&data);
    assert!(!offsets.is_empty());
    let set = |d: &mut Vec<u8>, at: usize, v: u64| d[at..at + 8].copy_from_slice(&v.to_be_bytes());
    let top = top_level_boxes(&path);
    let first_moof = top.iter().find(|b| b.kind == "moof").unwrap().offset;
    let mdat = top.iter().rfind(|b| b.kind == "mdat").unwrap().offset + 20;
    let mut cases: Vec<(String, Vec<u8>)> = Vec::new();
    for (what, v) in [
        ("inside an mdat", mdat),
        ("at the first moof", first_moof),
        ("at 2^64-8", u64::MAX - 7),
        ("at byte 0", 0),
        ("at the mfra", top.last().unwrap().offset),
    ] {
        let mut d = data.clone();
        for &o in &offsets {
            set(&mut d, o, v);
        }
        cases.push((format!("every tfra entry {what}"), d));
    }
    // The mfro sizing an mfra of 2^32-1 bytes, of 16, of the whole file.
    for v in [u32::MAX, 16, n as u32] {
        let mut d = data.clone();
        d[n - 4..].copy_from_slice(&v.to_be_bytes());
        cases.push((format!("mfro says {v}"), d));
    }
    for (what, d) in cases {
        let got = probe_bytes(&d).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(got.duration_s, walked.duration_s, "{what}");
        assert_eq!(
            got.video.as_ref().map(|v| (v.frame_rate, v.bitrate_bps)),
            walked.video.as_ref().map(|v| (v.frame_rate, v.bitrate_bps)),
            "{what}"
        );
        assert!(got.notes.is_empty(), "{what}: {:?}", got.notes);
    }
}
