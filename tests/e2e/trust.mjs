// What the app keeps about its user, and how a new build reaches them, in
// headless Chromium: drafts kept per host origin and contest (a framing site
// sees none of the standalone app's), a visible control that clears them, their
// expiry, two tabs kept in step, a confirm before a contest switch drops scans,
// the app with localStorage throwing, the `origin` parameter normalised (or
// refused aloud), and the service worker moving from one build to the next
// whole, offline included. Imported and run by tests/e2e/run.mjs.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import { promisify } from 'node:util';
import { after, afterEach, before, describe, it } from 'node:test';

import { DIST, FIXTURES, appReady, eventually, launch, serve, ENGINE_LIMITS, NOT_RUN, enginesToRun, unsupported } from './lib.mjs';

const run = promisify(execFile);
const HERE = path.join(FIXTURES, 'trust'); // target/e2e/trust
const SNAP = path.join(HERE, 'dist'); // the served copy of dist/
const FRAMER = path.join(HERE, 'framer'); // what the framing origin serves
const DAY = 86_400_000;
const CONTEST = 'sichuan-kepu-2024'; // its form asks for a contact, a phone, an address
const PHONE = '13912345678';

let chrome;
let app; // origin 1: the app
let framer; // origin 2: a site that frames the app (same site, other port: storage not partitioned)
let fx;
const cleanup = [];

async function ffmpeg(args) {
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { maxBuffer: 1 << 24 });
}

/** A recorded context (see lib.mjs `context`) that may reach `origins` only (default: the app's). */
async function newContext(name, options = {}, origins = [app.origin]) {
  const context = await chrome.context(options, { origins, name });
  cleanup.push(() => context.close());
  return context;
}

async function open(context, url) {
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  if (url) await page.goto(url);
  return page;
}

async function chooseProfile(page, id) {
  await page.selectOption('#profile', id);
  await page.waitForFunction((id) => document.querySelector('#profile')?.value === id, id);
  await page.waitForSelector('#f-title');
}

/** Every localStorage entry of the page's origin: {key: value}. */
const storage = (page) => page.evaluate(() => Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)])));

/** A page on the framing origin whose iframe opens `src` (sandboxed with `sandbox` if given); it records what reaches it. */
function framePage(src, sandbox) {
  return `${framer.origin}/frame.html?src=${encodeURIComponent(src)}${sandbox === undefined ? '' : `&sandbox=${encodeURIComponent(sandbox)}`}`;
}

// The header the README asks a host to serve with every file of the app
// (index.html, worker_loader.js …): a worker's policy comes from its own
// script's response, which a <meta> tag cannot set.
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob: data:; " +
  "media-src 'self' blob:; worker-src 'self'; connect-src 'self'; font-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'";

