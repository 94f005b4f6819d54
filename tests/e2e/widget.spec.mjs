// End-to-end tests of the consent widget <tailor-consent> (www/lib/widget.js) in Chromium,
// against the real package in pkg/ and real localStorage. Options the demo shop does not
// use (another policy version, an injected clock, GPC, markup in every string) come from
// a small fixture page served on the demo's origin through `context.route`:
//   /fixtures/widget.html?policy=…&note=…&days=…&lang=…&doclang=…&attach=…&xss=1&reports=1
// Run: npx playwright test tests/e2e/widget.spec.mjs (the package must be built into pkg/).
import { test as base, expect } from "./fixture.mjs";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const SHOP = "widget-shop";
const PREFIX = `tailor.v1.${SHOP}.`;
const CONSENT_KEY = `${PREFIX}consent`;
const PROFILE_KEY = `${PREFIX}profile`;
const SENSITIVE_KEY = `${PREFIX}sensitive`;
const XSS = "<img src=x onerror=window.__xss=1>";

const ITEMS = [
  { id: "ched-1", title: "Mild Cheddar", category: "Dairy/Cheese/Cheddar", brand: "Acme Dairy", price: 4.5, popularity: 10 },
  { id: "ched-2", title: "Sharp Cheddar", category: "Dairy/Cheese/Cheddar", brand: "Acme Dairy", price: 5, popularity: 8 },
  { id: "brie-1", title: "Brie", category: "Dairy/Cheese/Soft", brand: "Laiterie", price: 6, popularity: 5 },
  { id: "milk-1", title: "Whole Milk", category: "Dairy/Milk", brand: "Acme Dairy", price: 1.2, popularity: 20 },
  { id: "bread-1", title: "Sourdough Loaf", category: "Bakery/Bread", brand: "Oven Co", price: 3.9, popularity: 15 },
  { id: "bagel-1", title: "Plain Bagels", category: "Bakery/Bagels", brand: "Oven Co", price: 2.5, popularity: 7 },
  { id: "pork-1", title: "Pork Chops", category: "Meat/Pork/Chops", brand: "Hill Farm", price: 7, popularity: 9 },
  { id: "pork-2", title: "Pork Sausages", category: "Meat/Pork/Sausage", brand: "Hill Farm", price: 5.5, popularity: 6 },
  { id: "beef-1", title: "Beef Mince", category: "Meat/Beef", brand: "Hill Farm", price: 6.5, popularity: 12 },
];
/** A shop's declared reports, for the fixture's `reports=1`. */
const REPORTS = {
  endpoint: "/fixture-reports",
  kinds: [
    { name: "interest", measure: "topCategory", buckets: ["Dairy", "Bakery", "Meat"] },
    { name: "clicked", measure: "personalizedClick", epsilon: 0.5 },
  ],
};
const EVIL_ITEMS = [
  { id: "evil-1", title: `Cheese ${XSS}`, category: `Dairy/Odd ${XSS}`, brand: `Brand ${XSS}`, price: 1, popularity: 1 },
  { id: "evil-2", title: `<b>bold</b>${XSS}`, category: `Dairy/Odd ${XSS}`, brand: `Brand ${XSS}`, price: 1, popularity: 1 },
];

