//! The `preflight` command line. Thin: argument parsing and output only; the
//! work is in the library. Native only (the browser has its own edge).

#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use std::io::Write;
    // Arguments as the OS gives them: a path need not be UTF-8.
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    // Every text output passes the one escaping edge (see cli::text).
    let mut out = cli::text::Safe::new(std::io::stdout().lock());
    let mut err = cli::text::Safe::new(std::io::stderr());
    let code = cli::run(&args, &mut out, &mut err);
    let _ = out.flush();
    let _ = err.flush();
    std::process::exit(code);
}

#[cfg(target_arch = "wasm32")]
fn main() {}
