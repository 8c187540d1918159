//! The browser app's entry (built by Trunk for wasm32).

#[cfg(target_arch = "wasm32")]
fn main() {
    preflight::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("This is the browser app: build and serve it with `./dev serve`.");
    std::process::exit(2);
}
