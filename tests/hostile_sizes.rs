//! Hostile input, sizes: every box size a header can hold (0, 1 with a
//! largesize, smaller than the header, past the parent, past the file), tables
//! whose counts exceed their bytes, files that declare 2^40 bytes, and the
//! extent an AVI or ASF header promises broken one promise at a time. Each
//! case comes to the answer it names, reading within the budget.

mod common;

use common::hostile::*;
use common::synth::*;
use preflight::probe::{LOOKAHEAD, MAX_MOOV};

/// A hostile case: its name, its bytes, what it must come to.
type Case = (String, Vec<u8>, Want);

/// Box sizes a header can hold: 0 (to the end of the file), 1 with a
/// largesize, below the header, past the end of the file.
fn header_size_cases(moov_body: &[u8]) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    // size 0: the box runs to the end of the file.
    let mut zero_moov = vec![0, 0, 0, 0];
    zero_moov.extend_from_slice(b"moov");
    zero_moov.extend_from_slice(moov_body);
    cases.push(("moov of size 0".into(), cat(&[ftyp(), zero_moov]), TINY));
    let mut zero_mdat = vec![0, 0, 0, 0];
    zero_mdat.extend_from_slice(b"mdat");
    zero_mdat.extend_from_slice(&[7; 100]);
    cases.push((
        "mdat of size 0 first".into(),
        cat(&[ftyp(), zero_mdat.clone()]),
        Code("no_moov"),
    ));
    // size 1 with largesize 2^64-1.
    for kind in [b"moov", b"mdat", b"free", b"moof", b"ftyp"] {
        let mut b = be32(1).to_vec();
        b.extend_from_slice(kind);
        b.extend_from_slice(&u64::MAX.to_be_bytes());
        b.extend_from_slice(&[0; 64]);
        let name = format!("{} largesize 2^64-1", String::from_utf8_lossy(kind));
        // Before any moov: the moov (or the fragments) cut short, or none.
        let first = match kind {
            b"moov" | b"moof" => Code("truncated"),
            _ => Code("no_moov"),
        };
        cases.push((name.clone(), cat(&[ftyp(), b.clone()]), first));
        // After a whole moov: the facts, and the file cut short.
        cases.push((format!("{name} after moov"), cat(&[tiny_mp4(), b]), CUT));
    }
    // largesize smaller than its 16-byte header.
    let mut small_large = be32(1).to_vec();
    small_large.extend_from_slice(b"moov");
    small_large.extend_from_slice(&9u64.to_be_bytes());
    cases.push((
        "largesize 9".into(),
        cat(&[ftyp(), small_large]),
        Code("corrupt"),
    ));
    // size below 8.
    for s in 2..8u32 {
        let mut b = be32(s).to_vec();
        b.extend_from_slice(b"free");
        b.extend_from_slice(moov_body);
        cases.push((
            format!("free of size {s}"),
            cat(&[ftyp(), b]),
            Code("corrupt"),
        ));
    }
    // size beyond the end of the file.
    let mut big = be32(1 << 20).to_vec();
    big.extend_from_slice(b"moov");
    big.extend_from_slice(moov_body);
    cases.push((
        "moov past the end".into(),
        cat(&[ftyp(), big]),
        Code("truncated"),
    ));
    let mut big_ftyp = be32(1 << 20).to_vec();
    big_ftyp.extend_from_slice(b"ftyp");
    cases.push(("ftyp past the end".into(), big_ftyp, Code("truncated")));
    cases
}

