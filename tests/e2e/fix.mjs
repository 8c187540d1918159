// Preflight.fix in headless Chromium: a moov-at-end MP4 and a QuickTime file
// with GPS are fixed into a Blob of new header bytes and File slices; ffprobe
// reads the result (moov first, MP4 brands, no location), ffmpeg's packets are
// the same before and after, and only the moov plus 64 KiB is read. The time
// until the Blob exists is measured on sparse 300 MB and 4 GB files.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';

import { DIST, FIXTURES, appReady, boxes, launch, makeSparseMp4, serve } from './lib.mjs';

const run = promisify(execFile);
const HERE = path.join(FIXTURES, 'fix');
const SNAP = path.join(HERE, 'dist');

let chrome;
let app;
const cleanup = [];

async function ffmpeg(args) {
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { maxBuffer: 1 << 24 });
}

async function framemd5(file) {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v?', '-map', '0:a?', '-c', 'copy', '-f', 'framemd5', '-'], { maxBuffer: 1 << 26 });
  return stdout;
}

async function ffprobe(file) {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file], { maxBuffer: 1 << 24 });
  return JSON.parse(stdout);
}

const AV = ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
  '-t', '3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'];

/** Fix the `i`-th picked file in the page; the Blob's bytes come back. */
async function fixInPage(page, i, options = {}) {
  return page.evaluate(async ([i, options]) => {
    const file = document.querySelector('#files').files[i];
    await window.Preflight.ready();
    const t0 = performance.now();
    const r = await window.Preflight.fix(file, options);
    const ms = performance.now() - t0;
    const small = r.blob.size < 64 * 1024 * 1024;
    const bytes = small ? Array.from(new Uint8Array(await r.blob.arrayBuffer())) : null;
    return { ms, name: r.name, changes: r.changes, media: r.media, report: r.report, bytesRead: r.bytesRead, size: r.blob.size, bytes, same: r.blob === file };
  }, [i, options]);
}

