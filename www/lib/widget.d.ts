/**
 * `<tailor-consent>`: the shopper's consent widget. Importing this module defines the
 * element (once; a second import or an existing definition is left alone).
 *
 * - A **banner** appears when Tailor should ask (`consent.get().ask` is not null: first
 *   visit, a new `policyVersion` — with the shop's `policyNote` —, or an expired choice):
 *   "Allow personalization" and "No thanks" side by side, and "Choose…" for the panel.
 * - A **panel** (a modal dialog) with a switch per purpose, what Tailor knows (each interest,
 *   brand and item removable), what would be sent, "Export my data" and "Erase everything".
 *   It opens from the banner, from `element.open()`, or from any button of the page that has
 *   the `data-tailor-consent-open` attribute; Escape closes it and focus returns.
 *
 * It attaches to `element.tailor` if set, else `Tailor.current`, else the next Tailor opened.
 * Every choice is recorded with the source `"widget"`. Strings are English or French, from
 * the element's `lang` attribute, else the document's.
 *
 * By default the banner floats at the bottom of the viewport; `placement="inline"` keeps it
 * where the element is in the page.
 *
 * Theming, only through CSS custom properties set on the element (or inherited):
 * | property | default | what |
 * | --- | --- | --- |
 * | `--tailor-accent` | `#1b6b45` | buttons, switches on, meters |
 * | `--tailor-accent-fg` | `#fff` | text on the accent |
 * | `--tailor-bg` | `#fff` | banner and panel background |
 * | `--tailor-fg` | `#1b2420` | text |
 * | `--tailor-muted` | `#4f5b55` | secondary text (keep ≥ 4.5:1 on the background) |
 * | `--tailor-surface` | `#f3f6f4` | notes, meters' track, preview |
 * | `--tailor-border` | `#d5dcd8` | lines and borders |
 * | `--tailor-danger` | `#b3261e` | "Erase everything" |
 * | `--tailor-focus` | `#2f6fde` | the focus ring |
 * | `--tailor-radius` | `14px` | corner radius of banner and panel |
 * | `--tailor-font` | `system-ui, …` | font family |
 * | `--tailor-z` | `2147483000` | z-index of the floating banner |
 *
 * The banner and the panel are also exposed as `::part(banner)` and `::part(panel)`.
 *
 * @example
 * ```html
 * <tailor-consent lang="en"></tailor-consent>
 * <button type="button" data-tailor-consent-open>Privacy</button>
 * <script type="module">
 *   import { Tailor } from "tailor";
 *   import "tailor/widget";
 *   await Tailor.open({ shop: "example-grocer", policyVersion: "2026-11", policyNote: "We now ask about analytics separately." });
 * </script>
 * ```
 */
import type { Tailor } from "./index.js";

export declare class TailorConsentElement extends HTMLElement {
  /** The Tailor instance shown; set it to attach to a specific one (default: `Tailor.current`). */
  tailor: Tailor | null;
  /** Whether the panel is open. */
  readonly isOpen: boolean;
  /**
   * Opens the panel. Focus returns to `opener` (default: the element focused now) on close.
   * Before a Tailor is attached, the panel opens as soon as one is.
   */
  open(opener?: HTMLElement | null): void;
  /** Closes the panel. */
  close(): void;
}

declare global {
  interface HTMLElementTagNameMap {
    "tailor-consent": TailorConsentElement;
  }
}