/// Children claiming more than their parent holds.
fn parent_overrun_cases() -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    // Children claiming more than their parent.
    let mut liar = be32(1 << 30).to_vec();
    liar.extend_from_slice(b"trak");
    liar.extend_from_slice(&video_trak(0)[8..]);
    cases.push((
        "trak larger than moov".into(),
        cat(&[ftyp(), bx(b"moov", &cat(&[mvhd(1000, 100), liar]))]),
        NoVideo("trak at byte 108 of the moov runs past the moov's end"),
    ));
    let mut liar_stsd = be32(0x7fff_ffff).to_vec();
    liar_stsd.extend_from_slice(b"stsd");
    liar_stsd.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 1]);
    liar_stsd.extend_from_slice(&avc1());
    cases.push((
        "stsd larger than stbl".into(),
        Trak {
            stsd: liar_stsd,
            ..Trak::new(0)
        }
        .file(),
        NoVideo(NO_STSD),
    ));
    let mut liar_entry = stsd(&avc1());
    liar_entry[16..20].copy_from_slice(&be32(u32::MAX));
    cases.push((
        "sample entry larger than stsd".into(),
        Trak {
            stsd: liar_entry,
            ..Trak::new(0)
        }
        .file(),
        NoVideo(NO_STSD),
    ));
    let mut short_entry = stsd(&avc1());
    short_entry[16..20].copy_from_slice(&be32(9));
    cases.push((
        "sample entry of 9 bytes".into(),
        Trak {
            stsd: short_entry,
            ..Trak::new(0)
        }
        .file(),
        NoVideo("the sample entry avc1 of 9 bytes is too short"),
    ));
    let mut liar_avcc = avc1();
    let at = liar_avcc.windows(4).position(|w| w == b"avcC").unwrap();
    liar_avcc[at + 10] = 0xff; // the SPS length's high byte: past the box
    cases.push((
        "avcC SPS length past its box".into(),
        Trak {
            stsd: stsd(&liar_avcc),
            ..Trak::new(0)
        }
        .file(),
        TINY,
    ));
    cases
}

/// Tables, groups and runs claiming 2^32-1 entries.
fn table_count_cases() -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    // Tables claiming 2^32-1 entries.
    let t = Trak::new(0);
    let tables = [
        (
            "stts claims 2^32-1 entries",
            Trak {
                stts: table(b"stts", u32::MAX, &[1, 1]),
                ..t.clone()
            },
        ),
        (
            "stts of 2^32-1 samples",
            Trak {
                stts: table(b"stts", 1, &[u32::MAX, u32::MAX]),
                ..t.clone()
            },
        ),
        (
            "stsz claims 2^32-1 sizes",
            Trak {
                stsz: stsz(0, u32::MAX, &[1, 2, 3]),
                ..t.clone()
            },
        ),
        (
            "stsz 2^32-1 samples of 2^32-1 bytes",
            Trak {
                stsz: stsz(u32::MAX, u32::MAX, &[]),
                ..t.clone()
            },
        ),
        (
            "stsc claims 2^32-1 entries",
            Trak {
                stsc: table(b"stsc", u32::MAX, &[1, 1, 1]),
                ..t.clone()
            },
        ),
        (
            "stco claims 2^32-1 chunks",
            Trak {
                stco: table(b"stco", u32::MAX, &[0]),
                ..t.clone()
            },
        ),
        (
            "co64 claims 2^32-1 chunks",
            Trak {
                stco: table(b"co64", u32::MAX, &[0, 0]),
                ..t.clone()
            },
        ),
        (
            "stsc run past the chunks",
            Trak {
                stsc: table(b"stsc", 1, &[u32::MAX, 1, 1]),
                ..t.clone()
            },
        ),
        (
            "elst claims 2^32-1 edits",
            Trak {
                edts: Some(bx(b"edts", &table(b"elst", u32::MAX, &[1, 0]))),
                ..t.clone()
            },
        ),
        (
            "elst of 2^32-1 ticks",
            Trak {
                edts: Some(bx(b"edts", &table(b"elst", 1, &[u32::MAX, 0, 0x1_0000]))),
                ..t.clone()
            },
        ),
        (
            "stsd claims 2^32-1 entries",
            Trak {
                stsd: table(b"stsd", u32::MAX, &[]),
                ..t.clone()
            },
        ),
        (
            "empty stsd",
            Trak {
                stsd: bx(b"stsd", &[]),
                ..t.clone()
            },
        ),
    ];
    for (name, trak) in tables {
        let want = match name {
            "stsc run past the chunks" => Code("corrupt"),
            "stsd claims 2^32-1 entries" | "empty stsd" => NoVideo(NO_STSD),
            // Each table read as far as its bytes go; the movie header's 0.1 s.
            _ => TINY,
        };
        cases.push((name.into(), trak.file(), want));
    }
    cases
}

