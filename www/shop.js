// Tailor Grocer: the demo shop. No framework, no build step.
// Every catalogue string is untrusted: it reaches the page only through
// textContent / DOM APIs (the `h` helper below), never through innerHTML.
import { Tailor } from "./pkg/index.js";
import "./pkg/widget.js"; // <tailor-consent>: the banner and the privacy panel

const SHOP = "tailor-demo";
const POLICY_VERSION = "2026-11";
// Shown by the consent widget when it asks again because the policy version changed.
const POLICY_NOTE = "You can now let Tailor learn from sensitive categories (such as pork or baby formula) too; it stays off unless you switch it on.";
const SENSITIVE = ["Meat/Pork", "Health & home/Infant formula", "Health & home/Cigarettes", "Grocery/Beers, ales"];
// The shop's declared reports (reports.json): sent only with the shopper's "analytics"
// purpose, privatized in the browser, collected by scripts/serve.mjs, decoded by
// `cargo run --bin tailor-reports -- decode target/demo-reports.jsonl --config www/reports.json`.
const REPORTS_CONFIG = "reports.json";
const PAGE_SIZE = 60;
const SEARCH_SUGGESTIONS = 8;
const OFFERS_SHOWN = 3; // "Offers for you"
const BASKET_OFFERS_SHOWN = 2; // "Offers for this order", in the basket

// Tests wait on `ready`: it resolves once the grid first rendered.
let markReady;
let markFailed;
const ready = new Promise((resolve, reject) => {
  markReady = resolve;
  markFailed = reject;
});
ready.catch(() => {}); // a failure is shown on the page; no unhandled rejection
window.tailorDemo = { tailor: null, ready, sensitive: SENSITIVE };

/** @type {import("./pkg/index.js").Tailor} */
let tailor;
const byId = new Map(); // id → catalogue item
const lowerTitles = new Map(); // id → lower-case title, for search
let depts = []; // [{ name, ids }]
let route = { kind: "all" };
let limit = PAGE_SIZE;
const basket = new Map(); // id → quantity (this page only)
let pool = null; // the shop's offers (data/offers.json); null when they could not be loaded
let wholeShopPool = []; // those that apply to the whole order, for the basket
const offerById = new Map();
const applied = new Set(); // ids of offers the shopper used, kept in the basket (this page only)
const cards = new Map(); // id → card element, reused across renders so re-ranks can animate

const $ = (id) => document.getElementById(id);
const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
const reduceMotion = matchMedia("(prefers-reduced-motion: reduce)");

// ---------------------------------------------------------------- DOM helpers

/** Creates an element. Children that are strings become text nodes; `text` sets textContent. */
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  el.append(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
  return el;
}

const SVG = "http://www.w3.org/2000/svg";
function icon(name) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "icon");
  svg.setAttribute("aria-hidden", "true");
  const use = document.createElementNS(SVG, "use");
  use.setAttribute("href", `#i-${name}`);
  svg.append(use);
  return svg;
}

// ---------------------------------------------------------------- catalogue helpers

const DEPT_ORDER = ["Produce", "Meat", "Packaged meat", "Seafood", "Packaged seafood", "Deli", "Bakery", "Salad bar", "Grocery", "Nutrition", "Health & home", "Floral", "Garden", "Cosmetics"];
const DEPT_ICON = {
  Produce: "carrot", Meat: "beef", "Packaged meat": "drumstick", Seafood: "fish", "Packaged seafood": "fish",
  Deli: "sandwich", Bakery: "wheat", "Salad bar": "salad", Grocery: "basket", Nutrition: "apple",
  "Health & home": "home", Floral: "flower", Garden: "sprout", Cosmetics: "sparkle",
};
/** A pictogram for the item's kind, from words in its category path; else its department's. */
const KIND_ICONS = [
  [/frz|frozen|ice cream|\bice\b|novelties/, "snow"],
  [/pizza/, "pizza"],
  [/cheese/, "cheese"],
  [/\beggs?\b/, "egg"],
  [/pnt btr|peanut|jelly|jams|syrup|honey/, "can"],
  [/milk|yogurt|butter|margarine|dairy|creamer/, "milk"],
  [/beer|wine|liquor/, "bottle"],
  [/bread|buns|rolls|dough|bagel|muffin/, "bread"],
  [/cookie|cracker|cake|\bpies?\b|sweet goods|breakfast sweets|snacks/, "cookie"],
  [/drink|juice|water|soda|coffee|\btea|cocoa|isotonic/, "drink"],
  [/candy|gum/, "candy"],
  [/soup|canned|beans|shelf stable|sauce|condiment|olives|pickle/, "can"],
  [/pasta|noodle|rice|cereal|dinner mx|oatmeal/, "bowl"],
  [/\bcat\b|\bdog\b|pet/, "paw"],
  [/detergent|bleach|clean|soap|laundry|dishwash|air care/, "spray"],
  [/fruit|berries|apples|citrus|grapes|melons|pears|banana/, "apple"],
  [/salad/, "salad"],
  [/chicken|poultry|turkey/, "drumstick"],
  [/seafood|fish|tuna/, "fish"],
];
function iconFor(item) {
  const path = (item.category ?? "").toLowerCase().split("/").slice(1).join("/");
  for (const [re, name] of KIND_ICONS) if (re.test(path)) return name;
  return DEPT_ICON[deptOf(item)] ?? "basket";
}
const deptOf = (item) => (item.category ?? "").split("/")[0] || "Other";
const typeOf = (item) => (item.category ?? "").split("/").filter(Boolean).at(-1) ?? "";
const tileClass = (item) => `t-${deptOf(item).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")}`;
const isSensitive = (item) => SENSITIVE.some((p) => item.category === p || item.category?.startsWith(`${p}/`));
const titleOf = (id) => byId.get(id)?.title ?? id;

