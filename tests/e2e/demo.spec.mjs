// End-to-end tests of the demo shop (www/) in Chromium, through its UI and the public
// Tailor API it exposes as `window.tailorDemo`. Run: npx playwright test tests/e2e
// (playwright.config.mjs starts scripts/serve.mjs; the package must be built into pkg/).
import { test, expect, PREFIX, CONSENT_KEY, catalogue, byId, card, viewItem, deptOf, serverOrder, openShop, gridIds } from "./fixture.mjs";


const PROFILE_KEY = `${PREFIX}profile`;
const PAGE_SIZE = 60; // the demo's page size
const STATIC_FILES = ["/", "/shop.js", "/shop.css", "/reports.json", "/pkg/index.js", "/pkg/widget.js", "/pkg/tailor_core.js", "/pkg/tailor_core_bg.wasm", "/data/catalogue.json", "/data/offers.json"];


test.use({ actionTimeout: 10_000 });

// ------------------------------------------------------------------ helpers

const categoryOf = (id) => byId.get(id).category.split("/").slice(0, 2).join("/");


const deptHash = (dept) => `#${new URLSearchParams({ dept })}`;


const products = (page) => page.getByTestId("product");
const storage = (page) => page.evaluate(() => Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)])));
const describe = (page) => page.evaluate(() => window.tailorDemo.tailor.profile.describe());
/** What is stored but the history of the offers the shop showed (tests/e2e/offers.spec.mjs checks that). */
const storedButOffers = async (page) => {
  const stored = await storage(page);
  delete stored[`${PREFIX}offers`];
  return stored;
};

async function goToDept(page, dept) {
  await page.locator(`[data-testid="dept"][data-dept="${dept}"]`).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(dept);
}


/** Grants personalization the way a first-time shopper does: the widget's banner. */
async function grantConsent(page) {
  await page.getByTestId("consent-allow").click();
  await expect(page.getByTestId("consent-saved")).toHaveText(/personalization is on/);
  await expect(page.getByTestId("consent-personalization")).toBeChecked();
  expect(await page.evaluate(() => window.tailorDemo.tailor.consent.get().personalization)).toBe(true);
}

/** Switches personalization off in the widget's panel (opened from the header) and closes it. */
async function withdrawConsent(page) {
  await page.getByTestId("privacy-button").click();
  const toggle = page.getByTestId("consent-personalization");
  await toggle.uncheck();
  await expect(toggle).not.toBeChecked();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("consent-panel")).toBeHidden();
  await expect(page.getByTestId("privacy-button")).toBeFocused();
}

/** Records every event the shop passes to `tailor.track`. */
async function spyOnTrack(page) {
  await page.evaluate(() => {
    const t = window.tailorDemo.tailor;
    const track = t.track.bind(t);
    window.tracked = [];
    t.track = (event) => {
      const outcome = track(event);
      window.tracked.push({ ...event, outcome });
      return outcome;
    };
  });
}

/**
 * On a department page, picks the category that starts lowest in the server's order
 * (of those with at least 3 items on the page), grants consent and views up to 4 of
 * its items. Returns what the page showed before and after.
 */
async function liftCategory(page, dept = "Bakery") {
  await openShop(page, deptHash(dept));
  const order = serverOrder(dept).slice(0, PAGE_SIZE);
  const positions = new Map();
  order.forEach((id, k) => positions.set(categoryOf(id), [...(positions.get(categoryOf(id)) ?? []), k]));
  const [category, where] = [...positions].filter(([, ks]) => ks.length >= 3).sort((a, b) => b[1][0] - a[1][0])[0];
  expect(where[0], `${category} should start well down the page`).toBeGreaterThanOrEqual(10);
  const members = order.filter((id) => categoryOf(id) === category);

  await grantConsent(page);
  const before = await gridIds(page);
  expect(before, "consent alone, with nothing known yet, keeps the server's order").toEqual(order);
  await expect(page.getByTestId("match")).toHaveCount(0);

  for (const id of members.slice(0, 4)) await viewItem(page, id);
  const after = await gridIds(page);
  return { dept, category, members, before, after };
}

// ------------------------------------------------------------------ tests

