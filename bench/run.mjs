#!/usr/bin/env node
// Tailor's benchmark runner (issue 6): headless Debian Chromium through Playwright, the
// built package (pkg/) against the pure-JS baseline (bench/baseline-ranker.mjs) in the same
// page, on the catalogues and scenarios in target/bench (src/bin/make-bench-catalogues.rs).
// Prints one table (medians of repetitions, ratios Tailor / JS, targets) and the machine;
// writes the raw figures to target/bench/results.json. Never part of scripts/test.sh.
//
// Usage: node bench/run.mjs          (scripts/bench.sh builds what is missing first)
//   BENCH_EVENTS=100000 node bench/run.mjs   a shorter growth run (default 1,000,000 events)
//   BENCH_QUICK=1 node bench/run.mjs         fewer repetitions (a quick look, not figures)
//   BENCH_PKG=/elsewhere/pkg node bench/run.mjs   another build of the package (e.g. of another commit)
import { chromium } from "@playwright/test";
import { createServer } from "node:http";
import { readFile, writeFile } from "node:fs/promises";
import { readFileSync, readdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { join, normalize, extname, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import os from "node:os";
import config from "../playwright.config.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dataDir = join(root, "target", "bench");
const QUICK = process.env.BENCH_QUICK === "1";
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SIZES = ["1k", "10k", "92k"];
const REPS = QUICK
  ? { instantiate: 3, ingest: { "1k": 3, "10k": 3, "92k": 2 }, rank: { "1k": 5, "10k": 5, "92k": 3 }, track: 5 }
  : { instantiate: 11, ingest: { "1k": 21, "10k": 11, "92k": 5 }, rank: { "1k": 31, "10k": 21, "92k": 7 }, track: 30 };
const started = Date.now();
const log = (...a) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s]`, ...a);

// ---------------------------------------------------------------- a static server
// /pkg/ → pkg/, /bench/ → bench/, /data/ → target/bench/; cross-origin isolated (COOP +
// COEP), so that performance.now() has the browser's finest resolution.
const types = { ".html": "text/html; charset=utf-8", ".mjs": "text/javascript", ".js": "text/javascript", ".json": "application/json", ".wasm": "application/wasm" };
const mounts = { "/pkg/": process.env.BENCH_PKG ? normalize(process.env.BENCH_PKG) : join(root, "pkg"), "/bench/": join(root, "bench"), "/data/": dataDir };
// The package is read once, now: a rebuild of pkg/ during the run cannot mix two builds.
const pkg = new Map(readdirSync(mounts["/pkg/"]).map((f) => [join(mounts["/pkg/"], f), readFileSync(join(mounts["/pkg/"], f))]));
const wasmFile = pkg.get(join(mounts["/pkg/"], "tailor_core_bg.wasm"));
if (!wasmFile) throw new Error("pkg/ has no tailor_core_bg.wasm: build the package first (node scripts/build.mjs)");
const server = createServer(async (req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
  const mount = Object.keys(mounts).find((m) => path.startsWith(m));
  const file = mount && join(mounts[mount], path.slice(mount.length));
  const headers = { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp", "cache-control": "no-store" };
  if (!file || !file.startsWith(mounts[mount])) {
    res.writeHead(404, headers);
    return res.end();
  }
  try {
    const body = mount === "/pkg/" ? pkg.get(file) : await readFile(file);
    if (!body) throw new Error(`${file}: not in the package`);
    res.writeHead(200, { ...headers, "content-type": types[extname(file)] ?? "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404, headers);
    res.end();
  }
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://localhost:${server.address().port}`;

// ---------------------------------------------------------------- the browser
const launch = config.use.launchOptions;
const browser = await chromium.launch({ executablePath: launch.executablePath, args: launch.args });
const chromiumVersion = browser.version();

async function freshPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("pageerror", (e) => log("page error:", e.message));
  page.on("console", (m) => m.type() === "error" && log("console error:", m.text()));
  await page.goto(`${base}/bench/bench.html`);
  await page.waitForFunction(() => window.benchReady === true);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  return { context, page, cdp };
}

/** Resident memory (bytes) of this run's Chromium renderers (descendants of this process; Linux). */
function rendererRss() {
  try {
    const rows = execFileSync("ps", ["-eo", "pid=,ppid=,rss=,args="]).toString().trim().split("\n").map((l) => l.trim().split(/\s+/));
    const mine = new Set([String(process.pid)]);
    for (let grown = true; grown; ) {
      grown = false;
      for (const r of rows) {
        if (mine.has(r[1]) && !mine.has(r[0])) {
          mine.add(r[0]);
          grown = true;
        }
      }
    }
    return rows.filter((r) => mine.has(r[0]) && r.includes("--type=renderer")).reduce((sum, r) => sum + Number(r[2]) * 1024, 0);
  } catch {
    return NaN;
  }
}

