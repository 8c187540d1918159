// iframe mode: name our origin to the widget, always post to its explicit
// origin, and accept messages only from it.
//
// Where the widget lives: in production, write its URL here (the widget's own
// origin). `?app=https://…/index.html` overrides it for trying the page out
// (the browser tests serve the widget from another port); only http(s) URLs.
var PREFLIGHT = (function () {
  var given = new URLSearchParams(location.search).get('app');
  if (given) {
    try {
      var u = new URL(given, location.href);
      if (u.protocol === 'https:' || u.protocol === 'http:') return u;
    } catch (e) { /* fall through to the default */ }
  }
  return new URL('index.html', location.href);
})();
var frame = document.getElementById('preflight');
frame.src = PREFLIGHT.origin + PREFLIGHT.pathname + '?origin=' + encodeURIComponent(location.origin) + '&profile=sichuan-kepu-2024&channel=self';
window.addEventListener('message', function (e) {
  if (e.origin !== PREFLIGHT.origin || e.source !== frame.contentWindow || !e.data || typeof e.data.type !== 'string') return;
  if (e.data.type === 'preflight:report') {
    window.lastReport = e.data.detail;
    document.getElementById('host-status').textContent = 'verdict: ' + e.data.detail.verdict;
  } else if (e.data.type === 'preflight:bundle') {
    window.lastBundle = e.data.detail; // { blob, name, manifest }
    document.getElementById('host-status').textContent = 'bundle: ' + e.data.detail.name;
  } else if (e.data.type === 'preflight:error') {
    window.lastError = e.data.detail;
  }
});
// To change the contest later: frame.contentWindow.postMessage({type: 'preflight:config', profile: 'nmg-kepu-2025'}, PREFLIGHT.origin);
