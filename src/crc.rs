//! CRC-32 (the zip one): the bundle's entries and the browser's pass over the
//! video. Native builds use crc32fast (its SIMD paths where the CPU has them).
//! The wasm build has no SIMD path, and crc32fast's portable one carries its
//! 16 KiB slice-by-16 table as data: 16 KiB of random-looking bytes that no
//! compressor shrinks, a twentieth of the page's payload. [`Portable`] is
//! the same slice-by-16 algorithm with the table computed on first use (a few
//! microseconds) instead of shipped; tests hold it to crc32fast.

use std::sync::OnceLock;

#[cfg(not(target_arch = "wasm32"))]
pub use crc32fast::{Hasher, hash};

#[cfg(target_arch = "wasm32")]
pub use Portable as Hasher;

/// CRC-32 of `buf` (wasm build: through [`Portable`]).
#[cfg(target_arch = "wasm32")]
pub fn hash(buf: &[u8]) -> u32 {
    update(0, buf)
}

/// The slice-by-16 table: `T[0]` is the byte-wise table of the reflected
/// polynomial 0xEDB88320, `T[k][i]` is `i` followed by `k` zero bytes.
fn table() -> &'static [[u32; 256]; 16] {
    static T: OnceLock<Box<[[u32; 256]; 16]>> = OnceLock::new();
    T.get_or_init(|| {
        let mut t = Box::new([[0u32; 256]; 16]);
        for i in 0..256u32 {
            let mut c = i;
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            t[0][i as usize] = c;
        }
        for k in 1..16 {
            for i in 0..256 {
                let prev = t[k - 1][i];
                t[k][i] = (prev >> 8) ^ t[0][(prev & 0xFF) as usize];
            }
        }
        t
    })
}

/// Go on with CRC `crc` (as finalized so far; 0 to start) over `buf`.
pub fn update(crc: u32, buf: &[u8]) -> u32 {
    let t = table();
    let mut c = !crc;
    let mut blocks = buf.chunks_exact(16);
    for b in &mut blocks {
        let w = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) ^ c;
        c = t[0][b[15] as usize]
            ^ t[1][b[14] as usize]
            ^ t[2][b[13] as usize]
            ^ t[3][b[12] as usize]
            ^ t[4][b[11] as usize]
            ^ t[5][b[10] as usize]
            ^ t[6][b[9] as usize]
            ^ t[7][b[8] as usize]
            ^ t[8][b[7] as usize]
            ^ t[9][b[6] as usize]
            ^ t[10][b[5] as usize]
            ^ t[11][b[4] as usize]
            ^ t[12][(w >> 24) as usize]
            ^ t[13][((w >> 16) & 0xFF) as usize]
            ^ t[14][((w >> 8) & 0xFF) as usize]
            ^ t[15][(w & 0xFF) as usize];
    }
    for &byte in blocks.remainder() {
        c = t[0][((c as u8) ^ byte) as usize] ^ (c >> 8);
    }
    !c
}

/// A running CRC-32 with crc32fast's `Hasher` interface (the wasm build's
/// `Hasher`). `combine` is crc32fast's, which needs no table.
#[derive(Debug, Clone, Default)]
pub struct Portable {
    crc: u32,
    len: u64,
}

impl Portable {
    pub fn new() -> Portable {
        Portable::default()
    }

    /// The state after `len` bytes whose CRC is `crc`.
    pub fn new_with_initial_len(crc: u32, len: u64) -> Portable {
        Portable { crc, len }
    }

    pub fn update(&mut self, buf: &[u8]) {
        self.crc = update(self.crc, buf);
        self.len = self.len.wrapping_add(buf.len() as u64);
    }

    pub fn finalize(self) -> u32 {
        self.crc
    }

    /// Append `other`'s bytes (CRC-32 combine).
    pub fn combine(&mut self, other: &Portable) {
        let mut a = crc32fast::Hasher::new_with_initial_len(self.crc, self.len);
        a.combine(&crc32fast::Hasher::new_with_initial_len(
            other.crc, other.len,
        ));
        self.crc = a.finalize();
        self.len = self.len.wrapping_add(other.len);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes that are not a pattern (xorshift).
    fn noise(n: usize, mut s: u64) -> Vec<u8> {
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                s as u8
            })
            .collect()
    }

    #[test]
    fn portable_matches_crc32fast_at_every_length_and_split() {
        assert_eq!(update(0, b"123456789"), 0xCBF4_3926);
        let data = noise(4096 + 37, 0x9E37_79B9_7F4A_7C15);
        for n in (0..200).chain([1000, 4095, 4096, 4133]) {
            let n = n.min(data.len());
            assert_eq!(
                update(0, &data[..n]),
                crc32fast::hash(&data[..n]),
                "len {n}"
            );
        }
        // Any split, any number of updates, and combine of the parts.
        for split in [0, 1, 15, 16, 17, 63, 64, 65, 2000, 4133] {
            let (a, b) = data.split_at(split);
            let mut h = Portable::new();
            h.update(a);
            h.update(b);
            assert_eq!(
                h.clone().finalize(),
                crc32fast::hash(&data),
                "split {split}"
            );
            let mut x = Portable::new();
            x.update(a);
            let mut y = Portable::new();
            y.update(b);
            x.combine(&y);
            assert_eq!(x.finalize(), crc32fast::hash(&data), "combine at {split}");
        }
    }
}
