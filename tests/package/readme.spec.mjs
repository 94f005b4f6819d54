// The README's usage example, run as written: the ```js block after the
// `<!-- readme-example` comment, with `from "tailor"` pointed at the unpacked tarball,
// as a module in Chromium. The expected output is derived from the example's own data.
import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { root, freshDir, packPackage, unpack, serve, watchPage } from "./helpers.mjs";

test.describe.configure({ mode: "serial" });

const blank = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>README example</title></head><body></body></html>`;

/** The example block of README.md, and what it says about itself. */
function readExample() {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const marker = readme.indexOf("<!-- readme-example");
  if (marker < 0) throw new Error("README.md has no <!-- readme-example --> marker");
  const block = readme.slice(marker).match(/```js\n([\s\S]*?)\n```/);
  if (!block) throw new Error("README.md: no ```js block after the readme-example marker");
  const code = block[1];
  /** The literal argument of the first call to `name(`, evaluated (it is our own README). */
  const literalArg = (name, from = 0) => {
    const start = code.indexOf(`${name}(`, from);
    if (start < 0) return null;
    let depth = 0;
    for (let i = start + name.length; i < code.length; i++) {
      if (code[i] === "(") depth++;
      else if (code[i] === ")" && --depth === 0) {
        return { value: new Function(`return (${code.slice(start + name.length + 1, i)});`)(), end: i };
      }
    }
    throw new Error(`README example: unbalanced ${name}(`);
  };
  const catalogue = literalArg(".loadCatalogue")?.value;
  const tracked = [];
  for (let at = 0, t; (t = literalArg(".track", at)); at = t.end) tracked.push(t.value);
  const shop = literalArg("Tailor.open")?.value.shop;
  const claim = code.match(/console\.log\([^\n]*\/\/\s*(.+)$/m)?.[1] ?? null;
  return { code, catalogue, tracked, shop, claim };
}

const example = readExample();
let tmp, pkg;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  tmp = freshDir("readme");
  const { tarball } = await packPackage(join(tmp.dir, "tarball"));
  pkg = await unpack(tarball, join(tmp.dir, "unpacked"));
});

test.afterAll(() => tmp?.remove());

/** Serves `code` as /example.js next to the package, imports it in a fresh page. */
async function runExample(page, code) {
  const imports = code.match(/from\s+["']tailor["']/g) ?? [];
  expect(imports, "the example imports from \"tailor\" exactly once").toHaveLength(1);
  expect(code, "the example keeps its Tailor in `const tailor`").toMatch(/\bconst tailor\b/);
  const module = code.replace(/from\s+["']tailor["']/, 'from "/package/index.js"') + "\nexport { tailor };\n";
  const server = await serve({ mounts: { "/package/": pkg }, files: { "/": blank, "/example.js": module } });
  try {
    const watch = watchPage(page);
    const logged = [];
    page.on("console", (msg) => { if (msg.type() === "log") logged.push(Promise.all(msg.args().map((a) => a.jsonValue()))); });
    await page.goto(server.url + "/");
    const after = await page.evaluate(async () => {
      const { tailor } = await import("/example.js");
      return { status: tailor.status, keys: Object.keys(localStorage).sort() };
    });
    return { ...after, logs: await Promise.all(logged), problems: watch.problems };
  } finally {
    await server.close();
  }
}

test("the README example runs and its viewed item's category leads", async ({ page }) => {
  const { catalogue, tracked, shop } = example;
  expect(Array.isArray(catalogue) && catalogue.length > 1, "the example loads a catalogue").toBe(true);
  const views = tracked.filter((e) => e.type === "view");
  expect(views.length, "the example tracks a view").toBeGreaterThan(0);
  const category = Object.fromEntries(catalogue.map((c) => [c.id, c.category]));
  const viewedCategories = new Set(views.map((e) => category[e.item]));

  const r = await runExample(page, example.code);
  expect(r.problems).toEqual([]);
  expect(r.logs, "the example logs one line").toHaveLength(1);
  const [[id, match, reasons]] = r.logs;
  expect(viewedCategories.has(category[id]), `top ${id} (${category[id]}) is in a viewed category: ${[...viewedCategories]}`).toBe(true);
  expect(match).toBeGreaterThan(0);
  expect(Array.isArray(reasons) && reasons.length > 0 && reasons.length <= 2, JSON.stringify(reasons)).toBe(true);
  for (const reason of reasons) expect(typeof reason === "string" && reason.length > 0).toBe(true);

  expect(r.status.storage).toBe("local");
  expect(r.status.lastError).toBeNull();
  expect(r.keys).toEqual([`tailor.v1.${shop}.consent`, `tailor.v1.${shop}.profile`]);

  // What the README's comment on the console.log line says it prints: `"<id>" … ["<first reason>", …]`.
  expect(example.claim, "the console.log line says what it prints").toBeTruthy();
  const claimedId = example.claim.match(/^"([^"]+)"/)?.[1];
  const claimedReason = example.claim.match(/\[\s*"([^"]+)"/)?.[1];
  expect({ id, firstReason: reasons[0] }, `README claims: ${example.claim}`).toEqual({ id: claimedId, firstReason: claimedReason });
});

test("without its track() call the same example ranks the server's favourite first", async ({ page }) => {
  // The control: the expectation above is about the shopper, not about the data.
  const { catalogue } = example;
  const serverFirst = [...catalogue].sort((a, b) => (b.popularity ?? 0) - (a.popularity ?? 0))[0].id;
  const viewed = new Set(example.tracked.map((e) => e.item));
  expect(viewed.has(serverFirst), "the example views something other than the server's favourite").toBe(false);
  const code = example.code.replace(/^.*\.track\(.*$/gm, "");
  expect(code).not.toMatch(/\.track\(/);

  const r = await runExample(page, code);
  expect(r.problems).toEqual([]);
  const [[id, match, reasons]] = r.logs;
  expect({ id, match, reasons }).toEqual({ id: serverFirst, match: 0, reasons: [] });
  expect(r.status.storage).toBe("local");
  expect(r.keys, "consent was granted, but nothing was tracked").not.toContain(`tailor.v1.${example.shop}.profile`);
});
