//! Case folding without Unicode's case tables. `str::to_lowercase` and
//! `to_uppercase` bring core's conversion tables into the wasm (about 24 KB of
//! data and 8 KB of code, 8 KB of the page's brotli payload). The names and
//! titles compared case-blind here — a bundle's file names (which collide on
//! Windows and macOS in two cases) and a title against a file name — need
//! the scripts their users write in, not every script: [`fold`] lowercases
//! ASCII, Latin-1, Latin Extended-A, Latin Extended Additional (Vietnamese),
//! Greek, Cyrillic and fullwidth Latin, exactly as `char::to_lowercase` does,
//! and leaves every other character as it is.

/// `c` in lower case where it is a capital of the scripts above, else `c`.
pub fn fold(c: char) -> char {
    let u = c as u32;
    let pair = |lo: u32, hi: u32, upper_even: bool| {
        (lo..=hi).contains(&u) && u.is_multiple_of(2) == upper_even
    };
    let l = match u {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE => u + 0x20,
        0x178 => 0xFF,
        _ if pair(0x100, 0x12F, true)
            || pair(0x132, 0x137, true)
            || pair(0x139, 0x148, false)
            || pair(0x14A, 0x177, true)
            || pair(0x179, 0x17E, false) =>
        {
            u + 1
        }
        0x386 => 0x3AC,
        0x388..=0x38A => u + 0x25,
        0x38C => 0x3CC,
        0x38E | 0x38F => u + 0x3F,
        0x391..=0x3A1 | 0x3A3..=0x3AB => u + 0x20,
        0x400..=0x40F => u + 0x50,
        0x410..=0x42F => u + 0x20,
        _ if pair(0x460, 0x481, true) || pair(0x48A, 0x4BF, true) => u + 1,
        _ if pair(0x1E00, 0x1E95, true) || pair(0x1EA0, 0x1EFF, true) => u + 1,
        0xFF21..=0xFF3A => u + 0x20,
        _ => u,
    };
    char::from_u32(l).unwrap_or(c)
}

/// `s` with every character [`fold`]ed.
pub fn fold_str(s: &str) -> String {
    s.chars().map(fold).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where `fold` changes a character, it gives what `to_lowercase` gives.
    #[test]
    fn fold_agrees_with_to_lowercase_wherever_it_folds() {
        let mut folded = 0;
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let f = fold(c);
            if f != c {
                let want: Vec<char> = c.to_lowercase().collect();
                assert_eq!(vec![f], want, "U+{:04X}", c as u32);
                folded += 1;
            }
        }
        assert!(folded >= 390, "{folded} characters folded");
    }

    /// In the scripts it covers, `fold` folds every capital `to_lowercase`
    /// maps to one other character.
    #[test]
    fn fold_covers_its_scripts() {
        let ranges = [
            0x0..=0x24F,
            0x370..=0x3FF,
            0x400..=0x4BF,
            0x1E00..=0x1EFF,
            0xFF00..=0xFFEF,
        ];
        for r in ranges {
            for c in r.filter_map(char::from_u32) {
                let want: Vec<char> = c.to_lowercase().collect();
                let covered = !(0x180..=0x24F).contains(&(c as u32))
                    && !(0x370..=0x385).contains(&(c as u32))
                    && !(0x3CF..=0x3FF).contains(&(c as u32))
                    && !(0x1E96..=0x1E9F).contains(&(c as u32));
                if covered && want.len() == 1 && c != 'İ' {
                    assert_eq!(fold(c), want[0], "U+{:04X}", c as u32);
                }
            }
        }
        assert_eq!(
            fold_str("Été ÀÉ Ǆ Ωμέγα ПРИВЕТ Ёж ẠẤ ＡＢＣ 中文"),
            "été àé Ǆ ωμέγα привет ёж ạấ ａｂｃ 中文"
        );
    }
}
