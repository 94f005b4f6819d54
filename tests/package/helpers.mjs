// Shared by the package tests: pack pkg/ the way `npm publish` would, unpack or install
// the tarball somewhere fresh, serve a folder on loopback, watch a page for errors.
// Not a spec (Playwright only runs *.spec.mjs).
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import { mkdirSync, mkdtempSync, rmSync, existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join, dirname, extname, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const pkgDir = join(root, "pkg");
export const here = dirname(fileURLToPath(import.meta.url));
/** The git-ignored scratch area (/.tmp in .gitignore). */
export const scratch = join(root, ".tmp", "package-tests");

/** Runs a command; resolves { stdout, stderr }, rejects with both in the message. */
export function run(cmd, args, { cwd, env, timeout = 180_000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, {
      cwd,
      env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false", ...env },
      timeout,
      maxBuffer: 64 * 1024 * 1024,
    }, (error, stdout, stderr) => {
      if (error) {
        error.message = `${cmd} ${args.join(" ")} (in ${cwd}) failed: ${error.message}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`;
        error.stdout = stdout;
        error.stderr = stderr;
        reject(error);
      } else resolve({ stdout, stderr });
    });
  });
}

/** A fresh, empty directory under the scratch area; `remove()` deletes it. */
export function freshDir(label) {
  mkdirSync(scratch, { recursive: true });
  const dir = mkdtempSync(join(scratch, `${label}-`));
  return { dir, remove: () => { if (!process.env.TAILOR_KEEP_TMP) rmSync(dir, { recursive: true, force: true }); } };
}

/**
 * `npm pack` of pkg/ into `dest` (created if missing). Returns the tarball's path and the
 * file list npm reports, so a test sees exactly what a consumer would download.
 */
export async function packPackage(dest) {
  if (!existsSync(join(pkgDir, "package.json"))) {
    throw new Error(`${pkgDir}/package.json is missing: build the package first (node scripts/build.mjs)`);
  }
  mkdirSync(dest, { recursive: true });
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", dest], { cwd: pkgDir });
  // npm may print warnings before the JSON on stdout in some versions: take the JSON array.
  const [info] = JSON.parse(stdout.slice(stdout.indexOf("[")));
  return { tarball: join(dest, info.filename), files: info.files.map((f) => f.path).sort(), info };
}

/** Unpacks a tarball into `dest`; the package ends up in `dest/package/`. */
export async function unpack(tarball, dest) {
  mkdirSync(dest, { recursive: true });
  await run("tar", ["-xzf", tarball, "-C", dest]);
  return join(dest, "package");
}

const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".ts": "text/plain; charset=utf-8",
};

/**
 * A tiny static server on a free loopback port.
 * `mounts`: { "/url-prefix/": "/dir/on/disk" }, longest prefix wins.
 * `files`: { "/exact/path": "body" | { body, type } } served from memory first.
 * Directory URLs serve their index.html. Resolves { url, requests, close() }.
 */
export async function serve({ mounts = {}, files = {} } = {}) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const requests = [];
  const server = createServer(async (req, res) => {
    const { pathname } = new URL(req.url, "http://127.0.0.1");
    requests.push(pathname);
    const send = (status, type, body) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    try {
      const virtual = files[pathname];
      if (virtual !== undefined) {
        const { body, type } = typeof virtual === "string" ? { body: virtual, type: types[extname(pathname)] ?? types[".html"] } : virtual;
        return send(200, type, body);
      }
      const prefix = prefixes.find((p) => pathname.startsWith(p));
      if (!prefix) return send(404, "text/plain", "not found\n");
      const base = mounts[prefix];
      let file = normalize(join(base, decodeURIComponent(pathname.slice(prefix.length))));
      if (file !== base && !file.startsWith(base + sep)) return send(403, "text/plain", "outside\n");
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      send(200, types[extname(file)] ?? "application/octet-stream", await readFile(file));
    } catch {
      send(404, "text/plain", "not found\n");
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}

/**
 * Collects what would mean "the page is unhappy": console errors, uncaught exceptions,
 * failed requests and HTTP errors. Call before navigating; read `.problems` at the end.
 */
export function watchPage(page) {
  const problems = [];
  const logs = [];
  page.on("console", (msg) => {
    logs.push(msg);
    if (msg.type() === "error") problems.push(`console.error: ${msg.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  return { problems, logs };
}

/**
 * Every file `npm pack` puts in the tarball: the entry and its types, the generated glue and
 * its types, the wasm; and the DAP module (dap.js, its glue and wasm), which index.js imports
 * only for shops that declare DAP report kinds.
 */
export const expectedPackageFiles = [
  "dap.js", "index.d.ts", "index.js", "package.json",
  "tailor_core.d.ts", "tailor_core.js", "tailor_core_bg.wasm", "tailor_core_bg.wasm.d.ts",
  "tailor_dap.d.ts", "tailor_dap.js", "tailor_dap_bg.wasm", "tailor_dap_bg.wasm.d.ts",
  "widget.d.ts", "widget.js",
];
