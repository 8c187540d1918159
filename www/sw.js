// Offline: after one visit the app opens and checks videos with the network
// off. Same-origin GETs only: cache first, refreshed in the background.
var CACHE = 'preflight-v1';
var FILES = ['./', 'index.html', 'boot.js', 'app.js', 'app_bg.wasm', 'worker_loader.js', 'style.css', 'manifest.webmanifest', 'icon.svg'];

self.addEventListener('install', function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(FILES); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (e) {
  var req = e.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  e.respondWith(caches.open(CACHE).then(function (cache) {
    return cache.match(req, { ignoreSearch: true }).then(function (hit) {
      var fresh = fetch(req).then(function (res) {
        if (res.ok && res.type === 'basic') cache.put(req, res.clone());
        return res;
      });
      if (hit) {
        fresh.catch(function () {});
        return hit;
      }
      return fresh.catch(function () { return cache.match('index.html'); });
    });
  }));
});
