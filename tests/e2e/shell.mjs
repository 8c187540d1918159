// The page shell: on a slow network the contest choice and the video input
// work before the wasm has arrived, and what the user does there is not lost.
// In each engine (Chromium, Firefox ESR, WebKitGTK), served as a static host
// serves (brotli, ETag, 304s: tests/bench/static-host.mjs), with the wasm held
// back by the server, which also counts what it answered (so no engine's
// request log is needed):
//
// - the contest choice and the video input are on the page, usable, while the
//   wasm is held; a contest chosen and a video picked there are kept, and once
//   the wasm arrives the app shows that contest and that video's report;
// - the shell lists the same contests as the app, in the same order;
// - a visit requests the wasm once (the page compiles it and hands the module
//   to its workers; the service worker precaches it from the HTTP cache), and
//   a repeat visit through the service worker not at all;
// - where the module cannot be handed to a worker (an engine that cannot
//   clone a WebAssembly.Module), the workers load the wasm themselves (a
//   script run before the page's own stands for that engine: not on WebKit,
//   whose driver cannot run one, as the test says by name).
//
// Imported and run by tests/e2e/run.mjs.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, afterEach, before, describe, it } from 'node:test';

import { DIST, FIXTURES, PROFILES, enginesToRun, launch, reportOn, sleep, unsupported } from './lib.mjs';
import { staticHost } from '../bench/static-host.mjs';

const run = promisify(execFile);
const HERE = path.join(FIXTURES, 'shell'); // target/e2e/shell
const WASM = '/app_bg.wasm';

let chrome;
let host;
let video;
const cleanup = [];

async function newPage({ init, name } = {}) {
  const context = await chrome.context({}, { origins: [host.origin], name });
  cleanup.push(() => context.close());
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  return page;
}

/** The visible contest choice and video input on the page now, if any. */
function picker(page) {
  return page.evaluate(() => {
    const shown = (el) => el && !el.disabled && el.getClientRects().length > 0;
    const select = [...document.querySelectorAll('select')].find((s) => shown(s) && s.querySelector('option[value="sichuan-kepu-2024"]'));
    const input = [...document.querySelectorAll('input[type=file]')].find((i) => shown(i) && /video/.test(i.accept));
    return { select: select ? select.id : null, input: input ? input.id : null };
  });
}

/** Until the service worker is active and the server has been quiet a while. */
async function settle(page) {
  const sw = await page.evaluate(() =>
    Promise.race([navigator.serviceWorker.ready.then(() => true), new Promise((ok) => setTimeout(() => ok(false), 20_000))]));
  assert.ok(sw, 'the service worker became active');
  for (;;) {
    const last = host.log.at(-1)?.at ?? 0;
    if (Date.now() - last > 1000) return;
    await sleep(100);
  }
}

