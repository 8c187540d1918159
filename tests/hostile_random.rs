//! Hostile input, random: random bytes, random bytes behind plausible
//! headers or over a valid file, and what `cargo fuzz` found
//! (`fuzz/regressions/`), all answered without a panic, quickly.

mod common;

use std::path::PathBuf;

use common::hostile::*;
use common::synth::*;

#[test]
fn random_bytes() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for i in 0..200 {
        let len = (rng.next() % 4096) as usize;
        let mut data = rng.bytes(len);
        let what = match i % 4 {
            0 => "random",
            1 => {
                data.splice(0..0, ftyp());
                "ftyp then random"
            }
            2 => {
                // A plausible box header then garbage.
                let kinds: [&[u8; 4]; 6] = [b"moov", b"mdat", b"moof", b"free", b"trak", b"ftyp"];
                let k = kinds[(rng.next() % 6) as usize];
                let size = (rng.next() % 8192) as u32;
                let mut h = be32(size).to_vec();
                h.extend_from_slice(k);
                data.splice(0..0, h);
                data.splice(0..0, ftyp());
                "ftyp, box header, random"
            }
            _ => {
                // A valid file with random bytes over part of it.
                let mut f = tiny_mp4();
                let at = (rng.next() as usize) % f.len();
                let n = (len / 8).min(f.len() - at);
                f[at..at + n].copy_from_slice(&data[..n]);
                data = f;
                "tiny mp4 overwritten"
            }
        };
        let _ = run(
            &format!("random #{i} ({what}, {} bytes)", data.len()),
            &data,
        );
    }
}

/// What `cargo fuzz` found, kept in `fuzz/regressions/`.
#[test]
fn fuzz_regressions() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("fuzz/regressions") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "md") {
            continue;
        }
        let data = std::fs::read(&p).expect("read regression");
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let t = std::time::Instant::now();
        let _ = run(&name, &data);
        assert!(
            t.elapsed().as_secs_f64() < 1.0,
            "{name}: took {:?}",
            t.elapsed()
        );
        n += 1;
    }
    assert!(n >= 1);
}
