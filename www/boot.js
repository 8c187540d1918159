// Preflight's loader: a classic script (no inline code, so the CSP forbids
// inline scripts). It feature-tests WebAssembly first and explains, in Chinese
// and English, when this browser is too old — rather than leaving a blank page.
// Meanwhile the page shell (index.html: the contest choice and the video
// input) already works: what is chosen and picked there is held in
// `self.__preflightShell` ({profile, file}) until the app starts and takes it
// (src/web/mod.rs).
(function () {
  var status = document.getElementById('boot-status');
  var held = (self.__preflightShell = { profile: null, file: null });
  shell();
  // This build's id (boot.js?v=ID) goes on to its files (see sw.js).
  var m = document.currentScript && /[?&]v=([0-9a-f]+)/.exec(document.currentScript.src);
  var v = m ? '?v=' + m[1] : '';
  // The shell: the last contest and language (as the app saved them:
  // `<time>|<lang>|<contest>` under preflight.v2|app), a contest chosen and a
  // video picked or dropped before the app runs. In an iframe (?origin=…) the
  // host chooses: the shell is not shown.
  function shell() {
    var root = document.getElementById('shell');
    var select = document.getElementById('shell-profile');
    var input = document.getElementById('shell-video');
    var drop = document.getElementById('shell-drop');
    if (!root || !select || !input) return;
    if (/[?&]origin=/.test(location.search)) {
      if (status) root.parentNode.insertBefore(status, root);
      root.parentNode.removeChild(root);
      return;
    }
    var prefs = '';
    try { prefs = localStorage.getItem('preflight.v2|app') || ''; } catch (e) { /* no storage */ }
    var p = prefs.split('|');
    if (p[1] === 'en') {
      for (var i = 0; i < select.options.length; i++) {
        var o = select.options[i];
        if (o.getAttribute('data-en')) o.textContent = o.getAttribute('data-en');
      }
    }
    if (p[2]) select.value = p[2];
    if (select.selectedIndex < 0) select.selectedIndex = 0;
    select.addEventListener('change', function () { held.profile = select.value; });
    function hold(f) {
      if (!f) return;
      held.file = f;
      if (status) {
        status.textContent = '已选择 ' + f.name + '，检查程序加载后立即检查。/ ' + f.name + ' is picked: it is checked as soon as the checker has loaded.';
      }
    }
    input.addEventListener('change', function () { hold(input.files && input.files[0]); });
    // A pick made before this script ran.
    if (input.files && input.files.length) hold(input.files[0]);
    drop.addEventListener('dragover', function (e) { e.preventDefault(); });
    drop.addEventListener('drop', function (e) {
      e.preventDefault();
      hold(e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0]);
    });
  }
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
  // The wasm is fetched at once, beside app.js rather than after it. The page
  // compiles it once and hands the module to its workers (src/web/client.rs).
  var wasm = typeof fetch === 'function' ? fetch('app_bg.wasm' + v) : 'app_bg.wasm' + v;
  if (wasm.catch) wasm.catch(function () {});
  var s = document.createElement('script');
  s.src = 'app.js' + v;
  s.onload = function () {
    // app.js (wasm-bindgen no-modules) declares the global `wasm_bindgen`; initialising runs main().
    wasm_bindgen({ module_or_path: wasm }).then(registerServiceWorker, loadFailed);
  };
  s.onerror = function () { loadFailed('app.js'); };
  document.body.appendChild(s);
  // Offline after one visit (not from file://, where service workers do not
  // run). Registered once the app runs, so that its precache neither competes
  // with the page's own loads on a slow network nor fetches them twice (it
  // takes this build's files from the HTTP cache: see sw.js).
  function registerServiceWorker() {
    if ('serviceWorker' in navigator && /^https?:$/.test(location.protocol)) {
      navigator.serviceWorker.register('sw.js').catch(function () {});
    }
  }
})();
