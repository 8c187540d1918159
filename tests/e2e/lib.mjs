// Shared helpers for the browser tests: a static server for dist/, headless
// Chromium (Debian's, through playwright-core), fixtures made with ffmpeg, and
// small readers for what the page and the processes show.

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { chromium } from 'playwright-core';

import { launchFirefox, launchWebkit } from './engine.mjs';

export { ENGINES, ENGINE_LIMITS, NOT_RUN, enginesToRun, unsupported } from './engine.mjs';

const run = promisify(execFile);

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = path.join(ROOT, 'dist');
export const FIXTURES = path.join(ROOT, 'target', 'e2e');
export const SHOTS = path.join(ROOT, 'target', 'screenshots');

export const PROFILES = [
  'cujs-video-abstract-2026',
  'sichuan-kepu-2024',
  'heilongjiang-kepu-2022',
  'kepu-light-2026',
  'nmg-kepu-2025',
];

// What the code promises about reads, written out here (not read from the
// source), so that a change of the code is a change the tests see.
/** A header look-up of the probe (src/probe/mod.rs LOOKAHEAD). */
export const LOOKAHEAD = 16 * 1024;
/** Before the `moov` is found, a file's last TAIL bytes or fewer are read whole (src/probe/bmff.rs). */
export const TAIL = 64 * 1024;
/** The CRC pass's stream buffer (src/web/worker.rs STREAM_CHUNK). */
export const STREAM_CHUNK = 2 * 1024 * 1024;

// A real Android WeChat (XWEB) user agent.
export const WECHAT_UA =
  'Mozilla/5.0 (Linux; Android 13; V2254A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160117 MMWEBSDK/20240404 MMWEBID/5538 ' +
  'MicroMessenger/8.0.49.2600(0x28003133) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64';

// A real iOS WeChat user agent (WKWebView: WebKit, whatever the browser).
export const WECHAT_IOS_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 ' +
  'MicroMessenger/8.0.49(0x18003137) NetType/WIFI Language/zh_CN';

// ---------------------------------------------------------------- server

/** Every server `serve()` started in this process: {origin, hits}. */
const SERVERS = [];

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serve `dir` on 127.0.0.1 at a free port. Returns {origin, url, hits, close}.
 * `delay(pathname, n)` may hold the n-th request of a path back (ms).
 */
