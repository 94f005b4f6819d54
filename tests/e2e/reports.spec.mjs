// The demo shop's reports end to end: every request of a whole shopping session is
// watched. Before the shopper grants "analytics" nothing profile-derived leaves (only
// GETs of the shop's static files, with no query and no body); after it, only POSTs of
// the declared report format to the declared endpoint, the bytes `reports.preview()`
// showed, at most once per kind per week. The collector (scripts/serve.mjs) writes them
// to a file, and the native decoder reads that file.
// Run: npx playwright test tests/e2e/reports.spec.mjs (the package must be built into pkg/).
import { test, expect, card, viewItem, openPanel, closePanel, openShop, gridIds } from "./fixture.mjs";
import { readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const REPORTS_FILE = process.env.TAILOR_REPORTS_FILE;
const REQUEST_LOG = process.env.TAILOR_REQUEST_LOG;
const DECLARED = JSON.parse(readFileSync(new URL("../../www/reports.json", import.meta.url), "utf8"));
const STATIC_FILES = ["/", "/shop.js", "/shop.css", "/reports.json", "/pkg/index.js", "/pkg/widget.js", "/pkg/tailor_core.js", "/pkg/tailor_core_bg.wasm", "/data/catalogue.json", "/data/offers.json"];
const DAY = 86_400_000;
// Tuesday 2026-11-24, 10:00 UTC: its week starts Monday the 23rd.
const TUESDAY = Date.UTC(2026, 10, 24, 10);

test.use({ actionTimeout: 10_000 });

/** Every request of the context, with what it carries. */
function watchRequests(context) {
  const seen = [];
  context.on("request", (r) => seen.push({ method: r.method(), url: new URL(r.url()), body: r.postData() ?? "" }));
  return seen;
}

/** Nothing but GETs of the shop's own static files: no query, no fragment sent, no body. */
function expectOnlyStatic(requests) {
  for (const r of requests) {
    expect(r.method, r.url.href).toBe("GET");
    expect(r.url.search, r.url.href).toBe("");
    expect(r.body, r.url.href).toBe("");
    expect(STATIC_FILES, r.url.href).toContain(r.url.pathname);
  }
}

/** A report line in the declared wire format, of a declared kind: its parsed form. */
function expectReport(line) {
  const r = JSON.parse(line);
  const kind = DECLARED.kinds.find((k) => k.name === r.kind);
  expect(kind, `a declared kind: ${line}`).toBeTruthy();
  const extra = { grr: ["value"], oue: ["bits"], olh: ["a", "b", "g", "value"] }[r.mechanism];
  expect(Object.keys(r)).toEqual(["v", "shop", "kind", "period", "mechanism", "epsilon", "domain", ...extra]);
  expect(r.v).toBe(1);
  expect(r.shop).toBe("tailor-demo");
  expect(r.epsilon).toBe(kind.epsilon);
  expect(r.period).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  expect(new Date(`${r.period}T00:00:00Z`).getUTCDay(), "a week's Monday").toBe(1);
  if (r.mechanism === "grr") expect(r.value).toBeLessThan(r.domain);
  return r;
}

const collected = () => readFileSync(REPORTS_FILE, "utf8").split("\n").filter(Boolean);

/** Every request the server received since the test began: { method, url, length }. */
const serverSaw = () => readFileSync(REQUEST_LOG, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));

/** The server's view: GETs of static files without query or body, POSTs only of reports. */
function expectServerSawOnly(entries, { posts }) {
  for (const e of entries) {
    const url = new URL(e.url, "http://localhost");
    if (e.method === "POST") {
      expect(url.pathname + url.search, e.url).toBe(DECLARED.endpoint);
      continue;
    }
    expect(e.method, e.url).toBe("GET");
    expect(url.search, e.url).toBe("");
    expect(e.length, e.url).toBe(0);
    expect(STATIC_FILES, e.url).toContain(url.pathname);
  }
  expect(entries.filter((e) => e.method === "POST").map((e) => e.length)).toEqual(posts.map((body) => Buffer.byteLength(body)));
}


