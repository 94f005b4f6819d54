// The unpacked npm tarball used without a bundler: a plain <script type="module"> imports
// the package's index.js by URL, and the glue finds its wasm next to itself. Also: bad
// input gets an Error naming the field, and a bad call never costs the stored profile.
import { test, expect } from "@playwright/test";
import { join } from "node:path";
import { here, freshDir, packPackage, unpack, serve, watchPage } from "./helpers.mjs";
import { readSmoke, expectSmoke } from "./smoke-expect.mjs";

test.describe.configure({ mode: "serial" });

const blank = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>blank</title></head><body></body></html>`;
const smokePage = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Tailor without a bundler</title></head>
  <body>
    <p id="state">running…</p>
    <ol id="ranking"></ol>
    <pre id="result"></pre>
    <script type="module">
      import { Tailor } from "/package/index.js";
      import { runSmoke } from "/app/smoke.js";
      runSmoke(Tailor, { shop: "plain-smoke" });
    </script>
  </body>
</html>`;

let tmp, server;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  tmp = freshDir("plain");
  const { tarball } = await packPackage(join(tmp.dir, "tarball"));
  const pkg = await unpack(tarball, join(tmp.dir, "unpacked"));
  server = await serve({
    mounts: { "/package/": pkg, "/app/": join(here, "vite-app") },
    files: { "/": smokePage, "/blank": blank },
  });
});

test.afterAll(async () => {
  await server?.close();
  tmp?.remove();
});

test("a plain <script type=module> imports index.js from the tarball and personalizes", async ({ page }) => {
  const watch = watchPage(page);
  const wasm = [];
  page.on("response", (r) => { if (r.url().endsWith(".wasm")) wasm.push({ path: new URL(r.url()).pathname, status: r.status(), type: r.headers()["content-type"] }); });
  await page.goto(server.url + "/");
  const result = await readSmoke(page);
  expectSmoke(result);
  await expect(page.locator("#ranking li").first()).toHaveAttribute("data-id", result.after[0].id);
  const stored = await page.evaluate(() => Object.keys(localStorage).sort());
  expect(stored).toEqual(["tailor.v1.plain-smoke.consent", "tailor.v1.plain-smoke.profile"]);
  expect(wasm).toEqual([{ path: "/package/tailor_core_bg.wasm", status: 200, type: "application/wasm" }]);
  expect(watch.problems).toEqual([]);
});

/** Opens Tailor in the page with a small catalogue, consent and one view; then runs `probe`. */
async function withTailor(page, probe) {
  await page.goto(server.url + "/blank");
  return page.evaluate(async (probeSource) => {
    const { Tailor } = await import("/package/index.js");
    const tailor = await Tailor.open({ shop: "errors", policyVersion: "2026-11" });
    tailor.loadCatalogue([
      { id: "sku-1", title: "Trail Runner 2", category: "shoes/running", brand: "Acme", popularity: 1 },
      { id: "sku-2", title: "Rain Jacket", category: "outdoor/jackets", brand: "Zed", popularity: 9 },
    ]);
    tailor.consent.set({ personalization: true });
    tailor.track({ type: "view", item: "sku-1" });
    /** What a call threw (awaiting it, so rejections count too), or that it did not. */
    const caught = async (f) => {
      try {
        const value = await f();
        return { threw: false, value: JSON.stringify(value) };
      } catch (e) {
        return { threw: true, isError: e instanceof Error, message: String(e?.message ?? e) };
      }
    };
    // eslint-disable-next-line no-new-func
    return new Function("Tailor", "tailor", "caught", `return (${probeSource})()`)(Tailor, tailor, caught);
  }, probe.toString());
}