export async function serve(dir = DIST, { delay = () => 0, engine = 'chromium' } = {}) {
  const root = path.resolve(dir);
  const hits = [];
  // Only Chromium's driver reports every request (workers' and service
  // workers' too): the servers of the other engines' tests are not held to
  // `servedButNotRecorded`.
  const entry = { origin: '', hits, engine };
  SERVERS.push(entry);
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    hits.push(u.pathname);
    let rel = decodeURIComponent(u.pathname);
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(root, '.' + rel);
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    const send = () => {
      res.writeHead(200, {
        'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
        'Cache-Control': 'no-store',
      });
      fs.createReadStream(file).pipe(res);
    };
    const ms = delay(u.pathname, hits.filter((p) => p === u.pathname).length);
    if (ms > 0) setTimeout(send, ms);
    else send();
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;
  entry.origin = origin;
  return {
    origin,
    url: origin + '/',
    hits,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

// ---------------------------------------------------------------- browser

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Requests a service worker makes itself (its precache, its fetches) are
// reported to the context only with this set; it must be set before the
// browser starts.
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS ??= '1';

/**
 * Every browser context any test made, in every browser `launch()` started:
 * {name, origins, first, requests}. `origins` is the set of origins the
 * context may reach (given by the test), else the origin of its first page
 * (`first`, set by its first main-frame navigation).
 */
const CONTEXTS = [];

/**
 * Debian's Chromium with exactly CHROMIUM_FLAGS, a fresh temporary profile, and
 * the pipe Playwright talks over. Returns {browser, userDataDir, context,
 * contexts, offOrigin, close}.
 *
 * Every browser context goes through `context()` (and `browser.newContext`
 * is routed there too, so none can be made without it): it records every
 * request of its pages, frames, workers and service workers, and every
 * WebSocket, for `offOrigin()` to check at the end of a suite.
 */
export async function launch(engine = 'chromium') {
  if (engine !== 'chromium') return launchOther(engine);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-e2e-'));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    ignoreDefaultArgs: true,
    args: [...CHROMIUM_FLAGS, `--user-data-dir=${userDataDir}`, '--remote-debugging-pipe', '--no-startup-window'],
    timeout: 60_000,
  });
  const mine = [];
  const rawNewContext = browser.newContext.bind(browser);
  /**
   * A new browser context whose requests are recorded. `origins`: the
   * origins it may reach (default: its first page's); `name`: for messages;
   * `refusals`: a test that makes the page try what its CSP refuses sets it,
   * and those attempts (which never leave) are then not counted.
   */
  const context = async (options = {}, { origins, name, refusals = false } = {}) => {
    const ctx = await rawNewContext(options);
    const entry = {
      name: name ?? `context ${CONTEXTS.length + 1}`,
      origins: origins ? new Set(origins.map((o) => new URL(o).origin)) : null,
      first: null,
      refusals,
      requests: [],
    };
    CONTEXTS.push(entry);
    mine.push(entry);
    recordRequests(ctx, entry.requests);
    ctx.on('request', (r) => {
      if (entry.first || !r.isNavigationRequest()) return;
      const frame = r.serviceWorker() ? null : r.frame();
      if (frame && !frame.parentFrame()) entry.first = new URL(r.url()).origin;
    });
    const sockets = (page) => page.on('websocket', (ws) => entry.requests.push({ url: ws.url(), type: 'websocket' }));
    ctx.pages().forEach(sockets);
    ctx.on('page', sockets);
    // A fetch the page's CSP refuses never becomes a request, but the
    // attempt is a defect all the same: every frame reports its CSP
    // violations (the binding and the listener are the test's, set before
    // any script of the page runs).
    await ctx.exposeBinding('__preflightTestCsp', (_source, v) => {
      entry.requests.push({ url: v.blockedURI || 'about:csp', type: `refused by CSP (${v.directive})`, text: v.sourceFile, refused: true });
    });
    await ctx.addInitScript(() => {
      self.addEventListener('securitypolicyviolation', (e) => {
        self.__preflightTestCsp?.({ blockedURI: e.blockedURI, directive: e.effectiveDirective, sourceFile: `${e.sourceFile}:${e.lineNumber}` });
      });
    });
    return ctx;
  };
  browser.newContext = (options) => context(options);
  return {
    engine: 'chromium',
    version: `Chromium ${browser.version()}`,
    browser,
    userDataDir,
    context,
    contexts: mine,
    /** Requests of this browser's contexts that left their origins. */
    offOrigin: () => offOrigin(mine),
    close: async () => {
      await browser.close().catch(() => {});
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Firefox or WebKit behind the same {context, contexts, offOrigin, close} as
 * `launch()` gives for Chromium. Their contexts are not recorded for
 * `offOrigin` (their drivers do not report every request: ENGINE_LIMITS.requests).
 */
async function launchOther(engine) {
  const b = engine === 'firefox' ? await launchFirefox() : engine === 'webkit' ? await launchWebkit() : null;
  if (!b) throw new Error(`unknown engine ${engine}`);
  const open = [];
  const context = async (options = {}) => {
    const ctx = await b.context(options);
    open.push(ctx);
    return ctx;
  };
  return {
    engine,
    get version() { return b.version; },
    browser: null,
    context,
    contexts: [],
    offOrigin: () => [],
    close: async () => {
      for (const c of open) await c.close().catch(() => {});
      await b.close();
    },
  };
}

/** Every request any page or worker of a context makes goes into `log`. */
export function recordRequests(context, log) {
  context.on('request', (r) => log.push({ url: r.url(), type: r.resourceType() }));
}

/** An origin, or the scheme of a URL that has none ("data:", "blob:"). */
function originOf(url) {
  const u = new URL(url);
  if (u.protocol === 'blob:') return new URL(u.pathname).origin; // blob:http://host/uuid
  return u.origin === 'null' ? u.protocol : u.origin;
}

/**
 * The requests of `contexts` (default: every context of every browser) that
 * went anywhere but their context's origins: [{context, url, type}]. A data:
 * URL stays on the device; a blob: URL must belong to an allowed origin.
 */
export function offOrigin(contexts = CONTEXTS) {
  const off = [];
  for (const c of contexts) {
    const allowed = c.origins ?? new Set(c.first ? [c.first] : []);
    for (const r of c.requests) {
      if (r.refused && c.refusals) continue;
      let o;
      try {
        o = originOf(r.url);
      } catch {
        o = r.url;
      }
      if (o === 'data:' || allowed.has(o)) continue;
      off.push({ context: c.name, url: r.url, type: r.type, allowed: [...allowed], ...(r.text ? { text: r.text } : {}) });
    }
  }
  return off;
}

/** Every context recorded so far (all browsers): for the suite's last check. */
export const recordedContexts = () => CONTEXTS;

/**
 * Paths some server of this process served that no recorded context asked
 * for: the recorder must see everything (else it would miss requests going
 * elsewhere too). [{origin, path}]
 */
export function servedButNotRecorded() {
  const seen = new Set();
  for (const c of CONTEXTS) {
    for (const r of c.requests) {
      try {
        const u = new URL(r.url);
        if (u.protocol === 'http:') seen.add(u.origin + u.pathname);
      } catch {
        // not a URL with a path
      }
    }
  }
  const missed = [];
  for (const s of SERVERS.filter((x) => x.engine === 'chromium')) {
    for (const p of new Set(s.hits)) {
      if (seen.has(s.origin + p)) continue;
      if (p === '/index.html' && seen.has(s.origin + '/')) continue;
      // The browser's own look for a page's icon (the test pages name none)
      // is not a request of the page, and is never reported to it.
      if (p === '/favicon.ico') continue;
      missed.push({ origin: s.origin, path: p });
    }
  }
  return missed;
}

/** Wait for the report on `file` (the meta line names it). */
export async function reportOn(page, file, timeout = 30_000) {
  const name = path.basename(file);
  await page.waitForFunction(
    (name) => document.querySelector('#probe-meta')?.textContent.includes(name) || document.querySelector('#probe-error'),
    name,
    { timeout },
  );
  const err = await page.$('#probe-error');
  assert.equal(err && (await err.textContent()), null, `probe of ${name} failed`);
  await page.waitForSelector('#verdict');
}

/** Wait until the app has rendered and its worker is up; returns the worker. */
export async function appReady(page) {
  await page.waitForSelector('#profile', { timeout: 30_000 });
  // Elsewhere a worker has no handle (ENGINE_LIMITS.workers): the page is ready.
  if (page.engine && page.engine !== 'chromium') return null;
  const deadline = Date.now() + 15_000;
  while (page.workers().length === 0) {
    if (Date.now() > deadline) throw new Error('the worker never started');
    await page.waitForTimeout(50);
  }
  return page.workers()[0];
}

/**
 * Count what the worker reads, independently of the probe's own accounting:
 * wrap FileReaderSync.readAsArrayBuffer (the probe; the CRC pass's fallback)
 * and ReadableStreamBYOBReader.read (the CRC pass) in the worker. Returns
 * {get, reset}; `get()` gives {bytes, calls, max, syncCalls, syncBytes,
 * maxView}: bytes and reads of both kinds, the largest read, the
 * FileReaderSync ones alone, and the largest buffer offered to a stream read.
 * Given several workers, sums them, and `each()` gives them one by one.
 */
export async function instrumentWorker(worker) {
  // The CRC pass is shared by every worker of the page: count them all.
  if (Array.isArray(worker)) {
    const all = await Promise.all(worker.map((w) => instrumentWorker(w)));
    const sum = (rs) => rs.reduce((a, r) => ({
      bytes: a.bytes + r.bytes,
      calls: a.calls + r.calls,
      max: Math.max(a.max, r.max),
      syncCalls: a.syncCalls + r.syncCalls,
      syncBytes: a.syncBytes + r.syncBytes,
      maxView: Math.max(a.maxView, r.maxView),
    }), { bytes: 0, calls: 0, max: 0, syncCalls: 0, syncBytes: 0, maxView: 0 });
    const each = () => Promise.all(all.map((x) => x.get()));
    return {
      get: async () => sum(await each()),
      each,
      reset: async () => { await Promise.all(all.map((x) => x.reset())); },
    };
  }
  await worker.evaluate(() => {
    if (self.__reads) return;
    self.__reads = { bytes: 0, calls: 0, max: 0, syncCalls: 0, syncBytes: 0, maxView: 0 };
    const orig = FileReaderSync.prototype.readAsArrayBuffer;
    FileReaderSync.prototype.readAsArrayBuffer = function (blob) {
      const r = self.__reads;
      r.bytes += blob.size;
      r.calls += 1;
      r.max = Math.max(r.max, blob.size);
      r.syncCalls += 1;
      r.syncBytes += blob.size;
      return orig.call(this, blob);
    };
    // The CRC pass reads through a BYOB stream reader into one reused buffer.
    if (self.ReadableStreamBYOBReader) {
      const origRead = ReadableStreamBYOBReader.prototype.read;
      ReadableStreamBYOBReader.prototype.read = function (view, ...rest) {
        self.__reads.maxView = Math.max(self.__reads.maxView, view?.byteLength ?? 0);
        return origRead.call(this, view, ...rest).then((res) => {
          if (!res.done && res.value) {
            const r = self.__reads;
            r.bytes += res.value.byteLength;
            r.calls += 1;
            r.max = Math.max(r.max, res.value.byteLength);
          }
          return res;
        });
      };
    }
  });
  return {
    get: () => worker.evaluate(() => ({ ...self.__reads })),
    reset: () => worker.evaluate(() => Object.assign(self.__reads, { bytes: 0, calls: 0, max: 0, syncCalls: 0, syncBytes: 0, maxView: 0 })),
  };
}

/** Main-thread JS heap of a page, in bytes (CDP Performance.getMetrics). */
export async function jsHeapUsed(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'JSHeapUsedSize').value;
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/**
 * Peak resident memory (VmHWM, bytes) of the renderer processes of the
 * Chromium started with `userDataDir` (Linux /proc; Chromium rewrites its
 * children's command lines into one string, so match on text).
 */
export function rendererPeakRss(userDataDir) {
  const flag = `--user-data-dir=${userDataDir}`;
  let peak = 0;
  let renderers = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ') + ' ';
      if (!cmd.includes(flag + ' ') || !cmd.includes('--type=renderer ')) continue;
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) {
        peak = Math.max(peak, Number(m[1]) * 1024);
        renderers += 1;
      }
    } catch {
      // gone meanwhile
    }
  }
  return { peak, renderers };
}

