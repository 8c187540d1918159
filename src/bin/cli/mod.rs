//! Subcommands of `preflight`. Exit codes: 0 every file passes (warnings
//! allowed), 1 a rule fails, 2 unreadable input or bad usage.

mod bundle;
mod fix;
mod scans;
pub mod text;

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};

use preflight::check::{self, Input, Report, Status};
use preflight::probe::{self, MediaInfo};
use preflight::profile::{self, Profile};
use preflight::{Error, Lang};

pub struct Opts {
    pub json: bool,
    pub force: bool,
    pub overwrite: bool,
    pub form: Option<PathBuf>,
    pub video: Option<PathBuf>,
    pub attach: Vec<(String, PathBuf)>,
    pub out: Option<PathBuf>,
    pub lang: Lang,
    pub profile: Option<String>,
    pub category: Option<String>,
    pub channel: Option<String>,
    /// Paths (or, for `profile`, an id) as given: not necessarily UTF-8.
    pub files: Vec<OsString>,
    /// `fix`: the operations asked for (none: all that apply).
    pub fix_ops: preflight::fix::Options,
}

/// A path for messages: its bytes that are not UTF-8 as `\xff` (the output
/// edge escapes the rest).
pub fn shown(p: &OsStr) -> String {
    let mut s = String::new();
    for chunk in p.as_encoded_bytes().utf8_chunks() {
        s.push_str(chunk.valid());
        for b in chunk.invalid() {
            s.push_str(&format!("\\x{b:02x}"));
        }
    }
    s
}

/// The flags each command takes; any other is refused with its usage.
fn takes(cmd: &str, flag: &str) -> bool {
    let common = matches!(flag, "--lang");
    common
        || match cmd {
            "probe" => matches!(flag, "--json"),
            "check" => matches!(flag, "--json" | "--profile" | "--category" | "--channel"),
            "profiles" | "profile" | "verify" => matches!(flag, "--json"),
            "scans-to-pdf" => matches!(flag, "-o" | "--out" | "--overwrite"),
            "fix" => matches!(
                flag,
                "--json"
                    | "-o"
                    | "--out"
                    | "--overwrite"
                    | "--faststart"
                    | "--mp4"
                    | "--strip-location"
                    | "--strip-device"
            ),
            "bundle" => matches!(
                flag,
                "--profile"
                    | "--category"
                    | "--channel"
                    | "--form"
                    | "--video"
                    | "--attach"
                    | "-o"
                    | "--out"
                    | "--force"
                    | "--overwrite"
            ),
            _ => false,
        }
}

/// A value that must be text (an id, a language).
fn text_value(name: &str, v: OsString) -> Result<String, Error> {
    v.into_string().map_err(|v| {
        let v = shown(&v);
        usage(&format!(
            "{name} 的值「{v}」不是有效的 UTF-8 文本 / the value \"{v}\" of {name} is not valid UTF-8"
        ))
    })
}

/// `SLOT=FILE`, the file kept as given (it need not be UTF-8).
fn split_attach(v: OsString) -> Option<(String, PathBuf)> {
    let bytes = v.as_encoded_bytes();
    let eq = bytes.iter().position(|b| *b == b'=')?;
    let slot = std::str::from_utf8(&bytes[..eq]).ok()?.to_string();
    #[cfg(unix)]
    let file = {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(OsStr::from_bytes(&bytes[eq + 1..]))
    };
    #[cfg(not(unix))]
    let file = PathBuf::from(std::str::from_utf8(&bytes[eq + 1..]).ok()?);
    Some((slot, file))
}