test("bad input throws an Error whose message names the field; the stored profile survives", async ({ page }) => {
  const watch = watchPage(page);
  const r = await withTailor(page, async () => {
    const key = "tailor.v1.errors.profile";
    const profileBefore = localStorage.getItem(key);
    const rankBefore = tailor.rank().map((x) => x.id);
    const errors = {
      eventType: await caught(() => tailor.track({ type: "like", item: "x" })),
      eventItem: await caught(() => tailor.track({ type: "view" })),
      searchQuery: await caught(() => tailor.track({ type: "search", item: "sku-1" })),
      price: await caught(() => tailor.loadCatalogue([{ id: "a", price: "cheap" }])),
      limit: await caught(() => tailor.rank({ limit: "5" })),
      consentValue: await caught(() => tailor.consent.set({ personalization: "yes" })),
      source: await caught(() => tailor.consent.set({ analytics: true }, { source: "cookie-banner" })),
      policyVersion: await caught(() => Tailor.open({ shop: "x" })),
      shop: await caught(() => Tailor.open({ shop: "no spaces", policyVersion: "2026-11" })),
      consentExpiryDays: await caught(() => Tailor.open({ shop: "x", policyVersion: "2026-11", consentExpiryDays: 0 })),
      clock: await caught(() => Tailor.open({ shop: "x", policyVersion: "2026-11", clock: 5 })),
    };
    return {
      errors,
      profileBefore,
      profileAfter: localStorage.getItem(key),
      rankBefore,
      rankAfter: tailor.rank().map((x) => x.id),
      status: tailor.status,
      consent: tailor.consent.get(),
    };
  });
  const expected = {
    eventType: /^type: /,
    eventItem: /^item: /,
    searchQuery: /^query: /,
    price: /^items\[0\]\.price: /,
    limit: /^(request\.)?limit: /,
    consentValue: /^(\w+\.)?personalization: /,
    source: /^source: /,
    policyVersion: /^policyVersion: /,
    shop: /^shop: /,
    consentExpiryDays: /^consentExpiryDays: /,
    clock: /^clock: /,
  };
  for (const [name, pattern] of Object.entries(expected)) {
    const e = r.errors[name];
    expect(e, `${name}: ${JSON.stringify(e)}`).toMatchObject({ threw: true, isError: true });
    expect(e.message, name).toMatch(pattern);
  }
  // None of it cost the shopper anything.
  expect(r.profileBefore).toBeTruthy();
  expect(r.profileAfter).toBe(r.profileBefore);
  expect(r.rankAfter).toEqual(r.rankBefore);
  expect(r.rankAfter[0]).toBe("sku-1");
  expect(r.consent.personalization).toBe(true);
  expect(r.status.storage).toBe("local");
  expect(watch.problems).toEqual([]);
});

// Misspellings must not pass silently: serde-wasm-bindgen reads only the fields a struct
// names (so #[serde(deny_unknown_fields)] alone never fires); a misspelt withdrawal taken
// as a no-op would break "withdrawal is as easy as granting".
test("a misspelled option, purpose, event or request field is rejected, naming it", async ({ page }) => {
  const r = await withTailor(page, async () => ({
    option: await caught(() => Tailor.open({ shop: "x", policyVersion: "2026-11", consentExpiryDay: 30 })),
    purpose: await caught(() => tailor.consent.set({ personalisation: false })),
    event: await caught(() => tailor.track({ type: "view", item: "sku-1", qty: 2 })),
    request: await caught(() => tailor.rank({ limt: 1 })),
    personalization: tailor.consent.get().personalization,
  }));
  expect(r.personalization).toBe(true);
  expect(r.option).toMatchObject({ threw: true, isError: true, message: expect.stringMatching(/^(options\.)?consentExpiryDay: /) });
  expect(r.purpose).toMatchObject({ threw: true, isError: true, message: expect.stringMatching(/^(consent\.)?personalisation: /) });
  expect(r.event).toMatchObject({ threw: true, isError: true, message: expect.stringMatching(/^(event\.)?qty: /) });
  expect(r.request).toMatchObject({ threw: true, isError: true, message: expect.stringMatching(/^(request\.)?limt: /) });
});

