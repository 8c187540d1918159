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
