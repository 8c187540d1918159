// The classic worker: the same no-modules build as the page. Its main() sees no
// `document` and starts the worker side (src/web/worker.rs). `?v=BUILD` (the
// page's build) is passed on, so that the service worker serves this worker the
// page's build, or the network does (never a mix of two cached builds).
var v = /[?&]v=([0-9a-f]+)/.exec(location.search);
v = v ? '?v=' + v[1] : '';
importScripts('./app.js' + v);
wasm_bindgen({ module_or_path: './app_bg.wasm' + v });
