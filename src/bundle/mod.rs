//! The bundle plan (no I/O): entry names from the profile's layout and the
//! form, sanitised; `manifest.json`, `report.html` and the filled form; and the
//! zip layout around the untouched video (see [`zip`]).

#[cfg(not(target_arch = "wasm32"))]
pub mod write;
pub mod zip;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::check::{Report, RuleKind, Status};
use crate::error::Error;
use crate::form::FormValues;
use crate::probe::MediaInfo;
use crate::profile::{FileKind, Profile, placeholders};
pub use crate::submission::Submission;

#[cfg(not(target_arch = "wasm32"))]
pub use write::{WriteError, Written, write_to};
pub use zip::{EntryMeta, Part};

/// The manifest's schema id; bump on breaking change (keys may be added).
pub const MANIFEST_SCHEMA: &str = "preflight-bundle/1";
/// Longest file-name stem, in characters (Windows paths and old unzip tools).
pub const MAX_STEM: usize = 60;

/// The video going in.
///
/// `info` is what the probe saw, including the file's name (`info.file`)
/// and size (`info.size_bytes`); `size` is the size of the file being zipped.
/// [`plan`] refuses (`video_changed`) when the two are not the same file: see
/// [`same_file`]. Edges that know more fill in the optional fields (the
/// others: `..Default::default()`).
#[derive(Debug, Clone, Default)]
pub struct VideoIn {
    pub size: u64,
    pub crc32: u32,
    pub info: MediaInfo,
    /// The name of the file being zipped; `None`: the probed name.
    pub name: Option<String>,
    /// Last-modified time of the file being zipped, ms since 1970.
    pub modified_ms: Option<u64>,
    /// Last-modified time of the file when it was probed, ms since 1970.
    pub probed_modified_ms: Option<u64>,
}

impl VideoIn {
    /// The file as it was probed.
    pub fn probed(&self) -> FileId {
        FileId {
            name: self.info.file.clone(),
            size: self.info.size_bytes,
            modified_ms: self.probed_modified_ms,
        }
    }

    /// The file being zipped.
    pub fn zipping(&self) -> FileId {
        FileId {
            name: self.name.clone().unwrap_or_else(|| self.info.file.clone()),
            size: self.size,
            modified_ms: self.modified_ms,
        }
    }
}

/// What tells one of the user's files from another: its name, its size and,
/// where the edge knows it, its last-modified time (ms since 1970; a
/// browser's `File.lastModified`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FileId {
    pub name: String,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified_ms: Option<u64>,
}

/// `Ok` when `zipping` is the file that was `probed`: same name (NFC), same
/// size, and the same last-modified time where both are known. Otherwise the
/// `video_changed` error, which says to check the video again: the report
/// and the manifest describe the probed file, not this one. Edges call it
/// before they zip; [`plan`] calls it too.
pub fn same_file(probed: &FileId, zipping: &FileId) -> Result<(), Error> {
    let (zh, en) = if probed.size != zipping.size {
        (
            format!(
                "检查的是 {} 字节的文件，要打包的是 {} 字节",
                probed.size, zipping.size
            ),
            format!(
                "the file checked has {} bytes, the file to bundle {}",
                probed.size, zipping.size
            ),
        )
    } else if nfc(&probed.name) != nfc(&zipping.name) {
        (
            format!(
                "检查的是「{}」，要打包的是「{}」",
                probed.name, zipping.name
            ),
            format!(
                "the file checked is \"{}\", the file to bundle \"{}\"",
                probed.name, zipping.name
            ),
        )
    } else if let (Some(a), Some(b)) = (probed.modified_ms, zipping.modified_ms)
        && a != b
    {
        (
            "文件在检查之后被修改过".to_string(),
            "the file was modified after it was checked".to_string(),
        )
    } else {
        return Ok(());
    };
    Err(Error::new(
        "video_changed",
        format!("要打包的视频不是刚才检查的那个文件（{zh}）。请重新检查视频，再打包。"),
        format!(
            "The video to bundle is not the file that was checked ({en}). Check the video again, then bundle."
        ),
    ))
}

