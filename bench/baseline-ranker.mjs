// THE BASELINE of Tailor's benchmark (issue 6): the same catalogue ingest, profile update
// and scoring as Tailor's `loadCatalogue`, `track` and `rank`, written in plain JavaScript
// the way a competent JS developer would port it — objects, arrays and Maps, no wasm, no
// typed-array data layout — so that "Tailor / JS" compares Rust+wasm with the obvious
// alternative, not with a straw man.
//
// It mirrors, function by function:
// - src/core/catalogue.rs  Catalogue::ingest (ids, titles, category-path nodes, brands,
//   price, popularity → server order and log-popularity prior, in stock, repurchase,
//   sensitive, attributes and tags, related ids ≤ 50) and relative_price_bands;
// - src/core/profile.rs    Profile::record (time-decayed, capped affinities for category
//   levels, brands, attributes and price bands; recent items; purchases; dismissals);
// - src/core/ranking.rs    Ranker::rank (prior + category + brand + attribute + price band
//   + related-to-recent + recent/session intent + repeat − dismissed − out of stock −
//   durable already bought; match %; up to two reasons), with Tailor's tie-break (score,
//   then the server's order);
// - src/core/engine.rs     track = validate + record + persist (here: JSON.stringify of the
//   profile into localStorage under its own key); rank without rules, diversity or
//   exploration; consent is taken as granted (the benchmark grants it to Tailor too).
// What it leaves out: consent records, reports, offers, rules, the sensitive profile
// (sensitive items are muted, as in Tailor without the sensitive purpose).
//
// One deliberate difference from "plain" JS: Tailor computes in f32, so every arithmetic
// result that Rust keeps as f32 is rounded with Math.fround here (V8 compiles it to a
// float32 conversion). Without it, near-ties would order differently and the benchmark
// could not check that both produce the same order. Transcendentals (log1p, log, log2,
// 2**x) come from V8's Math instead of Rust's libm: they may differ in the last bit;
// the benchmark reports any order mismatch that would cause.

const f = Math.fround;
const DAY_MS = 86_400_000;
const HALF_LIFE_DAYS = 21;
const CAP = { categories: 96, brands: 32, attributes: 48, priceBands: 16, recent: 30, purchased: 64, dismissed: 32 };
const MAX_RELATED = 50;
const MAX_PATH_LEVELS = 16;
const MAX_PATH_BYTES = 512;
const KINDS = ["view", "search", "cart", "purchase", "dismiss"];
const EVENT_WEIGHT = { view: 1, search: 1.5, cart: 3, purchase: 4, dismiss: 0 };
const W = {
  prior: 1.25, category: 1, brand: f(0.4), attribute: f(0.2), price: f(0.1), related: 0.5,
  recent: 2, repeat: 1, dismissed: 5, outOfStock: 1.5, boughtDurable: 3,
};
const REASON_MIN = f(0.05);
const RECENCY_STEP = f(0.85);
const TENTH = f(0.1);

const normalizePath = (p) => p.split("/").map((s) => s.trim()).filter((s) => s !== "").join("/");
const pathIsUnder = (path, prefix) => path.startsWith(prefix) && (path.length === prefix.length || path[prefix.length] === "/");
const decay = (weight, at, now) => f(weight * 2 ** (-(Math.max(now - at, 0) / DAY_MS) / HALF_LIFE_DAYS));
const asciiLower = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const encoder = new TextEncoder();
const byteLength = (s) => encoder.encode(s).length;

function priceBand(x) {
  if (!(x > 0)) return null;
  return Math.min(63, Math.max(0, Math.floor(f(f(Math.log2(x)) * 2)) + 16));
}

function median(values) {
  if (values.length === 0) return NaN;
  values.sort((a, b) => a - b);
  return values[values.length >> 1];
}

/** "flowers/roses_red" → "Roses red" (as ranking.rs category_label). */
function categoryLabel(path) {
  const segment = path.slice(path.lastIndexOf("/") + 1);
  const label = segment.includes(" ") ? segment : segment.replace(/[_-]/g, " ");
  const c = label.charCodeAt(0);
  return c >= 97 && c <= 122 ? label[0].toUpperCase() + label.slice(1) : label;
}