pub(super) fn parse_opts(cmd: &str, args: &[OsString]) -> Result<Opts, Error> {
    let mut o = Opts {
        json: false,
        force: false,
        overwrite: false,
        form: None,
        video: None,
        attach: Vec::new(),
        out: None,
        lang: Lang::Zh,
        profile: None,
        category: None,
        channel: None,
        files: Vec::new(),
        fix_ops: preflight::fix::Options {
            faststart: false,
            mp4: false,
            strip_location: false,
            strip_device: false,
        },
    };
    let mut it = args.iter().cloned();
    let mut only_files = false;
    while let Some(a) = it.next() {
        let flag = a.to_str().unwrap_or("");
        if only_files || flag == "-" || !a.as_encoded_bytes().starts_with(b"-") {
            o.files.push(a);
            continue;
        }
        if flag == "--" {
            only_files = true;
            continue;
        }
        if !takes(cmd, flag) {
            let f = shown(&a);
            let known = takes("bundle", flag) || takes("check", flag) || flag == "--json";
            return Err(usage(&if known {
                format!("{cmd} 不接受选项 {f} / {cmd} does not take {f}")
            } else {
                format!("未知选项 {f} / unknown option {f}")
            }));
        }
        let mut value = |name: &str| {
            it.next()
                .ok_or_else(|| usage(&format!("{name} 需要一个值 / {name} needs a value")))
        };
        match flag {
            "--json" => o.json = true,
            "--force" => o.force = true,
            "--overwrite" => o.overwrite = true,
            "--faststart" => o.fix_ops.faststart = true,
            "--mp4" => o.fix_ops.mp4 = true,
            "--strip-location" => o.fix_ops.strip_location = true,
            "--strip-device" => o.fix_ops.strip_device = true,
            "--form" => o.form = Some(value("--form")?.into()),
            "--video" => o.video = Some(value("--video")?.into()),
            "-o" | "--out" => o.out = Some(value("-o")?.into()),
            "--attach" => {
                let v = value("--attach")?;
                o.attach.push(split_attach(v).ok_or_else(|| {
                    usage("--attach 的格式是 SLOT=FILE / --attach takes SLOT=FILE")
                })?);
            }
            "--lang" => {
                let v = text_value("--lang", value("--lang")?)?;
                o.lang = Lang::parse(&v)
                    .ok_or_else(|| usage("--lang 只能是 zh 或 en / --lang is zh or en"))?;
            }
            "--profile" => o.profile = Some(text_value("--profile", value("--profile")?)?),
            "--category" => o.category = Some(text_value("--category", value("--category")?)?),
            "--channel" => o.channel = Some(text_value("--channel", value("--channel")?)?),
            _ => return Err(usage(&format!("未知选项 {flag} / unknown option {flag}"))),
        }
    }
    // Positional arguments: how many each command takes.
    let most = match cmd {
        "probe" | "check" | "scans-to-pdf" => usize::MAX,
        "profile" | "verify" | "fix" => 1,
        _ => 0,
    };
    if o.files.len() > most {
        let extra = shown(&o.files[most]);
        return Err(usage(&format!(
            "多余的参数「{extra}」/ unexpected argument \"{extra}\""
        )));
    }
    Ok(o)
}

pub fn usage(detail: &str) -> Error {
    Error::new(
        "usage",
        format!("用法错误：{detail}。运行 `preflight help` 查看用法。"),
        format!("Usage error: {detail}. Run `preflight help` for usage."),
    )
}

const HELP: &str = "preflight — 视频投稿预检 / contest video preflight

  preflight probe FILE... [--json]
  preflight check FILE... --profile ID [--category C] [--channel C] [--json] [--lang en]
  preflight profiles [--json]
  preflight profile ID [--json]
  preflight bundle --profile ID [--category C] [--channel C] --form form.json [--video FILE]
                   [--attach SLOT=FILE]... -o OUT.zip [--force] [--overwrite]
  preflight verify BUNDLE.zip [--json] [--lang en]
  preflight scans-to-pdf PHOTO... -o OUT.pdf [--overwrite]
  preflight fix IN -o OUT [--faststart] [--mp4] [--strip-location] [--strip-device]
                   [--overwrite] [--json]

Exit codes: 0 pass (warnings allowed), 1 a rule fails, 2 unreadable input or bad usage.
bundle: --force bundles despite failing rules (the manifest records them);
        --overwrite replaces an existing OUT.zip (never an input file);
        --video may be left out only where the form says the video comes later.
fix: remux without re-encoding: moov to the front, QuickTime to MP4, location
        removed (all that apply unless some are named; --strip-device also
        removes the device make/model). Exit 0 fixed or nothing to fix,
        1 refused (the file cannot be fixed this way), 2 unreadable or usage.
