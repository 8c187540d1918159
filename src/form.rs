//! The contest's form: values, live counts and validation, counted as the
//! notices count (every character one 字), and the signed scans' slots.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::profile::{AttachmentSlot, Field, FieldType, FileKind, Profile, RequiredWhen};

/// A field's value: text, or a list (multi-select, authors).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Text(String),
    List(Vec<String>),
}

impl Value {
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Text(s) => s.trim().is_empty(),
            Value::List(l) => l.iter().all(|s| s.trim().is_empty()),
        }
    }
    pub fn text(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::List(l) => l.join("、"),
        }
    }
}

/// Form values keyed by field id, as `form.json` holds them.
pub type FormValues = BTreeMap<String, Value>;

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldIssue {
    pub field: String,
    /// `required`, `too_long`, `too_many`, `bad_mobile`, `bad_phone`, `bad_email`,
    /// `bad_url`, `bad_date`, `date_outside`, `bad_option`, `bad_duration`.
    pub code: &'static str,
    pub message_zh: String,
    pub message_en: String,
}

/// Count 字 as the notices do: every character counts one — a Chinese
/// character, a punctuation mark, a Latin letter or a digit — and whitespace
/// (spaces, line breaks) counts none.
pub fn count_chars(s: &str) -> usize {
    s.chars().filter(|c| !c.is_whitespace()).count()
}

fn digits_only(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, ' ' | '-' | '－' | '(' | ')' | '（' | '）'))
        .collect()
}

/// Mainland mobile: 11 digits starting 13–19, optional +86.
pub fn is_mobile(s: &str) -> bool {
    let d = digits_only(s.trim());
    let d = d
        .strip_prefix("+86")
        .or_else(|| d.strip_prefix("86").filter(|r| r.len() == 11))
        .unwrap_or(&d);
    d.len() == 11
        && d.starts_with('1')
        && matches!(d.as_bytes()[1], b'3'..=b'9')
        && d.bytes().all(|b| b.is_ascii_digit())
}

/// Landline with area code: 0451-51920576, 028-85235028, (010)68526368, extension allowed.
pub fn is_landline(s: &str) -> bool {
    let t = s.trim();
    let (main, ext) = match t.split_once(['转', '#']) {
        Some((m, e)) => (m, Some(e)),
        None => (t, None),
    };
    if ext.is_some_and(|e| e.is_empty() || e.len() > 6 || !e.chars().all(|c| c.is_ascii_digit())) {
        return false;
    }
    let d = digits_only(main);
    let d = d.replace('—', "");
    d.starts_with('0') && (10..=12).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit())
}

/// One or more phone numbers, separated by / 、 , ， or spaces; a bare 7–8
/// digit number after a landline shares its area code ("0451-51920576 51872266").
pub fn is_phone(s: &str) -> bool {
    let parts: Vec<&str> = s
        .split(['/', '、', ',', '，', ';', '；'])
        .flat_map(|p| {
            // "0451-51920576 51872266": split on spaces only between numbers.
            let p = p.trim();
            if p.contains(' ') && !is_landline(p) && !is_mobile(p) {
                p.split(' ').collect::<Vec<_>>()
            } else {
                vec![p]
            }
        })
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        return false;
    }
    let mut had_landline = false;
    parts.iter().all(|p| {
        if is_mobile(p) {
            true
        } else if is_landline(p) {
            had_landline = true;
            true
        } else {
            had_landline && (7..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
        }
    })
}

pub fn is_email(s: &str) -> bool {
    let s = s.trim();
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c == ',' || c == '，')
        && s.is_ascii()
}

/// An http(s) URL somewhere in the text (the form asks for "平台及网址").
pub fn find_url(s: &str) -> Option<&str> {
    let i = s.find("http://").or_else(|| s.find("https://"))?;
    let rest = &s[i..];
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, '，' | '、' | '；' | '）' | '」' | '>'))
        .unwrap_or(rest.len());
    let url = &rest[..end];
    let host = url.split("://").nth(1)?.split(['/', '?', '#']).next()?;
    (host.contains('.') && host.len() > 3 && !host.starts_with('.')).then_some(url)
}

