//! `preflight scans-to-pdf IN... -o OUT.pdf`: photographed pages into one
//! PDF (see `preflight::pdf`), streamed from the photos into `OUT.partial`.

use std::ffi::OsString;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

use preflight::Error;
use preflight::pdf::{self, Part};

use super::bundle::{check_output, create_partial, finish, io_err};
use super::{shown, usage};

pub fn cmd(args: &[OsString], out: &mut dyn Write) -> Result<i32, Error> {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        let _ = write!(out, "{}", super::command_usage("scans-to-pdf"));
        return Ok(0);
    }
    let o = super::parse_opts("scans-to-pdf", args)?;
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