/** The fixture page: the real package, the widget, a small catalogue, options from the query. */
function fixtureHtml(url) {
  const q = new URL(url).searchParams;
  const cfg = {
    shop: SHOP,
    policyVersion: q.get("policy") ?? "2026-11",
    policyNote: q.get("note"),
    days: Number(q.get("days") ?? 0),
    attach: q.get("attach") ?? "current",
    sensitive: ["Meat/Pork"],
    items: q.get("xss") ? [...ITEMS, ...EVIL_ITEMS] : ITEMS,
    reports: q.get("reports") ? REPORTS : null,
  };
  const lang = q.get("lang") ?? "en";
  // JSON inside <script>: no "<" may close the element early.
  const json = JSON.stringify(cfg).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="${q.get("doclang") ?? "en"}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Widget fixture</title><link rel="icon" href="data:,">
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f5;color:#1b2420}header{display:flex;justify-content:space-between;align-items:center;padding:8px 24px;background:#fff}main{padding:0 24px}</style>
</head>
<body>
<header><p>Fixture Grocer</p><button type="button" id="privacy" data-tailor-consent-open>Privacy</button></header>
<main><h1>Fixture shop</h1><ul id="items"></ul></main>
<tailor-consent${lang === "none" ? "" : ` lang="${lang}"`}></tailor-consent>
<script type="application/json" id="cfg">${json}</script>
<script type="module">
import { Tailor } from "/pkg/index.js";
const cfg = JSON.parse(document.getElementById("cfg").textContent);
// "event": the widget is defined first and waits for tailor:open; "current": it finds Tailor.current.
if (cfg.attach === "event") await import("/pkg/widget.js");
const options = { shop: cfg.shop, policyVersion: cfg.policyVersion, sensitive: { categories: cfg.sensitive } };
if (cfg.policyNote !== null) options.policyNote = cfg.policyNote;
if (cfg.reports) options.reports = cfg.reports;
if (cfg.days) options.clock = () => Date.now() + cfg.days * 86400000;
window.tailor = await Tailor.open(options);
window.tailor.loadCatalogue(cfg.items);
if (cfg.attach !== "event") await import("/pkg/widget.js");
for (const item of cfg.items) document.getElementById("items").append(Object.assign(document.createElement("li"), { textContent: item.title }));
window.fixtureReady = true;
</script>
</body>
</html>`;
}

// The shared fixture fails a test on console errors, uncaught exceptions and browser
// dialogs (the widget confirms inside itself); here, the fixture page is served too.
const test = base.extend({
  context: async ({ context }, use) => {
    await context.route("**/fixtures/widget.html*", (route) => route.fulfill({ contentType: "text/html; charset=utf-8", body: fixtureHtml(route.request().url()) }));
    await use(context);
  },
});

test.use({ actionTimeout: 10_000 });

// ------------------------------------------------------------------ helpers

const fixtureUrl = (params = {}) => `/fixtures/widget.html?${new URLSearchParams(params)}`;

async function openFixture(page, params = {}) {
  await page.goto(fixtureUrl(params));
  await page.waitForFunction(() => window.fixtureReady === true);
}

const storage = (page) => page.evaluate(() => Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)])));
const tailorKeys = async (page) => Object.keys(await storage(page)).filter((k) => k.startsWith("tailor."));
const consent = (page) => page.evaluate(() => window.tailor.consent.get());
const describe = (page) => page.evaluate(() => window.tailor.profile.describe());
/** Tracks events through the public API (the shop's job); returns the outcomes. */
const track = (page, events) => page.evaluate((evs) => evs.map((e) => window.tailor.track(e)), events);
const views = (...ids) => ids.map((item) => ({ type: "view", item }));
/** The stored profile's bytes as text (its strings are stored as UTF-8). */
const profileBytes = (page, key = PROFILE_KEY) => page.evaluate((k) => atob(localStorage.getItem(k) ?? ""), key);

const banner = (page) => page.getByTestId("consent-banner");
const panel = (page) => page.getByTestId("consent-panel");
const allowButton = (page) => page.getByRole("button", { name: "Allow personalization" });
const denyButton = (page) => page.getByRole("button", { name: "No thanks" });
const chooseButton = (page) => page.getByRole("button", { name: "Choose…" });
const SWITCH = { personalization: "Personalization", analytics: "Anonymous statistics", sensitive: "Sensitive categories" };
const toggle = (page, purpose) => page.getByRole("switch", { name: SWITCH[purpose], exact: true });

async function openPanel(page) {
  await page.getByRole("button", { name: "Privacy", exact: true }).click();
  await expect(panel(page)).toBeVisible();
}

async function closePanel(page) {
  await page.keyboard.press("Escape");
  await expect(panel(page)).toBeHidden();
}

/** The focused element, looking into shadow roots. */
const focused = (page) =>
  page.evaluate(() => {
    let a = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    if (!a || a === document.body) return null;
    const style = getComputedStyle(a);
    return {
      text: a.textContent.trim(),
      testid: a.dataset.testid ?? null,
      role: a.getAttribute("role"),
      inWidget: a.getRootNode() !== document,
      inPanel: !!a.closest("dialog"),
      outline: `${style.outlineStyle} ${style.outlineWidth}`,
    };
  });

// ------------------------------------------------------------------ tests

test("first visit: the banner asks; after a choice nothing but the consent record is stored", async ({ page }) => {
  await openFixture(page, { attach: "event" }); // the widget came first and waited for tailor:open
  const region = page.getByRole("region", { name: "Personalize this shop for you?" });
  await expect(region).toBeVisible();
  await expect(region).toContainText("It learns only in this browser and sends nothing about you.");
  await expect(panel(page)).toBeHidden();
  expect((await consent(page)).ask).toBe("first-visit");

  // Granting and refusing are equally prominent: same size, same colours, side by side.
  const [allow, deny] = [allowButton(page), denyButton(page)];
  const [a, d] = [await allow.boundingBox(), await deny.boundingBox()];
  expect(Math.abs(a.width - d.width)).toBeLessThan(2);
  expect(a.height).toBe(d.height);
  expect(Math.abs(a.y - d.y)).toBeLessThan(2);
  const look = (l) => l.evaluate((el) => ["backgroundColor", "color", "fontWeight", "fontSize"].map((p) => getComputedStyle(el)[p]).join());
  expect(await look(allow)).toBe(await look(deny));
  await expect(chooseButton(page)).toBeVisible();

  // Nothing is stored or recorded before a choice.
  expect(await tailorKeys(page)).toEqual([]);
  expect(await track(page, views("ched-1", "pork-1"))).toEqual(["no-consent", "no-consent"]);
  expect(await tailorKeys(page)).toEqual([]);

  await deny.click();
  await expect(page.getByTestId("consent-saved")).toHaveText("Saved: personalization is off. Nothing about you is recorded.");
  await expect(page.getByTestId("consent-saved")).toBeFocused(); // focus did not fall to the page
  expect(await tailorKeys(page)).toEqual([CONSENT_KEY]);
  const state = await consent(page);
  expect(state).toMatchObject({ personalization: false, analytics: false, sensitive: false, ask: null });
  expect(state.sources.personalization).toBe("widget");
  expect(await track(page, views("ched-1", "bread-1"))).toEqual(["no-consent", "no-consent"]);
  expect(await tailorKeys(page)).toEqual([CONSENT_KEY]);

  // The choice stands: the next page does not ask again.
  await openFixture(page);
  await expect(banner(page)).toBeHidden();
  expect(await tailorKeys(page)).toEqual([CONSENT_KEY]);
});

test("granting through the banner: one click, recorded as the widget's", async ({ page }) => {
  await openFixture(page);
  await allowButton(page).click();
  await expect(page.getByTestId("consent-saved")).toHaveText(/personalization is on/);
  await expect(page.getByTestId("consent-personalization")).toBeChecked(); // in the closed panel

  const state = await consent(page);
  expect(state).toMatchObject({ personalization: true, analytics: false, sensitive: false, ask: null });
  expect(state.sources).toEqual({ personalization: "widget", analytics: null, sensitive: null });
  const log = await page.evaluate(() => window.tailor.consent.log());
  expect(log.map(({ purpose, granted, source }) => ({ purpose, granted, source }))).toEqual([{ purpose: "personalization", granted: true, source: "widget" }]);
  expect(await tailorKeys(page)).toEqual([CONSENT_KEY]); // consent alone stores no profile

  expect(await track(page, views("ched-1"))).toEqual(["recorded"]);
  expect((await tailorKeys(page)).sort()).toEqual([CONSENT_KEY, PROFILE_KEY]);

  // The banner's close button dismisses the "saved" message.
  await page.getByRole("button", { name: "Close this message" }).click();
  await expect(banner(page)).toBeHidden();
});

test("granting through the panel: the switch, with the banner's Choose…", async ({ page }) => {
  await openFixture(page);
  await chooseButton(page).click();
  await expect(panel(page)).toBeVisible();
  await expect(page.getByRole("dialog", { name: "Your privacy choices" })).toBeVisible();
  await expect(page.getByTestId("consent-close")).toBeFocused();
  for (const p of ["personalization", "analytics", "sensitive"]) await expect(toggle(page, p)).not.toBeChecked();
  await expect(toggle(page, "personalization")).toHaveAccessibleDescription(/Learned and kept only in this browser/);
  await expect(page.getByTestId("consent-analytics-why")).toBeHidden(); // no GPC here
  await expect(page.getByTestId("consent-memory")).toBeHidden(); // storage works here
  await expect(page.getByTestId("consent-knows-off")).toBeVisible();

  await toggle(page, "personalization").click();
  await expect(toggle(page, "personalization")).toBeChecked();
  await expect(toggle(page, "personalization")).toBeFocused();
  await expect(page.getByTestId("consent-status")).toHaveText("Personalization is on.");
  await expect(page.getByTestId("consent-knows-empty")).toBeVisible();
  const state = await consent(page);
  expect(state).toMatchObject({ personalization: true, analytics: false, sensitive: false, ask: null });
  expect(state.sources.personalization).toBe("widget");

  // Closing returns focus to the banner, which now says what was saved.
  await page.getByRole("button", { name: "Done" }).click();
  await expect(panel(page)).toBeHidden();
  await expect(page.getByTestId("consent-saved")).toBeFocused();
  await expect(page.getByTestId("consent-saved")).toHaveText(/personalization is on/);
});

test("withdrawing erases the profile at once, also in another tab", async ({ page, context }) => {
  await openFixture(page);
  await allowButton(page).click();
  await track(page, views("ched-1", "bread-1", "milk-1"));
  expect(await tailorKeys(page)).toContain(PROFILE_KEY);
  await openPanel(page);
  await expect(page.getByTestId("consent-knows")).toContainText("Mild Cheddar");

  const other = await context.newPage();
  await openFixture(other);
  await expect(banner(other)).toBeHidden(); // the choice holds in every tab
  expect((await describe(other)).recent.map((r) => r.id).sort()).toEqual(["bread-1", "ched-1", "milk-1"]);
  await openPanel(other);
  await expect(toggle(other, "personalization")).toBeChecked();
  await toggle(other, "personalization").click(); // one click, as granting took one
  await expect(toggle(other, "personalization")).not.toBeChecked();
  await expect(other.getByTestId("consent-knows-off")).toBeVisible();
  expect(await tailorKeys(other)).toEqual([CONSENT_KEY]);
  expect((await describe(other)).recent).toEqual([]);

  // The first tab shows it without a reload, and its profile is gone too.
  await expect(toggle(page, "personalization")).not.toBeChecked();
  await expect(page.getByTestId("consent-knows-off")).toBeVisible();
  await expect(page.getByTestId("consent-knows")).not.toContainText("Mild Cheddar");
  expect(await tailorKeys(page)).toEqual([CONSENT_KEY]);
  const known = await describe(page);
  expect(known.recent).toEqual([]);
  expect(known.interests).toEqual([]);
  expect(await track(page, views("ched-2"))).toEqual(["no-consent"]);
  expect(await tailorKeys(page)).toEqual([CONSENT_KEY]);
});

test("a new policy version asks again, shows the policy note, and earlier grants no longer count", async ({ page }) => {
  await openFixture(page, { policy: "2026-11" });
  await allowButton(page).click();
  await track(page, views("ched-1", "bread-1"));
  expect(await tailorKeys(page)).toContain(PROFILE_KEY);

  const note = "We now keep sensitive categories apart, and ask before using them.";
  await openFixture(page, { policy: "2027-03", note });
  await expect(banner(page)).toBeVisible();
  await expect(banner(page)).toContainText("Our privacy policy has changed, so we are asking again");
  await expect(page.getByTestId("consent-note")).toHaveText(`What changed: ${note}`);
  const state = await consent(page);
  expect(state).toMatchObject({ personalization: false, ask: "policy-changed", policyNote: note, policyVersion: "2027-03" });
  expect(await tailorKeys(page)).not.toContain(PROFILE_KEY);
  expect(await track(page, views("ched-1"))).toEqual(["no-consent"]);

  // The panel says so too, and its switch is off.
  await chooseButton(page).click();
  await expect(panel(page)).toContainText(note);
  await expect(toggle(page, "personalization")).not.toBeChecked();
  await expect(page.getByTestId("consent-policy")).toContainText("Policy version 2027-03");
  await closePanel(page);
  await expect(chooseButton(page)).toBeFocused();

  await allowButton(page).click();
  const log = await page.evaluate(() => window.tailor.consent.log());
  expect(log.map((e) => `${e.policyVersion} ${e.purpose} ${e.granted} ${e.source}`)).toEqual([
    "2026-11 personalization true widget",
    "2027-03 personalization true widget",
  ]);
  await expect(page.getByTestId("consent-note")).toBeHidden();
});

test("an expired choice (the clock 183 days on) asks again with personalization off", async ({ page }) => {
  await openFixture(page);
  await allowButton(page).click();
  await track(page, views("ched-1"));

  // 181 days on, the choice still holds.
  await openFixture(page, { days: 181 });
  await expect(banner(page)).toBeHidden();
  expect((await consent(page)).personalization).toBe(true);
  expect(await tailorKeys(page)).toContain(PROFILE_KEY);

  await openFixture(page, { days: 183 });
  await expect(banner(page)).toBeVisible();
  await expect(banner(page)).toContainText("You chose a while ago, so we are asking again.");
  await expect(page.getByTestId("consent-note")).toBeHidden();
  expect(await consent(page)).toMatchObject({ personalization: false, ask: "expired" });
  expect(await tailorKeys(page)).not.toContain(PROFILE_KEY);
  await chooseButton(page).click();
  await expect(toggle(page, "personalization")).not.toBeChecked();
  await expect(page.getByTestId("consent-knows-off")).toBeVisible();
});

test("Global Privacy Control: analytics stays off, the widget says why, only its own switch turns it on", async ({ page }) => {
  // Chromium sends no GPC: define the signal as a browser that does would.
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { configurable: true, get: () => true }));
  await openFixture(page);
  let state = await consent(page);
  expect(state).toMatchObject({ gpc: true, analytics: false, personalization: false, ask: "first-visit" });
  expect(state.sources.analytics).toBe("browser-signal");

  // The browser's signal is not the shopper's choice.
  await chooseButton(page).click();
  await expect(page.getByTestId("consent-policy")).toHaveText("Policy version 2026-11. You have not chosen yet.");
  await closePanel(page);

  await allowButton(page).click();
  state = await consent(page);
  expect(state).toMatchObject({ personalization: true, analytics: false });

  await openPanel(page);
  await expect(page.getByTestId("consent-policy")).toHaveText(/^Policy version 2026-11\. Your last choice: \w+ \d+, \d{4}\.$/);
  const note = page.getByTestId("consent-analytics-why");
  await expect(note).toBeVisible();
  await expect(note).toHaveText(/Your browser asked shops not to share your data \(Global Privacy Control\), so this stays off unless you switch it on here/);
  await expect(toggle(page, "analytics")).toHaveAccessibleDescription(/Global Privacy Control/);
  await expect(toggle(page, "analytics")).not.toBeChecked();

  await toggle(page, "analytics").click();
  await expect(toggle(page, "analytics")).toBeChecked();
  state = await consent(page);
  expect(state.analytics).toBe(true);
  expect(state.sources.analytics).toBe("widget");

  // The shopper's own choice outlives the signal on the next page.
  await openFixture(page);
  expect((await consent(page)).analytics).toBe(true);
});

test("sensitive purpose: recorded only with it; withdrawing it erases exactly the sensitive part", async ({ page }) => {
  await openFixture(page);
  await chooseButton(page).click();
  await expect(toggle(page, "sensitive")).toBeDisabled();
  await expect(page.getByTestId("consent-sensitive-why")).toHaveText("Available once personalization is on.");
  await toggle(page, "personalization").click();
  await expect(toggle(page, "sensitive")).toBeEnabled();
  await expect(page.getByTestId("consent-sensitive-why")).toBeHidden();
  await closePanel(page);

  expect(await track(page, views("pork-1", "beef-1"))).toEqual(["sensitive", "recorded"]);
  expect(await tailorKeys(page)).not.toContain(SENSITIVE_KEY);
  expect(await profileBytes(page)).not.toContain("pork-1");

  await openPanel(page);
  await toggle(page, "sensitive").click();
  await expect(toggle(page, "sensitive")).toBeChecked();
  expect((await consent(page)).sensitive).toBe(true);
  await closePanel(page);
  expect(await track(page, views("pork-1", "pork-2", "bread-1"))).toEqual(["recorded", "recorded", "recorded"]);
  expect((await tailorKeys(page)).sort()).toEqual([CONSENT_KEY, PROFILE_KEY, SENSITIVE_KEY]);
  const profileBefore = (await storage(page))[PROFILE_KEY];

  await openPanel(page);
  const part = page.getByTestId("consent-knows-sensitive");
  await expect(part).toBeVisible();
  await expect(part.getByRole("heading", { name: "From sensitive categories" })).toBeVisible();
  await expect(part).toContainText("Pork Chops");
  await expect(part).toContainText("Pork Sausages");
  await expect(part).not.toContainText("Beef Mince");
  // Outside its own section, nothing sensitive is shown.
  const general = await page.getByTestId("consent-knows").evaluate((el) => {
    const copy = el.cloneNode(true);
    copy.querySelector('[data-testid="consent-knows-sensitive"]')?.remove();
    return copy.textContent;
  });
  expect(general).toContain("Beef Mince");
  expect(general).not.toContain("Pork");
  const known = await describe(page);
  expect(known.sensitive.recent.map((r) => r.id).sort()).toEqual(["pork-1", "pork-2"]);
  expect(known.recent.map((r) => r.id)).not.toContain("pork-1");

  await toggle(page, "sensitive").click();
  await expect(toggle(page, "sensitive")).not.toBeChecked();
  await expect(part).toHaveCount(0);
  expect((await tailorKeys(page)).sort()).toEqual([CONSENT_KEY, PROFILE_KEY]);
  expect((await storage(page))[PROFILE_KEY], "the rest of the profile is untouched").toBe(profileBefore);
  const after = await describe(page);
  expect(after.sensitive).toBeNull();
  expect(after.recent.map((r) => r.id).sort()).toEqual(["beef-1", "bread-1"]);
  await expect(page.getByTestId("consent-knows")).toContainText("Beef Mince");
  expect(await track(page, views("pork-1"))).toEqual(["sensitive"]);
});

test("removing an interest and an item: gone from what Tailor knows and from storage; a removed topic is not learned again until allowed", async ({ page }) => {
  await openFixture(page);
  await allowButton(page).click();
  await track(page, views("ched-1", "ched-2", "brie-1", "bread-1", "milk-1"));
  expect(await profileBytes(page)).toContain("ched-1");
  await openPanel(page);
  const knows = page.getByTestId("consent-knows");
  await expect(page.getByTestId("consent-interests")).toContainText("Cheese");

  // One interest: Dairy › Cheese (and what is under it).
  await page.getByRole("button", { name: "Remove Cheese", exact: true }).click();
  await expect(page.getByTestId("consent-status")).toHaveText("Removed Cheese.");
  await expect(page.getByTestId("consent-interests")).not.toContainText("Cheese");
  expect(await focused(page)).toMatchObject({ inPanel: true, text: expect.stringMatching(/^Remove/) }); // focus stays in the list
  let known = await describe(page);
  expect(known.interests.map((i) => i.key).filter((k) => k.startsWith("Dairy/Cheese"))).toEqual([]);
  expect(known.blocked).toEqual(["Dairy/Cheese"]);
  expect(known.recent.map((r) => r.id).sort()).toEqual(["bread-1", "milk-1"]);
  let bytes = await profileBytes(page);
  for (const gone of ["ched-1", "ched-2", "brie-1", "Dairy/Cheese/", "Cheddar"]) expect(bytes).not.toContain(gone);

  // One item: Sourdough Loaf, from the recent list.
  await expect(page.getByTestId("consent-recent")).toContainText("Sourdough Loaf");
  await page.getByRole("button", { name: "Remove Sourdough Loaf" }).click();
  await expect(page.getByTestId("consent-recent")).not.toContainText("Sourdough Loaf");
  known = await describe(page);
  expect(known.recent.map((r) => r.id)).toEqual(["milk-1"]);
  bytes = await profileBytes(page);
  expect(bytes).not.toContain("bread-1");
  expect(bytes).toContain("milk-1");

  // A new page reads the same from storage.
  await openFixture(page);
  known = await describe(page);
  expect(known.recent.map((r) => r.id)).toEqual(["milk-1"]);
  expect(known.blocked).toEqual(["Dairy/Cheese"]);

  // The removed topic is not learned again…
  expect(await track(page, views("ched-1", "brie-1"))).toEqual(["blocked", "blocked"]);
  expect((await describe(page)).interests.map((i) => i.key).filter((k) => k.startsWith("Dairy/Cheese"))).toEqual([]);
  // …until the shopper allows it again.
  await openPanel(page);
  const blocked = page.getByTestId("consent-blocked");
  await expect(blocked).toContainText("Dairy › Cheese");
  await blocked.getByRole("button", { name: "Allow again Dairy › Cheese" }).click();
  await expect(blocked).toHaveCount(0);
  await expect(knows).toContainText("Whole Milk");
  expect((await describe(page)).blocked).toEqual([]);
  await closePanel(page);
  expect(await track(page, views("ched-1"))).toEqual(["recorded"]);
  expect((await describe(page)).interests.map((i) => i.key)).toContain("Dairy/Cheese");
});

test("export downloads every stored key and the consent log as JSON", async ({ page }) => {
  await openFixture(page);
  await allowButton(page).click();
  await openPanel(page);
  await toggle(page, "sensitive").click();
  await closePanel(page);
  await track(page, [...views("ched-1", "bread-1", "pork-1"), { type: "purchase", item: "milk-1", quantity: 2 }]);

  await openPanel(page);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export my data" }).click()]);
  expect(download.suggestedFilename()).toBe(`tailor-data-${SHOP}.json`);
  const text = readFileSync(await download.path(), "utf8");
  expect(text).toContain('\n  "shop"'); // pretty-printed, for people
  const data = JSON.parse(text);

  const stored = Object.fromEntries(Object.entries(await storage(page)).filter(([k]) => k.startsWith("tailor.")));
  expect(Object.keys(stored).sort()).toEqual([CONSENT_KEY, PROFILE_KEY, SENSITIVE_KEY]);
  expect(data.stored).toEqual(stored);
  expect(data.shop).toBe(SHOP);
  expect(Number.isNaN(Date.parse(data.exportedAt))).toBe(false);
  expect(data.consentLog).toEqual(await page.evaluate(() => window.tailor.consent.log()));
  expect(data.consentLog.map(({ purpose, granted, source }) => `${purpose} ${granted} ${source}`)).toEqual([
    "personalization true widget",
    "sensitive true widget",
  ]);
  expect(data.profile.recent.map((r) => r.id).sort()).toEqual(["bread-1", "ched-1", "milk-1"]);
  expect(data.profile.sensitive.recent.map((r) => r.id)).toEqual(["pork-1"]);
  await expect(page.getByTestId("consent-status")).toHaveText(`Downloaded tailor-data-${SHOP}.json.`);
});

test("what is shared: nothing without reports; with them, each kind in words and the next send byte for byte", async ({ page }) => {
  await openFixture(page);
  await allowButton(page).click();
  await openPanel(page);
  await expect(page.getByTestId("consent-sent-none")).toHaveText("Nothing. This shop has no statistics set up, so nothing about you leaves this browser.");
  await expect(page.getByTestId("consent-preview")).toHaveCount(0);
  await closePanel(page);

  await openFixture(page, { reports: 1 });
  await track(page, views("ched-1", "ched-2", "bread-1", "pork-1"));
  await openPanel(page);
  const sent = page.getByTestId("consent-sent");
  await expect(sent).toContainText("Anonymous statistics are off: nothing here is counted or sent.");
  await expect(page.getByTestId("consent-sent-kinds").getByRole("listitem")).toHaveText([
    "Which of a few departments interests you mostrandomized here before it leaves (ε 1)",
    "Whether you clicked a product Tailor placed for you last weekrandomized here before it leaves (ε 0.5)",
  ]);
  await expect(page.getByTestId("consent-preview")).toHaveCount(0);
  await toggle(page, "analytics").click();
  await expect(sent).toContainText("Anonymous statistics are on.");
  // Granting made this week's interest report: the panel shows exactly what will be sent.
  const pre = page.getByTestId("consent-preview");
  const body = await page.evaluate(() => window.tailor.reports.preview().body);
  await expect(pre).toHaveText(body);
  const report = JSON.parse(body);
  expect(Object.keys(report)).toEqual(["v", "shop", "kind", "period", "mechanism", "epsilon", "domain", "value"]);
  expect(report).toMatchObject({ v: 1, shop: SHOP, kind: "interest", mechanism: "grr", epsilon: 1, domain: 4 });
  await expect(page.getByTestId("consent-budget")).toContainText("1 of 2 used.");
  await expect(page.getByTestId("consent-sent-kinds").getByRole("listitem").first()).toContainText("done for this week");

  // Withdrawing drops it at once.
  await toggle(page, "analytics").click();
  await expect(pre).toHaveCount(0);
  expect(await page.evaluate(() => window.tailor.reports.preview().body)).toBe("");
});

test("erase everything: a confirm step inside the widget, then no Tailor key remains", async ({ page }) => {
  await openFixture(page);
  await allowButton(page).click();
  await openPanel(page);
  await toggle(page, "sensitive").click();
  await closePanel(page);
  await track(page, views("ched-1", "pork-1"));
  const before = await storage(page);
  expect(Object.keys(before).filter((k) => k.startsWith("tailor.")).sort()).toEqual([CONSENT_KEY, PROFILE_KEY, SENSITIVE_KEY]);

  await openPanel(page);
  const erase = page.getByRole("button", { name: "Erase everything" });
  await erase.click();
  const confirm = page.getByRole("group", { name: /Erase your choices and everything Tailor knows/ });
  await expect(confirm).toBeVisible();
  await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused(); // the safe choice first
  expect(await storage(page)).toEqual(before);
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toBeHidden();
  await expect(erase).toBeFocused();
  expect(await storage(page)).toEqual(before);

  await erase.click();
  await page.getByRole("button", { name: "Yes, erase everything" }).click();
  await expect(confirm).toBeHidden();
  expect(await tailorKeys(page)).toEqual([]);
  await expect(page.getByTestId("consent-status")).toHaveText("Everything Tailor kept for this shop is erased.");
  for (const p of ["personalization", "analytics", "sensitive"]) await expect(toggle(page, p)).not.toBeChecked();
  await expect(page.getByTestId("consent-knows-off")).toBeVisible();
  expect(await describe(page)).toMatchObject({ interests: [], recent: [], sensitive: null });
  await closePanel(page);
  await expect(allowButton(page)).toBeVisible(); // asked again, as on a first visit
  expect((await consent(page)).ask).toBe("first-visit");
});

test("keyboard only: Tab, Shift+Tab, Enter, Space and Escape through banner and panel; focus returns", async ({ page }) => {
  await openFixture(page);
  const press = async (key, expected) => {
    await page.keyboard.press(key);
    const f = await focused(page);
    expect(f, `after ${key}`).toMatchObject(expected);
    return f;
  };
  await press("Tab", { text: "Privacy", inWidget: false });
  const allow = await press("Tab", { text: "Allow personalization", inWidget: true });
  expect(allow.outline, "the focus is visible").toMatch(/^solid [1-9]/);
  await press("Tab", { text: "No thanks" });
  await press("Tab", { text: "Choose…" });
  await press("Shift+Tab", { text: "No thanks" });
  await press("Tab", { text: "Choose…" });

  await page.keyboard.press("Enter");
  await expect(panel(page)).toBeVisible();
  expect(await focused(page)).toMatchObject({ testid: "consent-close", inPanel: true });
  const sw = await press("Tab", { role: "switch", testid: "consent-personalization" });
  expect(sw.outline).toMatch(/^solid [1-9]/);
  await page.keyboard.press("Space");
  await expect(toggle(page, "personalization")).toBeChecked();
  await press("Tab", { role: "switch", testid: "consent-analytics" });
  await page.keyboard.press("Enter");
  await expect(toggle(page, "analytics")).toBeChecked();
  await page.keyboard.press("Space");
  await expect(toggle(page, "analytics")).not.toBeChecked();
  await press("Tab", { role: "switch", testid: "consent-sensitive" }); // enabled now
  await press("Shift+Tab", { testid: "consent-analytics" });
  // Tab never reaches the page behind the open panel (past its last control, the browser's
  // own UI may take focus: headless, that reads as no focused element).
  const seen = new Set();
  for (let k = 0; k < 12; k++) {
    await page.keyboard.press("Tab");
    const f = await focused(page);
    if (f) expect(f.inPanel, `Tab #${k + 1} reached ${f.text}`).toBe(true);
    seen.add(f?.text ?? null);
  }
  expect(seen).toContain("Done");
  expect(seen).toContain("Export my data");
  expect(await consent(page)).toMatchObject({ personalization: true, analytics: false, sensitive: false });

  await page.keyboard.press("Escape");
  await expect(panel(page)).toBeHidden();
  // "Choose…" is gone with the question: focus lands on what the banner now says.
  // (The dialog's close event, which moves focus, comes a task after it is hidden: poll.)
  await expect.poll(() => focused(page)).toMatchObject({ testid: "consent-saved", inWidget: true });

  // The banner's own way back into the panel; Escape returns there.
  await press("Tab", { text: "Privacy choices", inWidget: true });
  await page.keyboard.press("Enter");
  await expect(panel(page)).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(panel(page)).toBeHidden();
  await expect.poll(() => focused(page)).toMatchObject({ text: "Privacy choices", inWidget: true });

  // The shop's own button (data-tailor-consent-open); Escape returns there.
  await press("Shift+Tab", { text: "Privacy", inWidget: false });
  await page.keyboard.press("Enter");
  await expect(panel(page)).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(panel(page)).toBeHidden();
  await expect.poll(() => focused(page)).toMatchObject({ text: "Privacy", inWidget: false });
});