test("type errors read as words, without a nested \"Error: \" from the JS error's toString", async ({ page }) => {
  const r = await withTailor(page, async () => ({
    price: await caught(() => tailor.loadCatalogue([{ id: "a", price: "cheap" }])),
    limit: await caught(() => tailor.rank({ limit: "5" })),
    consent: await caught(() => tailor.consent.set({ analytics: 1 })),
  }));
  for (const e of [r.price, r.limit, r.consent]) {
    expect(e.threw).toBe(true);
    expect(e.message).not.toMatch(/Error: /);
    expect(e.message).toMatch(/^[\w.[\]]+: \S/);
  }
});

// loadCatalogue's packed fast path (index.js packCatalogue → src/web/packed.rs) must load
// exactly what the plain reader (src/de.rs) loads. An inherited enumerable field makes
// the JS layer fall back to the plain reader (which ignores it), so the same items load
// once by each path; summaries and rankings must agree.
test("the packed fast path of loadCatalogue loads what the plain reader loads", async ({ page }) => {
  const r = await withTailor(page, async () => {
    const items = [
      { id: "sku-1", title: "Trail Runner 2", category: "shoes/running", brand: "Acme", popularity: 1, price: 89.5, tags: ["trail", ""], attributes: { colour: "grey", 10: "x", "": "" }, inStock: false, related: ["sku-2", "nope"] },
      { id: "sku-2", title: "Régenjacke 🌧 \ud800", category: " outdoor / jackets/", brand: null, popularity: 9, price: NaN, in_stock: true, sensitive: false, repurchase: 0.4, attributes: {}, tags: [] },
      { id: "sku-3", title: "ctrl \u0001 inside", category: "shoes", price: -1, repurchase: 7 },
      { id: "sku-1", title: "repeated id" },
      { title: "no id", price: Infinity },
      { id: "", sensitive: true },
      { id: "sku-4", category: "a/".repeat(20), brand: "Acme", title: undefined, related: null },
      {},
    ];
    const plainly = items.map((item) => Object.assign(Object.create({ inherited: 1 }), item));
    const run = (list) => {
      const summary = tailor.loadCatalogue(list);
      return JSON.stringify({ summary, rank: tailor.rank({ limit: 10 }), status: tailor.status.catalogue ?? null });
    };
    const noControl = items.filter((item) => !String(item.title).includes("\u0001"));
    return { packed: run(items), plain: run(plainly), packedNoControl: run(noControl), plainNoControl: run(noControl.map((item) => Object.assign(Object.create({ inherited: 1 }), item))) };
  });
  expect(r.packed).toBe(r.plain);
  expect(r.packedNoControl).toBe(r.plainNoControl);
  expect(JSON.parse(r.packed).summary.loaded).toBe(4);
});