/** A capped list of { key, weight, at }; the weakest (first of equals) makes room. */
function addAffinity(list, key, delta, now, cap) {
  const e = list.find((x) => x.key === key);
  if (e) {
    e.weight = f(decay(e.weight, e.at, now) + delta);
    e.at = Math.max(now, e.at);
    return;
  }
  if (list.length >= cap) {
    let weakest = -1;
    let min = Infinity;
    list.forEach((x, i) => {
      const d = decay(x.weight, x.at, now);
      if (d < min) [weakest, min] = [i, d];
    });
    if (weakest < 0 || !(min <= delta)) return;
    list[weakest] = list[list.length - 1];
    list.pop();
  }
  list.push({ key, weight: delta, at: now });
}

export class BaselineRanker {
  /** @param {{ shop?: string, sensitiveCategories?: string[], storage?: Storage|null }} options */
  constructor({ shop = "bench", sensitiveCategories = [], storage = globalThis.localStorage ?? null } = {}) {
    this.storageKey = `bench-js.${shop}.profile`;
    this.storage = storage;
    this.sensitive = sensitiveCategories.map(normalizePath);
    this.items = [];
    this.byId = new Map();
    this.categories = new Map(); // path → { path, depth, parent }
    this.profile = BaselineRanker.emptyProfile();
  }

  static emptyProfile() {
    return { categories: [], brands: [], attributes: [], priceBands: [], recent: [], purchased: [], dismissed: [], blocked: [] };
  }

  node(path) {
    let n = this.categories.get(path);
    if (n) return n;
    const cut = path.lastIndexOf("/");
    const parent = cut < 0 ? null : this.node(path.slice(0, cut));
    n = { path, depth: parent ? parent.depth + 1 : 1, parent };
    this.categories.set(path, n);
    return n;
  }

  /** Validates and ingests the catalogue: { loaded, skipped, problemCount }. */
  loadCatalogue(input) {
    if (!Array.isArray(input)) throw new Error("items: expected an array of catalogue items");
    this.items = [];
    this.byId = new Map();
    this.categories = new Map();
    this.brandNames = null;
    this.attributeNames = null;
    let skipped = 0;
    let problemCount = 0;
    const related = [];
    for (let position = 0; position < input.length; position++) {
      const raw = input[position];
      const id = typeof raw?.id === "string" ? raw.id.trim() : "";
      if (id === "" || this.byId.has(id)) {
        skipped++;
        problemCount++;
        continue;
      }
      const title = typeof raw.title === "string" && raw.title.trim() !== "" ? raw.title.trim() : id;
      let path = typeof raw.category === "string" ? normalizePath(raw.category) : "";
      const sensitive = raw.sensitive === true || (path !== "" && this.sensitive.some((p) => pathIsUnder(path, p)));
      // (A UTF-16 unit is at most 3 UTF-8 bytes: most paths need no encoding to be checked.)
      if ((path.length * 3 > MAX_PATH_BYTES && byteLength(path) > MAX_PATH_BYTES) || path.split("/").length > MAX_PATH_LEVELS) {
        problemCount++;
        path = "";
      }
      const brand = typeof raw.brand === "string" && raw.brand.trim() !== "" ? raw.brand.trim() : null;
      let price = NaN;
      if (raw.price != null) {
        // (Kept as float32, as Tailor: beyond its range is refused too.)
        if (Number.isFinite(f(raw.price)) && raw.price >= 0) price = f(raw.price);
        else problemCount++;
      }
      let popularity = 0;
      if (raw.popularity != null) {
        if (Number.isFinite(f(raw.popularity))) popularity = f(raw.popularity);
        else problemCount++;
      }
      let repurchase = 1;
      if (raw.repurchase != null) {
        if (raw.repurchase >= 0 && raw.repurchase <= 1) repurchase = f(raw.repurchase);
        else problemCount++;
      }
      // Attributes in key order (Rust reads them into a BTreeMap), then tags.
      const attributes = [];
      if (raw.attributes) {
        for (const k of Object.keys(raw.attributes).sort(compareUtf8)) attributes.push(`${k.trim()}=${String(raw.attributes[k]).trim()}`);
      }
      for (const t of raw.tags ?? []) if (t.trim() !== "") attributes.push(`tag=${t.trim()}`);
      const item = {
        index: this.items.length,
        position,
        id,
        title,
        node: path === "" ? null : this.node(path),
        brand,
        price,
        band: null,
        popularity,
        prior: 0,
        serverRank: 0,
        inStock: (raw.inStock ?? raw.in_stock) !== false,
        repurchase,
        sensitive,
        attributes,
        related: [],
      };
      this.items.push(item);
      this.byId.set(id, item);
      related.push(raw.related ?? []);
    }
    // Related ids can point forward: resolved once every id is known.
    this.items.forEach((item, n) => {
      for (const r of related[n]) {
        const j = this.byId.get(String(r).trim());
        if (!j) problemCount++;
        else if (j !== item && item.related.length < MAX_RELATED) item.related.push(j);
      }
    });
    // The server's order: popularity descending, ties in the order given.
    const order = [...this.items].sort((a, b) => b.popularity - a.popularity || a.index - b.index);
    order.forEach((item, rank) => (item.serverRank = rank));
    let max = 0;
    let min = 0;
    for (const item of this.items) {
      max = Math.max(max, item.popularity);
      min = Math.min(min, item.popularity);
    }
    const n = f(Math.max(this.items.length, 1));
    const maxLog = f(Math.log1p(max));
    for (const item of this.items) {
      item.prior = max > 0 && min >= 0 ? f(f(Math.log1p(item.popularity)) / maxLog) : f(1 - f(item.serverRank / n));
    }
    // Price bands relative to the median price of the item's (deepest) category.
    const priced = this.items.filter((i) => i.price > 0);
    const overall = median(priced.map((i) => i.price));
    const byNode = new Map();
    for (const i of priced) {
      if (!i.node) continue;
      if (!byNode.has(i.node)) byNode.set(i.node, []);
      byNode.get(i.node).push(i.price);
    }
    const medians = new Map([...byNode].map(([node, prices]) => [node, median(prices)]));
    for (const i of this.items) {
      const m = i.node ? medians.get(i.node) ?? NaN : overall;
      i.band = priceBand(f(i.price / m));
    }
    return { loaded: this.items.length, skipped, problemCount };
  }

