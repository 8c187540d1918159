//! The probe against ffprobe 5.1 on the real-world corpus (`../shared/corpus`
//! beside the repository: 80 files from 14 projects' test suites, see its
//! README.md). Every file must agree with ffprobe on duration, video codec,
//! size, pixel aspect, rotation, audio and faststart, and fail exactly where
//! ffprobe could not read it — or be named in [`KNOWN`] with who is right and
//! why. Every entry there pins our own value, and an entry that no longer
//! differs fails too, so the table cannot rot.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use preflight::Error;
use preflight::probe::{MediaInfo, probe_file};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Field {
    /// Error versus answer.
    Outcome,
    Duration,
    VideoCodec,
    Size,
    Sar,
    Rotation,
    Audio,
    Faststart,
}

/// Our value, pinned.
#[derive(Debug)]
enum Pin {
    Ok,
    Err(&'static str),
    Duration(f64),
    VideoCodec(&'static str),
    Size(u32, u32),
    AudioCodec(&'static str),
    NoAudio,
    Sar(&'static str),
    /// A note containing this text.
    Note(&'static str),
}

struct Known {
    /// File name in `media/`, or a unique suffix of it.
    file: &'static str,
    field: Field,
    pins: &'static [Pin],
    why: &'static str,
}

/// Where we and ffprobe 5.1 disagree, and why we are right.
const KNOWN: &[Known] = &[
    Known {
        file: "Eyevinn__mp4ff__examples__multitrack__testdata__main_1.mp4",
        field: Field::Duration,
        pins: &[Pin::Duration(7.6076)],
        why: "fragments start at tfdt 60000/6000 = 10 s (both tracks): ffprobe's 17.61 s is the \
              end time; the content is 7.61 s",
    },
    Known {
        file: "Eyevinn__mp4ff__mp4__testdata__vvc_400kbps_2s.mp4",
        field: Field::VideoCodec,
        pins: &[Pin::VideoCodec("vvc")],
        why: "ffprobe 5.1 predates VVC and names no codec; the sample entry is vvc1",
    },
    Known {
        file: "androidx__media__libraries__test_data__src__test__assets__media__mp4__video_dovi_3840x2160_30fps_dav1_10.mp4",
        field: Field::VideoCodec,
        pins: &[Pin::VideoCodec("av1")],
        why: "Dolby Vision AV1 (dav1 entry, av1C inside): ffprobe 5.1 names no codec; it is AV1",
    },
    Known {
        file: "androidx__media__libraries__test_data__src__test__assets__media__mp4__sample_fragmented.mp4",
        field: Field::Duration,
        pins: &[Pin::Duration(1.068)],
        why: "mdhd durations are 0xFFFFFFFF (unknown) and mvhd says 0: ffprobe reads 2^32-1 \
              ticks as 143,165 s; the fragments hold 30 frames (1.001 s) and 46 AAC frames (1.068 s)",
    },
    Known {
        file: "androidx__media__libraries__test_data__src__test__assets__media__drm__sample_fragmented_clearkey.mp4",
        field: Field::Outcome,
        pins: &[
            Pin::Ok,
            Pin::VideoCodec("h264"),
            Pin::Size(1080, 720),
            Pin::AudioCodec("aac"),
            Pin::Duration(1.068),
            Pin::Note("encrypted (DRM, scheme cenc)"),
        ],
        why: "ffmpeg 5.1 stops at its senc sub-sample data (\"hit EOF\"); ExoPlayer plays this \
              test asset; the encv entry's sinf/frma says avc1, and a note says it is encrypted",
    },
    Known {
        file: "mozilla__mp4parse-rust__mp4parse__tests__sine-3s-xhe-aac-44khz-mono.mp4",
        field: Field::Outcome,
        pins: &[Pin::Ok, Pin::AudioCodec("aac"), Pin::Duration(3.0)],
        why: "xHE-AAC (USAC, mp4a OTI 0x40): ffprobe 5.1 has no USAC decoder and exits 1; the \
              file is valid (FFmpeg 7.1 decodes it)",
    },
    Known {
        file: "androidx__media__libraries__test_data__src__test__assets__media__mp4__sample_missing_stsd.mp4",
        field: Field::Audio,
        pins: &[
            Pin::NoAudio,
            Pin::Note("audio track has no sample description"),
        ],
        why: "the audio track's stsd is replaced by a free box: ffprobe lists a codec-less stream \
              no decoder can play; we leave it out and say so in a note",
    },
    Known {
        file: "quodlibet__mutagen__tests__data__truncated-64bit.mp4",
        field: Field::Size,
        pins: &[Pin::Size(160, 120), Pin::Note("file is cut short")],
        why: "the mp4v entry and the VOL header in its esds both code 160x120; ffprobe's 0x0 \
              comes from decoding no frame of this truncated file",
    },
];

/// Facts where we agree with ffprobe but the README or the brief doubted
/// one of us, pinned all the same.
const PINNED: &[Known] = &[
    Known {
        file: "quodlibet__mutagen__tests__data__nero-chapters.m4b",
        field: Field::Duration,
        pins: &[Pin::Duration(169_022.694), Pin::Note("file is cut short")],
        why: "169,022 s (47 h) is what the index says throughout: mvhd, mdhd, stts (3,639,600 \
              AAC frames of 1024 at 22,050 Hz), stsc x stco, and the 112-chapter text track; \
              the chunks run to byte 1.34 GB (63 kb/s) of an audiobook whose mdat was stripped \
              to make this 80 kB fixture, which the note reports",
    },
    Known {
        file: "androidx__media__libraries__test_data__src__test__assets__media__mp4__sample_malformed_free_box.mp4",
        field: Field::Outcome,
        pins: &[Pin::Err("corrupt")],
        why: "a free box declares 3 bytes: ExoPlayer guesses past it, ffmpeg (and so a contest's \
              transcoder) finds no moov; calling the file damaged is the useful answer",
    },
    Known {
        file: "mozilla__mp4parse-rust__mp4parse_capi__tests__chunk_out_of_range.mp4",
        field: Field::Outcome,
        pins: &[Pin::Err("corrupt")],
        why: "stsc starts a run at chunk 16,777,217 of 1: ffmpeg refuses the file (\"contradictionary \
              STSC and STCO\"), and so do we",
    },
    Known {
        file: "kixelated__mp4-atom__src__test__h264_avcc_ext_2.mp4",
        field: Field::Outcome,
        pins: &[Pin::Err("truncated")],
        why: "an init segment whose only fragment is cut one byte short: no sample to play",
    },
    Known {
        file: "sindresorhus__file-type__fixture__fixture2.3gp",
        field: Field::Sar,
        pins: &[Pin::Sar("12:11")],
        why: "12:11 is H.263's pixel shape for its standard source formats (QCIF here), as \
              ffmpeg's decoder sets it; checked by the ordinary comparison",
    },
    Known {
        file: "androidx__media__libraries__test_data__src__test__assets__media__mp4__sample_with_fake_auxiliary_tracks.mp4",
        field: Field::Size,
        pins: &[Pin::Size(10, 12), Pin::Note("the H.264 stream says 10x12")],
        why: "avc1 says 12x10, its SPS codes 10x12; decoders (and ffprobe) follow the SPS",
    },
];

fn corpus_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    assert!(
        dir.join("ffprobe.jsonl").is_file() && dir.join("media").is_dir(),
        "the real-world corpus is missing: expected {} (with ffprobe.jsonl and media/) beside \
         the repository; clone it as ../shared/corpus",
        dir.display()
    );
    dir
}

fn rows() -> Vec<Value> {
    let text =
        std::fs::read_to_string(corpus_dir().join("ffprobe.jsonl")).expect("read ffprobe.jsonl");
    let rows: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("ffprobe.jsonl line"))
        .collect();
    assert_eq!(
        rows.len(),
        80,
        "ffprobe.jsonl should describe the 80 files of media/"
    );
    rows
}

fn probe(name: &str) -> Result<MediaInfo, Error> {
    let path = corpus_dir().join("media").join(name);
    assert!(path.is_file(), "{} is missing", path.display());
    probe_file(&path)
}

/// Every file that agrees with ffprobe agrees to within a microsecond (both
/// read the same tick counts); 1 ms leaves room for ffprobe's six printed
/// decimals and no more, so a frame (33 ms) or an edit list is a difference.
const DURATION_TOLERANCE_S: f64 = 0.001;

fn duration_close(ours: f64, theirs: f64) -> bool {
    (ours - theirs).abs() <= DURATION_TOLERANCE_S
}

/// "1:1" for ffprobe's null, "0:1" and "N/A".
fn sar_of(v: &Value) -> String {
    match v.as_str() {
        None | Some("0:1") | Some("N/A") | Some("") => "1:1".into(),
        Some(s) => s.to_string(),
    }
}

/// Where our answer differs from ffprobe's row: (field, what).
fn differences(row: &Value, ours: &Result<MediaInfo, Error>) -> Vec<(Field, String)> {
    let mut out = Vec::new();
    let ffprobe_failed =
        row["ffprobe_exit_status"].as_i64() != Some(0) || row["nb_streams"].as_i64() == Some(0);
    let info = match (ours, ffprobe_failed) {
        (Err(e), true) => {
            assert!(!e.message_zh.is_empty() && !e.message_en.is_empty());
            return out;
        }
        (Err(e), false) => {
            out.push((
                Field::Outcome,
                format!("we fail ({}: {}), ffprobe reads it", e.code, e.message_en),
            ));
            return out;
        }
        (Ok(_), true) => {
            out.push((Field::Outcome, "ffprobe fails, we answer".into()));
            return out;
        }
        (Ok(m), false) => m,
    };
    if let Some(theirs) = row["duration"].as_f64() {
        match info.duration_s {
            Some(d) if duration_close(d, theirs) => {}
            d => out.push((Field::Duration, format!("duration {d:?} vs {theirs}"))),
        }
    }
    let their_codec = row["codec_name"].as_str();
    let their_video = their_codec.is_some() || row["width"].as_u64().is_some();
    let v = info.video.as_ref();
    if their_video != v.is_some() {
        out.push((
            Field::VideoCodec,
            format!("video {:?} vs ffprobe {their_codec:?}", v.map(|v| &v.codec)),
        ));
    }
    if let Some(v) = v.filter(|_| their_video) {
        if their_codec != Some(v.codec.as_str()) {
            out.push((
                Field::VideoCodec,
                format!("video codec {} vs {their_codec:?}", v.codec),
            ));
        }
        let (w, h) = (row["width"].as_u64(), row["height"].as_u64());
        if (w, h) != (Some(u64::from(v.width)), Some(u64::from(v.height))) {
            out.push((
                Field::Size,
                format!("{}x{} vs {w:?}x{h:?}", v.width, v.height),
            ));
        }
        let sar = sar_of(&row["sample_aspect_ratio"]);
        if v.pixel_aspect != sar {
            out.push((
                Field::Sar,
                format!("pixel aspect {} vs {sar}", v.pixel_aspect),
            ));
        }
        let rot = row["rotation"].as_u64().unwrap_or(0);
        if u64::from(v.rotation) != rot {
            out.push((Field::Rotation, format!("rotation {} vs {rot}", v.rotation)));
        }
    }
    let their_audio = row["has_audio"].as_bool().unwrap_or(false);
    match (&info.audio, their_audio) {
        (None, false) => {}
        (Some(a), true) => {
            let theirs = row["audio_codec_name"].as_str();
            if theirs != Some(a.codec.as_str()) {
                out.push((
                    Field::Audio,
                    format!("audio codec {} vs {theirs:?}", a.codec),
                ));
            }
        }
        (a, _) => out.push((
            Field::Audio,
            format!(
                "audio {:?} vs has_audio {their_audio}",
                a.as_ref().map(|a| &a.codec)
            ),
        )),
    }
    let their_fs = row["faststart"].as_bool();
    if info.faststart != their_fs {
        out.push((
            Field::Faststart,
            format!("faststart {:?} vs {their_fs:?}", info.faststart),
        ));
    }
    out
}

/// Check a pin against our answer; the problem if it does not hold.
fn check_pin(pin: &Pin, ours: &Result<MediaInfo, Error>) -> Option<String> {
    let info = match (pin, ours) {
        (Pin::Err(code), Err(e)) => {
            return (e.code != *code).then(|| format!("error {} instead of {code}", e.code));
        }
        (Pin::Err(code), Ok(_)) => return Some(format!("answered instead of failing with {code}")),
        (_, Err(e)) => {
            return Some(format!(
                "failed ({}: {}) where {pin:?} was pinned",
                e.code, e.message_en
            ));
        }
        (_, Ok(m)) => m,
    };
    let video = info.video.as_ref();
    let ok = match pin {
        Pin::Ok => true,
        Pin::Err(_) => unreachable!(),
        Pin::Duration(d) => info
            .duration_s
            .is_some_and(|x| (x - d).abs() <= DURATION_TOLERANCE_S),
        Pin::VideoCodec(c) => video.is_some_and(|v| v.codec == *c),
        Pin::Size(w, h) => video.is_some_and(|v| (v.width, v.height) == (*w, *h)),
        Pin::AudioCodec(c) => info.audio.as_ref().is_some_and(|a| a.codec == *c),
        Pin::NoAudio => info.audio.is_none(),
        Pin::Sar(s) => video.is_some_and(|v| v.pixel_aspect == *s),
        Pin::Note(n) => info.notes.iter().any(|x| x.contains(n)),
    };
    (!ok).then(|| {
        format!(
            "{pin:?} does not hold: duration {:?}, video {:?}, audio {:?}, notes {:?}",
            info.duration_s,
            video.map(|v| (&v.codec, v.width, v.height, &v.pixel_aspect)),
            info.audio.as_ref().map(|a| &a.codec),
            info.notes
        )
    })
}

fn find<'a>(table: &'a [Known], file: &str, field: Field) -> Option<&'a Known> {
    table
        .iter()
        .find(|k| file.ends_with(k.file) && k.field == field)
}

#[test]
fn corpus_agrees_with_ffprobe() {
    let rows = rows();
    let mut failures = Vec::new();
    let mut used = BTreeSet::new();
    for row in &rows {
        let name = row["file"].as_str().expect("file");
        let ours = probe(name);
        for (field, what) in differences(row, &ours) {
            match find(KNOWN, name, field) {
                Some(k) => {
                    used.insert((k.file, field));
                }
                None => failures.push(format!("{name}: {field:?}: {what}")),
            }
        }
        for k in KNOWN
            .iter()
            .chain(PINNED)
            .filter(|k| name.ends_with(k.file))
        {
            for pin in k.pins {
                if let Some(problem) = check_pin(pin, &ours) {
                    failures.push(format!("{name}: pinned ({}): {problem}", k.why));
                }
            }
        }
    }
    for k in KNOWN {
        assert!(!k.why.is_empty());
        let matches = rows
            .iter()
            .filter(|r| r["file"].as_str().is_some_and(|f| f.ends_with(k.file)))
            .count();
        if matches != 1 {
            failures.push(format!("known difference {} names {matches} files", k.file));
        } else if !used.contains(&(k.file, k.field)) {
            failures.push(format!(
                "{}: {:?} now agrees with ffprobe: drop it from KNOWN (or move it to PINNED)",
                k.file, k.field
            ));
        }
    }
    for k in PINNED {
        let matches = rows
            .iter()
            .filter(|r| r["file"].as_str().is_some_and(|f| f.ends_with(k.file)))
            .count();
        if matches != 1 {
            failures.push(format!("pinned fact {} names {matches} files", k.file));
        }
    }
    assert!(
        failures.is_empty(),
        "{} disagreement(s) with ffprobe 5.1:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The files the probe refuses, with the error each must give: all of them
/// are files ffprobe refuses too or finds no stream in.
const REFUSED: &[(&str, &str, &str)] = &[
    (
        "Eyevinn__mp4ff__mp4__testdata__init_truncated.mp4",
        "truncated",
        "the moov declares more bytes than the file holds; ffprobe lists no stream",
    ),
    (
        "sample_malformed_free_box.mp4",
        "corrupt",
        "a free box smaller than its own header (see PINNED)",
    ),
    (
        "kixelated__mp4-atom__src__test__h264_avcc_ext_2.mp4",
        "truncated",
        "its only fragment is cut one byte short (see PINNED)",
    ),
    (
        "chunk_out_of_range.mp4",
        "corrupt",
        "stsc points past the last chunk (see PINNED)",
    ),
    (
        "sindresorhus__file-type__fixture__fixture-moov.mov",
        "truncated",
        "a file-type sniffing fixture: the first bytes of a MOV, its moov cut off",
    ),
    (
        "sindresorhus__file-type__fixture__fixture-mp4v2.mp4",
        "truncated",
        "a file-type sniffing fixture: the first bytes of an MP4, its moov cut off",
    ),
];

/// The probe reads headers only: a header look-up of 16 KiB wherever the
/// next top-level box header is not in the bytes already read (counted by
/// this test's own walk of the file, not the probe's); beyond those it reads
/// the boxes it parses whole (`ftyp`, `moov`, and each `moof` of a fragmented file) and
/// nothing else: never a byte of `mdat`. The bound comes from this test's
/// own walk of the file's top-level boxes, not from the probe. A file the
/// probe refuses must give the error named in [`REFUSED`].
#[test]
fn corpus_reads_stay_small() {
    const LOOKAHEAD: u64 = 16 * 1024;
    let mut failures = Vec::new();
    let mut refused = BTreeSet::new();
    for row in rows() {
        let name = row["file"].as_str().expect("file");
        let path = corpus_dir().join("media").join(name);
        let want_err = REFUSED.iter().find(|r| name.ends_with(r.0));
        let m = match (probe(name), want_err) {
            (Err(e), Some((file, code, _))) => {
                refused.insert(*file);
                if e.code != *code {
                    failures.push(format!("{name}: error {} instead of {code}", e.code));
                }
                continue;
            }
            (Err(e), None) => {
                failures.push(format!(
                    "{name}: refused ({}: {}) and not in REFUSED",
                    e.code, e.message_en
                ));
                continue;
            }
            (Ok(_), Some((_, code, _))) => {
                failures.push(format!("{name}: answered instead of failing with {code}"));
                continue;
            }
            (Ok(m), None) => m,
        };
        let top = common::top_level_boxes(&path);
        let parsed: u64 = top
            .iter()
            .filter(|b| matches!(b.kind.as_str(), "ftyp" | "moov" | "moof"))
            .map(|b| b.size)
            .sum();
        let lookups = common::header_lookups(&top, LOOKAHEAD).max(1);
        let bound = parsed + LOOKAHEAD * lookups;
        if m.bytes_read > bound {
            failures.push(format!(
                "{name}: read {} bytes in {} reads, over ftyp + moov + moofs ({parsed}) + 16 KiB x \
                 {lookups} header look-ups = {bound}",
                m.bytes_read, m.reads
            ));
        }
        if m.bytes_read > m.size_bytes {
            failures.push(format!(
                "{name}: read {} of {} bytes",
                m.bytes_read, m.size_bytes
            ));
        }
        if m.reads > 64 {
            failures.push(format!("{name}: {} reads", m.reads));
        }
    }
    for (file, _, why) in REFUSED {
        assert!(!why.is_empty());
        if !refused.contains(file) {
            failures.push(format!(
                "REFUSED names {file}, which no corpus file ends with or which is read"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