test("before consent: the server's order, nothing personal shown, stored or sent", async ({ page }) => {
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await openShop(page);

  await expect(page.getByTestId("consent-personalization")).not.toBeChecked();
  expect(await gridIds(page)).toEqual(serverOrder().slice(0, PAGE_SIZE));
  await goToDept(page, "Produce");
  const order = serverOrder("Produce").slice(0, PAGE_SIZE);
  expect(await gridIds(page)).toEqual(order);

  // Shop around: views, basket adds, a dismissal and a search click.
  for (const id of [order[5], order[20], order[41]]) {
    await viewItem(page, id);
    await card(page, id).getByTestId("add").click();
  }
  await card(page, order[0]).getByTestId("dismiss").click();
  await page.getByTestId("search").fill("banana");
  await page.getByTestId("search-result").first().click();
  await expect(page.getByTestId("detail")).toBeVisible();
  await page.getByTestId("detail-close").click();
  await expect(page.getByTestId("basket-count")).toHaveText("3");

  expect(await gridIds(page), "nothing the shopper did changes the order").toEqual(order);
  await expect(page.getByTestId("match")).toHaveCount(0);
  await expect(page.getByTestId("reasons")).toHaveCount(0);
  await expect(page.getByTestId("knows-off")).toBeVisible();

  const keys = Object.keys(await storage(page));
  expect(keys).not.toContain(PROFILE_KEY);
  expect(keys.filter((k) => k !== CONSENT_KEY), "nothing but (possibly) the consent record is stored").toEqual([]);
  const known = await describe(page);
  expect(known.recent).toEqual([]);
  expect(known.interests).toEqual([]);
  expect(known.dismissed).toBe(0);

  // Only the page's own static files were fetched: no beacons, no third parties.
  const origin = new URL(page.url()).origin;
  expect(requests.length).toBeGreaterThan(0);
  for (const url of requests) {
    const u = new URL(url);
    expect(u.origin, url).toBe(origin);
    expect(STATIC_FILES, url).toContain(u.pathname);
  }
});

test("after consent, viewing items of a low-ranked category lifts it, with a match and a reason", async ({ page }) => {
  const { category, members, before, after } = await liftCategory(page);

  expect(after.slice().sort()).toEqual(before.slice().sort()); // same page of products, reordered
  for (const id of members) {
    expect(after.indexOf(id), `${id} (${category}) moves up`).toBeLessThan(before.indexOf(id));
  }
  expect(categoryOf(after[0]), "the category now leads the page").toBe(category);
  const sum = (xs) => xs.reduce((s, x) => s + x, 0);
  expect(sum(members.map((id) => after.indexOf(id)))).toBeLessThan(sum(members.map((id) => before.indexOf(id))) / 2);

  for (const id of members) {
    await expect(card(page, id).getByTestId("match")).toHaveText(/^([1-9]\d?|100)% match$/);
    const reasons = card(page, id).getByTestId("reasons").locator("li");
    await expect(reasons.first()).toHaveText(/\S/);
    expect(await reasons.count()).toBeLessThanOrEqual(2);
  }
  const stored = await storage(page);
  expect(Object.keys(stored)).toContain(PROFILE_KEY);
  expect(Object.keys(stored)).toContain(CONSENT_KEY);
  await expect(page.getByTestId("knows-interests")).toContainText(category.split("/")[1]);
});

test("a reload keeps the consent and the lifted order", async ({ page }) => {
  const { after } = await liftCategory(page);
  const matches = await page.getByTestId("match").allTextContents();
  const profile = (await storage(page))[PROFILE_KEY];
  expect(profile).toBeTruthy();

  await page.reload();
  await page.evaluate(() => window.tailorDemo.ready);
  await expect(page.getByTestId("consent-personalization")).toBeChecked();
  expect(await gridIds(page)).toEqual(after);
  expect(await page.getByTestId("match").allTextContents()).toEqual(matches);
  expect((await storage(page))[PROFILE_KEY]).toBe(profile);
});