  /** Validates an event, folds it into the profile and persists the profile. */
  track(event, now) {
    const { type, item: rawItem, at = now, quantity, query } = event ?? {};
    if (!KINDS.includes(type)) throw new Error(`type: ${JSON.stringify(type)} is not an event type`);
    const id = typeof rawItem === "string" ? rawItem.trim() : "";
    if (id === "") throw new Error("item: missing; expected the id of a catalogue item");
    if (!(Number.isFinite(at) && at >= 0 && at < 8.64e15)) throw new Error(`at: ${at} is not a time`);
    if (type === "search" && !(typeof query === "string" && query.trim() !== "" && query.trim().length <= 500)) throw new Error("query: missing");
    let q = 1;
    if (quantity !== undefined) {
      if (type !== "cart" && type !== "purchase") throw new Error("quantity: only cart and purchase events take a quantity");
      if (!(Number.isInteger(quantity) && quantity >= 1 && quantity <= 10_000)) throw new Error(`quantity: ${quantity} is not a whole number from 1 to 10000`);
      q = quantity;
    }
    const item = this.byId.get(id);
    if (!item) throw new Error(`item: "${id}" is not in the loaded catalogue`);
    const p = this.profile;
    if (p.blocked.some((t) => (item.node && pathIsUnder(item.node.path, t)) || item.brand === t)) return "blocked";
    if (item.sensitive) return "sensitive";
    this.record(type, id, item, Math.trunc(at), q);
    this.persist();
    return "recorded";
  }

  record(kind, id, item, now, quantity) {
    const p = this.profile;
    if (kind === "dismiss") {
      p.dismissed = p.dismissed.filter((d) => d.item !== id);
      if (p.dismissed.length >= CAP.dismissed) p.dismissed.shift();
      p.dismissed.push({ item: id, at: now });
      return;
    }
    const w = f(EVENT_WEIGHT[kind] * f(1 + f(Math.log(quantity))));
    for (let n = item.node; n; n = n.parent) addAffinity(p.categories, n.path, w, now, CAP.categories);
    if (item.brand !== null) addAffinity(p.brands, item.brand, w, now, CAP.brands);
    for (const a of item.attributes) addAffinity(p.attributes, a, w, now, CAP.attributes);
    if (item.band !== null) addAffinity(p.priceBands, String(item.band), w, now, CAP.priceBands);
    p.recent = p.recent.filter((r) => r.item !== id);
    p.recent.unshift({ item: id, kind, at: now });
    if (p.recent.length > CAP.recent) p.recent.length = CAP.recent;
    if (kind === "purchase") {
      const b = p.purchased.find((x) => x.item === id);
      if (b) {
        b.count = Math.min(b.count + 1, 0xffffffff);
        b.lastAt = Math.max(b.lastAt, now);
      } else {
        if (p.purchased.length >= CAP.purchased) {
          let oldest = 0;
          p.purchased.forEach((x, i) => {
            if (x.lastAt < p.purchased[oldest].lastAt) oldest = i;
          });
          p.purchased[oldest] = p.purchased[p.purchased.length - 1];
          p.purchased.pop();
        }
        p.purchased.push({ item: id, count: 1, lastAt: now });
      }
    }
  }

