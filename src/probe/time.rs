//! Seconds since 1904 (QuickTime) or 1601 (ASF) → ISO 8601 UTC, no clock needed.

/// Days since 1970-01-01 → (year, month, day). Howard Hinnant's civil_from_days.
pub fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Unix seconds → "YYYY-MM-DDTHH:MM:SSZ".
pub fn iso_from_unix(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// QuickTime time (seconds since 1904-01-01). Zero and absurd values → None.
pub fn from_1904(secs: u64) -> Option<String> {
    const OFFSET: i64 = 2_082_844_800;
    if secs == 0 {
        return None;
    }
    let unix = i64::try_from(secs).ok()?.checked_sub(OFFSET)?;
    // Before 1990 or after 2100 is a wrong clock, not a date.
    if !(631_152_000..=4_102_444_800).contains(&unix) {
        return None;
    }
    Some(iso_from_unix(unix))
}

/// "YYYY-MM-DD…" → days since 1970, for comparing dates.
pub fn days_from_ymd(s: &str) -> Option<i64> {
    let y: i64 = s.get(0..4)?.parse().ok()?;
    let m: i64 = s.get(5..7)?.parse().ok()?;
    let d: i64 = s.get(8..10)?.parse().ok()?;
    if s.get(4..5)? != "-"
        || s.get(7..8)? != "-"
        || !(1..=12).contains(&m)
        || !(1..=31).contains(&d)
    {
        return None;
    }
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    // Reject 2023-02-30 and the like by a round trip.
    let (ry, rm, rd) = civil(days);
    (ry == y && i64::from(rm) == m && i64::from(rd) == d).then_some(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(iso_from_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_from_unix(1_709_626_150), "2024-03-05T08:09:10Z");
        assert_eq!(days_from_ymd("1970-01-02"), Some(1));
        assert_eq!(days_from_ymd("2024-02-29"), Some(19_782));
        assert_eq!(days_from_ymd("2023-02-29"), None);
        assert_eq!(from_1904(0), None);
    }
}