// ---------------------------------------------------------------- fixtures

async function ffmpeg(args) {
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { maxBuffer: 1 << 24 });
}

function av(size, rate, seconds, out, { codec = 'libx264', audio = 'sine=frequency=440:sample_rate=48000', abr = '64k', src = 'testsrc2', extra = [] } = {}) {
  const v = codec === 'libx265'
    ? ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-tag:v', 'hvc1']
    : ['-c:v', 'libx264', '-preset', 'ultrafast'];
  return ffmpeg([
    '-f', 'lavfi', '-i', `${src}=size=${size}:rate=${rate}`,
    '-f', 'lavfi', '-i', audio,
    '-t', String(seconds), ...v, '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', abr, ...extra,
    out,
  ]);
}

/** A hand-written, valid PDF with `pages` blank A4 pages (correct xref offsets). */
export function makePdf(pages = 2) {
  const objs = [];
  const kids = Array.from({ length: pages }, (_, i) => `${3 + i} 0 R`).join(' ');
  objs.push('<< /Type /Catalog /Pages 2 0 R >>');
  objs.push(`<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`);
  for (let i = 0; i < pages; i++) objs.push('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>');
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** Top-level ISO-BMFF boxes: [{type, start, end}]. */
export function boxes(buf) {
  const out = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    let size = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    if (size === 1) size = Number(buf.readBigUInt64BE(at + 8));
    else if (size === 0) size = buf.length - at;
    if (size < 8) throw new Error(`bad box ${type} at ${at}`);
    out.push({ type, start: at, end: at + size });
    at += size;
  }
  return out;
}

