// Photographed pages into one PDF, in headless Chromium: three JPEGs (one
// turned by its EXIF orientation, as a phone writes it) are chosen for a slot
// that takes PDFs (the order shown; choosing again replaces them), combined,
// and attached as one PDF that the slot lists with its page count. The PDF is downloaded from
// the page and read by poppler: three A4 pages in the order shown, each the
// photo's bytes unchanged. A HEIC among the photos is refused with the HEIC
// advice.
//
// Imported and run by tests/e2e/run.mjs.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';

import { DIST, FIXTURES, appReady, eventually, launch, serve } from './lib.mjs';

const run = promisify(execFile);
const HERE = path.join(FIXTURES, 'scanpdf'); // target/e2e/scanpdf

let chrome;
let server;
const cleanup = [];

async function still(size, out) {
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=${size}`, '-frames:v', '1', out]);
  return out;
}

/** `jpeg` with an APP1 Exif segment after SOI holding IFD0's Orientation (big-endian). */
function withOrientation(jpeg, o) {
  const tiff = Buffer.from([
    0x4d, 0x4d, 0, 42, 0, 0, 0, 8, // MM, 42, IFD0 at 8
    0, 1, // one entry
    0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, o, 0, 0, // Orientation, SHORT, 1, value
    0, 0, 0, 0, // no next IFD
  ]);
  const seg = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(seg.length + 2);
  return Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xe1]), len, seg, jpeg.subarray(2)]);
}

async function pdfinfo(file) {
  const { stdout } = await run('pdfinfo', ['-f', '1', '-l', '99', file]);
  const pages = Number(stdout.match(/^Pages:\s+(\d+)/m)[1]);
  const sizes = [...stdout.matchAll(/^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)/gm)].map((m) => [Number(m[1]), Number(m[2])]);
  return { pages, sizes };
}

describe('photographed pages into one PDF', { timeout: 300_000 }, () => {
  before(async () => {
    assert.ok(fs.existsSync(path.join(DIST, 'index.html')), 'dist/ is missing: run `trunk build --release` first');
    fs.rmSync(HERE, { recursive: true, force: true });
    fs.mkdirSync(HERE, { recursive: true });
    [server, chrome] = await Promise.all([serve(DIST), launch()]);
  });

  after(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => {});
    await chrome?.close();
    await server?.close();
  });

  it('three JPEGs become one PDF, in the order chosen, that the slot accepts', async () => {
    const p1 = await still('640x480', path.join(HERE, 'page1.jpg'));
    const p2 = await still('480x640', path.join(HERE, 'page2.jpg'));
    // Stored landscape, shown portrait (orientation 6: turned 90° clockwise).
    const p3 = path.join(HERE, 'page3.jpg');
    fs.writeFileSync(p3, withOrientation(fs.readFileSync(await still('640x480', path.join(HERE, 'raw3.jpg'))), 6));

    const context = await chrome.context({ acceptDownloads: true }, { origins: [server.origin], name: 'scans to PDF' });
    cleanup.push(() => context.close());
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(server.url);
    await appReady(page);
    await page.selectOption('#profile', 'sichuan-kepu-2024');
    await page.check('input[name=channel][value=self]');
    const slot = page.locator('.slot[data-slot=self_form]');
    await page.waitForSelector('#combine-self_form');

    // The order chosen is shown; choosing again replaces the photos.
    await page.setInputFiles('#combine-self_form', [p2, p1]);
    const order = page.locator('#combine-order-self_form');
    await eventually(async () => assert.equal(await order.textContent(), '1. page2.jpg　2. page1.jpg'));
    await page.setInputFiles('#combine-self_form', [p1, p3, p2]);
    await eventually(async () => assert.equal(await order.textContent(), '1. page1.jpg　2. page3.jpg　3. page2.jpg'));
    await page.click('#combine-go-self_form');

    // Attached like any PDF: named after the first photo, 3 pages, no error.
    const row = slot.locator('li.file', { hasText: 'page1.pdf' });
    await row.waitFor();
    await eventually(async () => assert.match(await row.textContent(), /3 页/));
    assert.equal(await slot.locator('.field-error').count(), 0);
    assert.equal(await order.count(), 0, 'the chosen photos are cleared');

    const [dl] = await Promise.all([page.waitForEvent('download'), row.locator('a[download]').click()]);
    const out = path.join(HERE, 'combined.pdf');
    await dl.saveAs(out);
    assert.equal(await dl.failure(), null);

    const info = await pdfinfo(out);
    assert.equal(info.pages, 3);
    assert.deepEqual(info.sizes, [[842, 595], [595, 842], [595, 842]], 'landscape, turned portrait, portrait');
    await run('pdfimages', ['-j', out, path.join(HERE, 'x')]);
    for (const [k, src] of [p1, p3, p2].entries()) {
      const got = fs.readFileSync(path.join(HERE, `x-00${k}.jpg`));
      assert.ok(got.equals(fs.readFileSync(src)), `page ${k + 1} holds ${path.basename(src)} unchanged`);
    }
    const { stdout } = await run('pdfimages', ['-list', out]);
    const rows = stdout.trim().split('\n').slice(2).map((l) => l.trim().split(/\s+/));
    assert.deepEqual(rows.map((r) => [r[3], r[4], r[8]]), [['640', '480', 'jpeg'], ['640', '480', 'jpeg'], ['480', '640', 'jpeg']]);

    // A HEIC among the photos: refused with the HEIC advice, nothing attached.
    const heic = path.join(HERE, 'IMG_0004.heic');
    fs.writeFileSync(heic, Buffer.concat([Buffer.from('000000186674797068656963', 'hex'), Buffer.alloc(16)]));
    await page.setInputFiles('#combine-self_form', [p2, heic]);
    await page.click('#combine-go-self_form');
    const refused = slot.locator('.field-error[data-error=heic_scan]');
    await refused.waitFor();
    assert.match(await refused.textContent(), /IMG_0004\.heic.*HEIC/);
    assert.equal(await slot.locator('ul.files li.file').count(), 1);
    assert.deepEqual(errors, []);
  });
});
