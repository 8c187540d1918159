//! One entry as every edge hands it in: the profile, the category and channel
//! resolved against it, the form, the signed scans, and the video's facts and
//! identity — or no video, where the profile lets it come later. Built and
//! validated here once, with one policy for every edge (the app, the JS API,
//! the CLI and `verify`):
//!
//! - the category and channel are resolved by [`Profile::resolve`]: a missing
//!   one that changes what applies is refused, naming the choices;
//! - a form key that is not a field of the profile is refused (`bad_form`),
//!   never dropped in silence;
//! - a scan for a slot the profile does not have is refused (`unknown_slot`);
//!   a scan is judged by its size and first bytes before it is read whole,
//!   and never read past [`MAX_SCAN_READ`];
//! - a bundle with failing rules is refused (`rules_fail`) unless forced, and
//!   the manifest then records the failures;
//! - a bundle without a video is made only where the profile's
//!   `video.later` holds for the form (`video_required` otherwise).

use std::collections::BTreeSet;

use crate::bundle::{ScanIn, VideoIn};
use crate::check::{self, Input, Report};
use crate::error::Error;
use crate::form::{self, Attached, FormValues, MAX_SCAN_READ};
use crate::probe::MediaInfo;
use crate::profile::{AttachmentSlot, Profile, VideoLater};

/// How much of a file an edge reads at a time (the video's CRC pass, the JS
/// API's fallback reads, `verify`'s reads, the CLI's copy).
pub const READ_CHUNK: usize = 4 * 1024 * 1024;

/// The most of a small file read whole (the CLI's form JSON).
pub const MAX_FORM_JSON: u64 = 1024 * 1024;

/// One entry, validated (see the module's text for the policy).
#[derive(Debug, Clone)]
pub struct Submission<'p> {
    pub profile: &'p Profile,
    pub category: Option<String>,
    pub channel: Option<String>,
    pub form: FormValues,
    /// The checklist items the user ticked (rule ids).
    pub ticks: BTreeSet<String>,
    pub scans: Vec<ScanIn>,
    /// `None`: no video (yet). A bundle goes without one only where
    /// [`Submission::video_later`] says so.
    pub video: Option<VideoIn>,
}

impl<'p> Submission<'p> {
    /// An entry for `profile`: the category and channel resolved, the form's
    /// keys checked. Scans and the video are added after.
    pub fn new(
        profile: &'p Profile,
        category: Option<&str>,
        channel: Option<&str>,
        form: FormValues,
    ) -> Result<Submission<'p>, Error> {
        let scope = profile.resolve(category, channel)?;
        known_fields(profile, &form)?;
        Ok(Submission {
            profile,
            category: scope.category,
            channel: scope.channel,
            form,
            ticks: BTreeSet::new(),
            scans: Vec::new(),
            video: None,
        })
    }

    /// An entry as it stands while it is being filled in (the app's live
    /// report): nothing is resolved or refused yet.
    pub fn draft(
        profile: &'p Profile,
        category: Option<String>,
        channel: Option<String>,
        form: FormValues,
    ) -> Submission<'p> {
        Submission {
            profile,
            category,
            channel,
            form,
            ticks: BTreeSet::new(),
            scans: Vec::new(),
            video: None,
        }
    }

    /// The draft made an entry: [`Submission::new`]'s checks, and every
    /// scan's slot.
    pub fn validated(self) -> Result<Submission<'p>, Error> {
        let mut s = Submission::new(
            self.profile,
            self.category.as_deref(),
            self.channel.as_deref(),
            self.form,
        )?;
        for scan in &self.scans {
            s.slot(&scan.slot)?;
        }
        s.ticks = self.ticks;
        s.scans = self.scans;
        s.video = self.video;
        Ok(s)
    }

    /// The profile's slot `id`, or `unknown_slot` naming the slots there are.
    pub fn slot(&self, id: &str) -> Result<&'p AttachmentSlot, Error> {
        slot_of(self.profile, id)
    }

    /// Where a scan of `size` bytes starting with `head` may be read whole
    /// for `slot_id`: the slot exists and takes it, and it is under the read
    /// cap. Returns the slot and how many bytes to read at most.
    pub fn before_reading(
        &self,
        slot_id: &str,
        name: &str,
        size: u64,
        head: &[u8],
    ) -> Result<(&'p AttachmentSlot, u64), Error> {
        let slot = self.slot(slot_id)?;
        form::check_scan_before_reading(slot, name, size, head)?;
        Ok((
            slot,
            slot.hard_max()
                .unwrap_or(MAX_SCAN_READ)
                .clamp(1, MAX_SCAN_READ),
        ))
    }

    /// Add a scan read whole (after [`Submission::before_reading`]).
    pub fn add_scan(&mut self, slot_id: &str, name: &str, bytes: &[u8]) -> Result<(), Error> {
        let slot = self.slot(slot_id)?;
        let (scan, _) = ScanIn::from_bytes(slot, name, bytes)?;
        self.scans.push(scan);
        Ok(())
    }

    /// The scans as the check engine sees them.
    pub fn attached(&self) -> Vec<Attached> {
        self.scans
            .iter()
            .map(|s| Attached {
                slot: s.slot.clone(),
                name: s.name.clone(),
                size: s.size,
                kind: Some(s.kind),
                heic: false,
            })
            .collect()
    }

    /// What the probe saw of the video, if there is one.
    pub fn media(&self) -> Option<&MediaInfo> {
        self.video.as_ref().map(|v| &v.info)
    }

    /// The report on everything in the entry.
    pub fn check(&self) -> Report {
        self.check_with(&self.attached())
    }

    /// The report, with the scans as `attached` (`verify` judges a received
    /// scan by its bytes, which may match no type).
    pub fn check_with(&self, attached: &[Attached]) -> Report {
        let media = self.media();
        check::check(
            self.profile,
            &Input {
                category: self.category.as_deref(),
                channel: self.channel.as_deref(),
                media,
                form: Some(&self.form),
                attachments: Some(attached),
                file_name: media.map(|m| m.file.as_str()),
            },
        )
    }

    /// The profile's `video.later` where the form says the video comes later.
    pub fn video_later(&self) -> Option<&'p VideoLater> {
        self.profile
            .video
            .later
            .as_ref()
            .filter(|l| form::holds(&l.when, &self.form))
    }

    /// `Ok` where the entry may be bundled as it is: with a video, or without
    /// one where the video comes later. Otherwise `video_required`, which
    /// says so in both languages (and, where the profile lets the video come
    /// later, which answer of the form allows that).
    pub fn video_or_later(&self) -> Result<(), Error> {
        if self.video.is_some() || self.video_later().is_some() {
            return Ok(());
        }
        Err(video_required(self.profile))
    }

    /// Refuse a report with failing rules unless `forced`.
    pub fn refuse_failures(report: &Report, forced: bool) -> Result<Vec<String>, Error> {
        let failures: Vec<String> = report.failures().map(|r| r.id.clone()).collect();
        if !failures.is_empty() && !forced {
            return Err(Error::new(
                "rules_fail",
                format!(
                    "有规则未通过：{}。请先修正；如确需打包，请使用 --force（清单中会记录这些未通过项）。",
                    failures.join("、")
                ),
                format!(
                    "Some rules fail: {}. Fix them first; to bundle anyway use --force (the manifest records the failures).",
                    failures.join(", ")
                ),
            ));
        }
        Ok(failures)
    }
}

