// A TypeScript consumer of the published package, checked with `tsc --noEmit` (strict) by
// tests/package/types.spec.mjs against the installed tarball. It calls every public call
// with the types a shop would use, pins the result types exactly, and proves with
// `@ts-expect-error` that wrong calls are rejected: if a type loosens (or becomes `any`),
// the directive is unused and tsc fails.
import { Tailor } from "tailor";
import { TailorConsentElement } from "tailor/widget";
import type {
  CatalogueItem,
  CatalogueProblem,
  ConsentChange,
  ConsentLogEntry,
  ConsentState,
  DescribedItem,
  Interest,
  LoadSummary,
  ProfileDescription,
  RankedItem,
  RankRequest,
  OrderRequest,
  TailorEvent,
  TailorExport,
  TailorOptions,
  TailorStatus,
  TrackOutcome,
} from "tailor";

/** true only if A and B are the same type (not merely assignable; `any` fails). */
type Exact<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): void {}

export async function shop(items: CatalogueItem[], wasmBytes: ArrayBuffer): Promise<string[]> {
  const options: TailorOptions = {
    shop: "example-grocer",
    policyVersion: "2026-11",
    sensitive: { categories: ["pharmacy/pregnancy", "meat/pork"] },
    consentExpiryDays: 90,
    clock: () => Date.now(),
    wasm: new URL("./tailor_core_bg.wasm", import.meta.url),
  };
  const tailor = await Tailor.open(options);
  assertType<Exact<typeof tailor, Tailor>>();
  // Every form the `wasm` option takes.
  await Tailor.open({ shop: "a", policyVersion: "1", wasm: "/assets/tailor_core_bg.wasm" });
  await Tailor.open({ shop: "a", policyVersion: "1", wasm: wasmBytes });
  await Tailor.open({ shop: "a", policyVersion: "1", wasm: new Uint8Array(wasmBytes) });
  await Tailor.open({ shop: "a", policyVersion: "1", wasm: await fetch("/tailor_core_bg.wasm") });
  await Tailor.open({ shop: "a", policyVersion: "1", wasm: new WebAssembly.Module(wasmBytes) });

  // status
  const status = tailor.status;
  assertType<Exact<typeof status, TailorStatus>>();
  assertType<Exact<typeof status.storage, "local" | "memory">>();
  assertType<Exact<typeof status.lastError, string | null>>();
  const count: number = status.catalogueItems;
  const granted: boolean = status.consent.personalization;

  // consent
  const consent = tailor.consent.get();
  assertType<Exact<typeof consent, ConsentState>>();
  assertType<Exact<typeof consent.updatedAt, number | null>>();
  const change: ConsentChange = { personalization: true };
  const afterSet = tailor.consent.set(change);
  assertType<Exact<typeof afterSet, ConsentState>>();
  tailor.consent.set({ analytics: false }, { source: "api" });
  tailor.consent.set({ personalization: true, analytics: true }, { source: "widget" });
  tailor.consent.set({ analytics: false }, { source: "browser-signal" });
  tailor.consent.set({ personalization: false }, {});
  tailor.consent.set({ personalization: true, sensitive: true });
  const ask: "first-visit" | "policy-changed" | "expired" | null = consent.ask;
  const note: string | null = consent.policyNote;
  const gpc: boolean = consent.gpc;
  const analyticsSource: "api" | "widget" | "browser-signal" | null = consent.sources.analytics;
  console.log(ask, note, gpc, analyticsSource, consent.sensitive);
  const log = tailor.consent.log();
  assertType<Exact<typeof log, ConsentLogEntry[]>>();
  const firstPurpose: "personalization" | "analytics" | "sensitive" | undefined = log[0]?.purpose;
  console.log(firstPurpose);

  // events
  tailor.addEventListener("consentchange", (e) => {
    const personalization: boolean = e.detail.personalization;
    assertType<Exact<typeof e.detail, ConsentState>>();
    console.log(personalization, e.detail.analytics, e.detail.policyVersion);
  });
  tailor.addEventListener("consentchange", (e) => console.log(e.detail.updatedAt), { once: true });
  tailor.addEventListener("change", (e) => {
    const origin: "this-page" | "other-tab" = e.detail.origin;
    console.log(origin);
  });

  // catalogue
  const summary = tailor.loadCatalogue(items);
  assertType<Exact<typeof summary, LoadSummary>>();
  const problem: CatalogueProblem | undefined = summary.problems[0];
  const where: string = problem ? `${problem.index} ${problem.id ?? "?"} ${problem.field}: ${problem.message}` : "";
  tailor.loadCatalogue([
    { id: "sku-1" },
    {
      id: "sku-2", title: "Trail Socks", category: "shoes/socks", brand: "Acme", price: 9.5, tags: ["wool"],
      attributes: { colour: "grey", size: "M" }, popularity: 3, inStock: true, sensitive: false, related: ["sku-1"],
    },
    { id: "sku-3", in_stock: false },
  ]);
  // the server's JSON payload itself: bytes, a buffer or the text
  const fromBytes = tailor.loadCatalogue(new TextEncoder().encode(JSON.stringify(items)));
  assertType<Exact<typeof fromBytes, LoadSummary>>();
  tailor.loadCatalogue(new ArrayBuffer(2));
  tailor.loadCatalogue("[]");

  // track: every event type
  const events: TailorEvent[] = [
    { type: "view", item: "sku-1" },
    { type: "view", item: "sku-1", at: Date.now() },
    { type: "dismiss", item: "sku-3" },
    { type: "search", query: "socks", item: "sku-2" },
    { type: "cart", item: "sku-2", quantity: 2 },
    { type: "cart", item: "sku-2" },
    { type: "purchase", item: "sku-2", quantity: 1, at: Date.now() },
  ];
  const outcomes = events.map((e) => tailor.track(e));
  assertType<Exact<(typeof outcomes)[number], TrackOutcome>>();
  const outcome = tailor.track({ type: "view", item: "sku-2" });
  if (outcome === "recorded" || outcome === "no-consent" || outcome === "sensitive") console.log(outcome);

  // rank
  const all = tailor.rank();
  const request: RankRequest = { items: ["sku-1", "sku-2"], limit: 48 };
  const page = tailor.rank(request);
  tailor.rank({ limit: 3 });
  tailor.rank({ items: ["sku-1"] });
  tailor.rank({ limit: 12, rules: [{ action: "pin", items: ["sku-1"] }, { action: "boost", categories: ["shoes"], by: 0.5 }, { action: "filter", brands: ["Zed"] }], diversity: { maxPerBrand: 2 }, explore: 0.1 });
  assertType<Exact<typeof page, RankedItem[]>>();
  const order = tailor.rankOrder({ limit: 100 });
  assertType<Exact<typeof order, Uint32Array>>();
  const orderRequest: OrderRequest = { items: ["sku-1"], limit: 1 };
  const firstItem = items[tailor.rankOrder(orderRequest)[0] ?? 0];
  const [top] = all;
  const line: string = top ? `${top.id} ${top.score.toFixed(2)} ${top.match}% ${top.reasons.join("; ")}` : "";

  // profile
  const profile = tailor.profile.describe();
  assertType<Exact<typeof profile, ProfileDescription>>();
  const interest: Interest | undefined = profile.interests[0];
  const recent: DescribedItem | undefined = profile.recent[0];
  const kinds: Array<DescribedItem["type"]> = profile.purchased.map((p) => p.type);
  const dismissed: number = profile.dismissed;
  const brand: string | undefined = profile.brands[0]?.key;
  const label: string | undefined = interest?.label;
  const depth: number | undefined = interest?.depth;
  const blocked: string[] = profile.blocked;
  const sensitivePart: ProfileDescription | null = profile.sensitive;
  console.log(label, depth, blocked, sensitivePart);
  const removed: boolean = tailor.profile.remove({ interest: "Grocery/Cheese" });
  tailor.profile.remove({ brand: "Acme" });
  tailor.profile.remove({ item: "sku-1" });
  const allowed: boolean = tailor.profile.allow("Grocery/Cheese");
  console.log(removed, allowed, Tailor.current?.status.storage);

  // the consent widget
  const widget = document.createElement("tailor-consent");
  const typed: TailorConsentElement = widget;
  typed.tailor = tailor;
  typed.open();
  const isOpen: boolean = typed.isOpen;
  console.log(isOpen);
  // @ts-expect-error the widget's Tailor must be a Tailor
  typed.tailor = { shop: "x" };

  // export, forget, close
  const exported = tailor.exportData();
  assertType<Exact<typeof exported, TailorExport>>();
  const storedKeys: Record<string, string> = exported.stored;
  const exportedLog: ConsentLogEntry[] = exported.consentLog;
  console.log(storedKeys, exportedLog, exported.shop, exported.exportedAt, exported.profile.interests);
  const forgotten: void = tailor.forget();
  tailor.close();

  // ---- wrong calls the types must reject ----
  // @ts-expect-error remove takes one target object, not a string
  tailor.profile.remove("Grocery/Cheese");
  // @ts-expect-error "marketing" is not a purpose
  tailor.consent.set({ marketing: true });
  // @ts-expect-error a pin takes items, not categories
  tailor.rank({ rules: [{ action: "pin", categories: ["shoes"] }] });
  // @ts-expect-error "like" is not an event type
  tailor.track({ type: "like", item: "x" });
  // @ts-expect-error a view needs the item
  tailor.track({ type: "view" });
  // @ts-expect-error a search needs its query
  tailor.track({ type: "search", item: "sku-1" });
  // @ts-expect-error quantity is only for cart and purchase
  tailor.track({ type: "view", item: "sku-1", quantity: 2 });
  // @ts-expect-error limit is a number
  tailor.rank({ limit: "5" });
  // @ts-expect-error items are ids, not catalogue items
  tailor.rank({ items: [{ id: "sku-1" }] });
  // @ts-expect-error rankOrder takes no rules (rank arranges the page)
  tailor.rankOrder({ rules: [] });
  // @ts-expect-error a catalogue is items, bytes or text, not a number
  tailor.loadCatalogue(42);
  // @ts-expect-error the purpose is spelled "personalization"
  tailor.consent.set({ personalisation: true });
  // @ts-expect-error consent is a boolean
  tailor.consent.set({ personalization: "yes" });
  // @ts-expect-error the source is one of "api", "widget", "browser-signal"
  tailor.consent.set({ analytics: true }, { source: "cookie-banner" });
  // @ts-expect-error policyVersion is required
  await Tailor.open({ shop: "x" });
  // @ts-expect-error unknown options are an error
  await Tailor.open({ shop: "x", policyVersion: "1", debug: true });
  // @ts-expect-error sensitive takes { categories }
  await Tailor.open({ shop: "x", policyVersion: "1", sensitive: ["meat/pork"] });
  // @ts-expect-error price is a number
  tailor.loadCatalogue([{ id: "a", price: "cheap" }]);
  // @ts-expect-error every item needs an id
  tailor.loadCatalogue([{ title: "No id" }]);
  // @ts-expect-error Tailor is created with `await Tailor.open(…)`
  new Tailor();
  // @ts-expect-error status is read-only
  tailor.status = status;
  // @ts-expect-error storage is "local" | "memory", not a boolean
  const notBoolean: boolean = status.storage;
  // @ts-expect-error the consent detail has no such purpose
  tailor.addEventListener("consentchange", (e) => e.detail.personalisation);
  // @ts-expect-error a change event's origin is "this-page" or "other-tab", not a number
  tailor.addEventListener("change", (e) => { const n: number = e.detail.origin; return n; });
  // @ts-expect-error rank returns an array, not a promise
  await tailor.rank().then(() => 0);

  return [String(count), String(granted), where, line, firstItem?.id ?? "", interest?.key ?? "", recent?.title ?? "", kinds.join(), String(dismissed), brand ?? "", String(forgotten), String(notBoolean)];
}
