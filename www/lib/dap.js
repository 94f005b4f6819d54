// DAP reports in the page (issue 7; docs/dap.md). index.js imports this file, and with it
// the DAP module (tailor_dap_bg.wasm, Prio3 + HPKE), only for a shop that declared a kind
// with transport "dap": an LDP-only shop downloads none of it, and the main wasm holds no
// DAP code. It validates the kinds' `dap` tasks at `Tailor.open`, makes each report when
// the engine says it is due, and uploads it when index.js flushes.
import init, { declareTask, makeReport, uploadError } from "./tailor_dap.js";

let ready = null;
/** Loads the DAP module's wasm, once per page. */
export function load() {
  ready ??= init();
  return ready;
}

/**
 * Validates the `dap` task of each DAP kind (after `load`): `declared` is
 * `options.reports.kinds`, `kinds` the engine's view of them (`previewReports().kinds`,
 * same order), which it has validated otherwise. Throws for a bad task, naming the field.
 * `host`: { now(), take(kind), error(kind, e), made() } from the Tailor.
 */
export function open(declared, kinds, host) {
  const tasks = new Map();
  kinds.forEach((k, i) => {
    if (k.transport === "dap") tasks.set(k.name, declareTask(declared[i].dap, `reports.kinds[${i}].dap`, k.measure, k.buckets));
  });
  return new DapReports(tasks, host);
}

const HPKE_CONFIG_LIST = "application/ppm-dap;message=hpke-config-list";
/** Aggregators' HPKE config lists by URL, kept for this page as long as their Cache-Control max-age says. */
const hpkeConfigs = new Map();
async function hpkeConfig(url) {
  const hit = hpkeConfigs.get(url);
  if (hit && hit.until > Date.now()) return hit.bytes;
  // No cookie: the aggregators need nothing but the request itself.
  // No referrer either: a page's URL (a product the shopper looks at) is none of theirs.
  const r = await fetch(url, { credentials: "omit", referrerPolicy: "no-referrer", headers: { accept: HPKE_CONFIG_LIST } }).catch((e) => {
    throw reachError(url, e);
  });
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}; expected the aggregator's HPKE configs (${HPKE_CONFIG_LIST})`);
  const bytes = new Uint8Array(await r.arrayBuffer());
  const maxAge = /max-age=(\d+)/.exec(r.headers.get("cache-control") ?? "")?.[1];
  if (maxAge) hpkeConfigs.set(url, { bytes, until: Date.now() + 1000 * Number(maxAge) });
  return bytes;
}

/** A request that got no answer at all: the URL and the usual causes, not just "Failed to fetch". */
function reachError(url, e) {
  return new Error(`${url}: no answer (${e?.message ?? e}); check that the aggregator is up, allows this origin (CORS) and is in the page's Content-Security-Policy connect-src`);
}

class DapReports {
  #tasks;
  #host;
  /** Kinds due: kind → { item (the engine's preview().dap entry), report (once made) }. */
  #due = new Map();

  constructor(tasks, host) {
    this.#tasks = tasks;
    this.#host = host;
  }

  /** The kind's task: minBatchSize for `preview().kinds`. */
  task(kind) {
    return this.#tasks.get(kind);
  }

  /**
   * Makes the report of each kind in `due` (the engine's `preview().dap`) not made yet:
   * fetches both aggregators' HPKE configs, encrypts. The report then waits, like an LDP
   * one, for `flush`, visible in `preview`.
   */
  make(due) {
    const todo = due.filter((d) => !this.#due.has(d.kind));
    for (const item of todo) this.#due.set(item.kind, { item, report: null });
    if (todo.length === 0) return;
    (async () => {
      for (const item of todo) {
        const task = this.#tasks.get(item.kind);
        try {
          const [leader, helper] = await Promise.all([hpkeConfig(task.leaderConfig), hpkeConfig(task.helperConfig)]);
          const entry = this.#due.get(item.kind);
          if (entry?.item !== item) continue; // withdrawn (or closed) meanwhile
          entry.report = makeReport(task.taskId, task.task, task.domain, leader, helper, item.value, this.#host.now());
        } catch (e) {
          // Tried again on this page's next consent change; otherwise lost for the week
          // (the ledger counts a kind once it is due: never twice, at worst not at all).
          this.#due.delete(item.kind);
          this.#host.error(item.kind, e);
        }
      }
      this.#host.made();
    })();
  }

  /** Uploads the made reports the engine still allows (`host.take`); returns how many. */
  flush() {
    let started = 0;
    for (const [kind, { report }] of this.#due) {
      if (!report) continue;
      this.#due.delete(kind);
      // False when analytics was withdrawn (here or in another tab): the report never leaves.
      if (!this.#host.take(kind)) continue;
      started++;
      this.#upload(kind, report);
    }
    return started;
  }

  async #upload(kind, report) {
    try {
      // application/ppm-dap is not a CORS-safelisted type (sendBeacon cannot send it): a
      // fetch, kept alive past the page, after a preflight the leader must answer.
      const r = await fetch(report.url, { method: "POST", body: report.body, headers: { "content-type": report.contentType }, keepalive: true, credentials: "omit", referrerPolicy: "no-referrer" }).catch((e) => {
        throw reachError(report.url, e);
      });
      const type = r.headers.get("content-type") ?? undefined;
      const body = new Uint8Array(await r.arrayBuffer());
      let problem;
      if (type?.startsWith("application/problem+json")) {
        try {
          problem = JSON.parse(new TextDecoder().decode(body));
        } catch {}
      }
      const error = uploadError(r.status, type, body, problem, report.reportId);
      if (error) throw new Error(error);
    } catch (e) {
      this.#host.error(kind, e);
    }
  }

  /** A kind due, as `reports.preview().dap` shows it: the value in clear, the task and, once made, the exact upload. */
  preview(d) {
    const task = this.#tasks.get(d.kind);
    const r = this.#due.get(d.kind)?.report;
    const host = (u) => new URL(u).host;
    const about = `Your answer ("${d.label}") is split into two secret shares, one for ${host(task.leaderConfig)} and one for ${host(task.helperConfig)}; neither can read it alone, and the shop only ever sees the total of at least ${task.minBatchSize} shoppers.`;
    if (!r) return { ...d, ...task, about, ready: false };
    let bytes = "";
    for (const b of r.body) bytes += String.fromCharCode(b);
    return { ...d, ...task, about, ready: true, url: r.url, contentType: r.contentType, reportId: r.reportId, time: r.time, measurement: r.measurement, size: r.body.length, bodyBase64: btoa(bytes) };
  }

  /** Drops the kinds due and their reports (analytics withdrawn, or the Tailor closed). */
  clear() {
    this.#due.clear();
  }
}
