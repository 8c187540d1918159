// One page interface for the three engines the browser tests run in.
//
// Chromium is driven by playwright-core and its pages are Playwright's own.
// Firefox (Debian's firefox-esr, over WebDriver BiDi through puppeteer-core)
// and WebKitGTK (WebKitWebDriver driving MiniBrowser under Xvfb, through
// selenium-webdriver) get a page object with the part of Playwright's page
// API the tests use, built on four things every driver has: evaluate a script
// in the page, set files on an input, click, type (plus navigation and
// screenshots). Selectors are CSS, looked up in the page and through open
// shadow roots as Playwright's are. What a driver cannot do (a worker's own
// scope, request interception, the DevTools protocol) is named by
// `ENGINE_LIMITS`, and a test that needs it says so by name (see `unsupported`).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const ENGINES = ['chromium', 'firefox', 'webkit'];

/** The engines `./dev test` runs (E2E_ENGINES=firefox,webkit picks some). */
export function enginesToRun() {
  const want = (process.env.E2E_ENGINES ?? ENGINES.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  for (const e of want) if (!ENGINES.includes(e)) throw new Error(`E2E_ENGINES: unknown engine ${e} (have ${ENGINES.join(', ')})`);
  return ENGINES.filter((e) => want.includes(e));
}

/** What the Firefox and WebKit drivers cannot do, by name: the reason a test that needs it gives. */
export const ENGINE_LIMITS = {
  workers: {
    firefox: 'puppeteer-core over WebDriver BiDi gives no handle on a dedicated worker\'s scope',
    webkit: 'WebDriver classic gives no handle on a dedicated worker\'s scope',
  },
  cdp: {
    firefox: 'the DevTools protocol (heap metrics, throttling) is Chromium\'s',
    webkit: 'the DevTools protocol (heap metrics, throttling) is Chromium\'s',
  },
  route: {
    firefox: 'this test answers requests itself through Playwright\'s route, which puppeteer-core\'s BiDi backend does not offer',
    webkit: 'WebDriver classic cannot intercept requests',
  },
  offline: {
    firefox: 'puppeteer-core over BiDi cannot take a context offline',
    webkit: 'WebDriver classic cannot take a page offline',
  },
  requests: {
    firefox: 'puppeteer-core over BiDi reports the page\'s requests but not those of its workers and service worker',
    webkit: 'WebDriver classic reports no requests',
  },
  frames: {
    firefox: 'the adapter evaluates in the top frame only (a cross-origin frame has no handle here)',
    webkit: 'WebDriver classic reaches a cross-origin frame only by switching the whole session into it',
  },
  noServiceWorker: {
    firefox: 'puppeteer-core cannot turn service workers off for one context',
    webkit: 'MiniBrowser has no switch to turn service workers off for one context',
  },
  filechooser: {
    firefox: 'puppeteer-core over BiDi does not report a file chooser a click opens',
    webkit: 'WebDriver classic does not report a file chooser a click opens',
  },
  initScript: {
    webkit: 'WebDriver classic cannot run a script before the page\'s own',
  },
  console: {
    webkit: 'WebDriver classic reports no console messages',
  },
  dialogText: {
    webkit: 'WebDriver classic: the adapter answers confirm() in the page, decided before it opens, so a test cannot read its text first',
  },
  tabs: {
    webkit: 'each WebKit context is a MiniBrowser of its own: two tabs sharing storage need one session with two windows',
  },
  httpCache: {
    webkit: 'MiniBrowser\'s automation session is ephemeral and WebKit keeps no HTTP cache for an ephemeral session, so the service worker\'s force-cache precache fetches what the page fetched again',
  },
};

/**
 * If `engine` cannot run what `needs` names, mark the test skipped with
 * "not run on ENGINE: reason" (so the report names it) and return true.
 */
export function unsupported(t, engine, ...needs) {
  if (engine === 'chromium') return false;
  const reasons = needs.map((n) => ENGINE_LIMITS[n]?.[engine]).filter(Boolean);
  if (!reasons.length) return false;
  const msg = `not run on ${engine}: ${reasons.join('; ')}`;
  NOT_RUN.push(`${t.name}: ${msg}`);
  t.skip(msg);
  return true;
}

/** Every "not run on ENGINE" so far, for the suite's closing summary. */
export const NOT_RUN = [];

// ---------------------------------------------------------------- in-page helpers

// Runs in the page: resolves a chain of steps to elements. A step is
// {sel, hasText, first} (CSS, descendants through open shadow roots) or {h}
// (an element handle kept in window.__pfHandles).
const RESOLVE = String.raw`
const __pfDeep = (root, sel) => {
  const out = [];
  const walk = (r) => {
    for (const el of r.querySelectorAll('*')) {
      if (el.matches(sel)) out.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  if (root.shadowRoot) walk(root.shadowRoot);
  walk(root);
  return out;
};
const __pfSplit = (s, ch) => {
  const parts = []; let depth = 0, q = null, cur = '';
  for (const c of s) {
    if (q) { if (c === q) q = null; cur += c; continue; }
    if (c === '"' || c === "'") { q = c; cur += c; continue; }
    if (c === '[' || c === '(') depth++;
    if (c === ']' || c === ')') depth--;
    if (depth === 0 && (ch === ' ' ? /\s/.test(c) : c === ch)) { if (cur.trim()) parts.push(cur.trim()); cur = ''; continue; }
    cur += c;
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts;
};
const __pfQuery = (root, sel) => {
  const found = new Set();
  for (const alt of __pfSplit(sel, ',')) {
    let set = [root];
    for (const tok of __pfSplit(alt, ' ')) {
      const next = new Set();
      for (const r of set) for (const el of __pfDeep(r, tok)) next.add(el);
      set = [...next];
    }
    for (const el of set) found.add(el);
  }
  const all = [...found];
  all.sort((a, b) => (a === b ? 0 : a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  return all;
};
const __pfText = (el, t) => {
  const s = (el.textContent || '').replace(/\s+/g, ' ');
  return t.re ? new RegExp(t.re, t.flags).test(s) : s.toLowerCase().includes(String(t.s).replace(/\s+/g, ' ').toLowerCase());
};
const __pfResolve = (steps) => {
  let els = [document];
  for (const st of steps) {
    if (st.h !== undefined) { els = [window.__pfHandles?.[st.h]].filter(Boolean); continue; }
    const next = new Set();
    for (const r of els) for (const el of __pfQuery(r, st.sel)) next.add(el);
    els = [...next];
    if (st.hasText) els = els.filter((el) => __pfText(el, st.hasText));
    if (st.first) els = els.slice(0, 1);
  }
  return els;
};
const __pfVisible = (el) => {
  if (!el || !el.isConnected) return false;
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
};
const __pfKeep = (el) => { (window.__pfHandles ??= []).push(el); return window.__pfHandles.length - 1; };
`;

const hasTextOf = (t) => (t == null ? undefined : t instanceof RegExp ? { re: t.source, flags: t.flags } : { s: String(t) });

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

// ---------------------------------------------------------------- the page

class Locator {
  constructor(page, steps) {
    this.page = page;
    this.steps = steps;
  }

  locator(sel, { hasText } = {}) {
    return new Locator(this.page, [...this.steps, { sel, hasText: hasTextOf(hasText) }]);
  }

  first() {
    const steps = this.steps.slice();
    steps[steps.length - 1] = { ...steps[steps.length - 1], first: true };
    return new Locator(this.page, steps);
  }

  /** Run `fn(elements, arg)` in the page. */
  all(fn, arg) {
    return this.page._eval(`(${fn})(__pfResolve(${JSON.stringify(this.steps)}), ${JSON.stringify(arg ?? null)})`);
  }

  /** Run `fn(element, arg)` on the one element (waits for it). */
  async one(fn, arg, timeout = this.page._timeout) {
    await this.waitFor({ state: 'attached', timeout });
    return this.all(`(els, arg) => (${fn})(els[0], arg)`, arg);
  }

  async waitFor({ state = 'visible', timeout = this.page._timeout } = {}) {
    const check = {
      visible: '(els) => els.length > 0 && __pfVisible(els[0])',
      attached: '(els) => els.length > 0',
      detached: '(els) => els.length === 0',
      hidden: '(els) => els.length === 0 || !__pfVisible(els[0])',
    }[state];
    await this.page._poll(() => this.all(check), timeout, `${JSON.stringify(this.steps)} to be ${state}`);
  }

  count() {
    return this.all('(els) => els.length');
  }

  isVisible() {
    return this.all('(els) => els.length > 0 && __pfVisible(els[0])');
  }

  isEnabled() {
    return this.one('(el) => !el.disabled');
  }

  textContent() {
    return this.one('(el) => el.textContent');
  }

  allTextContents() {
    return this.all('(els) => els.map((el) => el.textContent)');
  }

  boundingBox() {
    return this.one(`(el) => {
      const r = el.getBoundingClientRect();
      return r.width || r.height ? { x: r.x, y: r.y, width: r.width, height: r.height } : null;
    }`);
  }

  async screenshot({ path: out } = {}) {
    await this.waitFor();
    await this.page._native('shot', this.steps, out);
    return fs.readFileSync(out);
  }

  getAttribute(name) {
    return this.one('(el, n) => el.getAttribute(n)', name);
  }

  inputValue() {
    return this.one('(el) => el.value');
  }

  evaluate(fn, arg) {
    return this.one(`(el, arg) => (${fn})(el, arg)`, arg);
  }

  async click() {
    await this.waitFor();
    await this.page._native('click', this.steps);
    await this.page._afterAction();
  }

  async check() {
    if (!(await this.one('(el) => el.checked'))) await this.click();
  }

  async uncheck() {
    if (await this.one('(el) => el.checked')) await this.click();
  }

  /** As Playwright's fill: the value is set whole, then input and change fire. */
  async fill(value) {
    await this.one(`(el, v) => {
      el.focus();
      const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
      Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, v);
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    }`, value);
    await this.page._afterAction();
  }

  async pressSequentially(text) {
    await this.waitFor();
    await this.page._native('type', this.steps, text);
    await this.page._afterAction();
  }

  async selectOption(value) {
    await this.page._armDialogs();
    await this.one(`(el, v) => {
      el.value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    }`, value);
    await this.page._afterAction();
  }

  async setInputFiles(files) {
    await this.waitFor({ state: 'attached' });
    await this.page._native('files', this.steps, Array.isArray(files) ? files : [files]);
    await this.page._afterAction();
  }
}

/** An element found by waitForSelector or $: a Locator fixed to that element. */
class Handle extends Locator {
  constructor(page, h) {
    super(page, [{ h }]);
  }
}

/**
 * A page of Firefox or WebKit with the part of Playwright's Page the tests
 * use. `drv` is the engine's backend: eval(src) → value, native(kind, steps,
 * arg), goto(url), reload(), screenshot(path, fullPage), close().
 */
class Page {
  constructor(engine, drv, context) {
    this.engine = engine;
    this.drv = drv;
    this._context = context;
    this._timeout = 30_000;
    this._listeners = { pageerror: [], dialog: [], download: [], console: [] };
    this._answers = []; // queued answers for the page's confirm()
  }

  context() {
    return this._context;
  }

  setDefaultTimeout(ms) {
    this._timeout = ms;
  }

  workers() {
    throw new Error(`page.workers(): ${ENGINE_LIMITS.workers[this.engine]}`);
  }

  on(event, fn) {
    if (!this._listeners[event]) throw new Error(`page.on('${event}') is not offered on ${this.engine}`);
    this._listeners[event].push({ fn, once: false });
    if (event === 'dialog' || event === 'download') return this._hook().then(() => this);
    return this;
  }

  once(event, fn) {
    if (!this._listeners[event]) throw new Error(`page.once('${event}') is not offered on ${this.engine}`);
    this._listeners[event].push({ fn, once: true });
    if (event === 'dialog' || event === 'download') return this._hook().then(() => this);
    return this;
  }

  _emit(event, value) {
    const ls = this._listeners[event];
    this._listeners[event] = ls.filter((l) => !l.once);
    for (const l of ls) l.fn(value);
    return ls.length;
  }

  /** Evaluate `src` (an expression, may be a Promise) with the helpers in scope. */
  async _eval(src) {
    const out = await this.drv.eval(`(async () => { ${RESOLVE}; return (${src}); })()`);
    await this._drain(out.log);
    if ('e' in out) {
      const err = new Error(`evaluate in ${this.engine}: ${out.e}`);
      throw err;
    }
    return out.v;
  }

  /**
   * What the page noted since the last look (window.__pfLog, filled by the
   * hooks `_hook` installs): uncaught errors, confirm() questions, downloads.
   */
  async _drain(log) {
    for (const item of log ?? []) {
      if (item.kind === 'pageerror') this._emit('pageerror', new Error(item.message));
      if (item.kind === 'dialog') {
        // Answered in the page from the queue the listener filled ahead.
      }
      if (item.kind === 'download') this._emit('download', this._download(item));
    }
  }

  /**
   * Hooks in the page: uncaught errors; confirm() answered from a queue the
   * test's dialog listener fills; a download (an <a download> clicked on a
   * blob: URL, as src/web/bundle_view.rs offers the bundle) kept as its Blob.
   */
  async _hook() {
    await this.drv.eval(`(async () => {
      if (window.__pfHooked) return true;
      window.__pfHooked = true;
      window.__pfLog = [];
      window.__pfAnswers = window.__pfAnswers || [];
      if (!${!!this.drv.nativeErrors}) {
        addEventListener('error', (e) => __pfLog.push({ kind: 'pageerror', message: String(e.message) }));
        addEventListener('unhandledrejection', (e) => __pfLog.push({ kind: 'pageerror', message: String(e.reason && e.reason.message || e.reason) }));
      }
      if (!${!!this.drv.nativeDialogs}) {
        const ask = (type, fallback) => function (message) {
          const a = __pfAnswers.length ? __pfAnswers.shift() : fallback;
          __pfLog.push({ kind: 'dialog', type, message: String(message ?? ''), answer: a });
          return a;
        };
        window.confirm = ask('confirm', false);
        window.alert = ask('alert', undefined);
      }
      window.__pfDownloads = [];
      // The Blob behind each blob: URL the page makes (the page's CSP may
      // not let a script fetch a blob: URL back).
      const blobs = new Map();
      const create = URL.createObjectURL;
      URL.createObjectURL = function (b) {
        const u = create.call(URL, b);
        blobs.set(u, b);
        return u;
      };
      const click = HTMLAnchorElement.prototype.click;
      HTMLAnchorElement.prototype.click = function () {
        if (this.hasAttribute('download') && this.href.startsWith('blob:')) {
          const name = this.download;
          const blob = blobs.get(this.href) || null;
          const i = window.__pfDownloads.push({ name, blob }) - 1;
          __pfLog.push(blob ? { kind: 'download', i, name } : { kind: 'download', i, name, error: 'the blob: URL was not made while the test watched' });
          return;
        }
        return click.call(this);
      };
      return true;
    })()`);
  }

  /** Queue the answers of listeners for the next confirm(): they decide at once. */
  async _armDialogs() {
    const ls = this._listeners.dialog;
    if (!ls.length || this.drv.nativeDialogs) return;
    // The listener decides now, on a dialog it is told is a confirm.
    const l = ls[0];
    let answer = null;
    const d = {
      type: () => 'confirm',
      message: () => '',
      accept: async () => { answer = true; },
      dismiss: async () => { answer = false; },
    };
    l.fn(d);
    if (l.once) ls.shift();
    if (answer !== null) await this.drv.eval(`(async () => { (window.__pfAnswers ||= []).push(${answer}); return true; })()`);
  }

  _download(item) {
    const page = this;
    return {
      suggestedFilename: () => item.name,
      failure: async () => item.error ?? null,
      saveAs: async (out) => {
        const b64 = await page._eval(`(async () => {
          const bytes = new Uint8Array(await window.__pfDownloads[${item.i}].blob.arrayBuffer());
          let s = '';
          for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
          return btoa(s);
        })()`);
        fs.writeFileSync(out, Buffer.from(b64, 'base64'));
      },
    };
  }

  async _afterAction() {
    // Let the page's listeners see what the action did (and report errors).
    const out = await this.drv.eval('(async () => ({ v: true }))()').catch(() => null);
    if (out) await this._drain(out.log);
  }

  async _native(kind, steps, arg) {
    await this._armDialogs();
    await this.drv.native(kind, `(() => { ${RESOLVE}; return __pfResolve(${JSON.stringify(steps)})[0]; })()`, arg);
  }

  async _poll(fn, timeout, what) {
    const end = Date.now() + timeout;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > end) throw new Error(`${this.engine}: timed out after ${timeout} ms waiting for ${what}`);
      await sleep(50);
    }
  }

  async goto(url) {
    await this.drv.goto(url);
    await this._hook();
  }

  async reload() {
    await this.drv.reload();
    await this._hook();
  }

  close() {
    return this.drv.close();
  }

  url() {
    return this.drv.url();
  }

  async screenshot({ path: out, fullPage = false } = {}) {
    await this.drv.screenshot(out, fullPage);
  }

  // -- Playwright's page API, by selector

  locator(sel, opts) {
    return new Locator(this, []).locator(sel, opts);
  }

  evaluate(fn, arg) {
    return this._eval(typeof fn === 'function' ? `(${fn})(${JSON.stringify(arg ?? null)})` : fn);
  }

  async waitForFunction(fn, arg, { timeout = this._timeout } = {}) {
    const v = await this._poll(() => this.evaluate(fn, arg), timeout, `${String(fn).slice(0, 120)}`);
    return { jsonValue: async () => v };
  }

  async waitForSelector(sel, { timeout = this._timeout, state = 'visible' } = {}) {
    const loc = this.locator(sel).first();
    await loc.waitFor({ state, timeout });
    if (state === 'detached' || state === 'hidden') return null;
    const h = await loc.all('(els) => __pfKeep(els[0])');
    return new Handle(this, h);
  }

  async $(sel) {
    const h = await this.locator(sel).first().all('(els) => (els.length ? __pfKeep(els[0]) : null)');
    return h === null ? null : new Handle(this, h);
  }

  $eval(sel, fn, arg) {
    return this.locator(sel).first().evaluate(fn, arg);
  }

  $$eval(sel, fn, arg) {
    return this.locator(sel).all(fn, arg);
  }

  textContent(sel) { return this.locator(sel).first().textContent(); }
  getAttribute(sel, name) { return this.locator(sel).first().getAttribute(name); }
  inputValue(sel) { return this.locator(sel).first().inputValue(); }
  isVisible(sel) { return this.locator(sel).first().isVisible(); }
  click(sel) { return this.locator(sel).first().click(); }
  check(sel) { return this.locator(sel).first().check(); }
  uncheck(sel) { return this.locator(sel).first().uncheck(); }
  fill(sel, v) { return this.locator(sel).first().fill(v); }
  selectOption(sel, v) { return this.locator(sel).first().selectOption(v); }
  setInputFiles(sel, files) { return this.locator(sel).first().setInputFiles(files); }

  async waitForTimeout(ms) {
    await sleep(ms);
  }

  /** 'download': the next Blob the page offers as a download. */
  async waitForEvent(event, { timeout = this._timeout } = {}) {
    if (event !== 'download') throw new Error(`waitForEvent('${event}'): ${ENGINE_LIMITS.filechooser[this.engine]}`);
    await this._hook();
    return new Promise((ok, fail) => {
      let pending = true;
      const timer = setTimeout(() => { pending = false; fail(new Error(`${this.engine}: no download within ${timeout} ms`)); }, timeout);
      this._listeners.download.push({ once: true, fn: (d) => { pending = false; clearTimeout(timer); ok(d); } });
      // Keep looking at the page until this download is in (or the time is up).
      const look = async () => {
        while (pending) {
          const out = await this.drv.eval('(async () => ({ v: true }))()').catch(() => null);
          if (out) await this._drain(out.log);
          if (pending) await sleep(100);
        }
      };
      look();
    });
  }
}