for (const engine of enginesToRun()) describe(`the page shell, before and after the wasm (${engine})`, { timeout: 300_000 }, () => {
  before(async () => {
    assert.ok(fs.existsSync(path.join(DIST, 'index.html')), 'dist/ is missing: run `trunk build --release` first');
    fs.mkdirSync(HERE, { recursive: true });
    // Serve a copy, so that a rebuild of dist/ meanwhile cannot mix two builds.
    const snap = path.join(HERE, 'dist');
    fs.rmSync(snap, { recursive: true, force: true });
    fs.cpSync(DIST, snap, { recursive: true });
    video = path.join(HERE, 'shell-640x360.mp4');
    if (!fs.existsSync(video)) {
      await run('ffmpeg', [
        '-hide_banner', '-loglevel', 'error', '-y',
        '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25',
        '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
        '-t', '3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', video,
      ]);
    }
    [chrome, host] = await Promise.all([launch(engine), staticHost(snap)]);
  });

  // A WebKit context is a MiniBrowser of its own: each test's go when it ends.
  afterEach(async () => {
    if (engine === 'chromium') return;
    for (const c of cleanup.splice(0).reverse()) await c().catch(() => {});
  });

  after(async () => {
    for (const c of cleanup.splice(0).reverse()) await c().catch(() => {});
    await chrome?.close();
    await host?.close();
  });

  it('a contest chosen and a video picked before the wasm arrives are kept, and the video is checked', async () => {
    const release = host.hold(WASM);
    let released = false;
    try {
      const page = await newPage({ name: 'shell: held wasm' });
      await page.goto(host.url);
      // The page has asked for the wasm and is waiting for it.
      const end = Date.now() + 15_000;
      while (host.waiting(WASM) === 0) {
        assert.ok(Date.now() < end, 'the page never asked for the wasm');
        await sleep(50);
      }
      let p = await picker(page);
      for (let i = 0; i < 20 && !(p.select && p.input); i++) {
        await sleep(100);
        p = await picker(page);
      }
      assert.ok(p.select && p.input, `the contest choice and the video input are usable while the wasm is held: ${JSON.stringify(p)}`);
      assert.equal(await page.$('main.app'), null, 'the app itself is not running yet');
      await page.selectOption(`#${p.select}`, 'sichuan-kepu-2024');
      await page.setInputFiles(`#${p.input}`, video);
      // The page says it holds the video until the checker has loaded.
      await page.waitForFunction((n) => document.body.textContent.includes(n), path.basename(video));
      await sleep(300);
      assert.ok(host.waiting(WASM) >= 1, 'the wasm was still held when the video was picked');
      release();
      released = true;
      await reportOn(page, video);
      assert.equal(await page.inputValue('#profile'), 'sichuan-kepu-2024', 'the contest chosen in the shell');
      // The contest's own choices are shown (Sichuan's categories), and the
      // choice is remembered as the user's.
      await page.waitForSelector('input[name=category][value=bilingual]');
      await page.waitForFunction(() => (localStorage.getItem('preflight.v2|app') || '').endsWith('|sichuan-kepu-2024'));
      assert.deepEqual(page.errors, []);
    } finally {
      if (!released) release();
    }
  });

  it('the shell lists the contests the app lists, in its order', async () => {
    const release = host.hold(WASM);
    let shell;
    try {
      const page = await newPage({ name: 'shell: contests' });
      await page.goto(host.url);
      await page.waitForFunction(() => [...document.querySelectorAll('select')].some((s) => s.options.length > 1), null, { timeout: 10_000 });
      shell = await page.$$eval('select option', (os) => os.map((o) => [o.value, o.textContent.trim()]));
      release();
      await page.waitForSelector('main.app #profile');
      const app = await page.$$eval('#profile option', (os) => os.map((o) => [o.value, o.textContent.trim()]));
      assert.deepEqual(shell, app);
      assert.deepEqual(app.map((o) => o[0]), PROFILES);
    } finally {
      release();
    }
  });

  /** A first visit: the app checks `video`, and the service worker becomes active. */
  async function firstVisit(page) {
    await page.goto(host.url);
    await page.waitForSelector('main.app #video-input');
    await page.setInputFiles('#video-input', video);
    await reportOn(page, video);
    await settle(page);
  }

  it('one visit requests the wasm once (page, workers and service worker)', async (t) => {
    if (unsupported(t, engine, 'httpCache')) return;
    const page = await newPage({ name: 'shell: wasm once' });
    const t0 = Date.now();
    await firstVisit(page);
    // Only Playwright has a handle on a page's workers; elsewhere the report above came from them.
    if (engine === 'chromium') assert.ok(page.workers().length >= 1, 'workers were started');
    const first = host.count(WASM, t0);
    assert.equal(first.all, 1, `requests for the wasm in the first visit: ${JSON.stringify(first)}`);
    assert.deepEqual(page.errors, []);
  });

  it('the repeat visit, through the service worker, requests the wasm not at all', async () => {
    const page = await newPage({ name: 'shell: wasm cached' });
    await firstVisit(page);
    const t1 = Date.now();
    await page.reload();
    await page.waitForSelector('main.app #video-input');
    await page.setInputFiles('#video-input', video);
    await reportOn(page, video);
    await settle(page);
    assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), 'the repeat visit is served by the service worker');
    assert.equal(host.count(WASM, t1).all, 0, 'requests for the wasm in the repeat visit');
    assert.deepEqual(page.errors, []);
  });

  it('where a WebAssembly.Module cannot be posted to a worker, the workers load the wasm themselves', async (t) => {
    if (unsupported(t, engine, 'initScript')) return;
    // As in an engine that cannot clone a Module: posting one throws.
    const page = await newPage({
      name: 'shell: no module cloning',
      init: () => {
        const post = Worker.prototype.postMessage;
        Worker.prototype.postMessage = function (m, ...rest) {
          const has = (v) => v instanceof WebAssembly.Module || (v && typeof v === 'object' && Object.values(v).some((x) => x instanceof WebAssembly.Module));
          if (has(m)) throw new DOMException('WebAssembly.Module could not be cloned', 'DataCloneError');
          return post.call(this, m, ...rest);
        };
      },
    });
    const t0 = Date.now();
    await page.goto(host.url);
    await page.waitForSelector('main.app #video-input');
    await page.setInputFiles('#video-input', video);
    await reportOn(page, video);
    assert.ok(host.count(WASM, t0).all >= 2, 'the workers asked for the wasm themselves');
    assert.deepEqual(page.errors, []);
  });
});
