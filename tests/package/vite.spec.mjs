// The packed npm tarball in a fresh Vite app: npm pack → npm install <tgz> vite → vite build
// → serve dist/ → Chromium. Proves what a shop's engineer gets from `npm install tailor`:
// the bare import resolves, the bundler emits the wasm asset, and the engine really runs.
import { test, expect } from "@playwright/test";
import { cpSync, readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { root, here, pkgDir, freshDir, packPackage, run, serve, watchPage, expectedPackageFiles } from "./helpers.mjs";
import { readSmoke, expectSmoke } from "./smoke-expect.mjs";

test.describe.configure({ mode: "serial" });

const viteVersion = JSON.parse(readFileSync(join(root, "node_modules", "vite", "package.json"), "utf8")).version;
let tmp, app, packed, server;

test.beforeAll(async () => {
  test.setTimeout(300_000); // npm install + vite build on a 2-core machine
  tmp = freshDir("vite");
  packed = await packPackage(join(tmp.dir, "tarball"));
  app = join(tmp.dir, "app");
  cpSync(join(here, "vite-app"), app, { recursive: true });
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", packed.tarball, `vite@${viteVersion}`], { cwd: app });
  await run(join(app, "node_modules", ".bin", "vite"), ["build", "--logLevel", "warn"], { cwd: app });
  server = await serve({ mounts: { "/": join(app, "dist") } });
});

test.afterAll(async () => {
  await server?.close();
  tmp?.remove();
});

test("npm pack ships the entry, its types, the glue and the wasm, and nothing else", () => {
  expect(packed.files).toEqual(expectedPackageFiles);
  const manifest = JSON.parse(readFileSync(join(app, "node_modules", "tailor", "package.json"), "utf8"));
  expect(manifest.exports["."]).toEqual({ types: "./index.d.ts", default: "./index.js" });
  for (const f of [manifest.main, manifest.types, ...Object.values(manifest.exports["."])]) {
    expect(existsSync(join(app, "node_modules", "tailor", f)), `${f} is in the installed package`).toBe(true);
  }
});

test("vite build emits the wasm assets referenced by new URL(…, import.meta.url)", () => {
  const assets = readdirSync(join(app, "dist", "assets"));
  const read = (f) => readFileSync(join(app, "dist", "assets", f));
  const core = assets.filter((f) => f.startsWith("tailor_core_bg") && f.endsWith(".wasm"));
  const dap = assets.filter((f) => f.startsWith("tailor_dap_bg") && f.endsWith(".wasm"));
  expect(core, `dist/assets: ${assets.join(", ")}`).toHaveLength(1);
  expect(dap, `dist/assets: ${assets.join(", ")}`).toHaveLength(1);
  expect(assets.filter((f) => f.endsWith(".wasm"))).toHaveLength(2);
  expect(read(core[0]).equals(readFileSync(join(pkgDir, "tailor_core_bg.wasm"))), "the emitted wasm is the package's wasm, byte for byte").toBe(true);
  expect(read(dap[0]).equals(readFileSync(join(pkgDir, "tailor_dap_bg.wasm"))), "the DAP module's wasm, byte for byte").toBe(true);
  // The entry chunk refers to the hashed core wasm, so the browser asks for exactly that
  // file; the DAP module is its own chunk (a dynamic import), which alone names its wasm:
  // a page whose shop declares no DAP kind never downloads it.
  const entry = assets.filter((f) => f.startsWith("index") && f.endsWith(".js")).map((f) => read(f).toString("utf8")).join("\n");
  expect(entry).toContain(core[0]);
  expect(entry).not.toContain(dap[0]);
  const chunks = assets.filter((f) => !f.startsWith("index") && f.endsWith(".js")).map((f) => read(f).toString("utf8")).join("\n");
  expect(chunks).toContain(dap[0]);
});

test("the built Vite app opens Tailor, personalizes the ranking and persists the profile", async ({ page }) => {
  const watch = watchPage(page);
  const wasmResponses = [];
  page.on("response", (r) => { if (r.url().endsWith(".wasm")) wasmResponses.push({ status: r.status(), type: r.headers()["content-type"] }); });
  await page.goto(server.url + "/");
  const result = await readSmoke(page);
  expectSmoke(result);

  // The DOM shows the personalized order, best first.
  await expect(page.locator("#ranking li")).toHaveCount(result.catalogue.length);
  expect(await page.locator("#ranking li").evaluateAll((lis) => lis.map((li) => li.dataset.id))).toEqual(result.after.map((r) => r.id));
  await expect(page.locator("#ranking li").first()).toContainText(result.after[0].reasons[0]);

  // The profile really is in localStorage under the documented key.
  const stored = await page.evaluate(() => Object.keys(localStorage).sort());
  expect(stored).toContain("tailor.v1.vite-smoke.profile");
  expect(stored).toContain("tailor.v1.vite-smoke.consent");

  expect(wasmResponses).toEqual([{ status: 200, type: "application/wasm" }]);
  expect(watch.problems).toEqual([]);
});