/** The in-page part of every evaluation: a JSON envelope with the page's log. */
const ENVELOPE = (src) => `(${src}).then((v) => ({ v: v === undefined ? null : v }), (e) => ({ e: (e instanceof Error ? String(e) : JSON.stringify(e)) + (e && e.stack ? '\\n' + e.stack : '') }))
  .then((o) => { if (window.__pfLog && window.__pfLog.length) { o.log = window.__pfLog; window.__pfLog = []; } return JSON.stringify(o); })`;

// ---------------------------------------------------------------- Firefox

/** Debian's firefox-esr over WebDriver BiDi (puppeteer-core). */
export async function launchFirefox() {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: '/usr/bin/firefox-esr',
    headless: true,
    timeout: 60_000,
    extraPrefsFirefox: {
      // An <a download> the tests do not intercept must never ask.
      'browser.download.useDownloadDir': true,
      'browser.download.folderList': 2,
      'browser.download.dir': os.tmpdir(),
    },
  });
  const version = await browser.version();
  const context = async (options = {}) => {
    const ctx = await browser.createBrowserContext();
    const pages = [];
    const inits = [];
    const wrap = {
      newPage: async () => {
        const p = await ctx.newPage();
        p.setDefaultTimeout(120_000);
        for (const [fn, arg] of inits) await p.evaluateOnNewDocument(fn, arg);
        if (options.viewport) await p.setViewport({ ...options.viewport, deviceScaleFactor: options.deviceScaleFactor ?? 1, isMobile: !!options.isMobile, hasTouch: !!options.hasTouch });
        if (options.userAgent) await p.setUserAgent(options.userAgent);
        const drv = {
          nativeErrors: true,
          nativeDialogs: true,
          eval: async (src) => JSON.parse(await p.evaluate(ENVELOPE(src))),
          native: async (kind, elSrc, arg) => {
            const h = await p.evaluateHandle(elSrc);
            const el = h.asElement();
            if (!el) throw new Error(`firefox: no element for ${kind}`);
            try {
              if (kind === 'files') await el.uploadFile(...arg);
              else if (kind === 'click') await el.click();
              else if (kind === 'type') { await el.focus(); await p.keyboard.type(arg); }
              else if (kind === 'shot') await el.screenshot({ path: arg });
            } finally {
              await h.dispose().catch(() => {});
            }
          },
          goto: (url) => p.goto(url, { waitUntil: 'load' }),
          reload: () => p.reload({ waitUntil: 'load' }),
          url: () => p.url(),
          screenshot: (out, fullPage) => p.screenshot({ path: out, fullPage }),
          close: () => p.close(),
        };
        const page = new Page('firefox', drv, wrap);
        page._raw = p;
        p.on('pageerror', (e) => page._emit('pageerror', e));
        p.on('console', (m) => page._emit('console', { text: () => m.text(), type: () => m.type() }));
        // As Playwright: a dialog no listener takes is dismissed.
        p.on('dialog', (dlg) => {
          const d = { type: () => dlg.type(), message: () => dlg.message(), accept: (v) => dlg.accept(v), dismiss: () => dlg.dismiss() };
          if (!page._emit('dialog', d)) dlg.dismiss().catch(() => {});
        });
        pages.push(page);
        return page;
      },
      pages: () => pages.slice(),
      /** Run before the page's own scripts in every page made after it (BiDi preload scripts). */
      addInitScript: async (fn, arg) => { inits.push([fn, arg]); },
      close: () => ctx.close(),
    };
    return wrap;
  };
  return {
    engine: 'firefox',
    version: `Firefox ESR ${version.replace(/^firefox\//i, '')}`,
    context,
    close: async () => { await browser.close().catch(() => {}); },
  };
}

