//! Profiles put no words in a notice's mouth: every `quote` in a built-in
//! profile is found in its notice's text (../shared/seeds/), and every item
//! without the notice's words is marked as Preflight's own advice.

use std::path::PathBuf;

use serde_json::Value;

/// The notice each built-in profile comes from (../shared/seeds/README.md).
const NOTICES: [(&str, &str); 5] = [
    ("cujs-video-abstract-2026", "000_82c10b549a9c4de2.txt"),
    ("sichuan-kepu-2024", "001_8020320b3c901fd4.txt"),
    ("heilongjiang-kepu-2022", "002_f30e56f14bbba9c0.txt"),
    ("kepu-light-2026", "003_914fb801548a5fad.txt"),
    ("nmg-kepu-2025", "004_71eada7043170676.txt"),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn notice(file: &str) -> String {
    let path = root().join("../shared/seeds").join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the notices are missing: {} ({e}); they live in ../shared/seeds beside the repository",
            path.display()
        )
    })
}

/// Whitespace dropped (the notices are PDF text, broken mid-sentence) and
/// full-width ASCII forms and curly quotes mapped to their narrow forms.
fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            '“' | '”' | '„' | '"' => '"',
            '‘' | '’' | '\'' => '\'',
            '–' | '—' | '―' => '-',
            '〜' => '~',
            c => c,
        })
        .collect()
}

/// The pieces of a quote: "…" (or "...") marks words left out, so each
/// piece must be found, in order.
fn pieces(quote: &str) -> Vec<String> {
    quote
        .replace("...", "…")
        .split('…')
        .map(normalise)
        .filter(|p| !p.is_empty())
        .collect()
}

fn found_in_order(hay: &str, quote: &str) -> bool {
    let mut from = 0;
    for p in pieces(quote) {
        match hay[from..].find(&p) {
            Some(i) => from += i + p.len(),
            None => return false,
        }
    }
    true
}

/// Every object of the profile with a `quote` key: (its JSON path, the object).
fn quoted<'a>(
    v: &'a Value,
    path: String,
    out: &mut Vec<(String, &'a serde_json::Map<String, Value>)>,
) {
    match v {
        Value::Object(m) => {
            if m.contains_key("quote") {
                out.push((path.clone(), m));
            }
            for (k, v) in m {
                quoted(v, format!("{path}.{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                let id = v.get("id").and_then(Value::as_str).map(str::to_string);
                quoted(
                    v,
                    format!("{path}[{}]", id.unwrap_or_else(|| i.to_string())),
                    out,
                );
            }
        }
        _ => {}
    }
}

fn profile_json(id: &str) -> Value {
    let path = root().join("profiles").join(format!("{id}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{id}: {e}"))
}

#[test]
fn every_quote_is_the_notices_own_words() {
    let mut missing = Vec::new();
    let mut count = 0;
    for (id, file) in NOTICES {
        let hay = normalise(&notice(file));
        let p = profile_json(id);
        let mut items = Vec::new();
        quoted(&p, id.to_string(), &mut items);
        for (path, m) in items {
            let q = m.get("quote").and_then(Value::as_str).unwrap_or("");
            if q.is_empty() {
                continue;
            }
            count += 1;
            if !found_in_order(&hay, q) {
                missing.push(format!("{path}: «{q}»"));
            }
        }
    }
    assert!(count > 150, "only {count} quotes found: is the walk right?");
    assert!(
        missing.is_empty(),
        "{} quote(s) not found in their notice:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn an_item_without_the_notices_words_is_marked_as_advice() {
    let mut unmarked = Vec::new();
    for (id, _) in NOTICES {
        let p = profile_json(id);
        let mut items = Vec::new();
        quoted(&p, id.to_string(), &mut items);
        for (path, m) in items {
            let q = m.get("quote").and_then(Value::as_str).unwrap_or("");
            let advice = m.get("advice").and_then(Value::as_bool).unwrap_or(false);
            if q.is_empty() && !advice {
                unmarked.push(path);
            }
        }
    }
    assert!(
        unmarked.is_empty(),
        "items with neither the notice's words nor \"advice\": true:\n{}",
        unmarked.join("\n")
    );
}

#[test]
fn the_quote_check_is_not_blind() {
    let hay = normalise("作品时长 5 分钟以内，以保证观众的专注度");
    assert!(found_in_order(&hay, "作品时长5分钟以内"));
    assert!(found_in_order(&hay, "作品时长…观众的专注度"));
    assert!(!found_in_order(&hay, "作品时长 3 分钟以内"));
    assert!(!found_in_order(&hay, "观众的专注度…作品时长"));
}

/// The pieces of a printed text: split at its blanks (「_____」, 「___」),
/// its line breaks and the wide spaces that stand for room to sign.
fn printed_pieces(text: &str) -> Vec<String> {
    text.split(['_', '\n', '\u{3000}', '…'])
        .map(normalise)
        .filter(|p| p.chars().count() >= 2)
        .collect()
}

/// The notice's text without its HTML tags (the forms are tables of `<p>`
/// paragraphs): what a reader sees.
fn without_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The words Preflight prints for the user to sign — each pledge's heading,
/// text and signing line, each document's title, text and signing line — are
/// the notice's own, piece by piece between the blanks (「_____」, the wide
/// spaces left to write in, line breaks).
#[test]
fn printed_pledges_and_documents_are_the_notices_words() {
    let mut missing = Vec::new();
    let mut count = 0;
    for (id, file) in NOTICES {
        let hay = normalise(&without_tags(&notice(file)));
        let p = profile_json(id);
        for (list, keys) in [
            ("pledges", ["heading", "text", "sign"]),
            ("documents", ["title", "text", "sign"]),
        ] {
            for (i, item) in p[list].as_array().into_iter().flatten().enumerate() {
                for key in keys {
                    let text = item[key].as_str().unwrap_or("");
                    for piece in printed_pieces(text) {
                        count += 1;
                        if !hay.contains(&piece) {
                            missing.push(format!("{id}.{list}[{i}].{key}: «{piece}»"));
                        }
                    }
                }
            }
        }
    }
    assert!(
        count > 40,
        "only {count} printed pieces: is the walk right?"
    );
    assert!(
        missing.is_empty(),
        "{} printed piece(s) not the notice's words:\n{}",
        missing.len(),
        missing.join("\n")
    );
}