/// A signed scan going in.
#[derive(Debug, Clone)]
pub struct ScanIn {
    pub slot: String,
    pub name: String,
    pub size: u64,
    pub crc32: u32,
    pub sha256: String,
    pub kind: FileKind,
}

/// Where an entry's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The user's video, streamed by the edge.
    Video,
    /// Scan number `i` of the input, supplied by the edge.
    Scan(usize),
    /// Bytes made here (manifest, report, form).
    Bytes(Vec<u8>),
}

#[derive(Debug, Clone)]
pub struct Planned {
    pub name: String,
    pub source: Source,
    pub size: u64,
    pub crc32: u32,
}

#[derive(Debug, Clone)]
pub struct Plan {
    /// The zip's own file name, with ".zip".
    pub zip_name: String,
    pub entries: Vec<Planned>,
}

/// What the edge adds to a [`Submission`] when it bundles: its clock, its
/// name, and whether failing rules are bundled anyway.
#[derive(Debug, Clone, Copy)]
pub struct Stamp<'a> {
    /// Seconds since 1970, from the edge's clock.
    pub unix_time: i64,
    /// Bundled although a rule fails (`--force`); the manifest says which.
    pub forced: bool,
    pub tool: &'a str,
}

/// One file listed in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestFile {
    pub name: String,
    /// `video`, `scan`, `form`, `report`.
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot: Option<String>,
    pub size: u64,
    /// Lower-case hex, 8 digits.
    pub crc32: String,
    /// SHA-256 of the small files (everything but the video).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub schema: String,
    pub tool: String,
    pub created: String,
    pub profile: String,
    pub profile_name: String,
    pub category: Option<String>,
    pub channel: Option<String>,
    pub form: FormValues,
    /// What the probe saw of the video; `None` when the video comes later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<MediaInfo>,
    /// The entry goes without its video, which follows (科普之光's 视频线索).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_later: Option<ManifestLater>,
    pub verdict: String,
    pub forced: bool,
    /// Ids of the failing rules (recorded when `forced`).
    pub failures: Vec<String>,
    pub rules: Vec<ManifestRule>,
    /// Checklist item id → ticked by the user.
    pub checklist: std::collections::BTreeMap<String, bool>,
    pub files: Vec<ManifestFile>,
}

/// The video that follows the entry: by when, in the notice's terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestLater {
    /// YYYY-MM-DD, the last day for the video, where the profile gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    pub text: String,
    pub text_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestRule {
    pub id: String,
    pub status: String,
    pub measured: String,
    pub expected: String,
}

/// Device names Windows reserves in any directory, with any extension and
/// with trailing dots or spaces ("CON .txt" is CON): COM and LPT with 0–9 and
/// the superscripts ¹²³, and the console's CONIN$ and CONOUT$.
fn is_windows_device(stem: &str) -> bool {
    let base = stem
        .split('.')
        .next()
        .unwrap_or("")
        .trim_end_matches([' ', '.'])
        .to_ascii_uppercase();
    if matches!(
        base.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) {
        return true;
    }
    let mut cs = base.chars();
    let head: String = cs.by_ref().take(3).collect();
    let tail: Vec<char> = cs.collect();
    (head == "COM" || head == "LPT")
        && matches!(tail.as_slice(), [c] if c.is_ascii_digit() || matches!(c, '\u{b9}' | '\u{b2}' | '\u{b3}'))
}

/// Characters that change how a name is shown without being seen: bidi
/// embeddings, overrides, isolates and marks (an RLO shows "a\u{202E}fdp.exe"
/// as "aexe.pdf"), zero-width spaces and joiners, the BOM, the soft hyphen.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{061C}'
            | '\u{00AD}'
            | '\u{180E}'
            | '\u{FEFF}'
    )
}

/// Unicode NFC. Natively from `unicode-normalization`; in the browser from
/// the platform's own `String.prototype.normalize`, which saves the wasm
/// payload the crate's tables (see BENCHMARKS.md).
#[cfg(not(target_arch = "wasm32"))]
pub fn nfc(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfc().collect()
}

