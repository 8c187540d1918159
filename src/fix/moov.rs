//! The `moov` as a tree: parsed under caps, edited, and written back with
//! every chunk offset (`stco`/`co64`) mapped to where its bytes land in the
//! output. The media bytes are never read.

use std::borrow::Cow;

use super::{Change, Options, Piece, Plan, Source, TopBox, be32, be64, fragmented, layout_error};
use crate::error::Error;

const MAX_NODES: usize = 200_000;
const MAX_DEPTH: u32 = 12;

/// A chunk-offset table: the original entries, read where they lie.
struct Table<'a> {
    entries: &'a [u8],
    count: usize,
    was_wide: bool,
    wide: bool,
}

impl Table<'_> {
    fn get(&self, i: usize) -> u64 {
        if self.was_wide {
            be64(self.entries, i * 8).unwrap_or(0)
        } else {
            u64::from(be32(self.entries, i * 4).unwrap_or(0))
        }
    }
}

enum Node<'a> {
    Leaf([u8; 4], Cow<'a, [u8]>),
    Tree {
        kind: [u8; 4],
        head: Cow<'a, [u8]>,
        kids: Vec<Node<'a>>,
        tail: &'a [u8],
    },
    /// `stco`/`co64`: an index into the tables.
    Chunks(usize),
}

/// The child boxes of a body: (type, body, whole box), and the bytes after
/// the last well-formed one (kept as they are).
/// A child box: (type, body, whole box).
type Child<'a> = ([u8; 4], &'a [u8], &'a [u8]);

fn split(buf: &[u8]) -> (Vec<Child<'_>>, &[u8]) {
    let mut out = Vec::new();
    let mut pos = 0usize;
    while let Some(rest) = buf.get(pos..) {
        let (Some(size32), Some(k)) = (be32(rest, 0), rest.get(4..8)) else {
            break;
        };
        let (size, hl) = match size32 {
            0 => (rest.len(), 8),
            1 => match be64(rest, 8).and_then(|s| usize::try_from(s).ok()) {
                Some(s) => (s, 16),
                None => break,
            },
            s => match usize::try_from(s) {
                Ok(s) => (s, 8),
                Err(_) => break,
            },
        };
        if size < hl || size > rest.len() {
            break;
        }
        out.push(([k[0], k[1], k[2], k[3]], &rest[hl..size], &rest[..size]));
        pos += size;
    }
    (out, buf.get(pos..).unwrap_or(&[]))
}

struct Parser<'a> {
    nodes: usize,
    tables: Vec<Table<'a>>,
}

impl<'a> Parser<'a> {
    fn parse(&mut self, kind: [u8; 4], body: &'a [u8], depth: u32) -> Result<Node<'a>, Error> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(Error::too_large("moov box count", MAX_NODES as u64));
        }
        let head = match &kind {
            b"moov" | b"trak" | b"mdia" | b"minf" | b"stbl" | b"udta" | b"dinf" | b"edts"
            | b"tref" | b"wave" => 0,
            b"meta" if body.get(4..8) == Some(b"hdlr") => 0,
            b"meta" => 4,
            b"stsd" | b"dref" => 8,
            b"stco" | b"co64" => {
                let was_wide = &kind == b"co64";
                let w = if was_wide { 8 } else { 4 };
                let count = be32(body, 4)
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or_else(|| layout_error("chunk offset table cut short"))?;
                let entries = body.get(8..).unwrap_or(&[]);
                if count > entries.len() / w {
                    return Err(layout_error("chunk offset table cut short"));
                }
                self.tables.push(Table {
                    entries,
                    count,
                    was_wide,
                    wide: was_wide,
                });
                return Ok(Node::Chunks(self.tables.len() - 1));
            }
            _ => return Ok(Node::Leaf(kind, Cow::Borrowed(body))),
        };
        let Some(h) = body.get(..head) else {
            return Ok(Node::Leaf(kind, Cow::Borrowed(body)));
        };
        if depth >= MAX_DEPTH {
            return Err(layout_error("boxes nested too deeply"));
        }
        let (list, tail) = split(&body[head..]);
        let mut kids = Vec::with_capacity(list.len());
        for (k, b, _) in list {
            kids.push(self.parse(k, b, depth + 1)?);
        }
        Ok(Node::Tree {
            kind,
            head: Cow::Borrowed(h),
            kids,
            tail,
        })
    }
}

