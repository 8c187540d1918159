//! The signed scans' slots, the platform's total, and the checklist of
//! what no parser can see (one function each).

use super::words::required_when_text;
use super::{Input, R, RuleKind, RuleResult, Status};
use crate::form::{self, Attached, FormValues};
use crate::profile::{AttachmentSlot, Profile};

/// One result per slot that applies to the category and channel.
pub(super) fn slots(p: &Profile, input: &Input<'_>, att: &[Attached]) -> Vec<RuleResult> {
    p.attachments
        .iter()
        .filter(|a| Profile::applies(&a.when, input.category, input.channel))
        .map(|slot| slot_rule(p, slot, input.form, att))
        .collect()
}

/// A slot: present if required, within its count, and what to check by eye.
fn slot_rule(
    p: &Profile,
    slot: &AttachmentSlot,
    form: Option<&FormValues>,
    att: &[Attached],
) -> RuleResult {
    let mine: Vec<&Attached> = att.iter().filter(|a| a.slot == slot.id).collect();
    let mut r = R::new(&format!("attachment.{}", slot.id), &slot.quote);
    let cond = slot.required_when.as_ref();
    let required = slot.required || cond.zip(form).is_some_and(|(c, v)| form::holds(c, v));
    let need = match (slot.required, cond) {
        (true, _) => "必交 ".to_string(),
        (false, Some(c)) => format!("{} ", required_when_text(p, c)),
        (false, None) => String::new(),
    };
    r.expected = format!("{need}{}", slot.signatures);
    r.measured = if mine.is_empty() {
        "未上传 / none".into()
    } else {
        mine.iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    };
    if mine.is_empty() {
        if required {
            r.status = Status::Fail;
            r.zh = format!("缺少「{}」。", slot.label);
            r.en = format!("\"{}\" is missing.", slot.label_en);
            if slot.signatures.is_empty() {
                // Nothing to sign (播放证明, 授权协议): a document to attach.
                let kinds: Vec<&str> = slot.accept.iter().map(|k| k.name()).collect();
                r.fix_zh = format!("把「{}」保存为 {} 后上传。", slot.label, kinds.join("、"));
                r.fix_en = format!(
                    "Save \"{}\" as {} and attach it.",
                    slot.label_en,
                    kinds.join(" or ")
                );
            } else {
                r.fix_zh = format!(
                    "打印表格，{}，扫描为 PDF 或拍照为 JPEG 后上传。",
                    slot.signatures
                );
                r.fix_en = format!(
                    "Print the form, {}, scan it as PDF or photograph it as JPEG, and attach it.",
                    slot.signatures_en
                );
            }
        } else {
            r.zh = "选交，未上传。".into();
            r.en = "Optional, not attached.".into();
        }
    } else if mine.len() > slot.max_count as usize {
        r.status = Status::Fail;
        r.zh = format!(
            "「{}」最多 {} 个文件，现有 {} 个。",
            slot.label,
            slot.max_count,
            mine.len()
        );
        r.en = format!(
            "\"{}\" takes at most {} files; there are {}.",
            slot.label_en,
            slot.max_count,
            mine.len()
        );
        r.fix_zh = "合并为一个 PDF 或删去多余文件。".into();
        r.fix_en = "Merge them into one PDF or remove the extra files.".into();
    } else if let Some((a, max)) = slot
        .max_bytes
        .and_then(|max| mine.iter().find(|a| a.size > max).map(|a| (a, max)))
    {
        // Over the notice's 「M」 read as 10^6 bytes, within it read as 2^20
        // (else the scan was refused when attached).
        let (mb, mib, lim) = (
            a.size as f64 / 1e6,
            a.size as f64 / 1_048_576.0,
            max as f64 / 1e6,
        );
        r.status = Status::Warn;
        r.zh = format!(
            "「{}」有 {mb:.1} MB（Windows 显示 {mib:.1} MB）：按 {lim:.0}M = {max} 字节计超出上限，按 {lim:.0} MiB 计未超出。",
            a.name
        );
        r.en = format!(
            "\"{}\" is {mb:.1} MB ({mib:.1} MiB, as Windows shows it): over the limit if {lim:.0}M means {max} bytes, within it if it means {lim:.0} MiB.",
            a.name
        );
        r.fix_zh = format!(
            "平台若按前者计算会拒收：请降低扫描分辨率或压缩到 {lim:.0} MB 以下更稳妥。另请确认：{}。",
            slot.signatures
        );
        r.fix_en = format!(
            "The platform may count the first way and refuse it: scan at a lower resolution or compress it under {lim:.0} MB to be safe. Also check: {}.",
            slot.signatures_en
        );
    } else {
        r.status = Status::Manual;
        r.zh = format!("已上传。请确认：{}。", slot.signatures);
        r.en = format!("Attached. Check: {}.", slot.signatures_en);
    }
    r.done(RuleKind::Attachment)
}

/// The platform's limit on the number of attachments, shown only when exceeded.
pub(super) fn total(p: &Profile, att: &[Attached]) -> Option<RuleResult> {
    let total = p.attachments_max_total.as_ref()?;
    if att.len() <= total.value as usize {
        return None;
    }
    let mut r = total_base(p)?;
    r.status = Status::Fail;
    r.measured = att.len().to_string();
    r.zh = format!("附件共 {} 个，平台最多接受 {} 个。", att.len(), total.value);
    r.en = format!(
        "{} attachments; the platform takes at most {}.",
        att.len(),
        total.value
    );
    r.fix_zh = "把多页扫描合并为一个 PDF。".into();
    r.fix_en = "Merge multi-page scans into one PDF.".into();
    Some(r.done(RuleKind::Attachment))
}

/// The total's rule as `preflight profile` shows it, judged on nothing.
pub(super) fn total_rule(p: &Profile) -> Option<RuleResult> {
    let mut r = total_base(p)?;
    r.status = Status::Manual;
    r.measured = String::new();
    Some(r.done(RuleKind::Attachment))
}

fn total_base(p: &Profile) -> Option<R> {
    let total = p.attachments_max_total.as_ref()?;
    let mut r = R::new("attachment.total", &total.quote);
    r.expected = format!("≤ {}", total.value);
    Some(r)
}

/// The checklist items that apply: each is the user's to confirm by eye.
pub(super) fn checklist(p: &Profile, input: &Input<'_>) -> Vec<RuleResult> {
    p.checklist
        .iter()
        .filter(|c| Profile::applies(&c.when, input.category, input.channel))
        .map(|c| {
            let mut r = R::new(&format!("checklist.{}", c.id), &c.quote);
            r.status = Status::Manual;
            r.expected = c.text.clone();
            r.zh = format!("请人工确认：{}", c.text);
            r.en = format!("Check by eye: {}", c.text_en);
            let mut res = r.done(RuleKind::Checklist);
            res.preview = c.preview;
            res
        })
        .collect()
}
