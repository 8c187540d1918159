//! `verify`: re-read a received bundle — its structure first, as both kinds of
//! zip reader see it (every local header equal to its central record, the
//! entries laid end to end with nothing before, between or over them, so a
//! streaming reader and a directory reader unpack the same files), then with
//! the `zip` crate: every entry's name checked (no `../`, no absolute path, no
//! control character), its declared size checked against the archive (no zip
//! bombs), every byte read and its CRC checked, the manifest compared with
//! what is there (every listed file present and equal, nothing unlisted) —
//! and re-run the checks on the video inside, read in place (nothing is
//! extracted or written). Native only.

use std::io::{Read, Seek};

use crate::Error;
use crate::bundle::{Manifest, VideoIn};
use crate::check::Report;
use crate::form::{self, Attached};
use crate::probe::{self, MediaInfo};
use crate::submission::{READ_CHUNK, Submission};

/// One entry of a bundle that was read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub size: u64,
    pub crc32: u32,
}

/// A bundle that was read whole.
#[derive(Debug)]
pub struct Verified {
    /// Every entry, in order.
    pub entries: Vec<Entry>,
    pub manifest: Manifest,
    /// The video's name in the bundle; `None` when the video comes later.
    pub video_name: Option<String>,
    /// What the probe saw of the video inside; `None` when it comes later.
    pub media: Option<MediaInfo>,
    pub report: Report,
}

pub fn bad_bundle(zh: String, en: String) -> Error {
    Error::new(
        "bad_bundle",
        format!("打包文件有问题：{zh}"),
        format!("The bundle is broken: {en}"),
    )
}

/// The largest entry `verify` reads (a declared size past this is refused).
const MAX_ENTRY: u64 = 64 * 1024 * 1024 * 1024;
/// The most of `manifest.json` kept to parse.
const MAX_MANIFEST: usize = 4 * 1024 * 1024;

/// An entry as it was read: where its data is, how it is stored, its first
/// bytes (to tell a scan's type) and, for the manifest, its bytes.
struct ReadEntry {
    entry: Entry,
    data_start: Option<u64>,
    stored: bool,
    head: Vec<u8>,
    /// The manifest's bytes (empty for every other entry).
    small: Vec<u8>,
}

/// Open `reader` as a zip, or say it is not one.
fn open<R: Read + Seek>(r: R) -> Result<zip::ZipArchive<R>, Error> {
    zip::ZipArchive::new(r).map_err(|e| {
        bad_bundle(
            format!("无法作为 zip 读取（{e}）"),
            format!("not readable as a zip ({e})"),
        )
    })
}

/// The zip crate must see the very entries the layout check saw.
fn same_entries<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    raw: &[RawEntry],
) -> Result<(), Error> {
    let disagree = || {
        bad_bundle(
            "两种读取方式得到的文件列表不同".into(),
            "two ways of reading it give different entries".into(),
        )
    };
    if zip.len() != raw.len() {
        return Err(disagree());
    }
    for (i, r) in raw.iter().enumerate() {
        let e = zip.by_index_raw(i).map_err(|_| disagree())?;
        if e.name_raw() != r.name.as_slice()
            || e.header_start() != r.header
            || e.data_start() != Some(r.data_start)
        {
            return Err(disagree());
        }
    }
    Ok(())
}

/// An entry's name, refused when it is not safe to unpack.
fn safe_name<R: Read>(i: usize, e: &zip::read::ZipFile<'_, R>) -> Result<String, Error> {
    let name = e.name().map(|n| n.to_string()).map_err(|err| {
        bad_bundle(
            format!("第 {i} 项的文件名无法解码（{err}）"),
            format!("entry {i} has an undecodable name ({err})"),
        )
    })?;
    if name.chars().any(|c| c.is_control()) {
        return Err(bad_bundle(
            format!("文件名「{name}」不安全（含控制字符）"),
            format!("unsafe entry name \"{name}\" (a control character)"),
        ));
    }
    // enclosed_name() drops a leading `/` or `C:` rather than refusing it.
    if e.enclosed_name().is_none()
        || name.contains('\\')
        || name.starts_with('/')
        || name.contains(':')
    {
        return Err(bad_bundle(
            format!("文件名「{name}」不安全（含 ../ 或绝对路径）"),
            format!("unsafe entry name \"{name}\" (../ or an absolute path)"),
        ));
    }
    Ok(name)
}

