//! `preflight scans-to-pdf IN... -o OUT.pdf`: photographed pages into one
//! PDF (see `preflight::pdf`), streamed from the photos into `OUT.partial`.

use std::ffi::OsString;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

use preflight::pdf::{self, Part};
use preflight::{Error, Lang};

use super::bundle::{check_output, create_partial, finish, io_err};
use super::{Opts, shown, text_value, usage};

fn opts(args: &[OsString]) -> Result<Opts, Error> {
    // The options' defaults, then this command's own few.
    let mut o = super::parse_opts("scans-to-pdf", &[])?;
    let mut it = args.iter().cloned();
    let mut only_files = false;
    while let Some(a) = it.next() {
        let flag = a.to_str().unwrap_or("");
        if only_files || flag == "-" || !a.as_encoded_bytes().starts_with(b"-") {
            o.files.push(a);
            continue;
        }
        let mut value = |name: &str| {
            it.next()
                .ok_or_else(|| usage(&format!("{name} 需要一个值 / {name} needs a value")))
        };
        match flag {
            "--" => only_files = true,
            "--overwrite" => o.overwrite = true,
            "-o" | "--out" => o.out = Some(value("-o")?.into()),
            "--lang" => {
                o.lang = Lang::parse(&text_value("--lang", value("--lang")?)?)
                    .ok_or_else(|| usage("--lang 只能是 zh 或 en / --lang is zh or en"))?
            }
            _ => {
                let f = shown(&a);
                return Err(usage(&format!(
                    "scans-to-pdf 不接受选项 {f} / scans-to-pdf does not take {f}"
                )));
            }
        }
    }
    Ok(o)
}

pub fn cmd(args: &[OsString], out: &mut dyn Write) -> Result<i32, Error> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        let _ = write!(out, "{}", super::command_usage("scans-to-pdf"));
        return Ok(0);
    }
    let o = opts(args)?;
    let out_path = o
        .out
        .as_deref()
        .ok_or_else(|| usage("缺少 -o OUT.pdf / -o OUT.pdf is required"))?;
    if o.files.is_empty() {
        return Err(usage("缺少照片 / no photo given"));
    }
    if o.files.len() > pdf::MAX_PAGES {
        return Err(Error::page_count(o.files.len(), pdf::MAX_PAGES));
    }
    check_output(&o, out_path)?;
    // Each photo is read once to find its header; only what the PDF needs
    // of it is kept, and its data is copied from the file when written.
    let paths: Vec<PathBuf> = o.files.iter().map(PathBuf::from).collect();
    let mut images = Vec::new();
    let mut sizes = Vec::new();
    for p in &paths {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let f = File::open(p).map_err(|e| io_err(p, e))?;
        let size = f.metadata().map_err(|e| io_err(p, e))?.len();
        let cap = preflight::form::MAX_SCAN_READ;
        if size > cap {
            return Err(Error::too_large(&shown(p.as_os_str()), cap));
        }
        let mut data = Vec::with_capacity(size as usize);
        f.take(cap)
            .read_to_end(&mut data)
            .map_err(|e| io_err(p, e))?;
        images.push(pdf::read_image(&name, &data)?);
        sizes.push(data.len() as u64);
    }
    let doc = pdf::build(&images)?;
    let (partial, file) = create_partial(out_path)?;
    let fail = |e: Error| {
        let _ = std::fs::remove_file(&partial);
        e
    };
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let io = |e: std::io::Error| fail(io_err(&partial, e));
    let mut open: Option<(usize, File)> = None;
    for part in &doc.parts {
        match part {
            Part::Bytes(b) => w.write_all(b).map_err(io)?,
            Part::Slice { image, start, len } => {
                let p = &paths[*image];
                if open.as_ref().map(|o| o.0) != Some(*image) {
                    // A photo that changed since it was read is refused.
                    let f = File::open(p).map_err(|e| fail(io_err(p, e)))?;
                    let now = f.metadata().map(|m| m.len()).ok();
                    if now != sizes.get(*image).copied() {
                        return Err(fail(io_err(
                            p,
                            std::io::Error::other("changed while being read"),
                        )));
                    }
                    open = Some((*image, f));
                }
                let Some((_, f)) = open.as_mut() else {
                    continue;
                };
                f.seek(SeekFrom::Start(*start))
                    .map_err(|e| fail(io_err(p, e)))?;
                let n = std::io::copy(&mut Read::by_ref(f).take(*len), &mut w)
                    .map_err(|e| fail(io_err(p, e)))?;
                if n != *len {
                    return Err(fail(io_err(p, std::io::Error::other("shorter than read"))));
                }
            }
        }
    }
    let file = w.into_inner().map_err(|e| io(e.into_error()))?;
    drop(file);
    finish(&partial, out_path, o.overwrite).map_err(fail)?;
    let _ = writeln!(
        out,
        "{}（{} 页 / pages，{} 字节 / bytes）",
        shown(out_path.as_os_str()),
        images.len(),
        doc.len
    );
    Ok(0)
}
