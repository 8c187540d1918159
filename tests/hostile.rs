//! Hostile input, the synthetic files and how deep boxes nest: the files
//! built by hand are understood whole, and 10,000 levels of boxes (in the
//! `moov`, in a `moof`, in a sample entry) neither overflow the stack nor
//! hide the facts above them. The other hostile tests: `hostile_sizes.rs`
//! (box sizes and declared file sizes), `hostile_truncations.rs` (every file
//! cut), `hostile_random.rs` (random bytes and what the fuzzer found).

mod common;

use common::hostile::*;
use common::synth::*;

#[test]
fn synthetic_files_are_understood() {
    let aac = Trak {
        stsd: stsd(&mp4a(&aac_esds())),
        ..Trak::new(0)
    }
    .file();
    let info = run("tiny aac", &aac).expect("aac probes");
    // A `vide` handler over an mp4a entry: no video, the codec still named.
    assert!(info.video.is_none() || info.video.as_ref().is_some_and(|v| v.codec == "aac"));
    let info = run("tiny mp4", &tiny_mp4()).expect("tiny mp4 probes");
    let v = info.video.expect("video");
    assert_eq!((v.codec.as_str(), v.width, v.height), ("h264", 1080, 720));
    assert_eq!(info.duration_s, Some(0.1));
    assert_eq!(info.faststart, Some(true));
    let info = run("fragmented mp4", &fragmented_mp4(30)).expect("fragmented mp4 probes");
    assert!(info.fragmented);
    assert_eq!(info.duration_s, Some(30.0 * 1001.0 / 30000.0));
}

#[test]
fn deep_nesting() {
    let chains: [&[&[u8; 4]]; 5] = [
        &[b"trak", b"mdia", b"minf", b"stbl"],
        &[b"udta", b"meta"],
        &[b"mvex"],
        &[b"edts"],
        &[b"dinf", b"stbl", b"stsd"],
    ];
    for chain in chains {
        let mut inner = mvhd(1000, 100);
        for i in 0..10_000 {
            inner = bx(chain[i % chain.len()], &inner);
        }
        let name = format!(
            "moov > {} … 10,000 levels",
            chain
                .iter()
                .map(|k| String::from_utf8_lossy(*k))
                .collect::<Vec<_>>()
                .join(" > ")
        );
        // The movie header sits at the bottom, out of reach: no header, no track.
        let r = run(&name, &cat(&[ftyp(), bx(b"moov", &inner)]));
        Code("corrupt").assert(&name, &r);
        // The same inside a fragment of a fragmented file.
        let mut frag = fragmented_mp4(3);
        let mut deep = full(b"mfhd", 0, &be32(1));
        for i in 0..10_000 {
            deep = bx(
                if i % 2 == 0 {
                    b"traf"
                } else {
                    chain[i % chain.len()]
                },
                &deep,
            );
        }
        frag.extend_from_slice(&bx(b"moof", &deep));
        // A fragment nobody can read adds nothing: the three frames before it.
        let name = format!("{name} in a moof");
        Video(3.0 * 1001.0 / 30000.0, None).assert(&name, &run(&name, &frag));
    }
    // Inside a sample entry, where the mp4-atom crate, our first parser, decoded children of any kind.
    for chain in [
        &[b"sinf", b"schi"][..],
        &[b"avc1"],
        &[b"moov", b"trak", b"mdia"],
        &[b"stsd"],
    ] {
        let mut inner = bx(b"pasp", &[0, 0, 0, 1, 0, 0, 0, 1]);
        for i in 0..10_000 {
            inner = bx(chain[i % chain.len()], &inner);
        }
        let mut entry = avc1();
        entry.extend_from_slice(&inner);
        let len = entry.len() as u32;
        entry[0..4].copy_from_slice(&be32(len));
        let file = Trak {
            stsd: stsd(&entry),
            ..Trak::new(0)
        }
        .file();
        let name = format!(
            "avc1 > {:?} … 10,000 levels",
            chain
                .iter()
                .map(|k| String::from_utf8_lossy(*k))
                .collect::<Vec<_>>()
        );
        let info = run(&name, &file).expect("the track still answers");
        // The raw fallback still names the codec and size.
        let v = info.video.expect("video");
        assert_eq!(
            (v.codec.as_str(), v.width, v.height),
            ("h264", 1080, 720),
            "{name}"
        );
    }
}
