//! The remux: a new `moov` (and `ftyp`) in front of the untouched media data,
//! never re-encoding and never copying media into memory.
//!
//! Sans-IO: [`read_layout`] walks the top-level boxes through a `read_at`
//! callback (headers, `ftyp` and `moov` only), and [`plan`] turns that into
//! [`Piece`]s: new header bytes and byte ranges of the original file. The
//! CLI streams the pieces; the browser makes a `Blob` of the bytes and
//! `File.slice()`s. Operations: moov to the front (faststart), QuickTime to
//! MP4, location (and on request device make/model) removed. Anything the
//! remux cannot carry over exactly — fragments, external media, encryption,
//! codecs MP4 does not carry, chunk offsets outside the kept boxes — is
//! refused with a stable code, never written wrong.

mod moov;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::probe::MAX_MOOV;

/// More top-level boxes than any unfragmented file has.
pub const MAX_TOP: usize = 10_000;
const MAX_FTYP: u64 = 64 * 1024;

/// What to do; each only where it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub faststart: bool,
    pub mp4: bool,
    pub strip_location: bool,
    /// Also remove the device make and model.
    pub strip_device: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            faststart: true,
            mp4: true,
            strip_location: true,
            strip_device: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopBox {
    pub kind: [u8; 4],
    pub offset: u64,
    /// Whole box, header included (a size-0 box runs to the end of the file).
    pub size: u64,
}

/// What the remux reads of a file: its top-level layout, `ftyp` and `moov`.
#[derive(Debug, Clone)]
pub struct Source {
    pub size: u64,
    pub boxes: Vec<TopBox>,
    pub ftyp: Option<Vec<u8>>,
    /// The whole `moov` box, header included.
    pub moov: Vec<u8>,
    /// Bytes read to get here.
    pub bytes_read: u64,
    pub reads: u32,
}

/// One piece of the output, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Piece {
    Bytes(Vec<u8>),
    /// `len` bytes of the original file from `offset`.
    Copy {
        offset: u64,
        len: u64,
    },
}

/// One thing the remux changed, said for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Stable: `faststart`, `mp4`, `track_dropped`, `location_removed`,
    /// `device_removed`, `co64`.
    pub code: String,
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub pieces: Vec<Piece>,
    /// Size of the output.
    pub size: u64,
    pub changes: Vec<Change>,
    /// The output is MP4 (name it `.mp4`).
    pub mp4: bool,
}

impl Plan {
    /// The output's name: `name`'s stem with `.mp4` when the output is MP4.
    pub fn file_name(&self, name: &str) -> String {
        if !self.mp4 {
            return name.to_string();
        }
        let stem = match name.rfind('.') {
            Some(i) if i > 0 => &name[..i],
            _ => name,
        };
        format!("{stem}.mp4")
    }
}

pub(crate) fn be32(b: &[u8], i: usize) -> Option<u32> {
    let s = b.get(i..i.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

pub(crate) fn be64(b: &[u8], i: usize) -> Option<u64> {
    let s = b.get(i..i.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(u64::from_be_bytes(a))
}

fn refuse(code: &'static str, zh: &str, en: &str) -> Error {
    Error::new(code, zh, en)
}

pub(crate) fn fragmented() -> Error {
    refuse(
        "fix_fragmented",
        "这是分片（fragmented）MP4，不能只换封装修复。请在剪辑软件中重新导出为普通 MP4（不要勾选「分片」/「流式」），或运行 ffmpeg -i 输入.mp4 -c copy -movflags +faststart 输出.mp4。",
        "This is a fragmented MP4, which this remux does not rewrite. Export it again as a plain (not fragmented/streaming) MP4, or run ffmpeg -i in.mp4 -c copy -movflags +faststart out.mp4.",
    )
}

pub(crate) fn layout_error(what: &str) -> Error {
    Error::new(
        "fix_layout",
        format!(
            "文件的结构无法安全地重新封装（{what}）。文件没有被修改。请在剪辑软件中重新导出为 MP4 (H.264)。"
        ),
        format!(
            "The file's layout cannot be remuxed safely ({what}). Nothing was written. Export it again from your editor as MP4 (H.264)."
        ),
    )
}

/// Walk the top-level boxes of a file of `size` bytes, reading only their
/// headers, the `ftyp` and the `moov`. `read_at(offset, len)` returns exactly
/// `len` bytes (fewer is a read error).
pub fn read_layout<F>(size: u64, mut read_at: F) -> Result<Source, Error>
where
    F: FnMut(u64, u64) -> Result<Vec<u8>, Error>,
{
    if size == 0 {
        return Err(Error::empty_file());
    }
    let mut src = Source {
        size,
        boxes: Vec::new(),
        ftyp: None,
        moov: Vec::new(),
        bytes_read: 0,
        reads: 0,
    };
    let mut read = |src: &mut Source, at: u64, len: u64| -> Result<Vec<u8>, Error> {
        let v = read_at(at, len)?;
        if v.len() as u64 != len {
            return Err(Error::io("short read"));
        }
        src.bytes_read = src.bytes_read.saturating_add(len);
        src.reads = src.reads.saturating_add(1);
        Ok(v)
    };
    let mut have_moov = false;
    let mut pos = 0u64;
    while pos < size {
        if src.boxes.len() >= MAX_TOP {
            return Err(Error::too_large("top-level box count", MAX_TOP as u64));
        }
        let rest = size - pos;
        if rest < 8 {
            // Stray bytes after the last box: not copied (an offset into
            // them is refused when the plan maps the chunks).
            break;
        }
        let head = read(&mut src, pos, rest.min(16))?;
        let size32 = be32(&head, 0).unwrap_or(0);
        let kind = [head[4], head[5], head[6], head[7]];
        let (len, hl) = match size32 {
            0 => (rest, 8),
            1 => (
                be64(&head, 8).ok_or_else(|| Error::truncated("box header"))?,
                16,
            ),
            s => (u64::from(s), 8),
        };
        if len < hl {
            return Err(Error::corrupt(&format!(
                "box size smaller than its header at byte {pos}"
            )));
        }
        if len > rest {
            return Err(Error::truncated(&format!(
                "{} box runs past the end of the file",
                String::from_utf8_lossy(&kind)
            )));
        }
        match &kind {
            b"moof" | b"mfra" | b"sidx" | b"styp" | b"ssix" => return Err(fragmented()),
            b"moov" => {
                if have_moov {
                    return Err(layout_error("two moov boxes"));
                }
                if len > MAX_MOOV {
                    return Err(Error::too_large("moov", MAX_MOOV));
                }
                have_moov = true;
                src.moov = read(&mut src, pos, len)?;
            }
            b"ftyp" if src.ftyp.is_none() => {
                if len > MAX_FTYP {
                    return Err(Error::too_large("ftyp", MAX_FTYP));
                }
                src.ftyp = Some(read(&mut src, pos, len)?);
            }
            _ => {}
        }
        src.boxes.push(TopBox {
            kind,
            offset: pos,
            size: len,
        });
        pos += len;
    }
    if !have_moov {
        return Err(Error::new(
            "no_moov",
            "找不到视频的索引（moov）：文件可能没有录制/导出完，或被截断。请在剪辑软件中重新导出为 MP4 (H.264)。",
            "The video's index (moov) is missing: recording or export did not finish, or the file is cut short. Export it again from your editor as MP4 (H.264).",
        ));
    }
    Ok(src)
}

/// The remux plan, or `None` when nothing applies (the file is fine as it is).
pub fn plan(src: &Source, opts: &Options) -> Result<Option<Plan>, Error> {
    moov::plan(src, opts)
}