// loadCatalogue of the server's JSON payload itself (bytes as fetched, an ArrayBuffer, the
// text) reads it in one pass in the wasm (src/core/catalogue_json.rs): it must load exactly
// what JSON.parse followed by loadCatalogue(array) loads, and refuse what is not JSON with
// its place, keeping the catalogue loaded before.
test("loadCatalogue of the JSON payload loads what the parsed array loads, and keeps the old catalogue on an error", async ({ page }) => {
  const r = await withTailor(page, async () => {
    const payload = JSON.stringify([
      { id: "sku-1", title: "Trail Runner 2", category: "shoes/running", brand: "Acme", popularity: 1, price: 89.5, tags: ["trail", ""], attributes: { colour: "grey", 10: "x", "": "" }, inStock: false, related: ["sku-2", "nope"], image: { src: "/a.jpg", sizes: [1, 2] } },
      { id: " sku-2 ", title: "Régenjacke 🌧 \"quoted\"\n\u0001", category: " outdoor / jackets/", brand: null, popularity: 9.000000000000002, price: 0.1, in_stock: true, repurchase: 0.4, attributes: {}, tags: [] },
      { id: "sku-3", category: "shoes", price: -1, repurchase: 7, popularity: 1e21 },
      { id: "sku-1", title: "repeated id" },
      { title: "no id" },
      { id: "sku-4", category: "a/".repeat(20), brand: "Acme", related: null, popularity: 123456.78901234567 },
    ]);
    const run = (input) => {
      const summary = tailor.loadCatalogue(input);
      return JSON.stringify({ summary, rank: tailor.rank({ limit: 10 }), order: Array.from(tailor.rankOrder()), status: tailor.status.catalogue ?? null });
    };
    const bytes = new TextEncoder().encode(payload);
    const results = {
      array: run(JSON.parse(payload)),
      bytes: run(bytes),
      buffer: run(bytes.buffer.slice(0)),
      text: run(payload),
      // A view into a larger buffer: only its own bytes are read.
      view: run(new Uint8Array([32, ...bytes, 32, 88]).subarray(1, bytes.length + 2)),
    };
    tailor.loadCatalogue(JSON.parse(payload));
    const before = tailor.rank().map((x) => x.id);
    const errors = {
      syntax: await caught(() => tailor.loadCatalogue('[{"id": "a"},\n {"id": "b" "title": "x"}]')),
      type: await caught(() => tailor.loadCatalogue('[{"id": "a"}, {"id": "b", "price": "cheap"}]')),
      notArray: await caught(() => tailor.loadCatalogue('{"items": []}')),
    };
    return { results, errors, kept: JSON.stringify(tailor.rank().map((x) => x.id)) === JSON.stringify(before) };
  });
  for (const way of ["bytes", "buffer", "text", "view"]) expect(r.results[way], way).toBe(r.results.array);
  expect(JSON.parse(r.results.array).summary.loaded).toBe(4);
  expect(r.errors.syntax).toMatchObject({ threw: true, isError: true, message: "items: not JSON at line 2, column 13: expected ',' or '}'" });
  expect(r.errors.type).toMatchObject({ threw: true, isError: true, message: 'items[1].price: expected a number, got the string "cheap"' });
  expect(r.errors.notArray).toMatchObject({ threw: true, isError: true, message: "items: expected an array of catalogue items, got an object" });
  expect(r.kept).toBe(true);
});

// rankOrder: rank's order, compact (positions in the array given to loadCatalogue).
test("rankOrder gives rank's order as positions in the loaded array, in a Uint32Array", async ({ page }) => {
  const r = await withTailor(page, async () => {
    const items = [{ title: "no id" }];
    for (let i = 0; i < 40; i++) items.push({ id: `p${i}`, title: `P ${i}`, category: i % 2 ? "shoes/running" : "outdoor/jackets", popularity: 40 - i });
    tailor.loadCatalogue(items);
    for (const id of ["p7", "p9", "p31"]) tailor.track({ type: "view", item: id });
    const order = tailor.rankOrder();
    const top = tailor.rankOrder({ items: ["p3", "p9", "p20"], limit: 2 });
    return {
      typed: order instanceof Uint32Array,
      ids: Array.from(order, (k) => items[k].id),
      rank: tailor.rank().map((x) => x.id),
      top: Array.from(top, (k) => items[k].id),
      rankTop: tailor.rank({ items: ["p3", "p9", "p20"], limit: 2 }).map((x) => x.id),
      server: Array.from(items.slice(1), (x) => x.id),
      rules: await caught(() => tailor.rankOrder({ rules: [] })),
      unknown: await caught(() => tailor.rankOrder({ items: ["p1", "zz"] })),
    };
  });
  expect(r.typed).toBe(true);
  expect(r.ids).toEqual(r.rank);
  expect(r.ids).not.toEqual(r.server);
  expect(r.top).toEqual(r.rankTop);
  expect(r.rules).toMatchObject({ threw: true, isError: true });
  expect(r.rules.message).toMatch(/^request\.rules: unknown field/);
  expect(r.unknown.message).toMatch(/^items\[1\]: "zz" is not in the loaded catalogue/);
});

