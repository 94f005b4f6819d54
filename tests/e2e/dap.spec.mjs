// DAP reports in the demo shop, end to end (issue 7). The shop's declaration
// (reports.json, served through page.route) sends its interest kind by DAP to a local
// leader and helper: the dap-test-leader binary (src/bin/dap-test-leader.rs), started
// here on a free port. It records every request it receives and, asked, decrypts,
// verifies and aggregates the uploads with the same in-process aggregators as
// tests/dap.rs. Proves: nothing reaches the aggregators before analytics; after it,
// one well-formed upload per kind per week, whose aggregate is this shopper's value;
// a refused report surfaces as a `reporterror`; a bad `dap` task fails `Tailor.open` with
// the DAP module's message naming the field; an LDP-only shop never loads the DAP module.
// Run: npx playwright test tests/e2e/dap.spec.mjs (the package must be built into pkg/).
import { test, expect, openShop, viewItem, gridIds, openPanel, closePanel } from "./fixture.mjs";
import { execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
// Tuesday 2026-11-24, 10:00 UTC.
const TUESDAY = Date.UTC(2026, 10, 24, 10);
const BUCKETS = ["Grocery", "Produce", "Health & home", "Packaged meat", "Meat", "Deli", "Bakery", "Nutrition"];
const TASK_ID = "8BY0RzZMzxvA46_8ymhzycOB9krN-QIGYvg_RsByGec";

let leader; // { origin, process }

// The demo's CSP (www/index.html) allows connections to itself only; a DAP shop adds its
// two aggregators to connect-src (docs/dap.md). Rewriting the page through page.route
// would make it a "public" document to Chromium's local-network checks, so the test
// lets Chromium skip the CSP instead.
test.use({ bypassCSP: true });

/** A port nothing listens on now. */
const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** The interest kind's DAP task, as both the shop and the aggregators have it. */
function task(origin, taskInfo = "tailor e2e interest") {
  return {
    taskId: TASK_ID,
    taskInfo,
    leader: `${origin}/leader`,
    helper: `${origin}/helper`,
    timePrecision: 604800,
    minBatchSize: 100,
    batchMode: "timeInterval",
    vdaf: { type: "histogram", length: BUCKETS.length + 1, chunkLength: 3 },
  };
}

/** The shop's declaration: the interest kind by DAP (`dap` may differ from the aggregators' task). */
const declaration = (dap) => ({ kinds: [{ name: "interest", measure: "topCategory", buckets: BUCKETS, transport: "dap", dap }] });

test.beforeAll(async () => {
  execFileSync("cargo", ["build", "--quiet", "--bin", "dap-test-leader"], { cwd: ROOT, stdio: "inherit" });
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const { batchMode, ...spec } = task(origin);
  const tasks = fileURLToPath(new URL("target/e2e-dap-tasks.json", `file://${ROOT}/`));
  writeFileSync(tasks, JSON.stringify([{ kind: "interest", ...spec }]));
  const child = spawn(`${ROOT}/target/debug/dap-test-leader`, ["--port", String(port), "--tasks", tasks], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => String(d).includes("listening") && resolve());
    child.on("exit", (code) => reject(new Error(`dap-test-leader exited with ${code}`)));
  });
  leader = { origin, process: child };
});

test.afterAll(() => leader?.process.kill());

const leaderLog = async () => (await fetch(`${leader.origin}/log`)).json();
const aggregate = async () => (await fetch(`${leader.origin}/aggregate?kind=interest`)).json();

/** Every URL the page's context requested. */
function watch(context) {
  const urls = [];
  context.on("request", (r) => urls.push(r.url()));
  return urls;
}

const isDapModule = (url) => /\/tailor_dap(_bg\.wasm|\.js)$/.test(new URL(url).pathname);

/** A shopper with a profile (personalization only), in a shop declaring `decl`. */
async function shopperWithProfile(page, decl) {
  await page.route("**/reports.json", (route) => route.fulfill({ json: decl }));
  await page.clock.setFixedTime(TUESDAY);
  await openShop(page);
  await page.getByTestId("consent-allow").click(); // personalization only
  for (const id of (await gridIds(page)).slice(0, 3)) await viewItem(page, id);
}

const grantAnalytics = (page) => page.evaluate(() => window.tailorDemo.tailor.consent.set({ analytics: true }));
const previewDap = (page) => page.evaluate(() => window.tailorDemo.tailor.reports.preview().dap);