impl<'a> Node<'a> {
    fn kind(&self, t: &[Table]) -> [u8; 4] {
        match self {
            Node::Leaf(k, _) | Node::Tree { kind: k, .. } => *k,
            Node::Chunks(i) if t.get(*i).is_some_and(|t| t.wide) => *b"co64",
            Node::Chunks(_) => *b"stco",
        }
    }

    fn kids(&self) -> &[Node<'a>] {
        match self {
            Node::Tree { kids, .. } => kids,
            _ => &[],
        }
    }

    fn kids_mut(&mut self) -> Option<&mut Vec<Node<'a>>> {
        match self {
            Node::Tree { kids, .. } => Some(kids),
            _ => None,
        }
    }

    fn is(&self, k: &[u8; 4]) -> bool {
        match self {
            Node::Leaf(kind, _) | Node::Tree { kind, .. } => kind == k,
            Node::Chunks(_) => k == b"stco" || k == b"co64",
        }
    }

    fn child(&self, k: &[u8; 4]) -> Option<&Node<'a>> {
        self.kids().iter().find(|n| n.is(k))
    }

    fn child_mut(&mut self, k: &[u8; 4]) -> Option<&mut Node<'a>> {
        self.kids_mut()?.iter_mut().find(|n| n.is(k))
    }

    fn at(&self, path: &[&[u8; 4]]) -> Option<&Node<'a>> {
        path.iter().try_fold(self, |n, k| n.child(k))
    }

    fn at_mut(&mut self, path: &[&[u8; 4]]) -> Option<&mut Node<'a>> {
        let mut n = self;
        for k in path {
            n = n.child_mut(k)?;
        }
        Some(n)
    }

    fn leaf(&self) -> Option<&[u8]> {
        match self {
            Node::Leaf(_, b) => Some(b),
            _ => None,
        }
    }

    /// Any leaf below holds `needle`.
    fn contains(&self, needle: &[u8]) -> bool {
        match self {
            Node::Leaf(_, b) => b.windows(needle.len()).any(|w| w == needle),
            Node::Tree { kids, .. } => kids.iter().any(|k| k.contains(needle)),
            Node::Chunks(_) => false,
        }
    }

    fn body_len(&self, t: &[Table]) -> u64 {
        match self {
            Node::Leaf(_, b) => b.len() as u64,
            Node::Tree {
                head, kids, tail, ..
            } => kids.iter().fold((head.len() + tail.len()) as u64, |a, k| {
                a.saturating_add(k.len(t))
            }),
            Node::Chunks(i) => t
                .get(*i)
                .map_or(8, |t| 8 + (t.count as u64) * if t.wide { 8 } else { 4 }),
        }
    }

    fn len(&self, t: &[Table]) -> u64 {
        let b = self.body_len(t);
        if b + 8 > u64::from(u32::MAX) {
            b + 16
        } else {
            b + 8
        }
    }

    fn write(
        &self,
        out: &mut Vec<u8>,
        t: &[Table],
        map: &dyn Fn(u64) -> Result<u64, Error>,
    ) -> Result<(), Error> {
        let b = self.body_len(t);
        let kind = self.kind(t);
        if b + 8 > u64::from(u32::MAX) {
            out.extend_from_slice(&1u32.to_be_bytes());
            out.extend_from_slice(&kind);
            out.extend_from_slice(&(b + 16).to_be_bytes());
        } else {
            out.extend_from_slice(&((b + 8) as u32).to_be_bytes());
            out.extend_from_slice(&kind);
        }
        match self {
            Node::Leaf(_, body) => out.extend_from_slice(body),
            Node::Tree {
                head, kids, tail, ..
            } => {
                out.extend_from_slice(head);
                for k in kids {
                    k.write(out, t, map)?;
                }
                out.extend_from_slice(tail);
            }
            Node::Chunks(i) => {
                let Some(t) = t.get(*i) else {
                    return Err(layout_error("chunk table"));
                };
                out.extend_from_slice(&[0; 4]);
                out.extend_from_slice(&(t.count as u32).to_be_bytes());
                for e in 0..t.count {
                    let v = map(t.get(e))?;
                    if t.wide {
                        out.extend_from_slice(&v.to_be_bytes());
                    } else {
                        let v = u32::try_from(v).map_err(|_| layout_error("offset past 4 GiB"))?;
                        out.extend_from_slice(&v.to_be_bytes());
                    }
                }
            }
        }
        Ok(())
    }
}