/** Leaves the page and comes back: `pagehide` is when pending reports are sent. */
async function reload(page) {
  await page.reload();
  await page.evaluate(() => window.tailorDemo.ready);
}

const analyticsSwitch = (page) => page.getByRole("switch", { name: "Anonymous statistics", exact: true });

/** Views, a search, a basket bought, an offer used: a shopping session through the UI. */
async function shop(page) {
  const ids = (await gridIds(page)).slice(0, 4);
  for (const id of ids) await viewItem(page, id);
  await page.getByTestId("search").fill("cheese");
  await page.getByTestId("search-result").first().click();
  await page.getByTestId("detail-add").click();
  await page.getByTestId("detail-close").click();
  await card(page, ids[0]).getByTestId("add").click();
  await card(page, ids[1]).getByTestId("add").click();
  const use = page.getByTestId("offer-use").first();
  if (await use.count()) await use.click();
  await page.getByTestId("basket-button").click();
  await page.getByTestId("buy").click();
  await expect(page.getByTestId("thanks")).toBeVisible();
  await page.getByTestId("basket-close").click();
}

test.beforeEach(() => {
  expect(REPORTS_FILE && REQUEST_LOG, "playwright.config.mjs points the collector and the request log at files").toBeTruthy();
  writeFileSync(REPORTS_FILE, "");
  writeFileSync(REQUEST_LOG, "");
});

test("a whole session: nothing profile-derived leaves before analytics; after it, only the declared reports, as previewed, once a week", async ({ page, context }) => {
  await page.clock.setFixedTime(TUESDAY);
  const requests = watchRequests(context);
  await openShop(page);
  await page.getByTestId("consent-allow").click(); // personalization only
  await shop(page);
  await reload(page);
  await shop(page);
  const known = await page.evaluate(() => window.tailorDemo.tailor.profile.describe());
  expect(known.interests.length, "the profile is not empty").toBeGreaterThan(0);
  expect(await page.evaluate(() => window.tailorDemo.tailor.reports.preview().body)).toBe("");
  await reload(page);
  expectOnlyStatic(requests);
  expectServerSawOnly(serverSaw(), { posts: [] });
  expect(collected()).toEqual([]);

  // The shopper switches anonymous statistics on: this week's interest report is made,
  // shown byte for byte in the widget, and sent when the page is left.
  await openPanel(page);
  await analyticsSwitch(page).click();
  const pre = page.getByTestId("consent-preview");
  await expect(pre).toBeVisible();
  const previewed = await pre.textContent();
  expect(previewed).toBe(await page.evaluate(() => window.tailorDemo.tailor.reports.preview().body));
  const [interest] = previewed.split("\n").map(expectReport);
  expect(interest).toMatchObject({ kind: "interest", period: "2026-11-23", mechanism: "grr", domain: 9 });
  await closePanel(page);
  // Leaving the page sends it (a beacon on pagehide: the server sees it, the page's own
  // request events do not).
  await reload(page);
  await expect.poll(collected).toEqual([previewed]);
  expectServerSawOnly(serverSaw(), { posts: [previewed] });
  expectOnlyStatic(requests);

  // More shopping this week sends nothing more: one report per kind per week.
  await shop(page);
  await reload(page);
  await reload(page);
  expectServerSawOnly(serverSaw(), { posts: [previewed] });

  // A week later: the interest of this week, and last week's counts (basket size, a
  // click on a personalized slot, the offer group used) within the budget of 2.
  await page.clock.setFixedTime(TUESDAY + 7 * DAY);
  await reload(page);
  const next = await page.evaluate(() => window.tailorDemo.tailor.reports.preview());
  expect(next.budget).toEqual({ period: "2026-11-30", spent: "2", cap: "2" });
  const lines = next.body.split("\n");
  const reports = lines.map(expectReport);
  expect(reports.map((r) => [r.kind, r.period])).toEqual([
    ["interest", "2026-11-30"],
    ["basket", "2026-11-23"],
    ["clicked", "2026-11-23"],
    ["deals", "2026-11-23"],
  ]);
  // Sent from the live page this time, so the page's request events see the bytes too.
  expect(await page.evaluate(() => window.tailorDemo.tailor.reports.flush())).toEqual({ sent: 4, via: "beacon", dap: 0 });
  await expect.poll(() => collected().length).toBe(5);
  expect(collected().slice(1)).toEqual(lines);
  const posts = requests.filter((r) => r.method === "POST");
  expect(posts.map((r) => [r.url.pathname, r.body])).toEqual([[DECLARED.endpoint, next.body]]);
  expect(await page.evaluate(() => window.tailorDemo.tailor.reports.preview().body)).toBe("");
  await reload(page);

  // The whole session, as the page and as the server saw it: static GETs, and POSTs of
  // the previewed reports to the declared endpoint, nothing else.
  expectOnlyStatic(requests.filter((r) => r.method !== "POST"));
  expectServerSawOnly(serverSaw(), { posts: [previewed, next.body] });

  // The shop decodes what its collector got.
  const out = execFileSync("cargo", ["run", "--quiet", "--bin", "tailor-reports", "--", "decode", REPORTS_FILE, "--config", "www/reports.json", "--min-reports", "1", "--json"], { cwd: ROOT, encoding: "utf8" });
  const decoded = JSON.parse(out);
  const streams = decoded.streams.map((st) => [st.kind, st.period, st.n, st.buckets.length]);
  expect(streams.sort()).toEqual([
    ["basket", "2026-11-23", 1, 5],
    ["clicked", "2026-11-23", 1, 2],
    ["deals", "2026-11-23", 1, 8],
    ["interest", "2026-11-23", 1, 9],
    ["interest", "2026-11-30", 1, 9],
  ]);
  expect(decoded.streams.find((st) => st.kind === "interest").buckets.map((b) => b.label)).toEqual([...DECLARED.kinds[0].buckets, "other"]);
});