/// Sample groups claiming 2^32-1 entries (in a fragment, in a sample
/// entry), and a run of 2^32-1 inherited samples.
fn group_count_cases() -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    // sgpd claiming 2^32-1 zero-length entries (the mp4-atom crate, our first parser, built each one):
    // in a moof, in a traf, in a sample entry.
    let sgpd = {
        let mut b = b"xxxx".to_vec();
        b.extend_from_slice(&be32(u32::MAX));
        full(b"sgpd", 0, &b)
    };
    let mut frag = fragmented_mp4(3);
    frag.extend_from_slice(&bx(
        b"moof",
        &cat(&[full(b"mfhd", 0, &be32(2)), sgpd.clone()]),
    ));
    frag.extend_from_slice(&bx(b"moof", &bx(b"traf", &sgpd)));
    cases.push((
        "sgpd of 2^32-1 entries in moof and traf".into(),
        frag,
        Video(3.0 * 1001.0 / 30000.0, None),
    ));
    let mut entry = avc1();
    entry.extend_from_slice(&sgpd);
    let len = entry.len() as u32;
    entry[0..4].copy_from_slice(&be32(len));
    cases.push((
        "sgpd of 2^32-1 entries in avc1".into(),
        Trak {
            stsd: stsd(&entry),
            ..Trak::new(0)
        }
        .file(),
        TINY,
    ));
    // Fragments claiming 2^32-1 inherited samples.
    cases.push((
        "trun of 2^32-1 inherited samples".into(),
        fragmented_mp4(u32::MAX),
        // What the run says, multiplied, not counted sample by sample.
        Video(f64::from(u32::MAX) * 1001.0 / 30000.0, None),
    ));
    cases
}

/// Descriptors nested 20,000 deep in an `esds`.
fn nested_descriptor_cases() -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    // Descriptors nested 20,000 deep in an esds (the mp4-atom crate, our first parser, decoded each
    // before finding it out of place).
    for (name, tag, prefix) in [
        (
            "esds: ES_Descriptor nested 20,000 deep",
            3u8,
            vec![0u8, 1, 0],
        ),
        (
            "esds: DecoderConfig nested 20,000 deep",
            4u8,
            vec![0x40, 0x15, 0, 0, 0, 0, 1, 0xf4, 0, 0, 1, 0xf4, 0],
        ),
    ] {
        let mut inner = desc(5, &[0x12, 0x10]);
        for _ in 0..20_000 {
            let mut body = prefix.clone();
            body.extend_from_slice(&inner);
            inner = desc(tag, &body);
        }
        let mut es = vec![0, 1, 0];
        es.extend_from_slice(&inner);
        let esds = desc(3, &es);
        let trak = Trak {
            stsd: stsd(&mp4a(&esds)),
            ..Trak::new(0)
        };
        // The esds read no deeper than its own descriptors: the entry's codec.
        cases.push((name.into(), trak.file(), Codec("aac")));
        // The same inside a QuickTime `wave`.
        let mut entry = mp4a(&aac_esds());
        let at = entry.windows(4).position(|w| w == b"esds").unwrap() - 4;
        entry.truncate(at);
        entry.extend_from_slice(&bx(b"wave", &full(b"esds", 0, &esds)));
        let len = entry.len() as u32;
        entry[0..4].copy_from_slice(&be32(len));
        let trak = Trak {
            stsd: stsd(&entry),
            ..Trak::new(0)
        };
        cases.push((format!("{name}, in wave"), trak.file(), Codec("aac")));
    }
    cases
}

#[test]
fn hostile_box_sizes() {
    let moov_body = cat(&[mvhd(1000, 100), video_trak(0)]);
    let cases: Vec<Case> = [
        header_size_cases(&moov_body),
        parent_overrun_cases(),
        table_count_cases(),
        group_count_cases(),
        nested_descriptor_cases(),
    ]
    .concat();
    let mut n = 0;
    eprintln!("{} hostile box cases", cases.len());
    for (name, data, want) in cases {
        let name = name.as_str();
        let r = run(name, &data);
        want.assert(name, &r);
        n += 1;
    }
    assert!(n > 30);
}

