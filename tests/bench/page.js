// The bench page: given Files (set on #files by tests/bench/run.mjs), runs
// each probe (Preflight, mp4box.js, mediainfo.js) and each zip peer
// (client-zip, zip.js, Preflight's headless bundle) and reports times, reads
// and outputs. Every tool reads the File through Blob.slice(a, b).arrayBuffer()
// or Blob.stream(), and both are counted here the same way for every tool.

import mediaInfoFactory from '/bench/node_modules/mediainfo.js/dist/esm-bundle/index.js';
import { createFile } from '/bench/node_modules/mp4box/dist/mp4box.all.mjs';
import { downloadZip } from '/bench/node_modules/client-zip/index.js';
import * as zipjs from '/bench/node_modules/@zip.js/zip.js/index.js';

// ------------------------------------------------------------ read counting

const io = { on: false, bytes: 0, reads: 0, max: 0, streams: 0 };
const count = (n) => {
  if (!io.on) return;
  io.bytes += n;
  io.reads += 1;
  io.max = Math.max(io.max, n);
};
const origArrayBuffer = Blob.prototype.arrayBuffer;
Blob.prototype.arrayBuffer = function () {
  count(this.size);
  return origArrayBuffer.call(this);
};
// A stream counts as one read of the whole Blob (client-zip and zip.js's
// BlobReader may use stream() or slice().arrayBuffer(); both are counted).
const origStream = Blob.prototype.stream;
Blob.prototype.stream = function () {
  if (io.on) io.streams += 1;
  count(this.size);
  return origStream.call(this);
};
function ioReset() {
  Object.assign(io, { bytes: 0, reads: 0, max: 0, streams: 0 });
}
function ioTake() {
  const r = { bytes: io.bytes, reads: io.reads, max: io.max, streams: io.streams };
  ioReset();
  return r;
}

// ------------------------------------------------------------ probes

let mediainfo = null;

async function init() {
  // "Once the code is loaded": wasm compile and instantiation are excluded
  // for both wasm tools (Preflight.ready(), mediaInfoFactory()).
  await window.Preflight.ready();
  mediainfo = await mediaInfoFactory({
    locateFile: (p) => `/bench/node_modules/mediainfo.js/dist/${p}`,
  });
  return true;
}

const files = () => document.getElementById('files').files;

/** Preflight's headless API, as a platform calls it. */
async function probePreflight(file) {
  const m = await window.Preflight.probe(file);
  return {
    duration: m.duration_s,
    width: m.video?.width ?? null,
    height: m.video?.height ?? null,
    codec: m.video?.codec ?? null,
    self: { bytes: m.bytes_read, reads: m.reads },
  };
}

/** mp4box.js as its README describes: ArrayBuffers with fileStart, follow the returned offset, stop at onReady. */
async function probeMp4box(file) {
  const CHUNK = 1 << 20; // 1 MiB, the chunk size of mp4box.js's own file-reading demo
  const mp4 = createFile();
  let info = null;
  let error = null;
  mp4.onReady = (i) => (info = i);
  mp4.onError = (e) => (error = String(e));
  let off = 0;
  let guard = 0;
  while (info === null && error === null && off < file.size && guard++ < 100000) {
    const end = Math.min(off + CHUNK, file.size);
    const ab = await file.slice(off, end).arrayBuffer();
    ab.fileStart = off;
    const next = mp4.appendBuffer(ab, end >= file.size);
    if (info !== null || error !== null) break;
    // Where the parser wants the next buffer (past an mdat it skips); when it
    // has no opinion or would not move forward, read on sequentially.
    off = typeof next === 'number' && next > off ? next : end;
  }
  if (info === null) mp4.flush();
  if (info === null) return { error: error ?? 'no onReady', duration: null, width: null, height: null, codec: null };
  const v = info.videoTracks?.[0];
  return {
    duration: info.timescale ? info.duration / info.timescale : null,
    width: v?.video?.width ?? null,
    height: v?.video?.height ?? null,
    codec: v?.codec ?? null,
  };
}

/** mediainfo.js's analyzeData(getSize, readChunk) with its default options. */
async function probeMediainfo(file) {
  const r = await mediainfo.analyzeData(
    () => file.size,
    async (size, offset) => new Uint8Array(await file.slice(offset, offset + size).arrayBuffer()),
  );
  const tracks = r?.media?.track ?? [];
  const g = tracks.find((t) => t['@type'] === 'General');
  const v = tracks.find((t) => t['@type'] === 'Video');
  return {
    duration: g?.Duration ?? null,
    width: v?.Width ?? null,
    height: v?.Height ?? null,
    codec: v?.Format ?? null,
  };
}

const PROBES = { preflight: probePreflight, mp4box: probeMp4box, mediainfo: probeMediainfo };

/**
 * Every tool on file `index`: one warm-up each, then `runs` rounds in which
 * each tool runs once in turn (so a slow moment of the machine falls on all
 * of them alike); the reads and facts of the first timed run. A tool that
 * throws still gives a time: the time to its answer.
 */
