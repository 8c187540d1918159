// An entry whose video comes later (科普之光's 视频线索, "视频待自行制作（8月15日前
// 补充报送）"), in each engine (Chromium, Firefox ESR, WebKitGTK): the app's bundle button makes the form's
// bundle with no video picked, and `Preflight.bundle()` without `video` does
// the same; the manifest says the video follows and by when; `preflight
// verify` accepts both. Where the form says the video is finished, neither
// bundles without it.
//
// Imported and run by tests/e2e/run.mjs (or alone: node tests/e2e/later.mjs).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, afterEach, before, describe, it } from 'node:test';

import { DIST, FIXTURES, buildCli, enginesToRun, launch, serve } from './lib.mjs';

const run = promisify(execFile);
const HERE = path.join(FIXTURES, 'later'); // target/e2e/later
const SNAP = path.join(HERE, 'dist');
const PROFILE = 'kepu-light-2026';
const CATEGORY = 'venue_visit';
const FORM = {
  unit: '某市科协', title: '黑洞的秘密', contact: '张三', position: '科普部部长', phone: '13912345678',
  email: 'zhang@example.com', video_categories: [CATEGORY], status: ['to_produce'],
  leads: '拟拍摄本市科技馆的黑洞展项。', supervisor: '某省科协', supervisor_type: 'local_cast',
};

let chrome;
let app;
let cli;
const cleanup = [];