#[cfg(target_arch = "wasm32")]
pub fn nfc(s: &str) -> String {
    js_sys::JsString::from(s).normalize("NFC").into()
}

/// A safe file-name stem: NFC, no characters Windows forbids, no control
/// characters, no bidi controls or invisible characters, no path separators
/// or `..`, no trailing dots or spaces, not a reserved device name, at most
/// [`MAX_STEM`] characters. May be empty.
pub fn sanitize(s: &str) -> String {
    let mut out: String = nfc(s)
        .chars()
        .filter(|&c| !is_invisible(c))
        .map(|c| match c {
            '\\' | '/' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    while out.contains("..") {
        out = out.replace("..", ".");
    }
    let mut out: String = out.chars().take(MAX_STEM).collect();
    while out.ends_with(['.', ' ']) {
        out.pop();
    }
    let out = out.trim_start_matches(['.', ' ']).to_string();
    if is_windows_device(&out) {
        return format!("_{out}");
    }
    out
}

/// `s` sanitised, or `fallback` sanitised when nothing is left, or "file".
fn stem_or(s: &str, fallback: &str) -> String {
    let s = sanitize(s);
    if !s.is_empty() {
        return s;
    }
    let f = sanitize(fallback);
    if f.is_empty() { "file".into() } else { f }
}

/// Fill `{field}` placeholders with sanitised form values. Placeholders whose
/// field is empty vanish with the separator beside them; an empty result
/// falls back to `fallback`.
pub fn fill_template(t: &str, p: &Profile, form: &FormValues, fallback: &str) -> String {
    let mut s = t.to_string();
    for name in placeholders(t) {
        let v = sanitize(&crate::render::shown_value(p, &name, form));
        s = s.replace(&format!("{{{name}}}"), &v);
    }
    // Tidy separators left by empty values: "-x", "x-", "--".
    let s: String = s
        .split(['-', '_'])
        .filter(|p| !p.trim().is_empty())
        .collect::<Vec<_>>()
        .join("-");
    stem_or(&s, fallback)
}

/// The filled form's file-name stem, from the profile.
pub fn form_stem(p: &Profile, channel: Option<&str>) -> String {
    stem_or(p.form_name(channel), "form")
}

fn ext_of(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Pdf => "pdf",
        FileKind::Jpeg => "jpg",
        FileKind::Png => "png",
    }
}

fn video_ext(container: &str) -> &'static str {
    match container {
        "mov" => "mov",
        "avi" => "avi",
        "asf" => "wmv",
        "3gp" => "3gp",
        "mkv" => "mkv",
        "webm" => "webm",
        "flv" => "flv",
        "mpegts" => "ts",
        "m2ts" => "m2ts",
        "mpegps" => "mpg",
        "mxf" => "mxf",
        "rm" => "rm",
        "ogg" => "ogv",
        _ => "mp4",
    }
}

fn unique(name: String, taken: &mut BTreeSet<String>) -> String {
    if taken.insert(crate::case::fold_str(&name)) {
        return name;
    }
    let (stem, ext) = name
        .rsplit_once('.')
        .map_or((name.as_str(), ""), |(a, b)| (a, b));
    for i in 2.. {
        let cand = if ext.is_empty() {
            format!("{stem}({i})")
        } else {
            format!("{stem}({i}).{ext}")
        };
        if taken.insert(crate::case::fold_str(&cand)) {
            return cand;
        }
    }
    name
}

impl ScanIn {
    /// A scan read whole, checked against its slot (type by its bytes, size):
    /// the bundle's entry and the check engine's view of it.
    pub fn from_bytes(
        slot: &crate::profile::AttachmentSlot,
        name: &str,
        bytes: &[u8],
    ) -> Result<(ScanIn, crate::form::Attached), Error> {
        let size = bytes.len() as u64;
        let kind = crate::form::check_attachment(slot, name, size, crate::form::detect(bytes))?;
        let attached = crate::form::Attached {
            slot: slot.id.clone(),
            name: name.to_string(),
            size,
            kind: Some(kind),
            heic: false,
        };
        let scan = ScanIn {
            slot: slot.id.clone(),
            name: name.to_string(),
            size,
            crc32: crate::crc::hash(bytes),
            sha256: sha256_hex(bytes),
            kind,
        };
        Ok((scan, attached))
    }
}

