//! Arbitrary bytes as a whole file through the remux: the layout walk and the
//! plan must answer, never panic; a plan's pieces add up to its size and
//! every copied range lies inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use preflight::fix::{self, Options, Piece};

fuzz_target!(|data: &[u8]| {
    let size = data.len() as u64;
    let src = fix::read_layout(size, |at, len| {
        let s = usize::try_from(at).map_err(|_| preflight::Error::io("offset"))?;
        let e = s
            .checked_add(usize::try_from(len).map_err(|_| preflight::Error::io("len"))?)
            .ok_or_else(|| preflight::Error::io("len"))?;
        data.get(s..e)
            .map(<[u8]>::to_vec)
            .ok_or_else(|| preflight::Error::io("past the end"))
    });
    let Ok(src) = src else { return };
    for opts in [
        Options::default(),
        Options {
            strip_device: true,
            faststart: false,
            ..Options::default()
        },
    ] {
        match fix::plan(&src, &opts) {
            Ok(Some(p)) => {
                let mut total = 0u64;
                for piece in &p.pieces {
                    total += match piece {
                        Piece::Bytes(b) => b.len() as u64,
                        Piece::Copy { offset, len } => {
                            assert!(offset + len <= size);
                            *len
                        }
                    };
                }
                assert_eq!(total, p.size);
            }
            Ok(None) => {}
            Err(e) => assert!(!e.message_zh.is_empty() && !e.message_en.is_empty()),
        }
    }
});