test("withdrawing analytics drops the pending reports: nothing is sent", async ({ page, context }) => {
  await page.clock.setFixedTime(TUESDAY);
  const requests = watchRequests(context);
  await openShop(page);
  await page.getByTestId("consent-allow").click();
  await viewItem(page, (await gridIds(page))[0]);
  await openPanel(page);
  await analyticsSwitch(page).click();
  await expect(page.getByTestId("consent-preview")).toBeVisible();
  await analyticsSwitch(page).click();
  await expect(page.getByTestId("consent-preview")).toHaveCount(0);
  await closePanel(page);
  expect(await page.evaluate(() => window.tailorDemo.tailor.reports.flush())).toEqual({ sent: 0, via: null, dap: 0 });
  await reload(page);
  await reload(page);
  expectOnlyStatic(requests);
  expectServerSawOnly(serverSaw(), { posts: [] });
  expect(collected()).toEqual([]);
  // The counts kept for reports went with it; the week's spend stays (no personal data).
  const keys = await page.evaluate(() => Object.keys(localStorage).sort());
  expect(keys).toEqual(["budget", "consent", "offers", "profile"].map((k) => `tailor.v1.tailor-demo.${k}`));
});

test("the collector takes only the report format", async ({ request }) => {
  const bad = [
    "hello",
    JSON.stringify({ v: 1, shop: "s", kind: "k", period: "2026-11-23", mechanism: "grr", epsilon: 1, domain: 4, value: 2, user: "u-1" }),
    JSON.stringify({ v: 1, shop: "s", kind: "k", period: "2026-11-23", mechanism: "oue", epsilon: 1, domain: 4, bits: "01" }),
  ];
  for (const body of bad) {
    const res = await request.post("/tailor/reports", { data: body, headers: { "content-type": "text/plain" } });
    expect(res.status(), body).toBe(400);
  }
  expect(collected()).toEqual([]);
  const good = JSON.stringify({ v: 1, shop: "s", kind: "k", period: "2026-11-23", mechanism: "grr", epsilon: 1, domain: 4, value: 2 });
  expect((await request.post("/tailor/reports", { data: good, headers: { "content-type": "text/plain" } })).status()).toBe(204);
  expect(collected()).toEqual([good]);
});