/**
 * A sparse file of ftyp + a 64-bit mdat of `mdatBytes` zeros (a hole, never
 * written) + the moov of the moov-at-end MP4 `src`. Returns {file, size, moov}.
 */
export function makeSparseMp4(src, out, mdatBytes) {
  const buf = fs.readFileSync(src);
  const bx = boxes(buf);
  const get = (t) => {
    const b = bx.find((x) => x.type === t);
    if (!b) throw new Error(`${src} has no ${t}`);
    return buf.subarray(b.start, b.end);
  };
  const ftyp = get('ftyp');
  const moov = get('moov');
  if (bx.findIndex((x) => x.type === 'moov') < bx.findIndex((x) => x.type === 'mdat')) throw new Error(`${src}: moov is not at the end`);
  const head = Buffer.alloc(16);
  head.writeUInt32BE(1, 0);
  head.write('mdat', 4, 'latin1');
  head.writeBigUInt64BE(BigInt(16 + mdatBytes), 8);
  const moovAt = ftyp.length + 16 + mdatBytes;
  const fd = fs.openSync(out, 'w');
  try {
    fs.writeSync(fd, ftyp, 0, ftyp.length, 0);
    fs.writeSync(fd, head, 0, 16, ftyp.length);
    fs.ftruncateSync(fd, moovAt);
    fs.writeSync(fd, moov, 0, moov.length, moovAt);
  } finally {
    fs.closeSync(fd);
  }
  return { file: out, size: moovAt + moov.length, moov: moov.length };
}

