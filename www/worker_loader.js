// The classic worker: the same no-modules build as the page. Its main() sees no
// `document` and starts the worker side (src/web/worker.rs).
importScripts('./app.js');
wasm_bindgen({ module_or_path: './app_bg.wasm' });