#[test]
fn huge_declared_sizes() {
    const TIB: u64 = 1 << 40;
    // Zeros throughout.
    let (r, fed) = run_huge("2^40 zeros", TIB, &[], |_| 0);
    Code("unknown_format").assert("2^40 zeros", &r);
    assert!(fed <= LOOKAHEAD, "read {fed}");
    // ftyp, then zeros: a size-0 box runs to the end.
    let (r, fed) = run_huge("ftyp then 2^40 zeros", TIB, &ftyp(), |_| 0);
    assert_eq!(r.unwrap_err().code, "no_moov");
    assert!(fed <= LOOKAHEAD, "read {fed}");
    // moov claiming 4 GiB (largesize), 64 GiB, MAX_MOOV + 1.
    for size in [4u64 << 30, 64 << 30, MAX_MOOV + 1] {
        let mut head = ftyp();
        head.extend_from_slice(&be32(1));
        head.extend_from_slice(b"moov");
        head.extend_from_slice(&size.to_be_bytes());
        let (r, fed) = run_huge(&format!("moov claiming {size} bytes"), TIB, &head, |_| 0);
        assert_eq!(r.unwrap_err().code, "too_large");
        assert!(fed <= LOOKAHEAD, "read {fed}");
    }
    // A moov just under the cap, full of zeros: read once, then judged.
    let mut head = ftyp();
    head.extend_from_slice(&be32((MAX_MOOV - 64) as u32));
    head.extend_from_slice(b"moov");
    let (_, fed) = run_huge("moov of MAX_MOOV - 64 zeros", TIB, &head, |_| 0);
    assert!(fed <= MAX_MOOV + LOOKAHEAD, "read {fed}");
    // A valid file, then 2^40 bytes of mdat (size 0).
    let mut head = tiny_mp4();
    head.extend_from_slice(&[0, 0, 0, 0]);
    head.extend_from_slice(b"mdat");
    let (r, fed) = run_huge("tiny mp4 then a 2^40 mdat", TIB, &head, |_| 0);
    TINY.assert("tiny mp4 then a 2^40 mdat", &r);
    assert!(fed <= LOOKAHEAD, "read {fed}");
    // mdat first, 2^40 bytes of it, then nothing readable.
    let mut head = ftyp();
    head.extend_from_slice(&be32(1));
    head.extend_from_slice(b"mdat");
    head.extend_from_slice(&(TIB - 64).to_be_bytes());
    let (r, fed) = run_huge("2^40 mdat then garbage", TIB, &head, |_| 0xAB);
    Code("no_moov").assert("2^40 mdat then garbage", &r);
    assert!(fed <= 2 * LOOKAHEAD, "read {fed}");
    // Endless 8-byte free boxes before any moov.
    let free = bx(b"free", &[]);
    let fl = ftyp().len() as u64;
    let (r, fed) = run_huge("2^40 of 8-byte free boxes", TIB, &ftyp(), move |at| {
        free[((at - fl) % 8) as usize]
    });
    Code("no_moov").assert("2^40 of 8-byte free boxes", &r);
    assert!(fed <= BUDGET, "read {fed}");
    // A fragmented file whose fragments never end.
    let frag = fragmented_mp4(1);
    let moof_at = frag.windows(4).position(|w| w == b"moof").unwrap() - 4;
    let pair = frag[moof_at..].to_vec();
    let head = frag[..moof_at].to_vec();
    let hl = head.len() as u64;
    let (r, fed) = run_huge("2^40 of fragments", TIB, &head, move |at| {
        pair[((at - hl) % pair.len() as u64) as usize]
    });
    let info = r.expect("fragmented file answers");
    assert!(
        info.notes.iter().any(|n| n.contains("fragment")),
        "{:?}",
        info.notes
    );
    assert!(fed <= BUDGET, "read {fed}");
}