/** Every fixture the tests use, made fresh into target/e2e/. */
export async function makeFixtures(dir = FIXTURES) {
  fs.mkdirSync(dir, { recursive: true });
  const f = (name) => path.join(dir, name);
  const fx = {
    land: f('land-1080p-3s.mp4'), // 1920×1080, 2 fps, 3 s, moov at the end
    fast: f('fast-1080p-3s.mp4'), // the same with the moov first: passes cujs-video-abstract-2026
    portrait: f('portrait-1080x1920-3s.mp4'),
    long: f('tiny-64x36-301s.mp4'),
    hevc: f('hevc-1080p-3s.mp4'),
    timing: f('timing-1080p-25fps-10s.mp4'), // a realistic 1080p, moov at the end
    bigMoov: f('tiny-64x36-30fps-300s.mp4'), // a moov over TAIL (64 KiB), at the end
    pdf: f('scan-2-pages.pdf'),
    png: f('scan.png'),
    heic: f('IMG_0001.heic'),
  };
  // Two at a time: there are few cores, and the browser tests come next.
  const jobs = [
    () => av('1920x1080', 2, 3, fx.land),
    () => av('1920x1080', 2, 3, fx.fast, { extra: ['-movflags', '+faststart'] }),
    () => av('64x36', 30, 300, fx.bigMoov, { abr: '16k' }),
    () => av('1080x1920', 2, 3, fx.portrait),
    () => av('64x36', 1, 301, fx.long, { src: 'testsrc2', audio: 'anullsrc=r=8000:cl=mono', abr: '8k' }),
    () => av('1920x1080', 2, 3, fx.hevc, { codec: 'libx265' }),
    () => av('1920x1080', 25, 10, fx.timing, { abr: '128k' }),
    () => ffmpeg(['-f', 'lavfi', '-i', 'color=c=0x2458d3:size=240x160', '-frames:v', '1', fx.png]),
  ];
  const queue = [...jobs];
  await Promise.all([0, 1].map(async () => {
    while (queue.length) await queue.shift()();
  }));
  fs.writeFileSync(fx.pdf, makePdf(2));
  // HEIC by its magic: ftyp box with brand heic (what the page sniffs).
  const heic = Buffer.alloc(4096);
  Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic', 'latin1').copy(heic);
  fs.writeFileSync(fx.heic, heic);
  return fx;
}

// ---------------------------------------------------------------- previews

