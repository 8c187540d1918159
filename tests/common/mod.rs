//! Shared helpers for the tests: make fixtures with ffmpeg (once), ask
//! ffprobe (the oracle), patch a `tkhd` matrix, walk top-level boxes, compare
//! every fact the probe reports with what ffprobe says, and build synthetic
//! and hostile ISO-BMFF files by hand.
#![allow(dead_code, unused_imports)]

pub mod asf;
pub mod boxes;
pub mod fixtures;
pub mod hostile;
pub mod oracle;
pub mod synth;

pub use asf::*;
pub use boxes::*;
pub use fixtures::*;
pub use oracle::*;

// Bundle tests (tests/bundle_*.rs): their inputs, the CLI and zip readers, and
// a zip's records read by hand.
pub mod bundle;
pub mod zipread;