/// Read entry `i` whole, checking its declared size and its CRC.
fn read_entry<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    i: usize,
    raw: &[RawEntry],
    archive_len: u64,
) -> Result<ReadEntry, Error> {
    let mut e = zip.by_index(i).map_err(|e| {
        bad_bundle(
            format!("第 {i} 项无法读取（{e}）"),
            format!("entry {i} unreadable ({e})"),
        )
    })?;
    let name = safe_name(i, &e)?;
    let (size, packed) = (e.size(), e.compressed_size());
    if size > MAX_ENTRY
        || packed > archive_len
        || (packed > 0 && size / packed.max(1) > 1000)
        || (packed == 0 && size > 0)
    {
        return Err(bad_bundle(
            format!("「{name}」声明的大小 {size} 字节不可信（压缩包只有 {archive_len} 字节）"),
            format!(
                "\"{name}\" declares {size} bytes, which cannot be true of a {archive_len}-byte archive"
            ),
        ));
    }
    let stored = e.compression() == zip::CompressionMethod::Stored;
    let (mut head, mut small) = (Vec::new(), Vec::new());
    // Read every byte: the zip crate checks the CRC at the end.
    let mut buf = vec![0u8; READ_CHUNK];
    let mut h = crc32fast::Hasher::new();
    let mut n = 0u64;
    loop {
        let k = e.read(&mut buf).map_err(|err| {
            bad_bundle(
                format!("「{name}」读取失败或校验和不符（{err}）"),
                format!("\"{name}\" failed to read or its CRC does not match ({err})"),
            )
        })?;
        if k == 0 {
            break;
        }
        if head.len() < 64 {
            head.extend_from_slice(&buf[..k.min(64 - head.len())]);
        }
        if name == "manifest.json" && small.len() < MAX_MANIFEST {
            small.extend_from_slice(&buf[..k]);
        }
        h.update(&buf[..k]);
        n += k as u64;
        if n > size {
            return Err(bad_bundle(
                format!("「{name}」比声明的更长"),
                format!("\"{name}\" is longer than declared"),
            ));
        }
    }
    if n != size {
        return Err(bad_bundle(
            format!("「{name}」被截断（{n}/{size} 字节）"),
            format!("\"{name}\" is cut short ({n} of {size} bytes)"),
        ));
    }
    let crc32 = h.finalize();
    if crc32 != e.crc32() {
        return Err(bad_bundle(
            format!("「{name}」校验和不符"),
            format!("\"{name}\" fails its CRC"),
        ));
    }
    Ok(ReadEntry {
        entry: Entry { name, size, crc32 },
        data_start: raw.get(i).map(|r| r.data_start),
        stored,
        head,
        small,
    })
}

