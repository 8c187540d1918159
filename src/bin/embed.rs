//! The embed's build (`--features api`): the same app as `app.rs`, plus the
//! headless JS API (`Preflight.probe/check/bundle/fix`). Trunk builds it as
//! `embed.js`/`embed_bg.wasm`; the post-build hook puts them in `dist/embed/`
//! as `app.js`/`app_bg.wasm`, beside `preflight-embed.js`.

#[cfg(all(target_arch = "wasm32", not(feature = "tools")))]
fn main() {
    preflight::web::main();
}

#[cfg(not(all(target_arch = "wasm32", not(feature = "tools"))))]
fn main() {
    eprintln!("This is the browser app: build and serve it with `./dev serve`.");
    std::process::exit(2);
}
