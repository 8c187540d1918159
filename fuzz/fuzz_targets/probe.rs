//! Arbitrary bytes through the whole probe: it must answer, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = preflight::probe::probe_bytes(data) {
        assert!(!e.message_zh.is_empty() && !e.message_en.is_empty());
    }
});