/**
 * Every frame of `file`'s video as ffmpeg decodes it, scaled to w×h RGBA:
 * [{t, rgba}] in presentation order. The fixtures do not tag their colours;
 * Chromium takes them as BT.709, so does this by default.
 */
export async function decodeFrames(file, w, h, matrix = 'bt709') {
  const { stdout: times } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=best_effort_timestamp_time',
    '-of', 'csv=p=0', file], { maxBuffer: 1 << 24 });
  const t = times.split('\n').map((l) => l.trim().replace(/,$/, '')).filter(Boolean).map(Number);
  const { stdout } = await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', file, '-an', '-fps_mode', 'passthrough',
    '-vf', `scale=${w}:${h}:flags=bilinear${matrix ? ':in_color_matrix=' + matrix : ''}`, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { encoding: 'buffer', maxBuffer: 1 << 28 });
  const n = w * h * 4;
  assert.equal(stdout.length, n * t.length, `ffmpeg decoded ${stdout.length / n} frames, ffprobe lists ${t.length}`);
  return t.map((ti, i) => ({ t: ti, rgba: stdout.subarray(i * n, (i + 1) * n) }));
}

/** Mean absolute difference of the RGB channels of two RGBA images (0–255). */
export function rgbDiff(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i += 4) sum += Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]);
  return sum / ((a.length / 4) * 3);
}

/** Pixels of the page's preview canvases: [{w, h, rgba}] (getImageData, read in the page). */
export async function previewPixels(page, root = '#previews') {
  const got = await page.$$eval(`${root} canvas.frame`, (cs) => cs.map((c) => {
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let s = '';
    for (let i = 0; i < px.length; i += 0x8000) s += String.fromCharCode.apply(null, px.subarray(i, i + 0x8000));
    return { w: c.width, h: c.height, b64: btoa(s) };
  }));
  return got.map((c) => ({ w: c.w, h: c.h, rgba: Buffer.from(c.b64, 'base64') }));
}

/** The longest the previews may take after the report (the page's SETTLE_MS is 4 s). */
const PREVIEW_WAIT = 20_000;

/**
 * Assert the 片头/片尾 previews of `file` on the app `page`: both canvases
 * drawn (opaque, not one flat colour, 320 px wide at the video's aspect) with
 * the frames src/web/preview.rs promises — the frame shown at min(d/2, 1 s)
 * and the one at max(d − 1 s, 0), d the duration — each the closest match
 * among every frame ffmpeg decodes from the file. With `undecodable` (a codec
 * this Chromium cannot play) the page must instead say so, frames hidden.
 * Returns a summary for the test's diagnostics.
 */
