//! A stored-only zip writer that never holds the payload: it lays out header
//! bytes around the entries' data, so the edge can write
//! `[header, data, header, data, …, central directory]` — natively to a file,
//! in the browser as a `Blob` made of byte arrays and the user's own `File`.
//!
//! Choices, each for a reader we have seen fail otherwise:
//! - CRC-32 and sizes in the local header, no data descriptor: Java's
//!   `ZipInputStream` refuses STORED entries that use one.
//! - UTF-8 names (NFC) with general-purpose bit 11 set in local and central
//!   headers: Java with a GBK charset, 7-Zip, Windows and Python read them right.
//! - Zip64 only where a size or offset reaches 0xFFFFFFFF (the marker itself):
//!   both sizes in the local Zip64 extra; in the central one both sizes and,
//!   when it overflows, the offset (Info-ZIP `unzip` 6.0 misreads an
//!   offset-only extra after an entry of exactly 0xFFFFFFFF bytes); the Zip64
//!   end record and locator, version needed 45.
//!   Otherwise a classic zip, which older macOS Archive Utility opens.
//! - DOS date and time plus the extended timestamp (0x5455), UTC.

use crate::error::Error;

const MARKER32: u64 = 0xFFFF_FFFF;
const VERSION_CLASSIC: u16 = 20;
const VERSION_ZIP64: u16 = 45;
/// Made by: Unix (3) << 8 | spec 4.5.
const MADE_BY: u16 = (3 << 8) | 45;
const FLAG_UTF8: u16 = 1 << 11;

/// One entry's facts. Data is not here: the edge supplies it in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryMeta {
    pub name: String,
    pub size: u64,
    pub crc32: u32,
}

/// A piece of the archive, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Header bytes made here.
    Bytes(Vec<u8>),
    /// The data of entry `i`, exactly `size` bytes, supplied by the edge.
    Data(usize),
}

/// Seconds since 1970 → DOS (time, date), clamped to the DOS range 1980–2107.
pub fn dos_time(unix: i64) -> (u16, u16) {
    let unix = unix.clamp(315_532_800, 4_354_819_199);
    let days = unix.div_euclid(86_400);
    let rem = unix.rem_euclid(86_400);
    let (y, m, d) = crate::probe::civil_from_days(days);
    let time =
        ((rem / 3600) as u16) << 11 | (((rem / 60) % 60) as u16) << 5 | ((rem % 60) / 2) as u16;
    let date = ((y - 1980) as u16) << 9 | (m as u16) << 5 | d as u16;
    (time, date)
}

fn put16(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes());
}
fn put32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}
fn put64(v: &mut Vec<u8>, x: u64) {
    v.extend_from_slice(&x.to_le_bytes());
}

/// What every header of one archive shares: its DOS and Unix times.
#[derive(Clone, Copy)]
struct Times {
    dtime: u16,
    ddate: u16,
    mtime: u32,
}

/// The extended-timestamp extra field (0x5455): the modification time.
fn put_time(v: &mut Vec<u8>, t: Times) {
    put16(v, 0x5455);
    put16(v, 5);
    v.push(1);
    put32(v, t.mtime);
}

/// An entry's local header: a Zip64 extra with both sizes when it is `big`.
fn local_header(e: &EntryMeta, name_len: u16, need: u16, big: bool, t: Times) -> Vec<u8> {
    let name = e.name.as_bytes();
    let mut local = Vec::with_capacity(30 + name.len() + 29);
    put32(&mut local, 0x0403_4b50);
    put16(&mut local, need);
    put16(&mut local, FLAG_UTF8);
    put16(&mut local, 0); // stored
    put16(&mut local, t.dtime);
    put16(&mut local, t.ddate);
    put32(&mut local, e.crc32);
    let s32 = if big { MARKER32 as u32 } else { e.size as u32 };
    put32(&mut local, s32);
    put32(&mut local, s32);
    put16(&mut local, name_len);
    let mut lextra = Vec::new();
    if big {
        put16(&mut lextra, 0x0001);
        put16(&mut lextra, 16);
        put64(&mut lextra, e.size);
        put64(&mut lextra, e.size);
    }
    put_time(&mut lextra, t);
    put16(&mut local, lextra.len() as u16);
    local.extend_from_slice(name);
    local.extend_from_slice(&lextra);
    local
}

