//! `verify`: re-read a received bundle with the `zip` crate — every entry's
//! name checked (no `../`, no absolute path), its declared size checked
//! against the archive (no zip bombs), every byte read and its CRC checked,
//! the manifest compared with what is there — and re-run the checks on the
//! video inside, read in place (nothing is extracted or written). Native only.

use std::io::{Read, Seek};

use crate::Error;
use crate::bundle::Manifest;
use crate::check::{self, Input, Report};
use crate::form::{self, Attached};
use crate::probe::{self, MediaInfo};

const CHUNK: usize = 4 * 1024 * 1024;

/// A bundle that was read whole.
#[derive(Debug)]
pub struct Verified {
    /// (name, size, CRC-32) of every entry, in order.
    pub entries: Vec<(String, u64, u32)>,
    pub manifest: Manifest,
    pub video_name: String,
    pub media: MediaInfo,
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

/// Verify a bundle read from `reader` (`archive_len` bytes long).
pub fn verify<R: Read + Seek>(reader: R, archive_len: u64) -> Result<Verified, Error> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| {
        bad_bundle(
            format!("无法作为 zip 读取（{e}）"),
            format!("not readable as a zip ({e})"),
        )
    })?;
    let mut manifest: Option<Manifest> = None;
    let mut entries = Vec::new();
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).map_err(|e| {
            bad_bundle(
                format!("第 {i} 项无法读取（{e}）"),
                format!("entry {i} unreadable ({e})"),
            )
        })?;
        let name = e.name().map(|n| n.to_string()).map_err(|err| {
            bad_bundle(
                format!("第 {i} 项的文件名无法解码（{err}）"),
                format!("entry {i} has an undecodable name ({err})"),
            )
        })?;
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
        let data_start = e.data_start();
        let stored = e.compression() == zip::CompressionMethod::Stored;
        let mut head = Vec::new();
        let mut small = Vec::new();
        // Read every byte: the zip crate checks the CRC at the end.
        let mut buf = vec![0u8; CHUNK];
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
            if name == "manifest.json" && small.len() < 4 * 1024 * 1024 {
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
        let crc = h.finalize();
        if crc != e.crc32() {
            return Err(bad_bundle(
                format!("「{name}」校验和不符"),
                format!("\"{name}\" fails its CRC"),
            ));
        }
        if name == "manifest.json" {
            manifest = Some(serde_json::from_slice(&small).map_err(|err| {
                bad_bundle(
                    format!("manifest.json 无效（{err}）"),
                    format!("manifest.json is invalid ({err})"),
                )
            })?);
        }
        entries.push((name, size, crc, data_start, stored, head));
    }
    let m = manifest.ok_or_else(|| {
        bad_bundle(
            "缺少 manifest.json".into(),
            "manifest.json is missing".into(),
        )
    })?;
    for f in &m.files {
        match entries.iter().find(|e| e.0 == f.name) {
            None => {
                return Err(bad_bundle(
                    format!("清单列出的「{}」不在包中", f.name),
                    format!("\"{}\" is listed but missing", f.name),
                ));
            }
            Some(e) if e.1 != f.size || format!("{:08x}", e.2) != f.crc32 => {
                return Err(bad_bundle(
                    format!("「{}」与清单记录的大小或校验和不符", f.name),
                    format!("\"{}\" differs from the manifest's size or CRC", f.name),
                ));
            }
            _ => {}
        }
    }
    // Re-run the checks on the video inside, reading it in place.
    let video = m.files.iter().find(|f| f.role == "video").ok_or_else(|| {
        bad_bundle(
            "清单中没有视频".into(),
            "the manifest lists no video".into(),
        )
    })?;
    let ve = entries
        .iter()
        .find(|e| e.0 == video.name)
        .ok_or_else(|| bad_bundle("视频缺失".into(), "video missing".into()))?;
    if !ve.4 {
        return Err(bad_bundle(
            "视频被压缩存储，无法就地检查".into(),
            "the video is compressed and cannot be checked in place".into(),
        ));
    }
    let mut f = zip.into_inner();
    let base = ve.3.ok_or_else(|| {
        bad_bundle(
            "视频数据位置未知".into(),
            "the video's data offset is unknown".into(),
        )
    })?;
    let mut info = probe::probe_reader(&mut f, base, ve.1)?;
    info.file = video.name.clone();
    let p = crate::profile::builtin(&m.profile)?;
    let attached: Vec<Attached> = m
        .files
        .iter()
        .filter(|f| f.role == "scan")
        .map(|f| {
            let head = entries
                .iter()
                .find(|e| e.0 == f.name)
                .map(|e| e.5.clone())
                .unwrap_or_default();
            Attached {
                slot: f.slot.clone().unwrap_or_default(),
                name: f.name.clone(),
                size: f.size,
                kind: form::detect(&head).kind(),
                heic: false,
            }
        })
        .collect();
    let report = check::check(
        &p,
        &Input {
            category: m.category.as_deref(),
            channel: m.channel.as_deref(),
            media: Some(&info),
            form: Some(&m.form),
            attachments: Some(&attached),
            file_name: Some(&video.name),
        },
    );
    let video_name = video.name.clone();
    Ok(Verified {
        entries: entries.iter().map(|e| (e.0.clone(), e.1, e.2)).collect(),
        manifest: m,
        video_name,
        media: info,
        report,
    })
}