/// The manifest matches what is there: every listed file present and
/// equal, nothing unlisted, at most one video.
fn manifest_matches(m: &Manifest, entries: &[ReadEntry]) -> Result<(), Error> {
    // Nothing the manifest does not list: a page with a script, a program or
    // a second video added after the bundle was made.
    let unlisted: Vec<&str> = entries
        .iter()
        .map(|e| e.entry.name.as_str())
        .filter(|n| *n != "manifest.json" && !m.files.iter().any(|f| f.name == *n))
        .collect();
    if !unlisted.is_empty() {
        return Err(bad_bundle(
            format!(
                "包中有清单未列出的文件：「{}」。它们不是打包时放入的，请勿打开，并向投稿人索要原始打包文件",
                unlisted.join("」「")
            ),
            format!(
                "entries the manifest does not list: \"{}\". They were not put in when the bundle was made: do not open them, and ask the sender for the original bundle",
                unlisted.join("\", \"")
            ),
        ));
    }
    if m.files.iter().filter(|f| f.role == "video").count() > 1 {
        return Err(bad_bundle(
            "清单列出了不止一个视频".into(),
            "the manifest lists more than one video".into(),
        ));
    }
    for f in &m.files {
        match entries.iter().find(|e| e.entry.name == f.name) {
            None => {
                return Err(bad_bundle(
                    format!("清单列出的「{}」不在包中", f.name),
                    format!("\"{}\" is listed but missing", f.name),
                ));
            }
            Some(e) if e.entry.size != f.size || format!("{:08x}", e.entry.crc32) != f.crc32 => {
                return Err(bad_bundle(
                    format!("「{}」与清单记录的大小或校验和不符", f.name),
                    format!("\"{}\" differs from the manifest's size or CRC", f.name),
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Probe the video inside, reading it in place.
fn probe_inside<R: Read + Seek>(
    f: &mut R,
    name: &str,
    entries: &[ReadEntry],
) -> Result<MediaInfo, Error> {
    let ve = entries
        .iter()
        .find(|e| e.entry.name == name)
        .ok_or_else(|| bad_bundle("视频缺失".into(), "video missing".into()))?;
    if !ve.stored {
        return Err(bad_bundle(
            "视频被压缩存储，无法就地检查".into(),
            "the video is compressed and cannot be checked in place".into(),
        ));
    }
    let base = ve.data_start.ok_or_else(|| {
        bad_bundle(
            "视频数据位置未知".into(),
            "the video's data offset is unknown".into(),
        )
    })?;
    let mut info = probe::probe_reader(f, base, ve.entry.size)?;
    info.file = name.to_string();
    Ok(info)
}

/// The entry the manifest describes, as a [`Submission`]: its profile,
/// category, channel and form as recorded, the video's facts; and its scans
/// as the check engine sees them, typed by their bytes.
fn recheck(
    p: &crate::profile::Profile,
    m: &Manifest,
    media: Option<MediaInfo>,
    entries: &[ReadEntry],
) -> Result<Report, Error> {
    // As recorded: the scope the bundle was made with, even where the
    // profile has since come to ask for another.
    let mut s = Submission::draft(p, m.category.clone(), m.channel.clone(), m.form.clone());
    s.video = media.map(|info| VideoIn {
        size: info.size_bytes,
        info,
        ..Default::default()
    });
    // A bundle without its video: only where the form says it comes later.
    s.video_or_later().map_err(|e| {
        bad_bundle(
            format!("清单中没有视频。{}", e.message_zh),
            format!("the manifest lists no video. {}", e.message_en),
        )
    })?;
    let attached: Vec<Attached> = m
        .files
        .iter()
        .filter(|f| f.role == "scan")
        .map(|f| {
            let head = entries
                .iter()
                .find(|e| e.entry.name == f.name)
                .map(|e| e.head.as_slice())
                .unwrap_or_default();
            Attached {
                slot: f.slot.clone().unwrap_or_default(),
                name: f.name.clone(),
                size: f.size,
                kind: form::detect(head).kind(),
                heic: false,
            }
        })
        .collect();
    Ok(s.check_with(&attached))
}

/// Verify a bundle read from `reader` (`archive_len` bytes long).
pub fn verify<R: Read + Seek>(reader: R, archive_len: u64) -> Result<Verified, Error> {
    let mut reader = open(reader)?.into_inner();
    let raw = check_layout(&mut reader, archive_len)?;
    let mut zip = open(reader)?;
    same_entries(&mut zip, &raw)?;
    let mut entries = Vec::new();
    for i in 0..zip.len() {
        entries.push(read_entry(&mut zip, i, &raw, archive_len)?);
    }
    let small = entries
        .iter()
        .find(|e| e.entry.name == "manifest.json")
        .map(|e| e.small.as_slice())
        .ok_or_else(|| {
            bad_bundle(
                "缺少 manifest.json".into(),
                "manifest.json is missing".into(),
            )
        })?;
    let m: Manifest = serde_json::from_slice(small).map_err(|err| {
        bad_bundle(
            format!("manifest.json 无效（{err}）"),
            format!("manifest.json is invalid ({err})"),
        )
    })?;
    manifest_matches(&m, &entries)?;
    let video_name = m
        .files
        .iter()
        .find(|f| f.role == "video")
        .map(|f| f.name.clone());
    let mut f = zip.into_inner();
    let media = match &video_name {
        Some(n) => Some(probe_inside(&mut f, n, &entries)?),
        None => None,
    };
    let p = crate::profile::builtin(&m.profile)?;
    let report = recheck(&p, &m, media.clone(), &entries)?;
    Ok(Verified {
        entries: entries.into_iter().map(|e| e.entry).collect(),
        manifest: m,
        video_name,
        media,
        report,
    })
}

// ------------------------------------------------------------ the layout

/// The central directory may be at most this long (a bundle's is a few KiB).
const MAX_CENTRAL: u64 = 16 * 1024 * 1024;
const MARKER16: u16 = 0xFFFF;
const MARKER32: u32 = 0xFFFF_FFFF;
const SIG_LOCAL: u32 = 0x0403_4b50;
const SIG_CENTRAL: u32 = 0x0201_4b50;
const SIG_END: u32 = 0x0605_4b50;
const SIG_END64: u32 = 0x0606_4b50;
const SIG_LOCATOR64: u32 = 0x0706_4b50;
/// Info-ZIP's Unicode Path extra field: some readers take the name from it.
const EXTRA_UNICODE_PATH: u16 = 0x7075;
const EXTRA_ZIP64: u16 = 0x0001;

/// One entry as both its central record and its local header describe it
/// (they were found equal).
#[derive(Debug, Clone)]
struct RawEntry {
    name: Vec<u8>,
    /// Where its local header starts, its data starts and its data ends.
    header: u64,
    data_start: u64,
    data_end: u64,
}

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(i..i.checked_add(2)?)?.try_into().ok()?,
    ))
}
fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(i..i.checked_add(4)?)?.try_into().ok()?,
    ))
}
fn u64_at(b: &[u8], i: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        b.get(i..i.checked_add(8)?)?.try_into().ok()?,
    ))
}

