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

// loadCatalogue's fast path (issue 6): all text in ONE UTF-8 buffer (each string followed
// by the byte 1), all masks, numbers and counts in ONE Float64Array (layout: src/web/packed.rs),
// instead of a copy per string through src/de.rs. Anything that reader would refuse
// (or a string holding U+0001) returns null: the plain reader then gives its usual error.
const encoder = new TextEncoder();
let packBuffer = null;
function packCatalogue(items) {
  if (!Array.isArray(items)) return null;
  // Sized for ~200 B of text per item. Kept for the next call only up to 4 MiB (a page
  // must not hold 18 MB for later; a fresh one measured 60–100 ms more at 92k items).
  let buf = packBuffer?.length >= 256 * items.length ? packBuffer : new Uint8Array(256 * items.length + 65536);
  let len = 0;
  const nums = [items.length];
  const text = (s) => {
    if (typeof s !== "string") return false;
    const n = s.length;
    if (len + 3 * n + 1 > buf.length) {
      const grown = new Uint8Array(Math.max(2 * buf.length, len + 3 * n + 1));
      grown.set(buf.subarray(0, len));
      buf = grown;
    }
    const start = len;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === 1) return false;
      if (c >= 0x80) {
        // Not ASCII: the encoder wasm-bindgen uses too (lone surrogates → U+FFFD).
        if (s.includes("\u0001")) return false;
        len = start + encoder.encodeInto(s, buf.subarray(start)).written;
        break;
      }
      buf[len++] = c;
    }
    buf[len++] = 1;
    return true;
  };
  const list = (v) => {
    if (!Array.isArray(v)) return false;
    const n = v.length;
    for (let i = 0; i < n; i++) if (!text(v[i])) return false;
    nums.push(n);
    return true;
  };
  // A present value of `type` (a boolean as 0/1): 1; absent: 0; the wrong type: -1.
  const put = (v, type) => {
    if (v == null) return 0;
    if (typeof v !== type) return -1;
    nums.push(type === "boolean" ? +v : v);
    return 1;
  };
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (typeof item !== "object" || item === null || Array.isArray(item)) return null;
    let id, title, category, brand, price, tags, attributes, popularity, inStock, sensitive, repurchase, related;
    let stockKeys = 0;
    for (const k in item) {
      if (!Object.hasOwn(item, k)) return null;
      const v = item[k];
      switch (k) {
        case "id": id = v; break;
        case "title": title = v; break;
        case "category": category = v; break;
        case "brand": brand = v; break;
        case "price": price = v; break;
        case "tags": tags = v; break;
        case "attributes": attributes = v; break;
        case "popularity": popularity = v; break;
        case "inStock": case "in_stock": inStock = v; stockKeys++; break;
        case "sensitive": sensitive = v; break;
        case "repurchase": repurchase = v; break;
        case "related": related = v; break;
        default: return null;
      }
    }
    if (stockKeys > 1) return null;
    const at = nums.length;
    nums.push(0);
    let mask = 0;
    if (id != null) { if (!text(id)) return null; mask |= 1; }
    if (title != null) { if (!text(title)) return null; mask |= 2; }
    if (category != null) { if (!text(category)) return null; mask |= 4; }
    if (brand != null) { if (!text(brand)) return null; mask |= 8; }
    const p = put(price, "number");
    if (p < 0) return null;
    mask |= p << 4;
    if (tags != null) {
      if (!list(tags)) return null;
      mask |= 1 << 5;
    }
    if (attributes != null) {
      if (typeof attributes !== "object" || Array.isArray(attributes)) return null;
      let n = 0;
      for (const k in attributes) {
        if (!Object.hasOwn(attributes, k) || !text(k) || !text(attributes[k])) return null;
        n++;
      }
      nums.push(n);
      mask |= 1 << 6;
    }
    const a = put(popularity, "number"), b = put(inStock, "boolean"), c = put(sensitive, "boolean"), d = put(repurchase, "number");
    if ((a | b | c | d) < 0) return null;
    mask |= (a << 7) | (b << 8) | (c << 9) | (d << 10);
    if (related != null) {
      if (!list(related)) return null;
      mask |= 1 << 11;
    }
    nums[at] = mask;
  }
  packBuffer = buf.length <= 1 << 22 ? buf : null;
  return [buf.subarray(0, len), new Float64Array(nums)];
}

/**
 * DAP kinds (issue 7) are validated, made and uploaded by dap.js and its own wasm module,
 * imported only when the shop declared one: an LDP-only shop never downloads them. Returns
 * null when there is no DAP kind. Throws for a bad `dap` task, naming the field, like the
 * rest of `Tailor.open`.
 */
async function openDap(core, declared, now, host) {
  const kinds = core.previewReports(now).kinds;
  if (!kinds.some((k) => k.transport === "dap")) return null;
  let dap;
  try {
    dap = await import("./dap.js");
    await dap.load();
  } catch (e) {
    // Not loadable (offline?): personalization goes on, and each DAP kind due says why it
    // is not reported (its task could not be checked either).
    // (Said in a later task: a kind can be due inside the constructor, before anyone listens.)
    const unloadable = new Error(`the DAP module (dap.js, tailor_dap_bg.wasm) could not be loaded: ${e?.message ?? e}`);
    return { make: (due) => setTimeout(() => due.forEach((d) => host.error(d.kind, unloadable))), flush: () => 0, preview: (d) => ({ ...d, ready: false }), task() {}, clear() {} };
  }
  return dap.open(declared, kinds, host);
}

