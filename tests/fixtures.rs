//! The probe against ffprobe (the oracle) on fixtures made at test time by
//! ffmpeg: where the index is, the picture's shape, the length, streams and
//! codecs, the bitrate (`fixtures_metadata.rs` goes on with metadata, size,
//! audio channels and privacy). Every fixture is built once into
//! `target/fixtures/` and reused.
//!
//! Each test names its fixture; every disagreement is reported as
//! "fixture: Fact: ffprobe X, probe Y".

mod common;

use std::path::PathBuf;

use common::*;

// ---------------------------------------------------------------------------
// Where the index is.

#[test]
fn moov_at_end() {
    let c = check(&h264_aac("moov_end.mp4", "2", ""));
    c.assert_agrees();
    assert_eq!(
        c.info.faststart,
        Some(false),
        "moov_end.mp4: ffmpeg's default puts moov last"
    );
    assert_eq!(
        c.info.top_level.last().map(String::as_str),
        Some("moov"),
        "moov_end.mp4: top level"
    );
}

#[test]
fn moov_at_front_faststart() {
    let c = check(&h264_aac("faststart.mp4", "2", "-movflags +faststart"));
    c.assert_agrees();
    assert_eq!(c.info.faststart, Some(true), "faststart.mp4: faststart");
    assert_eq!(
        c.info.reads, 1,
        "faststart.mp4: ftyp + moov fit in the first read"
    );
}

#[test]
fn fragmented() {
    // One fragment per second (-g 30), so the probe sums more than one moof.
    let c = check(&h264_aac(
        "fragmented.mp4",
        "3",
        "-g 30 -movflags frag_keyframe+empty_moov",
    ));
    c.assert_agrees();
    assert!(c.info.fragmented, "fragmented.mp4: fragmented");
    assert!(
        close(c.info.duration_s, 3.0, 0.05),
        "fragmented.mp4: duration {:?}",
        c.info.duration_s
    );
}

/// A fragment at every frame (-g 1): 2 s in many fragments of a few KiB.
fn small_fragments() -> PathBuf {
    h264_aac(
        "fragmented_small.mp4",
        "2",
        "-g 1 -movflags frag_keyframe+empty_moov",
    )
}

#[test]
fn fragmented_small_fragments() {
    let c = check(&small_fragments());
    // Every fact but how much was read: see the test below.
    c.assert_agrees_except(&[Fact::BytesRead]);
    assert!(c.info.fragmented, "fragmented_small.mp4: fragmented");
}

/// Each header look-up after a fragment reads about the size of the last
/// `moof`, not a whole 16 KiB look-ahead, so a file of small fragments is not
/// read (almost) whole.
#[test]
fn fragmented_small_fragments_reads_only_headers() {
    check(&small_fragments()).assert_fact(Fact::BytesRead);
}

// ---------------------------------------------------------------------------
// Shape: size, orientation, pixel aspect.

#[test]
fn portrait_1080x1920() {
    let c = check(&sized("portrait_1080x1920.mp4", "1080x1920", 30, "1"));
    c.assert_agrees();
    let v = c.info.video.as_ref().unwrap();
    assert_eq!(
        (v.display_width, v.display_height),
        (1080, 1920),
        "portrait_1080x1920.mp4: display size"
    );
    assert_eq!(
        c.info.is_portrait(),
        Some(true),
        "portrait_1080x1920.mp4: portrait"
    );
}

#[test]
fn rotation_90() {
    let c = check(&rotated("rotate90.mp4", 90));
    c.assert_agrees();
    let v = c.info.video.as_ref().unwrap();
    assert_eq!(v.rotation, 90, "rotate90.mp4: rotation (clockwise)");
    assert_eq!(
        (v.display_width, v.display_height),
        (180, 320),
        "rotate90.mp4: display size"
    );
    assert_eq!(c.info.is_portrait(), Some(true), "rotate90.mp4: portrait");
}

#[test]
fn rotation_270() {
    let c = check(&rotated("rotate270.mp4", 270));
    c.assert_agrees();
    let v = c.info.video.as_ref().unwrap();
    assert_eq!(v.rotation, 270, "rotate270.mp4: rotation (clockwise)");
    assert_eq!(
        (v.display_width, v.display_height),
        (180, 320),
        "rotate270.mp4: display size"
    );
}

#[test]
fn hd_720p() {
    let c = check(&sized("720p.mp4", "1280x720", 30, "1"));
    c.assert_agrees();
    let v = c.info.video.as_ref().unwrap();
    assert_eq!((v.width, v.height), (1280, 720), "720p.mp4: size");
}

#[test]
fn full_hd_1080p() {
    let c = check(&sized("1080p.mp4", "1920x1080", 30, "1"));
    c.assert_agrees();
    let v = c.info.video.as_ref().unwrap();
    assert_eq!((v.width, v.height), (1920, 1080), "1080p.mp4: size");
}