async function probe(tools, index, runs = 5) {
  const file = files()[index];
  const once = async (tool) => {
    try {
      return await PROBES[tool](file);
    } catch (e) {
      return { error: String(e?.code ?? e?.message ?? e) };
    }
  };
  const out = {};
  for (const tool of tools) {
    out[tool] = { tool, file: file.name, size: file.size, ms: [], io: null, facts: null, error: null };
    io.on = false;
    await once(tool); // warm-up
  }
  for (let i = 0; i < runs; i++) {
    for (const tool of tools) {
      ioReset();
      io.on = true;
      const t0 = performance.now();
      const facts = await once(tool);
      const ms = performance.now() - t0;
      io.on = false;
      const got = ioTake();
      const o = out[tool];
      o.ms.push(ms);
      if (i === 0) {
        o.io = got;
        o.facts = facts;
        o.error = facts?.error ?? null;
      }
    }
  }
  return out;
}

/** Before any timing: each tool over the first files a few times (JIT, wasm tier-up). */
async function warmUp(indices, rounds = 3) {
  for (let r = 0; r < rounds; r++)
    for (const i of indices)
      for (const tool of Object.keys(PROBES)) {
        try {
          await PROBES[tool](files()[i]);
        } catch {}
      }
  return true;
}

// ------------------------------------------------------------ zip peers

/** client-zip: downloadZip(...) and read the Response body to its end. */
async function zipClientZip(file) {
  let n = 0;
  const t0 = performance.now();
  const res = downloadZip([{ name: file.name, input: file, lastModified: new Date(file.lastModified) }]);
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.byteLength;
  }
  return { ms: performance.now() - t0, zipBytes: n };
}

/** zip.js: ZipWriter, level 0, into a WritableStream that only counts. */
async function zipZipjs(file, useWebWorkers) {
  let n = 0;
  let maxChunk = 0;
  const t0 = performance.now();
  const sink = new WritableStream({
    write(chunk) {
      n += chunk.byteLength;
      maxChunk = Math.max(maxChunk, chunk.byteLength);
    },
  });
  const writer = new zipjs.ZipWriter(sink, { level: 0, useWebWorkers });
  await writer.add(file.name, new zipjs.BlobReader(file), { level: 0, lastModDate: new Date(file.lastModified) });
  await writer.close();
  return { ms: performance.now() - t0, zipBytes: n, maxChunk };
}

/** Preflight's headless API (CRC on the calling thread, then a Blob of parts). */
async function zipPreflightApi(file) {
  const t0 = performance.now();
  const b = await window.Preflight.bundle({ profile: 'kepu-light-2026', video: file, force: true });
  return { ms: performance.now() - t0, zipBytes: b.blob.size };
}

/**
 * No zip at all: the File read through a BYOB stream reader into one reused
 * 4 MiB buffer (what each of the app's CRC workers does), in `parts`
 * concurrent streams: the ceiling the browser's Blob streams set.
 */
async function streamOnly(file, parts) {
  const t0 = performance.now();
  const share = Math.ceil(file.size / parts);
  let total = 0;
  await Promise.all(
    Array.from({ length: parts }, async (_, i) => {
      const reader = file.slice(i * share, Math.min(file.size, (i + 1) * share)).stream().getReader({ mode: 'byob' });
      let buf = new ArrayBuffer(4 * 1024 * 1024);
      for (;;) {
        const { done, value } = await reader.read(new Uint8Array(buf));
        if (done) break;
        total += value.byteLength;
        buf = value.buffer;
      }
    }),
  );
  return { ms: performance.now() - t0, zipBytes: total };
}

/** The browser's cost of one read, whatever the tool: median of 21 reads. */
async function readCost(index) {
  const file = files()[index];
  const at = async (a, n) => {
    const ms = [];
    for (let i = 0; i < 21; i++) {
      const t0 = performance.now();
      await origArrayBuffer.call(file.slice(a, Math.min(file.size, a + n)));
      ms.push(performance.now() - t0);
    }
    ms.sort((x, y) => x - y);
    return ms[10];
  };
  return {
    head16k: await at(0, 16384),
    head1m: await at(0, 1 << 20),
    tail64k: await at(Math.max(0, file.size - 65536), 65536),
  };
}

const ZIPS = {
  'stream-only-1': (f) => streamOnly(f, 1),
  'stream-only-2': (f) => streamOnly(f, 2),
  'client-zip': (f) => zipClientZip(f),
  'zip.js': (f) => zipZipjs(f, undefined),
  'zip.js-workers-off': (f) => zipZipjs(f, false),
  'zip.js-workers-on': (f) => zipZipjs(f, true),
  'preflight-api': (f) => zipPreflightApi(f),
};

/** One zip run of `tool` over file `index`; reads counted. */
async function zip(tool, index) {
  const file = files()[index];
  ioReset();
  io.on = true;
  try {
    const r = await ZIPS[tool](file);
    return { ...r, size: file.size, io: ioTake() };
  } catch (e) {
    return { error: String(e?.message ?? e), size: file.size, io: ioTake() };
  } finally {
    io.on = false;
  }
}

window.bench = {
  init,
  probe,
  warmUp,
  zip,
  readCost,
  names: () => [...files()].map((f) => f.name),
};
document.getElementById('status').textContent = 'ready';