// A string where a list or a map is expected is explained in JS terms, not as the engine's TypeError.
test("a string where a list or map is expected is explained, not a leaked TypeError", async ({ page }) => {
  const r = await withTailor(page, async () => ({
    related: await caught(() => tailor.loadCatalogue([{ id: "a", related: "sku-2" }])),
    tags: await caught(() => tailor.loadCatalogue([{ id: "a", tags: "wool" }])),
    attributes: await caught(() => tailor.loadCatalogue([{ id: "a", attributes: "grey" }])),
    items: await caught(() => tailor.rank({ items: "sku-1" })),
    categories: await caught(() => Tailor.open({ shop: "x", policyVersion: "2026-11", sensitive: { categories: "meat/pork" } })),
  }));
  const expected = {
    related: /^items\[0\]\.related: /,
    tags: /^items\[0\]\.tags: /,
    attributes: /^items\[0\]\.attributes: /,
    items: /^(request\.)?items: /,
    categories: /^(options\.)?sensitive\.categories: /,
  };
  for (const [name, pattern] of Object.entries(expected)) {
    expect(r[name], name).toMatchObject({ threw: true, isError: true });
    expect(r[name].message, name).toMatch(pattern);
    expect(r[name].message, name).not.toMatch(/TypeError|Reflect\.get/);
    expect(r[name].message, name).toMatch(/expected a list/);
  }
});

// The `reports` declaration is checked as a whole before anything opens: every mistake
// names its place, from the JS reader (types, unknown fields) or the core (values).
test("a bad reports declaration names the field at fault", async ({ page }) => {
  const r = await withTailor(page, async () => {
    const open = (reports) => caught(() => Tailor.open({ shop: "x", policyVersion: "2026-11", reports }));
    const kind = { name: "interest", measure: "topCategory", buckets: ["Produce", "Dairy"] };
    return {
      endpoint: await open({ kinds: [kind] }),
      kindsType: await open({ endpoint: "/r", kinds: kind }),
      unknown: await open({ endpoint: "/r", kinds: [{ ...kind, bucket: ["Produce"] }] }),
      measure: await open({ endpoint: "/r", kinds: [{ ...kind, measure: "favourites" }] }),
      epsilon: await open({ endpoint: "/r", kinds: [{ ...kind, epsilon: 3 }] }),
      epsilonType: await open({ endpoint: "/r", kinds: [{ ...kind, epsilon: "1" }] }),
      bounds: await open({ endpoint: "/r", kinds: [{ name: "basket", measure: "basketSize", bounds: [1, 10, 5] }] }),
      sensitiveBucket: await caught(() => Tailor.open({ shop: "x", policyVersion: "2026-11", sensitive: { categories: ["Dairy"] }, reports: { endpoint: "/r", kinds: [kind] } })),
      cap: await open({ endpoint: "/r", kinds: [kind], maxEpsilonPerPeriod: 0.5 }),
    };
  });
  const expected = {
    endpoint: /^reports\.endpoint: missing or not a URL/,
    kindsType: /^options\.reports\.kinds: expected a list/,
    unknown: /^options\.reports\.kinds\[0\]\.bucket: /,
    measure: /^reports\.kinds\[0\]\.measure: "favourites" is not a measure; expected one of topCategory/,
    epsilon: /^reports\.kinds\[0\]\.epsilon: .*at most 1$/,
    epsilonType: /^options\.reports\.kinds\[0\]\.epsilon: expected a number/,
    bounds: /^reports\.kinds\[0\]\.bounds\[2\]: 5 is not a whole number/,
    sensitiveBucket: /^reports\.kinds\[0\]\.buckets\[1\]: "Dairy" is a sensitive category/,
    cap: /^reports\.maxEpsilonPerReport: is above maxEpsilonPerPeriod/,
  };
  for (const [name, pattern] of Object.entries(expected)) {
    expect(r[name], name).toMatchObject({ threw: true, isError: true });
    expect(r[name].message, name).toMatch(pattern);
  }
});