#[test]
fn uhd_2160p() {
    // Two frames only: the size is the point, not the length.
    let c = check(&make(
        "2160p.mp4",
        &format!("-f lavfi -i testsrc2=size=3840x2160:rate=30 -frames:v 2 {X264} -an"),
    ));
    c.assert_agrees();
    let v = c.info.video.as_ref().unwrap();
    assert_eq!((v.width, v.height), (3840, 2160), "2160p.mp4: size");
}

#[test]
fn four_by_three_640x480() {
    let c = check(&sized("4x3_640x480.mp4", "640x480", 30, "1"));
    c.assert_agrees();
    let v = c.info.video.as_ref().unwrap();
    assert_eq!(v.pixel_aspect, "1:1", "4x3_640x480.mp4: pixel aspect");
    assert_eq!(
        (v.display_width, v.display_height),
        (640, 480),
        "4x3_640x480.mp4: display size"
    );
}

#[test]
fn anamorphic_1440x1080_sar_4_3() {
    let c = check(&make(
        "anamorphic_1440x1080.mp4",
        &format!("-f lavfi -i testsrc2=size=1440x1080:rate=30 -t 1 -vf setsar=4/3 {X264} -an"),
    ));
    c.assert_agrees();
    let v = c.info.video.as_ref().unwrap();
    assert_eq!(
        v.pixel_aspect, "4:3",
        "anamorphic_1440x1080.mp4: pixel aspect"
    );
    assert_eq!(
        (v.display_width, v.display_height),
        (1920, 1080),
        "anamorphic_1440x1080.mp4: display size"
    );
}

/// The SAR only in the H.264 SPS: the fixture's `pasp` renamed to `free`,
/// so the probe must read the VUI (h264.rs) as ffprobe's decoder does.
fn sps_only(name: &str, sar: &str, preset: &str) -> PathBuf {
    let args = format!(
        "-f lavfi -i testsrc2=size=320x180:rate=30 -t 1 -vf setsar={sar} \
         -c:v libx264 -preset {preset} -pix_fmt yuv420p -an"
    );
    let args: Vec<&str> = args.split_whitespace().collect();
    fixture_with(name, |out| {
        ffmpeg(name, &args, out);
        rename_box_in_moov(out, b"pasp", b"free");
    })
}

#[test]
fn sar_2_1_in_high_profile_sps_only() {
    // superfast gives a High-profile SPS (chroma format, scaling-list flags);
    // 2:1 is aspect_ratio_idc 16 of Table E-1.
    let c = check(&sps_only("sar_2_1_sps_only.mp4", "2/1", "superfast"));
    c.assert_agrees();
    let v = c.info.video.as_ref().unwrap();
    assert_eq!(v.pixel_aspect, "2:1", "sar_2_1_sps_only.mp4: pixel aspect");
    assert_eq!(
        (v.display_width, v.display_height),
        (640, 180),
        "sar_2_1_sps_only.mp4: display"
    );
}

#[test]
fn sar_5_4_extended_in_baseline_sps_only() {
    // 5:4 is not in Table E-1: aspect_ratio_idc 255 with the ratio spelled out.
    let c = check(&sps_only("sar_5_4_sps_only.mp4", "5/4", "ultrafast"));
    c.assert_agrees();
    let v = c.info.video.as_ref().unwrap();
    assert_eq!(v.pixel_aspect, "5:4", "sar_5_4_sps_only.mp4: pixel aspect");
    assert_eq!(
        (v.display_width, v.display_height),
        (400, 180),
        "sar_5_4_sps_only.mp4: display"
    );
}

// ---------------------------------------------------------------------------
// Length: tiny pictures at 2 fps, so five minutes encode in seconds.

fn long(name: &str, secs: &str) -> PathBuf {
    sized(name, "64x36", 2, secs)
}

#[test]
fn duration_100s() {
    let c = check(&long("duration_100s.mp4", "100"));
    c.assert_agrees();
    // Its moov (about 25 KB, at the end) is over one header look-up but under
    // the 64 KiB tail that is read whole: the head, then the tail.
    assert_eq!(c.info.reads, 2, "duration_100s.mp4: reads");
    assert!(
        close(c.info.duration_s, 100.0, 0.05),
        "duration_100s.mp4: {:?}",
        c.info.duration_s
    );
}

#[test]
fn duration_299_5s() {
    let c = check(&long("duration_299.5s.mp4", "299.5"));
    c.assert_agrees();
    assert!(
        close(c.info.duration_s, 299.5, 0.05),
        "duration_299.5s.mp4: {:?}",
        c.info.duration_s
    );
}

#[test]
fn duration_301s() {
    let c = check(&long("duration_301s.mp4", "301"));
    c.assert_agrees();
    assert!(
        close(c.info.duration_s, 301.0, 0.05),
        "duration_301s.mp4: {:?}",
        c.info.duration_s
    );
}

// ---------------------------------------------------------------------------
// Streams and codecs.

#[test]
fn no_audio() {
    let c = check(&make("no_audio.mp4", &format!("{AV} -t 2 {X264} -an")));
    c.assert_agrees();
    assert!(c.info.audio.is_none(), "no_audio.mp4: audio");
}

