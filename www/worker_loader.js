// The classic worker: the same no-modules build as the page (its main() starts
// src/web/worker.rs). It loads the page's build: ?v=BUILD is passed on.
var v = /[?&]v=([0-9a-f]+)/.exec(location.search);
v = v ? '?v=' + v[1] : '';
importScripts('./app.js' + v);
wasm_bindgen({ module_or_path: './app_bg.wasm' + v });