/// `len` bytes at `off` (the caller caps `len`).
fn read_at<R: Read + Seek>(r: &mut R, off: u64, len: usize) -> Result<Vec<u8>, Error> {
    let mut v = vec![0u8; len];
    r.seek(std::io::SeekFrom::Start(off))
        .and_then(|_| r.read_exact(&mut v))
        .map_err(|e| {
            bad_bundle(
                format!("在第 {off} 字节处读取失败（{e}）"),
                format!("cannot read at byte {off} ({e})"),
            )
        })?;
    Ok(v)
}

/// A name from the archive, for messages (the CLI escapes what a terminal
/// would act on).
fn shown(name: &[u8]) -> String {
    String::from_utf8_lossy(name).into_owned()
}

/// The extra fields of a header, or `None` when their lengths do not add up.
fn extra_fields(mut b: &[u8]) -> Option<Vec<(u16, &[u8])>> {
    let mut out = Vec::new();
    while !b.is_empty() {
        let id = u16_at(b, 0)?;
        let len = usize::from(u16_at(b, 2)?);
        let body = b.get(4..4 + len)?;
        out.push((id, body));
        b = &b[4 + len..];
    }
    Some(out)
}

fn broken_structure(zh: &str, en: &str) -> Error {
    bad_bundle(
        format!(
            "{zh}。按顺序读取 zip 的程序（Java ZipInputStream、bsdtar、浏览器的流式解压）可能解出与目录不同的文件。请向投稿人索要原始打包文件"
        ),
        format!(
            "{en}. A program that reads the zip in order (Java's ZipInputStream, bsdtar, streaming unzippers) may unpack something other than its directory lists. Ask the sender for the original bundle"
        ),
    )
}

/// One entry's local header differs from its central record.
fn local_differs(name: &[u8], zh: &str, en: &str) -> Error {
    let n = shown(name);
    broken_structure(
        &format!("「{n}」的本地文件头与中央目录不一致：{zh}"),
        &format!("\"{n}\": its local header differs from the central directory: {en}"),
    )
}