function tile(item, extraClass = "tile") {
  const el = h("div", { class: `${extraClass} ${tileClass(item)}` });
  el.append(icon(iconFor(item)));
  return el;
}

// ---------------------------------------------------------------- tracking

/** Tracks one event; re-renders unless told not to. Returns the outcome, or null if it failed. */
function track(event, { rerender = true } = {}) {
  let outcome = null;
  try {
    outcome = tailor.track(event);
  } catch (err) {
    console.error("Tailor could not track", event, err);
    toast("Sorry, something went wrong remembering that.");
  }
  if (rerender) refresh();
  return outcome;
}

const personalizing = () => tailor.consent.get().personalization;

// ---------------------------------------------------------------- routing

function parseRoute() {
  const params = new URLSearchParams(location.hash.slice(1));
  const dept = params.get("dept");
  const q = params.get("q");
  if (dept && depts.some((d) => d.name === dept)) return { kind: "dept", dept };
  if (q && q.trim()) return { kind: "search", query: q.trim() };
  return { kind: "all" };
}

function onRoute() {
  route = parseRoute();
  limit = PAGE_SIZE;
  for (const a of document.querySelectorAll("#dept-list a")) {
    const current = route.kind === "dept" ? a.dataset.dept === route.dept : route.kind === "all" && a.dataset.testid === "dept-all";
    if (current) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  if (route.kind === "search") $("search").value = route.query;
  renderGrid({ animate: false });
}

function candidates() {
  if (route.kind === "dept") return depts.find((d) => d.name === route.dept).ids;
  if (route.kind === "search") return searchIds(route.query);
  return null; // every loaded item
}

// ---------------------------------------------------------------- the grid

function renderNav() {
  const list = $("dept-list");
  const all = h("a", { href: "#", "data-testid": "dept-all" }, "All", h("span", { class: "count", text: byId.size.toLocaleString("en-US") }));
  list.replaceChildren(
    h("li", {}, all),
    ...depts.map((d) =>
      h("li", {}, h("a", { href: `#${new URLSearchParams({ dept: d.name })}`, "data-testid": "dept", "data-dept": d.name }, d.name, h("span", { class: "count", text: String(d.ids.length) }))),
    ),
  );
}

function buildCard(item) {
  const titleId = `p-${cards.size}`;
  // A card sits where Tailor's ranking put it: a click on it is a click on a personalized slot.
  const view = () => openDetail(item.id, { from: route.kind === "search" ? route.query : null, personalized: true });
  const media = tile(item);
  media.append(h("span", { class: "tile-type", text: typeOf(item) }));
  if (item.attributes?.size) media.append(h("span", { class: "tile-size", text: item.attributes.size }));
  const card = h(
    "article",
    { class: "card", "data-testid": "product", "data-id": item.id, "data-category": item.category ?? "", "aria-labelledby": titleId },
    media,
    h(
      "div",
      { class: "card-body" },
      h("h2", { class: "card-title", id: titleId }, h("button", { type: "button", onclick: view, text: item.title ?? item.id })),
      h("p", { class: "card-brand", text: item.brand ?? "" }),
      h(
        "div",
        { class: "card-buy" },
        h("span", { class: "price", text: typeof item.price === "number" ? money.format(item.price) : "" }),
        h("button", { type: "button", class: "button primary", "data-testid": "add", onclick: () => addToBasket(item.id) }, "Add to basket"),
      ),
      h(
        "div",
        { class: "card-actions" },
        h("button", { type: "button", class: "button ghost", "data-testid": "view", onclick: view }, "View"),
        h("button", { type: "button", class: "button ghost", "data-testid": "dismiss", onclick: () => dismiss(item.id) }, "Not interested"),
      ),
    ),
  );
  return card;
}

/** Shows this render's match and reasons on a (reused) card. */
function updateCard(card, ranked) {
  card.querySelector(".match")?.remove();
  card.querySelector(".reasons")?.remove();
  if (ranked.match > 0) {
    card.querySelector(".tile").append(h("span", { class: "match", "data-testid": "match", text: `${ranked.match}% match` }));
  }
  const reasons = ranked.reasons.slice(0, 2);
  if (reasons.length > 0) {
    card.querySelector(".card-brand").after(h("ul", { class: "reasons", "data-testid": "reasons" }, reasons.map((r) => h("li", { text: r }))));
  }
}

function renderGrid({ animate = true } = {}) {
  const grid = $("grid");
  const cands = candidates();
  const total = cands ? cands.length : byId.size;
  const ranked = tailor.rank(cands ? { items: cands, limit } : { limit });
  const forYou = personalizing();

  // Remember where cards were, to slide them to their new places (FLIP).
  const before = new Map();
  if (animate && !reduceMotion.matches) {
    for (const el of grid.children) before.set(el, el.getBoundingClientRect());
  }
  const focused = grid.contains(document.activeElement) ? document.activeElement : null;

  const next = ranked.map((r) => {
    let card = cards.get(r.id);
    if (!card) cards.set(r.id, (card = buildCard(byId.get(r.id))));
    updateCard(card, r);
    return card;
  });
  if (next.length === 0) {
    next.push(h("p", { class: "empty", text: route.kind === "search" ? `No products match “${route.query}”.` : "No products here." }));
  }
  grid.replaceChildren(...next);
  if (focused?.isConnected) focused.focus({ preventScroll: true });

  for (const [el, was] of before) {
    if (!el.isConnected) continue;
    const now = el.getBoundingClientRect();
    const dx = was.left - now.left;
    const dy = was.top - now.top;
    if (dx || dy) {
      el.animate([{ transform: `translate(${dx}px, ${dy}px)` }, { transform: "none" }], { duration: 380, easing: "cubic-bezier(.2,.7,.2,1)" });
    }
  }

  const title = route.kind === "dept" ? route.dept : route.kind === "search" ? `Results for “${route.query}”` : "All departments";
  $("listing-title").textContent = title;
  document.title = route.kind === "all" ? "Tailor Grocer" : `${title} · Tailor Grocer`;
  const sub = $("listing-sub");
  sub.replaceChildren(
    `${ranked.length.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} products · `,
    forYou ? h("span", { class: "for-you", text: "Ordered for you, on this device" }) : "Most popular first",
  );
  grid.setAttribute("aria-busy", "false");
  $("more").hidden = ranked.length >= total;
}

// ---------------------------------------------------------------- actions

function addToBasket(id) {
  basket.set(id, (basket.get(id) ?? 0) + 1);
  renderBasket();
  const count = $("basket-button").querySelector(".basket-count");
  count.classList.remove("bump");
  void count.offsetWidth; // restart the animation
  count.classList.add("bump");
  toast(`Added ${titleOf(id)} to your basket.`);
  track({ type: "cart", item: id });
}

function dismiss(id) {
  const outcome = track({ type: "dismiss", item: id });
  if (outcome === "recorded") toast(`Got it: you will see less of ${titleOf(id)}.`);
  else if (outcome === "no-consent") toast("Switch on personalization and Tailor will remember what you are not interested in.");
  else if (outcome === "sensitive") toast("Tailor records nothing about this category unless you allow sensitive categories under Privacy.");
  else if (outcome === "blocked") toast("You asked Tailor not to learn about this; allow it again under Privacy.");
}

// ---------------------------------------------------------------- product detail

/** Opens the product detail; that is a view. `from` is the search query that led here, if any;
 *  `personalized`: opened from a slot Tailor ranked. */
function openDetail(id, { from = null, personalized = false } = {}) {
  const item = byId.get(id);
  if (!item) return;
  if (from) track({ type: "search", query: from, item: id }, { rerender: false });
  track({ type: "view", item: id, ...(personalized ? { personalized: true } : {}) });

  const crumbs = (item.category ?? "").split("/").filter(Boolean).join(" › ");
  const media = tile(item);
  if (item.attributes?.size) media.append(h("span", { class: "tile-size", text: item.attributes.size }));
  const info = h(
    "div",
    { class: "detail-info" },
    h("p", { class: "crumbs", text: crumbs }),
    h("h2", { id: "detail-title", "data-testid": "detail-title", text: item.title ?? item.id }),
    h("p", { class: "brandline", text: [item.brand, item.attributes?.size].filter(Boolean).join(" · ") }),
    h("p", { class: "price", text: typeof item.price === "number" ? money.format(item.price) : "" }),
    item.tags?.length ? h("div", { class: "chips" }, item.tags.map((t) => h("span", { class: "chip", text: t }))) : null,
    isSensitive(item)
      ? h("p", { class: "private-note", "data-testid": "private-note" }, icon("shield"), tailor.consent.get().sensitive
        ? "A private category: Tailor learns from it only because you allowed it, keeps it apart and never reports it."
        : "A private category: Tailor does not record, use or report what you look at here.")
      : null,
    h(
      "div",
      { class: "detail-actions" },
      h("button", { type: "button", class: "button primary", "data-testid": "detail-add", onclick: () => addToBasket(id) }, "Add to basket"),
      h("button", { type: "button", class: "button secondary", "data-testid": "detail-dismiss", onclick: () => { $("detail").close(); dismiss(id); } }, "Not interested"),
    ),
    relatedBlock(item),
  );
  $("detail-body").replaceChildren(h("div", { class: "detail-grid" }, media, info));
  const dialog = $("detail");
  if (!dialog.open) dialog.showModal();
  dialog.querySelector(".close").focus();
}

/** "Goes well with": the server's related items, ordered for this shopper. */
function relatedBlock(item) {
  const ids = [...new Set(item.related ?? [])].filter((r) => byId.has(r) && r !== item.id);
  if (ids.length === 0) return null;
  const ranked = tailor.rank({ items: ids, limit: 4 });
  return h(
    "section",
    { class: "related", "aria-label": "Goes well with" },
    h("h3", { text: "Goes well with" }),
    h(
      "ul",
      {},
      ranked.map(({ id }) => {
        const r = byId.get(id);
        return h("li", {}, h("button", { type: "button", "data-testid": "related", "data-id": id, onclick: () => openDetail(id) }, tile(r, "mini-tile"), h("span", { class: "rt", text: r.title ?? id })));
      }),
    ),
  );
}

// ---------------------------------------------------------------- basket

const basketLines = () => [...basket].filter(([, q]) => q > 0);
/** The basket's value before offers, in cents-exact dollars. */
const basketSubtotal = () => Math.round(100 * basketLines().reduce((s, [id, q]) => s + (byId.get(id)?.price ?? 0) * q, 0)) / 100;

function renderBasket() {
  const lines = basketLines();
  const count = lines.reduce((n, [, q]) => n + q, 0);
  const subtotal = basketSubtotal();
  const discount = Math.min(subtotal, [...applied].reduce((s, id) => s + offerDiscount(offerById.get(id), lines, subtotal).amount, 0));
  const countEl = $("basket-button").querySelector(".basket-count");
  countEl.textContent = String(count);
  $("basket-subtotal").textContent = money.format(subtotal);
  $("basket-discount").textContent = `−${money.format(discount)}`;
  $("basket-sums").hidden = discount <= 0;
  $("basket-total").textContent = money.format(subtotal - discount);
  $("buy").disabled = count === 0;
  scheduleOffers();
  const body = $("basket-body");
  if (lines.length === 0) {
    if (!body.querySelector(".thanks")) body.replaceChildren(h("p", { class: "basket-empty", text: "Your basket is empty." }));
    return;
  }
  body.replaceChildren(
    ...lines.map(([id, q]) => {
      const item = byId.get(id);
      const setQty = (n) => {
        if (n > 0) basket.set(id, n);
        else basket.delete(id);
        renderBasket();
      };
      return h(
        "div",
        { class: "line", "data-testid": "basket-line", "data-id": id },
        tile(item, "mini-tile"),
        h(
          "div",
          {},
          h("p", { class: "line-title", text: item.title ?? id }),
          h("p", { class: "line-meta", text: `${item.brand ?? ""} · ${money.format(item.price ?? 0)} each` }),
          h(
            "div",
            { class: "qty" },
            h("button", { type: "button", "aria-label": `One less ${item.title ?? id}`, onclick: () => setQty(q - 1), text: "−" }),
            h("output", { "data-testid": "qty", text: String(q) }),
            h("button", { type: "button", "aria-label": `One more ${item.title ?? id}`, onclick: () => setQty(q + 1), text: "+" }),
          ),
        ),
        h("span", { class: "line-sum", text: money.format((item.price ?? 0) * q) }),
      );
    }),
  );
}

function buy() {
  const lines = [...basket].filter(([, q]) => q > 0);
  if (lines.length === 0) return;
  for (const [id, quantity] of lines) track({ type: "purchase", item: id, quantity }, { rerender: false });
  const count = lines.reduce((n, [, q]) => n + q, 0);
  basket.clear();
  applied.clear();
  $("basket-body").replaceChildren(
    h("div", { class: "thanks", "data-testid": "thanks" }, h("strong", { text: "Thank you for your order!" }), `${count} ${count === 1 ? "item" : "items"} on the way (not really: this is a demo).`),
  );
  renderBasket();
  refresh();
}

// ---------------------------------------------------------------- offers

/** Takes the shop's offer pool; logs what Tailor would skip in it (only if anything). */
function loadOffers(offers) {
  if (!Array.isArray(offers)) return;
  pool = offers;
  for (const offer of pool) if (typeof offer?.id === "string" && !offerById.has(offer.id)) offerById.set(offer.id, offer);
  wholeShopPool = pool.filter((o) => wholeShop(o));
  const check = tailor.checkOffers(pool);
  if (check.problemCount > 0) {
    console.warn(`Tailor: ${check.problemCount} ${check.problemCount === 1 ? "problem" : "problems"} in the shop's offers (data/offers.json):`, check.problems.map((p) => `offers[${p.index}] (${p.id ?? "no id"}) ${p.field}: ${p.message}`).join("\n"));
  }
}

const wholeShop = (offer) => ["items", "categories", "brands"].every((k) => !(offer?.appliesTo?.[k]?.length));
const lastLevel = (path) => String(path).split("/").filter(Boolean).at(-1) ?? String(path);

/** What an offer is on, in words: "Bread", "Maker 69", "Peanut butter, 18 oz", "your order". */
function offerTarget(offer) {
  const a = offer.appliesTo ?? {};
  const names = [...(a.items ?? []).map(titleOf), ...(a.categories ?? []).map(lastLevel), ...(a.brands ?? [])];
  if (names.length === 0) return "your order";
  return names.length > 2 ? `${names.slice(0, 2).join(", ")} and more` : names.join(" or ");
}

const dayFormat = new Intl.DateTimeFormat("en-US", { weekday: "short", month: "short", day: "numeric" });

/** The offer's conditions, as a shop prints them under its title. */
function offerTerms(offer) {
  const a = offer.appliesTo ?? {};
  const terms = [];
  if (a.categories?.length && !a.items?.length && !a.brands?.length) terms.push(`Anything in ${a.categories.map((c) => c.split("/").join(" › ")).join(", ")}`);
  else if (a.brands?.length && !a.items?.length && !a.categories?.length) terms.push(`Any ${a.brands.join(", ")} product`);
  if (offer.minBasket > 0) terms.push(`Orders of ${money.format(offer.minBasket)} or more`);
  if (offer.audience === "new") terms.push("First order only");
  if (offer.audience === "returning") terms.push("For returning shoppers");
  if (typeof offer.endsAt === "number") terms.push(`Until ${dayFormat.format(new Date(offer.endsAt - 1))}`);
  if (offer.capPerShopper === 1) terms.push("Once per shopper");
  else if (offer.capPerShopper > 1) terms.push(`Up to ${offer.capPerShopper} times per shopper`);
  return terms.join(" · ");
}

/** The discount's face: "30%" or "$1.50". */
function offerFace(offer) {
  const v = offer?.value ?? {};
  if (typeof v.percent === "number") return `${v.percent}%`;
  if (typeof v.amount === "number") return Number.isInteger(v.amount) ? `$${v.amount}` : money.format(v.amount);
  return "";
}

/** Does the offer cover this basket item? */
function offerCovers(offer, item) {
  if (wholeShop(offer)) return true;
  const a = offer.appliesTo;
  return Boolean(
    a.items?.includes(item.id) ||
      a.categories?.some((c) => item.category === c || item.category?.startsWith(`${c}/`)) ||
      (item.brand && a.brands?.includes(item.brand)),
  );
}

/** What an applied offer takes off this basket now, or what is missing for it to apply. */
function offerDiscount(offer, lines, subtotal) {
  if (!offer) return { amount: 0, note: "" };
  if (offer.minBasket > subtotal) return { amount: 0, note: `Spend ${money.format(offer.minBasket - subtotal)} more to use it` };
  const covered = lines.reduce((s, [id, q]) => s + (offerCovers(offer, byId.get(id)) ? (byId.get(id).price ?? 0) * q : 0), 0);
  if (covered <= 0) return { amount: 0, note: `Add ${offerTarget(offer)} to use it` };
  const v = offer.value ?? {};
  const amount = typeof v.percent === "number" ? (covered * v.percent) / 100 : Math.min(v.amount ?? 0, covered);
  return { amount: Math.round(amount * 100) / 100, note: "" };
}

/** One offer as a coupon: its value, title, terms, why it is here, what it saves, and "Use offer". */
function offerCard(pick, { compact = false } = {}) {
  const offer = offerById.get(pick.id) ?? { id: pick.id };
  const titleId = `offer-${compact ? "b" : "s"}-${pick.id}`;
  const isApplied = applied.has(pick.id);
  const face = offerFace(offer);
  const terms = offerTerms(offer);
  return h(
    "li",
    { class: `offer${compact ? " compact" : ""}${isApplied ? " applied" : ""}`, "data-testid": compact ? "basket-offer" : "offer", "data-offer-id": pick.id },
    h("div", { class: "offer-face", "aria-hidden": "true" }, h("strong", { text: face }), h("span", { text: "off" })),
    h(
      "div",
      { class: "offer-body" },
      h("h3", { class: "offer-title", id: titleId, "data-testid": "offer-title", text: pick.title }),
      terms ? h("p", { class: "offer-terms", "data-testid": "offer-terms", text: terms }) : null,
      pick.reasons.length ? h("ul", { class: "reasons", "data-testid": "offer-reasons" }, pick.reasons.map((r) => h("li", { text: r }))) : null,
      h(
        "div",
        { class: "offer-foot" },
        typeof pick.savings === "number" && pick.savings > 0 ? h("span", { class: "offer-save", "data-testid": "offer-savings", text: `Save ${money.format(pick.savings)}` }) : h("span"),
        h(
          "button",
          { type: "button", class: `button ${isApplied ? "secondary" : "primary"} small`, "data-testid": "offer-use", "aria-describedby": titleId, disabled: isApplied, onclick: () => useOffer(pick.id) },
          isApplied ? "In your basket" : "Use offer",
        ),
      ),
    ),
  );
}

let offersPending = false;
/** Re-picks offers once after whatever changed in this task (basket, events, consent). */
function scheduleOffers() {
  if (offersPending) return;
  offersPending = true;
  queueMicrotask(() => {
    if (offersPending) renderOffers();
  });
}

/** Asks Tailor for this shopper's offers, for the page and (when it is open) the basket. */
function renderOffers() {
  offersPending = false;
  const section = $("offers");
  if (!pool || !tailor.status.catalogueItems) {
    section.hidden = true;
    return;
  }
  const basketValue = basketSubtotal();
  const basketOpen = $("basket").open;
  let picks = [];
  let forOrder = [];
  try {
    // The basket's first: the last call's pool is the one `offerRedeemed` knows best.
    if (basketOpen) forOrder = tailor.offers(wholeShopPool, { basketValue, limit: BASKET_OFFERS_SHOWN });
    picks = tailor.offers(pool, { basketValue, limit: OFFERS_SHOWN });
  } catch (err) {
    console.error("Tailor could not pick offers", err);
  }
  $("offer-list").replaceChildren(...picks.map((p) => offerCard(p)));
  $("offers-sub").textContent = personalizing()
    ? "Picked for you on this device, from what you looked at and bought here."
    : "The best value today. Switch on personalization for offers that fit what you buy.";
  section.hidden = picks.length === 0;
  if (basketOpen) renderBasketOffers(forOrder);
}

/** The basket's offers: those the shopper used (with what each takes off), then more for this order. */
function renderBasketOffers(forOrder) {
  const lines = basketLines();
  const subtotal = basketSubtotal();
  const parts = [];
  if (applied.size) {
    parts.push(
      h(
        "section",
        { class: "basket-section", "data-testid": "applied-offers", "aria-labelledby": "applied-title" },
        h("h3", { id: "applied-title", text: "Your offers" }),
        h(
          "ul",
          { class: "applied-list" },
          [...applied].map((id) => {
            const offer = offerById.get(id);
            const { amount, note } = offerDiscount(offer, lines, subtotal);
            return h(
              "li",
              { class: "applied-offer", "data-testid": "applied-offer", "data-offer-id": id },
              h("span", { class: "offer-chip", "aria-hidden": "true" }, offerFace(offer)),
              h("span", { class: "applied-text" }, h("span", { class: "applied-title", text: offer?.title ?? id }), note ? h("span", { class: "applied-note", text: note }) : null),
              h("span", { class: "applied-amount", "data-testid": "applied-amount", text: amount > 0 ? `−${money.format(amount)}` : "" }),
              h("button", { type: "button", class: "icon-button small", "aria-label": `Remove the offer ${offer?.title ?? id}`, onclick: () => { applied.delete(id); renderBasket(); } }, icon("close")),
            );
          }),
        ),
      ),
    );
  }
  const more = forOrder.filter((p) => !applied.has(p.id));
  if (more.length) {
    parts.push(
      h(
        "section",
        { class: "basket-section", "data-testid": "basket-offers", "aria-labelledby": "order-offers-title" },
        h("h3", { id: "order-offers-title", text: "Offers for this order" }),
        h("ul", { class: "offer-list compact" }, more.map((p) => offerCard(p, { compact: true }))),
      ),
    );
  }
  $("basket-offers").replaceChildren(...parts);
}

/** "Use offer": Tailor records it (its cap, its fatigue) when it may; the basket shows it applied. */
function useOffer(id) {
  const offer = offerById.get(id);
  try {
    tailor.offerRedeemed(id); // false without consent: then nothing is recorded, but the basket still gets it
  } catch (err) {
    console.error("Tailor could not record the offer", id, err);
  }
  applied.add(id);
  renderBasket();
  toast(`In your basket: ${offer?.title ?? id}.`);
}

// ---------------------------------------------------------------- search

function searchIds(query) {
  const q = query.toLowerCase();
  const ids = [];
  for (const [id, title] of lowerTitles) if (title.includes(q)) ids.push(id);
  return ids;
}

function renderSuggestions() {
  const input = $("search");
  const box = $("search-results");
  const query = input.value.trim();
  if (query.length < 2) {
    box.hidden = true;
    return;
  }
  const ids = searchIds(query);
  const ranked = tailor.rank({ items: ids, limit: SEARCH_SUGGESTIONS });
  const list = h(
    "ul",
    { "aria-label": "Suggestions" },
    ranked.map(({ id }) => {
      const item = byId.get(id);
      return h(
        "li",
        {},
        h(
          "button",
          { type: "button", class: "result", "data-testid": "search-result", "data-id": id, onclick: () => { closeSuggestions(); openDetail(id, { from: query }); } },
          tile(item, "mini-tile"),
          h("span", { class: "result-text" }, h("span", { class: "result-title", text: item.title ?? id }), h("span", { class: "result-meta", text: [item.brand, typeOf(item)].filter(Boolean).join(" · ") })),
          h("span", { class: "result-price", text: typeof item.price === "number" ? money.format(item.price) : "" }),
        ),
      );
    }),
  );
  box.replaceChildren(ids.length ? list : h("p", { class: "search-empty", text: `No products match “${query}”.` }));
  if (ids.length > ranked.length) box.append(h("button", { type: "submit", class: "search-all", text: `See all ${ids.length} results` }));
  box.hidden = false;
}

function closeSuggestions() {
  $("search-results").hidden = true;
}

// ---------------------------------------------------------------- what Tailor knows

const KIND_LABEL = { view: "Viewed", search: "Found", cart: "Added", purchase: "Bought", dismiss: "Hidden" };

function ago(ms) {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 45) return "just now";
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

function renderKnows() {
  const body = $("knows-body");
  const consent = tailor.consent.get();
  if (!consent.personalization) {
    body.replaceChildren(
      h("p", { class: "off-state", "data-testid": "knows-off" }, "Nothing. Personalization is off, so Tailor records nothing and you see the shop’s usual order."),
    );
    return;
  }
  const d = tailor.profile.describe();
  const parts = [];
  if (d.interests.length === 0 && d.recent.length === 0 && d.purchased.length === 0 && d.dismissed === 0) {
    parts.push(h("p", { "data-testid": "knows-empty" }, "Nothing yet. Look around: Tailor learns from what you view and buy, here in this browser only."));
  }
  // Interests come for every level of the category path; the shopper-meaningful one is
  // the category (the level under the department).
  const interests = d.interests.filter((i) => i.depth === 2).slice(0, 5);
  if (interests.length) {
    const top = Math.max(...interests.map((i) => i.weight), 1);
    parts.push(
      h(
        "section",
        { "data-testid": "knows-interests" },
        h("h3", { text: "Top interests" }),
        h(
          "ul",
          {},
          interests.map((i) => {
            const [dept, category] = i.key.split("/");
            const meter = h("span");
            meter.style.width = `${Math.max(4, Math.round((100 * i.weight) / top))}%`;
            return h("li", { class: "interest", title: i.key }, h("span", { text: category }), h("span", { class: "w", text: dept }), h("span", { class: "meter" }, meter));
          }),
        ),
      ),
    );
  }
  if (d.brands.length) {
    parts.push(h("section", {}, h("h3", { text: "Brands" }), h("div", { class: "chips" }, d.brands.slice(0, 4).map((b) => h("span", { class: "chip", text: b.key })))));
  }
  if (d.recent.length) {
    parts.push(
      h(
        "section",
        { "data-testid": "knows-recent" },
        h("h3", { text: "Recently" }),
        h("ul", { class: "recent" }, d.recent.slice(0, 6).map((r) => h("li", {}, h("span", { class: "kind", text: KIND_LABEL[r.type] ?? r.type }), h("span", { class: "what", text: r.title ?? r.id }), h("span", { class: "when", text: ago(r.at) })))),
      ),
    );
  }
  if (d.purchased.length) {
    parts.push(h("section", {}, h("h3", { text: "Bought before" }), h("ul", { class: "recent" }, d.purchased.slice(0, 4).map((p) => h("li", {}, h("span", { class: "what", text: p.title ?? p.id }), h("span", { class: "when", text: `×${p.count}` }))))));
  }
  if (d.dismissed) {
    parts.push(h("p", { text: `${d.dismissed} ${d.dismissed === 1 ? "product" : "products"} marked “not interested”.` }));
  }
  body.replaceChildren(...parts);
}

// ---------------------------------------------------------------- consent, storage, toast

function renderStorageNotice() {
  $("storage-notice").hidden = tailor.status.storage !== "memory";
}

/** Everything that depends on Tailor's state. */
function refresh() {
  renderGrid();
  scheduleOffers();
  renderKnows();
  renderStorageNotice();
  if ($("search-results").hidden === false) renderSuggestions();
}

let toastTimer = 0;
/** A short message: shown on top of everything (even an open dialog) and announced. */
function toast(message) {
  const el = $("toast");
  el.textContent = message;
  $("live").textContent = message;
  if (el.matches(":popover-open")) el.hidePopover(); // re-show, to stay above a dialog opened since
  el.showPopover();
  el.classList.remove("show");
  void el.offsetWidth;
  el.classList.add("show");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    el.classList.remove("show");
    toastTimer = setTimeout(() => el.hidePopover(), 250);
  }, 3200);
}

