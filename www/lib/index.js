// The package's entry point: a friendly JS layer over the wasm engine (TailorCore).
// It owns the injectable clock, the cross-tab `storage` listener and the events;
// everything else is decided in Rust.
import init, { TailorCore } from "./tailor_core.js";

let ready = null;
/** The most recently opened Tailor that is not closed: what `<tailor-consent>` attaches to. */
let current = null;

/** Loads the wasm once per page. `wasm` may be a URL, a Response or bytes. */
function instantiate(wasm) {
  ready ??= init(wasm === undefined ? undefined : { module_or_path: wasm });
  return ready;
}

export class Tailor extends EventTarget {
  #core;
  #clock;
  #onStorage;
  #onHide;

  /**
   * Opens Tailor for a shop: loads the wasm, reads consent and profile from storage.
   * Never throws because of storage (it falls back to memory, see `status`); throws
   * only for bad options, naming the option.
   * @param {import("./index.d.ts").TailorOptions} options
   */
  static async open(options = {}) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError("options: expected an object such as { shop: \"my-shop\", policyVersion: \"2026-11\" }");
    }
    const { clock = Date.now, wasm, ...coreOptions } = options;
    if (typeof clock !== "function") throw new TypeError("clock: expected a function returning milliseconds, like Date.now");
    await instantiate(wasm);
    // Global Privacy Control: the browser asks sites not to share or sell the shopper's data.
    const gpc = globalThis.navigator?.globalPrivacyControl === true;
    const tailor = new Tailor(new TailorCore(coreOptions, clock(), gpc), clock);
    current = tailor;
    globalThis.dispatchEvent?.(new CustomEvent("tailor:open", { detail: tailor }));
    return tailor;
  }

  /** The most recently opened Tailor of this page, or null. */
  static get current() {
    return current;
  }

  constructor(core, clock) {
    if (!(core instanceof TailorCore)) throw new TypeError("use `await Tailor.open(options)` to create a Tailor");
    super();
    this.#core = core;
    this.#clock = clock;
    const prefix = core.keyPrefix();
    // Another tab changed consent or profile (or cleared storage): take it over at once.
    this.#onStorage = (e) => {
      try {
        if (e.storageArea !== globalThis.localStorage) return;
      } catch {
        return; // storage is disabled here: this page runs in memory and shares nothing
      }
      if (e.key !== null && !e.key.startsWith(prefix)) return;
      const before = JSON.stringify(this.consent.get());
      this.#core.reload(this.#clock());
      this.#changed(JSON.stringify(this.consent.get()) !== before, "other-tab");
    };
    globalThis.addEventListener?.("storage", this.#onStorage);
    // Reports leave when the shopper leaves or hides the page (what sendBeacon is for):
    // until then they wait, visible in `reports.preview()`, and a withdrawal drops them.
    this.#onHide = (e) => {
      if (e.type === "pagehide" || globalThis.document?.visibilityState === "hidden") this.reports.flush();
    };
    globalThis.addEventListener?.("pagehide", this.#onHide);
    globalThis.document?.addEventListener?.("visibilitychange", this.#onHide);

    const self = this;
    /** The shopper's consent per purpose. */
    this.consent = Object.freeze({
      get: () => self.#core.getConsent(self.#clock()),
      log: () => self.#core.consentLog(),
      set(change, { source = "api" } = {}) {
        const state = self.#core.setConsent(change, source, self.#clock());
        self.#changed(true, "this-page");
        return state;
      },
    });
    /** What Tailor knows about the shopper. */
    this.profile = Object.freeze({
      describe: () => self.#core.describe(self.#clock()),
      remove(target) {
        const removed = self.#core.remove(target, self.#clock());
        if (removed) self.#changed(false, "this-page");
        return removed;
      },
      allow(topic) {
        if (typeof topic !== "string") throw new TypeError("topic: expected a string from profile.describe().blocked");
        const allowed = self.#core.allow(topic, self.#clock());
        if (allowed) self.#changed(false, "this-page");
        return allowed;
      },
    });
    /** The privatized reports the shop declared (`reports` option), under the analytics purpose. */
    this.reports = Object.freeze({
      /** What would be sent, byte for byte (`body`), what the shop declared, the budget. */
      preview: () => self.#core.previewReports(self.#clock()),
      /**
       * Sends the pending reports now (they are also sent when the page is hidden or left).
       * Returns how many left, and how: by `navigator.sendBeacon`, else `fetch` with keepalive.
       */
      flush() {
        const lines = self.#core.takeReports(self.#clock());
        if (lines.length === 0) return { sent: 0, via: null };
        const { endpoint } = self.#core.previewReports(self.#clock());
        const body = lines.join("\n");
        let via = "beacon";
        try {
          // A string body goes as text/plain, a CORS-safelisted type: no preflight.
          if (globalThis.navigator?.sendBeacon?.(endpoint, body) !== true) via = null;
        } catch {
          via = null;
        }
        if (!via && typeof globalThis.fetch === "function") {
          via = "fetch";
          globalThis.fetch(endpoint, { method: "POST", body, keepalive: true, credentials: "omit", headers: { "content-type": "text/plain" } }).catch(() => {});
        }
        self.dispatchEvent(new CustomEvent("reportsent", { detail: { sent: lines.length, via } }));
        return { sent: lines.length, via };
      },
    });
    this.#prepareReports();
  }

  /** Makes the reports that are due (nothing without the analytics purpose). */
  #prepareReports() {
    this.#core.prepareReports(this.#clock());
  }

  /** Storage mode, consent, catalogue size, last error (never profile contents). */
  get status() {
    return this.#core.status(this.#clock());
  }

  /** Validates and ingests the page's catalogue; returns what was wrong with it. */
  loadCatalogue(items) {
    return this.#core.loadCatalogue(items);
  }

  /** Records a shopper event; a no-op ("no-consent") without the personalization purpose. */
  track(event) {
    return this.#core.track(event, this.#clock());
  }

  /** Ranks the candidates for this shopper: the server's order without consent. */
  rank(request = {}) {
    return this.#core.rank(request, this.#clock());
  }

  /** Picks the best offers of `pool` for this shopper; by value alone without consent. */
  offers(pool, context = {}) {
    return this.#core.offers(pool, context, this.#clock());
  }

  /** What `offers` would skip in `pool`, and why. */
  checkOffers(pool) {
    return this.#core.checkOffers(pool);
  }

  /** Records that the shopper used an offer; returns whether anything was recorded. */
  offerRedeemed(id) {
    if (typeof id !== "string") throw new TypeError("id: expected the offer's id (a string)");
    return this.#core.offerRedeemed(id, this.#clock());
  }

  /** Everything Tailor keeps for this shop: stored keys, consent log, profile in words. */
  exportData() {
    return {
      shop: this.#core.shop(),
      exportedAt: new Date(this.#clock()).toISOString(),
      stored: Object.fromEntries(this.#core.stored()),
      consentLog: this.#core.consentLog(),
      profile: this.#core.describe(this.#clock()),
    };
  }

  /** Erases everything Tailor stored for this shop, consent record included. */
  forget() {
    this.#core.forget();
    this.#changed(true, "this-page");
  }

  /** `consentchange` when consent changed; `change` whenever what Tailor keeps changed
   *  other than by this page's own `track` (consent, forget, another tab's events). */
  #changed(consentChanged, origin) {
    if (consentChanged) {
      // Only the tab where the shopper chose makes reports: another tab reacting to the
      // same change could read the budget ledger before that tab's spend reaches it.
      if (origin === "this-page") this.#prepareReports();
      this.dispatchEvent(new CustomEvent("consentchange", { detail: this.consent.get() }));
    }
    this.dispatchEvent(new CustomEvent("change", { detail: { origin } }));
  }

  /** Stops listening to other tabs and frees the wasm memory. The instance is unusable after. */
  close() {
    this.reports.flush();
    globalThis.removeEventListener?.("storage", this.#onStorage);
    globalThis.removeEventListener?.("pagehide", this.#onHide);
    globalThis.document?.removeEventListener?.("visibilitychange", this.#onHide);
    if (current === this) current = null;
    this.#core.free();
  }
}
