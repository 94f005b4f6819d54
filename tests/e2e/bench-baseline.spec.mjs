// The benchmark's pure-JS baseline (bench/baseline-ranker.mjs) must rank like Tailor, or
// the benchmark's ratios compare different work. A cheap check in the normal test run, on
// the demo catalogue (3,000 real products): the same events through both `track`s, then
// the same order (and match %, reasons) from both `rank`s. A change to Tailor's scoring
// that the baseline does not follow fails here. (Timings are never asserted: see
// scripts/bench.sh.)
import { readFileSync } from "node:fs";
import { test, expect, catalogue } from "./fixture.mjs";

const baselineSource = readFileSync(new URL("../../bench/baseline-ranker.mjs", import.meta.url), "utf8");

test("the benchmark's JS baseline ranks the demo catalogue exactly as Tailor does", async ({ page }) => {
  await page.route("**/bench/baseline-ranker.mjs", (r) => r.fulfill({ body: baselineSource, contentType: "text/javascript" }));
  await page.route("**/bench-check.html", (r) =>
    r.fulfill({ body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>baseline check</title></head><body></body></html>`, contentType: "text/html" }),
  );
  await page.goto("/bench-check.html");
  const result = await page.evaluate(async (items) => {
    const { Tailor } = await import("/pkg/index.js");
    const { BaselineRanker } = await import("/bench/baseline-ranker.mjs");
    const clock = Date.UTC(2026, 10, 24, 12);
    localStorage.clear();
    const tailor = await Tailor.open({ shop: "baseline-check", policyVersion: "1", clock: () => clock });
    tailor.consent.set({ personalization: true });
    tailor.loadCatalogue(items);
    const js = new BaselineRanker({ shop: "baseline-check" });
    js.loadCatalogue(items);

    // Every kind of event, quantities, old and new; then enough to fill every cap of the profile.
    let seed = 12345;
    const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const events = [];
    const kinds = ["view", "view", "view", "search", "cart", "purchase", "dismiss"];
    for (let k = 0; k < 3000; k++) {
      const type = kinds[Math.floor(next() * kinds.length)];
      const item = items[Math.floor(next() ** 2 * items.length)].id;
      const e = { type, item, at: clock - (3000 - k) * 600_000 };
      if (type === "search") e.query = "something";
      if (type === "cart" || type === "purchase") e.quantity = 1 + Math.floor(next() * 4);
      events.push(e);
    }
    const outcomes = new Set();
    for (const e of events) {
      outcomes.add(tailor.track(e));
      js.track(e, clock);
    }
    const f32 = new Float32Array(1);
    const i32 = new Int32Array(f32.buffer);
    const bits = (x) => ((f32[0] = x), i32[0]);
    const compare = (request, top) => {
      const a = tailor.rank(request).slice(0, top);
      const b = js.rank(request, clock).slice(0, top);
      const differ = [];
      a.forEach((x, k) => {
        const y = b[k];
        const same = x.id === y?.id && x.match === y.match && JSON.stringify(x.reasons) === JSON.stringify(y.reasons) && Math.abs(bits(x.score) - bits(y.score)) <= 2;
        if (!same) differ.push({ position: k, tailor: x, js: y });
      });
      return { n: a.length, nJs: b.length, differ: differ.slice(0, 3), count: differ.length };
    };
    const page = items.slice(200, 700).map((i) => i.id);
    // rankOrder against the baseline's order(): every position of the whole catalogue.
    const orderDiffers = (request) => {
      const a = tailor.rankOrder(request);
      const b = js.order(request, clock);
      let count = a.length === b.length ? 0 : 1;
      for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) count++;
      return { n: a.length, count };
    };
    return {
      order: orderDiffers({}),
      orderPage: orderDiffers({ items: page, limit: 48 }),
      outcomes: [...outcomes].sort(),
      all: compare({}, 500),
      page: compare({ items: page, limit: 48 }, 48),
      pageFull: compare({ items: page }, 500),
    };
  }, catalogue);

  expect(result.outcomes).toEqual(["recorded"]);
  expect(result.order).toEqual({ n: catalogue.length, count: 0 });
  expect(result.orderPage).toEqual({ n: 48, count: 0 });
  for (const key of ["all", "page", "pageFull"]) {
    expect(result[key].n).toBeGreaterThan(40);
    expect(result[key].nJs).toBe(result[key].n);
    expect(result[key], `${key}: Tailor and the baseline differ`).toMatchObject({ count: 0 });
  }
});
