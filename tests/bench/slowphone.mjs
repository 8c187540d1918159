// A slow phone's first visit: the built app (dist/) in Debian's headless
// Chromium emulating a mid-range phone — the page's CPU throttled 4× through
// the DevTools protocol (Emulation.setCPUThrottlingRate), a 360×740 touch
// viewport, a network of 1.6 Mbit/s down and 150 ms round trips — served as a
// static host serves (brotli, ETag, revalidation and 304s: ./static-host.mjs),
// from a cold cache, then again through the service worker.
//
//   node tests/bench/slowphone.mjs [--runs N] [--net link|devtools]
//   (run by ./dev bench; a benchmark, not a test)
//
// The network: by default the server sends everything through one emulated
// link (./static-host.mjs shapedLink), shared by the page, its workers and its
// service worker, as a phone's radio is. `--net devtools` uses DevTools'
// Network.emulateNetworkConditions instead (also 750 kbit/s up), which
// throttles the page's own requests only: the service worker's precache then
// arrives at full speed, installs first, and serves the page its wasm, so the
// cold figures come out better than any phone's and vary run to run.
//
// Measured per visit, from the navigation's start (the page's time origin):
//   usable   the contest choice (a <select> of the built-in contests) and the
//            video input are on the page, visible and enabled
//   app      the app itself (main.app, rendered by the wasm) is on the page
//   early    a video picked the moment the picker is usable: its report (the
//            #probe-meta line naming the file) appears at this time
//   report   a video picked once the page has loaded and gone quiet: time from
//            the pick to its report
//   wasm     how often app_bg.wasm was requested (200s and 304s), all of the
//            page's, its workers' and its service worker's requests together
// Writes target/bench/slowphone.json and prints a table against the goals.
// Limits of the emulation: DevTools throttles the page's CPU only (workers run
// at full speed); the link has no TCP slow start and no upload limit (the app
// uploads nothing).

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { DIST, ROOT, launch, sleep } from '../e2e/lib.mjs';
import { staticHost } from './static-host.mjs';

const run = promisify(execFile);
const argv = process.argv.slice(2);
const RUNS = Number(argv[argv.indexOf('--runs') + 1]) || (argv.includes('--runs') ? 1 : 3);
// --net devtools: DevTools' network emulation (the page's own requests only);
// default: the server shapes everything it sends through one emulated link.
const NET = argv.includes('--net') ? argv[argv.indexOf('--net') + 1] : 'link';
const OUT = path.join(ROOT, 'target', 'bench');
const VIDEO = path.join(OUT, 'slowphone-720p.mp4');

export const PHONE = {
  cpu: 4,
  viewport: { width: 360, height: 740 },
  down: 1.6e6, // bit/s
  up: 750e3,
  rtt: 150, // ms
};
const GOAL = { usable: 1000, report: 1000, wasm: 1 };

const ANDROID_UA =
  'Mozilla/5.0 (Linux; Android 13; Pixel 6a) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36';

const log = (...a) => console.error('[slowphone]', ...a);

async function makeVideo() {
  if (fs.existsSync(VIDEO)) return VIDEO;
  fs.mkdirSync(OUT, { recursive: true });
  await run('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', '12', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '128k', '-movflags', '+faststart', VIDEO + '.tmp.mp4',
  ]);
  fs.renameSync(VIDEO + '.tmp.mp4', VIDEO);
  return VIDEO;
}