test("axe-core: no violations in the banner and the open panel, in English and in French, and in the demo shop", async ({ page }) => {
  let source;
  try {
    source = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  } catch {
    throw new Error("axe-core is not installed: it is a devDependency (npm install)");
  }
  // Served on the page's own origin, so the demo's Content-Security-Policy lets it run.
  await page.route("**/__axe.min.js", (route) => route.fulfill({ contentType: "text/javascript", body: source }));
  const audit = async (what) => {
    if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.addScriptTag({ url: "/__axe.min.js" });
    const violations = await page.evaluate(async () =>
      (await window.axe.run(document)).violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`),
    );
    expect(violations, `axe violations: ${what}`).toEqual([]);
  };
  for (const lang of ["en", "fr"]) {
    await page.evaluate(() => localStorage.clear()).catch(() => {});
    await openFixture(page, { lang, doclang: lang, policy: "v1" });
    await expect(banner(page)).toBeVisible();
    await audit(`${lang} first-visit banner`);

    await page.getByTestId("consent-allow").click();
    await audit(`${lang} saved banner`);
    await page.evaluate(() => {
      window.tailor.consent.set({ sensitive: true });
      window.tailor.track({ type: "view", item: "ched-1" });
      window.tailor.track({ type: "view", item: "bread-1" });
      window.tailor.track({ type: "purchase", item: "milk-1" });
      window.tailor.track({ type: "dismiss", item: "bagel-1" });
      window.tailor.track({ type: "view", item: "pork-1" });
      window.tailor.profile.remove({ brand: "Laiterie" });
    });
    await page.getByRole("button", { name: "Privacy", exact: true }).click();
    await expect(panel(page)).toBeVisible();
    await expect(page.getByTestId("consent-knows-sensitive")).toBeVisible();
    await audit(`${lang} open panel`);
    await page.getByTestId("consent-erase").click();
    await audit(`${lang} erase confirmation`);
    await closePanel(page);

    await openFixture(page, { lang, doclang: lang, policy: "v2", note: "Sensitive categories are now a separate choice." });
    await expect(page.getByTestId("consent-note")).toBeVisible();
    await audit(`${lang} policy-changed banner`);
  }

  // And in the demo shop, where the banner sits inline and the header opens the panel.
  await page.goto("/");
  await page.evaluate(() => window.tailorDemo.ready);
  await expect(page.getByTestId("consent-allow")).toBeVisible();
  await audit("demo shop, banner");
  await page.getByTestId("consent-allow").click();
  await page.getByTestId("privacy-button").click();
  await expect(panel(page)).toBeVisible();
  await audit("demo shop, open panel");
});

test("markup in titles, brands, categories and the policy note is shown as text, never run", async ({ page }) => {
  await openFixture(page, { xss: 1, policy: "v1" });
  await allowButton(page).click();
  await track(page, views("evil-1", "evil-2"));

  const note = `New terms ${XSS}<script>window.__xss=2</script>`;
  await openFixture(page, { xss: 1, policy: "v2", note });
  await expect(page.getByTestId("consent-note")).toHaveText(`What changed: ${note}`);
  await allowButton(page).click();
  await track(page, [...views("evil-1", "evil-2"), { type: "purchase", item: "evil-1" }]);
  await openPanel(page);
  const knows = page.getByTestId("consent-knows");
  await expect(knows).toContainText(`Cheese ${XSS}`);
  await expect(knows).toContainText(`<b>bold</b>${XSS}`);
  await expect(page.getByTestId("consent-brands")).toContainText(`Brand ${XSS}`);
  await expect(page.getByTestId("consent-interests")).toContainText(`Odd ${XSS}`);
  await page.getByRole("button", { name: `Remove Brand ${XSS}` }).click();
  await expect(page.getByTestId("consent-blocked")).toContainText(`Brand ${XSS}`);

  await expect(page.locator("tailor-consent img, tailor-consent b, tailor-consent script")).toHaveCount(0);
  expect(await page.evaluate(() => window.__xss)).toBeUndefined();
});

test("language: lang=\"fr\" shows French; the document's language is the fallback; a change re-renders", async ({ page }) => {
  await openFixture(page, { lang: "fr" });
  await expect(page.getByRole("region", { name: "Personnaliser cette boutique pour vous ?" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Autoriser la personnalisation" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Non merci" })).toBeVisible();
  await expect(banner(page)).toHaveAttribute("lang", "fr");
  await page.getByRole("button", { name: "Choisir…" }).click();
  await expect(page.getByRole("dialog", { name: "Vos choix de confidentialité" })).toBeVisible();
  await expect(page.getByRole("switch", { name: "Personnalisation", exact: true })).not.toBeChecked();
  await expect(page.getByTestId("consent-sensitive-why")).toHaveText("Disponible une fois la personnalisation activée.");
  await page.getByRole("switch", { name: "Personnalisation", exact: true }).click();
  await expect(page.getByTestId("consent-status")).toHaveText("Personnalisation : activé.");
  await expect(page.getByTestId("consent-knows")).toHaveText(/Rien pour l’instant/);

  // Switching the attribute re-renders at once, the open panel included.
  await page.evaluate(() => document.querySelector("tailor-consent").setAttribute("lang", "en"));
  await expect(page.getByRole("dialog", { name: "Your privacy choices" })).toBeVisible();
  await expect(toggle(page, "personalization")).toBeChecked();
  await closePanel(page);

  // No lang on the element: the document's, then English.
  await page.evaluate(() => localStorage.clear());
  await openFixture(page, { lang: "none", doclang: "fr-CA" });
  await expect(page.getByRole("button", { name: "Autoriser la personnalisation" })).toBeVisible();
  await openFixture(page, { lang: "none", doclang: "de" });
  await expect(allowButton(page)).toBeVisible();
  await expect(banner(page)).toHaveAttribute("lang", "en");
  // element.open() opens the panel too.
  await page.evaluate(() => document.querySelector("tailor-consent").open());
  await expect(page.getByRole("dialog", { name: "Your privacy choices" })).toBeVisible();
});
