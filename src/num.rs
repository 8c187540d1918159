//! Plain decimals: what a person types for a duration ("3.5", "200") and what
//! ISO 6709 writes for a place ("+39.9042+116.4074/"). A few lines instead of
//! the standard library's general float parser, whose table of powers of five
//! alone is 10 KiB of the wasm (see BENCHMARKS.md, payload).

/// `[+-]digits[.digits]` (digits on at least one side of the point) as f64.
/// The same value as `str::parse::<f64>` (correctly rounded) up to 15
/// significant digits and 22 decimals; beyond that, within a few units in the
/// last place. No exponents, `inf` or `NaN`.
pub fn decimal(s: &str) -> Option<f64> {
    let (neg, body) = match s.as_bytes().split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, s.as_bytes()),
    };
    // Up to 19 significant digits; the power of ten they take.
    const FITS: u64 = (u64::MAX - 9) / 10;
    let (mut m, mut exp, mut any, mut dot) = (0u64, 0i32, false, false);
    for &c in body {
        match c {
            b'0'..=b'9' => {
                any = true;
                if m <= FITS {
                    m = m * 10 + u64::from(c - b'0');
                    if dot {
                        exp = exp.checked_sub(1)?;
                    }
                } else if !dot {
                    exp = exp.checked_add(1)?;
                }
            }
            b'.' if !dot => dot = true,
            _ => return None,
        }
    }
    if !any {
        return None;
    }
    // m (below 2^53) and 10^|exp| (|exp| <= 22) are exact in f64: one
    // rounding, as parse. Longer or smaller: a rounding or two more.
    let v = if exp >= 0 {
        m as f64 * 10f64.powi(exp)
    } else if exp >= -22 {
        m as f64 / 10f64.powi(-exp)
    } else {
        m as f64 / 1e22 / 10f64.powi(-exp - 22)
    };
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::decimal;

    #[test]
    fn plain_decimals_parse_as_the_standard_parser_does() {
        let mut s = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        for _ in 0..200_000 {
            let digits = (next() % 15 + 1) as usize;
            let text: String = (0..digits)
                .map(|_| char::from(b'0' + (next() % 10) as u8))
                .collect();
            let point = (next() % (digits as u64 + 1)) as usize;
            let sign = ["", "+", "-"][(next() % 3) as usize];
            let t = format!("{sign}{}.{}", &text[..point], &text[point..]);
            assert_eq!(decimal(&t), t.parse::<f64>().ok(), "{t}");
            let t = format!("{sign}{text}");
            assert_eq!(decimal(&t), t.parse::<f64>().ok(), "{t}");
        }
        for t in [
            "0",
            "200",
            "3.5",
            ".5",
            "5.",
            "+039.9042",
            "-122.0090",
            "071.000",
            "0.1",
        ] {
            assert_eq!(decimal(t), t.parse::<f64>().ok(), "{t}");
        }
        // Long inputs: close, not exact.
        let v = decimal("1.7976931348623157").unwrap();
        assert!((v - 1.7976931348623157f64).abs() <= 2.0 * f64::EPSILON);
        let long = "3.14159265358979323846264338327950288";
        assert!((decimal(long).unwrap() - std::f64::consts::PI).abs() < 1e-15);
        assert_eq!(
            decimal("123456789012345678901234567890"),
            Some(1.2345678901234568e29)
        );
        for bad in [
            "", "+", "-", ".", "1.2.3", "1e5", "inf", "NaN", "1 2", "１2", "--1",
        ] {
            assert_eq!(decimal(bad), None, "{bad:?}");
        }
    }
}