/// Each promise an AVI or ASF header makes about the file's extent, broken
/// alone: the `RIFF` size, the `movi` size, the `idx1` that `AVIF_HASINDEX`
/// promises, the header read itself; ASF's file size, Data Object size and
/// packet count.
#[test]
fn riff_and_asf_sizes_against_the_file() {
    let fixtures = format_fixtures();
    let get = |name: &str| {
        fixtures
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| d.clone())
            .unwrap()
    };
    // The first 1/18 (as 1 MB of an 18 MB file: in these small files, inside
    // the header), and the first half (inside the media data).
    for name in [
        "cut_xvid_mp3.avi",
        "cut_mpeg4_pcm.avi",
        "cut_mjpeg.avi",
        "cut_wmv2_wmav2.wmv",
        "cut_wmv1.asf",
    ] {
        let data = get(name);
        for cut in [data.len() / 18, data.len() / 2] {
            let r = run(name, &data[..cut]);
            assert_eq!(outcome(&r).0, "truncated", "{name} cut at {cut}: {r:?}");
        }
    }

    let avi = get("cut_xvid_mp3.avi");
    let movi_at = find(&avi, b"movi") - 8;
    let movi_end = movi_at + 8 + le32_at(&avi, movi_at + 4);
    assert_eq!(&avi[movi_end..movi_end + 4], b"idx1");
    // RIFF size rewritten to the cut (as a "repair" tool might), the movi
    // list still claiming its frames.
    let cut = movi_at + 12 + 1000;
    let mut a = avi[..cut].to_vec();
    a[4..8].copy_from_slice(&((cut - 8) as u32).to_le_bytes());
    let (code, msg) = outcome(&run("avi, RIFF size fits, movi does not", &a));
    assert_eq!(code, "truncated", "{msg}");
    assert!(msg.contains("movi"), "{msg}");
    // RIFF and movi both fit but the promised idx1 is gone: it plays, unindexed.
    let mut a = avi[..movi_end].to_vec();
    a[4..8].copy_from_slice(&((movi_end - 8) as u32).to_le_bytes());
    let (code, msg) = outcome(&run("avi without its idx1", &a));
    assert_eq!(code, "answered");
    assert!(msg.contains("idx1") && msg.contains("cut short"), "{msg}");
    // The same, with something other than idx1 where the index must be.
    let mut a = avi.clone();
    a[movi_end..movi_end + 4].copy_from_slice(b"JUNK");
    let (code, msg) = outcome(&run("avi with JUNK for its idx1", &a));
    assert_eq!(code, "answered");
    assert!(msg.contains("idx1") && msg.contains("cut short"), "{msg}");
    // The header read coming back short: the file shrank while read.
    let (r, _) = drive("avi header read short", avi.len() as u64, |off, buf| {
        let start = (off as usize).min(4000);
        let n = buf.len().min(4000 - start);
        buf[..n].copy_from_slice(&avi[start..start + n]);
        n
    });
    let (code, msg) = outcome(&r);
    assert_eq!(code, "truncated", "{msg}");
    assert!(msg.contains("hdrl"), "{msg}");

    let wmv = get("cut_wmv2_wmav2.wmv");
    let header = u64::from_le_bytes(wmv[16..24].try_into().unwrap()) as usize;
    // File Properties: its GUID, size(8), then file id(16), file size(8).
    let props_guid = [
        0xA1, 0xDC, 0xAB, 0x8C, 0x47, 0xA9, 0xCF, 0x11, 0x8E, 0xE4, 0x00, 0xC0, 0x0C, 0x20, 0x53,
        0x65,
    ];
    let file_size_at = find(&wmv, &props_guid) + 24 + 16;
    let data_size_at = header + 16;
    let cut = wmv.len() / 2;
    let mut w = wmv[..cut].to_vec();
    let (code, msg) = outcome(&run("wmv cut in half", &w));
    assert_eq!(code, "truncated", "{msg}");
    assert!(msg.contains("ASF file"), "{msg}");
    // Without the file size (0: not known), the Data Object's size tells.
    w[file_size_at..file_size_at + 8].fill(0);
    let (code, msg) = outcome(&run("wmv cut in half, no file size", &w));
    assert_eq!(code, "truncated", "{msg}");
    assert!(msg.contains("data object"), "{msg}");
    // Without either, the packet count times the packet size.
    w[data_size_at..data_size_at + 8].fill(0);
    let (code, msg) = outcome(&run("wmv cut in half, no sizes", &w));
    assert_eq!(code, "truncated", "{msg}");
    assert!(msg.contains("packets"), "{msg}");
    // Cut inside the header.
    let (code, msg) = outcome(&run("wmv header cut", &wmv[..header / 2]));
    assert_eq!(code, "truncated", "{msg}");
    assert!(msg.contains("ASF header cut short"), "{msg}");
    // Cut just after the header, without a file size: no Data Object at all.
    let mut w = wmv[..header + 10].to_vec();
    w[file_size_at..file_size_at + 8].fill(0);
    let (code, msg) = outcome(&run("wmv header only", &w));
    assert_eq!(code, "truncated", "{msg}");
    assert!(msg.contains("ASF data cut short"), "{msg}");
}