";

/// A command's own lines of [`HELP`].
fn command_usage(cmd: &str) -> String {
    let start = format!("  preflight {cmd} ");
    let mut lines = Vec::new();
    let mut inside = false;
    for l in HELP.lines() {
        if l.starts_with(&start) {
            inside = true;
        } else if !l.starts_with("                   ") {
            inside = false;
        }
        if inside {
            lines.push(l);
        }
    }
    if cmd == "bundle" {
        lines.extend(
            HELP.lines()
                .filter(|l| l.starts_with("bundle:") || l.starts_with("        --")),
        );
    }
    if cmd == "fix" {
        lines.extend(HELP.lines().skip_while(|l| !l.starts_with("fix:")));
    }
    format!("用法 / usage:\n{}\n", lines.join("\n"))
}

const COMMANDS: [&str; 7] = [
    "probe", "check", "profiles", "profile", "bundle", "verify", "fix",
];

pub fn run(args: &[OsString], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let Some((cmd, rest)) = args.split_first() else {
        let _ = write!(out, "{HELP}");
        return 2;
    };
    let cmd_s = cmd.to_str().unwrap_or("");
    let known = COMMANDS.contains(&cmd_s);
    if known
        && rest
            .iter()
            .take_while(|a| a.to_str() != Some("--"))
            .any(|a| a.to_str().is_some_and(|a| a == "--help" || a == "-h"))
    {
        let _ = write!(out, "{}", command_usage(cmd_s));
        return 0;
    }
    let opts = |c: &str| parse_opts(c, rest);
    let result = match cmd_s {
        "probe" => opts(cmd_s).and_then(|o| cmd_probe(&o, out)),
        "check" => opts(cmd_s).and_then(|o| cmd_check(&o, out)),
        "profiles" => opts(cmd_s).and_then(|o| cmd_profiles(&o, out)),
        "profile" => opts(cmd_s).and_then(|o| cmd_profile(&o, out)),
        "bundle" => opts(cmd_s).and_then(|o| bundle::cmd_bundle(&o, out)),
        "verify" => opts(cmd_s).and_then(|o| bundle::cmd_verify(&o, out)),
        "scans-to-pdf" => scans::cmd(rest, out),
        "fix" => opts(cmd_s).and_then(|o| fix::cmd_fix(&o, out, err)),
        "help" | "--help" | "-h" => {
            let _ = write!(out, "{HELP}");
            Ok(0)
        }
        _ => {
            let other = shown(cmd);
            Err(usage(&format!(
                "未知命令 {other} / unknown command {other}"
            )))
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(
                err,
                "错误 [{}]：{}\nerror [{}]: {}",
                e.code, e.message_zh, e.code, e.message_en
            );
            if e.code == "usage" && known {
                let _ = write!(err, "{}", command_usage(cmd_s));
            }
            2
        }
    }
}

/// One file's JSON as an object, several as an array (the `--json` contract).
fn print_json(mut values: Vec<serde_json::Value>, out: &mut dyn Write) {
    let v = if values.len() == 1 {
        values.remove(0)
    } else {
        serde_json::Value::Array(values)
    };
    let _ = writeln!(out, "{}", text::json_pretty(&v));
}

/// Probe many files in parallel, keeping their order.
fn probe_all(files: &[OsString]) -> Vec<Result<MediaInfo, Error>> {
    let mut results: Vec<Option<Result<MediaInfo, Error>>> = vec![None; files.len()];
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .min(8);
    let chunk = files.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        for (slot, names) in results.chunks_mut(chunk).zip(files.chunks(chunk)) {
            s.spawn(move || {
                for (r, f) in slot.iter_mut().zip(names) {
                    *r = Some(probe::probe_file(Path::new(f)).map(|mut m| {
                        m.file = f.to_string_lossy().into_owned();
                        m
                    }));
                }
            });
        }
    });
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(Error::io("not probed"))))
        .collect()
}