/// "3:20", "1:02:03", "200", "200秒", "3分20秒" → seconds.
pub fn parse_duration(s: &str) -> Option<f64> {
    let t = s.trim().replace('：', ":");
    if t.is_empty() {
        return None;
    }
    if let Some(v) = t.strip_suffix('秒').or_else(|| t.strip_suffix('s')) {
        if let Some((m, sec)) = v.split_once('分') {
            let m: f64 = crate::num::decimal(m.trim())?;
            let sec: f64 = if sec.trim().is_empty() {
                0.0
            } else {
                crate::num::decimal(sec.trim())?
            };
            return (m >= 0.0 && (0.0..60.0).contains(&sec)).then_some(m * 60.0 + sec);
        }
        return crate::num::decimal(v.trim()).filter(|x| x.is_finite() && *x >= 0.0);
    }
    if let Some(m) = t.strip_suffix("分钟").or_else(|| t.strip_suffix('分')) {
        return crate::num::decimal(m.trim())
            .filter(|x| x.is_finite() && *x >= 0.0)
            .map(|m| m * 60.0);
    }
    let parts: Vec<&str> = t.split(':').collect();
    if parts.len() > 3 {
        return None;
    }
    let mut total = 0.0;
    for (i, p) in parts.iter().enumerate() {
        let v = crate::num::decimal(p.trim())?;
        if !v.is_finite() || v < 0.0 || (i > 0 && v >= 60.0) {
            return None;
        }
        total = total * 60.0 + v;
    }
    Some(total)
}

fn issue(field: &Field, code: &'static str, zh: String, en: String) -> FieldIssue {
    FieldIssue {
        field: field.id.clone(),
        code,
        message_zh: format!("「{}」{zh}", field.label),
        message_en: format!("\"{}\": {en}", field.label_en),
    }
}

