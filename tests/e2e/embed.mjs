// Preflight embedded in other people's pages, in headless Chromium: the
// <preflight-check> element on the example host page (report and bundle
// events, the bundle read back by every zip reader), the headless JS API
// against `preflight check|probe --json`, iframe mode across three origins,
// the standalone app offline after one visit, style isolation both ways, and
// bad host configurations. Imported and run by tests/e2e/run.mjs.
//
// Everything test-only (the API page, a plain host page, a third origin's
// page, pages with bad configurations) is written into a served copy of dist/
// at test time: nothing test-only ships.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { after, afterEach, before, describe, it } from 'node:test';

import { DIST, FIXTURES, PROFILES, ROOT, SHOTS, appReady, buildCli, eventually, launch, oracle, serve, NOT_RUN, enginesToRun, unsupported } from './lib.mjs';

const run = promisify(execFile);
const HERE = path.join(FIXTURES, 'embed'); // target/e2e/embed
const SNAP = path.join(HERE, 'dist'); // the served copy of dist/
const THIRD = path.join(HERE, 'third'); // what origin 3 serves
const ENV = { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' };

let chrome;
let app; // origin 1: the app and the host example pages
let host2; // origin 2: host-iframe.html, naming origin 1 as the widget
let third; // origin 3: a stranger
let fx;
let cli;
let javaDir;
const cleanup = [];

const profileJson = (id) => JSON.parse(fs.readFileSync(path.join(ROOT, 'profiles', `${id}.json`), 'utf8'));

// ---------------------------------------------------------------- fixtures

async function ffmpeg(args) {
  await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { maxBuffer: 1 << 24 });
}

function av(size, rate, seconds, out, { codec = 'libx264', extra = [] } = {}) {
  const v = codec === 'libx265'
    ? ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-tag:v', 'hvc1']
    : ['-c:v', 'libx264', '-preset', 'ultrafast'];
  return ffmpeg([
    '-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(seconds), ...v, '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '64k', ...extra, out,
  ]);
}

