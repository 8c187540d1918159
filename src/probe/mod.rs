//! The sans-IO probe.
//!
//! [`Probe`] is a state machine: [`Probe::poll`] says which byte range it needs
//! next, the edge reads it (a `Blob.slice` in the browser's worker, a positioned
//! read natively) and hands it to [`Probe::feed`], until `poll` returns the
//! facts. It walks the top-level boxes of an ISO-BMFF file reading only their
//! headers, never reads `mdat`, reads `moov` whole under a cap, and for AVI and
//! ASF reads only their header lists. The parsing is all here, shared by the CLI,
//! the browser and the embed API.

mod asf;
mod bmff;
pub(crate) mod boxes;
mod flv;
mod gps;
mod h264;
mod iso;
mod mkv;
mod riff;
pub mod sniff;
mod time;
pub use time::{civil as civil_from_days, days_from_ymd, iso_from_unix};

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// How much a header look-up reads at once: enough for `ftyp` + an `mdat`
/// header, or for an AVI `hdrl`, in one read.
pub const LOOKAHEAD: u64 = 16 * 1024;
/// The largest `moov` read into memory.
pub const MAX_MOOV: u64 = 64 * 1024 * 1024;
/// The largest AVI/ASF header read.
pub const MAX_HEADER: u64 = 4 * 1024 * 1024;
/// Largest `moof` read (one fragment's index).
pub const MAX_MOOF: u64 = 16 * 1024 * 1024;
/// Past this many reads the probe gives up summing fragments (and says so).
pub const MAX_READS: u32 = 5_000;
/// Past this many bytes of `moof` the probe gives up summing fragments.
pub const MAX_FRAGMENT_BYTES: u64 = 64 * 1024 * 1024;
/// The most the probe reads in all, whatever the file: a `moov` at the cap
/// plus the look-aheads around it. Endless tiny boxes or fragments stop here.
pub const MAX_TOTAL_READ: u64 = MAX_MOOV + 4 * LOOKAHEAD;

/// A byte range the probe needs next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    pub offset: u64,
    pub len: u64,
}

#[derive(Debug)]
// Returned once per read, its `Done` once per probe: boxing the facts would
// only add an allocation.
#[allow(clippy::large_enum_variant)]
pub enum Poll {
    Need(Need),
    Done(Result<MediaInfo, Error>),
}

