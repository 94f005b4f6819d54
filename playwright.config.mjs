// End-to-end tests in Debian's Chromium (never a downloaded browser), against the demo
// shop served on loopback by scripts/serve.mjs. The package must be built first
// (scripts/test.sh does it).
import { defineConfig } from "@playwright/test";
import { fileURLToPath } from "node:url";

const port = Number(process.env.TAILOR_TEST_PORT ?? 8181);
// Where the demo's collector appends reports during the tests (tests/e2e/reports.spec.mjs reads it).
process.env.TAILOR_REPORTS_FILE ??= fileURLToPath(new URL("target/e2e-reports.jsonl", import.meta.url));
// …and where it logs every request it receives (the reports suite checks the server's view too).
process.env.TAILOR_REQUEST_LOG ??= fileURLToPath(new URL("target/e2e-requests.jsonl", import.meta.url));

export default defineConfig({
  testDir: "tests",
  testMatch: ["e2e/**/*.spec.mjs", "package/**/*.spec.mjs"],
  fullyParallel: false,
  workers: 1, // 2-core machines: one browser at a time keeps timings sane
  timeout: 60_000,
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  webServer: {
    command: `node scripts/serve.mjs ${port}`,
    url: `http://localhost:${port}/pkg/package.json`, // up once the server runs and the package is built
    reuseExistingServer: false,
    env: { TAILOR_REPORTS_FILE: process.env.TAILOR_REPORTS_FILE, TAILOR_REQUEST_LOG: process.env.TAILOR_REQUEST_LOG },
    timeout: 30_000,
  },
});