async function heap(page, cdp) {
  await cdp.send("HeapProfiler.collectGarbage");
  await cdp.send("HeapProfiler.collectGarbage");
  const { metrics } = await cdp.send("Performance.getMetrics");
  const used = metrics.find((m) => m.name === "JSHeapUsedSize").value;
  return { jsHeap: used, wasmMemory: await page.evaluate(() => window.bench.wasmMemoryBytes()), rendererRss: rendererRss() };
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const results = { sizes: {} };

// ---------------------------------------------------------------- instantiate
{
  const runs = [];
  for (let r = 0; r < REPS.instantiate; r++) {
    const { context, page } = await freshPage();
    runs.push(await page.evaluate(() => window.bench.instantiate()));
    await context.close();
  }
  results.instantiate = {
    median: median(runs.map((r) => r.instantiateMs)),
    openMedian: median(runs.map((r) => r.openMs)),
    bytes: runs[0].bytes,
    reps: runs.length,
    crossOriginIsolated: runs[0].crossOriginIsolated,
  };
  log(`instantiate: ${results.instantiate.median.toFixed(2)} ms (median of ${runs.length} fresh pages)`);
}

// ---------------------------------------------------------------- per catalogue size
for (const size of SIZES) {
  const { context, page } = await freshPage();
  const r = (results.sizes[size] = {});
  r.setup = await page.evaluate((s) => window.bench.setup(s), size);
  log(`${size}: ${r.setup.items} items, ${(r.setup.payloadBytes / 1e6).toFixed(1)} MB payload`);
  r.ingest = await page.evaluate((n) => window.bench.ingest(n), REPS.ingest[size]);
  if (!r.ingest.same) throw new Error(`${size}: loadCatalogue of the bytes and of the parsed array load different catalogues`);
  log(`${size}: ingest bytes ${r.ingest.payload.median.toFixed(2)} ms, array ${r.ingest.tailor.median.toFixed(2)} ms, JSON.parse ${r.ingest.parse.median.toFixed(2)} ms, JS ${r.ingest.js.median.toFixed(2)} ms`);
  r.replay = await page.evaluate(() => window.bench.replay());
  r.check = await page.evaluate(() => window.bench.check());
  log(`${size}: order check: all ${r.check.all.orderMismatches}/${r.check.all.checked}, page ${r.check.page.orderMismatches}/${r.check.page.checked} mismatches in the top 500; rankOrder ${r.check.order.mismatches}/${r.check.order.n} vs JS, ${r.check.order.rankMismatches} vs rank`);
  r.rank = await page.evaluate((n) => window.bench.rank(n), REPS.rank[size]);
  log(`${size}: rank all/48 ${r.rank.all48.tailor.median.toFixed(3)} vs ${r.rank.all48.js.median.toFixed(3)} ms`);
  r.track = await page.evaluate((n) => window.bench.track(n), REPS.track);
  r.wasmMemory = await page.evaluate(() => window.bench.wasmMemoryBytes());
  log(`${size}: track ${r.track.tailor.median.toFixed(4)} vs ${r.track.js.median.toFixed(4)} ms`);
  await context.close();
}

// ---------------------------------------------------------------- growth: 1M synthetic events
{
  const { context, page, cdp } = await freshPage();
  const size = "92k";
  const g = (results.growth = { size, events: EVENTS, snapshots: [] });
  await page.evaluate((s) => window.bench.setup(s), size);
  await page.evaluate(() => window.bench.load());
  const marks = [1_000, 100_000, 1_000_000].filter((m) => m <= EVENTS);
  if (!marks.includes(EVENTS)) marks.push(EVENTS);
  for (const who of ["tailor", "js"]) {
    const before = await heap(page, cdp);
    let done = 0;
    let ms = 0;
    for (const mark of marks) {
      while (done < mark) {
        const n = Math.min(100_000, mark - done);
        // A turn of the event loop every 1,000 events: in one unbroken loop of a million
        // localStorage writes (either implementation) Chromium's queued storage messages grow
        // the renderer by gigabytes and crashed it here; a page never runs such a loop.
        const step = await page.evaluate(([w, from, n, total]) => window.bench.feedYielding(w, from, n, total), [who, done, n, EVENTS]);
        done += n;
        ms += step.ms;
        if (done === mark) g.snapshots.push({ who, events: mark, stored: step.stored });
      }
      log(`growth ${who}: ${done} events, ${(ms / 1000).toFixed(1)} s`);
    }
    const after = await heap(page, cdp);
    g[who] = { before, after, ms, perEventMs: ms / EVENTS };
  }
  g.check = await page.evaluate(() => window.bench.check());
  log(`growth: order check after ${EVENTS} events: all ${g.check.all.orderMismatches}/${g.check.all.checked}`);
  await context.close();
}

await browser.close();
server.close();

// ---------------------------------------------------------------- the machine
const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
results.machine = {
  cpu: cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1] ?? os.cpus()[0]?.model ?? "unknown",
  cores: os.cpus().length,
  memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
  chromium: chromiumVersion,
  node: process.version,
  date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
  crossOriginIsolated: results.instantiate.crossOriginIsolated,
  seconds: Math.round((Date.now() - started) / 1000),
  loadAverage: readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" "),
  wasm: `${wasmFile.length} B, sha256 ${createHash("sha256").update(wasmFile).digest("hex").slice(0, 12)}`,
};
await writeFile(join(dataDir, "results.json"), JSON.stringify(results, null, 2));