fn cmd_probe(o: &Opts, out: &mut dyn Write) -> Result<i32, Error> {
    if o.files.is_empty() {
        return Err(usage("缺少文件 / no file given"));
    }
    let results = probe_all(&o.files);
    let mut code = 0;
    let mut values = Vec::new();
    for (f, r) in o.files.iter().zip(&results) {
        match r {
            Ok(m) => values.push(serde_json::to_value(m).unwrap_or_default()),
            Err(e) => {
                code = 2;
                values.push(serde_json::json!({"file": f.to_string_lossy(), "error": e}));
            }
        }
    }
    if o.json {
        print_json(values, out);
    } else {
        for (f, r) in o.files.iter().zip(&results) {
            let _ = writeln!(out, "{}", crate::cli::human_probe(&shown(f), r, o.lang));
        }
    }
    Ok(code)
}

pub fn human_probe(f: &str, r: &Result<MediaInfo, Error>, lang: Lang) -> String {
    let m = match r {
        Ok(m) => m,
        Err(e) => return format!("{f}\n  {}", e.message(lang)),
    };
    let zh = lang == Lang::Zh;
    let mut s = format!("{f}\n");
    let mut row = |k_zh: &str, k_en: &str, v: String| {
        s.push_str(&format!(
            "  {} {}\n",
            pad(if zh { k_zh } else { k_en }, 10),
            v
        ));
    };
    row(
        "容器",
        "container",
        format!("{} {}", m.container, m.brands.join(",")),
    );
    row(
        "时长",
        "duration",
        m.duration_s
            .map(|d| format!("{d:.3} s"))
            .unwrap_or("?".into()),
    );
    row(
        "大小",
        "size",
        format!(
            "{} B ({:.1} MB / {:.1} MiB)",
            m.size_bytes,
            m.size_bytes as f64 / 1e6,
            m.size_bytes as f64 / 1048576.0
        ),
    );
    if let Some(v) = &m.video {
        row(
            "视频",
            "video",
            format!(
                "{} {}×{} → {}×{} rot {}° SAR {} {} fps {} kbps",
                v.codec,
                v.width,
                v.height,
                v.display_width,
                v.display_height,
                v.rotation,
                v.pixel_aspect,
                v.frame_rate
                    .map(|r| format!("{r:.3}"))
                    .unwrap_or("?".into()),
                v.bitrate_bps
                    .map(|b| (b / 1000).to_string())
                    .unwrap_or("?".into())
            ),
        );
    }
    if let Some(a) = &m.audio {
        row(
            "音频",
            "audio",
            format!(
                "{} {} ch {} Hz {} kbps",
                a.codec,
                a.channels.map(|c| c.to_string()).unwrap_or("?".into()),
                a.sample_rate.map(|c| c.to_string()).unwrap_or("?".into()),
                a.bitrate_bps
                    .map(|b| (b / 1000).to_string())
                    .unwrap_or("?".into())
            ),
        );
    }
    if let Some(fs) = m.faststart {
        row("快速启动", "faststart", fs.to_string());
    }
    row(
        "读取",
        "read",
        format!("{} B in {} reads", m.bytes_read, m.reads),
    );
    s.trim_end().to_string()
}

/// The profile named by `--profile`, and the category and channel resolved
/// against it (`Profile::resolve`: an unknown one, or a missing one that
/// changes what applies, is refused naming the choices; a profile's default
/// is used and said on standard output).
pub fn chosen_profile(o: &Opts, out: &mut dyn Write) -> Result<(Profile, profile::Scope), Error> {
    let id = o
        .profile
        .as_deref()
        .ok_or_else(|| usage("缺少 --profile / --profile is required"))?;
    let p = profile::builtin(id)?;
    let scope = p.resolve(o.category.as_deref(), o.channel.as_deref())?;
    if !o.json {
        for (zh, en) in &scope.defaulted {
            let _ = writeln!(out, "{}", if o.lang == Lang::Zh { zh } else { en });
        }
    }
    Ok((p, scope))
}

