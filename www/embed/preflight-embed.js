/*! Preflight embed: <preflight-check> and window.Preflight.
 * One script tag. Put this file, app.js, app_bg.wasm, worker_loader.js,
 * style.css and profiles/ in one folder on the platform's own origin (dist/embed/ is that
 * folder). Nothing is fetched from anywhere else. */
(function () {
  'use strict';
  if (window.customElements && customElements.get('preflight-check')) return;
  var script = document.currentScript;
  var base = new URL('.', script ? script.src : location.href).href;
  var loading = null;

  /** Load the wasm module once (wasm-bindgen no-modules build). */
  function load() {
    if (loading) return loading;
    loading = new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = base + 'app.js';
      s.onload = function () {
        /* global wasm_bindgen */
        var wb = wasm_bindgen;
        wb({ module_or_path: base + 'app_bg.wasm' }).then(function () {
          wb.set_base(base); // built-in profiles are fetched from base + 'profiles/'
          resolve(wb);
        }, reject);
      };
      s.onerror = function () { reject(new Error('Preflight: cannot load ' + s.src)); };
      document.head.appendChild(s);
    });
    return loading;
  }

  function sameOrigin(url) {
    try { return new URL(url, location.href).origin === location.origin; } catch (e) { return false; }
  }

  var MAX_PROFILE = 256 * 1024;

  /** A coded error, in both languages (what `preflight-error` carries). */
  function hostError(code, zh, en) {
    var e = new Error(en);
    e.preflight = { code: code, message_zh: zh, message_en: en };
    return e;
  }

  /** Show an error in the widget (the same markup the app uses), never a blank box. */
  function showError(mountPoint, err) {
    var main = document.createElement('main');
    main.className = 'app';
    var box = document.createElement('div');
    box.className = 'error';
    box.id = 'config-error';
    box.setAttribute('role', 'alert');
    box.setAttribute('data-error', err.code);
    [err.message_zh, err.message_en].forEach(function (t) {
      var p = document.createElement('p');
      p.textContent = t;
      box.appendChild(p);
    });
    main.appendChild(box);
    mountPoint.textContent = '';
    mountPoint.appendChild(main);
  }

  class PreflightCheck extends HTMLElement {
    static get observedAttributes() { return ['profile', 'profile-json', 'profile-src', 'category', 'channel', 'lang', 'bundle']; }

    connectedCallback() { this._render(); }
    attributeChangedCallback() {
      if (!this._mounted) return;
      // A new configuration starts a fresh widget: ask before it drops a picked
      // video or scans (what was typed is kept in the drafts).
      var app = this._app;
      if (app && app.busy() && !window.confirm('网站更新了预检设置，将移除已选的视频和扫描件（已填写的内容会保留）。继续吗？\n' +
        'The site changed the check\'s settings: the picked video and scans will be removed (what you typed is kept). Continue?')) return;
      this._render();
    }
    disconnectedCallback() {
      this._gen = (this._gen || 0) + 1; // a render still loading is dropped
      this._mounted = false;
      this._unmount();
    }

    /** Destroy the widget mounted last (its workers stop). */
    _unmount() {
      var app = this._app;
      this._app = null;
      if (app) {
        try { app.unmount(); app.free(); } catch (e) { /* already gone */ }
      }
    }

    _emit(type, detail) {
      this.dispatchEvent(new CustomEvent('preflight-' + type, { detail: detail, bubbles: true, composed: true }));
    }

    async _config() {
      var cfg = {
        profile: this.getAttribute('profile'),
        profile_json: this.getAttribute('profile-json'),
        category: this.getAttribute('category'),
        channel: this.getAttribute('channel'),
        lang: this.getAttribute('lang'),
        bundle: this.getAttribute('bundle') || 'download',
        base: base
      };
      var src = this.getAttribute('profile-src');
      if (src && !cfg.profile_json) {
        if (!sameOrigin(src)) {
          throw hostError('profile_src_cross_origin',
            '比赛配置 profile-src 必须与本页同源：' + src + '。请把配置文件放在本站。',
            'profile-src must be on this page\'s own origin: ' + src + '. Host the profile file on this site.');
        }
        var res;
        try {
          res = await fetch(src, { credentials: 'same-origin' });
        } catch (e) {
          throw hostError('profile_src_failed', '无法读取比赛配置 ' + src + '：' + e + '。',
            'Cannot fetch the profile ' + src + ': ' + e + '.');
        }
        if (!res.ok) {
          throw hostError('profile_src_failed', '无法读取比赛配置 ' + src + '（HTTP ' + res.status + '）。',
            'Cannot fetch the profile ' + src + ' (HTTP ' + res.status + ').');
        }
        var text = await res.text();
        if (text.length > MAX_PROFILE) {
          throw hostError('bad_profile', '比赛配置无效：' + src + ' 超过 ' + MAX_PROFILE + ' 字节。',
            'The contest profile is invalid: ' + src + ' is over ' + MAX_PROFILE + ' bytes.');
        }
        cfg.profile_json = text;
      }
      Object.keys(cfg).forEach(function (k) { if (cfg[k] === null) delete cfg[k]; });
      return cfg;
    }

    async _render() {
      var gen = this._gen = (this._gen || 0) + 1;
      this._unmount();
      var root = this.shadowRoot || this.attachShadow({ mode: 'open' });
      root.innerHTML = '';
      var link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = base + 'style.css';
      var mountPoint = document.createElement('div');
      mountPoint.className = 'preflight-root';
      root.appendChild(link);
      root.appendChild(mountPoint);
      this._mounted = true;
      var self = this;
      try {
        var cfg = await this._config();
        var wb = await load();
        if (gen !== this._gen) return; // superseded by a newer render, or removed
        this._app = wb.mount(mountPoint, JSON.stringify(cfg), function (type, detail) { self._emit(type, detail); });
      } catch (e) {
        if (gen !== this._gen) return;
        var err = e && e.preflight ||
          { code: 'load_failed', message_zh: '预检组件加载失败：' + e + '。请刷新页面重试。', message_en: 'Preflight failed to load: ' + e + '. Reload the page to try again.' };
        showError(mountPoint, err);
        this._emit('error', err);
      }
    }
  }

  customElements.define('preflight-check', PreflightCheck);

  /** The headless API: every call returns a Promise. */
  window.Preflight = {
    ready: function () { return load().then(function () { return true; }); },
    profiles: function () { return load().then(function (wb) { return wb.profiles(); }); },
    probe: function (file) { return load().then(function (wb) { return wb.probe(file); }); },
    check: function (file, profile, options) { return load().then(function (wb) { return wb.check(file, profile, options || {}); }); },
    bundle: function (opts) { return load().then(function (wb) { return wb.bundle(opts); }); },
    fix: function (file, options) { return load().then(function (wb) { return wb.fix(file, options || {}); }); }
  };
})();