/// What the probe found: the JSON contract of `preflight probe --json`
/// (keys may be added, never renamed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct MediaInfo {
    /// File name as the edge knows it (not a path in the browser).
    pub file: String,
    pub size_bytes: u64,
    /// "mp4", "mov", "3gp", "avi", "asf"; for other files, what they are.
    pub container: String,
    /// ISO-BMFF major and compatible brands.
    pub brands: Vec<String>,
    pub duration_s: Option<f64>,
    /// `moov` before `mdat` (ISO-BMFF only); `None` when the file, walked to
    /// its end, has no top-level `mdat` at all (its media data is elsewhere or gone).
    pub faststart: Option<bool>,
    pub fragmented: bool,
    pub bytes_read: u64,
    pub reads: u32,
    /// UTC, ISO 8601 ("2024-03-05T08:09:10Z").
    pub creation_time: Option<String>,
    pub location: Option<Location>,
    pub video: Option<VideoInfo>,
    pub audio: Option<AudioInfo>,
    /// Top-level box order (ISO-BMFF), at most 64 entries.
    pub top_level: Vec<String>,
    /// Things the probe noticed but could work around, in English.
    pub notes: Vec<String>,
    /// The probe named the container but did not read its streams (MPEG-TS,
    /// MPEG-PS, RealMedia, Ogg, MXF; an FLV without metadata): no `video` or
    /// `audio` here means "not known", not "none".
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub streams_unread: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct VideoInfo {
    /// ffprobe's codec name: h264, hevc, av1, vp9, mpeg4, wmv2, …
    pub codec: String,
    /// Coded size as stored.
    pub width: u32,
    pub height: u32,
    /// Size as shown: coded × pixel aspect, swapped for 90/270.
    pub display_width: u32,
    pub display_height: u32,
    /// Clockwise degrees: 0, 90, 180, 270.
    pub rotation: u32,
    /// "h:v", reduced ("1:1", "4:3").
    pub pixel_aspect: String,
    pub frame_rate: Option<f64>,
    pub bitrate_bps: Option<u64>,
    pub duration_s: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AudioInfo {
    pub codec: String,
    pub channels: Option<u32>,
    pub sample_rate: Option<u32>,
    pub bitrate_bps: Option<u64>,
    pub duration_s: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub latitude: f64,
    pub longitude: f64,
    pub altitude: Option<f64>,
    /// Where it was found: "udta/©xyz", "udta/loci", "meta/keys".
    pub source: String,
}

/// The words every note about a file that ends early carries.
pub const CUT_SHORT: &str = "cut short";

impl MediaInfo {
    /// Does the file end before its own header says it does (a copy or a
    /// download that stopped)? Told by the probe's notes.
    pub fn is_cut_short(&self) -> bool {
        self.notes.iter().any(|n| n.contains(CUT_SHORT))
    }

    /// A copy without the GPS location: what leaves the user's machine (the
    /// report a host page receives, a bundle's manifest). That the file
    /// carries a location is said by the `privacy.location` rule instead.
    pub fn without_location(&self) -> MediaInfo {
        MediaInfo {
            location: None,
            ..self.clone()
        }
    }

    /// Display orientation from the display size.
    pub fn is_portrait(&self) -> Option<bool> {
        self.video
            .as_ref()
            .map(|v| v.display_height > v.display_width)
    }
}

#[derive(Debug)]
enum Stage {
    /// Nothing read yet.
    Start,
    /// ISO-BMFF: walking top-level boxes; next header at `pos`.
    Walk {
        pos: u64,
    },
    /// ISO-BMFF: reading a whole box (`moov` or `moof`) at `pos`.
    ReadBox {
        pos: u64,
        len: u64,
        kind: [u8; 4],
    },
    /// ISO-BMFF: the end of the file, for the fragment index; the walk
    /// resumes at `resume`, with the window it had (`kept`, from `kept_at`)
    /// if the end holds no index.
    Tail {
        resume: u64,
        kept: Vec<u8>,
        kept_at: u64,
    },
    /// AVI or ASF: the header list is (or is being read into) the window.
    ReadHeader,
    /// AVI: the header promises an `idx1` index; the window holds what is
    /// where it must start.
    CheckIdx1 {
        info: Box<MediaInfo>,
    },
    Finished,
}

/// The probe state machine. See the module docs.
#[derive(Debug)]
pub struct Probe {
    size: u64,
    stage: Stage,
    /// The last bytes fed, and where they start in the file.
    window: Vec<u8>,
    window_off: u64,
    /// The start of a box being read whole, from an earlier window.
    prefix: Vec<u8>,
    pending: Option<Need>,
    result: Option<Result<MediaInfo, Error>>,
    iso: bmff::Walker,
    bytes_read: u64,
    reads: u32,
    /// Header reads spent on the boxes after the facts were settled.
    trailing_reads: u32,
}

/// The most box headers read after the facts are settled, only to see that
/// the file ends where its last box does.
pub const MAX_TRAILING: u32 = 16;

impl Probe {
    /// A probe for a file of `size` bytes.
    pub fn new(size: u64) -> Self {
        let mut p = Probe {
            size,
            stage: Stage::Start,
            window: Vec::new(),
            window_off: 0,
            prefix: Vec::new(),
            pending: None,
            result: None,
            iso: bmff::Walker::default(),
            bytes_read: 0,
            reads: 0,
            trailing_reads: 0,
        };
        if size == 0 {
            p.finish(Err(Error::empty_file()));
        } else {
            p.request(0, LOOKAHEAD);
        }
        p
    }

    /// What the probe wants now. Calling it again without `feed` returns the same.
    pub fn poll(&mut self) -> Poll {
        if let Some(r) = &self.result {
            return Poll::Done(r.clone());
        }
        match self.pending {
            Some(n) => Poll::Need(n),
            // Unreachable by construction; answer rather than panic.
            None => Poll::Done(Err(Error::corrupt("probe stalled"))),
        }
    }

    /// Answer the pending [`Need`]. Fewer bytes than asked means end of file.
    pub fn feed(&mut self, data: &[u8]) {
        let Some(need) = self.pending.take() else {
            return;
        };
        let take = data
            .len()
            .min(usize::try_from(need.len).unwrap_or(usize::MAX));
        self.window.clear();
        self.window.extend_from_slice(&data[..take]);
        self.window_off = need.offset;
        self.bytes_read = self.bytes_read.saturating_add(take as u64);
        self.reads = self.reads.saturating_add(1);
        self.step();
    }

    fn request(&mut self, offset: u64, len: u64) {
        let len = len.min(self.size.saturating_sub(offset));
        if self.reads >= MAX_READS || self.bytes_read.saturating_add(len) > MAX_TOTAL_READ {
            self.iso.give_up_fragments();
            let r = self.iso.finish(self.size);
            self.finish(r);
            return;
        }
        self.pending = Some(Need { offset, len });
    }

    fn finish(&mut self, r: Result<MediaInfo, Error>) {
        let r = r.map(|mut m| {
            m.size_bytes = self.size;
            m.bytes_read = self.bytes_read;
            m.reads = self.reads;
            m
        });
        self.result = Some(r);
        self.pending = None;
        self.stage = Stage::Finished;
        self.window = Vec::new();
        self.prefix = Vec::new();
    }

    /// The bytes of the window from file offset `off`, if it holds them.
    fn window_at(&self, off: u64) -> Option<&[u8]> {
        let start = off.checked_sub(self.window_off)?;
        let start = usize::try_from(start).ok()?;
        // An empty rest is no window: after a box read whole the window ends
        // where the walk resumes, and that must ask for more, not end the file.
        self.window.get(start..).filter(|rest| !rest.is_empty())
    }

    fn step(&mut self) {
        match std::mem::replace(&mut self.stage, Stage::Finished) {
            Stage::Start => self.start(),
            Stage::Walk { pos } => self.walk(pos),
            Stage::ReadBox { pos, len, kind } => {
                let mut data = std::mem::take(&mut self.prefix);
                let have = data.len() as u64;
                if (self.window.len() as u64) < len.saturating_sub(have)
                    || self.window_off != pos.saturating_add(have)
                {
                    let what = String::from_utf8_lossy(&kind).into_owned();
                    self.finish(Err(Error::truncated(&format!("{what} box cut short"))));
                    return;
                }
                data.extend_from_slice(&self.window);
                self.window = Vec::new();
                self.window_off = pos.saturating_add(len);
                if let Err(e) = self.iso.take_box(kind, pos, &data) {
                    self.finish(Err(e));
                    return;
                }
                self.walk(pos.saturating_add(len));
            }
            Stage::Tail {
                resume,
                kept,
                kept_at,
            } => {
                if let Some((offset, len)) =
                    self.iso.take_tail(self.window_off, &self.window, self.size)
                {
                    self.stage = Stage::Tail {
                        resume,
                        kept,
                        kept_at,
                    };
                    self.request(offset, len);
                    return;
                }
                if !self.iso.index_found() {
                    // No index: the walk goes on from the bytes it had.
                    self.window = kept;
                    self.window_off = kept_at;
                }
                self.walk(resume);
            }
            Stage::ReadHeader => {
                let data = std::mem::take(&mut self.window);
                let r = match sniff::sniff(&data) {
                    sniff::Kind::Avi => riff::parse_avi(&data, self.size),
                    sniff::Kind::Asf => asf::parse_asf(&data, self.size),
                    sniff::Kind::Matroska => mkv::parse(&data, self.size, true)
                        .unwrap_or_else(|| Err(Error::corrupt("Matroska header"))),
                    _ => Err(Error::corrupt("header")),
                };
                // An AVI whose header promises an index: look for it (one
                // read of its chunk header) before answering.
                let idx1 = riff::idx1_at(&data).filter(|_| sniff::sniff(&data) == sniff::Kind::Avi);
                match (r, idx1) {
                    (Ok(mut info), Some(at)) => {
                        if at.checked_add(8).is_some_and(|end| end <= self.size) {
                            self.stage = Stage::CheckIdx1 {
                                info: Box::new(info),
                            };
                            self.request(at, 8);
                        } else {
                            info.notes.push(riff::NO_IDX1.into());
                            self.finish(Ok(info));
                        }
                    }
                    (r, _) => self.finish(r),
                }
            }
            Stage::CheckIdx1 { mut info } => {
                if self.window.get(..4) != Some(b"idx1") {
                    info.notes.push(riff::NO_IDX1.into());
                }
                self.finish(Ok(*info));
            }
            Stage::Finished => {}
        }
    }

    fn start(&mut self) {
        let kind = sniff::sniff(&self.window);
        match kind {
            sniff::Kind::IsoBmff => self.walk(0),
            sniff::Kind::Avi => {
                let want = riff::header_len(&self.window).min(MAX_HEADER);
                self.read_header(want);
            }
            sniff::Kind::Asf => {
                // The header object and the Data Object's header after it.
                let want = asf::header_len(&self.window).saturating_add(asf::DATA_HEADER);
                if want > MAX_HEADER {
                    self.finish(Err(Error::too_large("ASF header", MAX_HEADER)));
                    return;
                }
                self.read_header(want);
            }
            sniff::Kind::Matroska => {
                let whole = self.window.len() as u64 >= self.size;
                match mkv::parse(&self.window, self.size, whole) {
                    Some(r) => self.finish(r),
                    None => self.read_header(MAX_HEADER),
                }
            }
            sniff::Kind::Flv => {
                let r = flv::parse(&self.window, self.size);
                self.finish(r);
            }
            // A container Preflight names but does not read: the container
            // rule judges it against the profile's list, the rules that need
            // its streams say they cannot.
            sniff::Kind::OtherVideo(name) => {
                let r = Ok(MediaInfo {
                    container: sniff::container_id(name).into(),
                    size_bytes: self.size,
                    streams_unread: true,
                    notes: vec![format!(
                        "{name}: Preflight names this container but does not read its streams"
                    )],
                    ..Default::default()
                });
                self.finish(r);
            }
            other => self.finish(Err(other.error())),
        }
    }

    /// AVI/ASF: parse the first `want` bytes, reading them first if the
    /// window does not hold them yet.
    fn read_header(&mut self, want: u64) {
        self.stage = Stage::ReadHeader;
        // The window may already hold the whole (short) file.
        if want <= self.window.len() as u64 || self.window.len() as u64 >= self.size {
            self.step();
        } else {
            self.request(0, want);
        }
    }

    /// Once nothing further can change the facts but whether the file is
    /// whole: the header of the box at `pos` (an mdat after moov, or none at
    /// all, settles `faststart`; a box the file ends inside of says it is
    /// cut short), reading only a box header for each beyond the bytes
    /// already read, at most [`MAX_TRAILING`] of them. Returns where the next
    /// box starts, or `None` when the probe has finished or asked for a read.
    fn trailing_header(&mut self, pos: u64) -> Option<u64> {
        let next = self
            .window_at(pos)
            .map(|b| bmff::read_header(b, pos, self.size));
        match next {
            Some(bmff::HeaderRead::Header(h)) => {
                let _ = self.iso.on_header(&h, pos, self.size);
                if let Some(p) = pos.checked_add(h.size) {
                    return Some(p);
                }
            }
            Some(bmff::HeaderRead::NeedMore) if self.window_off == pos => {
                let r = self.iso.truncated_tail(pos, self.size);
                self.finish(r);
                return None;
            }
            None | Some(bmff::HeaderRead::NeedMore) if self.trailing_reads < MAX_TRAILING => {
                self.trailing_reads += 1;
                self.stage = Stage::Walk { pos };
                self.request(pos, 16);
                return None;
            }
            _ => {}
        }
        let r = self.iso.finish(self.size);
        self.finish(r);
        None
    }

    /// Hand the walker the box at `pos` whole: from the window when it holds
    /// it, else keep what it holds and ask for the rest. False when the probe
    /// has finished or asked for a read.
    fn read_whole(&mut self, pos: u64, header: bmff::Header, cap: u64) -> bool {
        if header.size > cap {
            let what = String::from_utf8_lossy(&header.kind).into_owned();
            self.finish(Err(Error::too_large(&format!("{what} box"), cap)));
            return false;
        }
        let have = self.window_at(pos).map(|b| b.len() as u64).unwrap_or(0);
        if have >= header.size {
            let len = header.size as usize;
            let data = self.window_at(pos).map(|b| b[..len].to_vec());
            if let Some(data) = data
                && let Err(e) = self.iso.take_box(header.kind, pos, &data)
            {
                self.finish(Err(e));
                return false;
            }
            return true;
        }
        // Keep what the window already holds of the box and read only the rest.
        self.prefix = self.window_at(pos).map(<[u8]>::to_vec).unwrap_or_default();
        let have = self.prefix.len() as u64;
        self.stage = Stage::ReadBox {
            pos,
            len: header.size,
            kind: header.kind,
        };
        self.request(pos.saturating_add(have), header.size - have);
        false
    }

    /// Walk top-level boxes from `pos` using the window, asking for more when needed.
    fn walk(&mut self, mut pos: u64) {
        loop {
            match self.iso.jump(pos, self.size) {
                bmff::Jump::None => {}
                bmff::Jump::To(p) => {
                    pos = p;
                    continue;
                }
                bmff::Jump::ReadTail { offset, len } => {
                    self.stage = Stage::Tail {
                        resume: pos,
                        kept: std::mem::take(&mut self.window),
                        kept_at: self.window_off,
                    };
                    self.request(offset, len);
                    return;
                }
            }
            if pos >= self.size {
                self.iso.reached_end();
                let r = self.iso.finish(self.size);
                self.finish(r);
                return;
            }
            if self.iso.done() {
                match self.trailing_header(pos) {
                    Some(next) => {
                        pos = next;
                        continue;
                    }
                    None => return,
                }
            }
            let Some(buf) = self.window_at(pos) else {
                self.stage = Stage::Walk { pos };
                let ahead = self.iso.lookahead(pos, self.size);
                self.request(pos, ahead);
                return;
            };
            let header = match bmff::read_header(buf, pos, self.size) {
                bmff::HeaderRead::Header(h) => h,
                bmff::HeaderRead::NeedMore | bmff::HeaderRead::Bad(_) if self.iso.jumped() => {
                    // The fragment index named no box here.
                    pos = self.iso.index_disagrees();
                    continue;
                }
                bmff::HeaderRead::NeedMore => {
                    if self.window_off == pos {
                        // The window starts here and still lacks a header: the file ends.
                        let r = self.iso.truncated_tail(pos, self.size);
                        self.finish(r);
                        return;
                    }
                    self.stage = Stage::Walk { pos };
                    let ahead = self.iso.lookahead(pos, self.size);
                    self.request(pos, ahead);
                    return;
                }
                bmff::HeaderRead::Bad(e) => {
                    let r = self.iso.bad_tail(pos, e);
                    self.finish(r);
                    return;
                }
            };
            let action = self.iso.on_header(&header, pos, self.size);
            match action {
                bmff::Action::Skip => {}
                bmff::Action::Goto(p) => {
                    pos = p;
                    continue;
                }
                bmff::Action::Stop(r) => {
                    self.finish(r);
                    return;
                }
                bmff::Action::Read { cap } => {
                    if !self.read_whole(pos, header, cap) {
                        return;
                    }
                }
            }
            pos = match pos.checked_add(header.size) {
                Some(p) => p,
                None => {
                    let r = self.iso.finish(self.size);
                    self.finish(r);
                    return;
                }
            };
        }
    }
}

/// Probe a source that can read at offsets: `read_at(offset, buf)` fills `buf`
/// (fewer bytes only at end of file). Used by the CLI and by tests.
pub fn probe_with<F>(size: u64, mut read_at: F) -> Result<MediaInfo, Error>
where
    F: FnMut(u64, &mut [u8]) -> Result<usize, Error>,
{
    let mut probe = Probe::new(size);
    let mut buf = Vec::new();
    loop {
        match probe.poll() {
            Poll::Done(r) => return r,
            Poll::Need(n) => {
                let len = usize::try_from(n.len)
                    .map_err(|_| Error::too_large("read", usize::MAX as u64))?;
                buf.resize(len, 0);
                let got = read_at(n.offset, &mut buf)?;
                probe.feed(&buf[..got.min(len)]);
            }
        }
    }
}

/// Probe bytes in memory.
pub fn probe_bytes(data: &[u8]) -> Result<MediaInfo, Error> {
    probe_with(data.len() as u64, |off, buf| {
        let start = usize::try_from(off).unwrap_or(usize::MAX).min(data.len());
        let end = start.saturating_add(buf.len()).min(data.len());
        let n = end - start;
        buf[..n].copy_from_slice(&data[start..end]);
        Ok(n)
    })
}

#[cfg(not(target_arch = "wasm32"))]
/// Probe a file on disk with positioned reads.
pub fn probe_file(path: &std::path::Path) -> Result<MediaInfo, Error> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(&e.to_string()))?;
    let size = f.metadata().map_err(|e| Error::io(&e.to_string()))?.len();
    let mut info = probe_reader(&mut f, 0, size)?;
    info.file = path
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(info)
}

#[cfg(not(target_arch = "wasm32"))]
/// Probe `size` bytes starting at `base` in a seekable reader (a file, or a
/// stored entry inside a bundle).
pub fn probe_reader<R: std::io::Read + std::io::Seek>(
    r: &mut R,
    base: u64,
    size: u64,
) -> Result<MediaInfo, Error> {
    use std::io::SeekFrom;
    probe_with(size, |off, buf| {
        let at = base.checked_add(off).ok_or_else(|| Error::io("offset"))?;
        r.seek(SeekFrom::Start(at))
            .map_err(|e| Error::io(&e.to_string()))?;
        let mut n = 0;
        while n < buf.len() {
            match r.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Error::io(&e.to_string())),
            }
        }
        Ok(n)
    })
}
