//! `verify` on any bytes as a received bundle: a clear error or a report,
//! never a panic, and nothing written (verify reads in place).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = preflight::verify::verify(std::io::Cursor::new(data), data.len() as u64);
});