/// Read the archive's structure the way a streaming reader and a
/// directory reader each see it, and refuse any difference: the end
/// record(s) at the very end, the central directory right before them, every
/// local header equal to its central record (name bytes, flags, method,
/// time, CRC, both sizes, Zip64 extras), and the entries laid end to end from
/// byte 0 to the central directory, with nothing before, between or over them.
/// The end record(s) at the very end and where the central directory is:
/// its entry count, size and offset.
fn find_central<R: Read + Seek>(r: &mut R, archive_len: u64) -> Result<(u64, u64, u64), Error> {
    let end_off = archive_len
        .checked_sub(22)
        .ok_or_else(|| broken_structure("太短，没有结束记录", "too short for an end record"))?;
    let end = read_at(r, end_off, 22)?;
    if u32_at(&end, 0) != Some(SIG_END) || u16_at(&end, 20) != Some(0) {
        return Err(broken_structure(
            "结束记录不在文件末尾（末尾有多余数据或注释）",
            "the end record is not at the very end (trailing bytes or a comment)",
        ));
    }
    let f16 = |i| u16_at(&end, i).unwrap_or(0);
    let f32 = |i| u32_at(&end, i).unwrap_or(0);
    let (disk, cd_disk, n_disk, n16, size32, off32) =
        (f16(4), f16(6), f16(8), f16(10), f32(12), f32(16));
    let locator = match end_off.checked_sub(20) {
        Some(at) => Some((at, read_at(r, at, 20)?)),
        None => None,
    };
    let (n, cd_size, cd_off, cd_end) = match locator {
        Some((loc_off, loc)) if u32_at(&loc, 0) == Some(SIG_LOCATOR64) => {
            let z_off = u64_at(&loc, 8).unwrap_or(u64::MAX);
            let disks = u32_at(&loc, 16).unwrap_or(0);
            if u32_at(&loc, 4) != Some(0)
                || disks > 1
                || z_off.checked_add(56).is_none_or(|e| e > loc_off)
            {
                return Err(broken_structure(
                    "Zip64 定位记录无效",
                    "the Zip64 end locator is invalid",
                ));
            }
            let z = read_at(r, z_off, 56)?;
            let rec_len = u64_at(&z, 4).unwrap_or(0);
            let (zn_disk, zn) = (u64_at(&z, 24).unwrap_or(0), u64_at(&z, 32).unwrap_or(0));
            let (zsize, zoff) = (u64_at(&z, 40).unwrap_or(0), u64_at(&z, 48).unwrap_or(0));
            let agrees16 = |c: u16, v: u64| c == MARKER16 || u64::from(c) == v;
            let agrees32 = |c: u32, v: u64| c == MARKER32 || u64::from(c) == v;
            if u32_at(&z, 0) != Some(SIG_END64)
                || rec_len < 44
                || z_off.checked_add(12).and_then(|x| x.checked_add(rec_len)) != Some(loc_off)
                || u32_at(&z, 16) != Some(0)
                || u32_at(&z, 20) != Some(0)
                || zn_disk != zn
                || !agrees16(n16, zn)
                || !agrees16(n_disk, zn_disk)
                || !agrees32(size32, zsize)
                || !agrees32(off32, zoff)
            {
                return Err(broken_structure(
                    "Zip64 结束记录无效，或与普通结束记录不符",
                    "the Zip64 end record is invalid or disagrees with the end record",
                ));
            }
            (zn, zsize, zoff, z_off)
        }
        _ => (u64::from(n16), u64::from(size32), u64::from(off32), end_off),
    };
    if disk != 0 || cd_disk != 0 || n_disk != n16 {
        return Err(broken_structure(
            "分卷压缩包（多个磁盘）",
            "a multi-part (spanned) archive",
        ));
    }
    if cd_off.checked_add(cd_size) != Some(cd_end) {
        return Err(broken_structure(
            "中央目录不是紧接在结束记录之前",
            "the central directory does not end where the end record starts",
        ));
    }
    if cd_size > MAX_CENTRAL || n > cd_size / 46 {
        return Err(broken_structure(
            &format!("中央目录大小（{cd_size} 字节，{n} 项）不可信"),
            &format!("the central directory's size ({cd_size} bytes, {n} entries) cannot be true"),
        ));
    }
    Ok((n, cd_size, cd_off))
}

/// Zip64's sizes, offset and disk from the central record's extra fields:
/// only the fields whose classic value is the marker, in order.
fn zip64_fields(
    n_: &str,
    cx: &[(u16, &[u8])],
    (usize32, csize32, off32, disk_start): (u32, u32, u32, u16),
) -> Result<(u64, u64, u64, u32), Error> {
    let mut usize_ = u64::from(usize32);
    let mut csize = u64::from(csize32);
    let mut offset = u64::from(off32);
    let mut disk_ = u32::from(disk_start);
    let z64: Vec<&[u8]> = cx
        .iter()
        .filter(|x| x.0 == EXTRA_ZIP64)
        .map(|x| x.1)
        .collect();
    let want = [
        usize32 == MARKER32,
        csize32 == MARKER32,
        off32 == MARKER32,
        disk_start == MARKER16,
    ];
    if z64.len() > 1 || (want.iter().any(|w| *w) && z64.is_empty()) {
        return Err(broken_structure(
            &format!("「{n_}」的 Zip64 附加字段缺失或重复"),
            &format!("\"{n_}\" has a missing or repeated Zip64 extra field"),
        ));
    }
    if let Some(z) = z64.first() {
        let mut k = 0usize;
        let mut next8 = || {
            let v = u64_at(z, k);
            k += 8;
            v
        };
        let short = || {
            broken_structure(
                &format!("「{n_}」的 Zip64 附加字段太短"),
                &format!("\"{n_}\" has a Zip64 extra field that is too short"),
            )
        };
        if want[0] {
            usize_ = next8().ok_or_else(short)?;
        }
        if want[1] {
            csize = next8().ok_or_else(short)?;
        }
        if want[2] {
            offset = next8().ok_or_else(short)?;
        }
        if want[3] {
            disk_ = u32_at(z, k).ok_or_else(short)?;
        }
    }
    Ok((usize_, csize, offset, disk_))
}

