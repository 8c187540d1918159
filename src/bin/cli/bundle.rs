//! `preflight bundle` and `preflight verify`: the same plan as the browser,
//! written natively in constant memory; and an organiser's check of what arrived.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs::File;
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use preflight::Error;
use preflight::bundle::{self, Part, PlanInput, ScanIn, Source, VideoIn};
use preflight::check::{self, Input, Verdict};
use preflight::form::FormValues;
use preflight::probe;
use preflight::verify;

use super::{Opts, chosen_profile, human_report, shown, text, usage};

const CHUNK: usize = 4 * 1024 * 1024;
const MAX_FORM_JSON: u64 = 1024 * 1024;
const MAX_SCAN: u64 = preflight::form::MAX_SCAN_READ;

pub(super) fn io_err(path: &Path, e: std::io::Error) -> Error {
    Error::io(&format!("{}: {e}", show(path)))
}

pub(super) fn show(p: &Path) -> String {
    shown(p.as_os_str())
}

/// Read a small file whole, refusing anything over `cap` bytes.
fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, Error> {
    let f = File::open(path).map_err(|e| io_err(path, e))?;
    let len = f.metadata().map_err(|e| io_err(path, e))?.len();
    if len > cap {
        return Err(Error::too_large(&show(path), cap));
    }
    let mut v = Vec::with_capacity(len as usize);
    f.take(cap)
        .read_to_end(&mut v)
        .map_err(|e| io_err(path, e))?;
    Ok(v)
}

/// A file's size and its first 64 bytes.
fn size_and_head(path: &Path) -> Result<(u64, Vec<u8>), Error> {
    let f = File::open(path).map_err(|e| io_err(path, e))?;
    let len = f.metadata().map_err(|e| io_err(path, e))?.len();
    let mut head = Vec::with_capacity(64);
    f.take(64)
        .read_to_end(&mut head)
        .map_err(|e| io_err(path, e))?;
    Ok((len, head))
}

