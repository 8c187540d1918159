//! GPS location in a `moov`: QuickTime `udta/©xyz` (ISO 6709 text), 3GPP
//! `udta/loci`, and Apple's `meta` with `keys` + `ilst`
//! (`com.apple.quicktime.location.ISO6709`). Every size is checked.

use super::Location;
use super::boxes::{Child, be32, children};

/// GPS from a `udta` body: `©xyz` (ISO 6709 text) or 3GPP `loci`.
pub fn udta_location(udta: &[u8]) -> Option<Location> {
    for Child { kind, body, .. } in children(udta) {
        if kind == [0xA9, b'x', b'y', b'z'] {
            // u16 length, u16 language, text
            let len = usize::from(u16::from_be_bytes([*body.first()?, *body.get(1)?]));
            let text = body.get(4..4usize.checked_add(len)?.min(body.len()))?;
            if let Some(l) = parse_iso6709(&String::from_utf8_lossy(text), "udta/©xyz") {
                return Some(l);
            }
        }
        if &kind == b"loci"
            && let Some(l) = parse_loci(body)
        {
            return Some(l);
        }
        if &kind == b"meta"
            && let Some(l) = meta_location(body)
        {
            return Some(l);
        }
    }
    None
}

fn parse_loci(body: &[u8]) -> Option<Location> {
    // version/flags (4), pad+language (2), name (NUL-terminated), role (1),
    // longitude, latitude, altitude as signed 16.16.
    let rest = body.get(6..)?;
    let name_end = if rest.starts_with(&[0xFE, 0xFF]) || rest.starts_with(&[0xFF, 0xFE]) {
        let mut i = 2;
        loop {
            let pair = rest.get(i..i + 2)?;
            if pair == [0, 0] {
                break i + 2;
            }
            i += 2;
        }
    } else {
        rest.iter().position(|&c| c == 0)? + 1
    };
    let p = name_end.checked_add(1)?; // role
    let fixed = |i: usize| -> Option<f64> {
        let v = be32(rest, i)? as i32;
        Some(f64::from(v) / 65536.0)
    };
    let longitude = fixed(p)?;
    let latitude = fixed(p + 4)?;
    let altitude = fixed(p + 8);
    if !(-90.0..=90.0).contains(&latitude) || !(-180.0..=180.0).contains(&longitude) {
        return None;
    }
    Some(Location {
        latitude,
        longitude,
        altitude,
        source: "udta/loci".into(),
    })
}

/// Apple's `meta` with `keys` + `ilst`: com.apple.quicktime.location.ISO6709.
pub fn meta_location(meta: &[u8]) -> Option<Location> {
    // QuickTime `meta` is a plain box; ISO `meta` is a full box (4 more bytes).
    let body = if meta.get(4..8) == Some(b"hdlr") {
        meta
    } else {
        meta.get(4..)?
    };
    let mut key_index = None;
    let mut ilst = None;
    for Child { kind, body: b, .. } in children(body) {
        if &kind == b"keys" {
            let count = be32(b, 4)?;
            let mut pos = 8usize;
            for i in 1..=count.min(4096) {
                let size = usize::try_from(be32(b, pos)?).ok()?;
                if size < 8 {
                    break;
                }
                let name = b.get(pos + 8..pos.checked_add(size)?)?;
                if name == b"com.apple.quicktime.location.ISO6709" {
                    key_index = Some(i);
                }
                pos = pos.checked_add(size)?;
            }
        }
        if &kind == b"ilst" {
            ilst = Some(b);
        }
    }
    let (idx, ilst) = (key_index?, ilst?);
    for item in children(ilst) {
        if u32::from_be_bytes(item.kind) == idx
            && let Some(data) = children(item.body).find(|c| &c.kind == b"data")
        {
            let text = String::from_utf8_lossy(data.body.get(8..)?);
            return parse_iso6709(&text, "meta/keys");
        }
    }
    None
}

/// "+37.3318-122.0312+020.000/" → latitude, longitude, altitude.
pub fn parse_iso6709(s: &str, source: &str) -> Option<Location> {
    let s = s.trim().trim_end_matches('/');
    let mut parts = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        if (c == '+' || c == '-') && !cur.is_empty() {
            parts.push(std::mem::take(&mut cur));
        }
        if !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-') {
            break;
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    let latitude = crate::num::decimal(parts.first()?)?;
    let longitude = crate::num::decimal(parts.get(1)?)?;
    let altitude = parts.get(2).and_then(|a| crate::num::decimal(a));
    if !(-90.0..=90.0).contains(&latitude) || !(-180.0..=180.0).contains(&longitude) {
        return None;
    }
    Some(Location {
        latitude,
        longitude,
        altitude,
        source: source.into(),
    })
}