async function newPage(url, name) {
  const context = await chrome.context({}, { origins: [new URL(url).origin], name });
  cleanup.push(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(url);
  return page;
}

/** `preflight verify --json`: exit code and JSON. */
async function verify(zip) {
  try {
    const { stdout } = await run(await cli, ['verify', zip, '--json'], { maxBuffer: 1 << 24 });
    return { code: 0, json: JSON.parse(stdout) };
  } catch (e) {
    if (typeof e.code !== 'number') throw e;
    return { code: e.code, json: e.stdout ? JSON.parse(e.stdout) : null, stderr: e.stderr };
  }
}

/** A leads-only bundle: three entries (form, report, manifest), no video; verify accepts it. */
async function assertLeadsOnly(zip, what) {
  const { stdout: names } = await run('unzip', ['-Z1', zip]);
  const list = names.trim().split('\n');
  assert.equal(list.length, 3, `${what}: ${list}`);
  assert.match(list[0], /征集信息采集表\.html$/, `${what}: the form`);
  assert.deepEqual(list.slice(1), ['report.html', 'manifest.json'], `${what}: entries`);
  const { stdout: mtext } = await run('unzip', ['-p', zip, 'manifest.json'], { maxBuffer: 1 << 24 });
  const m = JSON.parse(mtext);
  assert.equal(m.profile, PROFILE);
  assert.equal(m.category, CATEGORY);
  assert.equal(m.media, undefined, `${what}: no media`);
  assert.ok(m.files.every((f) => f.role !== 'video'), `${what}: no video listed`);
  assert.match(m.video_later?.text ?? '', /8 月 15 日/, `${what}: the manifest says by when`);
  assert.equal(m.rules[0].id, 'video.later', `${what}: the rule that stands for the video`);
  assert.deepEqual(m.form.status, ['to_produce']);
  const v = await verify(zip);
  assert.equal(v.code, 0, `${what}: preflight verify: ${v.stderr}`);
  assert.equal(v.json.whole, true);
  assert.equal(v.json.report.rules[0].id, 'video.later');
  return m;
}

for (const engine of enginesToRun()) describe(`a leads-only entry (the video comes later) (${engine})`, { timeout: 300_000 }, () => {
  before(async () => {
    assert.ok(fs.existsSync(path.join(DIST, 'index.html')), 'dist/ is missing: run `trunk build --release` first');
    fs.rmSync(HERE, { recursive: true, force: true });
    fs.mkdirSync(HERE, { recursive: true });
    cli = buildCli();
    cli.catch(() => {});
    fs.cpSync(DIST, SNAP, { recursive: true });
    fs.writeFileSync(path.join(SNAP, 'api-later.html'), '<!doctype html><meta charset="utf-8"><title>API</title>\n<script src="embed/preflight-embed.js"></script>\n');
    [app, chrome] = await Promise.all([serve(SNAP, { engine }), launch(engine)]);
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

  it('the app: no video picked, the form says it comes later: the bundle button makes the form\'s bundle', async () => {
    const page = await newPage(app.url, 'later: app');
    await page.waitForSelector('#profile', { timeout: 30_000 });
    await page.selectOption('#profile', PROFILE);
    await page.check(`input[name=category][value=${CATEGORY}]`);
    await page.waitForSelector('#f-unit');
    for (const id of ['unit', 'title', 'contact', 'position', 'phone', 'email', 'supervisor']) await page.fill(`#f-${id}`, FORM[id]);
    await page.selectOption('#f-supervisor_type', FORM.supervisor_type);
    // Finished: the video is needed, and there is none: no bundle button.
    await page.check('#f-status input[value=finished]');
    await page.fill('#f-summary', '作品名称：黑洞的秘密；时长 3 分钟；版权方：某市科协。');
    await page.waitForSelector('#bundle');
    assert.equal(await page.locator('#bundle-later, #bundle-download, #bundle-force').count(), 0, 'no bundle without the video');
    // The video comes later: the form goes alone.
    await page.uncheck('#f-status input[value=finished]');
    await page.check('#f-status input[value=to_produce]');
    await page.fill('#f-leads', FORM.leads);
    await page.waitForSelector('#bundle-later');
    const button = page.locator('#bundle-download, #bundle-force').first();
    await button.waitFor();
    assert.equal(await button.getAttribute('id'), 'bundle-download', `nothing fails: ${await page.textContent('#bundle')}`);
    const [dl] = await Promise.all([page.waitForEvent('download'), button.click()]);
    const zip = path.join(HERE, `app-leads-${engine}.zip`);
    await dl.saveAs(zip);
    assert.equal(await dl.failure(), null);
    const m = await assertLeadsOnly(zip, 'app');
    assert.match(m.tool, /^preflight-web /);
    assert.equal(m.form.leads, FORM.leads);
    assert.match(await page.textContent('#bundle-message'), /\.zip/);
    assert.deepEqual(page.errors, []);
  });

  it('the JS API: bundle() without video for a leads-only entry; refused where the video is finished', async () => {
    const page = await newPage(`${app.origin}/api-later.html`, 'later: API');
    await page.waitForFunction(() => typeof window.Preflight?.bundle === 'function');
    const got = await page.evaluate(async ([profile, category, form]) => {
      const b = await window.Preflight.bundle({ profile, category, form });
      const bytes = new Uint8Array(await b.blob.arrayBuffer());
      let bin = '';
      for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      const refused = await window.Preflight.bundle({ profile, category, form: { ...form, status: ['finished'], leads: undefined } })
        .then(() => null, (e) => e);
      const video = await window.Preflight.bundle({ profile, category, form, video: 'not a file' }).then(() => null, (e) => e);
      return { name: b.name, manifest: b.manifest, verdict: b.report.verdict, zip: btoa(bin), refused, video };
    }, [PROFILE, CATEGORY, FORM]);
    assert.match(got.name, /\.zip$/);
    assert.equal(got.verdict, 'pass');
    assert.equal(got.manifest.video_later?.text.includes('8 月 15 日'), true);
    const zip = path.join(HERE, `api-leads-${engine}.zip`);
    fs.writeFileSync(zip, Buffer.from(got.zip, 'base64'));
    const m = await assertLeadsOnly(zip, 'API');
    assert.match(m.tool, /^preflight-js /);
    assert.equal(got.refused?.code, 'video_required', `finished, no video: ${JSON.stringify(got.refused)}`);
    assert.ok(got.refused.message_zh && got.refused.message_en);
    assert.equal(got.video?.code, 'bad_options', `video not a File: ${JSON.stringify(got.video)}`);
    assert.deepEqual(page.errors, []);
  });

  it('the JS API refuses a form key that is not a field, as the CLI does (with a video too)', async () => {
    const video = path.join(HERE, 'v.mp4');
    await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=5',
      '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', video]);
    const page = await newPage(`${app.origin}/api-later.html`, 'later: API unknown key');
    await page.waitForFunction(() => typeof window.Preflight?.bundle === 'function');
    await page.evaluate(() => {
      const i = document.createElement('input');
      i.type = 'file';
      i.id = 'files';
      document.body.append(i);
    });
    await page.setInputFiles('#files', video);
    const got = await page.evaluate(async ([profile, category, form]) => {
      const video = document.querySelector('#files').files[0];
      const form2 = { ...form, status: ['finished'], summary: '作品名称：黑洞的秘密', bogus_field: 'x' };
      return window.Preflight.bundle({ profile, category, form: form2, video, force: true })
        .then((b) => ({ bundled: Object.keys(b.manifest.form) }), (e) => e);
    }, [PROFILE, CATEGORY, FORM]);
    assert.equal(got.code, 'bad_form', `bundled anyway: ${JSON.stringify(got)}`);
    assert.match(got.message_en, /"bogus_field" in the form is not a field of this contest/);
    assert.ok(got.message_zh.includes('bogus_field'));
    assert.deepEqual(page.errors, []);
  });
});
