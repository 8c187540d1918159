//! What a file is, from its first bytes.

use crate::error::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    IsoBmff,
    Avi,
    Asf,
    /// Matroska or WebM (EBML).
    Matroska,
    Flv,
    /// A known video format whose streams Preflight does not read: its name.
    OtherVideo(&'static str),
    /// HEIF/HEIC/AVIF still image (ISO-BMFF with an image brand).
    HeifImage,
    /// A known non-video file: its name.
    NotVideo(&'static str),
    Unknown,
}

impl Kind {
    /// The error for a file the probe will not read.
    pub fn error(self) -> Error {
        match self {
            Kind::OtherVideo(name) => Error::new(
                "unsupported_container",
                format!(
                    "这是 {name} 格式的视频，本工具读不出其中的信息。请对照通知确认此格式是否被接受；如通知要求原片，请不要转码。"
                ),
                format!(
                    "This is a {name} video, which Preflight cannot read. Check against the notice whether this format is accepted; if the notice asks for the original, do not convert it."
                ),
            ),
            Kind::HeifImage => Error::new(
                "heic_image",
                "这是 HEIC/HEIF 图片，不是视频。请选择视频文件。",
                "This is a HEIC/HEIF picture, not a video. Pick the video file.",
            ),
            Kind::NotVideo(name) => Error::not_video(name),
            _ => Error::new(
                "unknown_format",
                "无法识别的文件格式，不是本工具能读取的视频。请确认选的是视频文件本身；如通知要求提交原片，请不要转码，向主办方确认此格式；否则可在剪辑软件中导出为 MP4 (H.264) 后再选择。",
                "Unrecognised file format: not a video Preflight can read. Check that you picked the video file itself; if the notice asks for the original, do not convert it but ask the organiser about this format; otherwise export it from your editor as MP4 (H.264) and pick that file.",
            ),
        }
    }
}

/// Box types that may open an ISO-BMFF/QuickTime file.
const ISO_FIRST: &[&[u8; 4]] = &[
    b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"uuid", b"styp", b"sidx",
    b"junk", b"moof", b"PICT",
];

const HEIF_BRANDS: &[&[u8; 4]] = &[
    b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis", b"hevc", b"hevx",
];

/// The `container` id of a format Preflight names but does not read.
pub fn container_id(name: &str) -> &'static str {
    match name {
        "MPEG-TS" => "mpegts",
        "M2TS (AVCHD)" => "m2ts",
        "MXF" => "mxf",
        "MPEG-PS (VOB/MPG)" => "mpegps",
        "RealMedia (RM/RMVB)" => "rm",
        "Ogg" => "ogg",
        _ => "other",
    }
}

pub fn sniff(b: &[u8]) -> Kind {
    let at = |i: usize, m: &[u8]| b.get(i..i + m.len()) == Some(m);
    if b.len() >= 8 && ISO_FIRST.iter().any(|t| &b[4..8] == *t) {
        if at(4, b"ftyp") && b.len() >= 12 && HEIF_BRANDS.iter().any(|t| &b[8..12] == *t) {
            return Kind::HeifImage;
        }
        return Kind::IsoBmff;
    }
    if at(0, b"RIFF") && at(8, b"AVI ") {
        return Kind::Avi;
    }
    if at(0, &[0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11]) {
        return Kind::Asf;
    }
    if at(0, &[0x1A, 0x45, 0xDF, 0xA3]) {
        return Kind::Matroska;
    }
    if at(0, b"FLV\x01") {
        return Kind::Flv;
    }
    if b.len() >= 189 && b[0] == 0x47 && b[188] == 0x47 {
        return Kind::OtherVideo("MPEG-TS");
    }
    // 192-byte packets: a 4-byte timestamp before each TS packet (AVCHD .m2ts/.mts).
    if b.len() >= 197 && b[4] == 0x47 && b[196] == 0x47 {
        return Kind::OtherVideo("M2TS (AVCHD)");
    }
    if at(0, &[0x06, 0x0E, 0x2B, 0x34, 0x02, 0x05, 0x01, 0x01]) {
        return Kind::OtherVideo("MXF");
    }
    if at(0, &[0, 0, 1, 0xBA]) {
        return Kind::OtherVideo("MPEG-PS (VOB/MPG)");
    }
    if at(0, b".RMF") {
        return Kind::OtherVideo("RealMedia (RM/RMVB)");
    }
    if at(0, b"OggS") {
        return Kind::OtherVideo("Ogg");
    }
    if at(0, b"RIFF") && at(8, b"WAVE") {
        return Kind::NotVideo("WAV 音频 / WAV audio");
    }
    if at(0, b"ID3") || (b.len() >= 2 && b[0] == 0xFF && (b[1] & 0xE0) == 0xE0) {
        return Kind::NotVideo("MP3 音频 / MP3 audio");
    }
    if at(0, b"%PDF") {
        return Kind::NotVideo("PDF");
    }
    if at(0, &[0xFF, 0xD8, 0xFF]) {
        return Kind::NotVideo("JPEG 图片 / JPEG picture");
    }
    if at(0, b"\x89PNG") {
        return Kind::NotVideo("PNG 图片 / PNG picture");
    }
    if at(0, b"GIF8") {
        return Kind::NotVideo("GIF");
    }
    if at(0, b"PK\x03\x04") {
        return Kind::NotVideo("ZIP / DOCX");
    }
    if at(0, &[0xD0, 0xCF, 0x11, 0xE0]) {
        return Kind::NotVideo("DOC/XLS/PPT");
    }
    if at(0, b"Rar!") {
        return Kind::NotVideo("RAR");
    }
    Kind::Unknown
}
