// The end-to-end suites' shared fixture: every test fails on a console error or warning,
// an uncaught exception or a browser dialog (alert/confirm) in any page of its context.
// A test that expects one takes it out of `pageProblems` itself.
import { test as base, expect } from "@playwright/test";

export { expect };

export const test = base.extend({
  pageProblems: [
    async ({ context }, use) => {
      const problems = [];
      const watch = (page) => {
        page.on("console", (m) => {
          if (m.type() === "error" || m.type() === "warning") problems.push(`console.${m.type()}: ${m.text()}`);
        });
        page.on("pageerror", (e) => problems.push(`uncaught: ${e.name}: ${e.message}`));
        page.on("dialog", (d) => {
          problems.push(`a ${d.type()} dialog: ${d.message()}`);
          d.dismiss().catch(() => {});
        });
      };
      context.pages().forEach(watch);
      context.on("page", watch);
      await use(problems);
      expect(problems, "console errors/warnings, uncaught exceptions or browser dialogs in the page").toEqual([]);
    },
    { auto: true },
  ],
});

/** The demo shop's storage keys. */
export const PREFIX = "tailor.v1.tailor-demo.";
export const CONSENT_KEY = `${PREFIX}consent`;