/** Small videos that differ in what the rules look at. */
async function makeVideos() {
  fs.mkdirSync(HERE, { recursive: true });
  const f = (n) => path.join(HERE, n);
  const v = {
    land: f('land-1080p-3s.mp4'), // moov at the end
    portrait: f('portrait-1080x1920-3s-faststart.mp4'),
    hevc: f('hevc-1080p-3s.mp4'),
    small: f('small-1280x720-3s.mp4'),
    tiny: f('tiny-64x36-130s.mp4'), // inside 2–5 minutes
    rotated: f('rotated-90-1920x1080-3s.mp4'), // stored landscape, displayed portrait
  };
  const jobs = [
    () => av('1920x1080', 2, 3, v.land),
    () => av('1080x1920', 2, 3, v.portrait, { extra: ['-movflags', '+faststart'] }),
    () => av('1920x1080', 2, 3, v.hevc, { codec: 'libx265' }),
    () => av('1280x720', 2, 3, v.small),
    () => av('64x36', 1, 130, v.tiny),
  ];
  const queue = [...jobs];
  await Promise.all([0, 1].map(async () => {
    while (queue.length) await queue.shift()();
  }));
  await ffmpeg(['-i', v.land, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', v.rotated]);
  // A scan for the API's bundle.
  v.pdf = f('licence.pdf');
  fs.writeFileSync(v.pdf, '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
  return v;
}

// ---------------------------------------------------------------- test pages

/** Pages written into the served copy of dist/ (and origin 3's folder). */
function writePages(thirdOrigin) {
  const w = (dir, name, text) => fs.writeFileSync(path.join(dir, name), text);
  // The headless API, called from a page that has only the embed script.
  w(SNAP, 'api-test.html', `<!doctype html><meta charset="utf-8"><title>API test</title>
<script src="embed/preflight-embed.js"></script>
<input type="file" id="files" multiple>
`);
  // The example host page without its hostile styles (same margins, so the
  // widget gets the same width).
  w(SNAP, 'plain-host.html', `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>plain host</title><link rel="stylesheet" href="plain-host.css">
<script src="embed/preflight-embed.js"></script></head>
<body><div id="spacer"></div>
<preflight-check id="widget" profile="sichuan-kepu-2024" channel="self" bundle="event" lang="zh"></preflight-check>
</body></html>
`);
  w(SNAP, 'plain-host.css', 'body { margin: 40px; }\n');
  // Bad configurations: each must show an error, never a blank box.
  w(SNAP, 'bad-hosts.js', `window.errors = [];
document.addEventListener('preflight-error', function (e) { window.errors.push(Object.assign({ id: e.target.id }, e.detail)); });
`);
  w(SNAP, 'bad-hosts.html', `<!doctype html><meta charset="utf-8"><title>bad hosts</title>
<script src="bad-hosts.js"></script>
<script src="embed/preflight-embed.js"></script>
<preflight-check id="bad-schema" profile-json='{"schema": 2}'></preflight-check>
<preflight-check id="bad-json" profile-json='{"schema": 1, "id": "x",'></preflight-check>
<preflight-check id="bad-id" profile="no-such-contest"></preflight-check>
<preflight-check id="bad-src" profile-src="${thirdOrigin}/profile.json"></preflight-check>
<preflight-check id="missing-src" profile-src="no-such-profile.json"></preflight-check>
`);
  fs.mkdirSync(THIRD, { recursive: true });
  w(THIRD, 'profile.json', fs.readFileSync(path.join(ROOT, 'profiles', 'nmg-kepu-2025.json')));
  // Origin 3 embeds the widget naming origin 2 as the host, and records
  // whatever reaches it.
  w(THIRD, 'third.js', `window.received = [];
window.addEventListener('message', function (e) { window.received.push({ origin: e.origin, data: e.data }); });
var p = new URLSearchParams(location.search);
document.getElementById('preflight').src = p.get('app') + '?origin=' + encodeURIComponent(p.get('named')) + '&profile=sichuan-kepu-2024&channel=self';
`);
  w(THIRD, 'third.html', `<!doctype html><meta charset="utf-8"><title>origin 3</title>
<iframe id="preflight" style="width:100%;height:600px;border:0"></iframe>
<script src="third.js"></script>
`);
}

// ---------------------------------------------------------------- helpers

/**
 * A page in a context of its own. `origins`: every origin the test's pages
 * may reach (default: the page's own); a request anywhere else fails the
 * suite's last test.
 */
async function newPage(url, options = {}, { origins, name } = {}) {
  const context = await chrome.context(options, {
    origins: origins ?? (url ? [url] : undefined),
    name: name ?? (url ? `embed ${new URL(url).pathname}` : 'embed'),
  });
  cleanup.push(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  if (url) await page.goto(url);
  return page;
}

/** The widget (in a shadow root) has rendered its picker and its stylesheet is in. */
async function widgetReady(page, host = 'preflight-check') {
  await page.locator(`${host} #video-input`).waitFor({ state: 'attached', timeout: 30_000 });
  await page.waitForFunction((host) => {
    const l = document.querySelector(host)?.shadowRoot?.querySelector('link[rel=stylesheet]');
    try { return l && l.sheet && l.sheet.cssRules.length > 0; } catch { return false; }
  }, host);
}


/** Copy the Blob the page keeps at `window[key][prop]` into `out`. */
async function saveBlob(page, out, key, prop = 'blob') {
  const b64 = await page.evaluate(async ([key, prop]) => {
    const bytes = new Uint8Array(await window[key][prop].arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }, [key, prop]);
  const buf = Buffer.from(b64, 'base64');
  fs.writeFileSync(out, buf);
  return buf;
}

function crc32(buf) {
  if (zlib.crc32) return zlib.crc32(buf) >>> 0;
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
const hex8 = (n) => n.toString(16).padStart(8, '0');
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');

/** Run a tool; {code, stdout, stderr} whatever its exit status. */
async function tool(cmd, args, opts = {}) {
  try {
    const { stdout, stderr } = await run(cmd, args, { maxBuffer: 1 << 28, env: ENV, ...opts });
    return { code: 0, stdout, stderr };
  } catch (e) {
    if (typeof e.code !== 'number') throw e;
    return { code: e.code, stdout: String(e.stdout ?? ''), stderr: String(e.stderr ?? '') };
  }
}

const PY_READ = `
import hashlib, json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    out = []
    for i in z.infolist():
        data = z.read(i)
        out.append({"name": i.filename, "crc": i.CRC, "size": i.file_size, "method": i.compress_type,
                    "flags": i.flag_bits, "sha256": hashlib.sha256(data).hexdigest(), "read": len(data),
                    "text": data.decode("utf-8") if i.filename == "manifest.json" else None})
    print(json.dumps({"bad": bad, "entries": out}))
`;

/**
 * Read a bundle back with every reader the bundle tests use, and check that
 * the video inside is the input byte for byte. Returns the zip's entries.
 */
async function checkZip(zip, video, manifest, t) {
  const input = fs.readFileSync(video);
  const want = { size: input.length, crc: crc32(input), sha: sha256(input) };
  const m = manifest.files.find((f) => f.role === 'video');
  assert.ok(m, 'the manifest names the video');
  assert.equal(m.size, want.size, 'manifest: video size');
  assert.equal(m.crc32, hex8(want.crc), 'manifest: video CRC');
  // The zip's entries: the manifest's files, then manifest.json itself.
  const names = [...manifest.files.map((f) => f.name), 'manifest.json'];

  const [unzipT, unzipV, unzipZ, unzipP, sevenT, bsdtarT, py, verify] = await Promise.all([
    tool('unzip', ['-t', zip]),
    tool('unzip', ['-v', zip]),
    tool('unzip', ['-Z1', zip]),
    run('unzip', ['-p', zip, m.name], { encoding: 'buffer', maxBuffer: 1 << 28, env: ENV }).then((r) => r.stdout),
    tool('7z', ['t', zip]),
    tool('bsdtar', ['-tf', zip]),
    tool('python3', ['-c', PY_READ, zip]),
    tool(await cli, ['verify', zip, '--json']),
  ]);
  assert.equal(unzipT.code, 0, `unzip -t:\n${unzipT.stdout}${unzipT.stderr}`);
  assert.match(unzipT.stdout, /No errors detected/);
  for (const n of names) assert.ok(unzipT.stdout.includes(`testing: ${n}`), `unzip -t does not test ${n}`);
  // unzip -v: Length Method Size Cmpr Date Time CRC-32 Name
  const row = unzipV.stdout.split('\n').map((l) => /^\s*(\d+)\s+(\S+)\s+(\d+)\s+\S+\s+\S+\s+\S+\s+([0-9a-f]{8})\s+(.+)$/.exec(l))
    .find((r) => r && r[5] === m.name);
  assert.ok(row, `unzip -v lists ${m.name}:\n${unzipV.stdout}`);
  assert.deepEqual([Number(row[1]), row[2], Number(row[3]), row[4]], [want.size, 'Stored', want.size, hex8(want.crc)], 'unzip -v: the video');
  assert.deepEqual(unzipZ.stdout.trim().split('\n'), names, 'unzip -Z1: the names, as the manifest lists them');
  assert.ok(Buffer.compare(unzipP, input) === 0, 'unzip -p: the video is the input, byte for byte');
  assert.equal(sevenT.code, 0, `7z t:\n${sevenT.stdout}${sevenT.stderr}`);
  assert.match(sevenT.stdout, /Everything is Ok/);
  assert.equal(bsdtarT.code, 0, `bsdtar -tf: ${bsdtarT.stderr}`);
  assert.deepEqual(bsdtarT.stdout.trim().split('\n'), names, 'bsdtar -tf');

  assert.equal(py.code, 0, `python zipfile: ${py.stderr}`);
  const pz = JSON.parse(py.stdout);
  assert.equal(pz.bad, null, 'python testzip()');
  assert.deepEqual(pz.entries.map((e) => e.name), names, 'python: names');
  for (const e of pz.entries) {
    assert.equal(e.method, 0, `python: ${e.name} is stored`);
    assert.ok(e.flags & 0x800, `python: ${e.name} has the UTF-8 flag`);
    assert.equal(e.read, e.size);
  }
  const pv = pz.entries.find((e) => e.name === m.name);
  assert.deepEqual([pv.size, pv.crc, pv.sha256], [want.size, want.crc, want.sha], 'python: the video');
  const inZip = JSON.parse(pz.entries.find((e) => e.name === 'manifest.json').text);
  assert.deepEqual(inZip, manifest, 'the manifest handed over is the one in the zip');
  for (const f of manifest.files) {
    const e = pz.entries.find((x) => x.name === f.name);
    assert.ok(e, `${f.name} is in the zip`);
    assert.deepEqual([e.size, hex8(e.crc)], [f.size, f.crc32], `manifest vs zip: ${f.name}`);
    if (f.sha256) assert.equal(e.sha256, f.sha256, `manifest sha256: ${f.name}`);
  }

  // Java's ZipInputStream and ZipFile, with the default charset and GBK.
  for (const charset of ['default', 'GBK']) {
    const j = await tool('java', ['-cp', await javaDir, 'ReadZip', charset, 'read', zip]);
    assert.equal(j.code, 0, `java ReadZip ${charset}:\n${j.stdout}${j.stderr}`);
    const lines = j.stdout.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'));
    for (const api of ['ZIS', 'ZF']) {
      const mine = lines.filter((l) => l[0] === api);
      assert.deepEqual(mine.map((l) => l[1]), names, `java ${api} ${charset}: names`);
      for (const [, name, crc, n, declCrc, declSize] of mine) {
        assert.deepEqual([crc, Number(n)], [declCrc, Number(declSize)], `java ${api} ${charset}: ${name}`);
      }
      const jv = mine.find((l) => l[1] === m.name);
      assert.deepEqual([jv[2], Number(jv[3])], [hex8(want.crc), want.size], `java ${api} ${charset}: the video`);
    }
  }

  // preflight verify: whole, every CRC right; exit 0, or 1 when the video fails.
  assert.ok(verify.code === 0 || verify.code === 1, `preflight verify exit ${verify.code}:\n${verify.stdout}${verify.stderr}`);
  const v = JSON.parse(verify.stdout);
  assert.equal(v.whole, true);
  assert.deepEqual(v.files, manifest.files, 'preflight verify: files');
  assert.equal(verify.code, v.report.verdict === 'fail' ? 1 : 0, 'preflight verify: exit status follows the verdict');
  t?.diagnostic(`${path.basename(zip)}: ${fs.statSync(zip).size} B, ${names.length} entries, verify verdict ${v.report.verdict}, forced ${v.forced}`);
  return pz.entries;
}

/** `fn` over `items`, `width` at a time; results in order. */
async function pool(items, width, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  }));
  return out;
}

/** Video rules of a report: {id: status}. */
const videoStatuses = (r) => Object.fromEntries(r.rules.filter((x) => x.kind === 'video').map((x) => [x.id, x.status]));

// ---------------------------------------------------------------- tests

for (const engine of enginesToRun()) describe(`Preflight embedded: element, JS API, iframe, offline, styles (${engine})`, { timeout: 300_000 }, () => {
  before(async () => {
    assert.ok(fs.existsSync(path.join(DIST, 'embed', 'preflight-embed.js')), 'dist/embed/ is missing: run `trunk build --release` first');
    fs.rmSync(HERE, { recursive: true, force: true });
    fs.mkdirSync(THIRD, { recursive: true });
    cli = buildCli();
    cli.catch(() => {}); // awaited by the tests that need it
    // Java's readers, compiled once into a scratch folder.
    javaDir = (async () => {
      const dir = fs.mkdtempSync(path.join(HERE, 'java-'));
      await run('javac', ['-encoding', 'UTF-8', '-d', dir, path.join(ROOT, 'tests', 'java', 'ReadZip.java')]);
      return dir;
    })();
    javaDir.catch(() => {});
    // Serve a copy, so that a rebuild of dist/ meanwhile cannot mix two builds.
    fs.cpSync(DIST, SNAP, { recursive: true });
    [app, host2, third, chrome, fx] = await Promise.all([serve(SNAP, { engine }), serve(SNAP, { engine }), serve(THIRD, { engine }), launch(engine), makeVideos()]);
    writePages(third.origin);
  });

  // A WebKit context is a MiniBrowser of its own: each test's go when it ends.
  afterEach(async () => {
    if (engine === 'chromium') return;
    for (const c of cleanup.splice(0).reverse()) await c().catch(() => {});
  });

  after(async () => {
    for (const c of cleanup.splice(0).reverse()) await c().catch(() => {});
    await chrome?.close();
    await Promise.all([app, host2, third].map((s) => s?.close()));
  });

  it('host page: the element reports, then hands over a bundle every zip reader accepts', async (t) => {
    const page = await newPage(app.origin + '/host-example.html');
    await widgetReady(page);
    await page.setInputFiles('#widget #video-input', fx.land);
    const report = await page.waitForFunction(() => window.lastReport).then((h) => h.jsonValue());
    assert.ok(['pass', 'warn', 'fail'].includes(report.verdict), `verdict ${report.verdict}`);
    assert.ok(report.rules.length >= 5 && report.rules.every((r) => r.id && r.status));
    assert.equal(report.profile, 'sichuan-kepu-2024');
    assert.equal(report.channel, 'self');
    assert.equal(report.media.size_bytes, fs.statSync(fx.land).size);
    const want = await oracle(await cli, fx.land, 'sichuan-kepu-2024', { channel: 'self', category: report.category ?? undefined });
    assert.deepEqual(videoStatuses(report), videoStatuses(want), 'event report vs CLI (video rules)');
    assert.match(await page.textContent('#host-status'), new RegExp(report.verdict));

    // The CRC pass (starts by itself only when the video passes), then the bundle.
    const crc = page.locator('#widget').locator('#crc-start, #crc-progress, #crc-done').first();
    await crc.waitFor();
    if ((await crc.getAttribute('id')) === 'crc-start') await crc.click();
    await page.locator('#widget #crc-done').waitFor({ timeout: 30_000 });
    const button = page.locator('#widget').locator('#bundle-download, #bundle-force').first();
    const forced = (await button.getAttribute('id')) === 'bundle-force';
    await button.click();
    const b = await page.waitForFunction(() => window.lastBundle && {
      name: window.lastBundle.name, size: window.lastBundle.blob.size, type: window.lastBundle.blob.type,
      isBlob: window.lastBundle.blob instanceof Blob, manifest: window.lastBundle.manifest,
    }).then((h) => h.jsonValue());
    assert.ok(b.isBlob);
    assert.equal(b.type, 'application/zip');
    assert.match(b.name, /\.zip$/);
    assert.match(await page.textContent('#host-upload'), new RegExp(`${b.size} bytes`));
    assert.equal(await page.locator('#host-submit').isEnabled(), true, 'the host\'s own uploader takes over');
    const zip = path.join(HERE, 'element-bundle.zip');
    const bytes = await saveBlob(page, zip, 'lastBundle');
    assert.equal(bytes.length, b.size);
    assert.equal(b.manifest.profile, 'sichuan-kepu-2024');
    assert.equal(b.manifest.forced, forced);
    if (forced) assert.ok(b.manifest.failures.includes('duration'), `failures: ${b.manifest.failures}`); // 3 s against 2–5 minutes
    await checkZip(zip, fx.land, b.manifest, t);
    assert.deepEqual(page.errors, []);
  });

  it('JS API: check and probe agree with the CLI, bundle passes `preflight verify`', async (t) => {
    const bin = await cli;
    const page = await newPage(app.origin + '/api-test.html');
    assert.equal(await page.evaluate(() => window.Preflight.ready()), true);
    assert.deepEqual((await page.evaluate(() => window.Preflight.profiles())).sort(), [...PROFILES].sort());
    const videos = ['land', 'portrait', 'hevc', 'small', 'tiny', 'rotated'];
    await page.setInputFiles('#files', videos.map((v) => fx[v]));
    const file = (i) => `document.querySelector('#files').files[${i}]`;
    assert.equal(await page.evaluate(() => document.querySelector('#files').files.length), videos.length);

    // probe vs `preflight probe --json`
    for (const [i, v] of videos.entries()) {
      const got = await page.evaluate((i) => window.Preflight.probe(document.querySelector('#files').files[i]), i);
      const { stdout } = await run(bin, ['probe', fx[v], '--json'], { maxBuffer: 1 << 24 });
      let want = JSON.parse(stdout);
      if (Array.isArray(want)) want = want[0];
      const pick = (m) => ({
        file: path.basename(m.file), size: m.size_bytes, container: m.container, duration: m.duration_s, faststart: m.faststart,
        codec: m.video?.codec, width: m.video?.width, height: m.video?.height, rotation: m.video?.rotation,
        display: [m.video?.display_width, m.video?.display_height], audio: m.audio?.codec,
      });
      assert.deepEqual(pick(got), pick(want), `probe ${v}: API vs CLI`);
      if (v === 'rotated') {
        assert.ok([90, 270].includes(got.video.rotation), `rotation ${got.video.rotation}`);
        assert.deepEqual([got.video.width, got.video.height, got.video.display_width, got.video.display_height], [1920, 1080, 1080, 1920]);
      }
      if (v === 'hevc') assert.match(got.video.codec, /hevc|h265|hvc1/i);
    }

    // check vs `preflight check --json`: every profile, every category × channel.
    let n = 0;
    const jobs = [];
    for (const profile of PROFILES) {
      const p = profileJson(profile);
      const cats = p.categories?.length ? p.categories.map((c) => c.id) : [undefined];
      const chans = p.channels?.length ? p.channels.map((c) => c.id) : [undefined];
      for (const category of cats) for (const channel of chans) for (const [i, v] of videos.entries()) jobs.push({ profile, category, channel, i, v });
    }
    const wants = await pool(jobs, 6, (j) => oracle(bin, fx[j.v], j.profile, j));
    for (const [k, j] of jobs.entries()) {
      const opts = Object.fromEntries(Object.entries({ category: j.category, channel: j.channel }).filter(([, x]) => x));
      const got = await page.evaluate(([i, profile, opts]) => window.Preflight.check(document.querySelector('#files').files[i], profile, opts), [j.i, j.profile, opts]);
      const want = wants[k];
      const what = `${j.v} × ${j.profile} (${j.category ?? '-'}/${j.channel ?? '-'})`;
      assert.equal(got.verdict, want.verdict, `${what}: verdict`);
      assert.deepEqual(got.rules.map((r) => [r.id, r.status]), want.rules.map((r) => [r.id, r.status]), `${what}: rules`);
      assert.deepEqual([got.profile, got.category, got.channel], [want.profile, want.category, want.channel], `${what}: choice`);
      n += 1;
    }
    const verdicts = new Set(wants.map((w) => w.verdict));
    assert.ok(verdicts.has('fail') && verdicts.size >= 2, `the fixtures exercise more than one verdict: ${[...verdicts]}`);
    t.diagnostic(`${n} API checks agree with the CLI (verdicts seen: ${[...verdicts].join(', ')})`);

    // A profile given as JSON text and as an object gives the same report as its id.
    const text = fs.readFileSync(path.join(ROOT, 'profiles', 'nmg-kepu-2025.json'), 'utf8');
    const [byId, byText, byObj] = await page.evaluate(async ([text]) => {
      const f = document.querySelector('#files').files[0];
      return Promise.all([window.Preflight.check(f, 'nmg-kepu-2025'), window.Preflight.check(f, text), window.Preflight.check(f, JSON.parse(text))]);
    }, [text]);
    assert.deepEqual(byText, byId);
    assert.deepEqual(byObj, byId);

    // Errors reject with {code, message_zh, message_en}.
    const errs = await page.evaluate(async () => {
      const f = document.querySelector('#files').files[0];
      const code = (p) => p.then(() => null, (e) => e);
      return {
        unknown: await code(window.Preflight.check(f, 'no-such-contest')),
        schema: await code(window.Preflight.check(f, '{"schema": 2}')),
        notVideo: await code(window.Preflight.probe(new File(['not a video at all, just text'], 'a.mp4'))),
        noVideo: await code(window.Preflight.bundle({ profile: 'nmg-kepu-2025' })),
      };
    });
    for (const [k, e] of Object.entries(errs)) {
      assert.ok(e && typeof e.code === 'string' && e.message_zh && e.message_en, `${k} rejects with a coded error: ${JSON.stringify(e)}`);
    }
    assert.equal(errs.unknown.code, 'unknown_profile');
    assert.equal(errs.schema.code, 'bad_profile');

    // bundle(): a Blob that every zip reader and `preflight verify` accept.
    const cujs = profileJson('cujs-video-abstract-2026');
    const slot = cujs.attachments[0].id;
    const form = {
      unit: '某某大学学报编辑部', journal: '某某大学学报', title: '湿地里的候鸟', doi: 'https://doi.org/10.1000/xyz123',
      published: '2026-03-01', authors: '张三、李四', mobile: '13912345678',
    };
    const scanIdx = videos.length; // the PDF comes after the videos
    await page.setInputFiles('#files', [...videos.map((v) => fx[v]), fx.pdf]);
    const made = await page.evaluate(async ([form, slot, scanIdx]) => {
      const files = document.querySelector('#files').files;
      const b = await window.Preflight.bundle({
        profile: 'cujs-video-abstract-2026', channel: 'personal', form, video: files[0],
        attachments: [{ slot, file: files[scanIdx] }], force: true,
      });
      window.apiBundle = b;
      return { name: b.name, size: b.blob.size, isBlob: b.blob instanceof Blob, manifest: b.manifest, verdict: b.report.verdict };
    }, [form, slot, scanIdx]);
    assert.ok(made.isBlob);
    assert.match(made.name, /\.zip$/);
    assert.equal(made.manifest.channel, 'personal');
    assert.ok(made.manifest.files.some((f) => f.role === 'scan' && f.slot === slot), 'the scan is in the manifest');
    const zip = path.join(HERE, 'api-bundle.zip');
    await saveBlob(page, zip, 'apiBundle');
    const entries = await checkZip(zip, fx.land, made.manifest, t);
    const scan = entries.find((e) => e.name === made.manifest.files.find((f) => f.role === 'scan').name);
    assert.equal(scan.sha256, sha256(fs.readFileSync(fx.pdf)), 'the scan inside is the input');
    assert.deepEqual(page.errors, []);
  });

  it('iframe mode: reports go to the named origin only; config is taken from it only', async (t) => {
    if (unsupported(t, engine, 'frames')) return;
    const names = Object.fromEntries(['sichuan-kepu-2024', 'nmg-kepu-2025'].map((id) => [id, profileJson(id).name]));
    const appUrl = app.origin + '/index.html';
    assert.notEqual(host2.origin, app.origin);
    assert.notEqual(third.origin, app.origin);

    // Origin 2, the host the widget names.
    const page = await newPage(`${host2.origin}/host-iframe.html?app=${encodeURIComponent(appUrl)}`, {}, { origins: [host2.origin, app.origin], name: 'iframe: origin 2' });
    const frame = page.frameLocator('#preflight');
    assert.equal(await page.getAttribute('#preflight', 'src'),
      `${appUrl}?origin=${encodeURIComponent(host2.origin)}&profile=sichuan-kepu-2024&channel=self`);
    await frame.locator('#profile-locked').waitFor({ timeout: 30_000 });
    assert.equal((await frame.locator('#profile-locked').textContent()).trim(), names['sichuan-kepu-2024']);
    await frame.locator('#video-input').setInputFiles(fx.land);
    const report = await page.waitForFunction(() => window.lastReport).then((h) => h.jsonValue());
    assert.equal(report.profile, 'sichuan-kepu-2024');
    assert.equal(report.channel, 'self');
    assert.ok(report.rules.length >= 5);
    assert.deepEqual(videoStatuses(report), videoStatuses(await oracle(await cli, fx.land, 'sichuan-kepu-2024', { channel: 'self', category: report.category ?? undefined })));
    assert.equal(await page.textContent('#host-status'), `verdict: ${report.verdict}`);
    // The bundle crosses origins as a Blob too.
    const crc = frame.locator('#crc-start, #crc-progress, #crc-done').first();
    await crc.waitFor();
    if ((await crc.getAttribute('id')) === 'crc-start') await crc.click();
    await frame.locator('#crc-done').waitFor({ timeout: 30_000 });
    await frame.locator('#bundle-download, #bundle-force').first().click();
    const got = await page.waitForFunction(() => window.lastBundle && { isBlob: window.lastBundle.blob instanceof Blob, size: window.lastBundle.blob.size, name: window.lastBundle.name })
      .then((h) => h.jsonValue());
    assert.ok(got.isBlob && got.size > fs.statSync(fx.land).size, `bundle ${JSON.stringify(got)}`);

    // Origin 3 embeds the same widget naming origin 2, and posts a config.
    const stranger = await newPage(`${third.origin}/third.html?app=${encodeURIComponent(appUrl)}&named=${encodeURIComponent(host2.origin)}`, {},
      { origins: [third.origin, app.origin], name: 'iframe: origin 3' });
    const sframe = stranger.frameLocator('#preflight');
    await sframe.locator('#profile-locked').waitFor({ timeout: 30_000 });
    const inner = stranger.frames().find((f) => f.url().startsWith(app.origin));
    // Note (after the app's own listener) every message the widget receives.
    await inner.evaluate(() => {
      window.seen = [];
      window.addEventListener('message', (e) => window.seen.push({ origin: e.origin, type: e.data?.type }));
    });
    await stranger.evaluate(() => document.getElementById('preflight').contentWindow.postMessage({ type: 'preflight:config', profile: 'nmg-kepu-2025' }, '*'));
    await inner.waitForFunction(() => window.seen.length === 1);
    assert.deepEqual(await inner.evaluate(() => window.seen), [{ origin: third.origin, type: 'preflight:config' }]);
    // Give a render its chance: two frames later nothing has changed.
    await inner.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
    assert.equal((await sframe.locator('#profile-locked').textContent()).trim(), names['sichuan-kepu-2024'], 'a config from origin 3 is ignored');
    // A report made here is posted to origin 2 only: origin 3 never sees it.
    await sframe.locator('#video-input').setInputFiles(fx.land);
    await sframe.locator('#verdict').waitFor();
    assert.equal((await sframe.locator('#profile-locked').textContent()).trim(), names['sichuan-kepu-2024'], 'still ignored after a report');
    await inner.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
    // A marker posted after the report: messages from one window arrive in order.
    await inner.evaluate(() => parent.postMessage({ type: 'marker' }, '*'));
    await stranger.waitForFunction(() => window.received.some((m) => m.data?.type === 'marker'));
    assert.deepEqual(await stranger.evaluate(() => window.received.map((m) => m.data?.type)), ['marker'], 'nothing but the marker reached origin 3');

    // The named origin's config is applied (once the user agrees to drop the picked video).
    const asked = new Promise((ok) => page.once('dialog', (d) => { ok(d.type()); d.accept(); }));
    await page.evaluate((o) => document.getElementById('preflight').contentWindow.postMessage({ type: 'preflight:config', profile: 'nmg-kepu-2025' }, o), app.origin);
    assert.equal(await asked, 'confirm');
    await eventually(async () => assert.equal((await frame.locator('#profile-locked').textContent()).trim(), names['nmg-kepu-2025']), 10_000);
    // …and the widget still reports to it, under the new profile.
    await page.evaluate(() => { window.lastReport = null; });
    await frame.locator('#video-input').setInputFiles(fx.portrait);
    const r2 = await page.waitForFunction(() => window.lastReport).then((h) => h.jsonValue());
    assert.equal(r2.profile, 'nmg-kepu-2025');
    assert.deepEqual(page.errors, []);
    assert.deepEqual(stranger.errors, []);
  });

  it('offline: after one visit the standalone app reloads and checks a video with the network gone', async (t) => {
    if (unsupported(t, engine, 'offline', 'workers')) return;
    const own = await serve(SNAP, { engine }); // a server of its own, to switch off
    try {
      const page = await newPage(own.url, {}, { origins: [own.origin], name: 'offline' });
      await appReady(page);
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
        for (;;) {
          if (await caches.match('app_bg.wasm') && await caches.match('worker_loader.js')) return;
          await new Promise((ok) => setTimeout(ok, 50));
        }
      });
      // The first visit is over once its workers have their module (closing
      // the server mid-transfer would only break this visit, not the test).
      for (const w of page.workers()) await w.evaluate(() => wasm_bindgen({ module_or_path: './app_bg.wasm' }).then(() => true));
      const context = page.context();
      await own.close();
      await context.setOffline(true);
      const served = [];
      context.on('response', (r) => served.push({ url: r.url(), sw: r.fromServiceWorker(), status: r.status() }));
      const failed = [];
      context.on('requestfailed', (r) => failed.push(r.url()));
      // The server is really gone.
      const gone = await new Promise((ok) => http.get(own.url, () => ok(false)).on('error', (e) => ok(e.code)));
      assert.equal(gone, 'ECONNREFUSED');
      await page.reload();
      const worker = await appReady(page);
      assert.ok(worker);
      assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), 'the page is served by the service worker');
      await page.setInputFiles('#video-input', fx.land);
      await page.waitForSelector('#verdict');
      assert.match(await page.textContent('#probe-meta'), new RegExp(path.basename(fx.land)));
      const statuses = await page.$$eval('#report li[data-rule]', (lis) => Object.fromEntries(lis.map((li) => [li.dataset.rule, li.dataset.status])));
      const choice = await page.evaluate(() => ({
        profile: document.querySelector('#profile').value,
        category: document.querySelector('input[name=category]:checked')?.value,
        channel: document.querySelector('input[name=channel]:checked')?.value,
      }));
      const want = videoStatuses(await oracle(await cli, fx.land, choice.profile, choice));
      assert.ok(Object.keys(want).length >= 5);
      assert.deepEqual(Object.fromEntries(Object.keys(want).map((id) => [id, statuses[id]])), want, 'offline report vs CLI');
      const wasm = served.filter((s) => new URL(s.url).pathname.endsWith('app_bg.wasm'));
      assert.ok(wasm.length >= 1 && wasm.every((s) => s.sw && s.status === 200), `app_bg.wasm from the service worker: ${JSON.stringify(wasm)}`);
      t.diagnostic(`offline reload: ${served.length} responses, ${served.filter((s) => s.sw).length} from the service worker; failed requests: ${failed.length}`);
      assert.deepEqual(page.errors, []);
    } finally {
      await own.close().catch(() => {});
    }
  });

  it('styles: the host\'s CSS does not reach the widget, nor the widget\'s the host', async (t) => {
    const viewport = { width: 1000, height: 900 };
    const [hostile, plain] = await Promise.all([
      newPage(app.origin + '/host-example.html', { viewport }),
      newPage(app.origin + '/plain-host.html', { viewport }),
    ]);
    await Promise.all([widgetReady(hostile), widgetReady(plain)]);
    // The host page really is hostile.
    const hostBody = await hostile.evaluate(() => { const s = getComputedStyle(document.body); return [s.fontSize, s.lineHeight, s.fontFamily]; });
    assert.deepEqual(hostBody.slice(0, 2), ['20px', '40px']);
    assert.match(hostBody[2], /Georgia/);

    const SELECTORS = ['main.app', 'h1', '.card', '.card h2', 'button', 'button.danger', '.pick span', '.hint', '#profile-locked'];
    const PROPS = ['font-family', 'font-size', 'font-weight', 'color', 'background-color', 'line-height', 'letter-spacing',
      'padding-top', 'padding-right', 'padding-bottom', 'padding-left', 'margin-top', 'margin-bottom',
      'border-top-width', 'border-top-style', 'border-top-color', 'border-left-width', 'border-left-style', 'border-left-color',
      'border-top-left-radius', 'min-height', 'text-align', 'width', 'height'];
    const styles = (page, sels) => page.evaluate(([sels, props]) => {
      const root = document.querySelector('preflight-check').shadowRoot;
      return Object.fromEntries(sels.map((sel) => {
        const el = root.querySelector(sel);
        if (!el) return [sel, null];
        const s = getComputedStyle(el);
        return [sel, Object.fromEntries(props.map((p) => [p, s.getPropertyValue(p)]))];
      }));
    }, [sels, PROPS]);
    const box = (page) => page.locator('#widget').evaluate((el) => { const r = el.getBoundingClientRect(); return [r.width, r.height]; });
    // The same sub-pixel offset on both pages (the host's headings put the
    // widget at a fractional y), so that text rasterises the same.
    const top = (page) => page.locator('#widget').evaluate((el) => el.getBoundingClientRect().top + scrollY);
    const want = await top(hostile);
    await plain.evaluate((h) => { document.getElementById('spacer').style.height = h + 'px'; }, want - (await top(plain)));
    assert.equal(await top(plain), want);

    // Before a video: styles, the widget's size, and its pixels.
    const [a, b] = await Promise.all([styles(hostile, SELECTORS), styles(plain, SELECTORS)]);
    for (const sel of SELECTORS) assert.ok(a[sel], `${sel} is in the widget`);
    assert.deepEqual(a, b, 'the widget\'s computed styles on the hostile host vs a plain host');
    assert.notEqual(a['main.app']['font-family'], hostBody[2]);
    assert.equal(a['.card']['border-top-style'], 'solid');
    assert.deepEqual(await box(hostile), await box(plain), 'the widget\'s size');
    if (engine === 'webkit') {
      // WebKitWebDriver's element screenshot of a widget taller than the
      // window is clipped where the window happens to be scrolled: compared,
      // two equal widgets differ. The computed styles above are compared.
      const why = 'not run on webkit: WebKitWebDriver clips an element screenshot to the scrolled window';
      NOT_RUN.push(`${t.name} (its pixel comparison): ${why}`);
      t.diagnostic(`pixel comparison ${why}`);
    } else {
      fs.mkdirSync(SHOTS, { recursive: true });
      const [sa, sb] = await Promise.all([
        hostile.locator('#widget').screenshot({ path: path.join(SHOTS, `${engine}-embed-hostile-host.png`) }),
        plain.locator('#widget').screenshot({ path: path.join(SHOTS, `${engine}-embed-plain-host.png`) }),
      ]);
      const diff = await plain.evaluate(async ([a, b]) => {
        const img = async (b64) => createImageBitmap(await (await fetch('data:image/png;base64,' + b64)).blob());
        const [x, y] = await Promise.all([img(a), img(b)]);
        if (x.width !== y.width || x.height !== y.height) return { size: [x.width, x.height, y.width, y.height] };
        const px = (bm) => {
          const c = new OffscreenCanvas(bm.width, bm.height);
          const g = c.getContext('2d');
          g.drawImage(bm, 0, 0);
          return g.getImageData(0, 0, bm.width, bm.height).data;
        };
        const [p, q] = [px(x), px(y)];
        let n = 0;
        for (let i = 0; i < p.length; i += 4) {
          if (Math.abs(p[i] - q[i]) + Math.abs(p[i + 1] - q[i + 1]) + Math.abs(p[i + 2] - q[i + 2]) > 48) n++;
        }
        return { size: [x.width, x.height], differing: n, total: p.length / 4 };
      }, [sa.toString('base64'), sb.toString('base64')]);
      t.diagnostic(`widget screenshots ${diff.size.join('×')}: ${diff.differing ?? '?'} of ${diff.total ?? '?'} pixels differ (identical bytes: ${sa.equals(sb)})`);
      assert.equal(diff.size.length, 2, `screenshot sizes differ: ${diff.size}`);
      assert.ok(diff.differing <= diff.total * 0.001, `${diff.differing} pixels differ`);
    }

    // With a report: the verdict and the rules too.
    await Promise.all([hostile, plain].map((p) => p.setInputFiles('#widget #video-input', fx.land)));
    await Promise.all([hostile, plain].map((p) => p.locator('#widget #verdict').waitFor()));
    const more = ['#verdict', '.rule', '.badge', '.vals', '.fix'];
    const [c, d] = await Promise.all([styles(hostile, more), styles(plain, more)]);
    for (const sel of more) assert.ok(c[sel], `${sel} is in the widget`);
    for (const sel of more) { delete c[sel].height; delete d[sel].height; } // the meta line's timing text may wrap differently
    assert.deepEqual(c, d, 'the report\'s computed styles on the hostile host vs a plain host');

    // The host's own button and .card keep the host's styles, not the widget's.
    const host = await hostile.evaluate(() => {
      const pick = (el, props) => { const s = getComputedStyle(el); return Object.fromEntries(props.map((p) => [p, s.getPropertyValue(p)])); };
      return {
        button: pick(document.querySelector('#host-submit'), ['font-size', 'background-color', 'color', 'border-top-left-radius', 'min-height', 'font-family']),
        card: pick(document.querySelector('#host-card'), ['border-top-width', 'border-top-style', 'border-top-color', 'border-top-left-radius', 'padding-top', 'background-color']),
        p: pick(document.querySelector('#host-status'), ['letter-spacing', 'font-family', 'color']),
      };
    });
    assert.deepEqual(host.button, { 'font-size': '30px', 'background-color': 'rgb(0, 0, 0)', color: 'rgb(255, 255, 0)', 'border-top-left-radius': '0px', 'min-height': host.button['min-height'], 'font-family': host.button['font-family'] });
    assert.notEqual(host.button['font-family'], a.button['font-family']);
    assert.notEqual(host.button['min-height'], a.button['min-height']); // the widget's buttons are 44 px tall
    assert.deepEqual(host.card, { 'border-top-width': '5px', 'border-top-style': 'dotted', 'border-top-color': 'rgb(255, 0, 0)', 'border-top-left-radius': '0px', 'padding-top': '0px', 'background-color': 'rgba(0, 0, 0, 0)' });
    assert.deepEqual(host.p, { 'letter-spacing': '3px', 'font-family': hostBody[2], color: 'rgb(136, 0, 0)' });
    // The widget's stylesheet is only in its shadow root.
    assert.equal(await hostile.evaluate(() => document.styleSheets.length), 1, 'the host document has only its own <style>');
    assert.deepEqual(hostile.errors, []);
    assert.deepEqual(plain.errors, []);
  });

  it('attributes: a new profile re-renders the widget, its workers do not pile up, removal stops them', async (t) => {
    if (unsupported(t, engine, 'workers')) return;
    const page = await newPage(app.origin + '/plain-host.html');
    await widgetReady(page);
    // The app starts min(cores, 4) workers (src/web/client.rs crc_workers).
    const n = await page.evaluate(() => Math.min(Math.max(Math.min(navigator.hardwareConcurrency, 4), 1), 8));
    const workers = () => eventually(() => assert.equal(page.workers().length, n, 'workers'), 10_000);
    await workers();
    for (const id of ['nmg-kepu-2025', 'kepu-light-2026', 'cujs-video-abstract-2026']) {
      await page.evaluate((id) => document.getElementById('widget').setAttribute('profile', id), id);
      await eventually(async () => assert.equal((await page.locator('#widget #profile-locked').textContent()).trim(), profileJson(id).name), 10_000);
      await workers();
    }
    // Quick changes in a row: only the last one is shown, once.
    await page.evaluate(() => {
      const w = document.getElementById('widget');
      w.setAttribute('profile', 'nmg-kepu-2025');
      w.setAttribute('profile', 'heilongjiang-kepu-2022');
    });
    await eventually(async () => assert.equal((await page.locator('#widget #profile-locked').textContent()).trim(), profileJson('heilongjiang-kepu-2022').name), 10_000);
    await workers();
    assert.equal(await page.locator('#widget main.app').count(), 1);
    // The report follows the new profile.
    await page.evaluate(() => { window.reports = []; document.addEventListener('preflight-report', (e) => window.reports.push(e.detail)); });
    await page.setInputFiles('#widget #video-input', fx.land);
    const r = await page.waitForFunction(() => window.reports[0]).then((h) => h.jsonValue());
    assert.equal(r.profile, 'heilongjiang-kepu-2022');
    // Removed from the page, the widget stops its workers.
    await page.evaluate(() => document.getElementById('widget').remove());
    await eventually(() => assert.equal(page.workers().length, 0, 'workers after removal'), 10_000);
    assert.deepEqual(page.errors, []);
  });

  it('bad host configurations show a clear error in the element and fire preflight-error', async (t) => {
    const page = await newPage(app.origin + '/bad-hosts.html');
    const ids = ['bad-schema', 'bad-json', 'bad-id', 'bad-src', 'missing-src'];
    await page.waitForFunction((n) => window.errors.length >= n, ids.length, { timeout: 30_000 });
    const errors = await page.evaluate(() => window.errors);
    for (const id of ids) {
      const fired = errors.filter((e) => e.id === id);
      assert.equal(fired.length, 1, `${id}: one preflight-error event (${JSON.stringify(errors)})`);
      const e = fired[0];
      assert.match(e.code, /^[a-z_]+$/, `${id}: a code`);
      assert.match(e.message_zh, /[\u4e00-\u9fff]/, `${id}: Chinese message`);
      assert.match(e.message_en, /[A-Za-z]{3,}/, `${id}: English message`);
      const box = page.locator(`#${id} #config-error`);
      await box.waitFor();
      assert.ok(await box.isVisible(), `${id}: the error is visible`);
      assert.equal(await box.getAttribute('data-error'), e.code);
      const ps = await box.locator('p').allTextContents();
      assert.deepEqual(ps, [e.message_zh, e.message_en], `${id}: zh and en text in the element`);
      const r = await page.locator(`#${id}`).boundingBox();
      assert.ok(r && r.height >= 40, `${id}: not a blank box (${JSON.stringify(r)})`);
      assert.equal(await page.locator(`#${id} #video-input`).count(), 0);
      t.diagnostic(`${id}: ${e.code}: ${e.message_en}`);
    }
    const code = (id) => errors.find((e) => e.id === id).code;
    assert.equal(code('bad-schema'), 'bad_profile');
    assert.equal(code('bad-json'), 'bad_profile');
    assert.equal(code('bad-id'), 'unknown_profile');
    assert.equal(code('bad-src'), 'profile_src_cross_origin');
    assert.equal(code('missing-src'), 'profile_src_failed');
    assert.match(errors.find((e) => e.id === 'missing-src').message_en, /HTTP 404/);
    assert.deepEqual(page.errors, []);
  });

  it('no request of the embedded widget, its host pages, frames or workers leaves their origins', (t) => {
    if (unsupported(t, engine, 'requests')) return;
    if (chrome.contexts.length === 0) return t.skip('no embed test ran');
    assert.deepEqual(chrome.contexts.filter((c) => c.requests.length === 0).map((c) => c.name), [], 'contexts that recorded nothing');
    assert.deepEqual(chrome.offOrigin(), [], 'requests that left their origins');
    // The widget's own loads are among them: the recorder sees them.
    const urls = (name) => chrome.contexts.filter((c) => c.name === name).flatMap((c) => c.requests.map((r) => r.url));
    const host = urls('embed /host-example.html');
    if (host.length) {
      for (const f of ['/embed/preflight-embed.js', '/embed/worker_loader.js', '/embed/app_bg.wasm']) {
        assert.ok(host.some((u) => u.startsWith(app.origin + f)), `${f} was recorded`);
      }
    }
    const stranger = urls('iframe: origin 3');
    if (stranger.length) {
      assert.ok(stranger.some((u) => u.startsWith(third.origin + '/third.html')), 'origin 3\'s page was recorded');
      assert.ok(stranger.some((u) => u.startsWith(app.origin + '/index.html')), 'the widget\'s frame was recorded');
    }
  });
});
