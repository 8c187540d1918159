//! Hostile input, fragment indexes: an `mfra`/`mfro` or a `sidx` that lies
//! (offsets into the media data, past the end, at the first fragment; sizes
//! of 0 or 2^32-1; times outside the fragment) is caught, and the probe walks
//! every fragment instead, answering exactly as for the file without an
//! index; random bytes over an index never panic.

mod common;

use common::hostile::*;
use common::synth::*;
use preflight::probe::MediaInfo;

const COUNT: u32 = 30;
const SAMPLES: u32 = 30;

fn facts(m: &MediaInfo) -> (Option<f64>, Option<f64>, Option<u64>, Vec<String>) {
    let v = m.video.as_ref().expect("video");
    (m.duration_s, v.frame_rate, v.bitrate_bps, m.notes.clone())
}

#[test]
fn synthetic_indexes_take_four_reads() {
    let secs = f64::from(COUNT * SAMPLES) * 1001.0 / 30000.0;
    let walked = run(
        "no index",
        &indexed_fragments(COUNT, SAMPLES, FragIndex::None),
    )
    .unwrap();
    assert!(walked.reads > 10, "{} reads", walked.reads);
    for index in [FragIndex::Mfra, FragIndex::Sidx] {
        let name = format!("{index:?}");
        let m = run(&name, &indexed_fragments(COUNT, SAMPLES, index)).unwrap();
        assert!(m.reads <= 4, "{name}: {} reads", m.reads);
        assert_eq!(m.duration_s, Some(secs), "{name}");
        let (d, rate, bps, notes) = facts(&m);
        assert_eq!(
            (d, rate, notes),
            (walked.duration_s, facts(&walked).1, vec![]),
            "{name}"
        );
        let want = facts(&walked).2.unwrap() as f64;
        let got = bps.unwrap() as f64;
        assert!(
            (got - want).abs() <= want * 0.01,
            "{name}: {got} b/s, walked {want}"
        );
    }
}

/// Write `v` as big-endian over `data[at..at + v.len()]`.
fn put(data: &mut [u8], at: usize, v: &[u8]) {
    data[at..at + v.len()].copy_from_slice(v);
}

/// Each lie, and whether it must be caught (a count bounded by the box's
/// bytes reads as the truth it holds).
fn lies() -> Vec<(String, Vec<u8>, bool)> {
    let good = indexed_fragments(COUNT, SAMPLES, FragIndex::Mfra);
    let n = good.len();
    let tfra = good.windows(4).rposition(|w| w == b"tfra").unwrap() - 4;
    let first_entry = tfra + 8 + 4 + 12; // box header, version/flags, id/lens/count
    let last_entry = first_entry + (COUNT as usize - 1) * 19;
    let first_moof = good.windows(4).position(|w| w == b"moof").unwrap() as u64 - 4;
    let mut out = Vec::new();
    for (what, off) in [
        ("into an mdat", first_moof + 200),
        ("at the first moof", first_moof),
        ("at byte 0", 0),
        ("past the end", n as u64 + 1000),
        ("at u64::MAX", u64::MAX),
        ("at the mfra", tfra as u64 - 8),
    ] {
        let mut d = good.clone();
        put(&mut d, last_entry + 8, &off.to_be_bytes());
        out.push((format!("the last tfra entry {what}"), d, true));
    }
    for (what, time) in [("before the first", 0u64), ("far after", u64::MAX / 2)] {
        let mut d = good.clone();
        // Every entry the same time, so the last fragment's lies.
        put(&mut d, last_entry, &time.to_be_bytes());
        if what == "before the first" {
            put(&mut d, last_entry, &0u64.to_be_bytes());
            // A last fragment whose tfdt is 0: it starts before the first ends.
            let last_moof = good.windows(4).rposition(|w| w == b"tfdt").unwrap() + 8;
            put(&mut d, last_moof, &0u64.to_be_bytes());
        }
        out.push((format!("the last tfra time {what}"), d, true));
    }
    for v in [0u32, 8, 16, 24, u32::MAX, n as u32, n as u32 + 1] {
        let mut d = good.clone();
        put(&mut d, n - 4, &v.to_be_bytes());
        out.push((format!("mfro says the mfra has {v} bytes"), d, true));
    }
    {
        let mut d = good.clone();
        put(&mut d, tfra - 8, b"\0\0\0\x10");
        out.push((
            "the mfra's own size disagrees with the mfro".into(),
            d,
            true,
        ));
    }
    let good = indexed_fragments(COUNT, SAMPLES, FragIndex::Sidx);
    let sidx = good.windows(4).position(|w| w == b"sidx").unwrap() - 4;
    let refs = sidx + 8 + 4 + 16 + 4;
    for (what, at, v) in [
        ("first_offset 2^32-1", sidx + 8 + 4 + 12, u32::MAX),
        ("first_offset 1", sidx + 8 + 4 + 12, 1),
        ("the last size 0", refs + (COUNT as usize - 1) * 12, 0),
        (
            "the last size 2^31-1",
            refs + (COUNT as usize - 1) * 12,
            0x7FFF_FFFF,
        ),
        ("the first size 1", refs, 1),
        (
            "a nested sidx",
            refs,
            0x8000_0000 | (good.len() as u32 / 40),
        ),
    ] {
        let mut d = good.clone();
        put(&mut d, at, &v.to_be_bytes());
        out.push((format!("sidx with {what}"), d, true));
    }
    {
        let mut d = good.clone();
        put(&mut d, refs - 2, &u16::MAX.to_be_bytes());
        out.push(("sidx claiming 65535 references".into(), d, false));
    }
    out
}

