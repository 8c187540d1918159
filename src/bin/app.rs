//! The browser build's one entry (Trunk, wasm32, wasm-bindgen `no-modules`).
//! The same module runs in the page and in the Web Worker (loaded there by
//! `www/worker_loader.js` with `importScripts`), so the browser downloads and
//! compiles the code once; `main` looks at where it runs.

#[cfg(target_arch = "wasm32")]
fn main() {
    if preflight::web::in_worker() {
        preflight::web::worker::run();
    } else {
        preflight::web::start();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("This is the browser app: build and serve it with `./dev serve`.");
    std::process::exit(2);
}
