//! The Web Worker's entry (built by Trunk for wasm32 as a classic worker).

#[cfg(target_arch = "wasm32")]
fn main() {
    preflight::web::worker::run();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("This is the browser worker: it is built by `./dev serve`.");
    std::process::exit(2);
}