/** Serve `dir` with `csp(pathname)` as the Content-Security-Policy header. */
async function serveWithCsp(dir, csp) {
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml' };
  const server = http.createServer((req, res) => {
    let rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.join(dir, path.normalize(rel));
    if (!file.startsWith(dir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store', 'Content-Security-Policy': csp(rel) });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }) };
}

for (const engine of enginesToRun()) describe(`Preflight keeps its user's data: drafts, storage, origins, updates (${engine})`, { timeout: 600_000 }, () => {
  before(async () => {
    assert.ok(fs.existsSync(path.join(DIST, 'index.html')), 'dist/ is missing: run `trunk build --release` first');
    fs.rmSync(HERE, { recursive: true, force: true });
    fs.mkdirSync(FRAMER, { recursive: true });
    fs.cpSync(DIST, SNAP, { recursive: true });
    fs.writeFileSync(path.join(FRAMER, 'frame.js'), `window.received = [];
window.addEventListener('message', function (e) { window.received.push({ origin: e.origin, data: e.data }); });
var q = new URLSearchParams(location.search);
if (q.has('sandbox')) document.getElementById('preflight').setAttribute('sandbox', q.get('sandbox'));
document.getElementById('preflight').src = q.get('src');
`);
    fs.writeFileSync(path.join(FRAMER, 'frame.html'), `<!doctype html><meta charset="utf-8"><title>framer</title>
<iframe id="preflight" style="width:100%;height:700px;border:0"></iframe>
<script src="frame.js"></script>
`);
    fx = { land: path.join(HERE, 'land-1080p-3s.mp4'), png: path.join(HERE, 'scan.png') };
    [app, framer, chrome] = await Promise.all([serve(SNAP, { engine }), serve(FRAMER, { engine }), launch(engine),
      ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=2', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
        '-t', '3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', fx.land]),
      ffmpeg(['-f', 'lavfi', '-i', 'color=c=0x2458d3:size=240x160', '-frames:v', '1', fx.png])]);
  });

  // A WebKit context is a MiniBrowser of its own: each test's go when it ends.
  afterEach(async () => {
    if (engine === 'chromium') return;
    for (const c of cleanup.splice(0).reverse()) await c().catch(() => {});
  });

  after(async () => {
    for (const c of cleanup.splice(0).reverse()) await c().catch(() => {});
    await chrome?.close();
    await Promise.all([app, framer].map((s) => s?.close()));
  });

  it('a framing site sees none of the standalone app\'s drafts, only what was typed in its frame', async (t) => {
    if (unsupported(t, engine, 'frames')) return;
    const context = await newContext('drafts: a framing site', {}, [app.origin, framer.origin]);
    const own = await open(context, app.url);
    await appReady(own);
    await chooseProfile(own, CONTEST);
    await own.fill('#f-contact', '王五');
    await own.fill('#f-mobile', PHONE);
    await eventually(async () => assert.ok(Object.values(await storage(own)).some((v) => v.includes(PHONE)), 'the standalone draft is saved'));

    // Any site frames index.html?origin=<itself>, as the issue's attacker does.
    const page = await open(context, framePage(`${app.origin}/index.html?origin=${encodeURIComponent(framer.origin)}`));
    const frame = page.frameLocator('#preflight');
    await frame.locator('#profile').waitFor({ timeout: 30_000 });
    await frame.locator('#profile').selectOption(CONTEST);
    await frame.locator('#f-mobile').waitFor();
    assert.equal(await frame.locator('#f-mobile').inputValue(), '', 'the frame shows the standalone app\'s phone number');
    assert.equal(await frame.locator('#f-contact').inputValue(), '');
    await frame.locator('#video-input').setInputFiles(fx.land);
    const report = await page.waitForFunction(() => window.received.find((m) => m.data?.type === 'preflight:report')).then((h) => h.jsonValue());
    assert.equal(report.origin, app.origin);
    assert.ok(!JSON.stringify(report).includes(PHONE) && !JSON.stringify(report).includes('王五'), 'the report to the framing site holds the user\'s data');

    // What is typed inside the frame is the frame's: kept for it, not shown standalone.
    await frame.locator('#f-contact').fill('框内');
    const inner = page.frames().find((f) => f.url().startsWith(app.origin));
    await eventually(async () => assert.ok(Object.values(await storage(inner)).some((v) => v.includes('框内'))));
    await page.reload();
    await frame.locator('#profile').waitFor({ timeout: 30_000 });
    await eventually(async () => assert.equal(await frame.locator('#f-contact').inputValue(), '框内'));
    await own.reload();
    await appReady(own);
    await own.waitForSelector('#f-contact');
    assert.equal(await own.inputValue('#f-contact'), '王五');
    assert.equal(await own.inputValue('#f-mobile'), PHONE);
    assert.deepEqual(own.errors, []);
    assert.deepEqual(page.errors, []);
  });

  it('the page says where drafts are kept and for how long; its control clears them', async () => {
    const context = await newContext('drafts: note and clear');
    const page = await open(context, app.url);
    await appReady(page);
    const note = page.locator('#drafts-note');
    await note.waitFor({ timeout: 5_000 });
    assert.match(await note.textContent(), /草稿仅保存在本机浏览器.*30 天后自动删除/);
    assert.equal(await note.getAttribute('data-persistent'), 'true');
    assert.match(await page.textContent('#reset'), /清除本机保存的内容/);
    await chooseProfile(page, CONTEST);
    await page.fill('#f-mobile', PHONE);
    await chooseProfile(page, 'nmg-kepu-2025');
    await page.locator('input[id^=f-]').first().fill('第二个比赛');
    await eventually(async () => {
      const all = JSON.stringify(await storage(page));
      assert.ok(all.includes(PHONE) && all.includes('第二个比赛'), all);
    });
    page.once('dialog', (d) => d.accept());
    await page.click('#reset');
    await eventually(async () => {
      const all = await storage(page);
      assert.ok(!JSON.stringify(all).includes(PHONE) && !JSON.stringify(all).includes('第二个比赛'), JSON.stringify(all));
      assert.deepEqual(Object.keys(all).filter((k) => k.startsWith('preflight') && k.split('|').length > 2), [], 'draft entries left');
    });
    await page.reload();
    await appReady(page);
    await chooseProfile(page, CONTEST);
    assert.equal(await page.inputValue('#f-mobile'), '');
    assert.deepEqual(page.errors, []);
  });

  it('a draft not edited for 30 days is deleted, not restored', async (t) => {
    if (unsupported(t, engine, 'initScript')) return;
    const context = await newContext('drafts: 30 days');
    // The page's clock runs `skew` ms ahead (kept across reloads in sessionStorage).
    await context.addInitScript(() => {
      const skew = Number(sessionStorage.getItem('test-skew') || 0);
      const now = Date.now.bind(Date);
      Date.now = () => now() + skew;
    });
    const page = await open(context, app.url);
    await appReady(page);
    await chooseProfile(page, CONTEST);
    await page.fill('#f-mobile', PHONE);
    await eventually(async () => assert.ok(JSON.stringify(await storage(page)).includes(PHONE)));
    const reloadAt = async (days) => {
      await page.evaluate((ms) => sessionStorage.setItem('test-skew', String(ms)), days * DAY);
      await page.reload();
      await appReady(page);
      await page.waitForSelector('#f-mobile', { timeout: 5_000 });
    };
    await reloadAt(29);
    assert.equal(await page.inputValue('#f-mobile'), PHONE, 'kept after 29 days');
    // Reading it did not renew it; 29 + 2 days after the edit it is gone.
    await reloadAt(31);
    assert.equal(await page.inputValue('#f-mobile'), '', 'restored after 31 days');
    assert.ok(!JSON.stringify(await storage(page)).includes(PHONE), 'the expired draft is still stored');
    assert.deepEqual(page.errors, []);
  });

  it('the earlier single entry (preflight.v1) moves into per-contest drafts once, nothing lost', async () => {
    const context = await newContext('drafts: preflight.v1');
    const page = await open(context, app.url);
    await appReady(page);
    await page.evaluate(([contest, phone]) => {
      localStorage.clear();
      localStorage.setItem('preflight.v1', JSON.stringify({
        lang: 'zh', profile: contest, category: 'bilingual', channel: 'self', ticks: [],
        forms: { [contest]: { mobile: phone, title: '旧版本的标题' }, 'nmg-kepu-2025': { title: '另一个比赛的旧草稿' } },
      }));
    }, [CONTEST, PHONE]);
    await page.reload();
    await appReady(page);
    await page.waitForSelector('#f-mobile');
    assert.equal(await page.inputValue('#profile'), CONTEST);
    assert.deepEqual([await page.inputValue('#f-mobile'), await page.inputValue('#f-title')], [PHONE, '旧版本的标题']);
    assert.equal(await page.$eval('input[name=channel]:checked', (i) => i.value), 'self');
    assert.equal(await page.$eval('input[name=category]:checked', (i) => i.value), 'bilingual');
    await chooseProfile(page, 'nmg-kepu-2025');
    assert.equal(await page.inputValue('#f-title'), '另一个比赛的旧草稿');
    const keys = Object.keys(await storage(page)).sort();
    assert.deepEqual(keys, ['preflight.v2|app', 'preflight.v2|app|nmg-kepu-2025', `preflight.v2|app|${CONTEST}`], 'the old entry is gone, each contest has its own');
    assert.deepEqual(page.errors, []);
  });

  it('two tabs: an edit in one shows in the other, with a notice; neither is lost', async (t) => {
    if (unsupported(t, engine, 'tabs')) return;
    const context = await newContext('drafts: two tabs');
    const a = await open(context, app.url);
    await appReady(a);
    await chooseProfile(a, CONTEST);
    const b = await open(context, app.url);
    await appReady(b);
    await b.waitForSelector('#f-title');
    assert.equal(await b.inputValue('#profile'), CONTEST);
    await a.fill('#f-title', '甲页写的标题');
    await eventually(async () => assert.equal(await b.inputValue('#f-title'), '甲页写的标题'));
    assert.match(await b.textContent('#drafts-synced'), /另一个标签页/);
    await b.fill('#f-mobile', PHONE);
    await eventually(async () => assert.equal(await a.inputValue('#f-mobile'), PHONE));
    assert.equal(await a.inputValue('#f-title'), '甲页写的标题', 'tab A kept its own edit');
    await a.reload();
    await appReady(a);
    await a.waitForSelector('#f-title');
    assert.deepEqual([await a.inputValue('#f-title'), await a.inputValue('#f-mobile')], ['甲页写的标题', PHONE]);
    assert.deepEqual(a.errors, []);
    assert.deepEqual(b.errors, []);
  });

  it('switching contest with a scan attached asks first; declining keeps everything', async (t) => {
    if (unsupported(t, engine, 'dialogText')) return;
    const context = await newContext('drafts: confirm a contest switch');
    const page = await open(context, app.url);
    await appReady(page);
    await chooseProfile(page, CONTEST);
    await page.check('input[name=channel][value=self]');
    await page.fill('#f-title', '湿地里的候鸟');
    await page.setInputFiles('#att-self_form', fx.png);
    await page.locator('.slot[data-slot=self_form] li.file').waitFor();
    const dialogs = [];
    page.once('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
    await page.selectOption('#profile', 'nmg-kepu-2025');
    await eventually(() => assert.equal(dialogs.length, 1, 'no confirm before dropping the scan'));
    assert.match(dialogs[0], /扫描件/);
    await eventually(async () => assert.equal(await page.inputValue('#profile'), CONTEST));
    assert.equal(await page.locator('.slot[data-slot=self_form] li.file').count(), 1);
    assert.equal(await page.inputValue('#f-title'), '湿地里的候鸟');
    // Accepted: the other contest; back again, the text is there.
    page.once('dialog', (d) => { dialogs.push(d.message()); d.accept(); });
    await page.selectOption('#profile', 'nmg-kepu-2025');
    await eventually(() => assert.equal(dialogs.length, 2));
    await page.waitForFunction(() => document.querySelector('#profile')?.value === 'nmg-kepu-2025');
    await chooseProfile(page, CONTEST);
    assert.equal(await page.inputValue('#f-title'), '湿地里的候鸟');
    assert.equal(dialogs.length, 2, 'no scan, no question');
    assert.deepEqual(page.errors, []);
  });

  it('iframe: a host\'s new config asks before it drops a picked video and scans', async (t) => {
    if (unsupported(t, engine, 'frames')) return;
    const context = await newContext('iframe: confirm a new config', {}, [framer.origin, app.origin]);
    const page = await open(context, framePage(`${app.origin}/index.html?origin=${encodeURIComponent(framer.origin)}&profile=${CONTEST}&channel=self`));
    const frame = page.frameLocator('#preflight');
    await frame.locator('#profile-locked').waitFor({ timeout: 30_000 });
    const name = (await frame.locator('#profile-locked').textContent()).trim();
    await frame.locator('#f-title').fill('框内的标题');
    await frame.locator('#att-self_form').setInputFiles(fx.png);
    await frame.locator('.slot[data-slot=self_form] li.file').waitFor();
    const post = () => page.evaluate((o) => document.getElementById('preflight').contentWindow.postMessage({ type: 'preflight:config', profile: 'nmg-kepu-2025' }, o), app.origin);
    const dialogs = [];
    page.once('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
    await post();
    await eventually(() => assert.equal(dialogs.length, 1, 'no confirm before the new config dropped the scan'));
    const inner = page.frames().find((f) => f.url().startsWith(app.origin));
    await inner.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
    assert.equal((await frame.locator('#profile-locked').textContent()).trim(), name, 'declined: the same contest');
    assert.equal(await frame.locator('.slot[data-slot=self_form] li.file').count(), 1, 'declined: the scan stays');
    page.once('dialog', (d) => { dialogs.push(d.message()); d.accept(); });
    await post();
    await eventually(async () => assert.notEqual((await frame.locator('#profile-locked').textContent()).trim(), name), 10_000);
    assert.equal(dialogs.length, 2);
    assert.deepEqual(page.errors, []);
  });

  it('iframe sandboxed without allow-modals: the question a dialog cannot ask is asked on the page', async (t) => {
    if (unsupported(t, engine, 'frames')) return;
    const context = await newContext('iframe: no allow-modals', {}, [framer.origin, app.origin]);
    const page = await open(context, framePage(`${app.origin}/index.html?origin=${encodeURIComponent(framer.origin)}&profile=${CONTEST}&channel=self`,
      'allow-scripts allow-same-origin allow-forms allow-downloads'));
    const dialogs = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
    const frame = page.frameLocator('#preflight');
    await frame.locator('#profile-locked').waitFor({ timeout: 30_000 });
    const name = (await frame.locator('#profile-locked').textContent()).trim();
    await frame.locator('#att-self_form').setInputFiles(fx.png);
    await frame.locator('.slot[data-slot=self_form] li.file').waitFor();
    const post = () => page.evaluate((o) => document.getElementById('preflight').contentWindow.postMessage({ type: 'preflight:config', profile: 'nmg-kepu-2025' }, o), app.origin);
    const question = frame.locator('#config-confirm');
    // Cancelled on the page: nothing changes.
    await post();
    await question.waitFor({ timeout: 5_000 });
    assert.match(await question.textContent(), /扫描件.*继续吗/s);
    await frame.locator('#config-confirm-cancel').click();
    await question.waitFor({ state: 'detached' });
    const inner = page.frames().find((f) => f.url().startsWith(app.origin));
    await inner.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
    assert.equal((await frame.locator('#profile-locked').textContent()).trim(), name, 'cancelled: the same contest');
    assert.equal(await frame.locator('.slot[data-slot=self_form] li.file').count(), 1, 'cancelled: the scan stays');
    // Agreed to on the page: the new config applies.
    await post();
    await frame.locator('#config-confirm-go').click();
    await eventually(async () => assert.notEqual((await frame.locator('#profile-locked').textContent()).trim(), name, 'the config was not applied'), 10_000);
    assert.equal(await question.count(), 0);
    assert.deepEqual(dialogs, [], 'the sandbox let a dialog through');
    assert.deepEqual(page.errors, []);
  });

  it('with localStorage throwing, the app runs, checks, bundles and says drafts are not kept', async (t) => {
    if (unsupported(t, engine, 'initScript')) return;
    const context = await newContext('no localStorage', { acceptDownloads: true });
    await context.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', {
        configurable: true,
        get() { throw new DOMException('The operation is insecure.', 'SecurityError'); },
      });
    });
    const page = await open(context, app.url);
    await page.waitForSelector('#profile', { timeout: 20_000 });
    await appReady(page);
    assert.equal(await page.getAttribute('#drafts-note', 'data-persistent'), 'false');
    assert.match(await page.textContent('#drafts-note'), /草稿只在本页打开期间保留/);
    // Drafts still follow the contest while the page is open.
    await chooseProfile(page, CONTEST);
    await page.fill('#f-mobile', PHONE);
    await chooseProfile(page, 'cujs-video-abstract-2026');
    await chooseProfile(page, CONTEST);
    assert.equal(await page.inputValue('#f-mobile'), PHONE);
    await page.selectOption('#profile', 'cujs-video-abstract-2026');
    await page.setInputFiles('#video-input', fx.land);
    await page.waitForSelector('#verdict');
    await page.waitForSelector('#crc-done', { timeout: 60_000 });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('#bundle-download, #bundle-force').first().click(),
    ]);
    const zip = path.join(HERE, 'no-storage.zip');
    await download.saveAs(zip);
    assert.ok(fs.statSync(zip).size > fs.statSync(fx.land).size);
    const unzipT = await run('unzip', ['-t', zip]);
    assert.match(unzipT.stdout, /No errors detected/);
    assert.deepEqual(page.errors, []);
  });

  it('origin: a trailing slash or upper case is normalised; a path is refused aloud, not ignored', async (t) => {
    if (unsupported(t, engine, 'frames')) return;
    const context = await newContext('iframe: origin normalised', {}, [framer.origin, app.origin]);
    for (const given of [`${framer.origin}/`, framer.origin.replace('http://', 'HTTP://')]) {
      const page = await open(context, framePage(`${app.origin}/index.html?origin=${encodeURIComponent(given)}&profile=${CONTEST}`));
      const frame = page.frameLocator('#preflight');
      await frame.locator('#profile-locked').waitFor({ timeout: 30_000 }); // iframe mode, not the standalone app
      await frame.locator('#video-input').setInputFiles(fx.land);
      const report = await page.waitForFunction(() => window.received.find((m) => m.data?.type === 'preflight:report')).then((h) => h.jsonValue());
      assert.equal(report.data.detail.profile, CONTEST, `origin=${given}`);
      assert.deepEqual(page.errors, []);
      await page.close();
    }
    const page = await open(context);
    const logged = [];
    page.on('console', (m) => { if (m.type() === 'error') logged.push(m.text()); });
    await page.goto(framePage(`${app.origin}/index.html?origin=${encodeURIComponent(framer.origin + '/some/path')}`));
    const frame = page.frameLocator('#preflight');
    const box = frame.locator('#config-error');
    await box.waitFor({ timeout: 30_000 });
    assert.equal(await box.getAttribute('data-error'), 'bad_origin');
    assert.match(await box.textContent(), /origin/);
    assert.equal(await frame.locator('#video-input').count(), 0, 'no standalone app behind the error');
    assert.ok(logged.some((t) => /not an origin/.test(t)), `console: ${logged}`);
  });

  it('CSP: with the recommended header (\'wasm-unsafe-eval\', no \'unsafe-eval\') page and workers run; the worker obeys its own header', async (t) => {
    if (unsupported(t, engine, 'console')) return;
    const ok = await serveWithCsp(SNAP, () => CSP);
    // The same, but the worker's script is served without 'wasm-unsafe-eval'.
    const strictWorker = await serveWithCsp(SNAP, (p) => (p === '/worker_loader.js' ? CSP.replace(" 'wasm-unsafe-eval'", '') : CSP));
    cleanup.push(() => ok.close(), () => strictWorker.close());
    const context = await newContext('CSP', { acceptDownloads: true }, [ok.url, strictWorker.url]);
    const page = await open(context);
    const violations = [];
    page.on('console', (m) => { if (/Content Security Policy|unsafe-eval/i.test(m.text())) violations.push(m.text()); });
    await page.goto(ok.url + '?crc_workers=1');
    await appReady(page);
    await page.selectOption('#profile', 'cujs-video-abstract-2026');
    await page.setInputFiles('#video-input', fx.land);
    await page.waitForSelector('#verdict');
    await page.waitForSelector('#crc-done', { timeout: 60_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#bundle-download, #bundle-force').first().click()]);
    assert.match(download.suggestedFilename(), /\.zip$/);
    assert.deepEqual(violations, [], 'CSP reports with the recommended header');
    assert.deepEqual(page.errors, []);
    if (engine !== 'chromium') {
      // The second half evaluates in a worker.
      const why = `not run on ${engine}: ${ENGINE_LIMITS.workers[engine]}`;
      NOT_RUN.push(`${t.name} (its worker half): ${why}`);
      t.diagnostic(`its worker half ${why}`);
      return;
    }

    const other = await open(context, strictWorker.url + '?crc_workers=1');
    const worker = await appReady(other);
    // (The app's own module came compiled from the page: compile the wasm here.)
    const got = await worker.evaluate(() => fetch('./app_bg.wasm').then((r) => r.arrayBuffer()).then((b) => WebAssembly.compile(b)).then(() => 'compiled', (e) => String(e)));
    t.diagnostic(`a worker whose script came without 'wasm-unsafe-eval': ${got}`);
    assert.match(got, /CompileError|Content Security Policy|wasm-unsafe-eval/, 'the worker follows its own response\'s header');
  });

  it('a worker of another build than its page: the page reloads once, then says so and offers 重试', async (t) => {
    if (unsupported(t, engine, 'noServiceWorker')) return;
    // A deploy between the page's load and its worker's: the worker runs
    // another build. Served without the service worker, which would pair
    // them itself.
    const dir = path.join(HERE, 'mismatch');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.cpSync(DIST, dir, { recursive: true });
    const loader = path.join(dir, 'worker_loader.js');
    const other = 'ffffffffffffffff';
    fs.writeFileSync(
      loader,
      fs.readFileSync(loader, 'utf8').replace(/(importScripts\([^)]*\);)/, `$1\nself.PREFLIGHT_BUILD = '${other}';`),
    );
    assert.match(fs.readFileSync(loader, 'utf8'), new RegExp(other), 'the worker announces another build');
    const own = await serve(dir, { engine });
    cleanup.push(() => own.close());
    const context = await newContext('a worker of another build', { serviceWorkers: 'block' }, [own.origin]);
    const page = await open(context, own.url);
    const loads = () => own.hits.filter((p) => p === '/' || p === '/index.html').length;
    await eventually(async () => assert.equal(loads(), 2, 'one reload'), 30_000);
    await page.waitForSelector('#video-input', { timeout: 30_000 });
    await page.setInputFiles('#video-input', fx.land);
    const err = page.locator('#probe-error');
    await err.waitFor({ timeout: 60_000 });
    assert.equal(await err.getAttribute('data-error'), 'worker_failed');
    assert.match(await err.textContent(), new RegExp(other));
    await page.waitForSelector('#probe-retry');
    assert.equal(loads(), 2, 'no reload loop');
  });

  it('service worker: after a deploy one reload runs the new build whole (page and workers); offline then runs it too', async (t) => {
    if (unsupported(t, engine, 'workers', 'offline')) return;
    // Two builds of the same app: build 2 is build 1 with another id and a marker.
    const b1 = path.join(HERE, 'build1');
    const b2 = path.join(HERE, 'build2');
    fs.cpSync(DIST, b1, { recursive: true });
    fs.cpSync(DIST, b2, { recursive: true });
    const id1 = /BUILD ?= ?'([0-9a-f]+)'/.exec(fs.readFileSync(path.join(b1, 'sw.js'), 'utf8'))?.[1];
    const id2 = 'b2b2b2b2b2b2b2b2';
    for (const [dir, mark] of [[b1, '1'], [b2, '2']]) {
      for (const f of ['index.html', 'sw.js', 'app.js', 'embed/app.js']) {
        const p = path.join(dir, f);
        let text = fs.readFileSync(p, 'utf8');
        if (id1 && mark === '2') text = text.split(id1).join(id2);
        if (f.endsWith('app.js')) text += `\nself.__TEST_BUILD = '${mark}';\n`;
        if (f === 'sw.js' && mark === '2') text += '// build 2\n';
        fs.writeFileSync(p, text);
      }
    }
    t.diagnostic(`build ids: ${id1 ?? '(none)'} → ${id1 ? id2 : '(none)'}`);
    const live = path.join(HERE, 'live'); // a link the server follows: swapped to deploy
    const deploy = (dir) => {
      fs.rmSync(live + '.new', { force: true });
      fs.symlinkSync(dir, live + '.new');
      fs.renameSync(live + '.new', live);
    };
    deploy(b1);
    const own = await serve(live, { engine });
    cleanup.push(() => own.close());
    const context = await newContext('service worker: a deploy', {}, [own.origin]);
    const page = await open(context, own.url);
    const builds = async () => ({
      page: await page.evaluate(() => self.__TEST_BUILD),
      workers: await Promise.all(page.workers().map((w) => w.evaluate(() => self.__TEST_BUILD))),
    });
    await appReady(page);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      while (!navigator.serviceWorker.controller) await new Promise((ok) => setTimeout(ok, 50));
    });
    for (const w of page.workers()) await w.evaluate(() => wasm_bindgen({ module_or_path: './app_bg.wasm' }).then(() => true));
    assert.deepEqual(await builds(), { page: '1', workers: page.workers().map(() => '1') });

    deploy(b2);
    await page.reload();
    await appReady(page);
    await eventually(async () => {
      const b = await builds();
      assert.deepEqual(b, { page: '2', workers: page.workers().map(() => '2') }, 'after one reload');
    }, 10_000);
    if (id1) {
      // Build 2's worker takes over; build 1's cache is deleted.
      await eventually(async () => assert.deepEqual(await page.evaluate(() => caches.keys()), [`preflight-${id2}`]), 20_000);
    }
    for (const w of page.workers()) await w.evaluate(() => wasm_bindgen({ module_or_path: './app_bg.wasm' }).then(() => true));

    await own.close();
    await context.setOffline(true);
    await page.reload();
    await appReady(page);
    assert.deepEqual(await builds(), { page: '2', workers: page.workers().map(() => '2') }, 'offline');
    await page.setInputFiles('#video-input', fx.land);
    await page.waitForSelector('#verdict');
    assert.deepEqual(page.errors, []);
  });
});