export class Tailor extends EventTarget {
  #core;
  #clock;
  #onStorage;
  #onHide;
  /** DAP reports (dap.js's), or null: no DAP kind. */
  #dap = null;
  #closed = false;

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
    const core = new TailorCore(coreOptions, clock(), gpc);
    let tailor;
    const host = {
      now: clock,
      take: (kind) => core.takeDap(kind, clock()),
      // (`tailor` is unset while its constructor makes the reports due at open: the DAP
      // module answers in later tasks, and a failure then has no listener yet anyway.)
      error: (kind, e) => tailor?.#reportError(kind, e),
      // A report is made: the widget shows it; if the page was hidden meanwhile, send it now.
      made: () => {
        if (!tailor || tailor.#closed) return;
        tailor.dispatchEvent(new CustomEvent("reportready"));
        if (globalThis.document?.visibilityState === "hidden") tailor.reports.flush();
      },
    };
    let dap;
    try {
      dap = await openDap(core, coreOptions.reports?.kinds, clock(), host);
    } catch (e) {
      core.free();
      throw e;
    }
    tailor = new Tailor(core, clock, dap);
    current = tailor;
    globalThis.dispatchEvent?.(new CustomEvent("tailor:open", { detail: tailor }));
    return tailor;
  }

  /** The most recently opened Tailor of this page, or null. */
  static get current() {
    return current;
  }

  constructor(core, clock, dap = null) {
    if (!(core instanceof TailorCore)) throw new TypeError("use `await Tailor.open(options)` to create a Tailor");
    super();
    this.#core = core;
    this.#clock = clock;
    this.#dap = dap;
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
      /**
       * What would be sent, byte for byte (`body`; for DAP kinds `dap[k].bodyBase64`), what
       * the shop declared, the budget.
       */
      preview() {
        const p = self.#core.previewReports(self.#clock());
        const dap = self.#dap;
        if (dap) p.dap = p.dap.map((d) => dap.preview(d));
        for (const k of p.kinds) k.minBatchSize = dap?.task(k.name)?.minBatchSize ?? null;
        return p;
      },
      /**
       * Sends the pending reports now (they are also sent when the page is hidden or left).
       * Returns how many LDP reports left, and how (by `navigator.sendBeacon`, else `fetch`
       * with keepalive), and how many DAP uploads were started.
       */
      flush() {
        const dap = self.#dap?.flush() ?? 0;
        const lines = self.#core.takeReports(self.#clock());
        if (lines.length === 0) {
          if (dap) self.dispatchEvent(new CustomEvent("reportsent", { detail: { sent: 0, via: null, dap } }));
          return { sent: 0, via: null, dap };
        }
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
          globalThis.fetch(endpoint, { method: "POST", body, keepalive: true, credentials: "omit", referrerPolicy: "no-referrer", headers: { "content-type": "text/plain" } }).catch(() => {});
        }
        self.dispatchEvent(new CustomEvent("reportsent", { detail: { sent: lines.length, via, dap } }));
        return { sent: lines.length, via, dap };
      },
    });
    this.#prepareReports();
  }

  /** Makes the reports that are due (nothing without the analytics purpose). */
  #prepareReports() {
    this.#core.prepareReports(this.#clock());
    this.#dap?.make(this.#core.previewReports(this.#clock()).dap);
  }

  #reportError(kind, e) {
    if (this.#closed) return;
    this.dispatchEvent(new CustomEvent("reporterror", { detail: { kind, message: `reports.kinds "${kind}" (dap): ${e?.message ?? e}` } }));
  }

  /** Storage mode, consent, catalogue size, last error (never profile contents). */
  get status() {
    return this.#core.status(this.#clock());
  }

  /**
   * Validates and ingests the page's catalogue; returns what was wrong with it. `items` is
   * the array of items, or the server's JSON payload itself (the fastest: a Uint8Array or
   * ArrayBuffer as fetched, or the text), read in one pass without making JS objects.
   */
  loadCatalogue(items) {
    if (typeof items === "string") return this.#core.loadCatalogueJson(encoder.encode(items));
    if (items instanceof ArrayBuffer) return this.#core.loadCatalogueJson(new Uint8Array(items));
    if (ArrayBuffer.isView(items)) return this.#core.loadCatalogueJson(new Uint8Array(items.buffer, items.byteOffset, items.byteLength));
    const packed = packCatalogue(items);
    return (packed && this.#core.loadPacked(packed[0], packed[1])) ?? this.#core.loadCatalogue(items);
  }

  /** Records a shopper event; a no-op ("no-consent") without the personalization purpose. */
  track(event) {
    return this.#core.track(event, this.#clock());
  }

  /** Ranks the candidates for this shopper: the server's order without consent. */
  rank(request = {}) {
    // One crossing: a string and three typed arrays (see PackedRanking in ranking.rs),
    // rebuilt here as objects; `slice` of a JS string does not copy it.
    const [text, lengths, scores, matches] = this.#core.rank(request, this.#clock());
    const out = new Array(scores.length);
    for (let k = 0, at = 0, j = 0; k < out.length; k++) {
      const id = text.slice(at, (at += lengths[j++]));
      const reasons = new Array(lengths[j++]);
      for (let r = 0; r < reasons.length; r++) reasons[r] = text.slice(at, (at += lengths[j++]));
      out[k] = { id, score: scores[k], match: matches[k], reasons };
    }
    return out;
  }

  /** `rank`'s order as positions in the loaded array (a Uint32Array): for whole-catalogue listings. */
  rankOrder(request = {}) {
    return this.#core.rankOrder(request, this.#clock());
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
      // Made DAP reports go with the analytics purpose (the engine refuses them anyway).
      if (!this.consent.get().analytics) this.#dap?.clear();
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
    this.#closed = true;
    this.#dap?.clear();
    this.#core.free();
  }
}