/// Validate one field's value (None = not filled in).
#[expect(
    clippy::too_many_lines,
    reason = "a table: one match arm per field type, each its check and its words in both languages"
)]
pub fn validate_field(f: &Field, v: Option<&Value>, required: bool) -> Vec<FieldIssue> {
    let mut out = Vec::new();
    let empty = v.is_none_or(Value::is_empty);
    if empty {
        if required {
            out.push(issue(
                f,
                "required",
                "为必填项，请填写。".into(),
                "is required; please fill it in.".into(),
            ));
        }
        return out;
    }
    let Some(v) = v else { return out };
    let text = v.text();
    if let Some(max) = f.max_chars {
        let n = count_chars(&text);
        if n > max as usize {
            out.push(issue(
                f,
                "too_long",
                format!("共 {n} 字，超过 {max} 字的上限，请删减 {} 字（每个汉字、标点、字母或数字计 1 字，空格和换行不计）。", n - max as usize),
                format!("has {n} characters, over the limit of {max}; cut {} (each Chinese character, punctuation mark, letter or digit counts as one; spaces and line breaks do not).", n - max as usize),
            ));
        }
    }
    match f.kind {
        FieldType::Mobile if !is_mobile(&text) => out.push(issue(
            f,
            "bad_mobile",
            "不是有效的手机号（11 位，以 13–19 开头），例如 13912345678。".into(),
            "is not a valid mainland mobile number (11 digits starting 13–19), e.g. 13912345678.".into(),
        )),
        FieldType::Phone if !is_phone(&text) => out.push(issue(
            f,
            "bad_phone",
            "不是有效的电话号码：手机 11 位，座机请带区号，如 0451-51920576。".into(),
            "is not a valid phone number: a mobile has 11 digits; a landline needs its area code, e.g. 0451-51920576.".into(),
        )),
        FieldType::Email if !is_email(&text) => out.push(issue(
            f,
            "bad_email",
            "不是有效的电子邮箱，例如 name@example.com（请用半角字符）。".into(),
            "is not a valid e-mail address, e.g. name@example.com.".into(),
        )),
        FieldType::Url if find_url(&text).is_none() => out.push(issue(
            f,
            "bad_url",
            "需要包含以 http:// 或 https:// 开头的完整网址。".into(),
            "needs a full web address starting with http:// or https://.".into(),
        )),
        FieldType::Date => match crate::probe::days_from_ymd(text.trim()) {
            None => out.push(issue(
                f,
                "bad_date",
                "日期格式应为 年-月-日，例如 2023-06-01。".into(),
                "should be a date as YYYY-MM-DD, e.g. 2023-06-01.".into(),
            )),
            Some(d) => {
                let lo = f.min_date.as_deref().and_then(crate::probe::days_from_ymd);
                let hi = f.max_date.as_deref().and_then(crate::probe::days_from_ymd);
                if lo.is_some_and(|lo| d < lo) || hi.is_some_and(|hi| d > hi) {
                    let from = f.min_date.clone().unwrap_or_default();
                    let to = f.max_date.clone().unwrap_or_default();
                    out.push(issue(
                        f,
                        "date_outside",
                        format!("须在 {from} 至 {to} 之间。"),
                        format!("must be between {from} and {to}."),
                    ));
                }
            }
        },
        FieldType::Select | FieldType::Multiselect => {
            let chosen: Vec<String> = match v {
                Value::Text(s) => vec![s.clone()],
                Value::List(l) => l.clone(),
            };
            if f.kind == FieldType::Select && chosen.len() > 1 {
                out.push(issue(f, "bad_option", "只能选一项。".into(), "takes one choice only.".into()));
            }
            if let Some(bad) = chosen.iter().find(|c| !f.options.iter().any(|o| &o.id == *c || &o.label == *c)) {
                out.push(issue(
                    f,
                    "bad_option",
                    format!("「{bad}」不是可选项。"),
                    format!("\"{bad}\" is not one of the choices."),
                ));
            }
        }
        FieldType::Authors => {
            let names: Vec<String> = match v {
                Value::Text(s) => s.split(['、', ',', '，', ';', '；', '\n']).map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect(),
                Value::List(l) => l.iter().map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect(),
            };
            if let Some(max) = f.max_items
                && names.len() > max as usize {
                    out.push(issue(
                        f,
                        "too_many",
                        format!("共 {} 人，最多 {max} 人。", names.len()),
                        format!("lists {} people; at most {max} are allowed.", names.len()),
                    ));
                }
        }
        FieldType::IdCard if !is_id_card(&text) => out.push(issue(
            f,
            "bad_id_card",
            "不是有效的居民身份证号码：应为 18 位，最后一位是校验码（0–9 或 X），请逐位核对。".into(),
            "is not a valid resident ID number: 18 characters, the last a check digit (0–9 or X); check each digit.".into(),
        )),
        FieldType::Uscc if !is_uscc(&text) => out.push(issue(
            f,
            "bad_uscc",
            "不是有效的统一社会信用代码：应为 18 位数字或大写字母（不含 I、O、Z、S、V），最后一位是校验码，请按营业执照或登记证书核对。".into(),
            "is not a valid unified social credit code: 18 digits or capital letters (no I, O, Z, S, V), the last a check character; copy it from the licence or registration certificate.".into(),
        )),
        FieldType::Duration if parse_duration(&text).is_none() => out.push(issue(
            f,
            "bad_duration",
            "时长格式应为 分:秒，例如 0:18。".into(),
            "should be a duration as m:ss, e.g. 0:18.".into(),
        )),
        _ => {}
    }
    out
}

/// Validate the whole form for a category and channel.
pub fn validate(
    p: &Profile,
    values: &FormValues,
    category: Option<&str>,
    channel: Option<&str>,
) -> Vec<FieldIssue> {
    p.fields
        .iter()
        .filter(|f| Profile::applies(&f.when, category, channel))
        .flat_map(|f| validate_field(f, values.get(&f.id), is_required(f, values)))
        .collect()
}

