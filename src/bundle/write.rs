//! The bundle written natively in one read of the video and constant memory
//! (the browser's counterpart is a `Blob` of the same [`Part`]s, see
//! `web/zipblob.rs`).
//!
//! The video's CRC is not known before it is read, yet the headers before it
//! hold that CRC: so the video is copied first, hashing, to where a plan made
//! with a stand-in CRC puts its data; then the plan is made with the real CRC
//! and everything around the video is written. The headers before the video
//! keep their length (a CRC is 4 bytes in any header), which is checked.

use std::io::{Read, Seek, SeekFrom, Write};

use super::{Part, Plan, Source, Stamp, plan};
use crate::check::Report;
use crate::error::Error;
use crate::submission::{READ_CHUNK, Submission};

/// Why a bundle could not be written: each edge words the file it names.
#[derive(Debug)]
pub enum WriteError {
    /// Reading the video failed.
    Read(std::io::Error),
    /// Writing the bundle failed.
    Write(std::io::Error),
    /// The video was not `size` bytes long when read: it changed.
    Changed,
    /// The plan refused, or the layout could not be made.
    Plan(Error),
}

impl From<Error> for WriteError {
    fn from(e: Error) -> WriteError {
        WriteError::Plan(e)
    }
}

/// What was written.
#[derive(Debug)]
pub struct Written {
    pub plan: Plan,
    /// The bundle's length in bytes.
    pub total: u64,
}

/// The video changed while it was being bundled.
pub fn video_changed() -> Error {
    Error::new(
        "video_changed",
        "视频文件在打包过程中被修改了。请关闭正在写入它的程序后重试。",
        "The video changed while it was being bundled. Close the program writing to it and try again.",
    )
}

/// Write one part of the layout that is not the video's data.
fn write_part(
    w: &mut impl Write,
    part: &Part,
    plan: &Plan,
    scan_bytes: &[Vec<u8>],
) -> std::io::Result<()> {
    match part {
        Part::Bytes(b) => w.write_all(b),
        Part::Data(i) => match plan.entries.get(*i).map(|e| &e.source) {
            Some(Source::Bytes(b)) => w.write_all(b),
            Some(Source::Scan(j)) => w.write_all(scan_bytes.get(*j).map_or(&[][..], |v| v)),
            Some(Source::Video) | None => Ok(()),
        },
    }
}

/// Where the video's data sits in a layout: its part's index and the bytes
/// before it.
fn video_at(parts: &[Part], plan: &Plan) -> Option<(usize, u64)> {
    let mut off = 0u64;
    for (k, p) in parts.iter().enumerate() {
        off += match p {
            Part::Bytes(b) => b.len() as u64,
            Part::Data(i) => {
                let e = plan.entries.get(*i)?;
                if matches!(e.source, Source::Video) {
                    return Some((k, off));
                }
                e.size
            }
        };
    }
    None
}

/// Copy `video` (of `size` bytes) to `at`, hashing it; its CRC-32.
fn copy_video<W: Write + Seek>(
    video: &mut dyn Read,
    size: u64,
    at: u64,
    out: &mut W,
) -> Result<u32, WriteError> {
    out.seek(SeekFrom::Start(at)).map_err(WriteError::Write)?;
    let mut buf = vec![0u8; READ_CHUNK];
    let mut h = crate::crc::Hasher::new();
    let mut n = 0u64;
    loop {
        let k = video.read(&mut buf).map_err(WriteError::Read)?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
        out.write_all(&buf[..k]).map_err(WriteError::Write)?;
    }
    if n != size {
        return Err(WriteError::Changed);
    }
    Ok(h.finalize())
}

/// Write the bundle of `s` to `out`: the video (if `s` has one) read once
/// from `video`, the scans from `scan_bytes` (in `s.scans`' order). `s`'s
/// video CRC is ignored: it is computed on the way. `out` is left exactly
/// [`Written::total`] bytes long when it is a file the caller truncates.
pub fn write_to<W: Write + Seek>(
    s: &Submission<'_>,
    report: &Report,
    stamp: &Stamp<'_>,
    video: Option<&mut dyn Read>,
    scan_bytes: &[Vec<u8>],
    out: &mut W,
) -> Result<Written, WriteError> {
    let no_video = || WriteError::Plan(Error::corrupt("bundle plan without the video"));
    let with_crc = |crc32: u32| {
        let mut s = s.clone();
        if let Some(v) = &mut s.video {
            v.crc32 = crc32;
        }
        plan(&s, report, stamp)
    };
    let draft = with_crc(0)?;
    let (parts, total) = draft.layout(stamp.unix_time)?;
    let Some((_, video_off)) = video_at(&parts, &draft) else {
        // No video: everything in order.
        out.seek(SeekFrom::Start(0)).map_err(WriteError::Write)?;
        for part in &parts {
            write_part(out, part, &draft, scan_bytes).map_err(WriteError::Write)?;
        }
        return Ok(Written { plan: draft, total });
    };
    let (Some(video), Some(v)) = (video, s.video.as_ref()) else {
        return Err(no_video());
    };
    let crc = copy_video(video, v.size, video_off, out)?;
    let plan = with_crc(crc)?;
    let (parts, total) = plan.layout(stamp.unix_time)?;
    let (split, at) = video_at(&parts, &plan).ok_or_else(no_video)?;
    if at != video_off {
        return Err(WriteError::Plan(Error::corrupt(
            "bundle layout changed with the CRC",
        )));
    }
    out.seek(SeekFrom::Start(0)).map_err(WriteError::Write)?;
    for part in &parts[..split] {
        write_part(out, part, &plan, scan_bytes).map_err(WriteError::Write)?;
    }
    out.seek(SeekFrom::Start(at + v.size))
        .map_err(WriteError::Write)?;
    for part in &parts[split + 1..] {
        write_part(out, part, &plan, scan_bytes).map_err(WriteError::Write)?;
    }
    Ok(Written { plan, total })
}