/// An entry's central record, appended to `central`. A Zip64 extra here
/// always holds both sizes, their 32-bit fields marked, even when only the
/// offset overflows: Info-ZIP `unzip` 6.0 decides whether the sizes are in it
/// from the previous entry's sizes too, and after an entry of exactly
/// 0xFFFFFFFF bytes took an offset-only extra's offset for a size ("extra
/// field (type: 0x0001) corrupt", then "overlapped components").
fn central_record(
    central: &mut Vec<u8>,
    e: &EntryMeta,
    (name_len, need): (u16, u16),
    (big, far): (bool, bool),
    offset: u64,
    t: Times,
) {
    let mut cextra = Vec::new();
    let c32 = if big || far {
        MARKER32 as u32
    } else {
        e.size as u32
    };
    if big || far {
        let mut z = Vec::new();
        put64(&mut z, e.size);
        put64(&mut z, e.size);
        if far {
            put64(&mut z, offset);
        }
        put16(&mut cextra, 0x0001);
        put16(&mut cextra, z.len() as u16);
        cextra.extend_from_slice(&z);
    }
    put_time(&mut cextra, t);
    put32(central, 0x0201_4b50);
    put16(central, MADE_BY);
    put16(central, need);
    put16(central, FLAG_UTF8);
    put16(central, 0);
    put16(central, t.dtime);
    put16(central, t.ddate);
    put32(central, e.crc32);
    put32(central, c32);
    put32(central, c32);
    put16(central, name_len);
    put16(central, cextra.len() as u16);
    put16(central, 0); // comment
    put16(central, 0); // disk
    put16(central, 0); // internal attributes
    put32(central, 0o100644 << 16); // regular file, rw-r--r--
    put32(central, if far { MARKER32 as u32 } else { offset as u32 });
    central.extend_from_slice(e.name.as_bytes());
    central.extend_from_slice(&cextra);
}

/// The end records after the central directory: Zip64's (record and
/// locator) when `zip64_end`, then the classic one.
fn end_records(tail: &mut Vec<u8>, n: u64, cd_size: u64, cd_offset: u64, zip64_end: bool) {
    if zip64_end {
        let z64_offset = cd_offset + cd_size;
        put32(tail, 0x0606_4b50);
        put64(tail, 44);
        put16(tail, MADE_BY);
        put16(tail, VERSION_ZIP64);
        put32(tail, 0);
        put32(tail, 0);
        put64(tail, n);
        put64(tail, n);
        put64(tail, cd_size);
        put64(tail, cd_offset);
        put32(tail, 0x0706_4b50);
        put32(tail, 0);
        put64(tail, z64_offset);
        put32(tail, 1);
    }
    let marked = |x: u64| {
        if x >= MARKER32 {
            MARKER32 as u32
        } else {
            x as u32
        }
    };
    put32(tail, 0x0605_4b50);
    put16(tail, 0);
    put16(tail, 0);
    put16(tail, n as u16);
    put16(tail, n as u16);
    put32(tail, marked(cd_size));
    put32(tail, marked(cd_offset));
    put16(tail, 0);
}