/** Runs in the page before its scripts: notes when things appear. */
function instrument() {
  if (window.top !== window) return;
  const b = (window.__bench = { usable: null, app: null, picks: [] });
  const shown = (el) => el && !el.disabled && el.getClientRects().length > 0;
  const look = () => {
    const now = performance.now();
    if (b.usable == null) {
      const sel = [...document.querySelectorAll('select')].find((s) => shown(s) && s.querySelector('option[value="sichuan-kepu-2024"]'));
      const inp = [...document.querySelectorAll('input[type=file]')].find((i) => shown(i) && /video/.test(i.accept));
      if (sel && inp) b.usable = now;
    }
    if (b.app == null && document.querySelector('main.app')) b.app = now;
    const meta = document.querySelector('#probe-meta');
    if (meta) for (const p of b.picks) if (p.report == null && meta.textContent.includes(p.name)) p.report = now;
  };
  new MutationObserver(look).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  document.addEventListener('change', (e) => {
    const t = e.target;
    if (t && t.type === 'file' && t.files && t.files.length) b.picks.push({ name: t.files[0].name, at: performance.now(), report: null });
    look();
  }, true);
}

async function phonePage(chrome, origin, name, net) {
  const ctx = await chrome.context(
    { viewport: PHONE.viewport, isMobile: true, hasTouch: true, deviceScaleFactor: 2, userAgent: ANDROID_UA, locale: 'zh-CN' },
    { origins: [origin], name },
  );
  await ctx.addInitScript(instrument);
  const page = await ctx.newPage();
  page.setDefaultTimeout(60_000);
  const cdp = await ctx.newCDPSession(page);
  if (net === 'devtools') {
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: PHONE.rtt,
      downloadThroughput: PHONE.down / 8,
      uploadThroughput: PHONE.up / 8,
    });
  }
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: PHONE.cpu });
  return { ctx, page };
}

/** Wait until the server has answered nothing for `ms`. */
async function quiet(host, ms = 1000, max = 30_000) {
  const t0 = Date.now();
  for (;;) {
    const last = host.log.length ? host.log[host.log.length - 1].at : 0;
    if (Date.now() - Math.max(last, t0) >= ms) return;
    if (Date.now() - t0 > max) return;
    await sleep(100);
  }
}

const bench = (page) => page.evaluate(() => window.__bench);

async function reportOf(page, name) {
  await page.waitForFunction((n) => window.__bench.picks.some((p) => p.name === n && p.report != null), name, { timeout: 60_000 });
  const b = await bench(page);
  return b.picks.find((p) => p.name === name);
}

/**
 * One visit. `early`: pick the video the moment the picker is usable (else
 * once the page has loaded and gone quiet). Returns the figures.
 */