/// Is the field required, for these values (`required`, or `required_when`)?
pub fn is_required(f: &Field, values: &FormValues) -> bool {
    f.required || f.required_when.as_ref().is_some_and(|r| holds(r, values))
}

/// Does the other field hold what a `required_when` names?
pub fn holds(r: &RequiredWhen, values: &FormValues) -> bool {
    let Some(v) = values.get(&r.field).filter(|v| !v.is_empty()) else {
        return false;
    };
    if r.any_of.is_empty() {
        return true;
    }
    let chosen: Vec<&str> = match v {
        Value::Text(s) => vec![s.trim()],
        Value::List(l) => l.iter().map(|x| x.trim()).collect(),
    };
    chosen.iter().any(|c| r.any_of.iter().any(|o| o == c))
}

/// 居民身份证号码 (GB 11643-1999): 17 digits whose 7th–14th are a real
/// date of birth, then a check character: Σ digit × (2^(17−i) mod 11),
/// mod 11, mapped through "10X98765432".
pub fn is_id_card(s: &str) -> bool {
    let b = s.trim().as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const C: &[u8; 11] = b"10X98765432";
    let sum: u32 = b[..17]
        .iter()
        .zip(W)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let birth = std::str::from_utf8(&b[6..14]).unwrap_or("");
    let date = format!(
        "{}-{}-{}",
        &birth[..4.min(birth.len())],
        birth.get(4..6).unwrap_or(""),
        birth.get(6..8).unwrap_or("")
    );
    C[(sum % 11) as usize] == b[17].to_ascii_uppercase()
        && crate::probe::days_from_ymd(&date).is_some()
}

/// 统一社会信用代码 (GB 32100-2015): 18 characters of
/// "0123456789ABCDEFGHJKLMNPQRTUWXY"; the last is 31 − (Σ value × 3^i mod 31)
/// mod 31, with 31 written as 0.
pub fn is_uscc(s: &str) -> bool {
    const SET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const W: [u32; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let b = s.trim().as_bytes();
    if b.len() != 18 {
        return false;
    }
    let mut vals = [0u32; 18];
    for (i, c) in b.iter().enumerate() {
        match SET.iter().position(|x| x == c) {
            Some(v) => vals[i] = v as u32,
            None => return false,
        }
    }
    let sum: u32 = vals[..17].iter().zip(W).map(|(v, w)| v * w).sum();
    (31 - sum % 31) % 31 == vals[17]
}

/// What a scan's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Detected {
    Pdf,
    Jpeg,
    Png,
    Heic,
    Webp,
    Gif,
    Other,
}

pub fn detect(head: &[u8]) -> Detected {
    let at = |i: usize, m: &[u8]| head.get(i..i + m.len()) == Some(m);
    if at(0, b"%PDF-") {
        Detected::Pdf
    } else if at(0, &[0xFF, 0xD8, 0xFF]) {
        Detected::Jpeg
    } else if at(0, b"\x89PNG\r\n\x1a\n") {
        Detected::Png
    } else if at(4, b"ftyp")
        && [
            "heic", "heix", "hevc", "heim", "heis", "mif1", "msf1", "avif",
        ]
        .iter()
        .any(|b| at(8, b.as_bytes()))
    {
        Detected::Heic
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        Detected::Webp
    } else if at(0, b"GIF8") {
        Detected::Gif
    } else {
        Detected::Other
    }
}

impl Detected {
    pub fn kind(self) -> Option<FileKind> {
        match self {
            Detected::Pdf => Some(FileKind::Pdf),
            Detected::Jpeg => Some(FileKind::Jpeg),
            Detected::Png => Some(FileKind::Png),
            _ => None,
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            Detected::Pdf => "pdf",
            Detected::Jpeg => "jpg",
            Detected::Png => "png",
            Detected::Heic => "heic",
            Detected::Webp => "webp",
            Detected::Gif => "gif",
            Detected::Other => "bin",
        }
    }
}

