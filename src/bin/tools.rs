//! The tools worker's entry (Trunk, wasm32, wasm-bindgen `no-modules`, the
//! `tools` feature): the remux and the PDF writer in a wasm of their own,
//! which the page loads only when a fix or a combined PDF is asked for
//! (`www/tools_loader.js` starts it in a classic worker).

#[cfg(target_arch = "wasm32")]
fn main() {
    preflight::tools_worker::run();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("This is the browser app's tools worker: build and serve it with `./dev serve`.");
    std::process::exit(2);
}
