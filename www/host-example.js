// The host page's side: listen to the widget, then hand the bundle Blob to
// the platform's own uploader (here: show it and keep it for the tests).
var w = document.getElementById('widget');
w.addEventListener('preflight-report', function (e) {
  var r = e.detail;
  document.getElementById('host-status').textContent = '检查结果 / verdict: ' + r.verdict;
  window.lastReport = r;
});
w.addEventListener('preflight-bundle', function (e) {
  window.lastBundle = e.detail;
  document.getElementById('host-upload').textContent =
    '收到打包文件 / bundle received: ' + e.detail.name + ' (' + e.detail.blob.size + ' bytes)';
  document.getElementById('host-submit').disabled = false;
});
w.addEventListener('preflight-error', function (e) {
  window.lastError = e.detail;
  document.getElementById('host-status').textContent = '配置错误 / error: ' + e.detail.code;
});
