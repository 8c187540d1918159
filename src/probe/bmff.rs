//! The top-level walker over ISO-BMFF boxes: which box to skip, which to
//! read whole, the top-level order, and a fragmented file's index (`sidx`,
//! `mfra`/`mfro`) followed to its last fragment. Every size is checked.

use std::collections::BTreeMap;

use super::boxes::{self, RunSums, TfraLast, be32, be64, children, fourcc};
use super::iso::{self, MoovFacts, TrafSums};
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
    /// Walk on from this offset instead (the fragment index disagreed).
    Goto(u64),
    Read {
        cap: u64,
    },
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
    /// The first fragment: where its `moof` starts, its size, and what each
    /// of its `traf`s says.
    first_moof: Option<(u64, u64, Vec<TrafSums>)>,
    /// A `sidx` seen before the first fragment: (where its fragments start,
    /// their bytes, the last one's bytes).
    sidx: Option<(u64, u64, u64)>,
    index: Index,
}

/// The fragment index (`mfra` found through `mfro`, or `sidx`) and the jump
/// to the last fragment it names. See [`Walker::jump`].
#[derive(Debug, Default)]
enum Index {
    /// Not looked for yet.
    #[default]
    Unknown,
    /// The file's last 16 KiB (or its `mfra`) were asked for.
    TailAsked { retried: bool },
    /// The index names the last fragment's `moof` at `last`; the fragments
    /// end at `end`; the `mfra` (if the index is one) starts at `mfra`.
    Known {
        last: u64,
        end: u64,
        mfra: Option<u64>,
        tfra: Vec<TfraLast>,
    },
    /// Walking the last fragment; the walk resumes at `from` if it disagrees.
    Jumped {
        from: u64,
        last: u64,
        end: u64,
        mfra: Option<u64>,
        tfra: Vec<TfraLast>,
        /// `top`'s length, `top_count` and the notes' count at the jump, to
        /// undo it.
        undo: (usize, usize, usize),
        taken: Option<(u64, Vec<TrafSums>)>,
    },
    /// The index agreed: the fragments' sums are estimated from it.
    Settled,
    /// No index, or one that disagreed: every `moof` is read.
    Off,
}

/// What [`Walker::jump`] wants of the probe.
pub enum Jump {
    None,
    /// Read these bytes (the end of the file) and hand them to
    /// [`Walker::take_tail`].
    ReadTail {
        offset: u64,
        len: u64,
    },
    /// Walk on from this offset.
    To(u64),
}

/// How much of the end of the file is read for the `mfro` and `mfra`.
pub const INDEX_TAIL: u64 = 16 * 1024;
/// The largest `mfra` read: an entry of 19 bytes for each second of 7 hours
/// of two tracks, a second apart.
pub const MAX_MFRA: u64 = 1024 * 1024;

impl Walker {
    /// True when nothing further in the file can change the answer.
    pub fn done(&self) -> bool {
        match &self.moov {
            Some(m) => !m.has_mvex || self.gave_up || matches!(self.index, Index::Settled),
            None => false,
        }
    }

    /// The end of the file held a fragment index the walk will follow.
    pub fn index_found(&self) -> bool {
        matches!(self.index, Index::Known { .. })
    }

