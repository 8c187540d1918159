/*! Preflight embed: <preflight-check> and window.Preflight.
 * One script tag. Put this file, app.js, app_bg.wasm, worker_loader.js and
 * style.css in one folder on the platform's own origin (dist/embed/ is that
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
        wb({ module_or_path: base + 'app_bg.wasm' }).then(function () { resolve(wb); }, reject);
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

  class PreflightCheck extends HTMLElement {
    static get observedAttributes() { return ['profile', 'profile-json', 'profile-src', 'category', 'channel', 'lang', 'bundle']; }

    connectedCallback() { this._render(); }
    attributeChangedCallback() { if (this._mounted) this._render(); }

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
          cfg.profile_json = '{"error": "profile-src must be on this page\'s own origin / profile-src 必须与本页同源"}';
        } else {
          var res = await fetch(src, { credentials: 'same-origin' });
          var text = await res.text();
          cfg.profile_json = text.length > MAX_PROFILE ? '{"error": "profile too large"}' : text;
        }
      }
      Object.keys(cfg).forEach(function (k) { if (cfg[k] === null) delete cfg[k]; });
      return cfg;
    }

    async _render() {
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
        wb.mount(mountPoint, JSON.stringify(cfg), function (type, detail) { self._emit(type, detail); });
      } catch (e) {
        mountPoint.textContent = '预检组件加载失败 / Preflight failed to load: ' + e;
        this._emit('error', { code: 'load_failed', message_zh: '预检组件加载失败：' + e, message_en: 'Preflight failed to load: ' + e });
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
    bundle: function (opts) { return load().then(function (wb) { return wb.bundle(opts); }); }
  };
})();
