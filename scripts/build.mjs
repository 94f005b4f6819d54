#!/usr/bin/env node
// Builds the npm package into pkg/ from the settings in wasm-pack.toml (which wasm-pack
// itself does not read): cargo → wasm-bindgen → wasm-opt → JS layer + package.json,
// then prints a size report (raw, gzip, brotli) and fails if a budget is exceeded.
// Two wasm modules: the main one (tailor_core), and the DAP module (tailor_dap, from
// crates/tailor-dap) that index.js imports, with its JS (dap.js), only for a shop that
// declared a DAP kind.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync, rmSync, copyFileSync, readdirSync, statSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

/** The subset of TOML wasm-pack.toml uses: [sections], key = "string" | number | bool | ["array"]. */
export function parseToml(text) {
  const out = {};
  let section = out;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\s+#.*$/, "").replace(/^#.*$/, "").trim();
    if (!line) continue;
    const head = line.match(/^\[([\w-]+)\]$/);
    if (head) {
      section = out[head[1]] = {};
      continue;
    }
    const kv = line.match(/^([\w-]+)\s*=\s*(.+)$/);
    if (!kv) throw new Error(`wasm-pack.toml: cannot read line: ${raw}`);
    section[kv[1]] = JSON.parse(kv[2]);
  }
  return out;
}

const config = parseToml(readFileSync("wasm-pack.toml", "utf8"));
const { "out-dir": outDir, "out-name": outName, target, name } = config.package;
const version = readFileSync("Cargo.toml", "utf8").match(/^version = "(.+)"/m)[1];
const bin = (tool) => join(root, "node_modules", ".bin", tool);
const run = (cmd, args) => execFileSync(cmd, args, { stdio: "inherit" });

// The main wasm without the `dap` feature: no DAP code at all (no prio, no hpke, no task
// validation); it only knows which kinds go by DAP and when they are due.
run("cargo", ["build", "--lib", "--release", "--target", "wasm32-unknown-unknown", "-p", "tailor", "--no-default-features", "--features", "bindings"]);
run("cargo", ["build", "--lib", "--release", "--target", "wasm32-unknown-unknown", "-p", "tailor-dap"]);
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const dapName = config.dap["out-name"];
for (const [crate, out] of [["tailor", outName], ["tailor_dap", dapName]]) {
  run("wasm-bindgen", [
    `target/wasm32-unknown-unknown/release/${crate}.wasm`,
    "--target", target, "--out-dir", outDir, "--out-name", out,
  ]);
  const wasm = join(outDir, `${out}_bg.wasm`);
  if (config["wasm-opt"].enabled) {
    run(bin("wasm-opt"), [...config["wasm-opt"].flags, wasm, "-o", wasm]);
  }
}

// The JS layer, its types and the package manifest.
for (const f of readdirSync("www/lib")) copyFileSync(join("www/lib", f), join(outDir, f));
const manifest = {
  name,
  version,
  description: "On-device personalization for online shops: profile, consent and ranking in the shopper's browser.",
  license: "MIT",
  type: "module",
  main: "./index.js",
  module: "./index.js",
  types: "./index.d.ts",
  exports: {
    ".": { types: "./index.d.ts", default: "./index.js" },
    // import "tailor/widget" defines <tailor-consent>.
    "./widget": { types: "./widget.d.ts", default: "./widget.js" },
    "./tailor_core_bg.wasm": "./tailor_core_bg.wasm",
    "./tailor_dap_bg.wasm": "./tailor_dap_bg.wasm",
  },
  files: readdirSync(outDir).filter((f) => f !== "package.json" && f !== ".gitignore"),
  sideEffects: ["./widget.js"], // defining the custom element is its whole point
};
writeFileSync(join(outDir, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
rmSync(join(outDir, ".gitignore"), { force: true });

// Size report.
const sizes = (file) => {
  const data = readFileSync(file);
  return {
    raw: data.length,
    gzip: gzipSync(data, { level: 9 }).length,
    brotli: brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
};
// The DAP module and its JS are not in the package total: only shops declaring a DAP kind load them.
const isDap = (f) => f === "dap.js" || f.startsWith(`${dapName}.`) || f.startsWith(`${dapName}_bg.`);
const code = manifest.files.filter((f) => !f.endsWith(".d.ts"));
const rows = code.filter((f) => !isDap(f)).map((f) => ({ file: f, ...sizes(join(outDir, f)) }));
const dapRows = code.filter(isDap).map((f) => ({ file: f, ...sizes(join(outDir, f)) }));
const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
const kb = (n) => (n / 1024).toFixed(1).padStart(8) + " KB";
console.log(`\nsize report (${outDir}/, ${new Date().toISOString().slice(0, 10)})`);
console.log("file".padEnd(26) + "raw".padStart(11) + "gzip".padStart(11) + "brotli".padStart(11));
for (const r of [...rows, { file: "total (shipped code)", ...total }]) {
  console.log(r.file.padEnd(26) + kb(r.raw) + kb(r.gzip) + kb(r.brotli));
}
console.log("loaded only for DAP kinds:");
for (const r of dapRows) console.log(r.file.padEnd(26) + kb(r.raw) + kb(r.gzip) + kb(r.brotli));
const report = { files: rows, total, dap: dapRows, budget: config.budget };
writeFileSync(join(outDir, "size-report.json"), JSON.stringify(report, null, 2) + "\n");

const wasmGzip = rows.find((r) => r.file === `${outName}_bg.wasm`).gzip;
const over = [];
if (wasmGzip > config.budget["wasm-gzip"]) over.push(`wasm ${wasmGzip} B gzip > budget ${config.budget["wasm-gzip"]} B`);
if (total.gzip > config.budget["package-gzip"]) over.push(`package ${total.gzip} B gzip > budget ${config.budget["package-gzip"]} B`);
const widgetGzip = rows.find((r) => r.file === "widget.js")?.gzip ?? 0;
if (widgetGzip > config.budget["widget-gzip"]) over.push(`widget ${widgetGzip} B gzip > budget ${config.budget["widget-gzip"]} B`);
const dapGzip = dapRows.find((r) => r.file === `${dapName}_bg.wasm`).gzip;
if (dapGzip > config.budget["dap-wasm-gzip"]) over.push(`DAP wasm ${dapGzip} B gzip > budget ${config.budget["dap-wasm-gzip"]} B`);
if (over.length) {
  console.error(`\nsize budget exceeded (wasm-pack.toml [budget]): ${over.join("; ")}`);
  process.exit(1);
}
console.log(`within budget: wasm ${wasmGzip} ≤ ${config.budget["wasm-gzip"]} B gzip, DAP wasm ${dapGzip} ≤ ${config.budget["dap-wasm-gzip"]} B gzip, widget ${widgetGzip} ≤ ${config.budget["widget-gzip"]} B gzip, package ${total.gzip} ≤ ${config.budget["package-gzip"]} B gzip`);
