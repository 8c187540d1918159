// The tools worker (src/bin/tools.rs: the remux and the PDF writer), a
// classic worker the page starts only when a fix or a combined PDF is asked
// for (src/web/tools.rs). It loads its own no-modules build, of the page's
// build: ?v=BUILD is passed on. A wasm that fails to load is said to the
// page, which ends the worker and tells the user.
var v = /[?&]v=([0-9a-f]+)/.exec(location.search);
v = v ? '?v=' + v[1] : '';
importScripts('./tools.js' + v);
wasm_bindgen({ module_or_path: './tools_bg.wasm' + v }).catch(function (e) {
  self.postMessage({ failed: String(e) });
});
