// The classic worker: the same no-modules build as the page (its main() starts
// src/web/worker.rs). It loads the page's build: ?v=BUILD is passed on.
// The page posts its compiled WebAssembly.Module first (src/web/client.rs), so
// the wasm is fetched and compiled once per page; where the engine could not
// clone the module (null, or a message that cannot be read), the worker
// fetches the wasm itself.
var v = /[?&]v=([0-9a-f]+)/.exec(location.search);
v = v ? '?v=' + v[1] : '';
importScripts('./app.js' + v);
function preflightStart(module) {
  self.onmessage = null;
  self.onmessageerror = null;
  var own = typeof WebAssembly === 'object' && module instanceof WebAssembly.Module;
  wasm_bindgen({ module_or_path: own ? module : './app_bg.wasm' + v });
}
self.onmessage = function (e) { preflightStart(e.data && e.data.preflightModule); };
self.onmessageerror = function () { preflightStart(null); };
