#!/usr/bin/env node
// An A/B of catalogue ingest between builds of the package (not part of the benchmark):
// loadCatalogue(bytes) of the 1k and 10k bench catalogues against JSON.parse of the same
// text, interleaved, medians of 200 / 40 calls, each build in its own page.
// Usage: PKGS=/tmp/pkgA,/tmp/pkgB node bench/ingestab.mjs   (copies of pkg/ from two commits;
// default: pkg/ alone). Needs target/bench (cargo run --release --bin make-bench-catalogues).
import { chromium } from "@playwright/test";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join, normalize, extname, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import config from "../playwright.config.mjs";
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkgs = (process.env.PKGS ?? join(root, "pkg")).split(",");
const types = { ".html": "text/html", ".mjs": "text/javascript", ".js": "text/javascript", ".json": "application/json", ".wasm": "application/wasm" };
const server = createServer(async (req, res) => {
  const path = normalize(new URL(req.url, "http://x").pathname);
  let file;
  const m = path.match(/^\/pkg(\d)\/(.*)$/);
  if (m) file = join(pkgs[+m[1]], m[2]);
  else if (path.startsWith("/data/")) file = join(root, "target/bench", path.slice(6));
  else if (path === "/") { res.writeHead(200, { "content-type": "text/html", "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" }); return res.end("<!doctype html><title>ab</title>"); }
  try { const body = await readFile(file); res.writeHead(200, { "content-type": types[extname(file)], "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" }); res.end(body); } catch { res.writeHead(404); res.end(); }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const browser = await chromium.launch({ executablePath: config.use.launchOptions.executablePath, args: config.use.launchOptions.args });
for (const size of ["1k", "10k"]) {
  const out = [];
  for (let k = 0; k < pkgs.length; k++) {
    const page = await browser.newPage();
    await page.goto(`http://localhost:${server.address().port}/`);
    const r = await page.evaluate(async ([size, k]) => {
      const { Tailor } = await import(`/pkg${k}/index.js`);
      const t = await Tailor.open({ shop: "ab", policyVersion: "1" });
      const bytes = new Uint8Array(await (await fetch(`/data/catalogue-${size}.json`)).arrayBuffer());
      const text = new TextDecoder().decode(bytes);
      const reps = size === "1k" ? 200 : 40;
      const a = [], b = [];
      for (let i = 0; i < 5; i++) { t.loadCatalogue(bytes); JSON.parse(text); }
      for (let i = 0; i < reps; i++) {
        let t0 = performance.now(); t.loadCatalogue(bytes); a.push(performance.now() - t0);
        t0 = performance.now(); JSON.parse(text); b.push(performance.now() - t0);
      }
      const med = (v) => v.sort((x, y) => x - y)[v.length >> 1];
      return [med(a), med(b)];
    }, [size, k]);
    out.push(`pkg${k}: ingest ${r[0].toFixed(2)} parse ${r[1].toFixed(2)} ratio ${(r[0] / r[1]).toFixed(2)}`);
    await page.close();
  }
  console.log(size, out.join(" | "));
}
await browser.close(); server.close();
