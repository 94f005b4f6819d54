// The package's types, as a TypeScript consumer gets them from the packed tarball:
// tests/package/types/consumer.ts calls every public call and must compile under strict
// settings with both "bundler" and "nodenext" resolution; its `@ts-expect-error` lines
// prove wrong calls are rejected.
import { test, expect } from "@playwright/test";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root, here, freshDir, packPackage, run } from "./helpers.mjs";

test.describe.configure({ mode: "serial" });

const tsc = join(root, "node_modules", ".bin", "tsc");
let tmp, app;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  tmp = freshDir("types");
  const { tarball } = await packPackage(join(tmp.dir, "tarball"));
  app = join(tmp.dir, "app");
  cpSync(join(here, "types"), join(app, "types"), { recursive: true });
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "tailor-ts-consumer", private: true, type: "module" }, null, 2) + "\n");
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", tarball], { cwd: app });
});

test.afterAll(() => tmp?.remove());

/** Runs tsc; resolves { code, output } whatever the exit code. */
async function typecheck(project) {
  try {
    const { stdout, stderr } = await run(tsc, ["--noEmit", "--pretty", "false", "-p", project], { cwd: app });
    return { code: 0, output: stdout + stderr };
  } catch (e) {
    if (typeof e.code !== "number") throw e;
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

for (const config of ["tsconfig.json", "tsconfig.nodenext.json"]) {
  test(`a strict consumer type-checks against the installed tarball (${config})`, async () => {
    const { code, output } = await typecheck(join("types", config));
    expect(output).toBe("");
    expect(code).toBe(0);
  });
}

test("without its @ts-expect-error directives the consumer fails on exactly those lines", async () => {
  // Proves the check above has teeth: tsc really checks consumer.ts against the package's
  // types, and each wrong call is an error where the directive says.
  const source = readFileSync(join(app, "types", "consumer.ts"), "utf8").split("\n");
  const expected = [];
  const mutant = source.map((line, i) => {
    if (!/^\s*\/\/ @ts-expect-error/.test(line)) return line;
    expected.push(i + 2); // the line after the directive (1-based)
    return "";
  });
  expect(expected.length).toBeGreaterThanOrEqual(15);
  writeFileSync(join(app, "types", "consumer.ts"), mutant.join("\n"));
  try {
    const { code, output } = await typecheck(join("types", "tsconfig.json"));
    expect(code).not.toBe(0);
    const lines = [...new Set([...output.matchAll(/consumer\.ts\((\d+),\d+\): error TS\d+/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
    expect(lines, output).toEqual(expected);
  } finally {
    writeFileSync(join(app, "types", "consumer.ts"), source.join("\n"));
  }
});