function showFatal(err) {
  const grid = $("grid");
  grid.setAttribute("aria-busy", "false");
  grid.replaceChildren(h("p", { class: "fatal", role: "alert", "data-testid": "fatal", text: `The shop could not load: ${err?.message ?? err}` }));
  $("listing-sub").textContent = "";
}

// ---------------------------------------------------------------- wiring

function wire() {
  // Consent changes, `forget`, and another tab's consent or profile changes all arrive here.
  // (The consent widget re-renders itself on the same events.)
  tailor.addEventListener("change", refresh);

  $("more").addEventListener("click", () => {
    limit += PAGE_SIZE;
    renderGrid({ animate: false });
  });

  const detail = $("detail");
  detail.querySelector(".close").addEventListener("click", () => detail.close());
  detail.addEventListener("click", (e) => {
    if (e.target === detail) detail.close(); // a click on the backdrop
  });

  const basketDialog = $("basket");
  $("basket-button").addEventListener("click", () => {
    if (!basket.size && basketDialog.querySelector(".thanks")) renderBasketEmpty();
    basketDialog.showModal();
    renderOffers(); // the basket's own offers count as shown only once it is open
  });
  basketDialog.querySelector(".close").addEventListener("click", () => basketDialog.close());
  basketDialog.addEventListener("click", (e) => {
    if (e.target === basketDialog) basketDialog.close();
  });
  $("buy").addEventListener("click", buy);

  const input = $("search");
  input.addEventListener("input", renderSuggestions);
  input.addEventListener("focus", renderSuggestions);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Escape") closeSuggestions();
    if (e.key === "ArrowDown") {
      e.preventDefault();
      $("search-results").querySelector("button")?.focus();
    }
  });
  $("search-results").addEventListener("keydown", (e) => {
    const buttons = [...$("search-results").querySelectorAll("button")];
    const k = buttons.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && k >= 0) {
      e.preventDefault();
      buttons[Math.min(k + 1, buttons.length - 1)].focus();
    } else if (e.key === "ArrowUp" && k >= 0) {
      e.preventDefault();
      (k === 0 ? input : buttons[k - 1]).focus();
    } else if (e.key === "Escape") {
      closeSuggestions();
      input.focus();
    }
  });
  $("search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = input.value.trim();
    closeSuggestions();
    if (q) location.hash = new URLSearchParams({ q }).toString();
  });
  document.addEventListener("click", (e) => {
    if (!$("search-form").contains(e.target)) closeSuggestions();
  });

  addEventListener("hashchange", () => {
    onRoute();
    scrollTo({ top: 0 });
  });

  for (const el of ["search", "basket-button"]) $(el).disabled = false;
}

