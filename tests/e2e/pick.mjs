// The video the user picked last is the one checked, checksummed and
// bundled, whatever the workers do meanwhile, in headless Chromium:
//
// - two picks in one task (A, a 1920×1080 that passes, then B, a 64×36 that
//   fails), and two picks before the worker has loaded its wasm: the report
//   and the bundle's manifest are B's, and `preflight verify` agrees;
// - a worker that crashes, or is ended, in the middle of the CRC pass, or
//   never loads: an error with 重试 (never a spinner), and the retry makes
//   the bundle or the report;
// - a video changed on disk after its check: the bundle is refused with
//   重新检查, in the app and in the JS API.
//
// Imported and run by tests/e2e/run.mjs.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, afterEach, before, describe, it } from 'node:test';

import { DIST, ENGINE_LIMITS, FIXTURES, buildCli, enginesToRun, launch, pageStatuses, reportOn, serve, sleep, unsupported } from './lib.mjs';

const run = promisify(execFile);
const HERE = path.join(FIXTURES, 'pick'); // target/e2e/pick
const SNAP = path.join(HERE, 'dist'); // the served copy of dist/
const PROFILE = 'cujs-video-abstract-2026'; // A passes its video rules, B fails on resolution

let chrome;
let app; // dist/ as it is
let slow; // dist/ with every load of the wasm after the page's own held back 3 s
let fx;
let cli;
const cleanup = [];

async function ffmpeg(args) {
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { maxBuffer: 1 << 24 });
}

function av(size, out) {
  return ffmpeg([
    '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=2`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', '3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', out,
  ]);
}

/**
 * A page of the app at `url` in a context of its own, recorded and allowed
 * only `url`'s origin. `init`: a script run before the page's own;
 * `noServiceWorker`: for a server that holds the wasm back, so that the
 * workers' loads reach it (a service worker that has precached the wasm would
 * serve them at once, from its cache, and hide the wait under test).
 */
async function newPage(url, { init, noServiceWorker = false, name } = {}) {
  const context = await chrome.context(noServiceWorker ? { serviceWorkers: 'block' } : {}, { origins: [new URL(url).origin], name });
  cleanup.push(() => context.close());
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector('#profile', { timeout: 30_000 });
  await page.selectOption('#profile', PROFILE);
  return page;
}

async function workers(page, n) {
  // Elsewhere a worker has no handle (ENGINE_LIMITS.workers): the page holds
  // a pick until its worker is ready, so there is nothing to wait for.
  if (page.engine && page.engine !== 'chromium') return [];
  const end = Date.now() + 15_000;
  while (page.workers().length < n) {
    if (Date.now() > end) throw new Error(`${page.workers().length} workers, not ${n}`);
    await sleep(50);
  }
  return page.workers();
}

/** Both files become the video input's, one after the other, in one task. */
async function pickTwoAtOnce(page, a, b) {
  await page.evaluate(() => {
    const s = document.createElement('input');
    s.type = 'file';
    s.multiple = true;
    s.id = 'scratch';
    document.body.append(s);
  });
  await page.setInputFiles('#scratch', [a, b]);
  await page.evaluate(() => {
    const input = document.querySelector('#video-input');
    for (const f of document.querySelector('#scratch').files) {
      const dt = new DataTransfer();
      dt.items.add(f);
      input.files = dt.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    }
  });
}

/** The CRC pass (started by hand when the video fails), then the download. */
async function download(page, out) {
  const crc = page.locator('#crc-start, #crc-progress, #crc-done').first();
  await crc.waitFor();
  if ((await crc.getAttribute('id')) === 'crc-start') await crc.click();
  const done = await page.waitForSelector('#crc-done', { timeout: 30_000 });
  const bytes = Number(await done.getAttribute('data-bytes'));
  const button = page.locator('#bundle-download, #bundle-force').first();
  const [dl] = await Promise.all([page.waitForEvent('download'), button.click()]);
  await dl.saveAs(out);
  assert.equal(await dl.failure(), null);
  return { crcBytes: bytes };
}

async function verify(zip) {
  try {
    const { stdout } = await run(await cli, ['verify', zip, '--json'], { maxBuffer: 1 << 24 });
    return { code: 0, json: JSON.parse(stdout) };
  } catch (e) {
    if (typeof e.code !== 'number') throw e;
    return { code: e.code, json: e.stdout ? JSON.parse(e.stdout) : null, stderr: e.stderr };
  }
}

const status = (rules, id) => rules.find((r) => r.id === id)?.status;