/// Lay out a whole archive. `unix_time` stamps every entry.
pub fn layout(entries: &[EntryMeta], unix_time: i64) -> Result<(Vec<Part>, u64), Error> {
    if entries.len() >= 0xFFFF {
        return Err(Error::new(
            "too_many_files",
            "文件过多。",
            "Too many files.",
        ));
    }
    let (dtime, ddate) = dos_time(unix_time);
    let mtime = u32::try_from(unix_time.clamp(0, i64::from(u32::MAX))).unwrap_or(0);
    let t = Times {
        dtime,
        ddate,
        mtime,
    };
    let mut parts = Vec::new();
    let mut central = Vec::new();
    let mut offset: u64 = 0;
    let mut any64 = false;
    for (i, e) in entries.iter().enumerate() {
        let name_len = u16::try_from(e.name.len())
            .map_err(|_| Error::new("name_too_long", "文件名过长。", "A file name is too long."))?;
        let big = e.size >= MARKER32;
        let far = offset >= MARKER32;
        let need = if big || far {
            VERSION_ZIP64
        } else {
            VERSION_CLASSIC
        };
        any64 |= big || far;
        let local = local_header(e, name_len, need, big, t);
        let local_len = local.len() as u64;
        parts.push(Part::Bytes(local));
        parts.push(Part::Data(i));
        central_record(&mut central, e, (name_len, need), (big, far), offset, t);
        offset = offset
            .checked_add(local_len)
            .and_then(|o| o.checked_add(e.size))
            .ok_or_else(|| {
                Error::new(
                    "too_large",
                    "文件总大小超出范围。",
                    "The files are too large in total.",
                )
            })?;
    }
    let cd_offset = offset;
    let cd_size = central.len() as u64;
    let n = entries.len() as u64;
    let mut tail = central;
    end_records(
        &mut tail,
        n,
        cd_size,
        cd_offset,
        any64 || cd_offset >= MARKER32,
    );
    let total = cd_offset + tail.len() as u64;
    parts.push(Part::Bytes(tail));
    Ok((parts, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dos_time_of_a_known_instant() {
        // 2024-03-05 08:09:10 UTC
        let (t, d) = dos_time(1_709_626_150);
        assert_eq!(t, (8 << 11) | (9 << 5) | 5);
        assert_eq!(d, ((2024 - 1980) << 9) | (3 << 5) | 5);
    }

    /// The central records in `tail`: (32-bit sizes, 32-bit offset, Zip64 extra values).
    fn central(tail: &[u8], n: usize) -> Vec<((u32, u32), u32, Vec<u64>)> {
        let le16 = |i: usize| u16::from_le_bytes([tail[i], tail[i + 1]]) as usize;
        let le32 = |i: usize| u32::from_le_bytes(tail[i..i + 4].try_into().unwrap());
        let mut out = Vec::new();
        let mut i = 0;
        for _ in 0..n {
            assert_eq!(le32(i), 0x0201_4b50);
            let (nl, xl) = (le16(i + 28), le16(i + 30));
            let mut z = Vec::new();
            let mut x = i + 46 + nl;
            while x < i + 46 + nl + xl {
                let (id, len) = (le16(x), le16(x + 2));
                if id == 1 {
                    z = tail[x + 4..x + 4 + len]
                        .chunks(8)
                        .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
                        .collect();
                }
                x += 4 + len;
            }
            out.push(((le32(i + 20), le32(i + 24)), le32(i + 42), z));
            i += 46 + nl + xl;
        }
        out
    }

    #[test]
    fn central_zip64_extras_hold_both_sizes() {
        // After an entry of exactly 0xFFFFFFFF bytes Info-ZIP unzip 6.0 reads
        // an offset-only Zip64 extra's offset as a size.
        for video in [0xFFFF_FFFEu64, 0xFFFF_FFFF, 0x1_0000_0000] {
            let entries = [
                EntryMeta {
                    name: "v.mp4".into(),
                    size: video,
                    crc32: 1,
                },
                EntryMeta {
                    name: "a.pdf".into(),
                    size: 10,
                    crc32: 2,
                },
            ];
            let (parts, _) = layout(&entries, 0).expect("layout");
            let Some(Part::Bytes(tail)) = parts.last() else {
                panic!("the tail is bytes")
            };
            let c = central(tail, 2);
            let local0 = 30 + 5 + 9 + if video >= MARKER32 { 20 } else { 0 };
            if video >= MARKER32 {
                assert_eq!(c[0], ((u32::MAX, u32::MAX), 0, vec![video, video]));
            } else {
                assert_eq!(c[0], ((video as u32, video as u32), 0, vec![]));
            }
            assert_eq!(
                c[1],
                ((u32::MAX, u32::MAX), u32::MAX, vec![10, 10, local0 + video]),
                "video of {video:#x}"
            );
        }
    }

    #[test]
    fn classic_until_the_marker() {
        let small = [EntryMeta {
            name: "a".into(),
            size: 0xFFFF_FFFE,
            crc32: 0,
        }];
        let (parts, _) = layout(&small, 0).expect("layout");
        let Part::Bytes(local) = &parts[0] else {
            panic!("first part is a header")
        };
        assert_eq!(u16::from_le_bytes([local[4], local[5]]), VERSION_CLASSIC);
        let big = [EntryMeta {
            name: "a".into(),
            size: 0xFFFF_FFFF,
            crc32: 0,
        }];
        let (parts, _) = layout(&big, 0).expect("layout");
        let Part::Bytes(local) = &parts[0] else {
            panic!("first part is a header")
        };
        assert_eq!(u16::from_le_bytes([local[4], local[5]]), VERSION_ZIP64);
    }
}
