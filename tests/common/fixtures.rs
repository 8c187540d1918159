//! Fixtures made with ffmpeg (once, into `target/fixtures/`) and ffprobe's
//! JSON for them (cached beside them): the oracle's side of every comparison.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::Value;

use super::boxes::patch_rotation;

/// `target/fixtures/` (next to `target/tmp`, which Cargo gives integration tests).
pub fn fixtures_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.parent().unwrap_or(tmp).join("fixtures");
    fs::create_dir_all(&dir).expect("create target/fixtures");
    dir
}

/// A path next to `final_path` to build into, then rename: a test that is
/// killed half-way never leaves a fixture that later runs would trust, and
/// two tests building the same fixture at once do not see each other's halves.
fn scratch_path(final_path: &Path) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let name = final_path.file_name().unwrap().to_string_lossy();
    let n = N.fetch_add(1, Ordering::Relaxed);
    final_path.with_file_name(format!(".partial-{}-{n}-{name}", std::process::id()))
}

fn usable(p: &Path) -> bool {
    fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() > 0)
}

/// The fixture `name` in `target/fixtures/`, made by `make(scratch)` unless a
/// non-empty one is already there. `make` writes the file it is given (keep
/// the extension: ffmpeg picks the muxer from it).
pub fn fixture_with(name: &str, make: impl FnOnce(&Path)) -> PathBuf {
    let path = fixtures_dir().join(name);
    if usable(&path) {
        return path;
    }
    let scratch = scratch_path(&path);
    make(&scratch);
    assert!(usable(&scratch), "{name}: generator wrote no file");
    fs::rename(&scratch, &path).expect("rename fixture into place");
    path
}

/// The fixture `name`, made by `ffmpeg -nostdin -y -loglevel error ARGS name`.
/// ffmpeg's inputs and encoder for 2 s of 1920×1080, 25 fps H.264 at a
/// constant 9 Mbps (filler NAL units) with AAC: a picture and rate every
/// built-in contest accepts. The container follows from the output's name.
pub const CBR_9M_1080P_2S: &[&str] = &[
    "-f",
    "lavfi",
    "-i",
    "testsrc2=s=1920x1080:r=25:d=2",
    "-f",
    "lavfi",
    "-i",
    "sine=frequency=440:duration=2",
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-b:v",
    "9M",
    "-minrate",
    "9M",
    "-maxrate",
    "9M",
    "-bufsize",
    "2M",
    "-x264-params",
    "nal-hrd=cbr",
    "-pix_fmt",
    "yuv420p",
    "-c:a",
    "aac",
    "-shortest",
];

pub fn fixture(name: &str, args: &[&str]) -> PathBuf {
    fixture_with(name, |out| ffmpeg(name, args, out))
}

pub fn ffmpeg(name: &str, args: &[&str], out: &Path) {
    let res = Command::new("ffmpeg")
        .args(["-nostdin", "-y", "-loglevel", "error"])
        .args(args)
        .arg(out)
        // SVT-AV1 prints its banner on stderr unless told otherwise.
        .env("SVT_LOG", "1")
        .output()
        .expect("run ffmpeg (is it installed?)");
    assert!(
        res.status.success(),
        "{name}: ffmpeg {args:?} failed: {}",
        String::from_utf8_lossy(&res.stderr)
    );
}

/// `ffprobe -v error -show_format -show_streams -of json FILE`, kept next
/// to the fixture as `.FILE.ffprobe.json` while it is newer than the file
/// (ffprobe takes ~0.1 s to start; the fixtures do not change once made).
pub fn ffprobe(path: &Path) -> Value {
    let name = path.file_name().unwrap().to_string_lossy();
    let cache = path.with_file_name(format!(".{name}.ffprobe.json"));
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    if let (Some(c), Some(f)) = (modified(&cache), modified(path))
        && c >= f
        && let Ok(v) = fs::read(&cache).map(|b| serde_json::from_slice::<Value>(&b))
        && let Ok(v) = v
    {
        return v;
    }
    let res = Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-show_format",
            "-show_streams",
            "-of",
            "json",
        ])
        .arg(path)
        .output()
        .expect("run ffprobe (is it installed?)");
    assert!(
        res.status.success(),
        "ffprobe {} failed: {}",
        path.display(),
        String::from_utf8_lossy(&res.stderr)
    );
    let v: Value = serde_json::from_slice(&res.stdout).expect("ffprobe JSON");
    // Only for fixtures, not for files made and deleted within a test.
    if path.parent() == Some(fixtures_dir().as_path()) && !name.starts_with('.') {
        let tmp = scratch_path(&cache);
        if fs::write(&tmp, &res.stdout).is_ok() {
            let _ = fs::rename(&tmp, &cache);
        }
    }
    v
}

/// 320x180 test pattern at 30 fps with a 440 Hz tone.
pub const AV: &str =
    "-f lavfi -i testsrc2=size=320x180:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000";
pub const X264: &str = "-c:v libx264 -preset ultrafast -pix_fmt yuv420p";
pub const AAC: &str = "-c:a aac";

/// Make `name` with ffmpeg from a whitespace-separated argument line.
pub fn make(name: &str, line: &str) -> PathBuf {
    let args: Vec<&str> = line.split_whitespace().collect();
    fixture_with(name, |out| ffmpeg(name, &args, out))
}

/// A 320x180 H.264 + AAC MP4 of `secs` seconds, with extra output options.
pub fn h264_aac(name: &str, secs: &str, extra: &str) -> PathBuf {
    make(name, &format!("{AV} -t {secs} {X264} {AAC} {extra}"))
}

/// A test pattern of `size` at `rate` fps, H.264, with the tone.
pub fn sized(name: &str, size: &str, rate: u32, secs: &str) -> PathBuf {
    make(
        name,
        &format!(
            "-f lavfi -i testsrc2=size={size}:rate={rate} -f lavfi -i sine=frequency=440:sample_rate=48000 \
             -t {secs} {X264} {AAC}"
        ),
    )
}

/// The 2 s H.264 + AAC fixture with its `tkhd` matrix patched to turn it
/// `clockwise`.
pub fn rotated(name: &str, clockwise: u32) -> PathBuf {
    let args = format!("{AV} -t 2 {X264} {AAC}");
    let args: Vec<&str> = args.split_whitespace().collect();
    fixture_with(name, |out| {
        ffmpeg(name, &args, out);
        patch_rotation(out, clockwise);
    })
}