  /** The profile as stored: JSON in localStorage (what a JS implementation would do). */
  persist() {
    try {
      this.storage?.setItem(this.storageKey, JSON.stringify(this.profile));
    } catch {
      // Storage full or disabled: carry on in memory, as Tailor does.
    }
  }

  storedBytes() {
    return byteLength(this.storage?.getItem(this.storageKey) ?? "");
  }

  muted(item, blockedNode, blockedBrands) {
    return item.sensitive || (item.node !== null && blockedNode(item.node)) || (item.brand !== null && blockedBrands.has(item.brand));
  }

  /** The candidate items of a request (all items by default), checked as Tailor checks them. */
  candidates(ids, limit) {
    let cands;
    if (ids === undefined) {
      cands = this.items;
    } else {
      const seen = new Set();
      cands = ids.map((id, k) => {
        const item = this.byId.get(id);
        if (!item) throw new Error(`items[${k}]: "${id}" is not in the loaded catalogue`);
        if (seen.has(item)) throw new Error(`items[${k}]: "${id}" is listed twice`);
        seen.add(item);
        return item;
      });
    }
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) throw new Error(`limit: ${limit} is not a whole number ≥ 0`);
    return cands;
  }

  /** Each candidate's score (float32 arithmetic, as Tailor). */
  score(s, item) {
    const personal = s.muted(item) ? 0 : total(this.signals(s, item));
    let penalty = 0;
    if (s.dismissed.has(item)) penalty = f(penalty + W.dismissed);
    if (!item.inStock) penalty = f(penalty + W.outOfStock);
    if (s.repeat.has(item)) penalty = f(penalty + f(W.boughtDurable * f(1 - item.repurchase)));
    return f(f(f(W.prior * item.prior) + personal) - penalty);
  }

  /**
   * Tailor's `rankOrder`: the best `limit` candidates as positions in the array given to
   * loadCatalogue (a Uint32Array), best first; scores in a Float32Array, positions sorted
   * by score then the server's order — what a JS engineer would write for a full order.
   */
  order({ items: ids, limit } = {}, now) {
    const cands = this.candidates(ids, limit);
    const n = limit === undefined ? cands.length : Math.min(limit, cands.length);
    const s = this.prepare(now);
    const scores = new Float32Array(cands.length);
    const rank = new Uint32Array(cands.length);
    const order = new Uint32Array(cands.length);
    for (let k = 0; k < cands.length; k++) {
      scores[k] = this.score(s, cands[k]);
      rank[k] = cands[k].serverRank;
      order[k] = k;
    }
    order.sort((a, b) => scores[b] - scores[a] || rank[a] - rank[b]);
    const out = new Uint32Array(n);
    for (let k = 0; k < n; k++) out[k] = cands[order[k]].position;
    return out;
  }

  /** [{ id, score, match, reasons }], best first (Tailor's rank without rules). */
  rank({ items: ids, limit } = {}, now) {
    const cands = this.candidates(ids, limit);
    const n = limit === undefined ? cands.length : Math.min(limit, cands.length);
    const s = this.prepare(now);
    const scored = cands.map((item) => ({ item, score: this.score(s, item) }));
    const sortedScores = Float64Array.from(scored, (x) => x.score).sort();
    scored.sort((a, b) => b.score - a.score || a.item.serverRank - b.item.serverRank);
    const denom = f(Math.max(cands.length, 2) - 1);
    const out = [];
    for (const { item, score } of scored.slice(0, n)) {
      const sig = s.muted(item) ? null : this.signals(s, item);
      let match = 0;
      if (sig && total(sig) > 0) {
        let lo = 0;
        let hi = sortedScores.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (sortedScores[mid] < score) lo = mid + 1;
          else hi = mid;
        }
        match = Math.min(Math.round(f(f(100 * lo) / denom)), 100);
      }
      out.push({ id: item.id, score, match, reasons: sig ? this.reasons(s, item, sig) : [] });
    }
    return out;
  }

  /** The profile mapped onto the catalogue for one call. */
  prepare(now) {
    const p = this.profile;
    const own = new Map(); // category node → affinity normalized by the strongest at its depth
    for (const e of p.categories) {
      const node = this.categories.get(e.key);
      if (node) own.set(node, f((own.get(node) ?? 0) + decay(e.weight, e.at, now)));
    }
    const maxAtDepth = new Map();
    for (const [node, v] of own) {
      const d = Math.min(node.depth, 7);
      maxAtDepth.set(d, Math.max(maxAtDepth.get(d) ?? 0, v));
    }
    for (const [node, v] of own) {
      const m = maxAtDepth.get(Math.min(node.depth, 7));
      if (m > 0) own.set(node, f(v / m));
    }
    const nodeScores = new Map(); // node → { score, best }, computed when first needed
    const nodeScore = (node) => {
      let r = nodeScores.get(node);
      if (r) return r;
      let sum = 0;
      let wsum = 0;
      let best = null;
      let bestV = 0;
      for (let c = node; c; c = c.parent) {
        const dw = Math.min(c.depth, 3);
        const v = own.get(c) ?? 0;
        sum = f(sum + f(dw * v));
        wsum = f(wsum + dw);
        if (f(v * dw) > bestV) [bestV, best] = [f(v * dw), c];
      }
      r = { score: wsum > 0 ? f(sum / wsum) : 0, best };
      nodeScores.set(node, r);
      return r;
    };
    const blockedNodes = new Map();
    const blockedNode = (node) => {
      if (p.blocked.length === 0) return false;
      if (!blockedNodes.has(node)) blockedNodes.set(node, p.blocked.some((b) => pathIsUnder(node.path, b)));
      return blockedNodes.get(node);
    };
    const blockedBrands = new Set(p.blocked);
    const normalized = (entries, known) => {
      const out = new Map();
      let max = 0;
      for (const e of entries) {
        if (!known(e.key)) continue;
        const v = f((out.get(e.key) ?? 0) + decay(e.weight, e.at, now));
        out.set(e.key, v);
        max = Math.max(max, v);
      }
      if (max > 0) for (const [k, v] of out) out.set(k, f(v / max));
      return out;
    };
    const brandNames = (this.brandNames ??= new Set(this.items.map((i) => i.brand)));
    const attributeNames = (this.attributeNames ??= new Set(this.items.flatMap((i) => i.attributes)));
    const s = {
      nodeScore,
      brand: normalized(p.brands, (k) => brandNames.has(k)),
      attribute: normalized(p.attributes, (k) => attributeNames.has(k)),
      price: normalized(p.priceBands, (k) => /^\d+$/.test(k) && Number(k) < 64),
      related: new Map(), // item → 0..1
      relatedSrc: new Map(), // item → the recent item that lent the strongest boost
      recent: new Map(), // item → recency of its own last view / cart
      recentKind: new Map(),
      repeat: new Map(), // item → purchase count
      dismissed: new Set(),
    };
    s.muted = (item) => this.muted(item, blockedNode, blockedBrands);
    // Related to recent: newest first, fading with distance back and down the list.
    const recent = p.recent.map((r, k) => [k, r]).sort((a, b) => b[1].at - a[1].at || a[0] - b[0]);
    let recency = 1;
    for (const [, r] of recent) {
      const src = this.byId.get(r.item);
      if (src) {
        const looked = r.kind === "view" || r.kind === "search" || r.kind === "cart";
        if (looked && !s.recent.has(src)) {
          s.recent.set(src, recency);
          s.recentKind.set(src, r.kind);
        }
        if (!s.muted(src)) {
          const base = f(recency * EVENT_WEIGHT[r.kind]);
          src.related.forEach((j, pos) => {
            const add = f(base / f(1 + f(TENTH * pos)));
            const before = s.related.get(j) ?? 0;
            if (add > before) s.relatedSrc.set(j, src);
            s.related.set(j, f(before + add));
          });
        }
      }
      recency = f(recency * RECENCY_STEP);
    }
    let maxRel = 0;
    for (const v of s.related.values()) maxRel = Math.max(maxRel, v);
    if (maxRel > 0) for (const [j, v] of s.related) s.related.set(j, f(v / maxRel));
    for (const b of p.purchased) {
      const i = this.byId.get(b.item);
      if (i) s.repeat.set(i, (s.repeat.get(i) ?? 0) + b.count);
    }
    for (const d of p.dismissed) {
      const i = this.byId.get(d.item);
      if (i) s.dismissed.add(i);
    }
    return s;
  }

  signals(s, item) {
    const category = item.node ? s.nodeScore(item.node).score : 0;
    const brand = item.brand !== null ? s.brand.get(item.brand) ?? 0 : 0;
    let attribute = 0;
    for (const a of item.attributes) attribute = Math.max(attribute, s.attribute.get(a) ?? 0);
    const price = item.band !== null ? s.price.get(String(item.band)) ?? 0 : 0;
    const n = s.repeat.get(item) ?? 0;
    const repeat = n === 0 ? 0 : f(f(0.5 + f(f(0.5 * (Math.min(n, 4) - 1)) / 3)) * item.repurchase);
    return {
      category: f(f(W.category * category) * f(0.5 + f(0.5 * item.prior))),
      brand: f(W.brand * brand),
      attribute: f(W.attribute * attribute),
      price: f(W.price * price),
      related: f(W.related * (s.related.get(item) ?? 0)),
      recent: f(W.recent * (s.recent.get(item) ?? 0)),
      repeat: f(W.repeat * repeat),
    };
  }

  reasons(s, item, sig) {
    const cands = [
      [sig.related, 0], [sig.repeat, 1], [sig.recent, 2], [sig.category, 3],
      [sig.brand, 4], [sig.attribute, 5], [sig.price, 6],
    ].filter(([v]) => v >= REASON_MIN);
    // Reasons about specific items (kinds 0–2) first, then by contribution.
    cands.sort((a, b) => (a[1] > 2) - (b[1] > 2) || b[0] - a[0] || a[1] - b[1]);
    const out = [];
    for (const [, kind] of cands) {
      if (out.length === 2) break;
      let reason = null;
      if (kind === 0) {
        const src = s.relatedSrc.get(item);
        const r = this.profile.recent.find((x) => this.byId.get(x.item) === src);
        if (r) reason = `Because you ${r.kind === "purchase" ? "bought" : r.kind === "cart" ? "added" : "viewed"} ${src.title}`;
      } else if (kind === 1) {
        reason = s.repeat.get(item) > 1 ? "You have bought this more than once" : "You bought this before";
      } else if (kind === 2) {
        reason = s.recentKind.get(item) === "cart" ? "In your basket lately" : "You looked at this lately";
      } else if (kind === 3) {
        const best = s.nodeScore(item.node).best;
        if (best) reason = `You often look at ${categoryLabel(best.path)}`;
      } else if (kind === 4) {
        if (item.brand !== null) reason = `You often choose ${item.brand}`;
      } else if (kind === 5) {
        let best = null;
        let bestV = -Infinity;
        for (const a of item.attributes) {
          const v = s.attribute.get(a) ?? 0;
          if (v >= bestV) [best, bestV] = [a, v]; // the last of equals, as Rust's max_by
        }
        if (best !== null) {
          const cut = best.indexOf("=");
          const [k, v] = cut < 0 ? [null, best] : [best.slice(0, cut), best.slice(cut + 1)];
          reason = k === "tag" || k === null ? `You often choose ${v}` : `You often choose ${k}: ${v}`;
        }
      } else {
        reason = "In your usual price range";
      }
      if (reason !== null && !out.some((o) => asciiLower(o) === asciiLower(reason))) out.push(reason);
    }
    return out;
  }
}

function total(s) {
  return f(f(f(f(f(f(s.category + s.brand) + s.attribute) + s.price) + s.related) + s.recent) + s.repeat);
}

/** Rust orders String keys by their UTF-8 bytes; JS's default sort uses UTF-16 units. */
function compareUtf8(a, b) {
  if (a === b) return 0;
  const ea = encoder.encode(a);
  const eb = encoder.encode(b);
  for (let i = 0; i < Math.min(ea.length, eb.length); i++) if (ea[i] !== eb[i]) return ea[i] - eb[i];
  return ea.length - eb.length;
}