fn fourcc(k: &[u8]) -> String {
    k.iter()
        .map(|&c| match c {
            0x20..0x7f => c as char,
            0xA9 => '©',
            _ => '?',
        })
        .collect()
}

fn change(code: &str, zh: String, en: String) -> Change {
    Change {
        code: code.into(),
        zh,
        en,
    }
}

/// A track's handler, sample entry types and id.
fn track(trak: &Node) -> ([u8; 4], Vec<[u8; 4]>, u32) {
    let handler = trak
        .at(&[b"mdia", b"hdlr"])
        .and_then(|h| h.leaf())
        .and_then(|b| b.get(8..12))
        .map_or([0; 4], |h| [h[0], h[1], h[2], h[3]]);
    let entries = trak
        .at(&[b"mdia", b"minf", b"stbl", b"stsd"])
        .map(|s| s.kids().iter().map(|e| e.kind(&[])).collect())
        .unwrap_or_default();
    let id = trak
        .child(b"tkhd")
        .and_then(|t| t.leaf())
        .and_then(|b| be32(b, if b.first() == Some(&1) { 20 } else { 12 }))
        .unwrap_or(0);
    (handler, entries, id)
}

const VIDEO_MP4: &[&[u8; 4]] = &[
    b"avc1", b"avc3", b"hvc1", b"hev1", b"mp4v", b"av01", b"vp09", b"dvh1", b"dvhe", b"dva1",
    b"dvav",
];
const AUDIO_MP4: &[&[u8; 4]] = &[b"mp4a", b"ac-3", b"ec-3", b"alac", b"Opus", b"fLaC"];
const PCM: &[&[u8; 4]] = &[
    b"lpcm", b"sowt", b"twos", b"in24", b"in32", b"fl32", b"fl64", b"raw ", b"NONE",
];

fn codec_refused(entry: &[u8; 4], audio: bool) -> Error {
    let e = fourcc(entry);
    let what = if entry.starts_with(b"ap") {
        "ProRes"
    } else if PCM.contains(&entry) {
        "PCM"
    } else {
        e.as_str()
    };
    let (zh_do, en_do) = if audio {
        (
            "请把音频转为 AAC（视频不重新编码）：ffmpeg -i 输入.mov -c:v copy -c:a aac -b:a 192k 输出.mp4",
            "Convert the audio to AAC (the video is not re-encoded): ffmpeg -i in.mov -c:v copy -c:a aac -b:a 192k out.mp4",
        )
    } else {
        (
            "请在剪辑软件中导出为 MP4 (H.264)，或运行 ffmpeg -i 输入.mov -c:v libx264 -crf 18 -c:a aac 输出.mp4（会重新编码）",
            "Export it from your editor as MP4 (H.264), or run ffmpeg -i in.mov -c:v libx264 -crf 18 -c:a aac out.mp4 (this re-encodes)",
        )
    };
    let kind = if audio { "音频" } else { "视频" };
    let kind_en = if audio { "audio" } else { "video" };
    Error::new(
        "fix_codec",
        format!(
            "{kind}编码 {what}（{e}）不能放进 MP4，只换封装无法修复，文件没有被修改。{zh_do}。"
        ),
        format!(
            "The {kind_en} codec {what} ({e}) cannot go into MP4, so changing the container alone cannot fix this; nothing was written. {en_do}."
        ),
    )
}

fn be16(b: &[u8], i: usize) -> Option<u16> {
    let s = b.get(i..i.checked_add(2)?)?;
    Some(u16::from_be_bytes([s[0], s[1]]))
}

