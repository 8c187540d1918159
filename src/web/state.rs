//! The flow of the app in one reducer: what the user chose and typed (kept
//! by [`super::drafts`]), and what the worker measured.

use std::collections::BTreeSet;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use web_sys::File;
use yew::Reducible;

use super::UiError;
use super::drafts::Draft;
use crate::Lang;
use crate::bundle::{FileId, ScanIn, VideoIn};
use crate::form::{FormValues, Value};
use crate::probe::MediaInfo;
use crate::profile::{self, FileKind, Profile};
use crate::submission::Submission;

/// Everything the user typed or chose; restored on reload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Saved {
    pub lang: Lang,
    pub profile: String,
    pub category: Option<String>,
    pub channel: Option<String>,
    /// Form values per profile id, so switching contests loses nothing.
    pub forms: std::collections::BTreeMap<String, FormValues>,
    pub ticks: BTreeSet<String>,
}

impl Saved {
    pub fn form(&self) -> FormValues {
        self.forms.get(&self.profile).cloned().unwrap_or_default()
    }

    /// The current contest's draft.
    pub fn draft(&self) -> Draft {
        Draft {
            category: self.category.clone(),
            channel: self.channel.clone(),
            form: self.form(),
            ticks: self.ticks.clone(),
        }
    }

    /// Show `d` as the current contest's draft.
    pub fn apply(&mut self, d: Draft) {
        self.category = d.category;
        self.channel = d.channel;
        self.ticks = d.ticks;
        self.forms.insert(self.profile.clone(), d.form);
    }
}