/** The page, the download and `preflight verify` all speak of `file` (B). */
async function assertAllAbout(page, file, zip, { resolution, verdict }) {
  const want = fs.readFileSync(file);
  const statuses = await pageStatuses(page);
  assert.equal(statuses.resolution, resolution, 'the page: resolution');
  const shown = await page.textContent('#report li[data-rule=resolution]');
  assert.match(shown, /64\s*[×x]\s*36/, `the page shows B's resolution: ${shown}`);
  const { crcBytes } = await download(page, zip);
  assert.equal(crcBytes, want.length, 'the CRC pass read B');
  const { stdout: mtext } = await run('unzip', ['-p', zip, 'manifest.json'], { maxBuffer: 1 << 24 });
  const manifest = JSON.parse(mtext);
  const video = manifest.files.find((f) => f.role === 'video');
  assert.equal(video.size, want.length, 'manifest: the video entry is B\'s size');
  assert.equal(manifest.media.size_bytes, want.length, 'manifest: media size is B\'s');
  assert.deepEqual([manifest.media.video.width, manifest.media.video.height], [64, 36], 'manifest: B\'s resolution');
  assert.equal(status(manifest.rules, 'resolution'), resolution, 'manifest: resolution');
  assert.equal(manifest.verdict, verdict, 'manifest: verdict');
  const { stdout: inZip } = await run('unzip', ['-p', zip, video.name], { encoding: 'buffer', maxBuffer: 1 << 26 });
  assert.ok(Buffer.compare(inZip, want) === 0, 'the zip holds B, byte for byte');
  const v = await verify(zip);
  assert.ok(v.json, `preflight verify: ${v.stderr}`);
  assert.equal(v.json.whole, true);
  assert.equal(status(v.json.report.rules, 'resolution'), resolution, 'preflight verify: resolution');
  assert.equal(v.json.report.verdict, manifest.verdict, 'preflight verify agrees with the manifest');
  assert.equal(v.json.report.media.size_bytes, want.length);
  assert.equal(v.code, verdict === 'fail' ? 1 : 0);
}

