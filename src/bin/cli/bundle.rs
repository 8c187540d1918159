//! `preflight bundle` and `preflight verify`: the same plan as the browser,
//! written natively in constant memory; and an organiser's check of what arrived.

use std::ffi::OsString;
use std::fs::File;
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};

use preflight::Error;
use preflight::bundle::{self, Stamp, VideoIn, WriteError};
use preflight::check::{self, Verdict};
use preflight::form::FormValues;
use preflight::probe;
use preflight::submission::{MAX_FORM_JSON, Submission};
use preflight::verify;

use super::{Opts, chosen_profile, human_report, shown, text, usage};

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

/// Refuse an output that is one of the inputs (the video, the form, a scan,
/// the files named), also through a link, and an existing output unless
/// `--overwrite`.
pub(super) fn check_output(o: &Opts, out: &Path) -> Result<(), Error> {
    let mut inputs: Vec<&Path> = Vec::new();
    inputs.extend(o.video.as_deref());
    inputs.extend(o.form.as_deref());
    inputs.extend(o.attach.iter().map(|a| a.1.as_path()));
    inputs.extend(o.files.iter().map(Path::new));
    if let Some(id) = identity(out)
        && let Some(input) = inputs.iter().find(|i| identity(i).as_ref() == Some(&id))
    {
        let (a, b) = (show(out), show(input));
        return Err(Error::new(
            "output_is_input",
            format!("输出文件「{a}」就是输入文件「{b}」，写入会毁掉它。请用 -o 指定另一个文件名。"),
            format!(
                "The output \"{a}\" is the input \"{b}\": writing it would destroy it. Give -o another file name."
            ),
        ));
    }
    match std::fs::symlink_metadata(out) {
        Ok(m) if m.is_dir() => Err(Error::new(
            "output_exists",
            format!("「{}」是一个文件夹。请用 -o 指定输出文件名。", show(out)),
            format!(
                "\"{}\" is a folder. Give -o a file name for the output.",
                show(out)
            ),
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

/// The form: an object keyed by the profile's field ids (the keys are
/// checked by [`Submission::new`]).
fn read_form(o: &Opts) -> Result<FormValues, Error> {
    let Some(path) = &o.form else {
        return Ok(FormValues::new());
    };
    let bytes = read_capped(path, MAX_FORM_JSON)?;
    let path = show(path);
    serde_json::from_slice(&bytes).map_err(|e| {
        Error::new(
            "bad_form",
            format!("{path} 不是有效的表格 JSON（应为以字段 id 为键的对象，值为字符串或字符串数组）：{e}"),
            format!("{path} is not a valid form JSON (an object keyed by field id, with string or string-array values): {e}"),
        )
    })
}

/// Scans: type by content, size limits, CRC and SHA-256; their bytes, in
/// the submission's order.
fn read_scans(o: &Opts, s: &mut Submission<'_>) -> Result<Vec<Vec<u8>>, Error> {
    let mut scan_bytes = Vec::new();
    for (slot_id, path) in &o.attach {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Judged by its size and first bytes before it is read whole, so a
        // scan over a limit gets the scan's own advice.
        let (size, head) = size_and_head(path)?;
        let (_, cap) = s.before_reading(slot_id, &name, size, &head)?;
        let bytes = read_capped(path, cap)?;
        s.add_scan(slot_id, &name, &bytes)?;
        scan_bytes.push(bytes);
    }
    Ok(scan_bytes)
}

/// The video's facts: what the probe saw, under the file's own name.
fn probe_video(path: &Path) -> Result<VideoIn, Error> {
    let mut info = probe::probe_file(path)?;
    info.file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let size = std::fs::metadata(path).map_err(|e| io_err(path, e))?.len();
    Ok(VideoIn {
        size,
        info,
        ..Default::default()
    })
}

/// The size and last-modified time of a file, to tell that it did not change.
fn stat(path: &Path) -> Result<(u64, Option<std::time::SystemTime>), Error> {
    std::fs::metadata(path)
        .map(|m| (m.len(), m.modified().ok()))
        .map_err(|e| io_err(path, e))
}

/// Write the bundle to a new partial file beside `out_path`, then put it in
/// place; the partial file is removed on any failure.
fn write_bundle(
    o: &Opts,
    out_path: &Path,
    s: &Submission<'_>,
    report: &check::Report,
    scan_bytes: &[Vec<u8>],
) -> Result<bundle::Written, Error> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let stamp = Stamp {
        unix_time: now,
        forced: o.force,
        tool: concat!("preflight ", env!("CARGO_PKG_VERSION")),
    };
    // Refused before a partial file is made.
    bundle::plan(s, report, &stamp)?;
    let video_path = o.video.as_deref();
    let before = video_path.map(stat).transpose()?;
    let mut video = match video_path {
        Some(v) => Some(File::open(v).map_err(|e| io_err(v, e))?),
        None => None,
    };
    let (partial, file) = create_partial(out_path)?;
    let fail = |e: Error| {
        let _ = std::fs::remove_file(&partial);
        e
    };
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let written = bundle::write_to(
        s,
        report,
        &stamp,
        video.as_mut().map(|f| f as &mut dyn Read),
        scan_bytes,
        &mut w,
    )
    .map_err(|e| {
        fail(match e {
            WriteError::Read(e) => io_err(video_path.unwrap_or(out_path), e),
            WriteError::Write(e) => io_err(&partial, e),
            WriteError::Changed => bundle::write::video_changed(),
            WriteError::Plan(e) => e,
        })
    })?;
    if let (Some(v), Some(before)) = (video_path, before)
        && stat(v).map_err(fail)? != before
    {
        return Err(fail(bundle::write::video_changed()));
    }
    let io = |e: std::io::Error| fail(io_err(&partial, e));
    let file = w.into_inner().map_err(|e| io(e.into_error()))?;
    file.set_len(written.total).map_err(io)?;
    drop(file);
    finish(&partial, out_path, o.overwrite).map_err(fail)?;
    Ok(written)
}

pub fn cmd_bundle(o: &Opts, out: &mut dyn Write) -> Result<i32, Error> {
    let out_path = o
        .out
        .as_deref()
        .ok_or_else(|| usage("缺少 -o OUT.zip / -o OUT.zip is required"))?;
    let (p, scope) = chosen_profile(o, out)?;
    check_output(o, out_path)?;
    let mut s = Submission::new(
        &p,
        scope.category.as_deref(),
        scope.channel.as_deref(),
        read_form(o)?,
    )?;
    // No video: only where the form says it comes later.
    if o.video.is_none() {
        s.video_or_later()?;
    }
    s.video = o.video.as_deref().map(probe_video).transpose()?;
    let scan_bytes = read_scans(o, &mut s)?;
    let report = s.check();
    let shown_video = o
        .video
        .as_deref()
        .map_or(bundle::VIDEO_LATER_NAME.to_string(), show);
    if let Err(e) = Submission::refuse_failures(&report, o.force) {
        if e.code != "rules_fail" {
            return Err(e);
        }
        let _ = writeln!(out, "{}", human_report(&shown_video, &report, o.lang));
        let ids: Vec<String> = report.failures().map(|r| r.id.clone()).collect();
        let _ = writeln!(
            out,
            "未打包：有规则未通过（{}）。修正后重试，或加 --force 强制打包（清单会记录未通过项）。\nNot bundled: rules fail ({}). Fix them, or add --force (the manifest records the failures).",
            ids.join("、"),
            ids.join(", ")
        );
        return Ok(1);
    }
    let written = write_bundle(o, out_path, &s, &report, &scan_bytes)?;
    let _ = writeln!(out, "{}（{} 字节 / bytes）", show(out_path), written.total);
    for e in &written.plan.entries {
        let _ = writeln!(out, "  {:>12}  {:08x}  {}", e.size, e.crc32, e.name);
    }
    if let Some(l) = s.video.is_none().then(|| s.video_later()).flatten() {
        let _ = writeln!(
            out,
            "{}",
            text::video_later(l.due.as_deref(), &l.text, &l.text_en)
        );
    }
    let _ = writeln!(
        out,
        "建议文件名 / suggested name: {}",
        written.plan.zip_name
    );
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
            let _ = writeln!(out, "  ✓ {:>12}  {:08x}  {}", e.size, e.crc32, e.name);
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
        if let Some(l) = &m.video_later {
            let _ = writeln!(
                out,
                "{}",
                text::video_later(l.due.as_deref(), &l.text, &l.text_en)
            );
        }
        let shown_video = v.video_name.as_deref().unwrap_or(bundle::VIDEO_LATER_NAME);
        let _ = writeln!(out, "{}", human_report(shown_video, report, o.lang));
    }
    Ok(if report.verdict == Verdict::Fail {
        1
    } else {
        0
    })
}
