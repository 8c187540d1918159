// Offline after one visit, one whole build at a time (see ARCHITECTURE.md).
// BUILD is stamped by www/stamp-build.sh; the page asks for NAME?v=BUILD.
var BUILD = '__BUILD__';
var CACHE = 'preflight-' + BUILD;
// The built-in profiles (profiles/ID.json, fetched when a contest is chosen)
// are listed by www/stamp-build.sh from the build's profiles/ folder.
// The tools worker's files (tools*: the remux and the PDF writer) are loaded
// by the page only when asked for, and kept here so that fixing works offline.
var FILES = ['index.html', 'boot.js', 'app.js', 'app_bg.wasm', 'worker_loader.js', 'style.css', 'manifest.webmanifest', 'icon.svg', 'tools_loader.js', 'tools.js', 'tools_bg.wasm'].concat(/*__PROFILES__*/[]);

// The files the page asks for as NAME?v=BUILD: the page has just loaded them,
// so they are taken from the HTTP cache when it has them (a name with this
// build's id is this build's file; app.js is checked below), rather than
// downloaded a second time. The rest are small and fetched afresh.
var VERSIONED = ['boot.js', 'app.js', 'app_bg.wasm', 'worker_loader.js', 'tools_loader.js', 'tools.js', 'tools_bg.wasm'];

self.addEventListener('install', function (e) {
  // Read every body first (an unread one holds a connection), check that all
  // are of this build, then cache them: all or none.
  e.waitUntil(Promise.all(FILES.map(function (f) {
    var mine = VERSIONED.indexOf(f) >= 0;
    return fetch(mine ? f + '?v=' + BUILD : f, { cache: mine ? 'force-cache' : 'no-store' }).then(function (res) {
      if (!res.ok) throw new Error(f + ': HTTP ' + res.status);
      return res.arrayBuffer().then(function (body) { return new Response(body, { headers: res.headers }); });
    });
  })).then(function (all) {
    return Promise.all([all[0].clone().text(), all[2].clone().text()]).then(function (t) {
      if (t[0].indexOf('?v=' + BUILD) < 0 || t[1].indexOf('"' + BUILD + '"') < 0) throw new Error('mixed builds');
      return caches.delete(CACHE);
    }).then(function () {
      return caches.open(CACHE);
    }).then(function (cache) {
      return Promise.all(all.map(function (res, i) { return cache.put(FILES[i], res); }));
    });
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
  var cached = function () { return caches.match(name, { cacheName: CACHE }); };
  if (req.mode === 'navigate') {
    // The page: network first, this build's copy offline.
    if (name === 'index.html') {
      e.respondWith(fetch(req).then(function (res) {
        return res.ok ? res : cached().then(function (hit) { return hit || res; });
      }, function (err) {
        return cached().then(function (hit) { if (hit) return hit; throw err; });
      }));
    }
    return;
  }
  // Another build's file comes from the network, never from this cache.
  var v = url.searchParams.get('v');
  if (FILES.indexOf(name) < 0 || (v && v !== BUILD)) return;
  e.respondWith(cached().then(function (hit) { return hit || fetch(req); }));
});
