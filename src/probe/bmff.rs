//! The top-level walker over ISO-BMFF boxes: which box to skip, which to
//! read whole, and the top-level order. Every size is checked.

use std::collections::BTreeMap;

use super::boxes::{be32, be64, fourcc};
use super::iso::{self, MoovFacts};
use super::{MAX_FRAGMENT_BYTES, MAX_MOOF, MAX_MOOV, MediaInfo};
use crate::error::Error;

#[derive(Debug, Clone, Copy)]
pub struct Header {
    pub kind: [u8; 4],
    /// Whole box, header included.
    pub size: u64,
}

pub enum HeaderRead {
    Header(Header),
    NeedMore,
    Bad(&'static str),
}

/// Read a box header at the start of `buf` (file offset `pos`).
pub fn read_header(buf: &[u8], pos: u64, file_size: u64) -> HeaderRead {
    let (Some(size32), Some(kind)) = (be32(buf, 0), buf.get(4..8)) else {
        return HeaderRead::NeedMore;
    };
    let kind = [kind[0], kind[1], kind[2], kind[3]];
    let (size, header_len) = match size32 {
        0 => (file_size.saturating_sub(pos), 8),
        1 => match be64(buf, 8) {
            Some(s) => (s, 16),
            None => return HeaderRead::NeedMore,
        },
        s => (u64::from(s), 8),
    };
    if size < header_len {
        return HeaderRead::Bad("box size smaller than its header");
    }
    HeaderRead::Header(Header { kind, size })
}

// One per box header, moved once: boxing the finished facts would only add
// an allocation.
#[allow(clippy::large_enum_variant)]
pub enum Action {
    Skip,
    Read { cap: u64 },
    Stop(Result<MediaInfo, Error>),
}

/// The largest end of a file read whole when looking for the `moov` (see
/// [`Walker::lookahead`]).
pub const TAIL: u64 = 64 * 1024;

#[derive(Debug, Default)]
pub struct Walker {
    brands: Vec<String>,
    major: Option<[u8; 4]>,
    top: Vec<String>,
    top_count: usize,
    seen_mdat: bool,
    faststart: Option<bool>,
    /// The walk reached the end of the file (so every top-level box was seen).
    reached_end: bool,
    moov: Option<MoovFacts>,
    fragmented: bool,
    /// Sum of fragment sample durations per track id, in the track's timescale.
    frag_ticks: BTreeMap<u32, u64>,
    /// Sum of fragment sample bytes per track id.
    frag_bytes_per_track: BTreeMap<u32, u64>,
    frag_samples: BTreeMap<u32, u64>,
    frag_bytes: u64,
    gave_up: bool,
    notes: Vec<String>,
    /// Size of the last `moof` read: the next header look-up reads about that
    /// much, not a whole [`super::LOOKAHEAD`], so small fragments cost little.
    last_moof: Option<u64>,
}

impl Walker {
    /// True when nothing further in the file can change the answer.
    pub fn done(&self) -> bool {
        match &self.moov {
            Some(m) => !m.has_mvex || self.gave_up,
            None => false,
        }
    }

    /// The walk reached the end of the file.
    pub fn reached_end(&mut self) {
        self.reached_end = true;
    }

    /// How much a header look-up at `pos` should read: enough for the next
    /// `moof` and the `mdat` header after it, judged by the last one. Before
    /// the `moov` is found, a tail of at most [`TAIL`] bytes is read whole: after
    /// a leading `mdat` that tail is the `moov`, which then takes one read,
    /// not a header look-up and a second read for the rest.
    pub fn lookahead(&self, pos: u64, file_size: u64) -> u64 {
        let rest = file_size.saturating_sub(pos);
        if self.moov.is_none() && rest <= TAIL {
            return rest;
        }
        match self.last_moof {
            Some(n) => n.saturating_add(64).clamp(64, super::LOOKAHEAD),
            None => super::LOOKAHEAD,
        }
    }

    pub fn give_up_fragments(&mut self) {
        if !self.gave_up {
            self.gave_up = true;
            self.notes
                .push("too many fragments: duration summed from the first ones only".into());
        }
    }

