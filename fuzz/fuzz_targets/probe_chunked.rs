//! The sans-IO `Probe` driven by hand, as the browser drives it: a declared
//! size that may exceed the bytes (a file that shrank), and answers cut short
//! at a fuzzer-chosen length (which the probe must take as end of file).
//! Checks the contract of `poll`: no range past the declared size, no read
//! larger than `MAX_MOOV` + 16, and an answer within `MAX_READS` + 2 polls.
#![no_main]

use libfuzzer_sys::fuzz_target;
use preflight::probe::{MAX_MOOV, MAX_READS, Poll, Probe};

fuzz_target!(|input: &[u8]| {
    // Byte 0: how answers are cut; byte 1: extra declared size in KiB.
    let (Some(&cut), Some(&extra)) = (input.first(), input.get(1)) else {
        return;
    };
    let data = &input[2..];
    let size = data.len() as u64 + u64::from(extra) * 1024 * u64::from(extra % 4 == 0);
    let mut probe = Probe::new(size);
    let mut polls = 0u32;
    loop {
        polls += 1;
        assert!(polls <= MAX_READS + 2, "probe did not finish");
        match probe.poll() {
            Poll::Done(r) => {
                if let Err(e) = r {
                    assert!(!e.message_zh.is_empty() && !e.message_en.is_empty());
                }
                return;
            }
            Poll::Need(n) => {
                assert!(
                    n.offset.saturating_add(n.len) <= size,
                    "range past the size"
                );
                assert!(n.len <= MAX_MOOV + 16, "read too large");
                let start = usize::try_from(n.offset)
                    .unwrap_or(usize::MAX)
                    .min(data.len());
                let end = start
                    .saturating_add(usize::try_from(n.len).unwrap_or(usize::MAX))
                    .min(data.len());
                let mut chunk = &data[start..end];
                // Cut some answers short: 0 = never, else every cut-th poll.
                if cut != 0 && polls % u32::from(cut) == 0 {
                    chunk = &chunk[..chunk.len() / 2];
                }
                probe.feed(chunk);
            }
        }
    }
});