/// A QuickTime sound description (version 1 or 2, codec config inside
/// `wave`) as an ISO AudioSampleEntry (version 0, config a direct child).
/// `None` when it already is one.
fn iso_audio_entry(kind: &[u8; 4], body: &[u8]) -> Result<Option<Vec<u8>>, Error> {
    let bad = || layout_error("sound sample description cut short");
    let version = be16(body, 8).ok_or_else(bad)?;
    let (at, channels, rate) = match version {
        0 => return Ok(None),
        1 => (
            44,
            be16(body, 16).ok_or_else(bad)?,
            be32(body, 24).ok_or_else(bad)?,
        ),
        2 => {
            let r = f64::from_bits(be64(body, 32).ok_or_else(bad)?);
            let ch = be32(body, 40).ok_or_else(bad)?.min(0xFFFF) as u16;
            let rate = if (1.0..65536.0).contains(&r) {
                (r as u32) << 16
            } else {
                0
            };
            (64, ch, rate)
        }
        _ => return Err(layout_error("unknown sound description version")),
    };
    let rest = body.get(at..).ok_or_else(bad)?;
    let mut out = Vec::with_capacity(body.len());
    out.extend_from_slice(body.get(..8).ok_or_else(bad)?);
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&channels.to_be_bytes());
    out.extend_from_slice(&16u16.to_be_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&rate.to_be_bytes());
    let mut has_config = false;
    let (kids, _) = split(rest);
    for (k, b, whole) in kids {
        let inner = if &k == b"wave" {
            split(b).0
        } else {
            vec![(k, b, whole)]
        };
        for (k, _, whole) in inner {
            if matches!(&k, b"frma" | b"mp4a" | b"enda" | [0, 0, 0, 0]) {
                continue;
            }
            has_config |= matches!(
                &k,
                b"esds" | b"dac3" | b"dec3" | b"alac" | b"dOps" | b"dfLa"
            );
            out.extend_from_slice(whole);
        }
    }
    if !has_config && kind != b"alac" {
        return Err(layout_error("audio without its decoder configuration"));
    }
    Ok(Some(out))
}

/// QuickTime's Macintosh language codes as ISO 639-2/T, packed.
fn iso_language(code: u16) -> u16 {
    const MAC: [&[u8; 3]; 24] = [
        b"eng", b"fra", b"deu", b"ita", b"nld", b"swe", b"spa", b"dan", b"por", b"nor", b"heb",
        b"jpn", b"ara", b"fin", b"ell", b"isl", b"mlt", b"tur", b"hrv", b"zho", b"urd", b"hin",
        b"tha", b"kor",
    ];
    if (0x400..0x7FFF).contains(&code) {
        return code;
    }
    let l = match code {
        33 => b"zho",
        c => MAC.get(usize::from(c)).copied().unwrap_or(b"und"),
    };
    l.iter().fold(0u16, |a, &c| {
        (a << 5) | u16::from(c.wrapping_sub(0x60) & 0x1F)
    })
}

