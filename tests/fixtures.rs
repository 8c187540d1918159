//! The probe against ffprobe (the oracle) on fixtures made at test time by
//! ffmpeg. Every fixture is built once into `target/fixtures/` and reused.
//!
//! Each test names its fixture; every disagreement is reported as
//! "fixture: Fact: ffprobe X, probe Y".

mod common;

use std::fs::{self, File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::PathBuf;

use common::{
    Fact, add_asf_ext_stream_props, check, ffmpeg, fixture_with, fixtures_dir, patch_rotation,
    rename_box_in_moov, top_level_boxes,
};
use preflight::probe::probe_file;

/// 320x180 test pattern at 30 fps with a 440 Hz tone.
const AV: &str =
    "-f lavfi -i testsrc2=size=320x180:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000";
const X264: &str = "-c:v libx264 -preset ultrafast -pix_fmt yuv420p";
const AAC: &str = "-c:a aac";

/// Make `name` with ffmpeg from a whitespace-separated argument line.
fn make(name: &str, line: &str) -> PathBuf {
    let args: Vec<&str> = line.split_whitespace().collect();
    fixture_with(name, |out| ffmpeg(name, &args, out))
}

/// A 320x180 H.264 + AAC MP4 of `secs` seconds, with extra output options.
fn h264_aac(name: &str, secs: &str, extra: &str) -> PathBuf {
    make(name, &format!("{AV} -t {secs} {X264} {AAC} {extra}"))
}

/// A test pattern of `size` at `rate` fps, H.264, with the tone.
fn sized(name: &str, size: &str, rate: u32, secs: &str) -> PathBuf {
    make(
        name,
        &format!(
            "-f lavfi -i testsrc2=size={size}:rate={rate} -f lavfi -i sine=frequency=440:sample_rate=48000 \
             -t {secs} {X264} {AAC}"
        ),
    )
}

fn rotated(name: &str, clockwise: u32) -> PathBuf {
    let args = format!("{AV} -t 2 {X264} {AAC}");
    let args: Vec<&str> = args.split_whitespace().collect();
    fixture_with(name, |out| {
        ffmpeg(name, &args, out);
        patch_rotation(out, clockwise);
    })
}

fn close(a: Option<f64>, b: f64, tol: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() <= tol)
}

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
        assert!(rule.fix_en.contains("-map_metadata -1 -c copy"), "{name}");
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