test("nothing reaches the aggregators before analytics; after it, one upload a week whose aggregate is the shopper's value", async ({ page, context }) => {
  const urls = watch(context);
  await shopperWithProfile(page, declaration(task(leader.origin)));
  await page.reload(); // a pagehide: would flush anything pending
  await page.evaluate(() => window.tailorDemo.ready);
  expect(await leaderLog(), "no request to the leader or helper before analytics").toEqual([]);
  // The DAP module (a static file of the package, from the shop's own origin) is loaded by
  // Tailor.open, which validates the kind's task with it; it sends nothing.
  expect(urls.filter(isDapModule).length, "the DAP module is loaded at open").toBeGreaterThan(0);
  expect(await previewDap(page)).toEqual([]);

  await grantAnalytics(page);
  await expect.poll(async () => (await previewDap(page))[0]?.ready, { message: "the report is made" }).toBe(true);
  const [item] = await previewDap(page);
  expect(item.kind).toBe("interest");
  expect(item.label).toBe([...BUCKETS, "other"][item.value]);
  expect(item.measurement, "a histogram's measurement is the bucket").toBe(item.value);
  expect(item.about).toContain("at least 100 shoppers");
  expect(item.contentType).toBe("application/ppm-dap;message=upload-req");
  expect(item.url).toBe(`${leader.origin}/leader/tasks/${TASK_ID}/reports`);
  const body = Buffer.from(item.bodyBase64, "base64");
  expect(body.length).toBe(item.size);
  expect(body.subarray(0, 16).toString("base64url"), "the body starts with the report id").toBe(item.reportId);
  expect(body.readBigUInt64BE(16), "then the report time, in weeks").toBe(BigInt(Math.floor(TUESDAY / 1000 / 604800)));
  expect(item.minBatchSize).toBe(100);
  expect(await page.evaluate(() => window.tailorDemo.tailor.reports.preview().kinds[0].minBatchSize)).toBe(100);
  // The widget says it in words and shows the exact encrypted upload.
  await openPanel(page);
  await expect(page.getByTestId("consent-sent-kinds")).toContainText("total only: the shop sees it only in a total of at least 100 shoppers");
  await expect(page.getByTestId("consent-dap-note")).toContainText("the shop only ever sees the total of at least 100 shoppers");
  await expect(page.getByTestId("consent-preview-dap")).toHaveText(item.bodyBase64);
  await expect(page.getByText(`“${item.label}” (interest), total only: ${item.size} bytes, encrypted, in base64:`)).toBeVisible();
  await expect(page.getByTestId("consent-preview-empty")).toHaveCount(0);
  await closePanel(page);
  // Nothing uploaded yet: reports wait for flush (or the page being hidden).
  expect((await leaderLog()).filter((e) => e.method === "POST")).toEqual([]);

  const errors = [];
  await page.evaluate(() => {
    window.dapErrors = [];
    window.tailorDemo.tailor.addEventListener("reporterror", (e) => window.dapErrors.push(e.detail));
  });
  expect(await page.evaluate(() => window.tailorDemo.tailor.reports.flush())).toEqual({ sent: 0, via: null, dap: 1 });
  await expect.poll(async () => (await leaderLog()).filter((e) => e.method === "POST").length).toBe(1);
  // Leaving and coming back this week sends nothing more.
  await page.reload();
  await page.evaluate(() => window.tailorDemo.ready);
  expect(await previewDap(page)).toEqual([]);
  expect(await page.evaluate(() => window.tailorDemo.tailor.reports.preview().kinds[0].reported)).toBe(true);
  errors.push(...(await page.evaluate(() => window.dapErrors ?? [])));
  expect(errors).toEqual([]);

  const log = await leaderLog();
  const posts = log.filter((e) => e.method === "POST");
  expect(posts).toEqual([
    { method: "POST", path: `/leader/tasks/${TASK_ID}/reports`, contentType: "application/ppm-dap;message=upload-req", length: item.size, origin: "http://localhost:" + new URL(page.url()).port },
  ]);
  // Only configs, the preflight and the upload: never a cookie-bearing or other request.
  for (const e of log) expect(["GET /leader/hpke_config", "GET /helper/hpke_config", `OPTIONS /leader/tasks/${TASK_ID}/reports`, `POST /leader/tasks/${TASK_ID}/reports`]).toContain(`${e.method} ${e.path}`);
  const total = await aggregate();
  const expected = Array.from({ length: BUCKETS.length + 1 }, (_, k) => (k === item.value ? 1 : 0));
  expect(total).toEqual({ kind: "interest", counted: 1, refused: 0, firstRefusal: null, total: expected });
});

test("a report the leader refuses comes back as a reporterror naming the kind and the DAP error", async ({ page }) => {
  // The shop's taskInfo differs from the aggregators': the report cannot be decrypted.
  await shopperWithProfile(page, declaration(task(leader.origin, "not the aggregators' task")));
  await page.evaluate(() => {
    window.dapErrors = [];
    window.tailorDemo.tailor.addEventListener("reporterror", (e) => window.dapErrors.push(e.detail));
  });
  await page.evaluate(() => window.tailorDemo.tailor.consent.set({ analytics: true }));
  await expect.poll(async () => (await previewDap(page))[0]?.ready).toBe(true);
  await page.evaluate(() => window.tailorDemo.tailor.reports.flush());
  await expect.poll(() => page.evaluate(() => window.dapErrors.length)).toBe(1);
  const [error] = await page.evaluate(() => window.dapErrors);
  expect(error.kind).toBe("interest");
  expect(error.message).toContain('reports.kinds "interest" (dap): the leader refused report');
  expect(error.message).toContain("hpke_decrypt_error");
});