    /// The walk is on the last fragment the index named.
    pub fn jumped(&self) -> bool {
        matches!(self.index, Index::Jumped { .. })
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
        if self.jumped() {
            // The last fragment's moof and its mdat header, in one read.
            return super::LOOKAHEAD;
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
        let fits = pos.checked_add(h.size).is_some_and(|end| end <= file_size);
        if let Index::Jumped { last, end, .. } = self.index {
            // The index names a moof here, then its mdat up to `end`.
            let inside = pos.checked_add(h.size).is_some_and(|e| e <= end);
            let wanted = if pos == last {
                &h.kind == b"moof"
            } else {
                &h.kind == b"mdat"
            };
            if !(wanted && inside) {
                return Action::Goto(self.index_disagrees());
            }
        }
        if &h.kind == b"sidx"
            && self.first_moof.is_none()
            && self.sidx.is_none()
            && fits
            && h.size <= MAX_MOOF
        {
            return Action::Read { cap: MAX_MOOF };
        }
        self.top_count += 1;
        if self.top.len() < 64 {
            self.top.push(fourcc(&h.kind));
        }
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
            b"moof" => self.on_moof(h, fits),
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

    /// Where the walk should go next, by the fragment index, called before
    /// each top-level header at `pos`. Once the first fragment is read, an
    /// index (a `sidx` before it, else the `mfra` that the `mfro` in the last
    /// 16 bytes points at) names the last fragment: the walk jumps there,
    /// reads that `moof` and its `mdat` header, and the fragments in between
    /// are estimated, not read (see [`Walker::settle`]). The index disagrees,
    /// and every `moof` is read after all, when the `mfro`/`mfra` are
    /// malformed or point outside the file, when the box at the named offset
    /// is not a `moof` followed by one `mdat` ending exactly where the index
    /// says the fragments end, when a track lacks a `tfdt` or the last
    /// fragment starts before the first ends, or when the `tfra` time lies
    /// outside the last fragment.
    pub fn jump(&mut self, pos: u64, file_size: u64) -> Jump {
        let wanted = self.moov.as_ref().is_some_and(|m| m.has_mvex) && !self.gave_up;
        let Some((first_at, first_size, _)) = self.first_moof else {
            return Jump::None;
        };
        // After the first fragment's moof and the header of its mdat.
        if !wanted || pos <= first_at.saturating_add(first_size) {
            return Jump::None;
        }
        if let Index::Jumped {
            last,
            end,
            mfra,
            taken,
            ..
        } = &self.index
        {
            let (last, end, mfra, taken) = (*last, *end, *mfra, taken.is_some());
            return self.in_last_fragment(pos, file_size, (last, end, mfra), taken);
        }
        match std::mem::take(&mut self.index) {
            Index::Unknown => {
                if let Some((start, total, last_size)) = self.sidx {
                    match (
                        start.checked_add(total),
                        start.checked_add(total.saturating_sub(last_size)),
                    ) {
                        (Some(end), Some(last)) if end <= file_size => {
                            self.index = Index::Known {
                                last,
                                end,
                                mfra: None,
                                tfra: Vec::new(),
                            };
                            return self.jump(pos, file_size);
                        }
                        _ => {}
                    }
                }
                // Only where enough of the file is left to save reads.
                if file_size.saturating_sub(pos) <= 4 * super::LOOKAHEAD {
                    self.index = Index::Off;
                    return Jump::None;
                }
                let len = INDEX_TAIL.min(file_size);
                self.index = Index::TailAsked { retried: false };
                Jump::ReadTail {
                    offset: file_size - len,
                    len,
                }
            }
            Index::Known {
                last,
                end,
                mfra,
                tfra,
            } => {
                if last <= first_at || last < pos || last >= end {
                    self.index = Index::Off;
                    return Jump::None;
                }
                self.index = Index::Jumped {
                    from: pos,
                    last,
                    end,
                    mfra,
                    tfra,
                    undo: (self.top.len(), self.top_count, self.notes.len()),
                    taken: None,
                };
                Jump::To(last)
            }
            other => {
                self.index = other;
                Jump::None
            }
        }
    }

    /// After the jump: only the named moof and its mdat, up to `end`; there,
    /// settle the fragments by the index, and step over the `mfra` whose
    /// bytes the tail read brought.
    fn in_last_fragment(
        &mut self,
        pos: u64,
        file_size: u64,
        (last, end, mfra): (u64, u64, Option<u64>),
        taken: bool,
    ) -> Jump {
        if !(pos == end && taken) {
            if pos > last && pos >= end {
                return Jump::To(self.index_disagrees());
            }
            return Jump::None;
        }
        if !self.settle() {
            return Jump::To(self.index_disagrees());
        }
        match mfra {
            Some(m) if m == end => {
                self.top_count += 1;
                if self.top.len() < 64 {
                    self.top.push("mfra".into());
                }
                Jump::To(file_size)
            }
            _ => Jump::None,
        }
    }

    /// The end of the file, read for the `mfro` (its last 16 bytes) and the
    /// `mfra` it sizes. Returns a further read when the `mfra` is longer than
    /// what was read.
    pub fn take_tail(&mut self, offset: u64, data: &[u8], file_size: u64) -> Option<(u64, u64)> {
        let retried = matches!(self.index, Index::TailAsked { retried: true });
        self.index = Index::Off;
        let end = offset.checked_add(data.len() as u64)?;
        if end != file_size || data.len() < 16 {
            return None;
        }
        let mfro = &data[data.len() - 16..];
        if mfro.get(0..8) != Some(&[0, 0, 0, 16, b'm', b'f', b'r', b'o']) {
            return None;
        }
        let mfra_size = u64::from(boxes::be32(mfro, 12)?);
        let mfra_at = file_size.checked_sub(mfra_size)?;
        if !(24..=MAX_MFRA).contains(&mfra_size) {
            return None;
        }
        let Some(at) = mfra_at.checked_sub(offset) else {
            if retried {
                return None;
            }
            self.index = Index::TailAsked { retried: true };
            return Some((mfra_at, mfra_size));
        };
        let mfra = data.get(usize::try_from(at).ok()?..)?;
        if boxes::be32(mfra, 0).map(u64::from) != Some(mfra_size) || mfra.get(4..8) != Some(b"mfra")
        {
            return None;
        }
        let tfra: Vec<TfraLast> = children(boxes::body(mfra)?)
            .filter(|c| &c.kind == b"tfra")
            .filter_map(|c| boxes::tfra(c.whole))
            .take(64)
            .collect();
        let last = tfra.iter().map(|t| t.moof_offset).max()?;
        self.index = Index::Known {
            last,
            end: mfra_at,
            mfra: Some(mfra_at),
            tfra,
        };
        None
    }

    /// The index disagreed: forget what the jump added and walk every
    /// fragment from where the jump left. Returns that offset.
    pub fn index_disagrees(&mut self) -> u64 {
        let (from, undo) = match &self.index {
            Index::Jumped { from, undo, .. } => (*from, *undo),
            _ => (0, (self.top.len(), self.top_count, self.notes.len())),
        };
        self.index = Index::Off;
        self.top.truncate(undo.0);
        self.top_count = undo.1;
        self.notes.truncate(undo.2);
        from
    }

    /// The first and the last fragment read, the fragments between them
    /// estimated: each track lasts from the first fragment's `tfdt` to the
    /// end of the last's; its frame count is the rate of the two fragments
    /// over that time; the bytes of every track but the largest are their
    /// rate over that time, and the largest has the rest of the bytes from
    /// the first `moof` to the end of the fragments, less the share the two
    /// fragments' `moof`s and `mdat` headers took of theirs. False where the
    /// two fragments disagree with the index or with each other.
    fn settle(&mut self) -> bool {
        let (
            Some((first_at, first_size, first)),
            Index::Jumped {
                end,
                tfra,
                taken,
                last,
                ..
            },
        ) = (&self.first_moof, &self.index)
        else {
            return false;
        };
        let Some((last_size, last_trafs)) = taken else {
            return false;
        };
        let merge = |trafs: &[TrafSums]| {
            let mut m: BTreeMap<u32, (Option<u64>, RunSums)> = BTreeMap::new();
            for t in trafs {
                let e = m
                    .entry(t.track_id)
                    .or_insert((t.base_time, RunSums::default()));
                e.1.add(&t.sums);
            }
            m
        };
        let (f, l) = (merge(first), merge(last_trafs));
        if f.is_empty() || f.keys().ne(l.keys()) {
            return false;
        }
        // Per track: (total ticks, frames, bytes of the two fragments, their ticks).
        let mut est: BTreeMap<u32, (u64, u64, u64, u64)> = BTreeMap::new();
        for (id, (fb, fs)) in &f {
            let (lb, ls) = l[id];
            let (Some(fb), Some(lb)) = (*fb, lb) else {
                return false;
            };
            let Some(end_ticks) = lb.checked_add(ls.ticks) else {
                return false;
            };
            let Some(total) = end_ticks.checked_sub(fb) else {
                return false;
            };
            if lb < fb.saturating_add(fs.ticks) {
                return false;
            }
            // The tfra time of the last fragment's sync sample lies in it.
            let outside = tfra.iter().any(|t| {
                t.track_id == *id
                    && t.moof_offset == *last
                    && (t.time < lb || t.time > end_ticks.saturating_add(ls.ticks))
            });
            let ticks = fs.ticks.saturating_add(ls.ticks);
            if outside || ticks == 0 {
                return false;
            }
            // The frames: as many of the two fragments' most common sample
            // duration as fit in the track's time (a last sample a little
            // longer, as ffmpeg writes it, adds none).
            let mut common = *fs;
            common.add(&ls);
            let step = u64::from(common.common.ticks);
            // Too few samples share a duration (a fragment per frame): the
            // two fragments cannot tell the frame rate.
            if step == 0
                || common.common.samples < 4
                || common.common.samples.saturating_mul(2) < common.samples
            {
                return false;
            }
            let frames = total / step;
            est.insert(
                *id,
                (total, frames, fs.bytes.saturating_add(ls.bytes), ticks),
            );
        }
        let framing = first_size.saturating_add(*last_size).saturating_add(16);
        let sampled: u64 = est.values().map(|e| e.2).sum();
        let region = end.saturating_sub(*first_at) as f64;
        let media = region - region * framing as f64 / (framing.saturating_add(sampled)) as f64;
        let largest = est.iter().max_by_key(|(_, e)| e.2).map(|(id, _)| *id);
        let mut others = 0f64;
        let mut bytes = BTreeMap::new();
        for (id, (total, _, b, ticks)) in &est {
            if Some(*id) != largest {
                let v = *b as f64 * *total as f64 / *ticks as f64;
                others += v;
                bytes.insert(*id, v.round() as u64);
            }
        }
        if let Some(id) = largest {
            bytes.insert(id, (media - others).max(0.0).round() as u64);
        }
        for (id, (total, frames, _, _)) in est {
            self.frag_ticks.insert(id, total);
            self.frag_samples.insert(id, frames);
            self.frag_bytes_per_track
                .insert(id, bytes.get(&id).copied().unwrap_or(0));
        }
        self.index = Index::Settled;
        true
    }

    /// A `moof` header: read it whole, unless the file ends inside it or
    /// the fragments are not summed.
    fn on_moof(&mut self, h: &Header, fits: bool) -> Action {
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
                "the last fragment runs past the end of the file: the file is cut short".into(),
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

    /// Note a box the file ends inside of.
    fn cut_short(&mut self, h: &Header) {
        self.notes.push(format!(
            "{} runs past the end of the file: the file is cut short",
            fourcc(&h.kind)
        ));
    }

    /// A whole box the walker asked for.
    pub fn take_box(&mut self, kind: [u8; 4], pos: u64, data: &[u8]) -> Result<(), Error> {
        match &kind {
            b"sidx" => {
                self.top_count += 1;
                if self.top.len() < 64 {
                    self.top.push("sidx".into());
                }
                let anchor = pos.saturating_add(data.len() as u64);
                self.sidx = boxes::sidx(data)
                    .filter(|x| !x.nested && x.references > 0)
                    .and_then(|x| {
                        let start = anchor.checked_add(x.first_offset)?;
                        Some((start, x.total_size, x.last_size))
                    });
            }
            b"moof" if matches!(self.index, Index::Jumped { .. }) => {
                self.last_moof = Some(data.len() as u64);
                if let (Some(m), Index::Jumped { last, taken, .. }) = (&self.moov, &mut self.index)
                    && pos == *last
                {
                    *taken = Some((data.len() as u64, iso::moof_durations(data, m)));
                }
            }
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
                if self.first_moof.is_none()
                    && let Some(m) = &self.moov
                {
                    self.first_moof = Some((pos, data.len() as u64, iso::moof_durations(data, m)));
                }
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
