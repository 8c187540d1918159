//! What reaches the terminal. Names, form values and messages can come from a
//! received bundle or a file name, and a terminal acts on some characters:
//! ESC starts a sequence that clears a line, moves the cursor or sets the
//! window title; bidi controls reorder what is shown. Every text output of the
//! CLI goes through [`Safe`], which writes such characters as visible escapes
//! (`\x1b`, `\u{202e}`); JSON output goes through [`json_pretty`], which writes
//! them as `\uXXXX` inside the JSON strings (same values, read back whole).

use std::io::{self, Write};

/// Characters a terminal acts on or that change how the text around them is
/// shown: C0 controls (but the newline), DEL, C1 controls, bidi and other
/// invisible format characters, line and paragraph separators, the BOM.
pub fn unsafe_char(c: char) -> bool {
    matches!(c,
        '\0'..='\x09' | '\x0b'..='\x1f' | '\x7f'..='\u{9f}'
        | '\u{ad}'
        | '\u{61c}'
        | '\u{180e}'
        | '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206f}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}'
        | '\u{e0000}'..='\u{e007f}'
    )
}

/// `s` with every [`unsafe_char`] written as a visible escape: `\t`, `\r`,
/// `\x1b` for ASCII controls, `\u{202e}` for the others. The newline stays.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !unsafe_char(c) {
            out.push(c);
        } else if c == '\t' {
            out.push_str("\\t");
        } else if c == '\r' {
            out.push_str("\\r");
        } else if c.is_ascii() {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    out
}

/// A writer that passes text through [`escape`], and bytes that are not
/// UTF-8 (a path from the command line) as `\xff`.
pub struct Safe<W: Write> {
    inner: W,
    /// The start of a UTF-8 sequence cut by the end of a write.
    pending: Vec<u8>,
}

impl<W: Write> Safe<W> {
    pub fn new(inner: W) -> Self {
        Safe {
            inner,
            pending: Vec::new(),
        }
    }
}

impl<W: Write> Write for Safe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut bytes = std::mem::take(&mut self.pending);
        bytes.extend_from_slice(buf);
        let mut out = String::new();
        let mut rest = &bytes[..];
        loop {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    out.push_str(&escape(s));
                    break;
                }
                Err(e) => {
                    let (good, bad) = rest.split_at(e.valid_up_to());
                    out.push_str(&escape(std::str::from_utf8(good).unwrap_or_default()));
                    match e.error_len() {
                        None => {
                            self.pending = bad.to_vec();
                            break;
                        }
                        Some(n) => {
                            for b in &bad[..n] {
                                out.push_str(&format!("\\x{b:02x}"));
                            }
                            rest = &bad[n..];
                        }
                    }
                }
            }
        }
        self.inner.write_all(out.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let cut = std::mem::take(&mut self.pending);
        for b in cut {
            write!(self.inner, "\\x{b:02x}")?;
        }
        self.inner.flush()
    }
}

/// Pretty JSON in which every [`unsafe_char`] inside a string is a `\uXXXX`
/// escape (serde_json escapes the C0 controls itself, not C1 or bidi ones).
pub fn json_pretty<T: serde::Serialize + ?Sized>(v: &T) -> String {
    let s = serde_json::to_string_pretty(v).unwrap_or_default();
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        // Outside strings a JSON text holds only ASCII punctuation, digits,
        // letters and whitespace: every unsafe character here is in a string.
        if unsafe_char(c) && !c.is_ascii() {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The lines that say an entry goes without its video, which follows.
pub fn video_later(due: Option<&str>, text: &str, text_en: &str) -> String {
    let due = due
        .map(|d| format!("（截止 {d}）/ (due {d})"))
        .unwrap_or_default();
    format!("未附视频：视频稍后补充{due}。/ No video: it follows later.\n  {text}\n  {text_en}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_bidi_but_keeps_newlines_and_text() {
        assert_eq!(
            escape("a\x1b[2K\x1b[1A\x1b]0;t\x07\n黑洞\u{202e}4pm.exe\u{9b}\u{feff}"),
            "a\\x1b[2K\\x1b[1A\\x1b]0;t\\x07\n黑洞\\u{202e}4pm.exe\\u{9b}\\u{feff}"
        );
        assert_eq!(escape("✓ 通过 — ok\t\r"), "✓ 通过 — ok\\t\\r");
    }

    #[test]
    fn safe_writer_escapes_bad_utf8_and_joins_cut_sequences() {
        let mut w = Safe::new(Vec::new());
        w.write_all(b"bad\xff.mp4 \xe9").unwrap();
        w.write_all(b"\xbb\x91\x1b\n").unwrap();
        w.flush().unwrap();
        assert_eq!(
            String::from_utf8(w.inner).unwrap(),
            "bad\\xff.mp4 黑\\x1b\n"
        );
    }

    #[test]
    fn json_keeps_its_values_and_shows_no_raw_control() {
        let v = serde_json::json!({"name": "a\u{1b}[2J\u{202e}\u{9b}\u{e0041}b"});
        let s = json_pretty(&v);
        assert!(!s.chars().any(|c| unsafe_char(c) && c != '\n'), "{s}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&s).unwrap(), v);
    }
}
