//! `preflight fix`: the remux plan of the library, streamed natively — the new
//! header bytes, then copies of the original file's ranges. Never writes over
//! an input; writes `OUT.partial` and moves it into place when complete.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use preflight::Error;
use preflight::fix::{self, Options, Piece};

use super::bundle::{create_partial, finish, identity, io_err, output_exists, show};
use super::{Opts, text, usage};

fn read_at(f: &File, at: u64, len: u64) -> Result<Vec<u8>, Error> {
    let mut f = f;
    let n = usize::try_from(len).map_err(|_| Error::io("read too large"))?;
    let mut v = vec![0u8; n];
    f.seek(SeekFrom::Start(at))
        .and_then(|_| f.read_exact(&mut v))
        .map_err(|e| Error::io(&e.to_string()))?;
    Ok(v)
}

fn stat(p: &Path) -> Result<(u64, Option<std::time::SystemTime>), Error> {
    let m = std::fs::metadata(p).map_err(|e| io_err(p, e))?;
    Ok((m.len(), m.modified().ok()))
}

#[expect(
    clippy::too_many_lines,
    reason = "the command in its order: options, refusals before any write, the plan, the streamed copy, the summary"
)]
pub fn cmd_fix(o: &Opts, out: &mut dyn Write, err: &mut dyn Write) -> Result<i32, Error> {
    let [input] = o.files.as_slice() else {
        return Err(usage(if o.files.is_empty() {
            "缺少输入文件 / no input file given"
        } else {
            "fix 只接受一个输入文件 / fix takes one input file"
        }));
    };
    let input = Path::new(input);
    let out_path = o
        .out
        .as_deref()
        .ok_or_else(|| usage("缺少 -o 输出文件 / -o OUT is missing"))?;
    let picked = o.fix_ops.faststart || o.fix_ops.mp4 || o.fix_ops.strip_location;
    let opts = if picked {
        o.fix_ops
    } else {
        Options {
            strip_device: o.fix_ops.strip_device,
            ..Options::default()
        }
    };
    if let Some(id) = identity(out_path)
        && identity(input).as_ref() == Some(&id)
    {
        let (a, b) = (show(out_path), show(input));
        return Err(Error::new(
            "output_is_input",
            format!(
                "输出文件「{a}」就是输入文件「{b}」，不能覆盖原视频。请用 -o 指定另一个文件名。"
            ),
            format!(
                "The output \"{a}\" is the input \"{b}\"; the original is never overwritten. Give -o another file name."
            ),
        ));
    }
    match std::fs::symlink_metadata(out_path) {
        Ok(m) if m.is_dir() => return Err(output_exists(out_path)),
        Ok(_) if !o.overwrite => return Err(output_exists(out_path)),
        _ => {}
    }
    let f = File::open(input).map_err(|e| io_err(input, e))?;
    let before = stat(input)?;
    let planned = fix::read_layout(before.0, |at, len| read_at(&f, at, len))
        .and_then(|src| fix::plan(&src, &opts).map(|p| (p, src.bytes_read)));
    let (plan, bytes_read) = match planned {
        Ok(p) => p,
        // A file the remux cannot carry over exactly: refused, not unreadable.
        Err(e) if e.code.starts_with("fix_") => {
            if o.json {
                let v = serde_json::json!({"input": input.to_string_lossy(), "error": e});
                let _ = writeln!(out, "{}", text::json_pretty(&v));
            }
            let _ = writeln!(
                err,
                "错误 [{}]：{}\nerror [{}]: {}",
                e.code, e.message_zh, e.code, e.message_en
            );
            return Ok(1);
        }
        Err(e) => return Err(e),
    };
    let Some(plan) = plan else {
        if o.json {
            let v = serde_json::json!({
                "input": input.to_string_lossy(),
                "output": null,
                "changes": [],
                "bytes_read": bytes_read,
            });
            let _ = writeln!(out, "{}", text::json_pretty(&v));
        } else {
            let _ = writeln!(
                out,
                "{}：无需修复，没有写出文件 / nothing to fix, no file written",
                show(input)
            );
        }
        return Ok(0);
    };
    let (partial, file) = create_partial(out_path)?;
    let fail = |e: Error| {
        let _ = std::fs::remove_file(&partial);
        e
    };
    let io = |e: std::io::Error| fail(io_err(&partial, e));
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let mut r = &f;
    for p in &plan.pieces {
        match p {
            Piece::Bytes(b) => w.write_all(b).map_err(io)?,
            Piece::Copy { offset, len } => {
                r.seek(SeekFrom::Start(*offset))
                    .map_err(|e| fail(io_err(input, e)))?;
                let n = std::io::copy(&mut r.take(*len), &mut w).map_err(io)?;
                if n != *len {
                    return Err(fail(Error::truncated("the input got shorter while fixing")));
                }
            }
        }
    }
    let file = w.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    drop(file);
    if stat(input)? != before {
        return Err(fail(Error::new(
            "video_changed",
            "视频文件在修复过程中被修改了。请关闭正在写入它的程序后重试。",
            "The video changed while it was being fixed. Close the program writing to it and try again.",
        )));
    }
    finish(&partial, out_path, o.overwrite).map_err(fail)?;
    let ext_ok = !plan.mp4
        || out_path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("mp4"));
    if o.json {
        let v = serde_json::json!({
            "input": input.to_string_lossy(),
            "output": out_path.to_string_lossy(),
            "size": plan.size,
            "mp4": plan.mp4,
            "changes": plan.changes,
            "bytes_read": bytes_read,
        });
        let _ = writeln!(out, "{}", text::json_pretty(&v));
    } else {
        let _ = writeln!(
            out,
            "{}（{} 字节 / bytes，不重新编码 / no re-encode）",
            show(out_path),
            plan.size
        );
        for c in &plan.changes {
            let _ = writeln!(out, "  - {} / {}", c.zh, c.en);
        }
        if !ext_ok {
            let _ = writeln!(
                out,
                "  注意：输出是 MP4，文件名应以 .mp4 结尾 / note: the output is MP4; name it .mp4"
            );
        }
    }
    Ok(0)
}
