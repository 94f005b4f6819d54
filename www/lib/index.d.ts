/**
 * Tailor: on-device personalization for online shops. The shopper's profile and
 * consent live in this browser's storage; nothing is recorded before consent.
 *
 * @example
 * ```js
 * import { Tailor } from "tailor";
 * const tailor = await Tailor.open({ shop: "example-grocer", policyVersion: "2026-11" });
 * tailor.loadCatalogue(items);
 * tailor.consent.set({ personalization: true });
 * tailor.track({ type: "view", item: "sku-123" });
 * const ranked = tailor.rank({ limit: 48 });
 * ```
 */

/** Options of {@link Tailor.open}. Unknown options are an error. */
export interface TailorOptions {
  /** The shop's name: namespaces every storage key. Letters, digits, `-`, `_`, `.`. */
  shop: string;
  /** The version of the shop's privacy policy; consent given under another version does not count. */
  policyVersion: string;
  /** Categories (paths) whose items are never recorded, boosted or given as a reason. */
  sensitive?: { categories: string[] };
  /** Consent stops counting after this many days (default 182); the widget then asks again. */
  consentExpiryDays?: number;
  /** What changed in this policy version, in a sentence: the widget shows it when it asks again. */
  policyNote?: string;
  /** Seeds every random choice (offer ties); default: one that turns daily. Inject one in tests. Never the reports' noise, which always comes from the OS. */
  seed?: number;
  /** The aggregate reports the shop wants, privatized on the device; none are sent without the `analytics` purpose. */
  reports?: ReportsOptions;
  /** The clock, in ms since 1970 (default `Date.now`): inject one in tests. */
  clock?: () => number;
  /** Where to load the wasm from (default: next to this module). */
  wasm?: string | URL | Request | Response | BufferSource | WebAssembly.Module;
}

/**
 * The reports a shop declares. Each kind is sent at most once a week (Monday to Sunday,
 * UTC), randomized on the device with local differential privacy.
 * @example
 * ```js
 * reports: {
 *   endpoint: "/tailor/reports",
 *   kinds: [
 *     { name: "interest", measure: "topCategory", buckets: ["Produce", "Bakery", "Deli"] },
 *     { name: "basket", measure: "basketSize", bounds: [1, 5, 10, 20], epsilon: 0.5 },
 *     { name: "clicked", measure: "personalizedClick", epsilon: 0.5 },
 *   ],
 * }
 * ```
 */
export interface ReportsOptions {
  /** Where LDP reports are POSTed (text/plain, one JSON per line): a path on this site or a URL. Optional when every kind is DAP. */
  endpoint?: string;
  kinds: ReportKind[];
  /** Largest ε of one report (default 1). */
  maxEpsilonPerReport?: number;
  /** Largest ε of all reports of one week together (default 2, at most 8); a report that would exceed it is not made. */
  maxEpsilonPerPeriod?: number;
}

/** One report kind: what it measures, over which buckets, and how it is sent. */
export type ReportKind = {
  /** Letters, digits, `-`, `_`; unique. */
  name: string;
} & (
  | {
      /** Local differential privacy (the default): randomized on the device, spending ε. */
      transport?: "ldp";
      /** ε of this report (default: `maxEpsilonPerReport`). Lower: more noise, more privacy. */
      epsilon?: number;
      /** Overrides the randomizer chosen by domain size. */
      mechanism?: "grr" | "oue" | "olh";
    }
  | {
      /**
       * The IETF Distributed Aggregation Protocol (draft-ietf-ppm-dap-18, Prio3): the true
       * value, split into two secret shares encrypted to two aggregators, which release only
       * totals of at least `minBatchSize` shoppers. No ε is spent on the device. `Tailor.open`
       * loads a second wasm module (~80 KB gzip) to validate `dap` and, later, make the
       * reports; a shop without DAP kinds never loads it. See docs/dap.md.
       */
      transport: "dap";
      dap: DapTask;
    }
) & (
  /** The declared category with the shopper's strongest interest (or "other"), this week. */
  | { measure: "topCategory"; buckets: string[] }
  /** Items in the largest one-day basket of last week, by lower bounds. */
  | { measure: "basketSize"; bounds: number[] }
  /** Whether the shopper clicked a slot Tailor personalized last week (`track({ ..., personalized: true })`). */
  | { measure: "personalizedClick" }
  /** The declared offer group (`group` of an offer) the shopper redeemed most last week, or "none". */
  | { measure: "offerGroup"; groups: string[] }
);