test("withdrawing consent erases the profile and restores the server's order", async ({ page }) => {
  const { dept, before, after } = await liftCategory(page);
  expect(after).not.toEqual(before);
  expect(Object.keys(await storage(page))).toContain(PROFILE_KEY);

  const toggle = page.getByTestId("consent-personalization");
  await withdrawConsent(page);

  const stored = await storage(page);
  expect(Object.keys(stored)).not.toContain(PROFILE_KEY);
  expect(Object.keys(stored).filter((k) => k !== CONSENT_KEY)).toEqual([]);
  expect(await gridIds(page)).toEqual(serverOrder(dept).slice(0, PAGE_SIZE));
  await expect(page.getByTestId("match")).toHaveCount(0);
  await expect(page.getByTestId("reasons")).toHaveCount(0);
  await expect(page.getByTestId("knows-off")).toBeVisible();

  // And it stays withdrawn after a reload.
  await page.reload();
  await page.evaluate(() => window.tailorDemo.ready);
  await expect(toggle).not.toBeChecked();
  expect(await gridIds(page)).toEqual(serverOrder(dept).slice(0, PAGE_SIZE));
  expect(Object.keys(await storage(page))).not.toContain(PROFILE_KEY);
});

test("“Not interested” on the top item moves it out of the first positions", async ({ page }) => {
  await openShop(page, deptHash("Produce"));
  await grantConsent(page);
  const order = serverOrder("Produce");
  expect(await gridIds(page)).toEqual(order.slice(0, PAGE_SIZE));

  const top = order[0];
  await card(page, top).getByTestId("dismiss").click();
  await expect(products(page).first()).not.toHaveAttribute("data-id", top);
  const after = await gridIds(page);
  expect(after.slice(0, 10)).not.toContain(top);
  // A dismissal teaches nothing else: the rest keeps the server's order.
  expect(after).toEqual(order.filter((id) => id !== top).slice(0, PAGE_SIZE));
  expect((await describe(page)).dismissed).toBe(1);
  expect(Object.keys(await storage(page))).toContain(PROFILE_KEY);
});

test("sensitive category: pork is never recorded, matched or given as a reason", async ({ page }) => {
  await openShop(page, deptHash("Meat"));
  await grantConsent(page);
  // Show the whole department (113 products), so no pork item drops off the page.
  await page.getByTestId("more").click();
  const onPage = serverOrder("Meat");
  expect(onPage.length).toBeLessThanOrEqual(2 * PAGE_SIZE);
  await expect(products(page)).toHaveCount(onPage.length);
  const pork = onPage.filter((id) => byId.get(id).category.startsWith("Meat/Pork"));
  const beef = onPage.filter((id) => byId.get(id).category.startsWith("Meat/Beef"));
  expect(pork.length).toBeGreaterThanOrEqual(3);
  await spyOnTrack(page);

  // With nothing recorded yet: pork views, adds and dismissals create no profile.
  const initial = await storedButOffers(page);
  expect(Object.keys(initial)).toEqual([CONSENT_KEY]);
  for (const id of pork.slice(0, 3)) {
    await viewItem(page, id);
    await card(page, id).getByTestId("add").click();
  }
  await card(page, pork[3] ?? pork[0]).getByTestId("view").click();
  await expect(page.getByTestId("private-note")).toBeVisible();
  await page.getByTestId("detail-close").click();
  expect(await storedButOffers(page)).toEqual(initial);
  const outcomes = await page.evaluate(() => window.tracked.map((e) => e.outcome));
  expect(outcomes.length).toBeGreaterThanOrEqual(7);
  expect(new Set(outcomes)).toEqual(new Set(["sensitive"]));

  // With a profile (two beef views): pork events leave it byte for byte as it was.
  for (const id of beef.slice(0, 2)) await viewItem(page, id);
  const withProfile = await storedButOffers(page);
  expect(withProfile[PROFILE_KEY]).toBeTruthy();
  for (const id of pork.slice(0, 3)) {
    await viewItem(page, id);
    await card(page, id).getByTestId("add").click();
  }
  await card(page, pork[0]).getByTestId("dismiss").click();
  expect(await storedButOffers(page)).toEqual(withProfile);

  // Personalization is visibly at work on this page, but never on pork.
  await expect(card(page, beef[2]).getByTestId("match")).toBeVisible();
  for (const id of pork) {
    await expect(card(page, id).getByTestId("match")).toHaveCount(0);
    await expect(card(page, id).getByTestId("reasons")).toHaveCount(0);
  }
  const reasons = (await page.getByTestId("reasons").allTextContents()).join("\n");
  expect(reasons.length).toBeGreaterThan(0);
  for (const id of pork) expect(reasons).not.toContain(byId.get(id).title);
  const known = await describe(page);
  expect(known.recent.map((r) => r.id).filter((id) => pork.includes(id))).toEqual([]);
  expect(known.interests.map((i) => i.key).filter((k) => k.startsWith("Meat/Pork"))).toEqual([]);
  await expect(page.getByTestId("knows")).not.toContainText("Pork");
});

