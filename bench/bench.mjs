// The benchmark page's code (bench/bench.html): Tailor (the built package at /pkg/) and
// the pure-JS baseline (bench/baseline-ranker.mjs) side by side in one page. bench/run.mjs
// drives it through `window.bench` and prints the table; every timing is taken here, in
// the page, with performance.now().
import init from "/pkg/tailor_core.js";
import { Tailor } from "/pkg/index.js";
import { BaselineRanker } from "/bench/baseline-ranker.mjs";

const SHOP = "bench";
let wasm = null; // the wasm exports (for the memory's size)
let tailor = null;
let baseline = null;
let text = "";
let bytes = null; // the payload as fetched (an ArrayBuffer's bytes)
let items = null;
let scenario = null;
let clock = 0;

/** Seeded PRNG (mulberry32): the same synthetic events for Tailor and the baseline. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Events `from`..`from + n` of one fixed synthetic stream of `total` (event k depends on k
 * alone, so chunks add up to the same stream): items uniform over the catalogue (the most
 * varied history, the hardest on the profile's caps), 60 % views, 10 % searches, 15 %
 * carts, 10 % purchases, 5 % dismissals, one every 30 s, the last at the clock.
 */
function synthetic(seed, from, n, total) {
  const out = new Array(n);
  for (let k = 0; k < n; k++) {
    const next = rng(seed ^ Math.imul(from + k + 1, 0x9e3779b1));
    const item = items[Math.floor(next() * items.length)].id;
    const r = next();
    const at = clock - (total - 1 - from - k) * 30_000;
    if (r < 0.6) out[k] = { type: "view", item, at };
    else if (r < 0.7) out[k] = { type: "search", item, at, query: "bench query" };
    else if (r < 0.85) out[k] = { type: "cart", item, at, quantity: 1 + Math.floor(next() * 3) };
    else if (r < 0.95) out[k] = { type: "purchase", item, at, quantity: 1 + Math.floor(next() * 3) };
    else out[k] = { type: "dismiss", item, at };
  }
  return out;
}

const now = () => performance.now();
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Times `fns` (name → function) interleaved, `reps` times each, after one warm-up call. A
 * call shorter than `minBatchMs` is repeated in a batch timed as a whole (performance.now
 * is coarse); the figure is the median per call over the reps, in ms.
 */
function timeInterleaved(fns, { reps, minBatchMs = 5, maxBatch = 1000 }) {
  const names = Object.keys(fns);
  const batch = {};
  for (const name of names) {
    const t0 = now();
    fns[name]();
    const once = now() - t0;
    batch[name] = Math.min(maxBatch, Math.max(1, Math.ceil(minBatchMs / Math.max(once, 0.001))));
  }
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < reps; r++) {
    for (const name of names) {
      const fn = fns[name];
      const k = batch[name];
      const t0 = now();
      for (let i = 0; i < k; i++) fn();
      samples[name].push((now() - t0) / k);
    }
  }
  return Object.fromEntries(names.map((n) => [n, { median: median(samples[n]), reps, batch: batch[n], min: Math.min(...samples[n]) }]));
}

function storedBytes() {
  let all = 0;
  let profile = 0;
  const prefix = `tailor.v1.${SHOP}.`;
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i);
    if (!k.startsWith(prefix)) continue;
    const bytes = new TextEncoder().encode(localStorage.getItem(k)).length;
    all += bytes;
    if (k === `${prefix}profile`) profile = bytes;
  }
  return { all, profile };
}

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
/** How many f32 steps apart two scores are (scores are f32 values in both). */
function ulps(a, b) {
  f32[0] = a;
  const x = i32[0];
  f32[0] = b;
  return Math.abs(x - i32[0]);
}

