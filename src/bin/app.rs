//! The browser build's one entry (Trunk, wasm32, wasm-bindgen `no-modules`).
//! The same module runs in the page and in the Web Worker (loaded there by
//! `www/worker_loader.js` with `importScripts`), so the browser downloads and
//! compiles the code once; `main` looks at where it runs.

#[cfg(all(target_arch = "wasm32", not(feature = "tools")))]
fn main() {
    preflight::web::main();
}

// The tools worker's build (`--features tools`) has no app to start.
#[cfg(not(all(target_arch = "wasm32", not(feature = "tools"))))]
fn main() {
    eprintln!("This is the browser app: build and serve it with `./dev serve`.");
    std::process::exit(2);
}
