#!/usr/bin/env node
// Serves the demo shop: www/ at /, the built package (pkg/) at /pkg/. Loopback only.
// It is also the demo's report collector: POST /tailor/reports appends the privatized
// reports (one JSON per line, checked against the wire format) to $TAILOR_REPORTS_FILE
// (default target/demo-reports.jsonl), for `tailor-reports decode` to read. With
// $TAILOR_REQUEST_LOG set, every request it receives is logged there (method, URL, body
// length): the end-to-end tests check what reached the server, beacons sent as a page
// closes included (the browser's own request events miss those).
// Usage: node scripts/serve.mjs [port]   (default 8080, or $PORT)
import { createServer } from "node:http";
import { appendFile, mkdir, readFile, stat } from "node:fs/promises";
import { join, normalize, extname, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.argv[2] ?? process.env.PORT ?? 8080);
const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".ts": "text/plain; charset=utf-8",
};

/** Maps a URL path to a file under www/ or pkg/, refusing anything outside them. */
function resolve(urlPath) {
  const path = normalize(decodeURIComponent(urlPath)).replace(/^(\.\.[/\\])+/, "");
  const [base, rest] = path.startsWith("/pkg/") ? ["pkg", path.slice(5)] : ["www", path.slice(1)];
  const file = join(root, base, rest || "index.html");
  return file.startsWith(join(root, base)) ? file : null;
}

const reportsFile = process.env.TAILOR_REPORTS_FILE ?? join(root, "target", "demo-reports.jsonl");
const COMMON = ["v", "shop", "kind", "period", "mechanism", "epsilon", "domain"];
const BY_MECHANISM = { grr: ["value"], oue: ["bits"], olh: ["a", "b", "g", "value"] };
const LABEL = /^[A-Za-z0-9._-]{1,100}$/;

/** Why `line` is not a report in Tailor's wire format (format 1), or null if it is one. */
function reportProblem(line) {
  let r;
  try {
    r = JSON.parse(line);
  } catch {
    return "not JSON";
  }
  if (typeof r !== "object" || r === null || Array.isArray(r)) return "not an object";
  const extra = BY_MECHANISM[r.mechanism];
  if (!extra) return "mechanism: expected grr, oue or olh";
  const keys = Object.keys(r).sort().join();
  if (keys !== [...COMMON, ...extra].sort().join()) return `fields: expected exactly ${[...COMMON, ...extra].join(", ")}`;
  const whole = (n, lo, hi) => Number.isInteger(n) && n >= lo && n <= hi;
  if (r.v !== 1) return "v: expected 1";
  if (!LABEL.test(r.shop) || !LABEL.test(r.kind)) return "shop, kind: expected labels";
  if (!/^\d{4}-\d{2}-\d{2}$/.test(r.period)) return "period: expected YYYY-MM-DD";
  if (!(typeof r.epsilon === "number" && r.epsilon > 0 && r.epsilon <= 8)) return "epsilon: expected a number in (0, 8]";
  if (!whole(r.domain, 2, 1000)) return "domain: expected 2 to 1000";
  if (r.mechanism === "grr" && !whole(r.value, 0, r.domain - 1)) return "value: expected a bucket";
  if (r.mechanism === "oue" && !(typeof r.bits === "string" && r.bits.length === r.domain && /^[01]+$/.test(r.bits))) return "bits: expected one 0/1 per bucket";
  if (r.mechanism === "olh" && !(whole(r.a, 1, 2147483646) && whole(r.b, 0, 2147483646) && whole(r.g, 2, 1e6) && whole(r.value, 0, r.g - 1))) return "a, b, g, value: expected a hash and a value below g";
  return null;
}

/** The collector: all lines valid, or nothing appended. */
async function collect(req, res) {
  let body = "";
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 65536) break;
  }
  const lines = body.split("\n").filter((l) => l.trim() !== "");
  const problem = body.length > 65536 ? "body over 64 KiB" : lines.length === 0 ? "no report" : lines.map(reportProblem).find((p) => p);
  if (problem) {
    res.writeHead(400, { "content-type": "text/plain" });
    return res.end(`not a Tailor report: ${problem}\n`);
  }
  await mkdir(dirname(reportsFile), { recursive: true });
  await appendFile(reportsFile, lines.map((l) => l.trim() + "\n").join(""));
  res.writeHead(204);
  res.end();
}

const requestLog = process.env.TAILOR_REQUEST_LOG;
if (requestLog) await mkdir(dirname(requestLog), { recursive: true });

const server = createServer(async (req, res) => {
  if (requestLog) await appendFile(requestLog, JSON.stringify({ method: req.method, url: req.url, length: Number(req.headers["content-length"] ?? 0) }) + "\n");
  const url = new URL(req.url, "http://localhost");
  if (url.pathname === "/tailor/reports") {
    if (req.method === "POST") return collect(req, res);
    res.writeHead(405, { allow: "POST", "content-type": "text/plain" });
    return res.end("POST reports here\n");
  }
  let file = resolve(url.pathname);
  try {
    if (!file) throw new Error("outside");
    if ((await stat(file)).isDirectory()) file = join(file, "index.html");
    const body = await readFile(file);
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : body);
  } catch {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found\n");
  }
});
server.listen(port, "127.0.0.1", () => console.log(`Tailor demo shop: http://localhost:${port}/ (reports collected in ${reportsFile})`));
