//! A zip's records read by hand, independently of `src/bundle/zip.rs` and of
//! any zip library: the end records, the central directory, local headers and
//! their extra fields. And [`craft_zip`], zips written by hand for the tests
//! that feed `verify` what a hostile sender would.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

pub fn u16_at(d: &[u8], i: usize) -> u16 {
    u16::from_le_bytes(d[i..i + 2].try_into().unwrap())
}
pub fn u32_at(d: &[u8], i: usize) -> u32 {
    u32::from_le_bytes(d[i..i + 4].try_into().unwrap())
}
pub fn u64_at(d: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(d[i..i + 8].try_into().unwrap())
}

pub fn extras(d: &[u8]) -> Vec<(u16, Vec<u8>)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= d.len() {
        let (id, len) = (u16_at(d, i), u16_at(d, i + 2) as usize);
        assert!(i + 4 + len <= d.len(), "extra field overruns");
        out.push((id, d[i + 4..i + 4 + len].to_vec()));
        i += 4 + len;
    }
    assert_eq!(i, d.len(), "extra field trailing bytes");
    out
}

pub fn zip64_extra(ex: &[(u16, Vec<u8>)]) -> Option<Vec<u64>> {
    ex.iter().find(|e| e.0 == 0x0001).map(|e| {
        e.1.chunks(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
            .collect()
    })
}

#[derive(Debug)]
pub struct Header {
    pub version_needed: u16,
    pub flags: u16,
    pub method: u16,
    pub crc: u32,
    pub csize: u32,
    pub usize: u32,
    /// Central only.
    pub offset: u32,
    pub name: String,
    pub extras: Vec<(u16, Vec<u8>)>,
}

#[derive(Debug)]
pub struct Tail {
    pub eocd_entries: u16,
    pub eocd_cd_size: u32,
    pub eocd_cd_offset: u32,
    /// (Zip64 end record offset from the locator, total disks).
    pub locator: Option<(u64, u32)>,
    /// (version needed, entries, cd size, cd offset).
    pub zip64_end: Option<(u16, u64, u64, u64)>,
    pub central: Vec<Header>,
}

pub fn read_at(f: &mut File, off: u64, len: usize) -> Vec<u8> {
    let mut v = vec![0u8; len];
    f.seek(SeekFrom::Start(off)).unwrap();
    f.read_exact(&mut v).unwrap();
    v
}

/// The end records and central directory, read from the end of the file
/// (no comment: the end record is the last 22 bytes).
pub fn read_tail(path: &Path) -> Tail {
    let mut f = File::open(path).unwrap();
    let len = f.metadata().unwrap().len();
    let eocd = read_at(&mut f, len - 22, 22);
    assert_eq!(
        u32_at(&eocd, 0),
        0x0605_4b50,
        "end of central directory record"
    );
    assert_eq!(u16_at(&eocd, 20), 0, "no archive comment");
    let (n, cd_size, cd_off) = (u16_at(&eocd, 10), u32_at(&eocd, 12), u32_at(&eocd, 16));
    let mut locator = None;
    let mut zip64_end = None;
    if len >= 42 {
        let loc = read_at(&mut f, len - 42, 20);
        if u32_at(&loc, 0) == 0x0706_4b50 {
            locator = Some((u64_at(&loc, 8), u32_at(&loc, 16)));
            let z = read_at(&mut f, u64_at(&loc, 8), 56);
            assert_eq!(
                u32_at(&z, 0),
                0x0606_4b50,
                "Zip64 end record where the locator points"
            );
            assert_eq!(u64_at(&z, 4), 44, "Zip64 end record size");
            assert_eq!(u64_at(&z, 24), u64_at(&z, 32), "entries on disk = total");
            zip64_end = Some((
                u16_at(&z, 14),
                u64_at(&z, 32),
                u64_at(&z, 40),
                u64_at(&z, 48),
            ));
        }
    }
    let (cd_off, cd_size) = match zip64_end {
        Some((_, _, size, off)) => (off, size),
        None => (u64::from(cd_off), u64::from(cd_size)),
    };
    let cd = read_at(&mut f, cd_off, cd_size as usize);
    let mut central = Vec::new();
    let mut i = 0;
    while i < cd.len() {
        assert_eq!(u32_at(&cd, i), 0x0201_4b50, "central header at {i}");
        let (nl, xl, cl) = (
            u16_at(&cd, i + 28) as usize,
            u16_at(&cd, i + 30) as usize,
            u16_at(&cd, i + 32) as usize,
        );
        central.push(Header {
            version_needed: u16_at(&cd, i + 6),
            flags: u16_at(&cd, i + 8),
            method: u16_at(&cd, i + 10),
            crc: u32_at(&cd, i + 16),
            csize: u32_at(&cd, i + 20),
            usize: u32_at(&cd, i + 24),
            offset: u32_at(&cd, i + 42),
            name: String::from_utf8(cd[i + 46..i + 46 + nl].to_vec()).expect("UTF-8 name"),
            extras: extras(&cd[i + 46 + nl..i + 46 + nl + xl]),
        });
        i += 46 + nl + xl + cl;
    }
    Tail {
        eocd_entries: n,
        eocd_cd_size: u32_at(&eocd, 12),
        eocd_cd_offset: u32_at(&eocd, 16),
        locator,
        zip64_end,
        central,
    }
}

pub fn read_local(path: &Path, off: u64) -> Header {
    let mut f = File::open(path).unwrap();
    let h = read_at(&mut f, off, 30);
    assert_eq!(u32_at(&h, 0), 0x0403_4b50, "local header at {off}");
    let (nl, xl) = (u16_at(&h, 26) as usize, u16_at(&h, 28) as usize);
    let rest = read_at(&mut f, off + 30, nl + xl);
    Header {
        version_needed: u16_at(&h, 4),
        flags: u16_at(&h, 6),
        method: u16_at(&h, 8),
        crc: u32_at(&h, 14),
        csize: u32_at(&h, 18),
        usize: u32_at(&h, 22),
        offset: 0,
        name: String::from_utf8(rest[..nl].to_vec()).expect("UTF-8 name"),
        extras: extras(&rest[nl..]),
    }
}

/// The entry's offset, from the central header or its Zip64 extra.
pub fn entry_offset(h: &Header) -> u64 {
    if h.offset == u32::MAX {
        *zip64_extra(&h.extras)
            .expect("Zip64 extra for the offset")
            .last()
            .unwrap()
    } else {
        u64::from(h.offset)
    }
}

/// A stored entry for [`craft_zip`]: `declared` overrides the uncompressed
/// size in the headers (Zip64 extra when past 4 GiB), `method` 8 is deflate.
pub struct Craft {
    pub name: String,
    pub data: Vec<u8>,
    pub method: u16,
    pub declared: Option<u64>,
}

impl Craft {
    pub fn stored(name: &str, data: Vec<u8>) -> Self {
        Craft {
            name: name.into(),
            data,
            method: 0,
            declared: None,
        }
    }
}

/// A zip written by hand: local headers with CRC and sizes, UTF-8 names, a
/// central directory and a classic end record.
pub fn craft_zip(entries: &[Craft]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut cd = Vec::new();
    for e in entries {
        let crc = crc32fast::hash(&e.data);
        let csize = e.data.len() as u64;
        let usize = e.declared.unwrap_or(csize);
        let big = usize >= 0xFFFF_FFFF;
        let offset = out.len() as u32;
        let name = e.name.as_bytes();
        let mut lx = Vec::new();
        if big {
            lx.extend_from_slice(&1u16.to_le_bytes());
            lx.extend_from_slice(&16u16.to_le_bytes());
            lx.extend_from_slice(&usize.to_le_bytes());
            lx.extend_from_slice(&csize.to_le_bytes());
        }
        let (u32s, c32s) = if big {
            (u32::MAX, u32::MAX)
        } else {
            (usize as u32, csize as u32)
        };
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&(if big { 45u16 } else { 20 }).to_le_bytes());
        out.extend_from_slice(&0x0800u16.to_le_bytes());
        out.extend_from_slice(&e.method.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0x21, 0x5c]); // time, date (2026-01-01)
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&c32s.to_le_bytes());
        out.extend_from_slice(&u32s.to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&(lx.len() as u16).to_le_bytes());
        out.extend_from_slice(name);
        out.extend_from_slice(&lx);
        out.extend_from_slice(&e.data);
        // Central: only the overflowing field (the uncompressed size).
        let mut cx = Vec::new();
        if big {
            cx.extend_from_slice(&1u16.to_le_bytes());
            cx.extend_from_slice(&8u16.to_le_bytes());
            cx.extend_from_slice(&usize.to_le_bytes());
        }
        cd.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        cd.extend_from_slice(&((3u16 << 8) | 45).to_le_bytes());
        cd.extend_from_slice(&(if big { 45u16 } else { 20 }).to_le_bytes());
        cd.extend_from_slice(&0x0800u16.to_le_bytes());
        cd.extend_from_slice(&e.method.to_le_bytes());
        cd.extend_from_slice(&[0, 0, 0x21, 0x5c]);
        cd.extend_from_slice(&crc.to_le_bytes());
        cd.extend_from_slice(&(csize as u32).to_le_bytes());
        cd.extend_from_slice(&u32s.to_le_bytes());
        cd.extend_from_slice(&(name.len() as u16).to_le_bytes());
        cd.extend_from_slice(&(cx.len() as u16).to_le_bytes());
        cd.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
        cd.extend_from_slice(&(0o100644u32 << 16).to_le_bytes());
        cd.extend_from_slice(&offset.to_le_bytes());
        cd.extend_from_slice(name);
        cd.extend_from_slice(&cx);
    }
    let cd_off = out.len() as u32;
    let n = entries.len() as u16;
    out.extend_from_slice(&cd);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&(cd.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_off.to_le_bytes());
    out.extend_from_slice(&[0; 2]);
    out
}