test("storage disabled (localStorage throws SecurityError): the shop works in memory", async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, "localStorage", {
      configurable: true,
      get() {
        throw new DOMException("Access is denied for this document.", "SecurityError");
      },
    });
  });
  await openShop(page);
  expect(await page.evaluate(() => {
    try {
      return `no throw: ${typeof window.localStorage}`;
    } catch (e) {
      return e.name;
    }
  })).toBe("SecurityError");

  const status = await page.evaluate(() => window.tailorDemo.tailor.status);
  expect(status.storage).toBe("memory");
  expect(status.lastError).toContain("SecurityError");
  await expect(page.getByTestId("storage-notice")).toBeVisible();
  await expect(page.getByTestId("storage-notice")).toContainText("only until you leave this page");
  expect(await gridIds(page)).toEqual(serverOrder().slice(0, PAGE_SIZE));

  // Consent and personalization work for the page's life; the widget's panel says so too.
  await page.getByTestId("privacy-button").click();
  await expect(page.getByTestId("consent-memory")).toHaveText("This browser does not let the shop store anything, so your choices last only until you leave this page.");
  await page.keyboard.press("Escape");
  await grantConsent(page);
  await goToDept(page, "Bakery");
  const order = serverOrder("Bakery");
  await viewItem(page, order[20]);
  await viewItem(page, order[25]);
  expect(await gridIds(page)).not.toEqual(order);
  await expect(page.getByTestId("match").first()).toBeVisible();
  expect((await describe(page)).recent.map((r) => r.id)).toEqual([order[25], order[20]]);

  // …and no longer: nothing survived a reload.
  await page.reload();
  await page.evaluate(() => window.tailorDemo.ready);
  await expect(page.getByTestId("consent-personalization")).not.toBeChecked();
  await expect(page.getByTestId("storage-notice")).toBeVisible();
  expect(await gridIds(page)).toEqual(order.slice(0, PAGE_SIZE));
});

test("a consent change in another tab shows at once", async ({ page, context }) => {
  await openShop(page, deptHash("Bakery"));
  const other = await context.newPage();
  const otherProblems = [];
  other.on("pageerror", (e) => otherProblems.push(e.message));
  other.on("console", (m) => m.type() === "error" && otherProblems.push(m.text()));
  await openShop(other, deptHash("Bakery"));

  await grantConsent(page);
  await expect(other.getByTestId("consent-personalization")).toBeChecked();

  const order = serverOrder("Bakery");
  await viewItem(page, order[30]);
  await withdrawConsent(other);
  await expect(page.getByTestId("consent-personalization")).not.toBeChecked();
  expect(Object.keys(await storage(page))).not.toContain(PROFILE_KEY);
  expect(await gridIds(page)).toEqual(order.slice(0, PAGE_SIZE));
  await expect(page.getByTestId("match")).toHaveCount(0);
  expect(otherProblems).toEqual([]);
});