pub fn sha256_hex(data: &[u8]) -> String {
    let d = Sha256::digest(data);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// The names taken so far and the entries and manifest rows made.
#[derive(Default)]
struct Entries {
    taken: BTreeSet<String>,
    planned: Vec<Planned>,
    files: Vec<ManifestFile>,
}

impl Entries {
    /// An entry of bytes made here (form, report), listed in the manifest.
    fn add_bytes(&mut self, name: String, role: &str, bytes: Vec<u8>) {
        let name = unique(name, &mut self.taken);
        let crc = crate::crc::hash(&bytes);
        self.files.push(ManifestFile {
            name: name.clone(),
            role: role.into(),
            slot: None,
            size: bytes.len() as u64,
            crc32: format!("{crc:08x}"),
            sha256: Some(sha256_hex(&bytes)),
        });
        self.planned.push(Planned {
            name,
            size: bytes.len() as u64,
            source: Source::Bytes(bytes),
            crc32: crc,
        });
    }
}

/// The video's entry, named from the profile's template.
fn plan_video(s: &Submission<'_>, v: &VideoIn, e: &mut Entries) {
    let p = s.profile;
    let name = unique(
        format!(
            "{}.{}",
            fill_template(&p.bundle.video_name, p, &s.form, "作品视频"),
            video_ext(&v.info.container)
        ),
        &mut e.taken,
    );
    e.files.push(ManifestFile {
        name: name.clone(),
        role: "video".into(),
        slot: None,
        size: v.size,
        crc32: format!("{:08x}", v.crc32),
        sha256: None,
    });
    e.planned.push(Planned {
        name,
        source: Source::Video,
        size: v.size,
        crc32: v.crc32,
    });
}

/// The scans' entries, named from their slots' templates.
fn plan_scans(s: &Submission<'_>, e: &mut Entries) -> Result<(), Error> {
    let p = s.profile;
    for (idx, scan) in s.scans.iter().enumerate() {
        let slot = s.slot(&scan.slot)?;
        let stem = fill_template(&slot.file_name, p, &s.form, &slot.id);
        let name = unique(format!("{stem}.{}", ext_of(scan.kind)), &mut e.taken);
        e.files.push(ManifestFile {
            name: name.clone(),
            role: "scan".into(),
            slot: Some(scan.slot.clone()),
            size: scan.size,
            crc32: format!("{:08x}", scan.crc32),
            sha256: Some(scan.sha256.clone()),
        });
        e.planned.push(Planned {
            name,
            source: Source::Scan(idx),
            size: scan.size,
            crc32: scan.crc32,
        });
    }
    Ok(())
}

/// What the report and the bundle call a video that comes later.
pub const VIDEO_LATER_NAME: &str = "视频待补充 / video to follow";

fn manifest(
    s: &Submission<'_>,
    report: &Report,
    stamp: &Stamp<'_>,
    failures: Vec<String>,
    files: Vec<ManifestFile>,
) -> Manifest {
    let p = s.profile;
    Manifest {
        schema: MANIFEST_SCHEMA.into(),
        tool: stamp.tool.into(),
        created: crate::probe::iso_from_unix(stamp.unix_time),
        profile: p.id.clone(),
        profile_name: p.name.clone(),
        category: s.category.clone(),
        channel: s.channel.clone(),
        form: crate::form::effective(p, &s.form, s.category.as_deref(), s.channel.as_deref()),
        media: s.media().map(MediaInfo::without_location),
        video_later: match (&s.video, s.video_later()) {
            (None, Some(l)) => Some(ManifestLater {
                due: l.due.clone(),
                text: l.text.clone(),
                text_en: l.text_en.clone(),
            }),
            _ => None,
        },
        verdict: report.verdict.as_str().to_string(),
        forced: stamp.forced && !failures.is_empty(),
        failures,
        rules: report
            .rules
            .iter()
            .filter(|r| r.kind != RuleKind::Checklist)
            .map(|r| ManifestRule {
                id: r.id.clone(),
                status: r.status.as_str().to_string(),
                measured: r.measured.clone(),
                expected: r.expected.clone(),
            })
            .collect(),
        checklist: report
            .rules
            .iter()
            .filter(|r| r.kind == RuleKind::Checklist && r.status == Status::Manual)
            .map(|r| {
                (
                    r.id.trim_start_matches("checklist.").to_string(),
                    s.ticks.contains(&r.id),
                )
            })
            .collect(),
        files,
    }
}

/// Make the plan: names, generated files, manifest. Refuses a video that is
/// not the file probed ([`same_file`]), no video where the profile does not
/// let it come later, and failing rules unless `stamp.forced`.
pub fn plan(s: &Submission<'_>, report: &Report, stamp: &Stamp<'_>) -> Result<Plan, Error> {
    if let Some(v) = &s.video {
        same_file(&v.probed(), &v.zipping())?;
    }
    s.video_or_later()?;
    let failures = Submission::refuse_failures(report, stamp.forced)?;
    let p = s.profile;
    let mut e = Entries::default();
    if let Some(v) = &s.video {
        plan_video(s, v, &mut e);
    }
    plan_scans(s, &mut e)?;
    let shown = e
        .planned
        .first()
        .filter(|x| x.source == Source::Video)
        .map_or(VIDEO_LATER_NAME.to_string(), |x| x.name.clone());
    e.add_bytes(
        format!("{}.html", form_stem(p, s.channel.as_deref())),
        "form",
        crate::render::form_html(p, &s.form, s.category.as_deref(), s.channel.as_deref())
            .into_bytes(),
    );
    e.add_bytes(
        "report.html".into(),
        "report",
        crate::render::report_html(p, report, &shown).into_bytes(),
    );
    let files = std::mem::take(&mut e.files);
    let json =
        serde_json::to_vec_pretty(&manifest(s, report, stamp, failures, files)).map_err(|err| {
            Error::new(
                "internal",
                format!("清单生成失败：{err}"),
                format!("manifest failed: {err}"),
            )
        })?;
    let crc = crate::crc::hash(&json);
    let name = unique("manifest.json".into(), &mut e.taken);
    e.planned.push(Planned {
        name,
        size: json.len() as u64,
        source: Source::Bytes(json),
        crc32: crc,
    });
    let zip_name = format!(
        "{}.zip",
        fill_template(&p.bundle.zip_name, p, &s.form, "投稿材料")
    );
    Ok(Plan {
        zip_name,
        entries: e.planned,
    })
}

impl Plan {
    /// The manifest's JSON text, as the bundle carries it.
    pub fn manifest_json(&self) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.name == "manifest.json")
            .and_then(|e| match &e.source {
                Source::Bytes(b) => std::str::from_utf8(b).ok(),
                _ => None,
            })
    }

    /// The zip layout: header bytes and data slots in order, and the total size.
    pub fn layout(&self, unix_time: i64) -> Result<(Vec<Part>, u64), Error> {
        let metas: Vec<EntryMeta> = self
            .entries
            .iter()
            .map(|e| EntryMeta {
                name: e.name.clone(),
                size: e.size,
                crc32: e.crc32,
            })
            .collect();
        zip::layout(&metas, unix_time)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe() {
        assert_eq!(sanitize("a/b\\c:d*e?f\"g<h>i|j"), "a_b_c_d_e_f_g_h_i_j");
        assert_eq!(sanitize("../../etc/passwd"), "_._etc_passwd");
        assert_eq!(sanitize("CON"), "_CON");
        assert_eq!(sanitize("科普 视频。。 "), "科普 视频。。");
        assert_eq!(sanitize("title...").as_str(), "title");
        assert_eq!(sanitize(&"长".repeat(100)).chars().count(), MAX_STEM);
        // NFC: e + combining acute → é
        assert_eq!(sanitize("e\u{301}"), "\u{e9}");
    }

    #[test]
    fn bidi_controls_zero_width_characters_and_bom_are_removed() {
        // A right-to-left override shows "invoice\u{202E}fdp.exe" as "invoiceexe.pdf".
        assert_eq!(sanitize("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        assert_eq!(sanitize("\u{FEFF}黑洞的秘密"), "黑洞的秘密");
        let invisible = [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}', '\u{200B}', '\u{200C}',
            '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{00AD}', '\u{180E}',
        ];
        for c in invisible {
            let got = sanitize(&format!("黑{c}洞"));
            assert_eq!(got, "黑洞", "U+{:04X} kept: {got:?}", c as u32);
        }
        // Only invisible characters: nothing is left.
        assert_eq!(sanitize("\u{202E}\u{200B}\u{FEFF}"), "");
    }

    #[test]
    fn windows_reserved_device_names_are_never_produced() {
        for n in [
            "CON",
            "con",
            "PRN",
            "AUX",
            "NUL",
            "COM0",
            "COM1",
            "COM9",
            "LPT0",
            "LPT9",
            "COM\u{b9}",
            "COM\u{b2}",
            "COM\u{b3}",
            "LPT\u{b9}",
            "LPT\u{b3}",
            "CONIN$",
            "conout$",
            "CON .x",
            "CON  .pdf",
            "NUL.tar.gz",
            "AUX  ",
            "PRN. ",
            "Com1 .txt",
            "\u{200B}CON",
            "CON\u{202E}",
        ] {
            let got = sanitize(n);
            let base = got
                .split('.')
                .next()
                .unwrap_or("")
                .trim_end()
                .to_uppercase();
            assert!(
                got.starts_with('_'),
                "{n:?} gave {got:?}, which Windows takes for the device {base:?}"
            );
        }
        for n in [
            "CONSOLE", "COM10", "LPTX", "CONIN", "a CON", "CON-1", "NULL",
        ] {
            assert_eq!(sanitize(n), n, "{n:?} is not a device name");
        }
    }

    #[test]
    fn an_empty_stem_falls_back_to_a_default() {
        let mut p = crate::profile::builtin("heilongjiang-kepu-2022").expect("profile");
        let mut form = FormValues::new();
        form.insert(
            "title".into(),
            crate::form::Value::Text("\u{202E}\u{200B}".into()),
        );
        // The video is named by "{title}".
        assert_eq!(p.bundle.video_name, "{title}");
        assert_eq!(
            fill_template(&p.bundle.video_name, &p, &form, "作品视频"),
            "作品视频"
        );
        // A fallback that is itself no name falls back to "file".
        assert_eq!(fill_template("{title}", &p, &form, " . "), "file");
        // The form's own name, from the profile.
        p.bundle.form_name = "\u{FEFF}".into();
        assert_eq!(form_stem(&p, None), "form");
        p.bundle.form_name = "CON".into();
        assert_eq!(form_stem(&p, None), "_CON");
    }

    #[test]
    fn duplicates_get_numbers() {
        let mut t = BTreeSet::new();
        assert_eq!(unique("a.pdf".into(), &mut t), "a.pdf");
        assert_eq!(unique("A.pdf".into(), &mut t), "A(2).pdf");
        // Two cases of one name collide on Windows and macOS in any script
        // people write names in, not only ASCII.
        assert_eq!(unique("Été.pdf".into(), &mut t), "Été.pdf");
        assert_eq!(unique("éTÉ.pdf".into(), &mut t), "éTÉ(2).pdf");
        assert_eq!(unique("ПРИВЕТ.pdf".into(), &mut t), "ПРИВЕТ.pdf");
        assert_eq!(unique("привет.pdf".into(), &mut t), "привет(2).pdf");
        assert_eq!(unique("中文.pdf".into(), &mut t), "中文.pdf");
    }
}