    pub fn on_header(&mut self, h: &Header, pos: u64, file_size: u64) -> Action {
        self.top_count += 1;
        if self.top.len() < 64 {
            self.top.push(fourcc(&h.kind));
        }
        let fits = pos.checked_add(h.size).is_some_and(|end| end <= file_size);
        match &h.kind {
            b"ftyp" => {
                if fits {
                    Action::Read { cap: 64 * 1024 }
                } else if self.major.is_none() && self.moov.is_none() {
                    // The file ends inside its first box.
                    Action::Stop(Err(Error::truncated("ftyp box cut short")))
                } else {
                    self.cut_short(h);
                    Action::Skip
                }
            }
            b"moov" => {
                if self.moov.is_some() {
                    self.notes.push("second moov box ignored".into());
                    if !fits {
                        self.cut_short(h);
                    }
                    return Action::Skip;
                }
                if !fits {
                    return Action::Stop(Err(Error::truncated("moov box cut short")));
                }
                Action::Read { cap: MAX_MOOV }
            }
            b"mdat" => {
                self.seen_mdat = true;
                if !fits {
                    self.notes
                        .push("mdat runs past the end of the file: the file is cut short".into());
                }
                Action::Skip
            }
            b"moof" => {
                self.fragmented = true;
                let wanted = self.moov.as_ref().is_some_and(|m| m.has_mvex);
                if !wanted || self.gave_up {
                    if !fits && self.moov.is_some() {
                        self.cut_short(h);
                    }
                    return Action::Skip;
                }
                if !fits {
                    // A fragment cut off by the end of the file. With no sample
                    // anywhere before it there is nothing to play.
                    let in_moov = self.moov.as_ref().map_or(0, |m| {
                        m.tracks
                            .iter()
                            .fold(0u64, |a, t| a.saturating_add(t.sample_count))
                    });
                    let in_frags = self
                        .frag_samples
                        .values()
                        .fold(0u64, |a, &n| a.saturating_add(n));
                    if in_moov == 0 && in_frags == 0 {
                        return Action::Stop(Err(Error::truncated("moof box cut short")));
                    }
                    self.notes.push(
                        "the last fragment runs past the end of the file: the file is cut short"
                            .into(),
                    );
                    return Action::Skip;
                }
                if self.frag_bytes.saturating_add(h.size) > MAX_FRAGMENT_BYTES {
                    self.give_up_fragments();
                    return Action::Skip;
                }
                self.frag_bytes = self.frag_bytes.saturating_add(h.size);
                Action::Read { cap: MAX_MOOF }
            }
            _ => {
                // Any other box (mfra, free, udta, …) that the file ends
                // inside of is as much a cut as an mdat.
                if !fits {
                    // A box type of letters is a box the file ends inside
                    // of; anything else is no box, only bytes after the last.
                    let named = h
                        .kind
                        .iter()
                        .all(|c| c.is_ascii_alphanumeric() || b" _-\xA9".contains(c));
                    if named {
                        self.cut_short(h);
                    } else {
                        self.notes.push(format!(
                            "{} stray bytes at the end of the file",
                            file_size.saturating_sub(pos)
                        ));
                    }
                }
                Action::Skip
            }
        }
    }

    /// Note a box the file ends inside of.
    fn cut_short(&mut self, h: &Header) {
        self.notes.push(format!(
            "{} runs past the end of the file: the file is cut short",
            fourcc(&h.kind)
        ));
    }

    /// A whole box the walker asked for.
    pub fn take_box(&mut self, kind: [u8; 4], _pos: u64, data: &[u8]) -> Result<(), Error> {
        match &kind {
            b"ftyp" => {
                if self.major.is_some() {
                    // A second ftyp (concatenated files) changes nothing.
                    return Ok(());
                }
                let body = data.get(8..).unwrap_or(&[]);
                if let Some(m) = body.get(0..4) {
                    self.major = Some([m[0], m[1], m[2], m[3]]);
                    self.brands.push(fourcc(m));
                }
                for c in body.get(8..).unwrap_or(&[]).chunks_exact(4).take(64) {
                    let b = fourcc(c);
                    if !self.brands.contains(&b) {
                        self.brands.push(b);
                    }
                }
            }
            b"moov" => {
                self.faststart = Some(!self.seen_mdat);
                let m = iso::parse_moov(data)?;
                self.moov = Some(m);
            }
            b"moof" => {
                self.last_moof = Some(data.len() as u64);
                if let Some(m) = &self.moov {
                    for traf in iso::moof_durations(data, m) {
                        let track = traf.track_id;
                        let t = self.frag_ticks.entry(track).or_insert(0);
                        *t = t.saturating_add(traf.sums.ticks);
                        let b = self.frag_bytes_per_track.entry(track).or_insert(0);
                        *b = b.saturating_add(traf.sums.bytes);
                        let c = self.frag_samples.entry(track).or_insert(0);
                        *c = c.saturating_add(traf.sums.samples);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A header cut off by the end of the file at `pos`.
    pub fn truncated_tail(&mut self, pos: u64, size: u64) -> Result<MediaInfo, Error> {
        self.reached_end = true;
        self.notes.push(format!(
            "{} bytes at the end of the file are too few for a box header: the file is cut short",
            size.saturating_sub(pos)
        ));
        self.finish(size)
    }

    /// A malformed box header at `pos`.
    pub fn bad_tail(&mut self, pos: u64, why: &'static str) -> Result<MediaInfo, Error> {
        if self.moov.is_none() {
            return Err(Error::corrupt(&format!("{why} at byte {pos}")));
        }
        self.notes
            .push(format!("{why} at byte {pos}: walk stopped"));
        self.finish(pos)
    }

    pub fn finish(&mut self, size: u64) -> Result<MediaInfo, Error> {
        let Some(moov) = self.moov.take() else {
            if self.top.iter().any(|t| t == "moof") {
                return Err(Error::truncated("fragmented file without its moov header"));
            }
            return Err(Error::new(
                "no_moov",
                "找不到视频的索引（moov）：文件可能没有录制/导出完，或被截断。请在剪辑软件中重新导出为 MP4 (H.264)。",
                "The video's index (moov) is missing: recording or export did not finish, or the file is cut short. Export it again from your editor as MP4 (H.264).",
            ));
        };
        let container = match self.major.as_ref() {
            Some(b"qt  ") => "mov",
            Some(m) if m.starts_with(b"3g") => "3gp",
            Some(_) => "mp4",
            None => "mov",
        };
        let frags = iso::Fragments {
            ticks: &self.frag_ticks,
            bytes: &self.frag_bytes_per_track,
            samples: &self.frag_samples,
            complete: !self.gave_up,
        };
        let mut info = iso::media_info(&moov, &frags, size);
        info.container = container.to_string();
        info.brands = std::mem::take(&mut self.brands);
        // No mdat anywhere in a file walked to its end: the media data is not
        // in this file, so "moov before mdat" has no answer.
        info.faststart = if self.reached_end && !self.seen_mdat {
            None
        } else {
            self.faststart
        };
        info.fragmented = self.fragmented || moov.has_mvex;
        info.top_level = std::mem::take(&mut self.top);
        info.notes.append(&mut self.notes);
        Ok(info)
    }
}