/// The profile's slot `id`, or `unknown_slot` naming the slots there are.
pub fn slot_of<'p>(p: &'p Profile, id: &str) -> Result<&'p AttachmentSlot, Error> {
    p.attachments.iter().find(|a| a.id == id).ok_or_else(|| {
        let ids: Vec<&str> = p.attachments.iter().map(|a| a.id.as_str()).collect();
        Error::new(
            "unknown_slot",
            format!("附件位置「{id}」不属于此比赛。可用：{}", ids.join("、")),
            format!(
                "Attachment slot \"{id}\" is not part of this contest. Available: {}",
                ids.join(", ")
            ),
        )
    })
}

/// Every key of `form` is a field of the profile (`bad_form` otherwise).
pub fn known_fields(p: &Profile, form: &FormValues) -> Result<(), Error> {
    let Some(bad) = form.keys().find(|k| !p.fields.iter().any(|f| &f.id == *k)) else {
        return Ok(());
    };
    let ids: Vec<&str> = p.fields.iter().map(|f| f.id.as_str()).collect();
    Err(Error::new(
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
    ))
}

fn video_required(p: &Profile) -> Error {
    let (zh, en) = match &p.video.later {
        Some(l) => {
            let field = p.fields.iter().find(|f| f.id == l.when.field);
            let label = field.map_or(l.when.field.as_str(), |f| f.label.as_str());
            let label_en = field.map_or(l.when.field.as_str(), |f| f.label_en.as_str());
            (
                format!("只有「{label}」选为视频稍后补充时，才能不带视频打包。"),
                format!(
                    "Only an entry whose \"{label_en}\" says the video comes later is bundled without one."
                ),
            )
        }
        None => (
            "此比赛的作品必须带视频。".to_string(),
            "This contest's entries need their video.".to_string(),
        ),
    };
    Error::new(
        "video_required",
        format!("缺少视频：{zh}请选择视频文件（命令行：--video 文件）。"),
        format!("No video: {en} Pick the video file (command line: --video FILE)."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::Value;

    fn kepu() -> Profile {
        crate::profile::builtin("kepu-light-2026").expect("profile")
    }

    fn form(status: &str) -> FormValues {
        let mut f = FormValues::new();
        f.insert("status".into(), Value::List(vec![status.into()]));
        f
    }

    #[test]
    fn a_key_that_is_not_a_field_is_refused() {
        let p = kepu();
        let mut f = form("to_produce");
        f.insert("bogus_field".into(), Value::Text("x".into()));
        let e = Submission::new(&p, Some("venue_visit"), None, f).unwrap_err();
        assert_eq!(e.code, "bad_form");
        assert!(e.message_zh.contains("bogus_field") && e.message_en.contains("bogus_field"));
    }

    #[test]
    fn the_scope_is_resolved_and_an_unknown_slot_is_refused() {
        let p = kepu();
        // One channel: resolved without being given.
        let s = Submission::new(&p, Some("venue_visit"), None, form("finished")).unwrap();
        assert_eq!(s.channel.as_deref(), Some("unit"));
        let e = s.slot("no_such_slot").unwrap_err();
        assert_eq!(e.code, "unknown_slot");
    }

    #[test]
    fn no_video_only_where_the_form_says_it_comes_later() {
        let p = kepu();
        for (status, later) in [
            ("to_produce", true),
            ("highlight_cut", true),
            ("finished", false),
        ] {
            let s = Submission::new(&p, Some("venue_visit"), None, form(status)).unwrap();
            assert_eq!(s.video_later().is_some(), later, "{status}");
            assert_eq!(s.video_or_later().is_ok(), later, "{status}");
        }
        let hlj = crate::profile::builtin("heilongjiang-kepu-2022").unwrap();
        let s = Submission::new(&hlj, None, Some("self"), FormValues::new()).unwrap();
        let e = s.video_or_later().unwrap_err();
        assert_eq!(e.code, "video_required");
        assert!(e.message_zh.contains("必须带视频") && e.message_en.contains("need their video"));
    }
}
