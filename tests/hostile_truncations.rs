//! Hostile input, cut short: every fixture and corpus file cut at 16 points
//! (and the same bytes behind the full declared size) is noticed — an error
//! or a result that says the file is cut short — and a cut file fails every
//! profile's `complete` rule.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind};

use common::hostile::*;
use common::synth::*;

#[test]
fn truncated_everywhere() {
    let mut n = 0;
    let mut files = vec![
        ("tiny mp4".to_string(), tiny_mp4()),
        ("fragmented mp4".to_string(), fragmented_mp4(30)),
    ];
    files.extend(format_fixtures());
    // Whole, each file made here is understood, with no word of a cut (the
    // corpus has files broken on purpose).
    for (name, data) in &files {
        let whole = run(name, data).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            !whole.notes.iter().any(|n| n.contains("cut short")),
            "{name}: whole, yet {:?}",
            whole.notes
        );
    }
    files.extend(corpus_files());
    for (name, data) in &files {
        for cut in cuts(data.len()) {
            let case = format!("{name} cut at {cut} of {}", data.len());
            assert_cut_noticed(&case, &run(&case, &data[..cut]));
            // The same bytes behind the full declared size: a file that
            // shrank while read, every read past the cut coming back short.
            let shrunk = format!("{case}, {} declared", data.len());
            let r = catch_unwind(AssertUnwindSafe(|| {
                drive(&shrunk, data.len() as u64, |off, buf| {
                    let start = (off as usize).min(cut);
                    let n = buf.len().min(cut - start);
                    buf[..n].copy_from_slice(&data[start..start + n]);
                    n
                })
            }));
            assert!(r.is_ok(), "case {shrunk} panicked");
            n += 2;
        }
    }
    eprintln!("{n} truncated probes");
    assert!(n >= 2 * 92 * 16, "{n} truncations");
}

/// A file cut short fails the check for every contest: an MP4 whose media
/// data stops early (the index first, so the probe still reads it) would
/// otherwise pass on its header's word.
#[test]
fn a_cut_short_file_fails_every_profile() {
    let fixtures = format_fixtures();
    let (_, whole) = fixtures
        .iter()
        .find(|(n, _)| n == "cut_faststart.mp4")
        .expect("fixture");
    let cut = &whole[..whole.len() * 2 / 3];
    let info = run("faststart mp4 cut to 2/3", cut).expect("the index is whole: it probes");
    assert!(info.is_cut_short(), "{:?}", info.notes);
    let whole_info = run("faststart mp4", whole).expect("probes");
    assert!(!whole_info.is_cut_short(), "{:?}", whole_info.notes);
    for p in preflight::profile::builtins() {
        let r = preflight::check::check(
            &p,
            &preflight::check::Input {
                media: Some(&info),
                ..Default::default()
            },
        );
        let c = r
            .rules
            .iter()
            .find(|r| r.id == "complete")
            .expect("complete rule");
        assert_eq!(c.status, preflight::check::Status::Fail, "{}", p.id);
        assert_eq!(r.verdict, preflight::check::Verdict::Fail, "{}", p.id);
        let r = preflight::check::check(
            &p,
            &preflight::check::Input {
                media: Some(&whole_info),
                ..Default::default()
            },
        );
        assert!(r.rules.iter().all(|r| r.id != "complete"), "{}", p.id);
    }
}
