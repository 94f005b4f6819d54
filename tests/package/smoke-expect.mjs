// Reads back what tests/package/vite-app/smoke.js wrote into the page and judges it.
// Shared by the Vite test and the plain-module test so both hold the package to the same bar.
import { expect } from "@playwright/test";

/** Waits for the smoke scenario to finish; fails with the page's own error if it threw. */
export async function readSmoke(page) {
  await expect(page.locator("#state")).toHaveText(/^(done|failed)$/, { timeout: 30_000 });
  const text = await page.locator("#result").textContent();
  expect(await page.locator("#state").textContent(), `the smoke scenario threw:\n${text}`).toBe("done");
  return JSON.parse(text);
}

export function expectSmoke(r) {
  const category = Object.fromEntries(r.catalogue.map((c) => [c.id, c.category]));
  const serverOrder = [...r.catalogue].sort((a, b) => b.popularity - a.popularity).map((c) => c.id);
  const viewedCategories = new Set(r.viewed.map((id) => category[id]));
  const rank = (list, id) => list.findIndex((x) => x.id === id);

  expect(r.statusAtOpen.storage).toBe("local");
  expect(r.statusAtOpen.consent.personalization).toBe(false);
  expect(r.summary).toMatchObject({ loaded: r.catalogue.length, skipped: 0, problemCount: 0 });

  // Before consent: the server's order, no match, no reasons, nothing recorded or stored but consent.
  expect(r.before.map((x) => x.id)).toEqual(serverOrder);
  for (const x of r.before) expect(x).toMatchObject({ match: 0, reasons: [] });
  expect(r.trackedBeforeConsent).toBe("no-consent");
  expect(r.keysBeforeConsent.filter((k) => !k.endsWith(".consent")), "only the consent record may be stored before consent").toEqual([]);

  // After consent and the views: recorded, and the viewed category leads with an honest why.
  expect(r.consentEvents).toEqual([true]);
  expect(r.tracked).toEqual(r.viewed.map(() => "recorded"));
  expect(r.status.storage).toBe("local");
  expect(r.status.consent.personalization).toBe(true);
  expect(r.status.lastError).toBeNull();
  expect(r.after.map((x) => x.id).sort()).toEqual(serverOrder.slice().sort());
  const [top] = r.after;
  expect(viewedCategories.has(category[top.id]), `top item ${top.id} (${category[top.id]}) is in a viewed category`).toBe(true);
  expect(top.match).toBeGreaterThan(0);
  expect(top.reasons.length).toBeGreaterThan(0);
  for (const x of r.after) {
    expect(x.match).toBeGreaterThanOrEqual(0);
    expect(x.match).toBeLessThanOrEqual(100);
    expect(x.reasons.length).toBeLessThanOrEqual(2);
  }
  // The viewed items moved up from where the server put them, and no item of the viewed
  // category moved down. (One the server gives no popularity at all may stay put: the
  // category's lift is scaled by the server's prior, which measured better on real data;
  // README, "Does it help?".)
  for (const c of r.catalogue.filter((c) => viewedCategories.has(c.category))) {
    if (r.viewed.includes(c.id)) expect(rank(r.after, c.id), `${c.id} moved up`).toBeLessThan(rank(r.before, c.id));
    else expect(rank(r.after, c.id), `${c.id} did not move down`).toBeLessThanOrEqual(rank(r.before, c.id));
  }
  // What Tailor knows is what happened: the views, under the shop's own titles.
  expect(r.profile.recent.map((x) => x.id).sort()).toEqual(r.viewed.slice().sort());
  expect(r.profile.interests.map((i) => i.key)).toEqual(expect.arrayContaining([...viewedCategories]));
}