async function visit(page, host, video, { early }) {
  const since = Date.now();
  const before = host.log.length;
  await page.goto(host.url, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__bench && window.__bench.usable != null, null, { timeout: 60_000 });
  let pick;
  if (early) {
    const input = page.locator('input[type=file][accept*=video]').first();
    await input.setInputFiles(video);
    pick = await reportOf(page, path.basename(video));
    await page.waitForFunction(() => window.__bench.app != null);
  } else {
    await page.waitForFunction(() => window.__bench.app != null, null, { timeout: 60_000 });
    await page.waitForSelector('#video-input');
    await quiet(host);
    await page.setInputFiles('#video-input', video);
    pick = await reportOf(page, path.basename(video));
  }
  await quiet(host, 1500);
  const b = await bench(page);
  const mine = host.log.slice(before);
  const wasm = host.count('/app_bg.wasm', since);
  return {
    usable: b.usable,
    app: b.app,
    pickAt: pick.at,
    reportAt: pick.report,
    pickToReport: pick.report - pick.at,
    wasm,
    requests: mine.length,
    notModified: mine.filter((e) => e.status === 304).length,
    bytes: mine.reduce((s, e) => s + e.bytes, 0),
    served: mine.map((e) => `${e.status} ${e.path} ${e.bytes}`),
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};

function summary(runs) {
  const pick = (k) => median(runs.map((r) => (typeof k === 'function' ? k(r) : r[k])));
  return {
    usable: pick('usable'),
    app: pick('app'),
    reportAt: pick('reportAt'),
    pickToReport: pick('pickToReport'),
    wasm: pick((r) => r.wasm.all),
    wasm304: pick((r) => r.wasm.notModified),
    requests: pick('requests'),
    kB: pick('bytes') / 1000,
    n: runs.length,
  };
}

export async function slowPhone({ dist = DIST, runs = RUNS, net = NET } = {}) {
  const video = await makeVideo();
  const host = await staticHost(dist, net === 'devtools' ? {} : { link: { down: PHONE.down / 8, rtt: PHONE.rtt } });
  const chrome = await launch();
  const res = { phone: PHONE, goal: GOAL, runs, net, chromium: chrome.browser.version(), cold: [], early: [], repeat: [] };
  try {
    for (let i = 0; i < runs; i++) {
      // Cold, picked once loaded; then the repeat visit through the service worker.
      {
        const { ctx, page } = await phonePage(chrome, host.origin, `slowphone cold ${i + 1}`, net);
        res.cold.push(await visit(page, host, video, { early: false }));
        log('cold', JSON.stringify(res.cold.at(-1)));
        const sw = await page.evaluate(() =>
          Promise.race([navigator.serviceWorker.ready.then(() => true), new Promise((ok) => setTimeout(() => ok(false), 20_000))]));
        if (sw) {
          res.repeat.push({ ...(await visit(page, host, video, { early: false })), controlled: await page.evaluate(() => !!navigator.serviceWorker.controller) });
          log('repeat', JSON.stringify(res.repeat.at(-1)));
        } else {
          log('repeat: no service worker became ready');
        }
        await ctx.close();
      }
      // Cold, picked the moment the picker is usable.
      {
        const { ctx, page } = await phonePage(chrome, host.origin, `slowphone early ${i + 1}`, net);
        res.early.push(await visit(page, host, video, { early: true }));
        log('early', JSON.stringify(res.early.at(-1)));
        await ctx.close();
      }
    }
  } finally {
    await chrome.close();
    await host.close();
  }
  res.summary = { cold: summary(res.cold), early: summary(res.early), repeat: summary(res.repeat) };
  return res;
}

export function table(res) {
  const ms = (x) => (Number.isFinite(x) ? `${(x / 1000).toFixed(2)} s` : '—');
  const s = res.summary;
  const rows = [
    ['', 'cold visit', 'repeat visit (service worker)', 'goal'],
    ['contest choice and video input usable', ms(s.cold.usable), ms(s.repeat.usable), `≤ ${ms(res.goal.usable)}`],
    ['the app (wasm) running', ms(s.cold.app), ms(s.repeat.app), ''],
    ['pick once loaded → report', ms(s.cold.pickToReport), ms(s.repeat.pickToReport), `≤ ${ms(res.goal.report)}`],
    ['pick the moment usable → its report (from navigation)', ms(s.early.reportAt), '', ''],
    ['app_bg.wasm requests (of them 304)', `${s.cold.wasm} (${s.cold.wasm304})`, `${s.repeat.wasm} (${s.repeat.wasm304})`, `${res.goal.wasm} per visit`],
    ['requests to the server / kB sent', `${s.cold.requests} / ${s.cold.kB.toFixed(0)}`, `${s.repeat.requests} / ${s.repeat.kB.toFixed(0)}`, ''],
  ];
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(w[i])).join(' | ')} |`;
  return [
    `Slow phone (Chromium ${res.chromium}; CPU ${res.phone.cpu}× slower, ${res.phone.viewport.width}×${res.phone.viewport.height}, ` +
      `${res.phone.down / 1e6} Mbit/s down, ${res.phone.up / 1e3} kbit/s up, ${res.phone.rtt} ms RTT ` +
      `(${res.net === 'devtools' ? "DevTools' emulation, page requests only" : 'one link shared by page, workers and service worker'}); ` +
      `brotli, ETag, 304s; median of ${res.runs}):`,
    line(rows[0]),
    line(rows[0].map((_, i) => '-'.repeat(w[i]))),
    ...rows.slice(1).map(line),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) {
    console.error('dist/ is missing: run `trunk build --release` first');
    process.exit(2);
  }
  const res = await slowPhone();
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'slowphone.json'), JSON.stringify(res, null, 1));
  console.log(table(res));
}