/// One central record as it was read (its Zip64 fields resolved).
struct Central {
    name: Vec<u8>,
    flags: u16,
    method: u16,
    time: u16,
    date: u16,
    crc: u32,
    csize: u64,
    usize_: u64,
    offset: u64,
}

/// Central record `i`, at `*at` in the directory `cd` (moved past it),
/// refused where readers would read it differently.
fn central_record(cd: &[u8], at: &mut usize, i: u64) -> Result<Central, Error> {
    let bad_record = || {
        broken_structure(
            &format!("中央目录第 {i} 项无效"),
            &format!("central directory record {i} is invalid"),
        )
    };
    let rec = cd.get(*at..).ok_or_else(bad_record)?;
    if u32_at(rec, 0) != Some(SIG_CENTRAL) {
        return Err(bad_record());
    }
    let g16 = |k| u16_at(rec, k).ok_or_else(bad_record);
    let g32 = |k| u32_at(rec, k).ok_or_else(bad_record);
    let (flags, method, time, date) = (g16(8)?, g16(10)?, g16(12)?, g16(14)?);
    let (crc, csize32, usize32) = (g32(16)?, g32(20)?, g32(24)?);
    let (nlen, xlen, clen) = (
        usize::from(g16(28)?),
        usize::from(g16(30)?),
        usize::from(g16(32)?),
    );
    let (disk_start, off32) = (g16(34)?, g32(42)?);
    let name = rec.get(46..46 + nlen).ok_or_else(bad_record)?.to_vec();
    let extra = rec
        .get(46 + nlen..46 + nlen + xlen)
        .ok_or_else(bad_record)?;
    if rec.len() < 46 + nlen + xlen + clen {
        return Err(bad_record());
    }
    *at += 46 + nlen + xlen + clen;
    let n_ = shown(&name);
    if clen != 0 {
        return Err(broken_structure(
            &format!("「{n_}」带有文件注释"),
            &format!("\"{n_}\" carries a file comment"),
        ));
    }
    let cx = extra_fields(extra).ok_or_else(|| {
        broken_structure(
            &format!("「{n_}」在中央目录中的附加字段长度不符"),
            &format!("\"{n_}\" has malformed extra fields in the central directory"),
        )
    })?;
    // Zip64: only the fields whose classic value is the marker, in order.
    let (usize_, csize, offset, disk_) =
        zip64_fields(&n_, &cx, (usize32, csize32, off32, disk_start))?;
    if disk_ != 0 {
        return Err(broken_structure(
            "分卷压缩包（多个磁盘）",
            "a multi-part (spanned) archive",
        ));
    }
    if cx.iter().any(|x| x.0 == EXTRA_UNICODE_PATH) {
        return Err(broken_structure(
            &format!("「{n_}」带有 Unicode Path 附加字段（部分解压程序会改用其中的文件名）"),
            &format!(
                "\"{n_}\" carries a Unicode Path extra field (some unzippers take the name from it)"
            ),
        ));
    }
    if flags & 0x0001 != 0 || flags & 0x0040 != 0 || flags & 0x2000 != 0 {
        return Err(broken_structure(
            &format!("「{n_}」被加密"),
            &format!("\"{n_}\" is encrypted"),
        ));
    }
    if flags & 0x0008 != 0 {
        return Err(broken_structure(
            &format!("「{n_}」的大小和校验和在数据之后（数据描述符）"),
            &format!("\"{n_}\" puts its sizes and CRC after its data (a data descriptor)"),
        ));
    }
    if flags & 0x0800 == 0 && !name.is_ascii() {
        return Err(broken_structure(
            &format!("「{n_}」的文件名未标明 UTF-8，各解压程序会按不同编码解读"),
            &format!(
                "\"{n_}\" has a non-ASCII name not marked as UTF-8, which unzippers decode differently"
            ),
        ));
    }

    Ok(Central {
        name,
        flags,
        method,
        time,
        date,
        crc,
        csize,
        usize_,
        offset,
    })
}

