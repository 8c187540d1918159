// iframe mode: name our origin to the widget, always post to its explicit
// origin, and accept messages only from it.
var PREFLIGHT = new URL('index.html', location.href); // in production: the widget's own origin
var frame = document.getElementById('preflight');
frame.src = PREFLIGHT.href + '?origin=' + encodeURIComponent(location.origin) + '&profile=sichuan-kepu-2024&channel=self';
window.addEventListener('message', function (e) {
  if (e.origin !== PREFLIGHT.origin || !e.data || typeof e.data.type !== 'string') return;
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
