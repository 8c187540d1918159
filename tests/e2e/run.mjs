// Preflight's browser tests: the built app (dist/, from `trunk build --release`)
// in Debian's headless Chromium, driven by playwright-core, with node's own
// test runner. Run by `./dev test` as `node tests/e2e/run.mjs`.
//
// Fixtures are made with ffmpeg into target/e2e/; screenshots go to
// target/screenshots/. The release CLI (`preflight check --json`) is the oracle
// for the video rules (set PREFLIGHT_BIN to use another build of it).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  DIST, FIXTURES, PROFILES, SHOTS, WECHAT_UA,
  appReady, boxes, buildCli, eventually, instrumentWorker, jsHeapUsed, launch, makeFixtures,
  makeSparseMp4, oracle, pageStatuses, recordRequests, rendererPeakRss, serve,
} from './lib.mjs';
import './embed.mjs'; // the embedded widget, the JS API, iframe mode, offline, styles
import './trust.mjs'; // drafts per origin and contest, expiry, two tabs, no storage, origins, updates

const KiB = 1024;
const MB = 1024 * 1024;

let server;
let chrome;
let fx;
let cli; // Promise of the CLI's path, built while the first tests run
const requests = []; // every request of every page and worker
const cleanup = [];

async function newPage(options = {}) {
  const context = await chrome.browser.newContext(options);
  recordRequests(context, requests);
  cleanup.push(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.errors = errors;
  await page.goto(server.url);
  page.worker = await appReady(page);
  return page;
}

async function chooseProfile(page, id) {
  await page.selectOption('#profile', id);
  await page.waitForFunction((id) => document.querySelector('#profile')?.value === id, id);
}

/** Set a video and wait for its report (the #probe-meta line names the file). */
async function chooseVideo(page, file, timeout = 60_000) {
  const name = path.basename(file);
  await page.setInputFiles('#video-input', file);
  await page.waitForFunction(
    (name) => document.querySelector('#probe-meta')?.textContent.includes(name) || document.querySelector('#probe-error'),
    name,
    { timeout },
  );
  const err = await page.$('#probe-error');
  assert.equal(err && (await err.textContent()), null, `probe of ${name} failed`);
  await page.waitForSelector('#verdict');
  return page.$eval('#probe-meta', (el) => ({ ...el.dataset, text: el.textContent }));
}


/** A hard link under a new name, so that each pick has a name of its own. */
function alias(file, name) {
  const to = path.join(FIXTURES, name);
  fs.rmSync(to, { force: true });
  fs.linkSync(file, to);
  return to;
}

describe('Preflight in headless Chromium', { timeout: 600_000 }, () => {
  before(async () => {
    assert.ok(fs.existsSync(path.join(DIST, 'index.html')), 'dist/ is missing: run `trunk build --release` first');
    cli = buildCli();
    cli.catch(() => {}); // awaited by the test that needs it
    // Serve a copy, so that a rebuild of dist/ meanwhile cannot mix two builds.
    const snapshot = path.join(FIXTURES, 'dist');
    fs.mkdirSync(FIXTURES, { recursive: true });
    fs.rmSync(snapshot, { recursive: true, force: true });
    fs.cpSync(DIST, snapshot, { recursive: true });
    [server, chrome, fx] = await Promise.all([serve(snapshot), launch(), makeFixtures()]);
  });

  after(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => {});
    await chrome?.close();
    await server?.close();
  });

  it('form: counts 102 characters against 100, restores everything after a reload, and starts over', async () => {
    const page = await newPage();
    await chooseProfile(page, 'sichuan-kepu-2024');
    await page.check('input[name=category][value=bilingual]');
    await page.check('input[name=channel][value=self]');
    await page.waitForSelector('#f-summary');

    const summary = '科学普及视频内容简介讲述长江流域湿地生态保护与候鸟迁徙的故事以及科研人员多年来的野外观测记录和发现'
      .repeat(3).slice(0, 102);
    assert.equal([...summary].length, 102);
    await page.locator('#f-summary').pressSequentially(summary);
    await eventually(async () => assert.match(await page.textContent('#count-summary'), /^102 \/ 100\b/));
    assert.match(await page.getAttribute('#count-summary', 'class'), /\bover\b/);
    const err = page.locator('.field[data-field=summary] .field-error');
    await err.first().waitFor();
    assert.match(await err.first().textContent(), /102/);

    const texts = {
      '#f-title': '湿地里的候鸟',
      '#f-domain': '生态环境',
      '#f-authors': '张三、李四',
      '#f-broadcast_url': 'https://example.com/v/123',
      '#f-contact': '王五',
      '#f-mobile': '13912345678',
      '#f-address': '四川省成都市武侯区人民南路四段 1 号',
      '#f-email': 'wangwu@example.com',
      '#f-first_broadcast': '2024-03-01',
      '#f-innovation': '用延时摄影展示迁徙全过程。',
    };
    for (const [sel, v] of Object.entries(texts)) await page.fill(sel, v);
    const option = await page.$$eval('#f-video_category option', (os) => os.map((o) => o.value).find((v) => v));
    await page.selectOption('#f-video_category', option);

    const filled = async () => ({
      profile: await page.inputValue('#profile'),
      category: await page.$eval('input[name=category]:checked', (i) => i.value),
      channel: await page.$eval('input[name=channel]:checked', (i) => i.value),
      summary: await page.inputValue('#f-summary'),
      video_category: await page.inputValue('#f-video_category'),
      ...Object.fromEntries(await Promise.all(Object.keys(texts).map(async (s) => [s, await page.inputValue(s)]))),
    });
    const want = { profile: 'sichuan-kepu-2024', category: 'bilingual', channel: 'self', summary, video_category: option, ...texts };
    assert.deepEqual(await filled(), want);
    const stored = await page.evaluate(() => localStorage.getItem('preflight.v2|app|sichuan-kepu-2024'));
    assert.ok(stored?.includes(summary), 'the contest\'s draft holds the summary');

    await page.reload();
    await appReady(page);
    await page.waitForSelector('#f-summary');
    await eventually(async () => assert.deepEqual(await filled(), want));
    assert.match(await page.textContent('#count-summary'), /^102 \/ 100\b/);
    assert.ok((await err.count()) >= 1, 'the error is shown again after the reload');

    // Dismissing the confirm keeps everything.
    const dialogs = [];
    page.once('dialog', (d) => { dialogs.push(d.type()); d.dismiss(); });
    await page.click('#reset');
    await eventually(() => assert.equal(dialogs.length, 1));
    assert.deepEqual(await filled(), want);

    // Accepting it clears everything, also after a reload.
    page.once('dialog', (d) => { dialogs.push(d.type()); d.accept(); });
    await page.click('#reset');
    await eventually(() => assert.equal(dialogs.length, 2));
    assert.deepEqual(dialogs, ['confirm', 'confirm']);
    const empty = () => eventually(async () => {
      assert.equal(await page.inputValue('#profile'), 'sichuan-kepu-2024');
      assert.equal(await page.inputValue('#f-summary'), '');
      assert.equal(await page.inputValue('#f-title'), '');
      assert.equal(await page.inputValue('#f-video_category'), '');
      assert.equal(await page.$eval('input[name=channel]:checked', (i) => i.value), 'recommend');
      assert.equal(await page.$eval('input[name=category]:checked', (i) => i.value), 'kepu');
      assert.match(await page.textContent('#count-summary'), /^0 \/ 100\b/);
      assert.equal(await page.locator('.field-error').count(), 0);
      assert.ok(!(await page.evaluate(() => JSON.stringify(localStorage))).includes('湿地'));
    });
    // Back to the first contest, nothing typed is kept.
    await eventually(async () => {
      assert.equal(await page.inputValue('#profile'), PROFILES[0]);
      assert.ok(!(await page.evaluate(() => JSON.stringify(localStorage))).includes('湿地'));
    });
    await chooseProfile(page, 'sichuan-kepu-2024');
    await empty();
    await page.reload();
    await appReady(page);
    await empty();
    assert.deepEqual(page.errors, []);
  });

  it('scans: a PDF and a PNG are listed (pages, thumbnail), a HEIC is refused', async () => {
    const page = await newPage();
    await chooseProfile(page, 'sichuan-kepu-2024');
    await page.check('input[name=channel][value=self]');
    const slot = page.locator('.slot[data-slot=self_form]');
    await page.waitForSelector('#att-self_form');

    await page.setInputFiles('#att-self_form', fx.pdf);
    const pdfRow = slot.locator('li.file', { hasText: path.basename(fx.pdf) });
    await pdfRow.waitFor();
    await eventually(async () => assert.match(await pdfRow.textContent(), /2 页/));

    await page.setInputFiles('#att-self_form', fx.png);
    const pngRow = slot.locator('li.file', { hasText: path.basename(fx.png) });
    await pngRow.waitFor();
    const thumb = pngRow.locator('img.thumb');
    await thumb.waitFor();
    assert.match(await thumb.getAttribute('src'), /^blob:/);
    await eventually(async () => assert.equal(await thumb.evaluate((i) => i.complete && i.naturalWidth), 240));

    await page.setInputFiles('#att-self_form', fx.heic);
    const refused = slot.locator('.field-error[data-error=heic_scan]');
    await refused.waitFor();
    assert.match(await refused.textContent(), /HEIC/);
    assert.equal(await slot.locator('li.file').count(), 2);
    assert.equal(await slot.locator('li.file', { hasText: 'IMG_0001' }).count(), 0);
    assert.deepEqual(page.errors, []);
  });

  for (const [name, opts] of [
    ['wechat-360x740', { viewport: { width: 360, height: 740 }, userAgent: WECHAT_UA, isMobile: true, hasTouch: true, deviceScaleFactor: 2, locale: 'zh-CN' }],
    ['desktop-1280x800', { viewport: { width: 1280, height: 800 }, locale: 'zh-CN' }],
  ]) {
    it(`layout ${name}: no horizontal scroll, WeChat notice only in WeChat, screenshots`, async () => {
      const page = await newPage(opts);
      const wechat = name.startsWith('wechat');
      const overflow = () => page.evaluate(() => {
        const w = window.innerWidth;
        const wide = [...document.querySelectorAll('body *')]
          .filter((el) => el.getClientRects().length && el.getBoundingClientRect().right > w + 0.5)
          .filter((el) => getComputedStyle(el).visibility !== 'hidden')
          .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')} right=${Math.round(el.getBoundingClientRect().right)}`);
        return { scrollWidth: document.documentElement.scrollWidth, innerWidth: w, wide: wide.slice(0, 8) };
      });
      const noScroll = async (when) => {
        const o = await overflow();
        assert.ok(o.scrollWidth <= o.innerWidth, `${when}: scrollWidth ${o.scrollWidth} > innerWidth ${o.innerWidth}`);
        assert.deepEqual(o.wide, [], `${when}: elements past the right edge`);
      };
      await noScroll('first view');
      assert.equal(await page.isVisible('#wechat-notice'), wechat);
      assert.equal(await page.locator('#wechat-notice').count(), wechat ? 1 : 0);
      fs.mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, `${name}-top.png`) });

      await chooseProfile(page, 'sichuan-kepu-2024');
      await page.check('input[name=channel][value=self]');
      await chooseVideo(page, fx.land);
      await page.waitForSelector('#previews[data-state=done], #previews[data-state=failed]', { timeout: 15_000 }).catch(() => {});
      await page.setInputFiles('#att-self_form', fx.png);
      await page.locator('img.thumb').waitFor();
      await page.fill('#f-title', '湿地里的候鸟：一段很长很长的标题用来检查换行是否正常而不会撑宽页面WithAVeryLongUnbrokenLatinWordInside');
      await noScroll('with a report, previews and a scan');
      assert.equal(await page.isVisible('#wechat-notice'), wechat);
      await page.evaluate(() => document.querySelector('#probe-meta').scrollIntoView({ block: 'start' }));
      await page.screenshot({ path: path.join(SHOTS, `${name}-report.png`) });
      await page.screenshot({ path: path.join(SHOTS, `${name}-full.png`), fullPage: true });
      assert.deepEqual(page.errors, []);
    });
  }

  it('video checks agree with `preflight check --json` for all five profiles', async (t) => {
    const bin = await cli;
    const page = await newPage();
    // What the notices imply, beyond agreeing with the CLI.
    const expect = {
      land: { 'sichuan-kepu-2024': { duration: 'fail' }, 'cujs-video-abstract-2026': { duration: 'pass', orientation: 'pass' } },
      portrait: { 'cujs-video-abstract-2026': { orientation: 'warn' }, 'kepu-light-2026': { orientation: 'fail' } },
      long: { 'cujs-video-abstract-2026': { duration: 'fail' } },
      hevc: { 'cujs-video-abstract-2026': { video_codec: 'warn' } },
    };
    for (const video of Object.keys(expect)) {
      const file = fx[video];
      const meta = await chooseVideo(page, file);
      assert.ok(Number(meta.bytesRead) > 0);
      for (const profile of PROFILES) {
        await chooseProfile(page, profile);
        const choice = await page.evaluate(() => ({
          category: document.querySelector('input[name=category]:checked')?.value,
          channel: document.querySelector('input[name=channel]:checked')?.value,
        }));
        const report = await oracle(bin, file, profile, choice);
        const want = Object.fromEntries(report.rules.filter((r) => r.kind === 'video').map((r) => [r.id, r.status]));
        assert.ok(Object.keys(want).length >= 5, `${profile}: the CLI reports video rules`);
        const got = await eventually(async () => {
          const all = await pageStatuses(page);
          const mine = Object.fromEntries(Object.keys(want).map((id) => [id, all[id]]));
          assert.deepEqual(mine, want, `${video} × ${profile}: page vs CLI`);
          return all;
        });
        for (const [id, status] of Object.entries(expect[video][profile] ?? {})) {
          assert.equal(got[id], status, `${video} × ${profile}: ${id}`);
        }
        // The page also weighs the (empty) form, so it can only be stricter.
        const verdict = await page.getAttribute('#verdict', 'class');
        if (report.verdict === 'fail') assert.match(verdict, /\bfail\b/, `${video} × ${profile}: verdict`);
      }
      if (video === 'hevc') {
        const state = await page.getAttribute('#previews', 'data-state');
        t.diagnostic(`HEVC previews in this Chromium: ${state}`);
      }
    }
    assert.deepEqual(page.errors, []);
  });

  it('1080p with moov at the end: time to report and bytes read', async (t) => {
    const page = await newPage();
    await chooseProfile(page, 'sichuan-kepu-2024'); // fails on duration, so no CRC pass starts
    const reads = await instrumentWorker(page.worker);
    const size = fs.statSync(fx.timing).size;
    const bx = boxes(fs.readFileSync(fx.timing));
    assert.deepEqual(bx.map((b) => b.type).filter((x) => x !== 'free'), ['ftyp', 'mdat', 'moov']);
    const moov = bx.find((b) => b.type === 'moov');
    const limit = moov.end - moov.start + 64 * KiB;
    for (let i = 1; i <= 3; i++) {
      await reads.reset();
      const file = alias(fx.timing, `timing-run${i}.mp4`);
      const t0 = performance.now();
      const meta = await chooseVideo(page, file);
      const ms = performance.now() - t0;
      const r = await reads.get();
      const bytes = Number(meta.bytesRead);
      t.diagnostic(`run ${i}: ${(size / 1e6).toFixed(1)} MB 1080p, report after ${ms.toFixed(0)} ms ` +
        `(page: pick→report ${meta.ms} ms, worker probe ${meta.workerMs} ms); read ${bytes} B in ${meta.reads} reads ` +
        `(FileReaderSync saw ${r.bytes} B in ${r.calls} calls); moov ${moov.end - moov.start} B`);
      assert.ok(bytes < limit, `read ${bytes} bytes, over moov + 64 KiB = ${limit}`);
      assert.ok(r.bytes <= limit, `the worker read ${r.bytes} bytes`);
      assert.ok(r.calls > 0);
      fs.rmSync(file);
    }
    assert.deepEqual(page.errors, []);
  });

  it('a 2.2 GB sparse file: the worker reads only its ends; memory stays small', async (t) => {
    const page = await newPage();
    await chooseProfile(page, 'sichuan-kepu-2024'); // fails, so no CRC pass starts by itself
    const reads = await instrumentWorker(page.worker);
    const sparse = makeSparseMp4(fx.land, path.join(FIXTURES, 'sparse-2.2GB.mp4'), 2_200_000_000);
    try {
      assert.ok(sparse.size >= 2 * 1024 ** 3);
      assert.ok(fs.statSync(sparse.file).blocks * 512 < 16 * MB, 'the file is sparse on disk');
      await reads.reset();
      const t0 = performance.now();
      const meta = await chooseVideo(page, sparse.file, 60_000);
      const ms = performance.now() - t0;
      const bytes = Number(meta.bytesRead);
      const r = await reads.get();
      const heap = await jsHeapUsed(page);
      const rss = rendererPeakRss(chrome.userDataDir);
      t.diagnostic(`sparse ${(sparse.size / 1e9).toFixed(2)} GB: report after ${ms.toFixed(0)} ms, read ${bytes} B ` +
        `(counted in the worker: ${r.bytes} B in ${r.calls} calls), JS heap ${(heap / MB).toFixed(1)} MB, ` +
        `renderer peak RSS ${(rss.peak / MB).toFixed(0)} MB (${rss.renderers} renderers)`);
      assert.match(meta.text, /2200\.\d MB/);
      assert.ok(bytes < sparse.moov + 64 * KiB, `read ${bytes} bytes`);
      assert.ok(r.bytes <= sparse.moov + 64 * KiB, `the worker read ${r.bytes} bytes`);
      assert.ok(heap < 64 * MB, `JS heap ${heap}`);
      assert.ok(rss.renderers >= 1 && rss.peak < 1024 * MB, `renderer peak RSS ${rss.peak}`);
      const statuses = await pageStatuses(page);
      assert.equal(statuses.duration, 'fail');
      assert.equal(statuses.resolution, 'pass');

      // The CRC pass for the bundle reads everything, but 4 MiB at a time,
      // shared by every worker of the page.
      const allReads = await instrumentWorker(page.workers());
      await allReads.reset();
      await chooseProfile(page, 'cujs-video-abstract-2026'); // passes: the CRC pass starts
      const done = await page.waitForSelector('#crc-done', { timeout: 120_000 });
      const crc = await done.evaluate((el) => ({ ...el.dataset }));
      const r2 = await allReads.get();
      const heap2 = await jsHeapUsed(page);
      const rss2 = rendererPeakRss(chrome.userDataDir);
      t.diagnostic(`CRC pass over ${sparse.size} B: ${crc.ms} ms, ${r2.calls} reads of at most ${r2.max} B, ` +
        `JS heap ${(heap2 / MB).toFixed(1)} MB, renderer peak RSS ${(rss2.peak / MB).toFixed(0)} MB`);
      assert.equal(Number(crc.bytes), sparse.size);
      assert.equal(r2.bytes, sparse.size);
      assert.ok(r2.max <= 4 * MB);
      assert.ok(heap2 < 64 * MB, `JS heap ${heap2}`);
      assert.ok(rss2.peak < 1024 * MB, `renderer peak RSS ${rss2.peak}`);
    } finally {
      fs.rmSync(sparse.file, { force: true });
    }
    assert.deepEqual(page.errors, []);
  });

  it('a video picked before the worker has loaded its wasm is still checked', async () => {
    // A worker sets its message handler only after its wasm has arrived and
    // compiled; on a slow phone the user can pick before that. Hold back every
    // load of the wasm after the page's own by 3 s, and pick at once.
    const slow = await serve(path.join(FIXTURES, 'dist'), {
      delay: (p, n) => (p.endsWith('.wasm') && n > 1 ? 3_000 : 0),
    });
    cleanup.push(() => slow.close());
    const context = await chrome.browser.newContext();
    cleanup.push(() => context.close());
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(slow.url);
    await page.waitForSelector('#profile', { timeout: 30_000 });
    const t0 = Date.now();
    const meta = await chooseVideo(page, fx.land, 30_000);
    assert.match(meta.text, /land-1080p-3s\.mp4/);
    assert.ok(Date.now() - t0 >= 2_500, 'the pick came before the worker was ready');
    assert.ok(slow.hits.filter((p) => p.endsWith('.wasm')).length >= 2, 'a worker loaded the wasm');
    assert.deepEqual(errors, []);
  });

  it('no request leaves the page\'s origin', () => {
    assert.ok(requests.length > 0);
    const urls = requests.map((r) => r.url);
    const off = urls.filter((u) => !(u.startsWith(server.origin + '/') || u.startsWith('data:') || u.startsWith('blob:')));
    assert.deepEqual(off, []);
    // The recorder saw everything the server served, the worker's own loads
    // included (so it would also have seen anything going elsewhere).
    const seen = new Set(urls.filter((u) => u.startsWith(server.origin)).map((u) => new URL(u).pathname));
    const missed = [...new Set(server.hits)].filter((p) => !seen.has(p) && !(p === '/index.html' && seen.has('/')));
    assert.deepEqual(missed, [], 'served but not recorded');
    assert.ok(server.hits.includes('/worker_loader.js'), 'the worker was started');
    assert.ok(server.hits.some((p) => p.endsWith('.wasm')));
  });
});