/// The sizes a local header gives: in a local header a Zip64 extra holds
/// both sizes, and both classic fields are the marker; anything else is read
/// differently by different readers.
fn local_sizes(
    name: &[u8],
    lx: &[(u16, &[u8])],
    lcs32: u32,
    lus32: u32,
) -> Result<(u64, u64), Error> {
    let l64: Vec<&[u8]> = lx
        .iter()
        .filter(|x| x.0 == EXTRA_ZIP64)
        .map(|x| x.1)
        .collect();
    // In a local header a Zip64 extra holds both sizes, and both classic
    // fields are the marker; anything else is read differently by
    // different readers.
    let sizes = match (l64.as_slice(), lus32 == MARKER32 || lcs32 == MARKER32) {
        ([], false) => (u64::from(lus32), u64::from(lcs32)),
        ([z], true) if lus32 == MARKER32 && lcs32 == MARKER32 => {
            match (u64_at(z, 0), u64_at(z, 8)) {
                (Some(u), Some(c)) => (u, c),
                _ => {
                    return Err(local_differs(
                        name,
                        "Zip64 附加字段太短",
                        "its Zip64 extra field is too short",
                    ));
                }
            }
        }
        _ => {
            return Err(local_differs(
                name,
                "Zip64 附加字段与大小字段不一致",
                "its Zip64 extra field and size fields disagree",
            ));
        }
    };
    Ok(sizes)
}

/// The local header's flags, method, time, date and CRC equal the central
/// record's.
fn fields_agree(
    name: &[u8],
    lh: &[u8],
    [flags, method, time, date]: [u16; 4],
    crc: u32,
) -> Result<(), Error> {
    let l16 = |k| u16_at(lh, k).unwrap_or(0);
    let l32 = |k| u32_at(lh, k).unwrap_or(0);
    let fields = [
        ("标志位", "flags", u32::from(l16(6)), u32::from(flags)),
        ("压缩方式", "method", u32::from(l16(8)), u32::from(method)),
        ("修改时间", "time", u32::from(l16(10)), u32::from(time)),
        ("修改日期", "date", u32::from(l16(12)), u32::from(date)),
        ("CRC-32", "CRC-32", l32(14), crc),
    ];
    for (zh, en, local, central) in fields {
        if local != central {
            return Err(local_differs(
                name,
                &format!("{zh}为 {local:#x}，中央目录为 {central:#x}"),
                &format!("{en} {local:#x}, the central directory says {central:#x}"),
            ));
        }
    }
    Ok(())
}

/// The local header of `c`, equal to it in every field that matters.
fn local_entry<R: Read + Seek>(r: &mut R, c: Central, cd_off: u64) -> Result<RawEntry, Error> {
    let Central {
        name,
        flags,
        method,
        time,
        date,
        crc,
        csize,
        usize_,
        offset,
    } = c;
    let n_ = shown(&name);
    let lh_end = offset.checked_add(30).filter(|e| *e <= cd_off);
    if lh_end.is_none() {
        return Err(broken_structure(
            &format!("「{n_}」的本地文件头位置（第 {offset} 字节）越界"),
            &format!("\"{n_}\" has its local header out of bounds (at byte {offset})"),
        ));
    }
    let lh = read_at(r, offset, 30)?;
    if u32_at(&lh, 0) != Some(SIG_LOCAL) {
        return Err(local_differs(
            &name,
            &format!("第 {offset} 字节处没有本地文件头"),
            &format!("there is no local header at byte {offset}"),
        ));
    }
    let l16 = |k| u16_at(&lh, k).unwrap_or(0);
    let l32 = |k| u32_at(&lh, k).unwrap_or(0);
    let (lnlen, lxlen) = (u64::from(l16(26)), u64::from(l16(28)));
    let data_start = offset + 30 + lnlen + lxlen;
    if data_start > cd_off {
        return Err(broken_structure(
            &format!("「{n_}」的本地文件头伸入中央目录"),
            &format!("\"{n_}\" has a local header that runs into the central directory"),
        ));
    }
    let tail = read_at(r, offset + 30, (lnlen + lxlen) as usize)?;
    let (lname, lextra) = tail.split_at(lnlen as usize);
    if lname != name.as_slice() {
        let l = shown(lname);
        return Err(local_differs(
            &name,
            &format!("本地文件头写的文件名是「{l}」"),
            &format!("the local header names it \"{l}\""),
        ));
    }
    fields_agree(&name, &lh, [flags, method, time, date], crc)?;
    let lx = extra_fields(lextra).ok_or_else(|| {
        local_differs(&name, "附加字段长度不符", "its extra fields are malformed")
    })?;
    if lx.iter().any(|x| x.0 == EXTRA_UNICODE_PATH) {
        return Err(local_differs(
            &name,
            "带有 Unicode Path 附加字段（部分解压程序会改用其中的文件名）",
            "it carries a Unicode Path extra field (some unzippers take the name from it)",
        ));
    }
    let (lusize, lcsize) = local_sizes(&name, &lx, l32(18), l32(22))?;
    if (lusize, lcsize) != (usize_, csize) {
        return Err(local_differs(
            &name,
            &format!(
                "大小为 {lcsize}/{lusize} 字节，中央目录为 {csize}/{usize_} 字节（压缩后/原始）"
            ),
            &format!(
                "sizes {lcsize}/{lusize} bytes, the central directory says {csize}/{usize_} (stored/original)"
            ),
        ));
    }
    let data_end = data_start
        .checked_add(csize)
        .filter(|e| *e <= cd_off)
        .ok_or_else(|| {
            broken_structure(
                &format!("「{n_}」的数据（{csize} 字节）伸入中央目录或越界"),
                &format!(
                    "\"{n_}\" has data ({csize} bytes) that runs into the central directory or past the end"
                ),
            )
        })?;
    Ok(RawEntry {
        name,
        header: offset,
        data_start,
        data_end,
    })
}

