// A small server that serves a folder the way a static host does: brotli when
// the browser accepts it, a strong ETag per file and encoding, revalidation on
// every use (`Cache-Control: public, max-age=0, must-revalidate`, as Netlify and
// Cloudflare Pages send for HTML/JS/wasm without a hashed name), and `304 Not
// Modified` for a matching `If-None-Match`. It counts what it answered, per
// path and status, and can hold a path back until the caller releases it.
//
// Used by tests/bench/slowphone.mjs and by the browser tests of the page shell.

import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ts': 'text/plain; charset=utf-8',
};
const COMPRESS = new Set(['.html', '.js', '.wasm', '.css', '.json', '.webmanifest', '.svg', '.ts']);

/**
 * A shared downlink: every response's bytes go through it, round-robin in
 * slices of 10 ms, at `down` bytes per second; each request waits `rtt` ms
 * before its first byte. So the page, its workers and its service worker
 * share one emulated phone network (DevTools' emulation throttles the page's
 * own requests only).
 */
function shapedLink({ down, rtt }) {
  const active = [];
  let timer = null;
  const TICK = 10;
  const tick = () => {
    let budget = Math.floor((down * TICK) / 1000);
    while (budget > 0 && active.length) {
      const share = Math.max(1, Math.floor(budget / active.length));
      for (let i = 0; i < active.length && budget > 0; i++) {
        const a = active[i];
        const n = Math.min(share, a.data.length - a.at, budget);
        a.res.write(a.data.subarray(a.at, a.at + n));
        a.at += n;
        budget -= n;
      }
      for (let i = active.length - 1; i >= 0; i--) {
        if (active[i].at >= active[i].data.length) {
          active[i].res.end();
          active.splice(i, 1);
        }
      }
    }
    if (!active.length) {
      clearInterval(timer);
      timer = null;
    }
  };
  return {
    /** Answer after the round trip, the body through the link. */
    send(res, head, data) {
      setTimeout(() => {
        res.writeHead(...head);
        if (!data || !data.length) {
          res.end();
          return;
        }
        active.push({ res, data, at: 0 });
        timer ??= setInterval(tick, TICK);
      }, rtt);
    },
  };
}

/**
 * Serve `dir` on 127.0.0.1 at a free port. `link` ({down: bytes/s, rtt: ms}):
 * shape every answer through one emulated network. Returns {origin, url, log, count,
 * hold, close}: `log` is every answer ({path, status, bytes, at}); `count(p)`
 * gives {all, ok, notModified} for a path; `hold(p)` holds that path's
 * requests until the function it returns is called.
 */
export async function staticHost(dir, { link = null } = {}) {
  const shaper = link ? shapedLink(link) : null;
  const reply = (res, head, data) => {
    if (shaper) shaper.send(res, head, data);
    else {
      res.writeHead(...head);
      res.end(data);
    }
  };
  const root = path.resolve(dir);
  const cache = new Map(); // file -> {mtime, raw, br, etag}
  const log = [];
  const held = new Map(); // pathname -> [fn]
  const holding = new Set();
  const body = (file) => {
    const st = fs.statSync(file);
    let c = cache.get(file);
    if (!c || c.mtime !== st.mtimeMs) {
      const raw = fs.readFileSync(file);
      const br = COMPRESS.has(path.extname(file))
        ? zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } })
        : null;
      const etag = crypto.createHash('sha256').update(raw).digest('hex').slice(0, 20);
      c = { mtime: st.mtimeMs, raw, br, etag };
      cache.set(file, c);
    }
    return c;
  };
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    let rel = decodeURIComponent(u.pathname);
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(root, '.' + rel);
    const answer = () => {
      if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        log.push({ path: u.pathname, status: 404, bytes: 0, at: Date.now() });
        reply(res, [404, { 'Content-Type': 'text/plain' }], Buffer.from('not found'));
        return;
      }
      const c = body(file);
      const br = c.br && /\bbr\b/.test(req.headers['accept-encoding'] ?? '');
      const etag = `"${c.etag}${br ? '-br' : ''}"`;
      const headers = {
        'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
        'Cache-Control': 'public, max-age=0, must-revalidate',
        ETag: etag,
        Vary: 'Accept-Encoding',
      };
      const inm = req.headers['if-none-match'];
      if (inm && inm.split(/\s*,\s*/).includes(etag)) {
        log.push({ path: u.pathname, status: 304, bytes: 0, at: Date.now() });
        reply(res, [304, headers], null);
        return;
      }
      const data = br ? c.br : c.raw;
      if (br) headers['Content-Encoding'] = 'br';
      headers['Content-Length'] = data.length;
      log.push({ path: u.pathname, status: 200, bytes: data.length, at: Date.now() });
      reply(res, [200, headers], req.method === 'HEAD' ? null : data);
    };
    if (holding.has(u.pathname)) {
      if (!held.has(u.pathname)) held.set(u.pathname, []);
      held.get(u.pathname).push(answer);
    } else {
      answer();
    }
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    url: origin + '/',
    log,
    count: (p, since = 0) => {
      const mine = log.filter((e) => e.path === p && e.at >= since);
      return { all: mine.length, ok: mine.filter((e) => e.status === 200).length, notModified: mine.filter((e) => e.status === 304).length };
    },
    /** Hold requests for `p` until the returned function is called. */
    hold: (p) => {
      holding.add(p);
      return () => {
        holding.delete(p);
        for (const f of held.get(p) ?? []) f();
        held.delete(p);
      };
    },
    /** How many requests for `p` are being held. */
    waiting: (p) => (held.get(p) ?? []).length,
    close: () =>
      new Promise((ok) => {
        for (const fs_ of held.values()) for (const f of fs_) f();
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}
