//! The probe against ffprobe (the oracle) on fixtures made at test time by
//! ffmpeg, continued from `fixtures.rs`: metadata (GPS, creation time, edit
//! lists), a sparse 4 GB+ file, the rotation patch itself, audio channels from
//! each codec's configuration, and the GPS location kept on the user's
//! machine (the report and the bundle say only that the file carries one).

mod common;

use std::fs::{self, File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::PathBuf;

use common::*;
use preflight::probe::probe_file;

// ---------------------------------------------------------------------------
// Metadata.

const GPS: &str =
    "-metadata creation_time=2024-03-05T08:09:10Z -metadata location=+37.3318-122.0312/";

fn assert_gps(c: &common::Checked, source: &str) {
    let name = &c.name;
    assert_eq!(
        c.info.creation_time.as_deref(),
        Some("2024-03-05T08:09:10Z"),
        "{name}: creation time"
    );
    let l = c
        .info
        .location
        .as_ref()
        .unwrap_or_else(|| panic!("{name}: no location"));
    // loci stores 16.16 fixed point: 37.3318 comes back as 37.33178.
    assert!(
        (l.latitude - 37.3318).abs() < 1e-4 && (l.longitude + 122.0312).abs() < 1e-4,
        "{name}: {l:?}"
    );
    assert_eq!(l.source, source, "{name}: where ffmpeg writes it");
}

#[test]
fn gps_and_creation_time_mp4() {
    // ffmpeg 5.1 writes an MP4's location as 3GPP `loci` in `udta` (and the
    // time in `mvhd`); ffprobe reads both back.
    let c = check(&h264_aac("gps.mp4", "2", GPS));
    c.assert_agrees();
    assert_gps(&c, "udta/loci");
}

#[test]
fn gps_and_creation_time_mov() {
    // In a MOV, ffmpeg writes the ISO 6709 text as `©xyz` in `udta`.
    let c = check(&h264_aac("gps.mov", "2", GPS));
    c.assert_agrees();
    assert_gps(&c, "udta/©xyz");
}

#[test]
fn edit_list_from_stream_copied_cut() {
    // A 4 s source with a keyframe every 2 s: cutting at 1.3 s without
    // re-encoding starts at the keyframe at 0 and skips 1.3 s by an edit list.
    let src = h264_aac("cut_source.mp4", "4", "-g 60");
    let name = "edit_list_cut.mp4";
    let src_s = src.to_string_lossy().into_owned();
    let args = ["-ss", "1.3", "-i", &src_s, "-c", "copy", "-t", "1"];
    let c = check(&fixture_with(name, |out| ffmpeg(name, &args, out)));
    c.assert_agrees();
    // What ffmpeg writes: the video media runs 2.3 s (69 frames from the
    // keyframe at 0), its elst skips 1.3 s (media_time 19968 of 15360) and
    // shows 1.000 s; the audio's shows 1.004 s, and mvhd says 1.004 s.
    // ffprobe: format 1.004 s, video stream 1.000 s, nb_frames 69; the probe
    // agrees on all three. Frame rate and bitrate are over the 2.3 s of media
    // (69 frames / 2.3 s = 30 fps), as ffprobe computes them.
    assert!(
        close(c.info.duration_s, 1.004, 0.001),
        "{name}: duration {:?}",
        c.info.duration_s
    );
    let v = c.info.video.as_ref().unwrap();
    let ff_video = c.ffprobe["streams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["codec_type"] == "video")
        .and_then(|s| s["duration"].as_str()?.parse::<f64>().ok());
    assert!(
        close(v.duration_s, ff_video.unwrap(), 0.001),
        "{name}: video duration after the edit: ffprobe {ff_video:?}, probe {:?}",
        v.duration_s
    );
}

// ---------------------------------------------------------------------------
// Size: a 4 GB+ file with the moov at the end, written sparsely.

/// Deletes the file when dropped, so a failing test leaves no 4 GB file behind.
struct Remove(PathBuf);
impl Drop for Remove {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

#[test]
fn sparse_4gb_moov_at_end() {
    let small = h264_aac("moov_end.mp4", "2", "");
    let want = probe_file(&small).expect("moov_end.mp4: probe");
    let bytes = fs::read(&small).unwrap();
    let top = top_level_boxes(&small);
    let ftyp = top.iter().find(|b| b.kind == "ftyp").expect("ftyp");
    let mdat = top.iter().find(|b| b.kind == "mdat").expect("mdat");
    let moov = top.iter().find(|b| b.kind == "moov").expect("moov");
    assert!(
        mdat.offset < moov.offset,
        "moov_end.mp4 must have the moov last"
    );

    // ftyp, then an mdat declared 4.2 GB with a 64-bit size holding the small
    // file's samples at its start and a hole after, then the moov. The stco
    // offsets are left pointing into the now-large mdat: the probe reads no
    // samples, so where they point must not matter.
    const MDAT_SIZE: u64 = 4_200_000_000;
    let path = fixtures_dir().join(format!(".sparse-{}-4gb.mp4", std::process::id()));
    let _cleanup = Remove(path.clone());
    let mut f = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .open(&path)
        .unwrap();
    let sl = |b: &common::TopBox| &bytes[b.offset as usize..(b.offset + b.size) as usize];
    f.write_all(sl(ftyp)).unwrap();
    f.write_all(&1u32.to_be_bytes()).unwrap();
    f.write_all(b"mdat").unwrap();
    f.write_all(&MDAT_SIZE.to_be_bytes()).unwrap();
    f.write_all(
        &bytes[(mdat.offset + mdat.header_len) as usize..(mdat.offset + mdat.size) as usize],
    )
    .unwrap();
    let moov_at = ftyp.size + MDAT_SIZE;
    f.set_len(moov_at).unwrap();
    f.seek(SeekFrom::Start(moov_at)).unwrap();
    f.write_all(sl(moov)).unwrap();
    drop(f);
    let total = File::open(&path).unwrap().metadata().unwrap().len();
    assert!(total > 4_200_000_000, "sparse file is {total} bytes");

    let info = probe_file(&path).expect("sparse 4 GB: probe");
    assert_eq!(info.size_bytes, total, "sparse 4 GB: size");
    assert!(
        info.bytes_read < moov.size + 65_536,
        "sparse 4 GB: read {} bytes for a {}-byte moov",
        info.bytes_read,
        moov.size
    );
    assert_eq!(info.faststart, Some(false), "sparse 4 GB: faststart");
    assert_eq!(info.duration_s, want.duration_s, "sparse 4 GB: duration");
    // The bitrate comes from stsz and the duration, not the file size: unchanged.
    assert_eq!(info.video, want.video, "sparse 4 GB: video");
    assert_eq!(info.audio, want.audio, "sparse 4 GB: audio");
    assert_eq!(
        info.top_level,
        ["ftyp", "mdat", "moov"],
        "sparse 4 GB: top level"
    );
}

/// The ffprobe oracle itself must see the rotation we wrote, or the rotation
/// tests would prove nothing.
#[test]
fn rotation_patch_is_what_ffprobe_reads() {
    for (name, clockwise, ccw) in [("rotate90.mp4", 90, -90.0), ("rotate270.mp4", 270, 90.0)] {
        let p = rotated(name, clockwise);
        let j = common::ffprobe(&p);
        let v = j["streams"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["codec_type"] == "video")
            .unwrap();
        let r = v["side_data_list"][0]["rotation"].as_f64();
        assert_eq!(r, Some(ccw), "{name}: ffprobe display matrix rotation");
    }
}

// ---------------------------------------------------------------------------
// Audio channels from the codec's own configuration, not the sample entry's
// template `channelcount` (which ffmpeg's MP4 muxer always writes as 2).

/// A 1 s 160x90 H.264 MP4 whose tone is encoded by `codec` into `channels`.
fn audio_in_mp4(name: &str, codec: &str, channels: u32) -> PathBuf {
    make(
        name,
        &format!(
            "-f lavfi -i testsrc2=size=160x90:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 \
             -t 1 {X264} -c:a {codec} -ac {channels}"
        ),
    )
}

/// The probe's channels equal ffprobe's (which decodes the stream), and are `want`.
fn assert_channels(c: &common::Checked, want: u32) {
    c.assert_agrees();
    let ffprobe = c
        .ffprobe
        .get("streams")
        .and_then(|s| s.as_array())
        .and_then(|s| s.iter().find(|s| s["codec_type"] == "audio"))
        .and_then(|s| s["channels"].as_u64());
    assert_eq!(
        ffprobe,
        Some(u64::from(want)),
        "{}: ffprobe channels",
        c.name
    );
    assert_eq!(
        c.info.audio.as_ref().and_then(|a| a.channels),
        Some(want),
        "{}: channels",
        c.name
    );
}

#[test]
fn ac3_5_1_channels_from_dac3() {
    assert_channels(&check(&audio_in_mp4("ac3_5_1.mp4", "ac3", 6)), 6);
}

#[test]
fn ac3_mono_channels_from_dac3() {
    assert_channels(&check(&audio_in_mp4("ac3_mono.mp4", "ac3", 1)), 1);
}

#[test]
fn eac3_5_1_channels_from_dec3() {
    assert_channels(&check(&audio_in_mp4("eac3_5_1.mp4", "eac3", 6)), 6);
}

#[test]
fn opus_5_1_channels_from_dops() {
    assert_channels(&check(&audio_in_mp4("opus_5_1.mp4", "libopus", 6)), 6);
}

#[test]
fn opus_mono_channels_from_dops() {
    assert_channels(&check(&audio_in_mp4("opus_mono.mp4", "libopus", 1)), 1);
}

/// MP3 in MP4 carries no configuration: only the frames say how many
/// channels, so the probe says it does not know rather than repeat the
/// sample entry's template 2.
#[test]
fn mp3_mono_in_mp4_channels_unknown() {
    let c = check(&audio_in_mp4("mp3_mono.mp4", "libmp3lame", 1));
    c.assert_agrees_except(&[Fact::Channels]);
    let a = c.info.audio.as_ref().expect("mp3_mono.mp4: audio");
    assert_eq!(a.codec, "mp3", "mp3_mono.mp4: codec");
    assert_eq!(a.channels, None, "mp3_mono.mp4: channels");
}

// ---------------------------------------------------------------------------
// Privacy: a video's GPS location stays on the user's machine. The report a
// host page receives and the bundle's manifest say only that the file carries
// a location (`privacy.location`, a warning whose fix says how to remove it).

/// The coordinates of [`GPS`] as any JSON or text would print them.
const GPS_DIGITS: [&str; 2] = ["37.33", "122.03"];

fn assert_no_coordinates(what: &str, text: &str) {
    for d in GPS_DIGITS {
        assert!(
            !text.contains(d),
            "{what} holds the coordinates ({d}):\n{text}"
        );
    }
}

#[test]
fn gps_is_a_privacy_warning_not_data_in_the_report() {
    use preflight::check::{self, Input, Status};
    let p = preflight::profile::builtin("kepu-light-2026").expect("builtin profile");
    for name in ["gps.mp4", "gps.mov"] {
        let info = probe_file(&h264_aac(name, "2", GPS)).expect("probe");
        assert!(
            info.location.is_some(),
            "{name}: the probe sees the location"
        );
        let r = check::check(
            &p,
            &Input {
                media: Some(&info),
                ..Default::default()
            },
        );
        let json = serde_json::to_string(&r).expect("report json");
        assert_no_coordinates(&format!("{name}: the report's JSON"), &json);
        let rule = r
            .rules
            .iter()
            .find(|r| r.id == "privacy.location")
            .unwrap_or_else(|| panic!("{name}: no privacy.location rule"));
        assert_eq!(rule.status, Status::Warn, "{name}: status");
        assert!(
            rule.message_zh.contains("GPS"),
            "{name}: {}",
            rule.message_zh
        );
        assert!(
            rule.fix_en.contains("preflight fix --strip-location"),
            "{name}"
        );
        assert!(rule.fix_zh.contains("定位"), "{name}");
        assert_no_coordinates(name, &format!("{rule:?}"));
        assert!(
            r.media.as_ref().is_some_and(|m| m.location.is_none()),
            "{name}: report media"
        );
        if name == "gps.mp4" {
            let text = format!(
                "{}\n\n{}\n\n{}",
                rule.message_zh, rule.message_en, rule.fix_zh
            ) + "\n\n"
                + &rule.fix_en;
            insta::assert_snapshot!("privacy_location_rule", text);
        }
    }
    // Without a location, no such rule.
    let info = probe_file(&h264_aac("moov_end.mp4", "2", "")).expect("probe");
    let r = check::check(
        &p,
        &Input {
            media: Some(&info),
            ..Default::default()
        },
    );
    assert!(!r.rules.iter().any(|r| r.id == "privacy.location"));
}

#[test]
fn gps_stays_out_of_the_bundle() {
    let video = h264_aac("gps.mp4", "2", GPS);
    let out = fixtures_dir().join("gps-bundle.zip");
    let _ = fs::remove_file(&out);
    let res = std::process::Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args([
            "bundle",
            "--profile",
            "kepu-light-2026",
            "--category",
            "venue_visit",
            "--force",
            "--video",
        ])
        .arg(&video)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("run preflight bundle");
    assert!(
        out.exists(),
        "no bundle: {}",
        String::from_utf8_lossy(&res.stderr)
    );
    let unzip = |entry: &str| {
        let o = std::process::Command::new("unzip")
            .arg("-p")
            .arg(&out)
            .arg(entry)
            .output()
            .expect("run unzip");
        assert!(o.status.success(), "unzip {entry}");
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let manifest = unzip("manifest.json");
    assert!(manifest.contains("\"media\""), "{manifest}");
    assert_no_coordinates("manifest.json", &manifest);
    assert!(manifest.contains("privacy.location"), "{manifest}");
    assert_no_coordinates("report.html", &unzip("*.html"));
}