function renderBasketEmpty() {
  $("basket-body").replaceChildren(h("p", { class: "basket-empty", text: "Your basket is empty." }));
}

function showSkeleton() {
  $("grid").replaceChildren(...Array.from({ length: 8 }, () => h("div", { class: "card skeleton", "aria-hidden": "true" })));
}

async function main() {
  showSkeleton();
  const catalogue = fetch("data/catalogue.json").then((r) => {
    if (!r.ok) throw new Error(`catalogue: HTTP ${r.status}`);
    return r.json();
  });
  // The shop works without its offers: a failure is logged and the strip stays hidden.
  const offers = fetch("data/offers.json")
    .then((r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return r.json();
    })
    .then((data) => {
      if (!Array.isArray(data?.offers)) throw new Error("expected { offers: [...] }");
      return data.offers;
    })
    .catch((err) => {
      console.error("The shop's offers could not be loaded (data/offers.json):", err);
      return null;
    });
  // Without its reports file the shop still works; it just declares no reports.
  const reports = await fetch(REPORTS_CONFIG)
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .catch((err) => {
      console.error(`The shop's report declaration could not be loaded (${REPORTS_CONFIG}):`, err);
      return undefined;
    });
  tailor = await Tailor.open({ shop: SHOP, policyVersion: POLICY_VERSION, policyNote: POLICY_NOTE, sensitive: { categories: SENSITIVE }, reports });
  window.tailorDemo.tailor = tailor;
  const items = await catalogue;
  tailor.loadCatalogue(items);
  loadOffers(await offers);

  for (const item of items) {
    if (typeof item?.id !== "string" || byId.has(item.id)) continue; // Tailor skips these too
    byId.set(item.id, item);
    lowerTitles.set(item.id, (item.title ?? "").toLowerCase());
  }
  const groups = new Map();
  for (const item of byId.values()) {
    const d = deptOf(item);
    if (!groups.has(d)) groups.set(d, []);
    groups.get(d).push(item.id);
  }
  const order = (name) => (DEPT_ORDER.includes(name) ? DEPT_ORDER.indexOf(name) : DEPT_ORDER.length);
  depts = [...groups].map(([name, ids]) => ({ name, ids })).sort((a, b) => order(a.name) - order(b.name) || b.ids.length - a.ids.length);
  $("search").placeholder = `Search ${byId.size.toLocaleString("en-US")} groceries`;

  renderNav();
  wire();
  renderBasket();
  onRoute();
  renderKnows();
  renderOffers();
  renderStorageNotice();
  markReady({ items: byId.size, storage: tailor.status.storage });
}

main().catch((err) => {
  console.error(err);
  showFatal(err);
  markFailed(err);
});