test("a shopping trip: search, basket, checkout, what Tailor knows, erase everything", async ({ page }) => {
  await openShop(page);
  await grantConsent(page);
  await spyOnTrack(page);

  // A search with no match says so.
  await page.getByTestId("search").fill("zzqqx");
  await expect(page.getByTestId("search-results")).toHaveText("No products match “zzqqx”.");
  // Search suggestions are titles containing the query; clicking one is a search event.
  await page.getByTestId("search").fill("peanut");
  const suggestions = page.getByTestId("search-result");
  await expect(suggestions.first()).toBeVisible();
  for (const title of await suggestions.locator(".result-title").allTextContents()) expect(title.toLowerCase()).toContain("peanut");
  const found = await suggestions.first().getAttribute("data-id");
  await suggestions.first().click();
  await expect(page.getByTestId("detail-title")).toHaveText(byId.get(found).title);
  await page.getByTestId("detail-add").click();
  await page.getByTestId("detail-close").click();

  // Two of another product, from the grid.
  const other = (await gridIds(page)).find((id) => id !== found);
  await card(page, other).getByTestId("add").click();
  await card(page, other).getByTestId("add").click();
  await expect(page.getByTestId("basket-count")).toHaveText("3");

  await page.getByTestId("basket-button").click();
  await expect(page.getByTestId("basket-line")).toHaveCount(2);
  await expect(page.locator(`[data-testid="basket-line"][data-id="${other}"]`).getByTestId("qty")).toHaveText("2");
  const total = byId.get(found).price + 2 * byId.get(other).price;
  await expect(page.getByTestId("basket-total")).toHaveText(`$${total.toFixed(2)}`);
  await page.getByTestId("buy").click();
  await expect(page.getByTestId("thanks")).toBeVisible();
  await expect(page.getByTestId("basket-count")).toHaveText("0");
  await page.getByTestId("basket-close").click();

  const tracked = await page.evaluate(() => window.tracked);
  expect(tracked.map(({ outcome, ...e }) => e)).toEqual([
    { type: "search", query: "peanut", item: found },
    { type: "view", item: found },
    { type: "cart", item: found },
    { type: "cart", item: other },
    { type: "cart", item: other },
    { type: "purchase", item: found, quantity: 1 },
    { type: "purchase", item: other, quantity: 2 },
  ]);
  expect(tracked.every((e) => e.outcome === "recorded")).toBe(true);

  const known = await describe(page);
  expect(known.purchased.map((p) => p.id).sort()).toEqual([found, other].sort());
  await expect(page.getByTestId("knows-recent")).toContainText(byId.get(other).title);
  await expect(page.getByTestId("knows-recent")).toContainText("Bought");
  // The just-bought items are now in this shopper's order.
  await expect(page.getByTestId("match").first()).toBeVisible();

  // Enter shows every match as a results page.
  await page.getByTestId("search").fill("Peanut");
  await page.getByTestId("search").press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Results for “Peanut”");
  const matching = catalogue.filter((item) => item.title.toLowerCase().includes("peanut")).map((item) => item.id);
  expect(matching.length).toBeGreaterThan(0);
  expect((await gridIds(page)).sort()).toEqual(matching.sort());
  await page.getByTestId("dept-all").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("All departments");

  // “Show more” pages on.
  await page.getByTestId("more").click();
  await expect(products(page)).toHaveCount(2 * PAGE_SIZE);

  // Erase everything, from the widget's panel (with its confirm step): nothing stored,
  // personalization off, and the banner asks again.
  await page.getByTestId("manage").click();
  await page.getByTestId("consent-erase").click();
  expect(Object.keys(await storage(page))).toContain(PROFILE_KEY); // not before the confirmation
  await page.getByTestId("consent-erase-confirm").click();
  await expect(page.getByTestId("consent-personalization")).not.toBeChecked();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("consent-allow")).toBeVisible();
  expect(Object.keys(await storage(page)).filter((k) => k.startsWith(PREFIX))).toEqual([]);
  expect(await gridIds(page)).toEqual(serverOrder().slice(0, 2 * PAGE_SIZE));
  await expect(page.getByTestId("match")).toHaveCount(0);
});

test("catalogue strings are rendered as text, never as markup", async ({ page }) => {
  // Serve a catalogue whose strings are markup; the page must show them verbatim.
  const evil = '<img src=x onerror="window.__pwned=1">Evil <b>bold</b>';
  await page.route("**/data/catalogue.json", async (route) => {
    const items = structuredClone(catalogue);
    items.sort((a, b) => b.popularity - a.popularity);
    Object.assign(items[0], { title: evil, brand: evil, category: `Produce/${evil}`, attributes: { size: evil }, tags: [evil] });
    await route.fulfill({ json: items });
  });
  await openShop(page);
  const first = products(page).first();
  await expect(first.locator(".card-title")).toHaveText(evil);
  await expect(first.locator(".card-brand")).toHaveText(evil);
  await first.getByTestId("view").click();
  await expect(page.getByTestId("detail-title")).toHaveText(evil);
  await expect(page.locator("img")).toHaveCount(0);
  await expect(page.locator("#grid b, #detail b")).toHaveCount(0);
  expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
});