describe('Preflight.fix', () => {
  let page;
  let fx;
  before(async () => {
    assert.ok(fs.existsSync(path.join(DIST, 'embed', 'preflight-embed.js')), 'dist/embed/ is missing: run `trunk build --release` first');
    fs.rmSync(HERE, { recursive: true, force: true });
    fs.mkdirSync(HERE, { recursive: true });
    fs.cpSync(DIST, SNAP, { recursive: true });
    fs.writeFileSync(path.join(SNAP, 'fix-test.html'), `<!doctype html><meta charset="utf-8"><title>fix</title>
<script src="embed/preflight-embed.js"></script>
<input type="file" id="files" multiple>
`);
    fx = { end: path.join(HERE, 'moov-end.mp4'), gps: path.join(HERE, 'gps.mov') };
    await Promise.all([
      ffmpeg([...AV, fx.end]),
      ffmpeg([...AV, '-metadata', 'location=+37.3318-122.0312+020.000/', fx.gps]),
    ]);
    fx.big = makeSparseMp4(fx.end, path.join(HERE, 'big-300m.mp4'), 300 * 1024 * 1024);
    fx.huge = makeSparseMp4(fx.end, path.join(HERE, 'huge-4g.mp4'), 4.2e9);
    [app, chrome] = await Promise.all([serve(SNAP), launch()]);
    const context = await chrome.context({}, { origins: [app.origin], name: 'fix' });
    cleanup.push(() => context.close());
    page = await context.newPage();
    page.setDefaultTimeout(120_000);
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(String(e)));
    await page.goto(app.origin + '/fix-test.html');
    await page.setInputFiles('#files', [fx.end, fx.gps, fx.big.file, fx.huge.file]);
  });

  after(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => {});
    await chrome?.close();
    await app?.close();
    fs.rmSync(HERE, { recursive: true, force: true });
  });

  it('a moov-at-end MP4 and a MOV with GPS come out moov-first, MP4, without location, with the same packets', async () => {
    const moovOf = (f) => {
      const b = boxes(fs.readFileSync(f)).find((x) => x.type === 'moov');
      return b.end - b.start;
    };
    for (const [i, input, want] of [[0, fx.end, ['faststart']], [1, fx.gps, ['faststart', 'mp4', 'location_removed']]]) {
      const r = await fixInPage(page, i, i === 1 ? { profile: 'cujs-video-abstract-2026', channel: 'unit' } : {});
      assert.deepEqual(r.changes.map((c) => c.code), want, JSON.stringify(r.changes));
      assert.ok(r.bytesRead <= moovOf(input) + 64 * 1024, `read ${r.bytesRead} bytes`);
      const out = path.join(HERE, r.name.replace(/\.mov$/, '') + '-fixed.mp4');
      fs.writeFileSync(out, Buffer.from(r.bytes));
      assert.equal(r.size, fs.statSync(out).size);
      const bx = boxes(fs.readFileSync(out)).map((b) => b.type);
      assert.ok(bx.indexOf('moov') < bx.indexOf('mdat'), bx.join(' '));
      assert.equal(await framemd5(out), await framemd5(input), `${input}: packets differ`);
      const p = await ffprobe(out);
      const tags = JSON.stringify([p.format.tags, ...p.streams.map((s) => s.tags)]);
      assert.equal(/location|xyz/i.test(tags), false, tags);
      assert.equal(r.media.faststart, true);
      assert.equal(r.media.location ?? null, null);
      if (i === 1) {
        assert.equal(r.name, 'gps.mp4');
        assert.equal(p.format.tags.major_brand, 'isom');
        assert.equal(r.media.container, 'mp4');
        const rule = (id) => r.report.rules.find((x) => x.id === id)?.status;
        assert.equal(rule('container'), 'pass');
        assert.equal(rule('faststart'), 'pass');
      }
    }
    // Fixed already: the File itself back, nothing changed.
    const again = await page.evaluate(async () => {
      const f = document.querySelector('#files').files[0];
      const r = await window.Preflight.fix(f, { mp4: false });
      const r2 = await window.Preflight.fix(new File([r.blob], 'x.mp4'));
      return r2.changes.length;
    });
    assert.equal(again, 0);
    assert.deepEqual(page.errors, []);
  });

  it('the app: 一键修复 beside the failing rules fixes the MOV, checks and offers the fixed MP4', async () => {
    const context = await chrome.context({ acceptDownloads: true }, { origins: [app.origin], name: 'fix app' });
    cleanup.push(() => context.close());
    const p = await context.newPage();
    p.setDefaultTimeout(60_000);
    const errors = [];
    p.on('pageerror', (e) => errors.push(String(e)));
    await p.goto(app.origin + '/');
    await appReady(p);
    await p.selectOption('#profile', 'cujs-video-abstract-2026');
    await p.check('input[name=channel][value=unit]');
    await p.setInputFiles('#video-input', fx.gps);
    await p.waitForSelector('li[data-rule=container][data-status=fail]');
    assert.ok(await p.$('li[data-rule="privacy.location"] button.fix-now'), 'no fix button beside privacy.location');
    assert.equal(await p.$('li[data-rule=duration] button.fix-now'), null);
    await p.click('li[data-rule=container] button.fix-now');
    await p.waitForSelector('#fixing.done');
    await p.waitForFunction(() => document.querySelector('#probe-meta')?.textContent.includes('gps.mp4'));
    await p.waitForSelector('li[data-rule=container][data-status=pass]');
    assert.equal(await p.$eval('li[data-rule=faststart]', (e) => e.dataset.status), 'pass');
    assert.equal(await p.$('li[data-rule="privacy.location"]'), null);
    const codes = await p.$$eval('#fixing [data-change]', (l) => l.map((e) => e.dataset.change));
    assert.deepEqual(codes, ['faststart', 'mp4', 'location_removed']);
    const [dl] = await Promise.all([p.waitForEvent('download'), p.click('#download-fixed')]);
    assert.equal(dl.suggestedFilename(), 'gps.mp4');
    const out = path.join(HERE, 'app-fixed.mp4');
    await dl.saveAs(out);
    assert.equal(await framemd5(out), await framemd5(fx.gps));
    assert.equal((await ffprobe(out)).format.tags.major_brand, 'isom');
    assert.deepEqual(errors, []);
  });

  it('300 MB and 4 GB moov-at-end files: the Blob exists fast, reading the moov and little more', async () => {
    for (const [i, f] of [[2, fx.big], [3, fx.huge]]) {
      const r = await fixInPage(page, i);
      assert.deepEqual(r.changes.map((c) => c.code), ['faststart']);
      assert.equal(r.size, f.size);
      assert.ok(r.bytesRead <= f.moov + 64 * 1024, `read ${r.bytesRead} for a ${f.moov}-byte moov`);
      console.log(`# fix ${(f.size / 1e6).toFixed(0)} MB in Chromium: ${r.ms.toFixed(1)} ms (with the probe of the result), ${r.bytesRead} bytes read, moov ${f.moov}`);
    }
  });
});