fn cmd_check(o: &Opts, out: &mut dyn Write) -> Result<i32, Error> {
    let (p, scope) = chosen_profile(o, out)?;
    if o.files.is_empty() {
        return Err(usage("缺少文件 / no file given"));
    }
    let results = probe_all(&o.files);
    let mut code = 0;
    let mut values = Vec::new();
    for (f, r) in o.files.iter().zip(&results) {
        match r {
            Ok(m) => {
                let name = Path::new(f)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned());
                let report = check::check(
                    &p,
                    &Input {
                        category: scope.category.as_deref(),
                        channel: scope.channel.as_deref(),
                        media: Some(m),
                        file_name: name.as_deref(),
                        ..Default::default()
                    },
                );
                if report.verdict == check::Verdict::Fail {
                    code = code.max(1);
                }
                if o.json {
                    values.push(serde_json::to_value(&report).unwrap_or_default());
                } else {
                    let _ = writeln!(out, "{}", human_report(&shown(f), &report, o.lang));
                }
            }
            Err(e) => {
                code = 2;
                if o.json {
                    values.push(
                        serde_json::json!({"file": f.to_string_lossy(), "profile": p.id, "error": e}),
                    );
                } else {
                    let _ = writeln!(out, "{}\n  {}\n", shown(f), e.message(o.lang));
                }
            }
        }
    }
    if o.json {
        print_json(values, out);
    } else {
        let _ = write!(out, "{}", preflight::describe::submit_text(&p, o.lang));
    }
    Ok(code)
}

fn status_mark(s: Status, lang: Lang) -> &'static str {
    match (s, lang) {
        (Status::Pass, Lang::Zh) => "✓ 通过",
        (Status::Warn, Lang::Zh) => "! 提醒",
        (Status::Fail, Lang::Zh) => "✗ 不通过",
        (Status::Manual, Lang::Zh) => "? 人工确认",
        (Status::Unknown, Lang::Zh) => "? 未知",
        (Status::Pass, Lang::En) => "✓ pass",
        (Status::Warn, Lang::En) => "! warn",
        (Status::Fail, Lang::En) => "✗ fail",
        (Status::Manual, Lang::En) => "? manual",
        (Status::Unknown, Lang::En) => "? unknown",
    }
}

/// Columns on a terminal: CJK and full-width characters take two.
fn pad(s: &str, width: usize) -> String {
    let w: usize = s
        .chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// The report as a readable table.
pub fn human_report(f: &str, r: &Report, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut s = format!(
        "{f} — {}：{}\n",
        r.profile,
        check::verdict_text(r.verdict, lang)
    );
    for rule in &r.rules {
        let (msg, fix) = if zh {
            (&rule.message_zh, &rule.fix_zh)
        } else {
            (&rule.message_en, &rule.fix_en)
        };
        let id = pad(&rule.id, 18);
        s.push_str(&format!(
            "  {} {id} {msg}\n",
            pad(status_mark(rule.status, lang), 11)
        ));
        if !fix.is_empty() && id.len() <= 18 {
            s.push_str(&format!("  {} → {fix}\n", " ".repeat(11 + 1 + 18)));
        } else if !fix.is_empty() {
            s.push_str(&format!("  {} → {fix}\n", " ".repeat(11)));
        }
    }
    s
}

fn cmd_profiles(o: &Opts, out: &mut dyn Write) -> Result<i32, Error> {
    let all = profile::builtins();
    if o.json {
        let list: Vec<serde_json::Value> = all
            .iter()
            .map(|p| serde_json::json!({"id": p.id, "name": p.name, "name_en": p.name_en, "issuer": p.issuer, "deadline": p.deadline.as_ref().map(|d| &d.date)}))
            .collect();
        let _ = writeln!(out, "{}", text::json_pretty(&list));
    } else {
        for p in &all {
            let name = if o.lang == Lang::Zh {
                &p.name
            } else {
                &p.name_en
            };
            let _ = writeln!(out, "{:<26} {name}", p.id);
        }
    }
    Ok(0)
}

fn cmd_profile(o: &Opts, out: &mut dyn Write) -> Result<i32, Error> {
    let id = o
        .files
        .first()
        .cloned()
        .ok_or_else(|| usage("缺少配置 id / no profile id given"))?;
    let p = profile::builtin(&text_value("profile", id)?)?;
    if o.json {
        let _ = writeln!(out, "{}", text::json_pretty(&p));
        return Ok(0);
    }
    let _ = write!(out, "{}", preflight::describe::profile_text(&p, o.lang));
    Ok(0)
}