for (const engine of enginesToRun()) describe(`the latest pick is what is checked and bundled (${engine})`, { timeout: 300_000 }, () => {
  before(async () => {
    assert.ok(fs.existsSync(path.join(DIST, 'index.html')), 'dist/ is missing: run `trunk build --release` first');
    fs.rmSync(HERE, { recursive: true, force: true });
    fs.mkdirSync(HERE, { recursive: true });
    cli = buildCli();
    cli.catch(() => {});
    fs.cpSync(DIST, SNAP, { recursive: true });
    fx = { a: path.join(HERE, 'a-1920x1080.mp4'), b: path.join(HERE, 'b-64x36.mp4') };
    [app, slow, chrome] = await Promise.all([
      serve(SNAP, { engine }),
      // The workers' loads of app.js (the page's is the first) held back 3 s:
      // a worker is ready only once it has app.js and the page's module.
      serve(SNAP, { engine, delay: (p, n) => (p === '/app.js' && n > 1 ? 3_000 : 0) }),
      launch(engine),
      av('1920x1080', fx.a),
      av('64x36', fx.b),
    ]);
  });

  // A WebKit context is a MiniBrowser of its own, a Firefox one holds its
  // decoders: each test's go when it ends.
  afterEach(async () => {
    if (engine === 'chromium') return;
    for (const c of cleanup.splice(0).reverse()) await c().catch(() => {});
  });

  after(async () => {
    for (const c of cleanup.splice(0).reverse()) await c().catch(() => {});
    await chrome?.close();
    await Promise.all([app, slow].map((s) => s?.close()));
  });

  it('A then B in one task: the report and the bundle are B\'s', async () => {
    const page = await newPage(app.url, { name: 'pick: A then B in one task' });
    await workers(page, 1);
    await pickTwoAtOnce(page, fx.a, fx.b);
    await reportOn(page, fx.b);
    // A's answer, if late, must not replace B's.
    await sleep(500);
    await assertAllAbout(page, fx.b, path.join(HERE, 'one-task.zip'), { resolution: 'fail', verdict: 'fail' });
    assert.deepEqual(page.errors, []);
  });

  it('A then B before the worker has its wasm: the report and the bundle are B\'s', async (t) => {
    if (unsupported(t, engine, 'noServiceWorker')) return;
    const page = await newPage(slow.url, { noServiceWorker: true, name: 'pick: A then B before the wasm' });
    const t0 = Date.now();
    await page.setInputFiles('#video-input', fx.a);
    await page.setInputFiles('#video-input', fx.b);
    await reportOn(page, fx.b);
    assert.ok(Date.now() - t0 >= 2_000, 'both picks came before the worker was ready');
    assert.ok(slow.hits.filter((p) => p === '/app.js').length >= 2, 'a worker loaded app.js');
    await sleep(500);
    await assertAllAbout(page, fx.b, path.join(HERE, 'before-ready.zip'), { resolution: 'fail', verdict: 'fail' });
    assert.deepEqual(page.errors, []);
  });

  // Every read of the CRC pass in this worker waits for good: the pass stays
  // running (until the stall limit gives the stream up, 10 s later).
  const holdReads = () => {
    ReadableStreamBYOBReader.prototype.read = function () { return new Promise(() => {}); };
  };

  /** After the retry: the pass completes and the bundle is A's. */
  async function retryMakesTheBundle(page, zip) {
    await page.click('#crc-retry');
    await page.waitForSelector('#crc-done', { timeout: 30_000 });
    assert.equal(await page.$('#crc-error'), null);
    await download(page, zip);
    const { stdout } = await run('unzip', ['-p', zip, 'manifest.json'], { maxBuffer: 1 << 24 });
    const manifest = JSON.parse(stdout);
    assert.equal(manifest.files.find((f) => f.role === 'video').size, fs.statSync(fx.a).size);
    assert.deepEqual([manifest.media.video.width, manifest.media.video.height], [1920, 1080]);
    const v = await verify(zip);
    assert.equal(v.json?.whole, true, `preflight verify: ${v.stderr}`);
    assert.equal(v.json.report.verdict, manifest.verdict);
  }

  it('a worker that crashes in the middle of the CRC pass: an error with 重试, and the retry bundles', async (t) => {
    if (unsupported(t, engine, 'workers')) return;
    const page = await newPage(app.url, { name: 'pick: a worker crashes' });
    const [w] = await workers(page, 1); // a video under 64 MiB is one share, on the first worker
    await w.evaluate(holdReads);
    await page.setInputFiles('#video-input', fx.a);
    await reportOn(page, fx.a);
    await page.waitForSelector('#crc-progress', { timeout: 30_000 }); // A passes: the pass starts by itself
    // An uncaught error in the worker, as a wasm trap is.
    await w.evaluate(() => { setTimeout(() => { throw new Error('this worker crashed'); }, 0); });
    const err = await page.waitForSelector('#crc-error', { timeout: 5_000 });
    assert.equal(await err.getAttribute('data-error'), 'worker_failed');
    assert.match(await err.textContent(), /重试|Retry/);
    assert.equal(await page.$('#probe-error'), null, 'the crash is not shown as a probe failure');
    assert.match(await page.textContent('#probe-meta'), /a-1920x1080\.mp4/);
    assert.equal(await page.$('#crc-progress'), null, 'no spinner left running');
    await retryMakesTheBundle(page, path.join(HERE, 'after-crash.zip'));
  });

  it('a worker ended in the middle of the CRC pass: an error with 重试 once it has been silent 30 s', async (t) => {
    if (unsupported(t, engine, 'workers', 'initScript')) return;
    // The page's Workers, kept where the test can end one (as the browser
    // may end a worker without telling the page).
    const page = await newPage(app.url, {
      name: 'pick: a worker ended',
      init: () => {
        const W = window.Worker;
        window.__workers = [];
        window.Worker = class extends W {
          constructor(...a) { super(...a); window.__workers.push(this); }
        };
      },
    });
    const [w] = await workers(page, 1);
    await w.evaluate(holdReads);
    await page.setInputFiles('#video-input', fx.a);
    await reportOn(page, fx.a);
    await page.waitForSelector('#crc-progress', { timeout: 30_000 });
    const t0 = Date.now();
    await page.evaluate(() => window.__workers[0].terminate());
    const err = await page.waitForSelector('#crc-error', { timeout: 45_000 });
    assert.ok(Date.now() - t0 >= 25_000, 'not before the worker has been silent for the limit');
    assert.equal(await err.getAttribute('data-error'), 'worker_failed');
    assert.equal(await page.$('#probe-error'), null);
    await retryMakesTheBundle(page, path.join(HERE, 'after-end.zip'));
  });

  it('a worker that never says it is ready: the probe ends in an error with 重试 after 30 s; the retry checks the video', async (t) => {
    if (unsupported(t, engine, 'noServiceWorker')) return;
    // Every load of app.js after the page's own, for 25 s, is held back
    // 35 s (past the 30 s the page waits for a worker): the workers' first
    // loads. The retry's come later and are served at once.
    const until = Date.now() + 25_000;
    const held = await serve(SNAP, { engine, delay: (p, n) => (p === '/app.js' && n > 1 && Date.now() < until ? 35_000 : 0) });
    cleanup.push(() => held.close());
    const page = await newPage(held.url, { noServiceWorker: true, name: 'pick: a worker never ready' });
    const t0 = Date.now();
    await page.setInputFiles('#video-input', fx.a);
    const err = await page.waitForSelector('#probe-error', { timeout: 45_000 });
    assert.ok(Date.now() - t0 >= 25_000, 'not before the limit');
    assert.equal(await err.getAttribute('data-error'), 'worker_failed');
    assert.match(await err.textContent(), /a-1920x1080\.mp4/);
    const t1 = Date.now();
    await page.click('#probe-retry');
    await reportOn(page, fx.a);
    t.diagnostic(`error after ${t1 - t0} ms; report ${Date.now() - t1} ms after the retry`);
    assert.equal((await pageStatuses(page)).resolution, 'pass');
    assert.deepEqual(page.errors, []);
  });

  it('a video changed on disk after its check: the bundle is refused with 重新检查; picked again, B is bundled', async (t) => {
    const page = await newPage(app.url, { name: 'pick: a video changed on disk' });
    const file = path.join(HERE, 'changing.mp4');
    fs.copyFileSync(fx.a, file);
    await page.setInputFiles('#video-input', file);
    await reportOn(page, file);
    await page.waitForSelector('#crc-done', { timeout: 30_000 });
    // Replaced under the same name after the check, as an editor re-export is.
    fs.copyFileSync(fx.b, file);
    const later = new Date(Date.now() + 10_000);
    fs.utimesSync(file, later, later);
    const downloads = [];
    page.on('download', (d) => downloads.push(d));
    await page.locator('#bundle-download, #bundle-force').first().click();
    const err = await page.waitForSelector('#bundle-error', { timeout: 10_000 });
    assert.equal(await err.getAttribute('data-error'), 'video_changed');
    assert.match(await err.textContent(), /重新检查/);
    await sleep(500);
    assert.equal(downloads.length, 0, 'nothing was downloaded');
    if (engine === 'chromium') {
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#bundle-recheck')]);
      await chooser.setFiles(file);
    } else {
      // The file chooser 重新检查 opens is not reported here: pick again as the chooser would.
      t.diagnostic(`重新检查's file chooser not opened on ${engine}: ${ENGINE_LIMITS.filechooser[engine]}`);
      assert.ok(await page.isVisible('#bundle-recheck'));
      await page.setInputFiles('#video-input', file);
    }
    await page.waitForFunction(() => document.querySelector('#report li[data-rule=resolution]')?.dataset.status === 'fail');
    assert.equal(await page.$('#bundle-error'), null, 'the refusal is gone with the new pick');
    await assertAllAbout(page, file, path.join(HERE, 'rechecked.zip'), { resolution: 'fail', verdict: 'fail' });
    assert.deepEqual(page.errors, []);
  });

  it('JS API: bundle() refuses a video changed on disk since it was picked', async () => {
    fs.writeFileSync(path.join(SNAP, 'pick-api.html'), '<!doctype html><meta charset="utf-8"><title>API</title>\n<script src="embed/preflight-embed.js"></script>\n<input type="file" id="files">\n');
    const context = await chrome.context({}, { origins: [app.origin], name: 'pick: JS API, a video changed on disk' });
    cleanup.push(() => context.close());
    const page = await context.newPage();
    await page.goto(app.url + 'pick-api.html');
    assert.equal(await page.evaluate(() => window.Preflight.ready()), true);
    const file = path.join(HERE, 'api-changing.mp4');
    fs.copyFileSync(fx.a, file);
    await page.setInputFiles('#files', file);
    const bundle = () => page.evaluate(() => window.Preflight.bundle({
      // The contest has two channels whose requirements differ: the API asks for one, as the CLI does.
      profile: 'cujs-video-abstract-2026', channel: 'personal', video: document.querySelector('#files').files[0], force: true,
    }).then((b) => ({ ok: b.manifest.files.find((f) => f.role === 'video').size }), (e) => ({ err: e })));
    const first = await bundle();
    assert.equal(first.ok, fs.statSync(fx.a).size, `the unchanged file is bundled: ${JSON.stringify(first)}`);
    fs.copyFileSync(fx.b, file);
    const later = new Date(Date.now() + 10_000);
    fs.utimesSync(file, later, later);
    const second = await bundle();
    assert.equal(second.err?.code, 'video_changed', JSON.stringify(second));
    assert.ok(second.err.message_zh && second.err.message_en);
  });
});