/// Pages of a PDF, counted from its `/Type /Page` objects (not `/Pages`).
/// A count, not a parser: good enough to show "3 页" beside a scan.
pub fn pdf_pages(data: &[u8]) -> usize {
    let needle = b"/Type";
    let mut n = 0;
    let mut i = 0;
    while let Some(p) = data
        .get(i..)
        .and_then(|d| d.windows(needle.len()).position(|w| w == needle))
    {
        let mut j = i + p + needle.len();
        while data.get(j).is_some_and(|c| c.is_ascii_whitespace()) {
            j += 1;
        }
        if data.get(j..j + 5) == Some(b"/Page") && data.get(j + 5) != Some(&b's') {
            n += 1;
        }
        i = j;
    }
    n
}

/// A scan the user attached to a slot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attached {
    pub slot: String,
    pub name: String,
    pub size: u64,
    /// From the first bytes (see [`detect`]).
    pub kind: Option<FileKind>,
    #[serde(default)]
    pub heic: bool,
}

/// A HEIC photo: the platform cannot open it; what to do on the iPhone.
pub fn heic_scan(name: &str) -> crate::Error {
    crate::Error::new(
        "heic_scan",
        format!(
            "「{name}」是 HEIC 格式（苹果手机默认照片格式），平台无法打开。请在 iPhone「设置 → 相机 → 格式」选「兼容性最佳」后重拍，或在相册中分享为 JPEG / 用「文件」存储为 PDF 后再上传。"
        ),
        format!(
            "\"{name}\" is HEIC (the iPhone's default photo format), which the platform cannot open. On the iPhone choose Settings → Camera → Formats → Most Compatible and shoot again, or share/export it as JPEG or PDF, then attach that."
        ),
    )
}

/// Refuse a file for a slot, or accept it: the message says what to do.
pub fn check_attachment(
    slot: &AttachmentSlot,
    name: &str,
    size: u64,
    detected: Detected,
) -> Result<FileKind, crate::Error> {
    let accept: Vec<&str> = slot.accept.iter().map(|k| k.name()).collect();
    let accept = accept.join("/");
    if detected == Detected::Heic {
        return Err(heic_scan(name));
    }
    let Some(kind) = detected.kind().filter(|k| slot.accept.contains(k)) else {
        return Err(crate::Error::new(
            "bad_scan_type",
            format!(
                "「{name}」不是 {accept} 文件（按文件内容判断，而非扩展名）。请把签字盖章的纸质表格扫描或拍照为 {accept} 后上传。"
            ),
            format!(
                "\"{name}\" is not a {accept} file (judged by its content, not its name). Scan or photograph the signed form as {accept} and attach that."
            ),
        ));
    };
    if let Some(max) = slot.hard_max()
        && size > max
    {
        let mut e = scan_too_large(name, size, slot.max_bytes.unwrap_or(max));
        if slot.max_either_way {
            e.message_zh = e
                .message_zh
                .replace("的上限", "的上限（按 10^6 或 2^20 字节计都超出）");
            e.message_en = e.message_en.replace(
                " limit per file",
                " limit per file, read as 10^6 or as 2^20 bytes",
            );
        }
        return Err(e);
    }
    Ok(kind)
}

/// The most of one scan the apps read into memory, whatever the slot allows.
pub const MAX_SCAN_READ: u64 = 64 * 1024 * 1024;

/// A scan over `max` bytes: the scan's own advice (scan smaller), never the
/// video's.
fn scan_too_large(name: &str, size: u64, max: u64) -> crate::Error {
    crate::Error::new(
        "scan_too_large",
        format!(
            "「{name}」有 {:.1} MB，超过每个 {:.0} MB 的上限。请降低扫描分辨率（200–300 dpi 足够）或压缩后再上传。",
            size as f64 / 1e6,
            max as f64 / 1e6
        ),
        format!(
            "\"{name}\" is {:.1} MB, over the {:.0} MB limit per file. Scan at a lower resolution (200–300 dpi is enough) or compress it.",
            size as f64 / 1e6,
            max as f64 / 1e6
        ),
    )
}