/** A DAP kind's task: every field must equal the aggregators' task exactly (it is bound into each report). */
export interface DapTask {
  /** base64url without padding, 43 characters (32 bytes). */
  taskId: string;
  /** The task's `task_info`, 1 to 255 bytes of text. */
  taskInfo: string;
  /** The leader's base URL (`https://…`; `http://` only for localhost): reports are POSTed to `{leader}/tasks/{taskId}/reports`. */
  leader: string;
  /** The helper's base URL; another aggregator than the leader. */
  helper: string;
  /** Seconds, at least 86400 (a day). */
  timePrecision: number;
  /** At least 100: the smallest total the aggregators release. */
  minBatchSize: number;
  batchMode: "timeInterval" | "leaderSelected";
  /** Default: a histogram over the kind's buckets (a count for personalizedClick). */
  vdaf?: { type: "histogram" | "count" | "sum" | "sumVec"; length?: number; chunkLength?: number; maxMeasurement?: number };
  /** The task's `task_interval` extension: POSIX seconds, multiples of `timePrecision`. */
  taskInterval?: { start: number; duration: number };
}

/** A DAP kind's report due, as `reports.preview().dap` shows it. */
export interface DapPreview {
  kind: string;
  measure: string;
  /** The bucket this shopper contributes, and its label: what the report carries, in clear. */
  value: number;
  label: string;
  /** First day of the period it describes, YYYY-MM-DD. */
  period: string;
  taskId: string;
  /** The task's TaskConfiguration (DAP-18 §4.2), base64url. */
  task: string;
  domain: number;
  vdaf: string;
  minBatchSize: number;
  /** The aggregators' HPKE config URLs. */
  leaderConfig: string;
  helperConfig: string;
  /** In plain words, for the shopper. */
  about: string;
  /** The report is made (module loaded, keys fetched, encrypted); the fields below are present. */
  ready: boolean;
  url?: string;
  contentType?: string;
  /** base64url, 16 random bytes. */
  reportId?: string;
  /** In units of the task's time precision. */
  time?: number;
  /** The VDAF's measurement in clear: a bucket (histogram, sum), a yes/no (count), a one-hot vector (sumVec). */
  measurement?: number | boolean | number[];
  size?: number;
  /** Exactly the bytes the upload carries, standard base64. */
  bodyBase64?: string;
}

/** What `reports.preview()` shows: the exact bytes of the next send, and what is declared. */
export interface ReportsPreview {
  endpoint: string | null;
  /** The analytics purpose is granted: the pending reports will be sent. */
  sending: boolean;
  /** Exactly what the next send carries: the pending reports, one JSON per line ("" when none). */
  body: string;
  reports: string[];
  /** DAP kinds' reports due (their own uploads, not in `body`). */
  dap: DapPreview[];
  kinds: { name: string; measure: string; epsilon: string; mechanism: "grr" | "oue" | "olh"; transport: "ldp" | "dap"; minBatchSize: number | null; buckets: string[]; reported: boolean }[];
  /** This week's spend on this device (ε as exact decimal strings). */
  budget: { period: string; spent: string; cap: string } | null;
}

/** A catalogue item as the shop's server sends it. Only `id` is required. */
export interface CatalogueItem {
  id: string;
  title?: string;
  /** A path such as `apparel/shoes/running`. */
  category?: string;
  brand?: string;
  price?: number;
  tags?: string[];
  attributes?: Record<string, string>;
  /** The server's own score; the server's order is popularity descending. */
  popularity?: number;
  /** Default true. */
  inStock?: boolean;
  /** Same as `inStock`. */
  in_stock?: boolean;
  sensitive?: boolean;
  /** Ids of items the server found go together, from aggregate data; best first. */
  related?: string[];
}

export interface CatalogueProblem {
  /** Position of the item in the array passed. */
  index: number;
  id: string | null;
  field: string;
  message: string;
}

export interface LoadSummary {
  loaded: number;
  /** Items left out: no usable id, or a repeated one. */
  skipped: number;
  /** The first 100 problems. */
  problems: CatalogueProblem[];
  problemCount: number;
}

export type TailorEvent =
  | { type: "view"; item: string; at?: number; personalized?: boolean }
  | { type: "dismiss"; item: string; at?: number }
  | { type: "search"; query: string; item: string; at?: number; personalized?: boolean }
  | { type: "cart"; item: string; quantity?: number; at?: number; personalized?: boolean }
  | { type: "purchase"; item: string; quantity?: number; at?: number };