/** Compares Tailor's and the baseline's answers to the same request. */
function compare(request, top = 500) {
  const a = tailor.rank(request);
  const b = baseline.rank(request, clock);
  const out = { n: a.length, nJs: b.length, checked: Math.min(top, a.length), orderMismatches: 0, firstMismatch: null, scoreMismatches: 0, maxScoreUlps: 0, matchMismatches: 0, reasonMismatches: 0, fullOrderMismatches: 0, examples: [] };
  for (let k = 0; k < Math.max(a.length, b.length); k++) {
    const x = a[k];
    const y = b[k];
    if (x?.id !== y?.id) {
      out.fullOrderMismatches++;
      if (k < top) {
        out.orderMismatches++;
        out.firstMismatch ??= { position: k, tailor: x && { id: x.id, score: x.score }, js: y && { id: y.id, score: y.score } };
      }
      continue;
    }
    if (x.score !== y.score) {
      out.scoreMismatches++;
      out.maxScoreUlps = Math.max(out.maxScoreUlps, ulps(x.score, y.score));
      if (out.examples.length < 3) out.examples.push({ id: x.id, position: k, tailor: x.score, js: y.score });
    }
    if (x.match !== y.match) out.matchMismatches++;
    if (JSON.stringify(x.reasons) !== JSON.stringify(y.reasons)) {
      out.reasonMismatches++;
      if (out.examples.length < 3) out.examples.push({ id: x.id, tailor: x.reasons, js: y.reasons });
    }
  }
  return out;
}

/** Compares Tailor's rankOrder with the baseline's order, position by position, whole. */
function compareOrder(request) {
  const a = tailor.rankOrder(request);
  const b = baseline.order(request, clock);
  let mismatches = 0;
  let first = null;
  for (let k = 0; k < Math.max(a.length, b.length); k++) {
    if (a[k] !== b[k]) {
      mismatches++;
      first ??= { position: k, tailor: a[k], js: b[k] };
    }
  }
  // And the same order as rank's (the full, rich answer), by id.
  const ranked = tailor.rank(request);
  let rankMismatches = 0;
  for (let k = 0; k < a.length; k++) if (items[a[k]].id !== ranked[k]?.id) rankMismatches++;
  return { n: a.length, nJs: b.length, mismatches, first, rankMismatches, typed: a instanceof Uint32Array };
}