/// The video, for the latest pick only: `pick` is the id its probe request
/// and reply carry (a reply about an earlier pick is dropped).
// The state holds one: boxing the facts would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Video {
    None,
    Probing {
        pick: u32,
        file: File,
        /// The File as the page had it when it was picked.
        picked: FileId,
        started: f64,
    },
    Done {
        pick: u32,
        file: File,
        /// The File as the worker saw it when it probed it.
        probed: FileId,
        info: MediaInfo,
        ms: f64,
        total_ms: f64,
    },
    Failed {
        pick: u32,
        file: File,
        error: UiError,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Att {
    pub slot: String,
    pub file: File,
    pub name: String,
    pub size: u64,
    pub kind: FileKind,
    /// Object URL for an image thumbnail.
    pub thumb: Option<String>,
    pub pages: Option<usize>,
    pub crc32: u32,
    pub sha256: String,
}

impl Att {
    /// The scan as the core takes it.
    pub fn scan(&self) -> ScanIn {
        ScanIn {
            slot: self.slot.clone(),
            name: self.name.clone(),
            size: self.size,
            crc32: self.crc32,
            sha256: self.sha256.clone(),
            kind: self.kind,
        }
    }
}

/// One worker's share of the CRC pass.
#[derive(Debug, Clone, PartialEq)]
pub struct CrcPart {
    /// The id the share's request and replies carry.
    pub share: u32,
    pub len: u64,
    pub done: u64,
    pub crc: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Crc {
    Idle,
    /// Shares in file order; `ms` since the pass began. `pick`: the pick
    /// whose video is being read.
    Running {
        pick: u32,
        parts: Vec<CrcPart>,
        total: u64,
        ms: f64,
    },
    Done {
        pick: u32,
        crc: u32,
        size: u64,
        ms: f64,
        workers: usize,
    },
    Failed(UiError),
}

impl Crc {
    pub fn done_bytes(&self) -> u64 {
        match self {
            Crc::Running { parts, .. } => parts.iter().map(|p| p.done).sum(),
            Crc::Done { size, .. } => *size,
            _ => 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub saved: Saved,
    pub profile: Option<Rc<Profile>>,
    /// A host page's own profile, which replaces the built-in ones.
    pub custom: Option<Rc<Profile>>,
    pub video: Video,
    pub attachments: Vec<Att>,
    pub att_errors: Vec<(String, UiError)>,
    pub crc: Crc,
    /// The 片头/片尾 frames are drawn (or cannot be): the CRC pass waits for
    /// this, so that decoding them does not compete with it.
    pub previews_settled: bool,
    /// The latest pick's id (0 before the first): the previews are drawn
    /// afresh for each pick, even when a host hands the same `File` again.
    pub pick: u32,
    /// Why the contest `.0` could not be fetched (see [`super::profiles`]);
    /// 重试 clears it, which fetches again.
    pub profile_error: Option<(String, UiError)>,
}

// Dispatched one at a time and consumed at once.
#[allow(clippy::large_enum_variant)]
pub enum Action {
    /// Another tab saved this draft of a contest.
    Draft(String, Draft),
    Lang(Lang),
    /// Switch to a contest, showing its saved draft.
    Profile(String, Draft),
    /// The fetch of a built-in contest ended.
    ProfileLoaded(String, Result<Rc<Profile>, UiError>),
    /// Fetch the contest again after a failure.
    ProfileRetry,
    Category(Option<String>),
    Channel(Option<String>),
    Field(String, Value),
    Tick(String, bool),
    VideoPicked {
        pick: u32,
        file: File,
        started: f64,
    },
    PreviewsSettled,
    /// The worker's answer about pick `pick`, at page time `now`.
    Probed {
        pick: u32,
        file: FileId,
        result: Result<MediaInfo, UiError>,
        ms: f64,
        now: f64,
    },
    Attach(Att),
    AttachError(String, UiError),
    Detach(usize),
    /// A pass over pick `pick`'s video was started with these shares.
    CrcStart {
        pick: u32,
        parts: Vec<CrcPart>,
        total: u64,
    },
    CrcCancel,
    CrcProgress {
        pick: u32,
        share: u32,
        done: u64,
        ms: f64,
    },
    CrcShare {
        pick: u32,
        share: u32,
        result: Result<u32, UiError>,
        ms: f64,
    },
    Reset,
}

impl State {
    pub fn new(saved: Saved, custom: Option<Rc<Profile>>) -> State {
        let mut s = State {
            saved,
            profile: None,
            custom,
            video: Video::None,
            attachments: Vec::new(),
            att_errors: Vec::new(),
            crc: Crc::Idle,
            previews_settled: false,
            pick: 0,
            profile_error: None,
        };
        s.load_profile();
        s
    }

    /// Show `saved.profile`: the host's own profile, or a built-in one once
    /// it is fetched (until then `profile` is None and the app says it is
    /// loading; see [`super::profiles::use_profile_fetch`]).
    fn load_profile(&mut self) {
        if let Some(c) = &self.custom {
            self.saved.profile = c.id.clone();
            self.profile = Some(c.clone());
        } else {
            if profile::builtin_entry(&self.saved.profile).is_err() {
                self.saved.profile = profile::builtin_ids()
                    .next()
                    .unwrap_or_default()
                    .to_string();
            }
            let id = &self.saved.profile;
            if self.profile_error.as_ref().is_some_and(|(e, _)| e != id) {
                self.profile_error = None;
            }
            self.profile = super::profiles::cached(id);
        }
        // Category and channel must belong to the profile; default to the first.
        if let Some(p) = &self.profile {
            let fix = |v: &mut Option<String>, list: &[profile::Choice]| {
                if !v.as_ref().is_some_and(|v| list.iter().any(|c| &c.id == v)) {
                    *v = list.first().map(|c| c.id.clone());
                }
            };
            fix(&mut self.saved.category, &p.categories);
            fix(&mut self.saved.channel, &p.channels);
        }
    }

    /// The worker's answer about pick `pick`; `false` when it is about an
    /// earlier pick (dropped).
    fn probed(
        &mut self,
        pick: u32,
        probed: FileId,
        result: Result<MediaInfo, UiError>,
        ms: f64,
        now: f64,
    ) -> bool {
        // Only the answer about the latest pick counts.
        let (file, picked, started) = match &self.video {
            Video::Probing {
                pick: p,
                file,
                picked,
                started,
            } if *p == pick => (file.clone(), picked.clone(), *started),
            _ => return false,
        };
        // And it must be about the File picked.
        let result = result.and_then(|info| {
            crate::bundle::same_file(&picked, &probed)
                .map(|_| info)
                .map_err(UiError::from)
        });
        self.video = match result {
            Ok(info) => Video::Done {
                pick,
                file,
                probed,
                info,
                ms,
                total_ms: now - started,
            },
            Err(error) => Video::Failed { pick, file, error },
        };
        true
    }

    /// A share's progress; `false` when it is not of the running pass.
    fn crc_progress(&mut self, pick: u32, share: u32, done: u64, t: f64) -> bool {
        if let Crc::Running {
            pick: p, parts, ms, ..
        } = &mut self.crc
        {
            match parts.iter_mut().find(|x| x.share == share) {
                Some(x) if *p == pick => {
                    x.done = done.min(x.len);
                    *ms = t.max(*ms);
                }
                _ => return false,
            }
        } else {
            return false;
        }
        true
    }

    /// A share's CRC, or its failure; the pass is done when every share is.
    /// `false` when it is not of the running pass.
    fn crc_share(&mut self, pick: u32, share: u32, result: Result<u32, UiError>, t: f64) -> bool {
        // Only a share of the running pass counts.
        if let Crc::Running {
            pick: p, parts, ms, ..
        } = &mut self.crc
        {
            if *p != pick || !parts.iter().any(|x| x.share == share) {
                return false;
            }
            match result {
                Err(e) => self.crc = Crc::Failed(e),
                Ok(c) => {
                    if let Some(x) = parts.iter_mut().find(|x| x.share == share) {
                        x.crc = Some(c);
                        x.done = x.len;
                    }
                    *ms = t.max(*ms);
                    if parts.iter().all(|p| p.crc.is_some()) {
                        // Join the shares with CRC-32 combine, in file order.
                        let mut h = crate::crc::Hasher::new();
                        for p in parts.iter() {
                            h.combine(&crate::crc::Hasher::new_with_initial_len(
                                p.crc.unwrap_or(0),
                                p.len,
                            ));
                        }
                        let size = parts.iter().map(|p| p.len).sum();
                        self.crc = Crc::Done {
                            pick,
                            crc: h.finalize(),
                            size,
                            ms: *ms,
                            workers: parts.len(),
                        };
                    }
                }
            }
        }
        true
    }

    /// The entry as it stands (not yet validated: see
    /// [`Submission::validated`]): the choices, the form, the ticks, the
    /// scans and the probed video (its CRC not known here, 0).
    pub fn submission<'p>(&self, profile: &'p Profile) -> Submission<'p> {
        let mut s = Submission::draft(
            profile,
            self.saved.category.clone(),
            self.saved.channel.clone(),
            self.saved.form(),
        );
        s.ticks = self.saved.ticks.clone();
        s.scans = self.attachments.iter().map(Att::scan).collect();
        if let Video::Done {
            info, probed, file, ..
        } = &self.video
        {
            let mut info = info.clone();
            info.file = file.name();
            s.video = Some(VideoIn {
                size: probed.size,
                info,
                probed_modified_ms: probed.modified_ms,
                ..Default::default()
            });
        }
        s
    }

    pub fn file(&self) -> Option<&File> {
        match &self.video {
            Video::Probing { file, .. } | Video::Done { file, .. } => Some(file),
            _ => None,
        }
    }
}

impl Reducible for State {
    type Action = Action;

    #[expect(
        clippy::too_many_lines,
        reason = "one arm per action, each a few lines: the one place the app's state changes, read top to bottom"
    )]
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::Draft(contest, d) => {
                if contest != s.saved.profile {
                    return self;
                }
                s.saved.apply(d);
                s.load_profile();
            }
            Action::Lang(l) => s.saved.lang = l,
            Action::Profile(id, d) => {
                s.saved.profile = id;
                s.saved.apply(d);
                s.load_profile();
                s.attachments.clear();
                s.att_errors.clear();
            }
            Action::ProfileLoaded(id, result) => {
                if id != s.saved.profile || s.custom.is_some() {
                    return self;
                }
                match result {
                    Ok(_) => {
                        s.profile_error = None;
                        s.load_profile();
                    }
                    Err(e) => s.profile_error = Some((id, e)),
                }
            }
            Action::ProfileRetry => s.profile_error = None,
            Action::Category(c) => s.saved.category = c,
            Action::Channel(c) => s.saved.channel = c,
            Action::Field(id, v) => {
                let key = s.saved.profile.clone();
                s.saved.forms.entry(key).or_default().insert(id, v);
            }
            Action::Tick(id, on) => {
                if on {
                    s.saved.ticks.insert(id);
                } else {
                    s.saved.ticks.remove(&id);
                }
            }
            Action::VideoPicked {
                pick,
                file,
                started,
            } => {
                s.video = Video::Probing {
                    pick,
                    picked: super::protocol::file_id(&file),
                    file,
                    started,
                };
                s.crc = Crc::Idle;
                s.previews_settled = false;
                s.pick = pick;
            }
            Action::PreviewsSettled => s.previews_settled = true,
            Action::Probed {
                pick,
                file,
                result,
                ms,
                now,
            } => {
                if !s.probed(pick, file, result, ms, now) {
                    return self;
                }
            }
            Action::Attach(a) => {
                s.att_errors.retain(|(slot, _)| slot != &a.slot);
                s.attachments.push(a);
            }
            Action::AttachError(slot, e) => {
                s.att_errors.retain(|(sl, _)| sl != &slot);
                s.att_errors.push((slot, e));
            }
            Action::Detach(i) => {
                if i < s.attachments.len() {
                    let a = s.attachments.remove(i);
                    if let Some(u) = a.thumb {
                        let _ = web_sys::Url::revoke_object_url(&u);
                    }
                }
            }
            Action::CrcStart { pick, parts, total } => {
                let probed = matches!(&s.video, Video::Done { pick: p, .. } if *p == pick);
                if !probed || matches!(s.crc, Crc::Running { .. } | Crc::Done { .. }) {
                    return self;
                }
                s.crc = Crc::Running {
                    pick,
                    parts,
                    total,
                    ms: 0.0,
                };
            }
            Action::CrcCancel => s.crc = Crc::Idle,
            Action::CrcProgress {
                pick,
                share,
                done,
                ms,
            } => {
                if !s.crc_progress(pick, share, done, ms) {
                    return self;
                }
            }
            Action::CrcShare {
                pick,
                share,
                result,
                ms,
            } => {
                if !s.crc_share(pick, share, result, ms) {
                    return self;
                }
            }
            Action::Reset => {
                let lang = s.saved.lang;
                s = State::new(
                    Saved {
                        lang,
                        ..Default::default()
                    },
                    s.custom.clone(),
                );
            }
        }
        Rc::new(s)
    }
}