test("a bad dap task fails Tailor.open with the field at fault, word for word, and leaves no Tailor open", async ({ page }) => {
  await page.clock.setFixedTime(TUESDAY);
  await openShop(page); // the demo, for its page and package; its own Tailor stays as it is
  const open = (dap) =>
    page.evaluate(async (dap) => {
      const { Tailor } = await import("/pkg/index.js");
      const before = Tailor.current;
      const reports = { kinds: [{ name: "clicked", measure: "personalizedClick", transport: "dap", dap }] };
      try {
        await Tailor.open({ shop: "e2e-dap-bad", policyVersion: "2026-11", reports });
        return { opened: true };
      } catch (e) {
        return { message: e.message, kept: Tailor.current === before };
      }
    }, dap);
  const good = task(leader.origin);
  delete good.vdaf; // personalizedClick: a count by default
  expect(await open({ ...good, minBatchSize: 10 })).toEqual({
    message: "reports.kinds[0].dap.minBatchSize: 10 is not allowed; expected the task's minimum batch size, a whole number of at least 100: a smaller batch's total says too much about the shoppers in it",
    kept: true,
  });
  expect(await open({ ...good, vdaf: { type: "histogram", length: 3 } })).toEqual({
    message: "reports.kinds[0].dap.vdaf.length: 3 is not the kind's 2 buckets (no, yes); expected 2",
    kept: true,
  });
  // A wrong type is the options reader's error, as for every other option.
  expect(await open({ ...good, timePrecision: "weekly" })).toEqual({
    message: 'options.reports.kinds[0].dap.timePrecision: expected a number, got the string "weekly"',
    kept: true,
  });
  expect(await open({ ...good, tasks: 1 })).toMatchObject({ message: expect.stringMatching(/^options\.reports\.kinds\[0\]\.dap\.tasks: unknown field; expected one of taskId, /) });
  // The rest of the kind is the main wasm's to check, as before.
  expect(await open(undefined)).toMatchObject({ message: expect.stringMatching(/^reports\.kinds\[0\]\.dap: missing; /) });
  expect(await open(good)).toEqual({ opened: true });
});

test("a shop declaring only LDP kinds never loads the DAP module", async ({ page, context }) => {
  const urls = watch(context);
  await page.clock.setFixedTime(TUESDAY);
  await openShop(page);
  await page.getByTestId("consent-allow").click();
  for (const id of (await gridIds(page)).slice(0, 3)) await viewItem(page, id);
  await grantAnalytics(page);
  expect(await page.evaluate(() => window.tailorDemo.tailor.reports.preview().body), "LDP reports are due").not.toBe("");
  await page.reload();
  await page.evaluate(() => window.tailorDemo.ready);
  expect(urls.some((u) => u.endsWith("/pkg/tailor_core_bg.wasm")), "the watch sees the package's files").toBe(true);
  expect(urls.filter(isDapModule)).toEqual([]);
});

test("with the DAP module unloadable and a kind due at open, Tailor.open still succeeds and a reporterror says why", async ({ page, pageProblems }) => {
  await shopperWithProfile(page, declaration(task(leader.origin)));
  await grantAnalytics(page);
  await expect.poll(async () => (await previewDap(page))[0]?.ready, { message: "this week's report is made" }).toBe(true);
  // A week later the interest kind is due again as the page opens, and the module cannot load.
  await page.clock.setFixedTime(TUESDAY + 7 * 86_400_000);
  await page.route("**/tailor_dap_bg.wasm", (route) => route.abort());
  await page.addInitScript(() => {
    window.dapErrors = [];
    addEventListener("tailor:open", (e) => e.detail.addEventListener("reporterror", (x) => window.dapErrors.push(x.detail)));
  });
  await page.reload();
  await page.evaluate(() => window.tailorDemo.ready);
  expect(await page.evaluate(() => window.tailorDemo.tailor === globalThis.Tailor?.current || !!window.tailorDemo.tailor)).toBe(true);
  expect((await gridIds(page)).length, "the shop still ranks").toBeGreaterThan(0);
  await expect.poll(() => page.evaluate(() => window.dapErrors)).toEqual([{ kind: "interest", message: expect.stringContaining("the DAP module (dap.js, tailor_dap_bg.wasm) could not be loaded") }]);
  // The one console error expected: the browser's own line for the aborted wasm.
  expect(pageProblems).toEqual(["console.error: Failed to load resource: net::ERR_FAILED"]);
  pageProblems.length = 0;
});