window.bench = {
  /** Compile + instantiate the wasm from its bytes (fetched before the clock starts). */
  async instantiate() {
    const bytes = await (await fetch("/pkg/tailor_core_bg.wasm")).arrayBuffer();
    const t0 = now();
    wasm = await init({ module_or_path: bytes });
    const instantiateMs = now() - t0;
    const t1 = now();
    const t = await Tailor.open({ shop: SHOP, policyVersion: "2026-11" });
    const openMs = now() - t1;
    t.close?.();
    return { instantiateMs, openMs, bytes: bytes.byteLength, crossOriginIsolated: globalThis.crossOriginIsolated === true };
  },

  /** Fetches catalogue and scenario, opens Tailor (consent granted) and the baseline. */
  async setup(size) {
    [bytes, scenario] = await Promise.all([
      fetch(`/data/catalogue-${size}.json`).then((r) => r.arrayBuffer()).then((b) => new Uint8Array(b)),
      fetch(`/data/scenario-${size}.json`).then((r) => r.json()),
    ]);
    text = new TextDecoder().decode(bytes);
    items = JSON.parse(text);
    clock = scenario.clock;
    localStorage.clear();
    wasm ??= await init();
    tailor = await Tailor.open({ shop: SHOP, policyVersion: "2026-11", clock: () => clock });
    tailor.consent.set({ personalization: true });
    baseline = new BaselineRanker({ shop: SHOP });
    return { household: scenario.household, items: items.length, payloadBytes: bytes.length, events: scenario.events.length, page: scenario.page.length, crossOriginIsolated: globalThis.crossOriginIsolated === true };
  },

  /**
   * JSON.parse of the payload vs Tailor's loadCatalogue of the payload's bytes (as fetched)
   * and of the parsed array, and the baseline's loadCatalogue of the parsed array.
   */
  ingest(reps) {
    const wasmBefore = wasm.memory.buffer.byteLength;
    tailor.loadCatalogue(bytes);
    tailor.loadCatalogue(items);
    const wasmAfterFirst = wasm.memory.buffer.byteLength;
    const t = timeInterleaved(
      {
        parse: () => JSON.parse(text),
        payload: () => tailor.loadCatalogue(bytes),
        tailor: () => tailor.loadCatalogue(items),
        js: () => baseline.loadCatalogue(items),
      },
      { reps },
    );
    // Both inputs load the same catalogue (the same summary, the same ranking).
    const fromBytes = tailor.loadCatalogue(bytes);
    const rankBytes = JSON.stringify(tailor.rank({ limit: 100 }));
    const a = tailor.loadCatalogue(items);
    const same = JSON.stringify(fromBytes) === JSON.stringify(a) && rankBytes === JSON.stringify(tailor.rank({ limit: 100 }));
    const b = baseline.loadCatalogue(items);
    return { ...t, same, wasmBefore, wasmAfterFirst, wasmAfter: wasm.memory.buffer.byteLength, loaded: a.loaded, problems: a.problemCount, loadedJs: b.loaded, problemsJs: b.problemCount };
  },

  /** The household's events, through both `track`s. */
  replay() {
    const outcomes = {};
    for (const e of scenario.events) {
      const o = tailor.track(e);
      outcomes[o] = (outcomes[o] ?? 0) + 1;
      baseline.track(e, clock);
    }
    return { outcomes, stored: storedBytes(), storedJs: baseline.storedBytes() };
  },

  /** Same order? The whole catalogue and the page, full order, top 500 checked; rankOrder whole. */
  check() {
    return { all: compare({}), page: compare({ items: scenario.page }), order: compareOrder({}), pageOrder: compareOrder({ items: scenario.page }) };
  },

  rank(reps) {
    const page = scenario.page;
    return {
      all48: timeInterleaved({ tailor: () => tailor.rank({ limit: 48 }), js: () => baseline.rank({ limit: 48 }, clock) }, { reps }),
      allFull: timeInterleaved({ tailor: () => tailor.rank({}), js: () => baseline.rank({}, clock) }, { reps }),
      allOrder: timeInterleaved({ tailor: () => tailor.rankOrder({}), js: () => baseline.order({}, clock) }, { reps }),
      page48: timeInterleaved({ tailor: () => tailor.rank({ items: page, limit: 48 }), js: () => baseline.rank({ items: page, limit: 48 }, clock) }, { reps }),
    };
  },

  /**
   * `track` (update + persist) per call: batches of synthetic events, Tailor and baseline
   * interleaved, a turn of the event loop between batches (as a page gives the browser;
   * without it, queued storage writes pile up in the renderer, see bench/run.mjs).
   */
  async track(reps, perBatch = 100) {
    const total = (reps + 1) * perBatch * 2;
    const events = synthetic(7, 0, total, total);
    let k = 0;
    const samples = { tailor: [], js: [] };
    const run = async (name, fn) => {
      const batch = events.slice(k, k + perBatch);
      k += perBatch;
      await new Promise((ok) => setTimeout(ok, 0));
      const t0 = now();
      for (const e of batch) fn(e);
      samples[name].push((now() - t0) / perBatch);
    };
    const tailorTrack = (e) => tailor.track(e);
    const jsTrack = (e) => baseline.track(e, clock);
    await run("tailor", tailorTrack); // warm-up
    await run("js", jsTrack);
    samples.tailor.length = samples.js.length = 0;
    for (let r = 0; r < reps; r++) {
      await run("tailor", tailorTrack);
      await run("js", jsTrack);
    }
    return {
      tailor: { median: median(samples.tailor), reps, batch: perBatch },
      js: { median: median(samples.js), reps, batch: perBatch },
    };
  },

  /** Loads the catalogue into both, once. */
  load() {
    return { tailor: tailor.loadCatalogue(items).loaded, js: baseline.loadCatalogue(items).loaded };
  },

  /** Feeds synthetic events `from`..`from + n` (of `total`) to one side; returns the time taken. */
  feed(who, from, n, total) {
    const events = synthetic(11, from, n, total);
    let outcomes = 0;
    const t0 = now();
    if (who === "tailor") {
      for (const e of events) if (tailor.track(e) === "recorded") outcomes++;
    } else {
      for (const e of events) if (baseline.track(e, clock) === "recorded") outcomes++;
    }
    return { ms: now() - t0, recorded: outcomes, stored: who === "tailor" ? storedBytes() : { profile: baseline.storedBytes() } };
  },

  /** As `feed`, in slices of `slice` events with a turn of the event loop between them. */
  async feedYielding(who, from, n, total, slice = 1000) {
    let ms = 0;
    let recorded = 0;
    let stored;
    for (let k = 0; k < n; k += slice) {
      const r = this.feed(who, from + k, Math.min(slice, n - k), total);
      ms += r.ms;
      recorded += r.recorded;
      stored = r.stored;
      await new Promise((ok) => setTimeout(ok, 0));
    }
    return { ms, recorded, stored };
  },

  wasmMemoryBytes() {
    return wasm.memory.buffer.byteLength;
  },

  machine() {
    return { userAgent: navigator.userAgent, cores: navigator.hardwareConcurrency, crossOriginIsolated: globalThis.crossOriginIsolated === true };
  },
};
window.benchReady = true;