/**
 * What `track` did: nothing is recorded without consent, for a sensitive item without the
 * `sensitive` purpose, or for a topic the shopper removed ("blocked").
 */
export type TrackOutcome = "recorded" | "no-consent" | "sensitive" | "blocked";

/** A merchant rule: what it does, to any of the listed items, categories or brands. */
export type MerchantRule =
  | { action: "pin"; items: string[] }
  | { action: "boost" | "bury"; items?: string[]; categories?: string[]; brands?: string[]; by?: number }
  | { action: "filter"; items?: string[]; categories?: string[]; brands?: string[] };

export interface RankRequest {
  /** Candidate ids (e.g. a category page); every loaded item when absent. */
  items?: string[];
  /** How many results (pins included); all candidates when absent. */
  limit?: number;
  /** The shop's rules, with or without consent: pins first in order, filters win over pins. */
  rules?: MerchantRule[];
  /** At most so many of one brand / deepest category among the first `window` (default `limit`) results. */
  diversity?: { maxPerBrand?: number; maxPerCategory?: number; window?: number };
  /** Share (0–0.3) of the first results given, seeded, to items outside the profile ("Something new to try"). */
  explore?: number;
}

/** What `rankOrder` takes. */
export interface OrderRequest {
  /** Candidate ids; every loaded item when absent. */
  items?: string[];
  /** How many of the best; all candidates when absent. */
  limit?: number;
}

export interface RankedItem {
  id: string;
  score: number;
  /** 0–100: the share of the other candidates this item outscores; 0 when nothing personal speaks for it. */
  match: number;
  /** Up to two human reasons, each true of the shopper's own history. */
  reasons: string[];
}

/** The purposes a shopper grants or withdraws; all are off until granted. */
export type Purpose = "personalization" | "analytics" | "sensitive";

/** Who made a choice: kept with each choice as proof of how it was given. */
export type ConsentSource = "api" | "widget" | "browser-signal";

/** An offer of the shop's pool. Unknown fields are allowed on the offer (display data), not in its rules. */
export interface Offer {
  id: string;
  title?: string;
  /** What it applies to (any of them); absent or empty: the whole shop. */
  appliesTo?: { items?: string[]; categories?: string[]; brands?: string[] };
  /** Exactly one: a percentage (0–100] or an amount off. */
  value: { percent: number } | { amount: number };
  minBasket?: number;
  audience?: "new" | "returning" | "all";
  /** ms since 1970; runs from `startsAt` until before `endsAt`. */
  startsAt?: number;
  endsAt?: number;
  /** How many times one shopper may redeem it. */
  capPerShopper?: number;
  /** Never offered without the shopper's `sensitive` purpose (also inferred from its categories and items). */
  sensitive?: boolean;
  /** The family of offers it belongs to: what an `offerGroup` report counts. */
  group?: string;
  [display: string]: unknown;
}

export interface OfferContext {
  basketValue?: number;
  /** How many offers (default 3, at most 20). */
  limit?: number;
}

export interface PickedOffer {
  id: string;
  title: string;
  score: number;
  /** Up to two, each true of the shopper's own history. */
  reasons: string[];
  /** Estimated saving in the shop's currency, when it can be told. */
  savings: number | null;
}

export interface OfferSummary {
  loaded: number;
  skipped: number;
  problems: CatalogueProblem[];
  problemCount: number;
}

export interface ConsentState {
  /** Record events, keep a profile on this device, re-rank. */
  personalization: boolean;
  /** Send privatized aggregates to the shop. */
  analytics: boolean;
  /** Also use sensitive categories for personalization (never for reports). Counts only with `personalization`. */
  sensitive: boolean;
  policyVersion: string;
  /** When the shopper last chose, under this policy version (ms), or null. */
  updatedAt: number | null;
  /**
   * Why the shopper should be asked now, or null while a valid choice stands:
   * no choice yet, a choice under an older policy version, or one older than `consentExpiryDays`.
   */
  ask: "first-visit" | "policy-changed" | "expired" | null;
  /** The shop's `policyNote`, when `ask` is "policy-changed". */
  policyNote: string | null;
  /** The browser sends Global Privacy Control: analytics stays off unless the shopper turns it on. */
  gpc: boolean;
  /** Who made the standing choice for each purpose (null: nobody yet). */
  sources: Record<Purpose, ConsentSource | null>;
}