// ---------------------------------------------------------------- the table
const ms = (x) => (x === undefined ? "—" : x >= 100 ? `${x.toFixed(0)} ms` : x >= 10 ? `${x.toFixed(1)} ms` : x >= 1 ? `${x.toFixed(2)} ms` : `${x.toFixed(3)} ms`);
const kb = (b) => (b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : `${(b / 1024).toFixed(1)} KB`);
const ratio = (a, b) => (b ? `${(a / b).toFixed(2)}×` : "—");
const rows = [];
const row = (measure, size, tailor, js, r, target, met) => rows.push([measure, size, tailor, js, r, target, met === undefined ? "—" : met ? "yes" : "NO"]);

row("wasm compile + instantiate (from bytes)", kb(results.instantiate.bytes), ms(results.instantiate.median), "—", "—", "—");
row("Tailor.open after instantiate", "", ms(results.instantiate.openMedian), "—", "—", "—");
for (const size of SIZES) {
  const r = results.sizes[size];
  const label = `${size} (${kb(r.setup.payloadBytes)})`;
  row("ingest of the payload (loadCatalogue(bytes)) vs JSON.parse of it", label, ms(r.ingest.payload.median), ms(r.ingest.parse.median), ratio(r.ingest.payload.median, r.ingest.parse.median), "≤ 1.5× JSON.parse", r.ingest.payload.median <= 1.5 * r.ingest.parse.median);
  row("ingest of the parsed array (loadCatalogue(items)) vs JSON.parse", size, ms(r.ingest.tailor.median), ms(r.ingest.parse.median), ratio(r.ingest.tailor.median, r.ingest.parse.median), "—");
  row("ingest of the parsed array vs JS baseline's", size, ms(r.ingest.tailor.median), ms(r.ingest.js.median), ratio(r.ingest.tailor.median, r.ingest.js.median), "—");
  row("wasm memory after the first ingest", size, kb(r.ingest.wasmAfterFirst), "—", "—", "—");
}
for (const [key, name] of [["all48", "rank whole catalogue, limit 48"], ["allOrder", "rankOrder whole catalogue (positions)"], ["allFull", "rank whole catalogue, full order (objects)"], ["page48", "rank 500-item page, limit 48"]]) {
  for (const size of SIZES) {
    const t = results.sizes[size].rank[key];
    let target = "—";
    let met;
    if (key !== "page48" && size === "10k") {
      target = "≥ 5× faster than JS, < 1 ms";
      met = t.tailor.median * 5 <= t.js.median && t.tailor.median < 1;
    } else if (key !== "page48" && size === "92k") {
      target = "< 10 ms";
      met = t.tailor.median < 10;
    }
    row(name, size, ms(t.tailor.median), ms(t.js.median), ratio(t.tailor.median, t.js.median), target, met);
  }
}
for (const size of SIZES) {
  const t = results.sizes[size].track;
  row("track (update + persist), per call", size, ms(t.tailor.median), ms(t.js.median), ratio(t.tailor.median, t.js.median), "< 0.2 ms", t.tailor.median < 0.2);
}
for (const s of results.growth.snapshots.filter((x) => x.who === "tailor")) {
  const js = results.growth.snapshots.find((x) => x.who === "js" && x.events === s.events);
  row(`profile stored after ${s.events.toLocaleString("en")} events`, "92k", `${s.stored.profile} B (all keys ${s.stored.all} B)`, js ? `${js.stored.profile} B` : "—", js ? ratio(s.stored.profile, js.stored.profile) : "—", "≤ 16 KB", s.stored.profile <= 16 * 1024);
}
{
  const g = results.growth;
  const d = (who, k) => g[who].after[k] - g[who].before[k];
  row(`JS heap growth after ${EVENTS.toLocaleString("en")} events`, "92k", kb(d("tailor", "jsHeap")), kb(d("js", "jsHeap")), "—", "bounded");
  row(`renderer resident memory growth after ${EVENTS.toLocaleString("en")} events`, "92k", kb(d("tailor", "rendererRss")), kb(d("js", "rendererRss")), "—", "bounded");
  row(`wasm memory growth after ${EVENTS.toLocaleString("en")} events`, "92k", `${kb(d("tailor", "wasmMemory"))} (of ${kb(g.tailor.after.wasmMemory)})`, "—", "—", "bounded");
  row(`${EVENTS.toLocaleString("en")} events (yielding every 1,000), per event`, "92k", ms(g.tailor.perEventMs), ms(g.js.perEventMs), ratio(g.tailor.perEventMs, g.js.perEventMs), "—");
}
const head = ["measure", "size", "Tailor median", "JS median", "Tailor/JS", "target", "met?"];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(" | ")} |`;
console.log(line(head));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows) console.log(line(r));

console.log();
const m = results.machine;
console.log(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; Chromium ${m.chromium} headless; Node ${m.node}; ${m.date}; cross-origin isolated: ${m.crossOriginIsolated}; load average at the end ${m.loadAverage}; run took ${m.seconds} s`);
console.log(`package: ${process.env.BENCH_PKG ?? "pkg"}/tailor_core_bg.wasm ${m.wasm}`);
console.log(`data: 84.51° "The Complete Journey" (CC0); ranking profile: household ${results.sizes["1k"].setup.household}'s ${results.sizes["1k"].setup.events} events; medians of ${QUICK ? "a few (BENCH_QUICK)" : "11–31"} repetitions, interleaved Tailor / JS; short calls timed in batches`);
let mismatches = 0;
const checks = [...SIZES.flatMap((s) => [[`${s} whole catalogue`, results.sizes[s].check.all], [`${s} page`, results.sizes[s].check.page]]), [`92k after ${EVENTS.toLocaleString("en")} synthetic events`, results.growth.check.all]];
for (const [name, c] of checks) {
  mismatches += c.orderMismatches;
  const extra = [c.scoreMismatches && `${c.scoreMismatches} scores by at most ${c.maxScoreUlps} f32 step${c.maxScoreUlps > 1 ? "s" : ""}`, c.matchMismatches && `${c.matchMismatches} match %`, c.reasonMismatches && `${c.reasonMismatches} reasons`, c.fullOrderMismatches && `${c.fullOrderMismatches} positions of the full ${c.n}`].filter(Boolean);
  console.log(`same order, ${name}: ${c.orderMismatches === 0 ? `yes, top ${c.checked} identical` : `NO: ${c.orderMismatches} of the top ${c.checked} differ, first at ${JSON.stringify(c.firstMismatch)}`}${extra.length ? `; differing: ${extra.join(", ")}` : `; scores, match % and reasons identical too (all ${c.n})`}`);
}
for (const size of SIZES) {
  for (const [what, o] of [["whole catalogue", results.sizes[size].check.order], ["page", results.sizes[size].check.pageOrder]]) {
    mismatches += o.mismatches + o.rankMismatches + (o.n === o.nJs && o.typed ? 0 : 1);
    console.log(`same order, ${size} rankOrder ${what}: ${o.mismatches === 0 && o.n === o.nJs ? `yes, all ${o.n} positions identical to the JS baseline's` : `NO: ${o.mismatches} of ${o.n} (JS ${o.nJs}) differ, first at ${JSON.stringify(o.first)}`}; ${o.rankMismatches === 0 ? "and to rank's order" : `${o.rankMismatches} differ from rank's order`}${o.typed ? "" : "; NOT a Uint32Array"}`);
  }
}
if (checks.some(([, c]) => c.scoreMismatches > 0)) {
  console.log("(scores a step or two apart come from the last bit of transcendentals: Rust's libm in the wasm vs V8's Math; with an empty profile, the prior's log1p alone makes 250 of the 1k scores differ by one step)");
}
if (mismatches > 0) process.exitCode = 1;