/// The same name twice (or in two cases, which collide on Windows and
/// macOS): which one is unpacked depends on the reader.
fn no_duplicates(entries: &[RawEntry]) -> Result<(), Error> {
    let mut seen = std::collections::BTreeMap::new();
    for e in entries {
        let key = String::from_utf8_lossy(&e.name).to_lowercase();
        if let Some(first) = seen.insert(key, &e.name) {
            let (a, b) = (shown(first), shown(&e.name));
            return Err(broken_structure(
                &format!("文件名重复：「{a}」与「{b}」"),
                &format!("the name occurs twice: \"{a}\" and \"{b}\""),
            ));
        }
    }
    Ok(())
}

/// The entries end to end from byte 0 to the central directory, with
/// nothing before, between or over them.
fn end_to_end(entries: &[RawEntry], cd_off: u64) -> Result<(), Error> {
    let mut order: Vec<&RawEntry> = entries.iter().collect();
    order.sort_by_key(|e| e.header);
    let mut pos = 0u64;
    let mut prev: Option<&RawEntry> = None;
    for e in order {
        if e.header < pos {
            let p = prev.map(|p| shown(&p.name)).unwrap_or_default();
            let n_ = shown(&e.name);
            return Err(broken_structure(
                &format!("「{n_}」与「{p}」在压缩包中重叠"),
                &format!("\"{n_}\" overlaps \"{p}\" in the archive"),
            ));
        }
        if e.header > pos {
            let gap = e.header - pos;
            return Err(match prev {
                None => broken_structure(
                    &format!("第一个文件之前有 {gap} 字节不属于任何文件（可能是附加的程序）"),
                    &format!(
                        "{gap} bytes before the first entry belong to no entry (a prepended program?)"
                    ),
                ),
                Some(p) => {
                    let p = shown(&p.name);
                    broken_structure(
                        &format!(
                            "「{p}」之后有 {gap} 字节不属于任何文件（可能藏有目录未列出的文件）"
                        ),
                        &format!(
                            "{gap} bytes after \"{p}\" belong to no entry (a file the directory does not list may hide there)"
                        ),
                    )
                }
            });
        }
        pos = e.data_end;
        prev = Some(e);
    }
    if pos != cd_off {
        let gap = cd_off - pos;
        return Err(broken_structure(
            &format!("中央目录之前有 {gap} 字节不属于任何文件（可能藏有目录未列出的文件）"),
            &format!(
                "{gap} bytes before the central directory belong to no entry (a file the directory does not list may hide there)"
            ),
        ));
    }
    Ok(())
}

fn check_layout<R: Read + Seek>(r: &mut R, archive_len: u64) -> Result<Vec<RawEntry>, Error> {
    let (n, cd_size, cd_off) = find_central(r, archive_len)?;
    let cd = read_at(r, cd_off, cd_size as usize)?;
    let mut at = 0usize;
    let mut entries: Vec<RawEntry> = Vec::new();
    for i in 0..n {
        let c = central_record(&cd, &mut at, i)?;
        entries.push(local_entry(r, c, cd_off)?);
    }
    if at != cd.len() {
        return Err(broken_structure(
            &format!("中央目录在 {n} 项之后还有 {} 字节", cd.len() - at),
            &format!(
                "the central directory has {} bytes after its {n} records",
                cd.len() - at
            ),
        ));
    }
    no_duplicates(&entries)?;
    end_to_end(&entries, cd_off)?;
    Ok(entries)
}