export interface ConsentChange {
  personalization?: boolean;
  analytics?: boolean;
  sensitive?: boolean;
}

/** One grant or withdrawal, as kept in the consent log (the newest 100 are kept). */
export interface ConsentLogEntry {
  purpose: Purpose;
  granted: boolean;
  at: number;
  source: ConsentSource;
  policyVersion: string;
}

export interface TailorStatus {
  /** "local": persisted in localStorage; "memory": storage failed, state lasts this page only. */
  storage: "local" | "memory";
  consent: ConsentState;
  catalogueItems: number;
  /** The last problem, in words; never profile contents. */
  lastError: string | null;
}

export interface Interest {
  /** The category path or brand name: pass it to `profile.remove`. */
  key: string;
  /** Readable: the last level of a category path, or the brand. */
  label: string;
  /** Category level (1 = department); 0 for brands. */
  depth: number;
  /** 0–100, relative to the strongest of its kind and level. */
  weight: number;
}

export interface DescribedItem {
  id: string;
  title: string | null;
  type: "view" | "search" | "cart" | "purchase" | "dismiss";
  at: number;
  count: number;
}

export interface ProfileDescription {
  /** Category interests, strongest first within each level, most specific levels first. */
  interests: Interest[];
  brands: Interest[];
  recent: DescribedItem[];
  purchased: DescribedItem[];
  dismissed: number;
  /** Topics the shopper removed: not learned again until allowed. */
  blocked: string[];
  /** What was learned from sensitive categories (only with the `sensitive` purpose), kept apart so withdrawing erases exactly it. */
  sensitive: ProfileDescription | null;
}

/** What to remove from the profile: a category interest or brand (also blocks learning it again), or one item's history. */
export type RemoveTarget = { interest: string } | { brand: string } | { item: string };

/** What `exportData` returns: the shopper's copy of everything Tailor keeps. */
export interface TailorExport {
  shop: string;
  exportedAt: string;
  /** Every storage key Tailor wrote for this shop, with its raw value. */
  stored: Record<string, string>;
  consentLog: ConsentLogEntry[];
  profile: ProfileDescription;
}

export declare class Tailor extends EventTarget {
  /**
   * Loads the wasm and reads consent and profile from storage. Never throws because of
   * storage (it falls back to memory and says so in `status`); throws for bad options.
   * @example
   * ```js
   * const tailor = await Tailor.open({ shop: "example-grocer", policyVersion: "2026-11" });
   * tailor.status.storage; // "local"
   * ```
   */
  static open(options: TailorOptions): Promise<Tailor>;
  private constructor();

  /** Storage mode, consent, catalogue size, last error. */
  readonly status: TailorStatus;

  /** The most recently opened Tailor of this page (what `<tailor-consent>` attaches to), or null. */
  static readonly current: Tailor | null;

  readonly consent: {
    get(): ConsentState;
    /** Every grant and withdrawal, oldest first (proof of consent). */
    log(): ConsentLogEntry[];
    /**
     * Grants or withdraws purposes; withdrawing personalization erases the profile at once.
     * @example
     * ```js
     * tailor.consent.set({ personalization: true });
     * ```
     */
    set(change: ConsentChange, options?: { source?: ConsentSource }): ConsentState;
  };

  readonly profile: {
    /** What Tailor knows about the shopper, in human terms. */
    describe(): ProfileDescription;
    /**
     * Removes one interest, brand or item from what Tailor knows; a removed interest or brand
     * is not learned again until `allow`ed. Returns whether anything was removed.
     * @example
     * ```js
     * tailor.profile.remove({ interest: "Grocery/Cheese" });
     * ```
     */
    remove(target: RemoveTarget): boolean;
    /** Lets Tailor learn a removed interest or brand again. */
    allow(topic: string): boolean;
  };

  /**
   * Validates and ingests the page's catalogue (once per page): the array of items, or the
   * server's JSON payload of that array as it arrived — bytes (`Uint8Array`, `ArrayBuffer`)
   * or text — which is read in one pass without making a JS object per item (the fastest
   * way: about the time `JSON.parse` alone takes). A bad item field is dropped and reported;
   * input that is not a catalogue at all (not JSON, a field of the wrong type) throws, naming
   * the item and field or the line and column, and the catalogue loaded before stays.
   * @example
   * ```js
   * const { loaded, problems } = tailor.loadCatalogue([{ id: "sku-1", title: "Trail Runner 2", category: "shoes/running" }]);
   * // or, straight from the server:
   * tailor.loadCatalogue(new Uint8Array(await (await fetch("/catalogue.json")).arrayBuffer()));
   * ```
   */
  loadCatalogue(items: CatalogueItem[] | Uint8Array | ArrayBuffer | string): LoadSummary;