/// Make a QuickTime `moov` an MP4 one. Returns the codecs kept.
#[expect(
    clippy::too_many_lines,
    reason = "one pass over the moov's tracks, each QuickTime-only box met in the order a reader meets it"
)]
fn to_mp4(moov: &mut Node, changes: &mut Vec<Change>) -> Result<Vec<[u8; 4]>, Error> {
    let kids = moov
        .kids_mut()
        .ok_or_else(|| layout_error("moov is not a box list"))?;
    let mut codecs = Vec::new();
    let mut dropped = Vec::new();
    let mut keep = Vec::with_capacity(kids.len());
    for k in kids.iter() {
        if !k.is(b"trak") {
            // Colour tables, clipping and matte regions: QuickTime only.
            keep.push(!matches!(&k.kind(&[]), b"ctab" | b"clip" | b"matt"));
            continue;
        }
        let (handler, entries, id) = track(k);
        let audio = &handler == b"soun";
        if audio || &handler == b"vide" {
            let ok = if audio { AUDIO_MP4 } else { VIDEO_MP4 };
            if let Some(e) = entries.iter().find(|e| !ok.contains(e)) {
                return Err(codec_refused(e, audio));
            }
            codecs.extend(entries);
            keep.push(true);
        } else {
            let e = entries.first().map_or(String::new(), |e| fourcc(e));
            let h = fourcc(&handler);
            changes.push(change(
                "track_dropped",
                format!("删除了 MP4 不支持的 {h} 轨道（{e}，如时间码或元数据），画面和声音不变"),
                format!(
                    "Dropped the {h} track ({e}, such as timecode or metadata), which MP4 does not carry; picture and sound are unchanged"
                ),
            ));
            dropped.push(id);
            keep.push(false);
        }
    }
    let mut it = keep.into_iter();
    kids.retain(|_| it.next().unwrap_or(true));
    if !kids.iter().any(|k| k.is(b"trak")) {
        return Err(layout_error("no video or audio track"));
    }
    for trak in kids.iter_mut().filter(|k| k.is(b"trak")) {
        let (handler, _, _) = track(trak);
        let Some(tk) = trak.kids_mut() else { continue };
        tk.retain(|n| {
            !matches!(
                &n.kind(&[]),
                b"tapt" | b"load" | b"imap" | b"matt" | b"clip" | b"kmat"
            )
        });
        // References to dropped tracks (timecode, chapters) go with them.
        if !dropped.is_empty()
            && let Some(tref) = tk.iter_mut().find(|n| n.is(b"tref"))
            && let Some(refs) = tref.kids_mut()
        {
            for r in refs.iter_mut() {
                if let Node::Leaf(k, b) = r {
                    let ids: Vec<u8> = b
                        .chunks_exact(4)
                        .filter(|c| {
                            !dropped.contains(&u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
                        })
                        .flatten()
                        .copied()
                        .collect();
                    *r = Node::Leaf(*k, Cow::Owned(ids));
                }
            }
            refs.retain(|r| r.leaf().is_some_and(|b| !b.is_empty()));
        }
        tk.retain(|n| !n.is(b"tref") || !n.kids().is_empty());
        let Some(mdia) = tk.iter_mut().find(|n| n.is(b"mdia")) else {
            continue;
        };
        // The ISO handler: no component type, a C-string name.
        if let Some(h) = mdia.child_mut(b"hdlr") {
            let name: &[u8] = if &handler == b"vide" {
                b"VideoHandler\0"
            } else {
                b"SoundHandler\0"
            };
            let mut b = vec![0u8; 8];
            b.extend_from_slice(&handler);
            b.extend_from_slice(&[0; 12]);
            b.extend_from_slice(name);
            *h = Node::Leaf(*b"hdlr", Cow::Owned(b));
        }
        if let Some(Node::Leaf(_, b)) = mdia.child_mut(b"mdhd") {
            let at = if b.first() == Some(&1) { 32 } else { 20 };
            if let Some(code) = be16(b, at) {
                let iso = iso_language(code).to_be_bytes();
                let b = b.to_mut();
                b[at] = iso[0];
                b[at + 1] = iso[1];
            }
        }
        let Some(minf) = mdia.child_mut(b"minf") else {
            continue;
        };
        if let Some(m) = minf.kids_mut() {
            // The data handler's `hdlr` belongs to QuickTime.
            m.retain(|n| !n.is(b"hdlr"));
        }
        if let Some(dref) = minf.at_mut(&[b"dinf", b"dref"])
            && let Some(entries) = dref.kids_mut()
        {
            for e in entries.iter_mut() {
                if e.is(b"alis") {
                    *e = Node::Leaf(*b"url ", Cow::Borrowed(&[0, 0, 0, 1]));
                }
            }
        }
        if &handler == b"soun"
            && let Some(stsd) = minf.at_mut(&[b"stbl", b"stsd"])
            && let Some(entries) = stsd.kids_mut()
        {
            for e in entries.iter_mut() {
                if let Node::Leaf(k, b) = e
                    && let Some(new) = iso_audio_entry(k, b)?
                {
                    *e = Node::Leaf(*k, Cow::Owned(new));
                }
            }
        }
    }
    Ok(codecs)
}

const LOCATION_KEY: &[u8] = b"com.apple.quicktime.location.";
const DEVICE_KEYS: [&[u8]; 2] = [b"com.apple.quicktime.make", b"com.apple.quicktime.model"];
const XYZ: [u8; 4] = [0xA9, b'x', b'y', b'z'];
const MAK: [u8; 4] = [0xA9, b'm', b'a', b'k'];
const MOD: [u8; 4] = [0xA9, b'm', b'o', b'd'];

#[derive(Default)]
struct Stripped {
    location: Vec<&'static str>,
    device: Vec<&'static str>,
}

impl Stripped {
    fn note(list: &mut Vec<&'static str>, what: &'static str) {
        if !list.contains(&what) {
            list.push(what);
        }
    }
}

/// `meta` with `keys` + `ilst`: drop the location (and device) keys and
/// renumber the items; an iTunes-style `ilst` loses its `©xyz`.
fn strip_meta(kids: &mut [Node], device: bool, s: &mut Stripped) {
    let mut removed = Vec::new();
    let mut renumber: Vec<u32> = Vec::new();
    if let Some(Node::Leaf(_, keys)) = kids.iter_mut().find(|n| n.is(b"keys")) {
        let count = be32(keys, 4).unwrap_or(0);
        let mut out = keys.get(..8).unwrap_or(&[0; 8]).to_vec();
        let mut pos = 8usize;
        let mut kept = 0u32;
        for i in 1..=count.min(65_536) {
            let Some(size) = be32(keys, pos).and_then(|n| usize::try_from(n).ok()) else {
                break;
            };
            let Some(entry) = pos.checked_add(size).and_then(|end| keys.get(pos..end)) else {
                break;
            };
            if size < 8 {
                break;
            }
            let name = &entry[8..];
            if name.starts_with(LOCATION_KEY) {
                Stripped::note(&mut s.location, "meta/keys location");
                removed.push(i);
            } else if device && DEVICE_KEYS.contains(&name) {
                Stripped::note(&mut s.device, "meta/keys make/model");
                removed.push(i);
            } else {
                kept += 1;
                renumber.push(i);
                out.extend_from_slice(entry);
            }
            pos += size;
        }
        if !removed.is_empty() {
            out.extend_from_slice(keys.get(pos..).unwrap_or(&[]));
            out[4..8].copy_from_slice(&kept.to_be_bytes());
            *keys = Cow::Owned(out);
        }
    }
    let Some(Node::Leaf(_, ilst)) = kids.iter_mut().find(|n| n.is(b"ilst")) else {
        return;
    };
    let (items, tail) = split(ilst);
    let mut out = Vec::with_capacity(ilst.len());
    let mut changed = false;
    for (k, _, whole) in &items {
        let idx = u32::from_be_bytes(*k);
        let drop = removed.contains(&idx) || *k == XYZ || (device && (*k == MAK || *k == MOD));
        if *k == XYZ {
            Stripped::note(&mut s.location, "ilst ©xyz");
        }
        if drop {
            changed = true;
            continue;
        }
        let start = out.len();
        out.extend_from_slice(whole);
        if !removed.is_empty()
            && let Some(n) = renumber.iter().position(|&o| o == idx)
        {
            let n = (n as u32 + 1).to_be_bytes();
            // The item's type is its key's index; the header is 8 or 16 bytes
            // with the type at 4..8 either way.
            out[start + 4..start + 8].copy_from_slice(&n);
            changed |= n != *k;
        }
    }
    out.extend_from_slice(tail);
    if changed {
        *ilst = Cow::Owned(out);
    }
}

fn strip(n: &mut Node, device: bool, s: &mut Stripped) {
    let udta = n.is(b"udta");
    let meta = n.is(b"meta");
    let Some(kids) = n.kids_mut() else { return };
    if udta {
        kids.retain(|k| {
            let kind = k.kind(&[]);
            let (loc, dev) = if kind == XYZ {
                (Some("udta/©xyz"), None)
            } else if &kind == b"loci" {
                (Some("udta/loci"), None)
            } else if &kind == b"XMP_" && k.contains(b"GPS") {
                (Some("udta/XMP_"), None)
            } else if device && (kind == MAK || kind == MOD) {
                (None, Some("udta/©mak ©mod"))
            } else {
                (None, None)
            };
            if let Some(l) = loc {
                Stripped::note(&mut s.location, l);
            }
            if let Some(d) = dev {
                Stripped::note(&mut s.device, d);
            }
            loc.is_none() && dev.is_none()
        });
    }
    if meta {
        strip_meta(kids, device, s);
    }
    for k in kids.iter_mut() {
        strip(k, device, s);
    }
}

fn mp4_ftyp(codecs: &[[u8; 4]]) -> Vec<u8> {
    let mut brands: Vec<&[u8; 4]> = vec![b"isom", b"iso2"];
    if codecs.iter().any(|c| c == b"avc1" || c == b"avc3") {
        brands.push(b"avc1");
    }
    if codecs.iter().any(|c| c == b"av01") {
        brands.push(b"av01");
    }
    brands.push(b"mp41");
    let mut out = Vec::with_capacity(16 + 4 * brands.len());
    out.extend_from_slice(&((16 + 4 * brands.len()) as u32).to_be_bytes());
    out.extend_from_slice(b"ftypisom");
    out.extend_from_slice(&0x200u32.to_be_bytes());
    for b in brands {
        out.extend_from_slice(b);
    }
    out
}

fn check_tracks(moov: &Node) -> Result<(), Error> {
    for trak in moov.kids().iter().filter(|k| k.is(b"trak")) {
        let (_, entries, _) = track(trak);
        if entries.iter().any(|e| e == b"encv" || e == b"enca")
            || trak.at(&[b"mdia", b"minf", b"stbl", b"saio"]).is_some()
        {
            return Err(Error::new(
                "fix_encrypted",
                "视频经过加密（DRM），无法重新封装，文件没有被修改。请使用未加密的原始导出文件。",
                "The video is encrypted (DRM) and cannot be remuxed; nothing was written. Use the unencrypted export.",
            ));
        }
        if let Some(dref) = trak.at(&[b"mdia", b"minf", b"dinf", b"dref"]) {
            let external = dref.kids().iter().any(|e| match e {
                Node::Leaf(_, b) => b.get(3).is_none_or(|f| f & 1 == 0),
                _ => true,
            });
            if external {
                return Err(Error::new(
                    "fix_external_media",
                    "这个文件只是引用了其他文件里的音视频数据（参考影片），不能单独修复，文件没有被修改。请在剪辑软件中导出为独立的 MP4 (H.264)。",
                    "This file only refers to media stored in other files (a reference movie), so it cannot be fixed alone; nothing was written. Export a self-contained MP4 (H.264) from your editor.",
                ));
            }
        }
    }
    Ok(())
}

enum Item {
    Head(Vec<u8>),
    Moov,
    Copy(TopBox),
}

#[expect(
    clippy::too_many_lines,
    reason = "the remux in its order: what applies, the new moov, the pieces, the offsets moved until they settle"
)]
pub(super) fn plan(src: &Source, opts: &Options) -> Result<Option<Plan>, Error> {
    let hl = if be32(&src.moov, 0) == Some(1) { 16 } else { 8 };
    let body = src
        .moov
        .get(hl..)
        .ok_or_else(|| layout_error("moov cut short"))?;
    let mut p = Parser {
        nodes: 0,
        tables: Vec::new(),
    };
    let mut root = p.parse(*b"moov", body, 0)?;
    if root.child(b"mvex").is_some() {
        return Err(fragmented());
    }
    check_tracks(&root)?;
    let major = src.ftyp.as_ref().and_then(|f| f.get(8..12));
    let quicktime = major.is_none_or(|m| m == b"qt  ");
    let mut changes = Vec::new();
    let mut ftyp = src.ftyp.clone();
    let mp4 = opts.mp4 && quicktime;
    if mp4 {
        let codecs = to_mp4(&mut root, &mut changes)?;
        let f = mp4_ftyp(&codecs);
        let brands: Vec<String> = f[16..].chunks(4).map(fourcc).collect();
        let brands = brands.join(" ");
        changes.insert(
            0,
            change(
                "mp4",
                format!("QuickTime (.mov) 改为 MP4 封装（品牌 {brands}），音视频数据不变"),
                format!(
                    "QuickTime (.mov) became MP4 (brands {brands}); the audio and video data are unchanged"
                ),
            ),
        );
        ftyp = Some(f);
    }
    if opts.strip_location {
        // Timed metadata tracks that carry a location go whole.
        if let Some(kids) = root.kids_mut() {
            let before = kids.len();
            kids.retain(|k| !(k.is(b"trak") && &track(k).0 == b"meta" && k.contains(b"location")));
            if kids.len() != before {
                changes.push(change(
                    "location_removed",
                    "删除了记录拍摄地点的元数据轨道".into(),
                    "Removed the metadata track that records the location".into(),
                ));
            }
        }
        let mut s = Stripped::default();
        strip(&mut root, opts.strip_device, &mut s);
        if !s.location.is_empty() {
            let w = s.location.join(", ");
            changes.push(change(
                "location_removed",
                format!("删除了拍摄地点（GPS）：{w}"),
                format!("Removed the recording location (GPS): {w}"),
            ));
        }
        if !s.device.is_empty() {
            let w = s.device.join(", ");
            changes.push(change(
                "device_removed",
                format!("删除了拍摄设备的品牌和型号：{w}"),
                format!("Removed the device make and model: {w}"),
            ));
        }
    }
    let moov_at = src
        .boxes
        .iter()
        .find(|b| &b.kind == b"moov")
        .map_or(0, |b| b.offset);
    let first_mdat = src
        .boxes
        .iter()
        .find(|b| &b.kind == b"mdat")
        .map(|b| b.offset);
    let front = opts.faststart && first_mdat.is_some_and(|m| m < moov_at);
    if front {
        changes.insert(
            0,
            change(
                "faststart",
                "把索引（moov）移到了文件开头（快速启动），网页和手机可以边下边播".into(),
                "Moved the index (moov) to the front (fast start), so the video can play while it downloads".into(),
            ),
        );
    }
    if changes.is_empty() {
        return Ok(None);
    }

    let mut items = Vec::new();
    if let Some(f) = ftyp {
        items.push(Item::Head(f));
    }
    if front {
        items.push(Item::Moov);
    }
    for b in &src.boxes {
        match &b.kind {
            b"moov" if !front => items.push(Item::Moov),
            b"moov" | b"ftyp" | b"free" | b"skip" | b"wide" => {}
            _ => items.push(Item::Copy(*b)),
        }
    }
    let mut live = Vec::new();
    collect_tables(&root, &mut live);
    let mut tables = p.tables;
    for &i in &live {
        let t = &tables[i];
        if (0..t.count).any(|e| t.get(e) >= src.size) {
            return Err(Error::truncated("media data past the end of the file"));
        }
    }
    // Growing a table to 64 bits moves everything after the moov: repeat
    // until no offset passes 4 GiB in a 32-bit table (at most once per table).
    let copies = loop {
        let moov_len = root.len(&tables);
        let mut pos = 0u64;
        let mut copies = Vec::new();
        for it in &items {
            let len = match it {
                Item::Head(h) => h.len() as u64,
                Item::Moov => moov_len,
                Item::Copy(b) => {
                    copies.push((b.offset, b.size, pos));
                    b.size
                }
            };
            pos = pos
                .checked_add(len)
                .ok_or_else(|| layout_error("output too large"))?;
        }
        let mut grew = false;
        for &i in &live {
            let t = &tables[i];
            if t.wide {
                continue;
            }
            let mut high = false;
            for e in 0..t.count {
                if map(&copies, t.get(e))? > u64::from(u32::MAX) {
                    high = true;
                    break;
                }
            }
            if high {
                tables[i].wide = true;
                grew = true;
            }
        }
        if !grew {
            break copies;
        }
    };
    if live.iter().any(|&i| tables[i].wide && !tables[i].was_wide) {
        changes.push(change(
            "co64",
            "文件超过 4 GB 的部分改用 64 位偏移（co64）".into(),
            "Chunk offsets past 4 GB now use 64-bit tables (co64)".into(),
        ));
    }
    let mut moov = Vec::new();
    moov.try_reserve(usize::try_from(root.len(&tables)).unwrap_or(usize::MAX))
        .map_err(|_| Error::too_large("moov", crate::probe::MAX_MOOV))?;
    root.write(&mut moov, &tables, &|o| map(&copies, o))?;
    let mut pieces: Vec<Piece> = Vec::new();
    for it in items {
        let next = match it {
            Item::Head(h) => Piece::Bytes(h),
            Item::Moov => Piece::Bytes(std::mem::take(&mut moov)),
            Item::Copy(b) => Piece::Copy {
                offset: b.offset,
                len: b.size,
            },
        };
        match (pieces.last_mut(), next) {
            (Some(Piece::Bytes(a)), Piece::Bytes(b)) => a.extend_from_slice(&b),
            (Some(Piece::Copy { offset, len }), Piece::Copy { offset: o, len: l })
                if offset.checked_add(*len) == Some(o) =>
            {
                *len += l;
            }
            (_, n) => pieces.push(n),
        }
    }
    let size = pieces.iter().fold(0u64, |a, p| {
        a.saturating_add(match p {
            Piece::Bytes(b) => b.len() as u64,
            Piece::Copy { len, .. } => *len,
        })
    });
    Ok(Some(Plan {
        pieces,
        size,
        changes,
        mp4,
    }))
}

fn collect_tables(n: &Node, out: &mut Vec<usize>) {
    match n {
        Node::Chunks(i) => out.push(*i),
        Node::Tree { kids, .. } => kids.iter().for_each(|k| collect_tables(k, out)),
        Node::Leaf(..) => {}
    }
}

/// Where a chunk at `old` lands: inside one of the copied boxes, at the same
/// distance from its start.
fn map(copies: &[(u64, u64, u64)], old: u64) -> Result<u64, Error> {
    let i = copies.partition_point(|c| c.0 <= old);
    let outside = || layout_error("a chunk offset points outside the media data");
    let &(start, len, new) = i
        .checked_sub(1)
        .and_then(|i| copies.get(i))
        .ok_or_else(outside)?;
    if old - start >= len {
        return Err(outside());
    }
    new.checked_add(old - start).ok_or_else(outside)
}
