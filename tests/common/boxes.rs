//! ISO-BMFF helpers, written here independently of the probe: the top-level
//! boxes of a file, the children of a box, and patches of a fixture's boxes
//! (a `tkhd` matrix, a box renamed).

use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

#[derive(Debug, Clone)]
pub struct TopBox {
    pub kind: String,
    pub offset: u64,
    pub size: u64,
    pub header_len: u64,
}

/// The top-level boxes of a file, from their headers only.
pub fn top_level_boxes(path: &Path) -> Vec<TopBox> {
    let mut f = File::open(path).expect("open fixture");
    let len = f.metadata().unwrap().len();
    let mut out = Vec::new();
    let mut pos = 0u64;
    while pos + 8 <= len {
        let mut h = [0u8; 16];
        f.seek(SeekFrom::Start(pos)).unwrap();
        let n = f.read(&mut h).unwrap();
        if n < 8 {
            break;
        }
        let size32 = u32::from_be_bytes(h[0..4].try_into().unwrap());
        let kind: String = h[4..8]
            .iter()
            .map(|&c| if c == 0xA9 { '©' } else { c as char })
            .collect();
        let (size, header_len) = match size32 {
            0 => (len - pos, 8),
            1 => (u64::from_be_bytes(h[8..16].try_into().unwrap()), 16),
            s => (u64::from(s), 8),
        };
        if size < header_len {
            break;
        }
        out.push(TopBox {
            kind,
            offset: pos,
            size,
            header_len,
        });
        pos += size;
    }
    out
}

pub fn is_iso_bmff(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("mp4" | "mov" | "m4v" | "3gp")
    )
}

/// Find the children of a box body: (kind, offset in `buf`, size).
pub fn child_boxes(buf: &[u8], start: usize, end: usize) -> Vec<([u8; 4], usize, usize)> {
    let mut out = Vec::new();
    let mut p = start;
    while p + 8 <= end {
        let size = u32::from_be_bytes(buf[p..p + 4].try_into().unwrap()) as usize;
        let kind: [u8; 4] = buf[p + 4..p + 8].try_into().unwrap();
        if size < 8 || p + size > end {
            break;
        }
        out.push((kind, p, size));
        p += size;
    }
    out
}

/// Write a display matrix for `clockwise` degrees into the `tkhd` of the
/// video track, the way phones record a rotated video (ffmpeg 5.1's muxer
/// cannot write one). Only the first 4 entries change; u, v = 0, w = 1.0 (2.30).
pub fn patch_rotation(path: &Path, clockwise: u32) {
    const ONE: u32 = 0x0001_0000;
    const MINUS_ONE: u32 = 0xFFFF_0000;
    let (a, b, c, d) = match clockwise {
        90 => (0, ONE, MINUS_ONE, 0),
        180 => (MINUS_ONE, 0, 0, MINUS_ONE),
        270 => (0, MINUS_ONE, ONE, 0),
        _ => (ONE, 0, 0, ONE),
    };
    let mut bytes = fs::read(path).expect("read fixture to patch");
    let moov = top_level_boxes(path)
        .into_iter()
        .find(|b| b.kind == "moov")
        .expect("moov to patch");
    let (mstart, mend) = (
        (moov.offset + moov.header_len) as usize,
        (moov.offset + moov.size) as usize,
    );
    let mut patched = false;
    for (kind, trak, size) in child_boxes(&bytes, mstart, mend) {
        if &kind != b"trak" {
            continue;
        }
        let kids = child_boxes(&bytes, trak + 8, trak + size);
        let is_video = kids.iter().any(|&(k, mdia, msize)| {
            &k == b"mdia"
                && child_boxes(&bytes, mdia + 8, mdia + msize)
                    .iter()
                    .any(|&(k2, hdlr, _)| &k2 == b"hdlr" && &bytes[hdlr + 16..hdlr + 20] == b"vide")
        });
        let Some(&(_, tkhd, _)) = kids.iter().find(|(k, _, _)| k == b"tkhd") else {
            continue;
        };
        if !is_video {
            continue;
        }
        // tkhd: header(8) version/flags(4), then v0: 4+4+4+4+4 / v1: 8+8+4+4+8,
        // reserved(8) layer(2) alternate_group(2) volume(2) reserved(2), matrix.
        let matrix = tkhd + if bytes[tkhd + 8] == 1 { 60 } else { 48 };
        let values = [a, b, 0, c, d, 0, 0, 0, 0x4000_0000];
        for (i, v) in values.iter().enumerate() {
            bytes[matrix + 4 * i..matrix + 4 * i + 4].copy_from_slice(&v.to_be_bytes());
        }
        patched = true;
    }
    assert!(patched, "{}: no video tkhd to patch", path.display());
    fs::write(path, bytes).expect("write patched fixture");
}

/// Rename the one `from` box inside `moov` to `to` (same size), e.g. a
/// `pasp` to `free` so that only the codec's own header carries the SAR.
pub fn rename_box_in_moov(path: &Path, from: &[u8; 4], to: &[u8; 4]) {
    let mut bytes = fs::read(path).expect("read fixture to patch");
    let moov = top_level_boxes(path)
        .into_iter()
        .find(|b| b.kind == "moov")
        .expect("moov to patch");
    let body = &bytes[moov.offset as usize..(moov.offset + moov.size) as usize];
    let hits: Vec<usize> = body
        .windows(4)
        .enumerate()
        .filter(|(_, w)| w == from)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "{}: {} boxes named {:?}",
        path.display(),
        hits.len(),
        from
    );
    let at = moov.offset as usize + hits[0];
    bytes[at..at + 4].copy_from_slice(to);
    fs::write(path, bytes).expect("write patched fixture");
}

/// How many header look-ups of `window` bytes a reader needs to see every
/// top-level box header of `boxes` (in file order): a header inside the
/// bytes the last look-up fetched costs nothing more; a box read whole
/// (`ftyp`, `moov`, `moof`) brings its own bytes up to its end.
pub fn header_lookups(boxes: &[TopBox], window: u64) -> u64 {
    let mut lookups = 0;
    let mut known_to = 0u64;
    for b in boxes {
        if b.offset + b.header_len > known_to {
            lookups += 1;
            known_to = b.offset + window;
        }
        if matches!(b.kind.as_str(), "ftyp" | "moov" | "moof") {
            known_to = known_to.max(b.offset + b.size);
        }
    }
    lookups
}
