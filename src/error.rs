//! Errors are values: a stable code, a message in Chinese and in English, and
//! what the user can do about it. Nothing in the core panics on input.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Error {
    /// Stable, machine-readable: `truncated`, `not_video`, `heic_image`, …
    pub code: &'static str,
    pub message_zh: String,
    pub message_en: String,
}

impl Error {
    pub fn new(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Error {
            code,
            message_zh: zh.into(),
            message_en: en.into(),
        }
    }

    pub fn message(&self, lang: crate::Lang) -> &str {
        match lang {
            crate::Lang::Zh => &self.message_zh,
            crate::Lang::En => &self.message_en,
        }
    }

    pub fn empty_file() -> Self {
        Error::new(
            "empty_file",
            "文件是空的（0 字节）。请重新导出或重新选择视频文件。",
            "The file is empty (0 bytes). Export the video again or pick another file.",
        )
    }

    pub fn truncated(what: &str) -> Self {
        Error::new(
            "truncated",
            format!(
                "文件不完整（{what}）：可能没有下载或拷贝完。请从原始位置重新拷贝，或在剪辑软件中重新导出。"
            ),
            format!(
                "The file is incomplete ({what}): it was probably not fully downloaded or copied. Copy it again from the original, or export it again from your editor."
            ),
        )
    }

    pub fn corrupt(what: &str) -> Self {
        Error::new(
            "corrupt",
            format!("文件已损坏（{what}）。请在剪辑软件中重新导出为 MP4 (H.264)。"),
            format!(
                "The file is damaged ({what}). Export it again from your editor as MP4 (H.264)."
            ),
        )
    }

    pub fn not_video(kind: &str) -> Self {
        Error::new(
            "not_video",
            format!("这不是视频文件（看起来是 {kind}）。请选择导出的视频文件，通常以 .mp4 结尾。"),
            format!(
                "This is not a video file (it looks like {kind}). Pick the exported video, usually ending in .mp4."
            ),
        )
    }

    pub fn too_large(what: &str, limit: u64) -> Self {
        Error::new(
            "too_large",
            format!(
                "{what} 超过上限 {limit} 字节，无法安全读取。请在剪辑软件中重新导出为 MP4 (H.264)。"
            ),
            format!(
                "{what} is larger than the limit of {limit} bytes and cannot be read safely. Export the video again as MP4 (H.264)."
            ),
        )
    }

    pub fn io(detail: &str) -> Self {
        Error::new(
            "io",
            format!("无法读取文件：{detail}。请确认文件存在且未被其他程序占用。"),
            format!(
                "Could not read the file: {detail}. Check that it exists and is not locked by another program."
            ),
        )
    }
}

/// Photos combined into one PDF (see `crate::pdf`).
impl Error {
    /// Not a JPEG or PNG (judged by content).
    pub fn not_photo(name: &str) -> Self {
        Error::new(
            "not_photo",
            format!(
                "「{name}」不是 JPEG 或 PNG 照片（按文件内容判断）。请选择手机拍的 JPEG/PNG 照片；已经是 PDF 的文件请直接添加。"
            ),
            format!(
                "\"{name}\" is not a JPEG or PNG photo (judged by its content). Choose the phone's JPEG/PNG photos; a file that is already a PDF can be attached as it is."
            ),
        )
    }

    /// A photo whose header is damaged or cut short.
    pub fn image_corrupt(name: &str, what: &str) -> Self {
        Error::new(
            "image_corrupt",
            format!("「{name}」已损坏或不完整（{what}）。请重新拍照，或在相册中重新导出为 JPEG。"),
            format!(
                "\"{name}\" is damaged or incomplete ({what}). Take the photo again, or export it again as JPEG from the photo app."
            ),
        )
    }

    /// A form of JPEG or PNG that cannot go into a PDF unchanged.
    pub fn photo_unsupported(name: &str, what_zh: &str, what_en: &str) -> Self {
        Error::new(
            "photo_unsupported",
            format!(
                "「{name}」是{what_zh}，无法原样放进 PDF。请在相册或画图软件中另存为普通 JPEG 后再选。"
            ),
            format!(
                "\"{name}\" is {what_en}, which cannot go into the PDF unchanged. Save it as an ordinary JPEG in a photo or paint app and choose that."
            ),
        )
    }

    /// No photos, or more than a PDF takes.
    pub fn page_count(n: usize, max: usize) -> Self {
        Error::new(
            "page_count",
            format!("选了 {n} 张照片；一个 PDF 需要 1 到 {max} 张。请重新选择。"),
            format!("{n} photos chosen; one PDF takes 1 to {max}. Choose again."),
        )
    }

    /// The PDF would be larger than it can be written.
    pub fn pdf_too_large() -> Self {
        Error::new(
            "pdf_too_large",
            "照片合计太大，无法合成一个 PDF。请分成几个 PDF，或降低照片分辨率。",
            "The photos together are too large for one PDF. Make several PDFs, or lower the photos' resolution.",
        )
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] {} / {}",
            self.code, self.message_zh, self.message_en
        )
    }
}

impl std::error::Error for Error {}