  /**
   * Records a shopper event. Throws for a malformed event, naming the field.
   * @example
   * ```js
   * tailor.track({ type: "view", item: "sku-1" }); // "recorded", or "no-consent"
   * ```
   */
  track(event: TailorEvent): TrackOutcome;

  /**
   * Ranks candidates for this shopper, best first; the server's order without consent.
   * @example
   * ```js
   * for (const { id, match, reasons } of tailor.rank({ limit: 12 })) console.log(id, match, reasons);
   * ```
   */
  rank(request?: RankRequest): RankedItem[];

  /**
   * The same order as `rank` (the server's without consent), compact: the best `limit`
   * candidates as their positions in the array given to `loadCatalogue`, best first. No ids,
   * match or reasons, and no rules, diversity or exploration: for sorting a whole catalogue
   * or a long listing (92k items in a few milliseconds), then `rank` for the page shown.
   * @example
   * ```js
   * const order = tailor.rankOrder({ limit: 1000 });
   * const sorted = Array.from(order, (position) => catalogue[position]);
   * ```
   */
  rankOrder(request?: OrderRequest): Uint32Array;

  /**
   * Picks the best offers of `pool` for this shopper (eligibility, relevance, cap, fatigue);
   * without consent, by value alone and nothing is recorded.
   * @example
   * ```js
   * const [best] = tailor.offers(pool, { basketValue: 42.5, limit: 3 });
   * ```
   */
  offers(pool: Offer[], context?: OfferContext): PickedOffer[];
  /** What `offers` would skip in `pool`, and why (field and offer index). */
  checkOffers(pool: Offer[]): OfferSummary;
  /** Records that the shopper used an offer (its cap, its fatigue); false when nothing was recorded. */
  offerRedeemed(id: string): boolean;

  readonly reports: {
    /**
     * What the next send would carry, byte for byte, what the shop declared, and this
     * week's privacy budget. Empty `body` without the analytics purpose.
     * @example
     * ```js
     * const { body, budget } = tailor.reports.preview();
     * ```
     */
    preview(): ReportsPreview;
    /**
     * Sends the pending reports now (also done when the page is hidden or left): `sent` LDP
     * reports by `via`, and `dap` DAP uploads started (a refusal comes as a `reporterror` event).
     */
    flush(): { sent: number; via: "beacon" | "fetch" | null; dap: number };
  };

  /** Everything Tailor keeps for this shop: stored keys, consent log, profile in words. */
  exportData(): TailorExport;

  /** Erases everything Tailor stored for this shop, consent record included. */
  forget(): void;

  /** Stops listening to other tabs and frees the wasm memory. */
  close(): void;

  /** Fires when the shopper's consent changed: here, in another tab, or by `forget()`. */
  addEventListener(type: "consentchange", listener: (e: CustomEvent<ConsentState>) => void, options?: boolean | AddEventListenerOptions): void;
  /**
   * Fires whenever what Tailor keeps changed other than by this page's own `track`: consent,
   * `forget()`, or another tab's events. Re-rank on it.
   */
  addEventListener(type: "change", listener: (e: CustomEvent<{ origin: "this-page" | "other-tab" }>) => void, options?: boolean | AddEventListenerOptions): void;
  /** Fires when reports were handed to the browser to send. */
  addEventListener(type: "reportsent", listener: (e: CustomEvent<{ sent: number; via: "beacon" | "fetch" | null; dap: number }>) => void, options?: boolean | AddEventListenerOptions): void;
  /** Fires when a DAP report was made (encrypted) and waits in `reports.preview().dap` for the next send. */
  addEventListener(type: "reportready", listener: (e: CustomEvent<undefined>) => void, options?: boolean | AddEventListenerOptions): void;
  /**
   * Fires when a DAP report could not be made or sent: the DAP module or an aggregator's
   * HPKE configs could not be loaded, or the leader refused the upload (`message` names the
   * kind, the DAP error code and what to do, e.g. `hpke_decrypt_error: … check every dap field`).
   */
  addEventListener(type: "reporterror", listener: (e: CustomEvent<{ kind: string; message: string }>) => void, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
}