#[test]
fn lying_indexes_fall_back_to_the_walk() {
    let walked = run(
        "no index",
        &indexed_fragments(COUNT, SAMPLES, FragIndex::None),
    )
    .unwrap();
    let want = facts(&walked);
    for (name, data, caught) in lies() {
        let m = run(&name, &data).unwrap_or_else(|e| panic!("{name}: {e}"));
        // Believed, the lie would have spared the reads of the fragments
        // (unless the file was read whole for the mfra the mfro claims).
        assert!(
            !caught || m.reads > 10 || m.bytes_read >= data.len() as u64,
            "{name}: {} reads: the lie was believed",
            m.reads
        );
        let got = facts(&m);
        // The trailing bytes (the index) are not media: only the notes may
        // tell of them.
        assert_eq!((got.0, got.1, got.2), (want.0, want.1, want.2), "{name}");
    }
}

#[test]
fn random_bytes_over_an_index() {
    let mut rng = XorShift(0x5EED_1DE5_0F00_0001);
    for index in [FragIndex::Mfra, FragIndex::Sidx] {
        let good = indexed_fragments(COUNT, SAMPLES, index);
        let (from, to) = match index {
            FragIndex::Mfra => {
                let at = good.windows(4).rposition(|w| w == b"mfra").unwrap() - 4;
                (at, good.len())
            }
            _ => {
                let at = good.windows(4).position(|w| w == b"sidx").unwrap() - 4;
                (at, at + 32 + 12 * COUNT as usize)
            }
        };
        for i in 0..300 {
            let mut d = good.clone();
            for _ in 0..1 + rng.next() % 8 {
                let at = from + (rng.next() as usize) % (to - from);
                d[at] = rng.next() as u8;
            }
            let _ = run(&format!("{index:?} with random bytes #{i}"), &d);
        }
    }
}

/// The fuzzer's seeds for the index: `cargo test --test hostile_index --
/// --ignored write_fuzz_seeds` writes the two synthetic files with an index
/// into `fuzz/seeds/probe/` (the index is followed only where more than
/// 64 KiB follow the first fragment, so they are larger than most seeds).
#[test]
#[ignore = "writes fuzz/seeds/probe/"]
fn write_fuzz_seeds() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/probe");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, index) in [
        ("fragments-mfra.mp4", FragIndex::Mfra),
        ("fragments-sidx.mp4", FragIndex::Sidx),
    ] {
        std::fs::write(dir.join(name), indexed_fragments(COUNT, SAMPLES, index)).unwrap();
    }
}