export async function assertPreviews(page, file, { undecodable = false } = {}) {
  const name = path.basename(file);
  const el = await page.waitForSelector('#previews[data-state=done], #previews[data-state=failed]', { timeout: PREVIEW_WAIT });
  const state = await el.getAttribute('data-state');
  if (undecodable) {
    assert.equal(state, 'failed', `${name}: previews of an undecodable video`);
    const msg = page.locator('#preview-failed');
    assert.ok(await msg.isVisible(), `${name}: the page says it cannot show the frames`);
    assert.match(await msg.textContent(), /无法解码|cannot decode/);
    assert.equal(await page.locator('#previews .shots').isVisible(), false, `${name}: no empty frames shown`);
    return { state };
  }
  if (state !== 'done') assert.fail(`${name}: previews ${state}: "${await page.locator('#previews').textContent()}"`);
  assert.equal(await page.locator('#preview-failed').count(), 0);
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height:format=duration',
    '-of', 'json', file]);
  const info = JSON.parse(stdout);
  const [W, H, d] = [info.streams[0].width, info.streams[0].height, Number(info.format.duration)];
  const w = 320;
  const h = Math.max(1, Math.floor((w * H) / W));
  const canvases = await previewPixels(page);
  assert.equal(canvases.length, 2, `${name}: two canvases`);
  const frames = await decodeFrames(file, w, h);
  const out = { state, size: `${w}x${h}` };
  for (const [i, [which, at]] of [['start', Math.min(d / 2, 1)], ['end', Math.max(d - 1, 0)]].entries()) {
    const c = canvases[i];
    assert.deepEqual([c.w, c.h], [w, h], `${name} ${which}: canvas size (a canvas never drawn is 300×150)`);
    let opaque = 0;
    let sum = 0;
    let sq = 0;
    for (let p = 0; p < c.rgba.length; p += 4) {
      if (c.rgba[p + 3] === 255) opaque += 1;
      const y = (c.rgba[p] + c.rgba[p + 1] + c.rgba[p + 2]) / 3;
      sum += y;
      sq += y * y;
    }
    const n = c.rgba.length / 4;
    const sd = Math.sqrt(Math.max(0, sq / n - (sum / n) ** 2));
    assert.equal(opaque, n, `${name} ${which}: every pixel drawn (${n - opaque} transparent)`);
    assert.ok(sd > 8, `${name} ${which}: a picture, not a flat colour (luma sd ${sd.toFixed(1)})`);
    // The frame on screen at `at`: the last one that starts at or before it;
    // within 10 ms of a frame boundary either neighbour will do.
    const want = new Set();
    for (const slack of [-0.01, 0, 0.01]) {
      const k = frames.findLastIndex((f) => f.t <= at + slack + 1e-9);
      want.add(Math.max(k, 0));
    }
    const diffs = frames.map((f) => rgbDiff(c.rgba, f.rgba));
    const best = diffs.indexOf(Math.min(...diffs));
    const list = `frames at ${frames.map((f) => f.t).join(' ')} s differ by ${diffs.map((x) => x.toFixed(1)).join(' ')}`;
    assert.ok(want.has(best), `${name} ${which}: the canvas shows the frame at ${frames[best].t} s, not the one at ${at.toFixed(3)} s (${list})`);
    // Close to ffmpeg's frame (scaling and rounding apart), and clearly
    // closer than to any other frame.
    assert.ok(diffs[best] < 6, `${name} ${which}: the canvas differs from ffmpeg's frame by ${diffs[best].toFixed(1)} on average (${list})`);
    const others = diffs.filter((_, k) => !want.has(k));
    if (others.length) assert.ok(Math.min(...others) - diffs[best] >= 1, `${name} ${which}: no clear match (${list})`);
    out[which] = { t: frames[best].t, diff: Number(diffs[best].toFixed(2)), sd: Number(sd.toFixed(1)) };
  }
  return out;
}

// ---------------------------------------------------------------- oracle

/** Build the release CLI once (in the background); resolves to its path. */
export function buildCli() {
  if (process.env.PREFLIGHT_BIN) return Promise.resolve(process.env.PREFLIGHT_BIN);
  return new Promise((ok, fail) => {
    const p = spawn('cargo', ['build', '--release', '--quiet', '--bin', 'preflight'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('error', fail);
    p.on('exit', (code) => (code === 0 ? ok(path.join(ROOT, 'target', 'release', 'preflight')) : fail(new Error(`cargo build --release --bin preflight failed:\n${err}`))));
  });
}

/** `preflight check FILE --profile ID [--category C] [--channel C] --json`. */
export async function oracle(bin, file, profile, { category, channel } = {}) {
  const args = ['check', file, '--profile', profile, '--json'];
  if (category) args.push('--category', category);
  if (channel) args.push('--channel', channel);
  // Exit status 1 means "the video fails": still a report.
  const { stdout } = await run(bin, args, { maxBuffer: 1 << 24 }).catch((e) => {
    if (e.code === 1 && e.stdout) return e;
    throw e;
  });
  return JSON.parse(stdout);
}

// ---------------------------------------------------------------- page readers

/** The page's rule statuses: {ruleId: status} for the rules in #report. */
export function pageStatuses(page) {
  return page.$$eval('#report li[data-rule]', (lis) => Object.fromEntries(lis.map((li) => [li.dataset.rule, li.dataset.status])));
}

export const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** Poll `fn` until it stops throwing (the page re-renders asynchronously). */
export async function eventually(fn, timeout = 5_000) {
  const end = Date.now() + timeout;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((ok) => setTimeout(ok, 50));
    }
  }
}
