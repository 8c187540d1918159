// The tools worker (the remux and the PDF writer) is loaded on demand, in
// headless Chromium: a plain visit (contest, video, check, bundle) never asks
// for tools_loader.js, tools.js or tools_bg.wasm; 一键修复 asks for each once,
// and the fixed file is made. The time from the click to the fixed file, with
// the tools' cold load, is printed. Offline, after one visit, 一键修复 still
// works: the service worker keeps the tools.
//
// Imported and run by tests/e2e/run.mjs.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';

import { DIST, FIXTURES, appReady, launch, serve } from './lib.mjs';

const run = promisify(execFile);
const HERE = path.join(FIXTURES, 'tools'); // target/e2e/tools
const TOOLS = /\/(tools_loader\.js|tools\.js|tools_bg\.wasm)(\?|$)/;

let chrome;
let server;
const cleanup = [];

describe('the tools worker, loaded on demand', () => {
  let mov;
  before(async () => {
    fs.rmSync(HERE, { recursive: true, force: true });
    fs.mkdirSync(HERE, { recursive: true });
    // A QuickTime file with its moov at the end (ffmpeg's default).
    mov = path.join(HERE, 'moov-end.mov');
    await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-t', '3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', mov]);
    [server, chrome] = await Promise.all([serve(DIST), launch()]);
  });

  after(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => {});
    await chrome?.close();
    await server?.close();
    fs.rmSync(HERE, { recursive: true, force: true });
  });

  it('a visit, a check and a bundle load no tools; 一键修复 loads them once and fixes', async () => {
    // No service worker: its precache (which keeps the tools for offline
    // use) is not the page's asking.
    const context = await chrome.context({ acceptDownloads: true, serviceWorkers: 'block' }, { origins: [server.origin], name: 'tools on demand' });
    cleanup.push(() => context.close());
    const asked = [];
    context.on('request', (r) => asked.push(new URL(r.url()).pathname));
    const tools = () => asked.filter((p) => TOOLS.test(p));
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(server.origin + '/');
    await appReady(page);
    await page.selectOption('#profile', 'cujs-video-abstract-2026');
    await page.check('input[name=channel][value=unit]');
    await page.setInputFiles('#video-input', mov);
    await page.waitForSelector('li[data-rule=container][data-status=fail] button.fix-now');
    // The bundle, as a plain visit makes it.
    const crc = page.locator('#crc-start, #crc-progress, #crc-done').first();
    await crc.waitFor();
    if ((await crc.getAttribute('id')) === 'crc-start') await crc.click();
    await page.waitForSelector('#crc-done', { timeout: 30_000 });
    const button = page.locator('#bundle-download, #bundle-force').first();
    const [dl] = await Promise.all([page.waitForEvent('download'), button.click()]);
    assert.equal(await dl.failure(), null);
    assert.ok(asked.some((p) => p.endsWith('/app_bg.wasm')), `the app's wasm was asked for: ${asked.join(' ')}`);
    assert.deepEqual(tools(), [], 'a plain visit asked for the tools');

    const t0 = Date.now();
    await page.click('li[data-rule=container] button.fix-now');
    await page.waitForSelector('#fixing.done');
    const ms = Date.now() - t0;
    const codes = await page.$$eval('#fixing [data-change]', (l) => l.map((e) => e.dataset.change));
    assert.deepEqual(codes, ['faststart', 'mp4']);
    await page.waitForSelector('li[data-rule=container][data-status=pass]');
    assert.deepEqual(tools().map((p) => path.basename(p)).sort(), ['tools.js', 'tools_bg.wasm', 'tools_loader.js']);
    console.log(`# 一键修复 on a ${fs.statSync(mov).size}-byte moov-at-end MOV, the tools loaded cold: ${ms} ms from the click to the fixed file`);
    assert.deepEqual(errors, []);
  });

  it('offline: after one visit (which never asked for them), the service worker has the tools and 一键修复 works', async () => {
    const own = await serve(DIST); // a server of its own, to switch off
    try {
      const context = await chrome.context({}, { origins: [own.origin], name: 'tools offline' });
      cleanup.push(() => context.close());
      const page = await context.newPage();
      page.setDefaultTimeout(60_000);
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(own.origin + '/');
      await appReady(page);
      const kept = await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
        for (const end = Date.now() + 20_000; Date.now() < end;) {
          if (await caches.match('tools_bg.wasm') && await caches.match('tools.js') && await caches.match('tools_loader.js')) return true;
          await new Promise((ok) => setTimeout(ok, 50));
        }
        return false;
      });
      assert.ok(kept, 'the service worker did not keep the tools');
      for (const w of page.workers()) await w.evaluate(() => wasm_bindgen({ module_or_path: './app_bg.wasm' }).then(() => true));
      await own.close();
      await context.setOffline(true);
      const served = [];
      context.on('response', (r) => served.push({ path: new URL(r.url()).pathname, sw: r.fromServiceWorker(), status: r.status() }));
      await page.reload();
      await appReady(page);
      await page.selectOption('#profile', 'cujs-video-abstract-2026');
      await page.check('input[name=channel][value=unit]');
      await page.setInputFiles('#video-input', mov);
      await page.click('li[data-rule=container][data-status=fail] button.fix-now');
      await page.waitForSelector('#fixing.done');
      await page.waitForSelector('li[data-rule=container][data-status=pass]');
      const wasm = served.filter((s) => s.path.endsWith('/tools_bg.wasm'));
      assert.ok(wasm.length === 1 && wasm[0].sw && wasm[0].status === 200, `tools_bg.wasm from the service worker: ${JSON.stringify(served)}`);
      assert.deepEqual(errors, []);
    } finally {
      await own.close().catch(() => {});
    }
  });
});