// ---------------------------------------------------------------- WebKit

const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

async function freePort() {
  const srv = net.createServer();
  await new Promise((ok) => srv.listen(0, '127.0.0.1', ok));
  const { port } = srv.address();
  await new Promise((ok) => srv.close(ok));
  return port;
}

async function waitPort(port, ms) {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise((res) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); res(true); });
      s.on('error', () => res(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`nothing listens on ${port} after ${ms} ms`);
    await sleep(100);
  }
}

/**
 * WebKitGTK: one Xvfb display and one WebKitWebDriver for the suite; each
 * context is a WebDriver session of its own (a MiniBrowser with its own
 * ephemeral storage), so a context's user agent is MiniBrowser's --user-agent.
 */
export async function launchWebkit() {
  const { Builder } = await import('selenium-webdriver');
  // A display of our own: the first free number from 90 on.
  let display = 90;
  while (fs.existsSync(`/tmp/.X11-unix/X${display}`) || fs.existsSync(`/tmp/.X${display}-lock`)) display += 1;
  const xvfb = spawn('Xvfb', [`:${display}`, '-screen', '0', '1920x1200x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  const end = Date.now() + 10_000;
  while (!fs.existsSync(`/tmp/.X11-unix/X${display}`)) {
    if (Date.now() > end) throw new Error(`Xvfb :${display} did not start`);
    await sleep(50);
  }
  const sessions = new Set();
  const drivers = new Set();
  let version = '';
  let driverErr = '';

  // WebKitWebDriver serves one session at a time: one driver per context.
  const startDriver = async () => {
    const port = await freePort();
    const driver = spawn('WebKitWebDriver', [`--port=${port}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, DISPLAY: `:${display}` },
    });
    driver.stderr.on('data', (d) => { driverErr = (driverErr + d).slice(-4000); });
    drivers.add(driver);
    await waitPort(port, 15_000);
    return { port, stop: () => { drivers.delete(driver); driver.kill(); } };
  };

  const context = async (options = {}) => {
    const args = ['--automation'];
    if (options.userAgent) args.push(`--user-agent=${options.userAgent}`);
    const server = await startDriver();
    const d = await new Builder()
      .usingServer(`http://127.0.0.1:${server.port}`)
      .withCapabilities({
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary: MINIBROWSER, args },
      })
      .build();
    sessions.add(d);
    const caps = await d.getCapabilities();
    version = `WebKitGTK ${caps.get('browserVersion')}`;
    await d.manage().setTimeouts({ script: 180_000, pageLoad: 60_000 });
    if (options.viewport) {
      // The window's outer size: fit the inner viewport to what was asked.
      await d.manage().window().setRect({ width: options.viewport.width, height: options.viewport.height, x: 0, y: 0 });
      const inner = await d.executeScript('return [innerWidth, innerHeight]');
      await d.manage().window().setRect({ width: 2 * options.viewport.width - inner[0], height: 2 * options.viewport.height - inner[1], x: 0, y: 0 });
    }
    let used = false;
    const wrap = {
      newPage: async () => {
        if (used) throw new Error('webkit: one page per context (a session has one window here)');
        used = true;
        const drv = {
          eval: async (src) => JSON.parse(await d.executeAsyncScript(
            `const done = arguments[arguments.length - 1]; ${ENVELOPE(src)}.then(done, (e) => done(JSON.stringify({ e: String(e) })));`)),
          native: async (kind, elSrc, arg) => {
            const el = await d.executeScript(`return ${elSrc};`);
            if (!el) throw new Error(`webkit: no element for ${kind}`);
            if (kind === 'files') {
              // WebDriver adds to what a multiple input holds: as Playwright, replace it.
              await d.executeScript('arguments[0].value = ""', el);
              await el.sendKeys(arg.join('\n'));
            }
            else if (kind === 'click') {
              try {
                await el.click();
              } catch (e) {
                // An element WebDriver calls not interactable (a label-styled input): click it as script would.
                if (!/interactable|intercept/i.test(String(e))) throw e;
                await d.executeScript('arguments[0].click()', el);
              }
            } else if (kind === 'type') await el.sendKeys(arg);
            else if (kind === 'shot') fs.writeFileSync(arg, Buffer.from(await el.takeScreenshot(true), 'base64'));
          },
          goto: (url) => d.get(url),
          reload: () => d.navigate().refresh(),
          url: () => d.getCurrentUrl(),
          screenshot: async (out, fullPage) => {
            let png;
            if (fullPage) {
              const body = await d.findElement({ css: 'html' });
              png = await body.takeScreenshot(true);
            } else png = await d.takeScreenshot();
            fs.writeFileSync(out, Buffer.from(png, 'base64'));
          },
          close: () => wrap.close(),
        };
        const page = new Page('webkit', drv, wrap);
        page._raw = d;
        return page;
      },
      addInitScript: async () => { throw new Error(`addInitScript: ${ENGINE_LIMITS.initScript.webkit}`); },
      close: async () => {
        if (!sessions.delete(d)) return;
        await d.quit().catch(() => {});
        server.stop();
      },
    };
    return wrap;
  };
  // Learn the version from a first session.
  const probe = await context();
  await probe.close();
  return {
    engine: 'webkit',
    get version() { return version; },
    context,
    driverLog: () => driverErr,
    close: async () => {
      for (const s of sessions) await s.quit().catch(() => {});
      for (const d of drivers) d.kill();
      xvfb.kill();
      await sleep(200);
    },
  };
}
