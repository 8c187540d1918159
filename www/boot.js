// Preflight's loader: a classic script (no inline code, so the CSP forbids
// inline scripts). It feature-tests WebAssembly first and explains, in Chinese
// and English, when this browser is too old — rather than leaving a blank page.
(function () {
  var status = document.getElementById('boot-status');
  // This build's id (boot.js?v=ID) goes on to its files (see sw.js).
  var m = document.currentScript && /[?&]v=([0-9a-f]+)/.exec(document.currentScript.src);
  var v = m ? '?v=' + m[1] : '';
  function fail(zh, en) {
    var el = document.getElementById('app');
    el.innerHTML = '';
    var box = document.createElement('div');
    box.className = 'card error';
    box.id = 'unsupported';
    var p1 = document.createElement('p');
    p1.textContent = zh;
    var p2 = document.createElement('p');
    p2.textContent = en;
    box.appendChild(p1);
    box.appendChild(p2);
    el.appendChild(box);
  }
  // Tiny modules that use what Rust 1.95's wasm32 output needs:
  // bulk memory (memory.copy), non-trapping float-to-int (i32.trunc_sat_f32_s),
  // reference types (a table of externref), sign extension (i32.extend8_s).
  var probes = {
    'bulk memory': [0,97,115,109,1,0,0,0,1,4,1,96,0,0,3,2,1,0,5,3,1,0,1,10,14,1,12,0,65,0,65,0,65,0,252,10,0,0,11],
    'non-trapping float-to-int': [0,97,115,109,1,0,0,0,1,5,1,96,0,1,127,3,2,1,0,10,11,1,9,0,67,0,0,0,0,252,0,11],
    'reference types': [0,97,115,109,1,0,0,0,1,4,1,96,0,0,3,2,1,0,4,4,1,111,0,1,10,9,1,7,0,65,0,37,0,26,11],
    'sign extension': [0,97,115,109,1,0,0,0,1,5,1,96,0,1,127,3,2,1,0,10,7,1,5,0,65,0,192,11]
  };
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') {
    fail('你的浏览器不支持 WebAssembly，无法在本机检查视频。请用最新版 Chrome、Edge、Safari 或 Firefox 打开；在微信中请点击右上角 ··· → 在浏览器打开。',
         'This browser lacks WebAssembly, so videos cannot be checked on this device. Open the page in a current Chrome, Edge, Safari or Firefox; in WeChat tap ··· → Open in Browser.');
    return;
  }
  var missing = [];
  for (var k in probes) {
    try { if (!WebAssembly.validate(new Uint8Array(probes[k]))) missing.push(k); } catch (e) { missing.push(k); }
  }
  if (missing.length) {
    fail('你的浏览器版本过旧（缺少 WebAssembly 功能：' + missing.join('、') + '），需要 Chrome 96 / Safari 15 或更新版本。请更新浏览器或系统，或换用其他浏览器；在微信中请点击右上角 ··· → 在浏览器打开。',
         'This browser is too old (missing WebAssembly features: ' + missing.join(', ') + '); Chrome 96 / Safari 15 or later is needed. Update it or use another browser; in WeChat tap ··· → Open in Browser.');
    return;
  }
  function loadFailed(e) {
    fail('加载失败：' + e + '。请刷新页面重试。', 'Loading failed: ' + e + '. Reload the page to try again.');
  }
  var s = document.createElement('script');
  s.src = 'app.js' + v;
  s.onload = function () {
    // app.js (wasm-bindgen no-modules) declares the global `wasm_bindgen`; initialising runs main().
    wasm_bindgen({ module_or_path: 'app_bg.wasm' + v }).catch(loadFailed);
  };
  s.onerror = function () { loadFailed('app.js'); };
  document.body.appendChild(s);
  if (status) status.textContent = '正在加载… / Loading…';
  // Offline after one visit (not from file://, where service workers do not run).
  if ('serviceWorker' in navigator && /^https?:$/.test(location.protocol)) {
    navigator.serviceWorker.register('sw.js').catch(function () {});
  }
})();