/// The video changed while it was being bundled.
fn video_changed() -> Error {
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
    plan: &bundle::Plan,
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
fn video_at(parts: &[Part], plan: &bundle::Plan) -> Option<(usize, u64)> {
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

/// What makes two paths the same file: device and inode on Unix (so a hard
/// link or a symlink to an input counts as that input), the canonical path
/// elsewhere. `None` when nothing is there.
#[cfg(unix)]
pub(super) fn identity(p: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
pub(super) fn identity(p: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(p).ok()
}

pub(super) fn output_exists(out: &Path) -> Error {
    let o = show(out);
    Error::new(
        "output_exists",
        format!("「{o}」已存在，没有覆盖它。请用 -o 换一个文件名，或加 --overwrite 替换它。"),
        format!(
            "\"{o}\" already exists and was left alone. Give -o another name, or add --overwrite to replace it."
        ),
    )
}

/// Refuse an output that is one of the inputs (the video, the form, a scan),
/// also through a link, and an existing output unless `--overwrite`.
fn check_output(o: &Opts, out: &Path) -> Result<(), Error> {
    let mut inputs: Vec<&Path> = Vec::new();
    inputs.extend(o.video.as_deref());
    inputs.extend(o.form.as_deref());
    inputs.extend(o.attach.iter().map(|a| a.1.as_path()));
    if let Some(id) = identity(out)
        && let Some(input) = inputs.iter().find(|i| identity(i).as_ref() == Some(&id))
    {
        let (a, b) = (show(out), show(input));
        return Err(Error::new(
            "output_is_input",
            format!("输出文件「{a}」就是输入文件「{b}」，打包会毁掉它。请用 -o 指定另一个文件名。"),
            format!(
                "The output \"{a}\" is the input \"{b}\": bundling would destroy it. Give -o another file name."
            ),
        ));
    }
    match std::fs::symlink_metadata(out) {
        Ok(m) if m.is_dir() => Err(Error::new(
            "output_exists",
            format!("「{}」是一个文件夹。请用 -o 指定 zip 文件名。", show(out)),
            format!("\"{}\" is a folder. Give -o a zip file name.", show(out)),
        )),
        Ok(_) if !o.overwrite => Err(output_exists(out)),
        _ => Ok(()),
    }
}

/// A new file next to `out` to write the bundle into, created exclusively
/// (never an existing file, never through a link): `OUT.partial`, or
/// `OUT.N.partial` when that name is taken.
pub(super) fn create_partial(out: &Path) -> Result<(PathBuf, File), Error> {
    let mut last = None;
    for n in 0..1000u32 {
        let mut name: OsString = out.as_os_str().to_owned();
        if n == 0 {
            name.push(".partial");
        } else {
            name.push(format!(".{n}.partial"));
        }
        let path = PathBuf::from(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => last = Some(path),
            Err(e) => return Err(io_err(&path, e)),
        }
    }
    let path = last.unwrap_or_else(|| out.to_path_buf());
    Err(io_err(
        &path,
        std::io::Error::new(ErrorKind::AlreadyExists, "no free name for a partial file"),
    ))
}

/// Put the finished `partial` at `out`: replacing what is there only with
/// `--overwrite`; otherwise through a hard link, which fails rather than
/// replace a file that appeared in the meantime.
pub(super) fn finish(partial: &Path, out: &Path, overwrite: bool) -> Result<(), Error> {
    if overwrite {
        return std::fs::rename(partial, out).map_err(|e| io_err(out, e));
    }
    match std::fs::hard_link(partial, out) {
        Ok(()) => {
            let _ = std::fs::remove_file(partial);
            Ok(())
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => Err(output_exists(out)),
        // No hard links on this file system: check, then rename.
        Err(_) if std::fs::symlink_metadata(out).is_ok() => Err(output_exists(out)),
        Err(_) => std::fs::rename(partial, out).map_err(|e| io_err(out, e)),
    }
}

pub fn cmd_bundle(o: &Opts, out: &mut dyn Write) -> Result<i32, Error> {
    let video_path = o
        .video
        .as_deref()
        .ok_or_else(|| usage("缺少 --video / --video is required"))?;
    let out_path = o
        .out
        .as_deref()
        .ok_or_else(|| usage("缺少 -o OUT.zip / -o OUT.zip is required"))?;
    let (p, scope) = chosen_profile(o, out)?;
    check_output(o, out_path)?;
    // The form: an object keyed by the profile's field ids.
    let form: FormValues = match &o.form {
        None => FormValues::new(),
        Some(path) => {
            let bytes = read_capped(path, MAX_FORM_JSON)?;
            let path = show(path);
            let v: FormValues = serde_json::from_slice(&bytes).map_err(|e| {
                Error::new(
                    "bad_form",
                    format!("{path} 不是有效的表格 JSON（应为以字段 id 为键的对象，值为字符串或字符串数组）：{e}"),
                    format!("{path} is not a valid form JSON (an object keyed by field id, with string or string-array values): {e}"),
                )
            })?;
            if let Some(bad) = v.keys().find(|k| !p.fields.iter().any(|f| &f.id == *k)) {
                let ids: Vec<&str> = p.fields.iter().map(|f| f.id.as_str()).collect();
                return Err(Error::new(
                    "bad_form",
                    format!(
                        "表格中的「{bad}」不是此比赛的字段。可用：{}（见 preflight profile {} --json）",
                        ids.join("、"),
                        p.id
                    ),
                    format!(
                        "\"{bad}\" in the form is not a field of this contest. Fields: {} (see preflight profile {} --json)",
                        ids.join(", "),
                        p.id
                    ),
                ));
            }
            v
        }
    };
    let mut info = probe::probe_file(video_path)?;
    info.file = video_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Scans: type by content, size limits, CRC and SHA-256.
    let mut scans = Vec::new();
    let mut scan_bytes = Vec::new();
    let mut attached = Vec::new();
    for (slot_id, path) in &o.attach {
        let slot = p.attachments.iter().find(|a| &a.id == slot_id).ok_or_else(|| {
            let ids: Vec<&str> = p.attachments.iter().map(|a| a.id.as_str()).collect();
            usage(&format!("附件位置「{slot_id}」不存在，可选：{} / unknown attachment slot \"{slot_id}\", choose from: {}", ids.join("、"), ids.join(", ")))
        })?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Judged by its size and first bytes before it is read whole, so a
        // scan over a limit gets the scan's own advice.
        let (size, head) = size_and_head(path)?;
        preflight::form::check_scan_before_reading(slot, &name, size, &head)?;
        let bytes = read_capped(path, slot.max_bytes.unwrap_or(MAX_SCAN).clamp(1, MAX_SCAN))?;
        let (scan, att) = ScanIn::from_bytes(slot, &name, &bytes)?;
        attached.push(att);
        scans.push(scan);
        scan_bytes.push(bytes);
    }
    let report = check::check(
        &p,
        &Input {
            category: scope.category.as_deref(),
            channel: scope.channel.as_deref(),
            media: Some(&info),
            form: Some(&form),
            attachments: Some(&attached),
            file_name: Some(&info.file),
        },
    );
    if report.verdict == Verdict::Fail && !o.force {
        let _ = writeln!(out, "{}", human_report(&show(video_path), &report, o.lang));
        let ids: Vec<String> = report.failures().map(|r| r.id.clone()).collect();
        let _ = writeln!(
            out,
            "未打包：有规则未通过（{}）。修正后重试，或加 --force 强制打包（清单会记录未通过项）。\nNot bundled: rules fail ({}). Fix them, or add --force (the manifest records the failures).",
            ids.join("、"),
            ids.join(", ")
        );
        return Ok(1);
    }
    // One read of the video. Its CRC is not known before it is read, yet the
    // headers before it hold that CRC: so the video is copied first, hashing,
    // to where a plan made with a stand-in CRC puts its data; then the plan is
    // made with the real CRC and everything around the video is written. The
    // headers before the video keep their length (a CRC is 4 bytes in any
    // header), which is checked.
    let stat = |path: &Path| {
        std::fs::metadata(path)
            .map(|m| (m.len(), m.modified().ok()))
            .map_err(|e| io_err(path, e))
    };
    let before = stat(video_path)?;
    let size = before.0;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let ticks = BTreeSet::new();
    let make_plan = |crc32: u32| {
        bundle::plan(&PlanInput {
            profile: &p,
            category: scope.category.as_deref(),
            channel: scope.channel.as_deref(),
            form: &form,
            ticks: &ticks,
            video: &VideoIn {
                size,
                crc32,
                info: info.clone(),
                ..Default::default()
            },
            scans: &scans,
            report: &report,
            unix_time: now,
            forced: o.force,
            tool: concat!("preflight ", env!("CARGO_PKG_VERSION")),
        })
    };
    let no_video = || Error::corrupt("bundle plan without the video");
    let draft = make_plan(0)?;
    let (_, video_off) = video_at(&draft.layout(now)?.0, &draft).ok_or_else(no_video)?;
    let (partial, file) = create_partial(out_path)?;
    let fail = |e: Error| {
        let _ = std::fs::remove_file(&partial);
        e
    };
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let io = |e: std::io::Error| fail(io_err(&partial, e));
    w.seek(SeekFrom::Start(video_off)).map_err(io)?;
    let mut f = File::open(video_path).map_err(|e| fail(io_err(video_path, e)))?;
    let mut buf = vec![0u8; CHUNK];
    let mut h = crc32fast::Hasher::new();
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf).map_err(|e| fail(io_err(video_path, e)))?;
        if k == 0 {
            break;
        }
        h.update(&buf[..k]);
        n += k as u64;
        w.write_all(&buf[..k]).map_err(io)?;
    }
    if n != size || stat(video_path)? != before {
        return Err(fail(video_changed()));
    }
    let plan = make_plan(h.finalize()).map_err(fail)?;
    let (parts, total) = plan.layout(now).map_err(fail)?;
    let (split, at) = video_at(&parts, &plan).ok_or_else(|| fail(no_video()))?;
    if at != video_off {
        return Err(fail(Error::corrupt("bundle layout changed with the CRC")));
    }
    w.seek(SeekFrom::Start(0)).map_err(io)?;
    for part in &parts[..split] {
        write_part(&mut w, part, &plan, &scan_bytes).map_err(io)?;
    }
    w.seek(SeekFrom::Start(at + size)).map_err(io)?;
    for part in &parts[split + 1..] {
        write_part(&mut w, part, &plan, &scan_bytes).map_err(io)?;
    }
    let file = w.into_inner().map_err(|e| io(e.into_error()))?;
    file.set_len(total).map_err(io)?;
    drop(file);
    finish(&partial, out_path, o.overwrite).map_err(fail)?;
    let _ = writeln!(out, "{}（{} 字节 / bytes）", show(out_path), total);
    for e in &plan.entries {
        let _ = writeln!(out, "  {:>12}  {:08x}  {}", e.size, e.crc32, e.name);
    }
    let _ = writeln!(out, "建议文件名 / suggested name: {}", plan.zip_name);
    Ok(if report.verdict == Verdict::Fail {
        1
    } else {
        0
    })
}

pub fn cmd_verify(o: &Opts, out: &mut dyn Write) -> Result<i32, Error> {
    let path = Path::new(
        o.files
            .first()
            .ok_or_else(|| usage("缺少打包文件 / no bundle given"))?,
    );
    let file = File::open(path).map_err(|e| io_err(path, e))?;
    let archive_len = file.metadata().map_err(|e| io_err(path, e))?.len();
    let v = verify::verify(file, archive_len)?;
    let (m, report) = (&v.manifest, &v.report);
    if o.json {
        let j = serde_json::json!({"bundle": path.to_string_lossy(), "whole": true, "files": m.files, "manifest_verdict": m.verdict, "forced": m.forced, "report": report});
        let _ = writeln!(out, "{}", text::json_pretty(&j));
    } else {
        let _ = writeln!(
            out,
            "{}：{} 个文件完整，校验和全部正确 / {} files whole, every CRC correct",
            show(path),
            v.entries.len(),
            v.entries.len()
        );
        for e in &v.entries {
            let _ = writeln!(out, "  ✓ {:>12}  {:08x}  {}", e.1, e.2, e.0);
        }
        // What the entry says of itself: the contest and the form, so an
        // organiser checking a batch sees whose entry this is.
        let _ = writeln!(
            out,
            "比赛 / contest: {}{}{}",
            m.profile,
            m.category
                .as_deref()
                .map(|c| format!("  类别 / category: {c}"))
                .unwrap_or_default(),
            m.channel
                .as_deref()
                .map(|c| format!("  渠道 / channel: {c}"))
                .unwrap_or_default()
        );
        let builtin = preflight::profile::builtin(&m.profile).ok();
        for (id, value) in &m.form {
            let label = builtin
                .as_ref()
                .and_then(|p| p.fields.iter().find(|f| &f.id == id))
                .map_or(id.as_str(), |f| {
                    if o.lang == preflight::Lang::Zh {
                        &f.label
                    } else {
                        &f.label_en
                    }
                });
            let _ = writeln!(out, "  {label}：{}", value.text());
        }
        if m.forced {
            let _ = writeln!(
                out,
                "注意：打包时强制跳过了未通过项：{} / Note: bundled with --force despite: {}",
                m.failures.join("、"),
                m.failures.join(", ")
            );
        }
        let _ = writeln!(out, "{}", human_report(&v.video_name, report, o.lang));
    }
    Ok(if report.verdict == Verdict::Fail {
        1
    } else {
        0
    })
}
