// The end-to-end suites' shared fixture: every test fails on a console error or warning,
// an uncaught exception or a browser dialog (alert/confirm) in any page of its context.
// A test that expects one takes it out of `pageProblems` itself.
import { test as base, expect } from "@playwright/test";
import { readFileSync } from "node:fs";

export { expect };

export const test = base.extend({
  pageProblems: [
    async ({ context }, use) => {
      const problems = [];
      const watch = (page) => {
        page.on("console", (m) => {
          if (m.type() === "error" || m.type() === "warning") problems.push(`console.${m.type()}: ${m.text()}`);
        });
        page.on("pageerror", (e) => problems.push(`uncaught: ${e.name}: ${e.message}`));
        page.on("dialog", (d) => {
          problems.push(`a ${d.type()} dialog: ${d.message()}`);
          d.dismiss().catch(() => {});
        });
      };
      context.pages().forEach(watch);
      context.on("page", watch);
      await use(problems);
      expect(problems, "console errors/warnings, uncaught exceptions or browser dialogs in the page").toEqual([]);
    },
    { auto: true },
  ],
});

/** The demo shop's storage keys. */
export const PREFIX = "tailor.v1.tailor-demo.";
export const CONSENT_KEY = `${PREFIX}consent`;

/** The demo's catalogue, as the shop serves it. */
export const catalogue = JSON.parse(readFileSync(new URL("../../www/data/catalogue.json", import.meta.url), "utf8"));
export const byId = new Map(catalogue.map((item) => [item.id, item]));

/** A product card of the demo's grid. */
export const card = (page, id) => page.locator(`[data-testid="product"][data-id="${id}"]`);

/** Opens a product's detail from its card (a view), checks it is that product, closes it. */
export async function viewItem(page, id) {
  await card(page, id).getByTestId("view").click();
  await expect(page.getByTestId("detail")).toBeVisible();
  await expect(page.getByTestId("detail-title")).toHaveText(byId.get(id).title);
  await page.getByTestId("detail-close").click();
  await expect(page.getByTestId("detail")).toBeHidden();
}

/** Opens the demo's privacy panel (the consent widget) from its header button. */
export async function openPanel(page) {
  await page.getByTestId("privacy-button").click();
  await expect(page.getByTestId("consent-panel")).toBeVisible();
}

export async function closePanel(page) {
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("consent-panel")).toBeHidden();
}

/** An item's department (the first level of its category path). */
export const deptOf = (id) => byId.get(id).category.split("/")[0];

/** The server's order: popularity descending, ties in catalogue order; optionally one department. */
export function serverOrder(dept) {
  return catalogue
    .map((item, index) => ({ item, index }))
    .sort((a, b) => b.item.popularity - a.item.popularity || a.index - b.index)
    .map(({ item }) => item.id)
    .filter((id) => !dept || deptOf(id) === dept);
}

/** Opens the demo shop (at `hash`) and waits until its grid first rendered. */
export async function openShop(page, hash = "") {
  await page.goto(`/${hash}`);
  await page.evaluate(() => window.tailorDemo.ready);
}

/** The ids of the grid's product cards, in page order. */
export const gridIds = (page) => page.getByTestId("product").evaluateAll((els) => els.map((el) => el.dataset.id));
