// Shared helpers for the browser tests: a static server for dist/, headless
// Chromium (Debian's, through playwright-core), fixtures made with ffmpeg, and
// small readers for what the page and the processes show.

import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { chromium } from 'playwright-core';

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

// A real Android WeChat (XWEB) user agent.
export const WECHAT_UA =
  'Mozilla/5.0 (Linux; Android 13; V2254A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160117 MMWEBSDK/20240404 MMWEBID/5538 ' +
  'MicroMessenger/8.0.49.2600(0x28003133) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64';

// ---------------------------------------------------------------- server

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
export async function serve(dir = DIST, { delay = () => 0 } = {}) {
  const root = path.resolve(dir);
  const hits = [];
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

/**
 * Debian's Chromium with exactly CHROMIUM_FLAGS, a fresh temporary profile, and
 * the pipe Playwright talks over. Returns {browser, userDataDir, close}.
 */
export async function launch() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'preflight-e2e-'));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    ignoreDefaultArgs: true,
    args: [...CHROMIUM_FLAGS, `--user-data-dir=${userDataDir}`, '--remote-debugging-pipe', '--no-startup-window'],
    timeout: 60_000,
  });
  return {
    browser,
    userDataDir,
    close: async () => {
      await browser.close().catch(() => {});
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Every request any page or worker of a context makes goes into `log`. */
export function recordRequests(context, log) {
  context.on('request', (r) => log.push({ url: r.url(), type: r.resourceType() }));
}

/** Wait until the app has rendered and its worker is up; returns the worker. */
export async function appReady(page) {
  await page.waitForSelector('#profile', { timeout: 30_000 });
  const deadline = Date.now() + 15_000;
  while (page.workers().length === 0) {
    if (Date.now() > deadline) throw new Error('the worker never started');
    await page.waitForTimeout(50);
  }
  return page.workers()[0];
}

/**
 * Count what the worker reads: wrap FileReaderSync.readAsArrayBuffer in the
 * worker and sum the sizes of the slices it reads (independently of the
 * probe's own accounting). Returns a function giving {bytes, calls, max}.
 */
export async function instrumentWorker(worker) {
  // The CRC pass is shared by every worker of the page: count them all.
  if (Array.isArray(worker)) {
    const all = await Promise.all(worker.map((w) => instrumentWorker(w)));
    const sum = (rs) => rs.reduce((a, r) => ({ bytes: a.bytes + r.bytes, calls: a.calls + r.calls, max: Math.max(a.max, r.max) }), { bytes: 0, calls: 0, max: 0 });
    return {
      get: async () => sum(await Promise.all(all.map((x) => x.get()))),
      reset: async () => { await Promise.all(all.map((x) => x.reset())); },
    };
  }
  await worker.evaluate(() => {
    if (self.__reads) return;
    self.__reads = { bytes: 0, calls: 0, max: 0 };
    const orig = FileReaderSync.prototype.readAsArrayBuffer;
    FileReaderSync.prototype.readAsArrayBuffer = function (blob) {
      self.__reads.bytes += blob.size;
      self.__reads.calls += 1;
      self.__reads.max = Math.max(self.__reads.max, blob.size);
      return orig.call(this, blob);
    };
    // The CRC pass reads through a BYOB stream reader into one reused buffer.
    if (self.ReadableStreamBYOBReader) {
      const origRead = ReadableStreamBYOBReader.prototype.read;
      ReadableStreamBYOBReader.prototype.read = function (view) {
        return origRead.call(this, view).then((res) => {
          if (!res.done && res.value) {
            self.__reads.bytes += res.value.byteLength;
            self.__reads.calls += 1;
            self.__reads.max = Math.max(self.__reads.max, res.value.byteLength);
          }
          return res;
        });
      };
    }
  });
  return {
    get: () => worker.evaluate(() => ({ ...self.__reads })),
    reset: () => worker.evaluate(() => Object.assign(self.__reads, { bytes: 0, calls: 0, max: 0 })),
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

function av(size, rate, seconds, out, { codec = 'libx264', audio = 'sine=frequency=440:sample_rate=48000', abr = '64k', src = 'testsrc2' } = {}) {
  const v = codec === 'libx265'
    ? ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-tag:v', 'hvc1']
    : ['-c:v', 'libx264', '-preset', 'ultrafast'];
  return ffmpeg([
    '-f', 'lavfi', '-i', `${src}=size=${size}:rate=${rate}`,
    '-f', 'lavfi', '-i', audio,
    '-t', String(seconds), ...v, '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', abr,
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
    portrait: f('portrait-1080x1920-3s.mp4'),
    long: f('tiny-64x36-301s.mp4'),
    hevc: f('hevc-1080p-3s.mp4'),
    timing: f('timing-1080p-25fps-10s.mp4'), // a realistic 1080p, moov at the end
    pdf: f('scan-2-pages.pdf'),
    png: f('scan.png'),
    heic: f('IMG_0001.heic'),
  };
  // Two at a time: there are few cores, and the browser tests come next.
  const jobs = [
    () => av('1920x1080', 2, 3, fx.land),
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
