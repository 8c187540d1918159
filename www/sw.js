// Offline after one visit, one whole build at a time. BUILD is this build's id
// (a hash of its files, written by www/stamp-build.sh); its files are cached
// together under preflight-BUILD when it installs, and older builds' caches are
// deleted when it takes over. The page is fetched from the network first (the
// cached copy is the offline fallback), so a new deploy runs on the next load:
// its files are asked for as NAME?v=ID, and a file of another build than this
// worker's comes from the network, never from this cache.
var BUILD = '__BUILD__';
var CACHE = 'preflight-' + BUILD;
var FILES = ['index.html', 'boot.js', 'app.js', 'app_bg.wasm', 'worker_loader.js', 'style.css', 'manifest.webmanifest', 'icon.svg'];

self.addEventListener('install', function (e) {
  e.waitUntil(caches.delete(CACHE).then(function () {
    return caches.open(CACHE);
  }).then(function (cache) {
    return Promise.all(FILES.map(function (f) {
      return fetch(f, { cache: 'no-store' }).then(function (res) {
        if (!res.ok) throw new Error(f + ': HTTP ' + res.status);
        return res;
      });
    })).then(function (all) {
      // All from this build, or none: a deploy landing mid-install fails it,
      // and the previous build keeps serving.
      return Promise.all([all[0].clone().text(), all[2].clone().text()]).then(function (t) {
        if (t[0].indexOf('?v=' + BUILD) < 0 || t[1].indexOf('"' + BUILD + '"') < 0) throw new Error('mixed builds');
        return Promise.all(all.map(function (res, i) { return cache.put(FILES[i], res); }));
      });
    });
  }).catch(function (err) {
    return caches.delete(CACHE).then(function () { throw err; });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE && k.indexOf('preflight-') === 0; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (e) {
  var req = e.request;
  var url = new URL(req.url);
  var scope = new URL(self.registration.scope).pathname;
  if (req.method !== 'GET' || url.origin !== location.origin || url.pathname.indexOf(scope) !== 0) return;
  var name = url.pathname.slice(scope.length) || 'index.html';
  if (req.mode === 'navigate') {
    if (name !== 'index.html') return;
    e.respondWith(fetch(req).then(function (res) {
      return res.ok ? res : caches.match('index.html', { cacheName: CACHE }).then(function (hit) { return hit || res; });
    }, function (err) {
      return caches.match('index.html', { cacheName: CACHE }).then(function (hit) { if (hit) return hit; throw err; });
    }));
    return;
  }
  var v = url.searchParams.get('v');
  if (FILES.indexOf(name) < 0 || (v && v !== BUILD)) return;
  e.respondWith(caches.match(name, { cacheName: CACHE }).then(function (hit) { return hit || fetch(req); }));
});