/// Judge a scan from its size and first bytes, before reading it whole: the
/// slot's own refusals ([`check_attachment`]: HEIC, wrong type, over the
/// slot's limit) and then the read cap [`MAX_SCAN_READ`], each with the
/// scan's advice. An edge that reads scans whole calls this first.
pub fn check_scan_before_reading(
    slot: &AttachmentSlot,
    name: &str,
    size: u64,
    head: &[u8],
) -> Result<FileKind, crate::Error> {
    let kind = check_attachment(slot, name, size, detect(head))?;
    if size > MAX_SCAN_READ {
        return Err(scan_too_large(name, size, MAX_SCAN_READ));
    }
    Ok(kind)
}

/// The form as submitted: values typed, with the fields that repeat a
/// choice made once (`mirrors`) filled from it — a select takes the
/// category or channel, a multi-select always has it ticked. One source of
/// truth: the report, the printed form and the manifest all read this.
pub fn effective(
    p: &Profile,
    values: &FormValues,
    category: Option<&str>,
    channel: Option<&str>,
) -> FormValues {
    let mut out = values.clone();
    for f in &p.fields {
        let choice = match f.mirrors {
            Some(crate::profile::Mirror::Category) => category,
            Some(crate::profile::Mirror::Channel) => channel,
            None => continue,
        };
        let Some(c) = choice else { continue };
        let v = match (f.kind, out.get(&f.id)) {
            (FieldType::Multiselect, Some(Value::List(l))) => {
                let mut l = l.clone();
                if !l.iter().any(|x| x == c) {
                    l.insert(0, c.to_string());
                }
                Value::List(l)
            }
            (FieldType::Multiselect, Some(Value::Text(t))) if !t.trim().is_empty() && t != c => {
                Value::List(vec![c.to_string(), t.clone()])
            }
            (FieldType::Multiselect, _) => Value::List(vec![c.to_string()]),
            _ => Value::Text(c.to_string()),
        };
        out.insert(f.id.clone(), v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_as_the_notices_do() {
        assert_eq!(count_chars("科普视频，好看！"), 8);
        assert_eq!(count_chars("AI 科普 2024"), 8);
        assert_eq!(count_chars("一\n二"), 2);
    }

    #[test]
    fn phones() {
        assert!(is_mobile("13391902680"));
        assert!(is_mobile("+86 139 1234 5678"));
        assert!(!is_mobile("12391902680"));
        assert!(!is_mobile("1339190268"));
        assert!(is_phone("0451-51920576 51872266"));
        assert!(is_phone("028-85235028/18008054115"));
        assert!(is_phone("010—68526368"));
        assert!(!is_phone("51920576"));
        assert!(!is_phone("abc"));
    }

    #[test]
    fn urls_emails_durations() {
        assert!(find_url("哔哩哔哩 https://www.bilibili.com/video/BV1xx").is_some());
        assert!(find_url("www.bilibili.com").is_none());
        assert!(is_email("kepu2025@126.com"));
        assert!(!is_email("kepu2025@126"));
        assert!(!is_email("kepu2025＠126.com"));
        assert_eq!(parse_duration("0:18"), Some(18.0));
        assert_eq!(parse_duration("1:02:03"), Some(3723.0));
        assert_eq!(parse_duration("3分20秒"), Some(200.0));
        assert_eq!(parse_duration("1:70"), None);
    }

    #[test]
    fn scans_by_magic() {
        assert_eq!(detect(b"%PDF-1.7"), Detected::Pdf);
        assert_eq!(detect(b"\0\0\0\x18ftypheic"), Detected::Heic);
        assert_eq!(
            pdf_pages(b"<< /Type /Pages /Count 2 >> << /Type /Page >> << /Type/Page >>"),
            2
        );
    }
}