#[test]
fn hevc_hvc1() {
    let c = check(&make(
        "hevc.mp4",
        &format!(
            "{AV} -t 2 -c:v libx265 -preset ultrafast -x265-params log-level=error -tag:v hvc1 {AAC}"
        ),
    ));
    c.assert_agrees();
    assert_eq!(
        c.info.video.as_ref().unwrap().codec,
        "hevc",
        "hevc.mp4: codec"
    );
}

#[test]
fn av1() {
    let c = check(&make(
        "av1.mp4",
        &format!("{AV} -t 2 -c:v libsvtav1 -preset 12 {AAC}"),
    ));
    c.assert_agrees();
    assert_eq!(
        c.info.video.as_ref().unwrap().codec,
        "av1",
        "av1.mp4: codec"
    );
}

#[test]
fn quicktime_mov() {
    let c = check(&h264_aac("quicktime.mov", "2", ""));
    c.assert_agrees();
    assert_eq!(c.info.container, "mov", "quicktime.mov: container");
}

#[test]
fn avi_mpeg4_mp3() {
    let c = check(&make(
        "mpeg4_mp3.avi",
        &format!("{AV} -t 2 -c:v mpeg4 -c:a libmp3lame"),
    ));
    c.assert_agrees();
    assert_eq!(c.info.container, "avi", "mpeg4_mp3.avi: container");
}

#[test]
fn avi_mpeg4_pcm() {
    let c = check(&make(
        "mpeg4_pcm.avi",
        &format!("{AV} -t 2 -c:v mpeg4 -c:a pcm_s16le"),
    ));
    c.assert_agrees();
    assert_eq!(
        c.info.audio.as_ref().unwrap().codec,
        "pcm_s16le",
        "mpeg4_pcm.avi: audio codec"
    );
}

#[test]
fn wmv() {
    let c = check(&make(
        "wmv2_wmav2.wmv",
        &format!("{AV} -t 2 -c:v wmv2 -c:a wmav2"),
    ));
    // ffmpeg's ASF muxer writes no Extended Stream Properties, so nothing in
    // the header says the frame rate: ffprobe's 30/1 comes from the packets'
    // timestamps, which the probe does not read (headers only, by design).
    // The probe says "unknown", not a wrong number; `wmv_with_ext_stream_props`
    // checks the header field when it is there.
    c.assert_agrees_except(&[Fact::FrameRate]);
    let v = c.info.video.as_ref().unwrap();
    assert_eq!(
        v.frame_rate, None,
        "wmv2_wmav2.wmv: frame rate not in the header"
    );
    assert_eq!(c.info.container, "asf", "wmv2_wmav2.wmv: container");
    // ffprobe's format duration (2.086 s) is the video's start (0.043 s) plus
    // the stream duration (2.043 s); the last packet ends at 2.043 s, which
    // is what the header's play duration less preroll says and the probe reports.
    assert!(
        close(c.info.duration_s, 2.043, 0.001),
        "wmv2_wmav2.wmv: duration {:?}",
        c.info.duration_s
    );
}

#[test]
fn wmv_with_ext_stream_props() {
    // The same WMV with the Extended Stream Properties Windows encoders write
    // (30 fps as 333 333 × 100 ns, 400 kb/s), which ffprobe reads too.
    let name = "wmv2_ext_stream_props.wmv";
    let args = format!("{AV} -t 2 -c:v wmv2 -c:a wmav2");
    let args: Vec<&str> = args.split_whitespace().collect();
    let c = check(&fixture_with(name, |out| {
        ffmpeg(name, &args, out);
        add_asf_ext_stream_props(out, 333_333, 400_000);
    }));
    c.assert_agrees();
    let v = c.info.video.as_ref().unwrap();
    assert!(
        close(v.frame_rate, 30.0, 0.001),
        "{name}: frame rate {:?}",
        v.frame_rate
    );
    assert_eq!(v.bitrate_bps, Some(400_000), "{name}: video bitrate");
}

// ---------------------------------------------------------------------------
// Bitrate: noise keeps the encoder from coming in under the target.

const NOISE: &str = "-f lavfi -i testsrc2=size=1280x720:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 \
                     -t 2 -vf noise=alls=40:allf=t";

#[test]
fn bitrate_low_300k() {
    let c = check(&make(
        "bitrate_300k.mp4",
        &format!("{NOISE} {X264} -b:v 300k -maxrate 300k -bufsize 600k {AAC}"),
    ));
    c.assert_agrees();
    let b = c.info.video.as_ref().unwrap().bitrate_bps.unwrap();
    assert!(b < 1_000_000, "bitrate_300k.mp4: video bitrate {b}");
}

#[test]
fn bitrate_high_12m() {
    let c = check(&make(
        "bitrate_12M.mp4",
        &format!("{NOISE} {X264} -b:v 12M -maxrate 12M -bufsize 24M {AAC}"),
    ));
    c.assert_agrees();
    let b = c.info.video.as_ref().unwrap().bitrate_bps.unwrap();
    assert!(b > 8_000_000, "bitrate_12M.mp4: video bitrate {b}");
}
