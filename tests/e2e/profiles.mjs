// The built-in contest profiles are files beside the app (profiles/ID.json),
// not part of the wasm: the page fetches the chosen contest's profile only,
// once, and a failed fetch says so in both languages with 重试, which
// recovers. Imported and run by tests/e2e/run.mjs.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';

import { DIST, PROFILES, appReady, launch, serve, enginesToRun, unsupported } from './lib.mjs';

const IDS = fs.readdirSync(path.join(DIST, 'profiles')).map((f) => f.replace(/\.json$/, '')).sort();
const FIRST = 'cujs-video-abstract-2026'; // the picker's first contest, a fresh page's
const OTHER = 'sichuan-kepu-2024';

let chrome;
let app;
const cleanup = [];

/** A fresh context (no service worker: its precache would fetch every profile). */
async function open() {
  const context = await chrome.context({ serviceWorkers: 'block' }, { origins: [app.origin], name: 'profiles page' });
  cleanup.push(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  // The profiles the page itself asked for, in order.
  page.fetched = [];
  page.on('request', (r) => {
    const m = new URL(r.url()).pathname.match(/^\/profiles\/([^/]+)\.json$/);
    if (m) page.fetched.push(m[1]);
  });
  return page;
}

for (const engine of enginesToRun()) describe(`Built-in profiles are fetched one at a time, when chosen (${engine})`, { timeout: 300_000 }, () => {
  before(async () => {
    assert.ok(fs.existsSync(path.join(DIST, 'index.html')), 'dist/ is missing: run `trunk build --release` first');
    [app, chrome] = await Promise.all([serve(DIST, { engine }), launch(engine)]);
  });

  // A WebKit context is a MiniBrowser of its own: each test's go when it ends.
  afterEach(async () => {
    if (engine === 'chromium') return;
    for (const c of cleanup.splice(0).reverse()) await c().catch(() => {});
  });

  after(async () => {
    for (const c of cleanup.splice(0).reverse()) await c().catch(() => {});
    await chrome?.close();
    await app?.close();
  });

  it('ships every built-in profile beside the app and the embed, and the service worker keeps them', () => {
    assert.deepEqual(IDS, [...PROFILES].sort(), 'dist/profiles/ holds the built-in profiles');
    for (const id of IDS) {
      const text = fs.readFileSync(path.join(DIST, 'profiles', `${id}.json`), 'utf8');
      assert.equal(JSON.parse(text).id, id);
      assert.equal(fs.readFileSync(path.join(DIST, 'embed', 'profiles', `${id}.json`), 'utf8'), text, `embed/profiles/${id}.json`);
    }
    const sw = fs.readFileSync(path.join(DIST, 'sw.js'), 'utf8');
    for (const id of IDS) assert.ok(sw.includes(`'profiles/${id}.json'`), `sw.js precaches profiles/${id}.json`);
    // The wasm carries the index (names), not the profiles' text.
    const wasm = fs.readFileSync(path.join(DIST, 'app_bg.wasm'));
    const notice = JSON.parse(fs.readFileSync(path.join(DIST, 'profiles', `${OTHER}.json`), 'utf8')).notice;
    assert.ok(notice.length > 20);
    assert.equal(wasm.indexOf(Buffer.from(notice)), -1, 'a profile\'s text is not in the wasm');
  });

  it('the service worker keeps every profile of its build, and offline a new contest comes from it', async (t) => {
    if (unsupported(t, engine, 'offline')) return;
    const context = await chrome.context({}, { origins: [app.origin], name: 'profiles offline' });
    cleanup.push(() => context.close());
    const page = await context.newPage();
    await page.goto(app.url);
    await appReady(page);
    const cached = await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      const names = await caches.keys();
      const cache = await caches.open(names.find((n) => n.startsWith('preflight-')));
      return (await cache.keys()).map((r) => new URL(r.url).pathname).filter((p) => p.startsWith('/profiles/')).sort();
    });
    assert.deepEqual(cached, IDS.map((id) => `/profiles/${id}.json`));
    // Offline, a contest not chosen before comes from that cache.
    await page.waitForFunction(() => navigator.serviceWorker.controller);
    await context.setOffline(true);
    const id = 'kepu-light-2026';
    await page.selectOption('#profile', id);
    await page.waitForFunction((id) => document.querySelector('#profile')?.value === id, id);
    const p = JSON.parse(fs.readFileSync(path.join(DIST, 'profiles', `${id}.json`), 'utf8'));
    await page.waitForFunction((t) => document.body.textContent.includes(t), p.issuer);
    assert.equal(await page.locator('#profile-error').count(), 0);
    await context.setOffline(false);
  });

  it('fetches only the chosen contest\'s profile, once', async (t) => {
    if (unsupported(t, engine, 'requests', 'noServiceWorker')) return;
    const page = await open();
    await page.goto(app.url);
    await appReady(page);
    assert.deepEqual(page.fetched, [FIRST], 'a fresh page fetches the first contest\'s profile and no other');
    const names = await page.$$eval('#profile option', (o) => o.map((x) => [x.value, x.textContent]));
    assert.deepEqual(names.map((n) => n[0]), PROFILES, 'the picker lists every contest from the index');
    for (const [id, name] of names) {
      const p = JSON.parse(fs.readFileSync(path.join(DIST, 'profiles', `${id}.json`), 'utf8'));
      assert.equal(name, p.name, `the index names ${id} as its file does`);
    }

    await page.selectOption('#profile', OTHER);
    await page.waitForFunction((id) => document.querySelector('#profile')?.value === id, OTHER);
    const sichuan = JSON.parse(fs.readFileSync(path.join(DIST, 'profiles', `${OTHER}.json`), 'utf8'));
    await page.waitForFunction((t) => document.body.textContent.includes(t), sichuan.issuer);
    assert.ok(await page.locator('#channel-choices').isVisible(), 'the fetched profile\'s channels are shown');
    // Back and forth again: already fetched.
    await page.selectOption('#profile', FIRST);
    await page.waitForFunction((id) => document.querySelector('#profile')?.value === id, FIRST);
    await page.selectOption('#profile', OTHER);
    await page.waitForFunction((id) => document.querySelector('#profile')?.value === id, OTHER);
    assert.deepEqual(page.fetched, [FIRST, OTHER], 'each contest\'s profile is fetched once, only when chosen');
    assert.deepEqual(page.errors, []);
  });

  it('a failed profile fetch shows the error with 重试, and 重试 recovers', async (t) => {
    if (unsupported(t, engine, 'route', 'noServiceWorker')) return;
    const page = await open();
    let answer = 'ok';
    await page.route(`**/profiles/${OTHER}.json*`, (route) => {
      if (answer === 'ok') return route.continue();
      if (answer === '500') return route.fulfill({ status: 500, body: 'down' });
      return route.abort('connectionrefused');
    });
    await page.goto(app.url);
    await appReady(page);

    answer = '500';
    await page.selectOption('#profile', OTHER);
    const error = page.locator('#profile-error');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-error'), 'profile_fetch');
    const text = await error.textContent();
    assert.match(text, /无法载入比赛配置「sichuan-kepu-2024」（HTTP 500）/);
    assert.match(text, /Could not load the contest profile "sichuan-kepu-2024" \(HTTP 500\)/);
    assert.equal((await page.locator('#profile-retry').textContent()).trim(), '重试');

    // A network failure: still the error, after another try.
    answer = 'refused';
    await page.click('#profile-retry');
    await page.waitForFunction(() => document.querySelector('#profile-error') && !document.body.textContent.includes('HTTP 500'));
    assert.match(await error.textContent(), /无法载入比赛配置「sichuan-kepu-2024」/);

    answer = 'ok';
    await page.click('#profile-retry');
    await page.waitForFunction((id) => document.querySelector('#profile')?.value === id, OTHER);
    assert.equal(await error.count(), 0, 'the error is gone');
    assert.ok(await page.locator('#channel-choices').isVisible(), 'the contest is shown');
    assert.deepEqual(page.fetched.filter((id) => id === OTHER).length, 3, 'one fetch per try');
    assert.deepEqual(page.errors, []);
  });
});
