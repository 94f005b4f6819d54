// <tailor-consent>: the shopper's consent widget. `import "tailor/widget"` defines it.
// A banner when Tailor should ask (first visit, new policy, expired choice) and a full
// panel (a modal <dialog>) with every purpose, what Tailor knows, what would be sent,
// export and erase. It attaches to `element.tailor`, else `Tailor.current`, else the
// next `tailor:open`. Every string that comes from the shop (titles, brands, categories,
// the policy note) reaches the page through textContent only, never as markup.
import { Tailor } from "./index.js";

const PURPOSES = ["personalization", "analytics", "sensitive"];

const STRINGS = {
  en: {
    bannerTitle: "Personalize this shop for you?",
    bannerText: "Tailor can order products by what you view and buy. It learns only in this browser and sends nothing about you. Switching it off later erases what it learned.",
    "policy-changed": "Our privacy policy has changed, so we are asking again: your earlier choices no longer count.",
    expired: "You chose a while ago, so we are asking again.",
    noteLabel: "What changed: ",
    allow: "Allow personalization",
    deny: "No thanks",
    choose: "Choose…",
    doneOn: "Saved: personalization is on. You can change this at any time.",
    doneOff: "Saved: personalization is off. Nothing about you is recorded.",
    settings: "Privacy choices",
    closeMsg: "Close this message",
    panelTitle: "Your privacy choices",
    panelIntro: "Tailor runs in this browser. Each choice takes effect at once, in every open tab of this shop.",
    memory: "This browser does not let the shop store anything, so your choices last only until you leave this page.",
    close: "Close",
    purposesTitle: "What Tailor may do",
    on: "On",
    off: "Off",
    personalization: ["Personalization", "Order products by what you view and buy. Learned and kept only in this browser; switching it off erases it at once."],
    analytics: ["Anonymous statistics", "Let the shop receive statistics that are randomized on this device before they leave it, with no identifier, so no report says anything reliable about you."],
    sensitive: ["Sensitive categories", "Also learn from products this shop marks as sensitive, such as health or religion-linked food. Kept apart from the rest and never sent in statistics."],
    needsP: "Available once personalization is on.",
    gpc: "Your browser asked shops not to share your data (Global Privacy Control), so this stays off unless you switch it on here.",
    knowsTitle: "What Tailor knows about you",
    knowsOff: "Nothing. Personalization is off, so Tailor records nothing.",
    knowsEmpty: "Nothing yet. Tailor learns from what you view and buy in this shop.",
    interests: "Interests",
    brands: "Brands",
    recent: "Recent activity",
    purchased: "Bought before",
    blocked: "Not learned again",
    blockedHint: "You removed these, so Tailor does not learn them again unless you allow it.",
    sensitiveTitle: "From sensitive categories",
    sensitiveHint: "Kept apart from the rest. Switching off “Sensitive categories” erases exactly this.",
    remove: "Remove",
    allowAgain: "Allow again",
    of100: " out of 100",
    dismissed: (n) => `${n} ${n === 1 ? "product" : "products"} marked “not interested”.`,
    kinds: { view: "Viewed", search: "Found by search", cart: "Added to basket", purchase: "Bought", dismiss: "Not interested" },
    times: (n) => `bought ${n} ${n === 1 ? "time" : "times"}`,
    sentTitle: "What is shared with the shop",
    sentNone: "Nothing. This shop has no statistics set up, so nothing about you leaves this browser.",
    sentOn: "Anonymous statistics are on. At most once a week each, this browser sends the shop:",
    sentOff: "Anonymous statistics are off: nothing here is counted or sent. If you switch them on, at most once a week each, this browser would send the shop:",
    measures: {
      topCategory: "Which of a few departments interests you most",
      basketSize: "How many items your largest basket of last week held, as a range",
      personalizedClick: "Whether you clicked a product Tailor placed for you last week",
      offerGroup: "Which kind of offer you used most last week",
    },
    kindMeta: (k) =>
      (k.transport === "dap" ? `total only: the shop sees it only in a total of ${k.minBatchSize ? `at least ${k.minBatchSize}` : "many"} shoppers` : `randomized here before it leaves (ε ${k.epsilon})`) + (k.reported ? " · done for this week" : ""),
    dapNote: (n) => `Answers marked “total only” are not randomized: each is split into two encrypted halves sent to two independent servers. Neither can read your answer alone, and the shop only ever sees ${n ? `the total of at least ${n} shoppers` : "totals over many shoppers"}.`,
    dapNext: (d) => `“${d.label}” (${d.kind}), total only: ${d.size} bytes, encrypted, in base64:`,
    randomized: "Each answer is randomized in this browser first, so the shop can never tell your true answer from a random one; it only learns totals over many shoppers. No identifier, no time finer than the week, nothing from sensitive categories.",
    budget: (b) => `Privacy budget of the week of ${b.period}: ${b.spent} of ${b.cap} used.`,
    nextSend: "The next send, byte for byte",
    nothingPending: "Nothing is waiting to be sent.",
    sentLabel: "Report preview",
    dataTitle: "Your data",
    dataText: "Download a copy of everything Tailor keeps for this shop, or erase all of it.",
    export: "Export my data",
    erase: "Erase everything",
    eraseAsk: "Erase your choices and everything Tailor knows about you in this shop? This cannot be undone.",
    eraseYes: "Yes, erase everything",
    cancel: "Cancel",
    policy: (v, at) => `Policy version ${v}. ${at ? `Your last choice: ${at}.` : "You have not chosen yet."}`,
    done: "Done",
    said: {
      on: (p) => `${p} is on.`,
      off: (p) => `${p} is off.`,
      erasedProfile: "Tailor erased what it knew about you.",
      removed: (x) => `Removed ${x}.`,
      allowed: (x) => `Tailor may learn ${x} again.`,
      exported: (f) => `Downloaded ${f}.`,
      erased: "Everything Tailor kept for this shop is erased.",
    },
  },
  fr: {
    bannerTitle: "Personnaliser cette boutique pour vous ?",
    bannerText: "Tailor peut classer les produits selon ce que vous consultez et achetez. Il apprend uniquement dans ce navigateur et n’envoie rien sur vous. Le désactiver plus tard efface ce qu’il a appris.",
    "policy-changed": "Notre politique de confidentialité a changé : nous vous redemandons votre choix, les précédents ne comptent plus.",
    expired: "Votre choix date un peu : nous vous le redemandons.",
    noteLabel: "Ce qui change : ",
    allow: "Autoriser la personnalisation",
    deny: "Non merci",
    choose: "Choisir…",
    doneOn: "Enregistré : la personnalisation est activée. Vous pouvez changer d’avis à tout moment.",
    doneOff: "Enregistré : la personnalisation est désactivée. Rien n’est enregistré sur vous.",
    settings: "Choix de confidentialité",
    closeMsg: "Fermer ce message",
    panelTitle: "Vos choix de confidentialité",
    panelIntro: "Tailor fonctionne dans ce navigateur. Chaque choix s’applique aussitôt, dans tous les onglets ouverts de cette boutique.",
    memory: "Ce navigateur ne laisse la boutique rien conserver : vos choix ne valent que jusqu’à ce que vous quittiez cette page.",
    close: "Fermer",
    purposesTitle: "Ce que Tailor peut faire",
    on: "Activé",
    off: "Désactivé",
    personalization: ["Personnalisation", "Classer les produits selon ce que vous consultez et achetez. Appris et conservé uniquement dans ce navigateur ; la désactiver l’efface aussitôt."],
    analytics: ["Statistiques anonymes", "Permettre à la boutique de recevoir des statistiques brouillées sur cet appareil avant de le quitter, sans identifiant : aucun rapport ne dit rien de fiable sur vous."],
    sensitive: ["Catégories sensibles", "Apprendre aussi des produits que la boutique signale comme sensibles, par exemple la santé ou l’alimentation liée à une religion. Gardé à part, jamais envoyé dans les statistiques."],
    needsP: "Disponible une fois la personnalisation activée.",
    gpc: "Votre navigateur demande aux boutiques de ne pas partager vos données (Global Privacy Control) : cette option reste désactivée, sauf si vous l’activez ici.",
    knowsTitle: "Ce que Tailor sait de vous",
    knowsOff: "Rien. La personnalisation est désactivée : Tailor n’enregistre rien.",
    knowsEmpty: "Rien pour l’instant. Tailor apprend de ce que vous consultez et achetez dans cette boutique.",
    interests: "Centres d’intérêt",
    brands: "Marques",
    recent: "Activité récente",
    purchased: "Déjà achetés",
    blocked: "À ne plus apprendre",
    blockedHint: "Vous les avez retirés : Tailor ne les apprend plus, sauf si vous l’autorisez.",
    sensitiveTitle: "Issu des catégories sensibles",
    sensitiveHint: "Gardé à part. Désactiver « Catégories sensibles » efface exactement ceci.",
    remove: "Retirer",
    allowAgain: "Autoriser à nouveau",
    of100: " sur 100",
    dismissed: (n) => (n === 1 ? "1 produit marqué « pas intéressé »." : `${n} produits marqués « pas intéressé ».`),
    kinds: { view: "Consulté", search: "Trouvé par recherche", cart: "Ajouté au panier", purchase: "Acheté", dismiss: "Pas intéressé" },
    times: (n) => `acheté ${n} fois`,
    sentTitle: "Ce qui est partagé avec la boutique",
    sentNone: "Rien. Cette boutique n’a configuré aucune statistique : rien sur vous ne quitte ce navigateur.",
    sentOn: "Les statistiques anonymes sont activées. Au plus une fois par semaine chacun, ce navigateur envoie à la boutique :",
    sentOff: "Les statistiques anonymes sont désactivées : rien ici n’est compté ni envoyé. Si vous les activez, au plus une fois par semaine chacun, ce navigateur enverrait à la boutique :",
    measures: {
      topCategory: "Le rayon qui vous intéresse le plus, parmi quelques-uns",
      basketSize: "Le nombre d’articles de votre plus gros panier de la semaine passée, par tranche",
      personalizedClick: "Si vous avez cliqué un produit placé pour vous par Tailor la semaine passée",
      offerGroup: "Le type d’offre que vous avez le plus utilisé la semaine passée",
    },
    kindMeta: (k) =>
      (k.transport === "dap" ? `total seulement : la boutique ne le voit que dans un total ${k.minBatchSize ? `d’au moins ${k.minBatchSize}` : "de nombreux"} clients` : `brouillé ici avant de partir (ε ${k.epsilon})`) + (k.reported ? " · fait pour cette semaine" : ""),
    dapNote: (n) => `Les réponses « total seulement » ne sont pas brouillées : chacune est coupée en deux moitiés chiffrées, envoyées à deux serveurs indépendants. Aucun ne peut lire votre réponse seul, et la boutique ne voit jamais que ${n ? `le total d’au moins ${n} clients` : "des totaux sur de nombreux clients"}.`,
    dapNext: (d) => `« ${d.label} » (${d.kind}), total seulement : ${d.size} octets, chiffrés, en base64 :`,
    randomized: "Chaque réponse est d’abord brouillée dans ce navigateur : la boutique ne peut jamais distinguer votre vraie réponse d’une réponse au hasard ; elle n’apprend que des totaux sur de nombreux clients. Aucun identifiant, rien de plus précis que la semaine, rien des catégories sensibles.",
    budget: (b) => `Budget de confidentialité de la semaine du ${b.period} : ${b.spent} sur ${b.cap} utilisé.`,
    nextSend: "Le prochain envoi, octet par octet",
    nothingPending: "Rien n’attend d’être envoyé.",
    sentLabel: "Aperçu du rapport",
    dataTitle: "Vos données",
    dataText: "Téléchargez une copie de tout ce que Tailor conserve pour cette boutique, ou effacez tout.",
    export: "Exporter mes données",
    erase: "Tout effacer",
    eraseAsk: "Effacer vos choix et tout ce que Tailor sait de vous dans cette boutique ? C’est définitif.",
    eraseYes: "Oui, tout effacer",
    cancel: "Annuler",
    policy: (v, at) => `Version de la politique : ${v}. ${at ? `Votre dernier choix : ${at}.` : "Vous n’avez pas encore choisi."}`,
    done: "Terminé",
    said: {
      on: (p) => `${p} : activé.`,
      off: (p) => `${p} : désactivé.`,
      erasedProfile: "Tailor a effacé ce qu’il savait de vous.",
      removed: (x) => `${x} retiré.`,
      allowed: (x) => `Tailor peut de nouveau apprendre ${x}.`,
      exported: (f) => `${f} téléchargé.`,
      erased: "Tout ce que Tailor conservait pour cette boutique est effacé.",
    },
  },
};

const CSS = `
:host{--a:var(--tailor-accent,#1b6b45);--af:var(--tailor-accent-fg,#fff);--bg:var(--tailor-bg,#fff);--fg:var(--tailor-fg,#1b2420);--mu:var(--tailor-muted,#4f5b55);--ln:var(--tailor-border,#d5dcd8);--sf:var(--tailor-surface,#f3f6f4);--dg:var(--tailor-danger,#b3261e);--r:var(--tailor-radius,14px);
display:block;font:15px/1.45 var(--tailor-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);color:var(--fg)}
:host([hidden]),[hidden]{display:none!important}
*{box-sizing:border-box}
h2,h3,h4,p{margin:0}
button{font:inherit;color:inherit;cursor:pointer}
:focus-visible{outline:3px solid var(--tailor-focus,#2f6fde);outline-offset:2px}
.sr{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap}
.btn{display:inline-flex;align-items:center;justify-content:center;min-height:44px;padding:9px 18px;border-radius:999px;border:2px solid var(--a);font-weight:650;font-size:15px;line-height:1.2;text-align:center}
.btn.main{background:var(--a);color:var(--af)}
.btn.alt{background:var(--bg);color:var(--a)}
.btn.quiet{border-color:transparent;background:none;color:var(--fg);text-decoration:underline;text-underline-offset:3px;padding-inline:10px}
.btn.danger{border-color:var(--dg);color:var(--dg);background:var(--bg)}
.btn.danger.main{background:var(--dg);color:#fff}
.btn:hover{filter:brightness(.93)}
.banner{position:fixed;z-index:var(--tailor-z,2147483000);left:50%;bottom:16px;transform:translateX(-50%);width:min(760px,calc(100vw - 24px));max-height:calc(100vh - 32px);overflow:auto;background:var(--bg);border:1px solid var(--ln);border-radius:var(--r);box-shadow:0 2px 6px rgb(0 0 0/8%),0 18px 48px rgb(0 0 0/18%);padding:20px 22px;display:grid;gap:14px}
:host([placement=inline]) .banner{position:static;transform:none;width:auto;max-height:none;box-shadow:none;margin:0 0 18px}
.ask{display:grid;gap:10px}
.top{display:grid;gap:8px}
.banner h2{font-size:18px;line-height:1.25}
.banner p{color:var(--mu)}
.banner p.lead{color:var(--fg)}
.acts{display:flex;flex-wrap:wrap;gap:10px;align-items:center}
.eq .btn.main{flex:1 1 200px}
section>.acts{margin-top:12px}
.note{border-left:4px solid var(--a);background:var(--sf);padding:10px 12px;border-radius:6px;color:var(--fg)!important}
.nl{font-weight:650}
.done{display:flex;gap:12px;align-items:center;flex-wrap:wrap}
.done p{flex:1 1 260px;color:var(--fg)}
.x{border:0;background:none;width:44px;height:44px;border-radius:50%;font-size:24px;line-height:1;color:var(--mu);flex:none}
.x:hover{background:var(--sf);color:var(--fg)}
dialog{width:min(680px,calc(100vw - 24px));max-height:min(90vh,940px);padding:0;border:0;border-radius:var(--r);background:var(--bg);color:var(--fg);box-shadow:0 24px 64px rgb(0 0 0/28%);overflow:hidden}
dialog[open]{display:flex;flex-direction:column}
dialog::backdrop{background:rgb(15 25 20/48%)}
.hd{display:flex;align-items:center;justify-content:space-between;gap:12px;padding:16px 16px 12px 24px;border-bottom:1px solid var(--ln)}
.hd h2{font-size:20px;line-height:1.25}
.bd{overflow:auto;padding:18px 24px 24px;display:grid;gap:22px}
.ft{display:flex;align-items:center;gap:12px;padding:12px 24px;border-top:1px solid var(--ln)}
.ft .st{flex:1;color:var(--mu);font-size:14px;min-height:1.45em}
.intro{color:var(--mu)}
section h3{font-size:16px;margin-bottom:10px}
section h4{font-size:13px;text-transform:uppercase;letter-spacing:.05em;color:var(--mu);margin:14px 0 6px}
.pur{display:grid;grid-template-columns:1fr auto;gap:4px 16px;align-items:center;padding:14px 0;border-top:1px solid var(--ln)}
.pur:first-of-type{border-top:0;padding-top:2px}
.pur .lb{font-weight:650}
.pur p{color:var(--mu);font-size:14px;grid-column:1/-1}
.pur .why{color:var(--fg);background:var(--sf);border-radius:6px;padding:6px 10px;font-size:13.5px}
.sw{display:inline-flex;align-items:center;gap:10px;border:0;background:none;padding:6px 4px;border-radius:999px;min-height:44px}
.sw .tr{position:relative;width:46px;height:28px;border-radius:999px;background:#8a948f;transition:background-color .15s;flex:none}
.sw .tr::after{content:"";position:absolute;top:3px;left:3px;width:22px;height:22px;border-radius:50%;background:#fff;box-shadow:0 1px 2px rgb(0 0 0/30%);transition:transform .15s}
.sw[aria-checked=true] .tr{background:var(--a)}
.sw[aria-checked=true] .tr::after{transform:translateX(18px)}
.sw .tx{min-width:5.5em;text-align:left;font-size:14px;font-weight:600}
.sw:disabled{cursor:not-allowed}
.sw:disabled .tr{background:#d3d8d5}
.sw:disabled .tx{color:var(--mu)}
ul{list-style:none;margin:0;padding:0}
.row{display:flex;align-items:center;gap:10px;min-height:40px;padding:2px 0}
.row .nm{flex:1;min-width:0;overflow-wrap:anywhere}
.row small{display:block;color:var(--mu);font-size:13px}
.sub{padding-left:18px;border-left:2px solid var(--ln);margin-left:6px}
.bar{flex:0 0 72px;height:8px;border-radius:99px;background:var(--sf);overflow:hidden;border:1px solid var(--ln)}
.bar i{display:block;height:100%;background:var(--a)}
.val{flex:0 0 2.2em;text-align:right;font-variant-numeric:tabular-nums;font-size:13.5px;color:var(--mu)}
.rm{border:1px solid var(--ln);background:var(--bg);border-radius:999px;padding:5px 12px;font-size:13.5px;min-height:34px;flex:none}
.rm:hover{border-color:var(--fg)}
.box{border:1px solid var(--ln);border-radius:10px;padding:4px 14px 12px;margin-top:14px;background:var(--sf)}
.muted{color:var(--mu)}
pre{margin:8px 0 0;padding:12px;background:var(--sf);border:1px solid var(--ln);border-radius:8px;font-size:12.5px;max-height:220px;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere}
.confirm{margin-top:12px;padding:14px;border:2px solid var(--dg);border-radius:10px;display:grid;gap:12px}
@media (max-width:520px){.banner{bottom:8px;width:calc(100vw - 16px);padding:16px}.eq .btn{flex:1 1 100%}dialog{width:100vw;max-width:100vw;max-height:100dvh;height:100dvh;border-radius:0;margin:0}.hd{padding-left:16px}.bd{padding:16px}.ft{padding:12px 16px}.bar{flex-basis:48px}}
@media (prefers-reduced-motion:reduce){*{transition:none!important}}
`;

let sheet = null;

/** Creates an element: strings become text nodes; `text` sets textContent; never markup. */
function h(tag, props = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null || v === false) continue;
    if (k === "text") el.textContent = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  el.append(...kids.flat(9).filter((c) => c != null && c !== false));
  return el;
}

/** The focused element, looking into open shadow roots. */
function deepActive(root = document) {
  let a = root.activeElement;
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
  return a;
}

const visible = (el) => el?.isConnected && el.getClientRects().length > 0 && !el.disabled;

export class TailorConsentElement extends HTMLElement {
  static get observedAttributes() {
    return ["lang"];
  }

  #tailor = null; // the attached instance
  #given = null; // set by the shop through `element.tailor`
  #e = {}; // parts of the shadow tree, built once
  #state = null; // the consent state at the last render
  #done = false; // the banner shows "saved" after a choice made in it
  #asking = false;
  #confirming = false;
  #opener = null;
  #queued = false;
  #wantOpen = null; // { opener } when open() came before a Tailor
  #quiet = false;
  #onTailor = () => this.#schedule();
  #onConsent = (e) => this.#announceConsent(e.detail);
  #onOpen = (e) => {
    if (!this.#given && e.detail instanceof Tailor) this.#attach(e.detail);
  };
  #onDocClick = (e) => {
    const b = e.target?.closest?.("[data-tailor-consent-open]");
    if (b && document.querySelector("tailor-consent") === this) {
      e.preventDefault();
      this.open(b);
    }
  };

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    try {
      sheet ??= new CSSStyleSheet();
      if (!sheet.cssRules.length) sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } catch {
      root.append(h("style", { text: CSS })); // browsers without constructable stylesheets
    }
    this.#build(root);
  }

  /** The Tailor instance this widget shows; set it to attach to a specific one. */
  get tailor() {
    return this.#tailor;
  }
  set tailor(t) {
    this.#given = t ?? null;
    this.#attach(t ?? Tailor.current ?? null);
  }

  /** Whether the panel is open. */
  get isOpen() {
    return this.#e.dialog.open;
  }

  connectedCallback() {
    // A value set before this element was upgraded is an own property: take it over.
    if (Object.prototype.hasOwnProperty.call(this, "tailor")) {
      const t = this.tailor;
      delete this.tailor;
      this.tailor = t;
    }
    globalThis.addEventListener("tailor:open", this.#onOpen);
    document.addEventListener("click", this.#onDocClick);
    this.#attach(this.#given ?? Tailor.current ?? null);
  }

  disconnectedCallback() {
    globalThis.removeEventListener("tailor:open", this.#onOpen);
    document.removeEventListener("click", this.#onDocClick);
    this.#attach(null); // stop listening; connecting again attaches again
  }

  attributeChangedCallback() {
    if (this.#tailor) this.#render();
  }

  /** Opens the panel; focus returns to `opener` (default: what has focus now) when it closes. */
  open(opener = deepActive()) {
    if (!this.#tailor) {
      this.#wantOpen = { opener };
      return;
    }
    const d = this.#e.dialog;
    if (d.open) return;
    this.#opener = opener;
    d.showModal();
    this.#render();
    this.#e.x.focus();
  }

  /** Closes the panel. */
  close() {
    if (this.#e.dialog.open) this.#e.dialog.close();
  }

  #attach(t) {
    if (t === this.#tailor) return;
    for (const [type, fn] of [["change", this.#onTailor], ["consentchange", this.#onConsent], ["reportsent", this.#onTailor], ["reportready", this.#onTailor]]) {
      this.#tailor?.removeEventListener(type, fn);
      t?.addEventListener(type, fn);
    }
    this.#tailor = t;
    this.#state = null;
    this.#render();
    if (t && this.#wantOpen) {
      const { opener } = this.#wantOpen;
      this.#wantOpen = null;
      this.open(opener);
    }
  }

  get #t() {
    const lang = (this.getAttribute("lang") || document.documentElement.lang || "en").toLowerCase();
    return lang.startsWith("fr") ? ["fr", STRINGS.fr] : ["en", STRINGS.en];
  }

  #schedule() {
    if (this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      this.#render();
    });
  }

  #say(msg) {
    const live = this.#e.dialog.open ? this.#e.st : this.#e.live;
    // The same words twice must still be announced.
    live.textContent = live.textContent === msg ? `${msg}\u00a0` : msg;
  }

  #announceConsent(s) {
    const prev = this.#state;
    this.#schedule();
    if (!prev || this.#quiet) return;
    const [, t] = this.#t;
    const msgs = [];
    for (const p of PURPOSES) if (prev[p] !== s[p]) msgs.push(t.said[s[p] ? "on" : "off"](t[p][0]));
    if (prev.personalization && !s.personalization) msgs.push(t.said.erasedProfile);
    if (msgs.length) this.#say(msgs.join(" "));
  }

  /** A choice made in the widget. */
  #choose(change) {
    if (this.#asking) this.#done = true;
    const inBanner = this.#e.banner.contains(this.shadowRoot.activeElement);
    this.#tailor.consent.set(change, { source: "widget" });
    this.#render();
    if (inBanner && !this.#e.dialog.open) this.#e.doneMsg.focus();
  }

  // ------------------------------------------------------------ the shadow tree

  #build(root) {
    const e = this.#e;
    const btn = (cls, f, onclick, extra = {}) => h("button", { type: "button", class: cls, "data-f": f, onclick, ...extra });

    // The banner.
    e.bTitle = h("h2", { id: "b-title" });
    e.bWhy = h("p", { class: "lead" });
    e.bNote = h("p", { class: "note", "data-testid": "consent-note" }, (e.bNoteLabel = h("span", { class: "nl" })), (e.bNoteText = h("span")));
    e.bText = h("p");
    e.allow = btn("btn main", "allow", () => this.#choose({ personalization: true }), { "data-testid": "consent-allow" });
    e.deny = btn("btn main", "deny", () => this.#choose({ personalization: false }), { "data-testid": "consent-deny" });
    e.choose = btn("btn quiet", "choose", () => this.open(e.choose), { "aria-haspopup": "dialog", "data-testid": "consent-choose" });
    e.ask = h("div", { class: "ask" }, e.bTitle, e.bWhy, e.bNote, e.bText, h("div", { class: "acts eq" }, e.allow, e.deny, e.choose));
    e.doneMsg = h("p", { tabindex: "-1", "data-testid": "consent-saved" });
    e.doneOpen = btn("btn alt", "settings", () => this.open(e.doneOpen), { "aria-haspopup": "dialog" });
    e.doneX = btn("x", "done-x", () => this.#closeDone());
    e.doneX.textContent = "×";
    e.doneBox = h("div", { class: "done" }, e.doneMsg, e.doneOpen, e.doneX);
    e.banner = h("section", { class: "banner", "aria-labelledby": "b-title", "data-testid": "consent-banner", part: "banner" }, e.ask, e.doneBox);

    // The panel.
    e.pTitle = h("h2", { id: "p-title" });
    e.x = btn("x", "x", () => this.close(), { "data-testid": "consent-close" });
    e.x.textContent = "×";
    e.intro = h("p", { class: "intro" });
    e.pNote = h("p", { class: "note" }, (e.pNoteLabel = h("span", { class: "nl" })), (e.pNoteText = h("span")));
    e.policy = h("p", { class: "muted", "data-testid": "consent-policy" });
    e.memory = h("p", { class: "note", "data-testid": "consent-memory" });
    e.purTitle = h("h3", { id: "pur-title" });
    e.sw = {};
    const rows = PURPOSES.map((p) => {
      const s = {
        lb: h("span", { class: "lb", id: `${p}-l` }),
        desc: h("p", { id: `${p}-d` }),
        why: h("p", { class: "why", id: `${p}-w`, "data-testid": `consent-${p}-why` }),
        tx: h("span", { class: "tx", "aria-hidden": "true" }),
      };
      s.b = btn("sw", `sw-${p}`, () => this.#choose({ [p]: s.b.getAttribute("aria-checked") !== "true" }), {
        role: "switch",
        "aria-checked": "false",
        "aria-labelledby": `${p}-l`,
        "aria-describedby": `${p}-d ${p}-w`,
        "data-testid": `consent-${p}`,
      });
      s.b.append(h("span", { class: "tr" }), s.tx);
      e.sw[p] = s;
      return h("div", { class: "pur" }, s.lb, s.b, s.desc, s.why);
    });
    e.knowsTitle = h("h3", { id: "k-title", tabindex: "-1" });
    e.knows = h("div", { "data-testid": "consent-knows" });
    e.sentTitle = h("h3", { id: "s-title" });
    e.sent = h("div", { "data-testid": "consent-sent" });
    e.dataTitle = h("h3", { id: "d-title" });
    e.dataText = h("p", { class: "muted" });
    e.export = btn("btn alt", "export", () => this.#export(), { "data-testid": "consent-export" });
    e.erase = btn("btn danger", "erase", () => this.#askErase(true), { "data-testid": "consent-erase" });
    e.eraseAsk = h("p", { id: "erase-q" });
    e.eraseYes = btn("btn danger main", "erase-yes", () => this.#erase(), { "data-testid": "consent-erase-confirm" });
    e.cancel = btn("btn alt", "erase-no", () => this.#askErase(false));
    e.confirm = h("div", { class: "confirm", role: "group", "aria-labelledby": "erase-q", hidden: true }, e.eraseAsk, h("div", { class: "acts" }, e.eraseYes, e.cancel));
    e.st = h("p", { class: "st", role: "status", "data-testid": "consent-status" });
    e.doneBtn = btn("btn main", "done", () => this.close());
    e.dialog = h(
      "dialog",
      { "aria-labelledby": "p-title", "data-testid": "consent-panel", part: "panel" },
      h("div", { class: "hd" }, e.pTitle, e.x),
      h(
        "div",
        { class: "bd" },
        h("div", { class: "top" }, e.intro, e.pNote, e.memory, e.policy),
        h("section", { "aria-labelledby": "pur-title" }, e.purTitle, ...rows),
        h("section", { "aria-labelledby": "k-title" }, e.knowsTitle, e.knows),
        h("section", { "aria-labelledby": "s-title" }, e.sentTitle, e.sent),
        h("section", { "aria-labelledby": "d-title" }, e.dataTitle, e.dataText, h("div", { class: "acts" }, e.export, e.erase), e.confirm),
      ),
      h("div", { class: "ft" }, e.st, e.doneBtn),
    );
    e.dialog.addEventListener("close", () => this.#closed());
    e.dialog.addEventListener("click", (ev) => {
      if (ev.target === e.dialog) this.close(); // a click on the backdrop
    });
    e.live = h("p", { class: "sr", role: "status" });
    root.append(e.banner, e.dialog, e.live);
    e.banner.hidden = true;
  }

  #closeDone() {
    this.#done = false;
    this.#render();
  }

  #closed() {
    this.#askErase(false, false);
    this.#render();
    const o = this.#opener;
    this.#opener = null;
    // The close event comes a task after the dialog hides, and the browser may already have
    // put focus back (and the shopper moved on): only rescue focus that is lost.
    const active = deepActive();
    if (active && active !== document.body && !this.#e.dialog.contains(active)) return;
    if (visible(o)) o.focus();
    else if (!this.#e.banner.hidden) (this.#done ? this.#e.doneMsg : this.#e.allow).focus();
  }

  #askErase(on, focus = true) {
    this.#confirming = on;
    this.#e.confirm.hidden = !on;
    if (focus) (on ? this.#e.cancel : this.#e.erase).focus();
  }

  #erase() {
    const [, t] = this.#t;
    this.#quiet = true;
    try {
      this.#tailor.forget();
    } finally {
      this.#quiet = false;
    }
    this.#done = false;
    this.#askErase(false);
    this.#render();
    this.#say(t.said.erased);
  }

  #export() {
    const [, t] = this.#t;
    const data = this.#tailor.exportData();
    const name = `tailor-data-${data?.shop ?? "shop"}.json`;
    const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
    const a = h("a", { href: url, download: name, hidden: true });
    this.shadowRoot.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    this.#say(t.said.exported(name));
  }

  #remove(target, label) {
    const [, t] = this.#t;
    const buttons = [...this.#e.knows.querySelectorAll(".rm")];
    const k = buttons.indexOf(this.shadowRoot.activeElement);
    this.#tailor.profile.remove(target);
    this.#render();
    const after = [...this.#e.knows.querySelectorAll(".rm")];
    (after[Math.min(k, after.length - 1)] ?? this.#e.knowsTitle).focus();
    this.#say(t.said.removed(label));
  }

  #allow(topic, label) {
    const [, t] = this.#t;
    this.#tailor.profile.allow(topic);
    this.#render();
    (this.#e.knows.querySelector(".rm") ?? this.#e.knowsTitle).focus();
    this.#say(t.said.allowed(label));
  }

  // ------------------------------------------------------------ rendering

  #render() {
    const e = this.#e;
    const tailor = this.#tailor;
    let s;
    try {
      s = tailor?.consent.get();
    } catch {
      s = null; // a closed instance: show nothing
    }
    if (!s) {
      e.banner.hidden = true;
      if (e.dialog.open) e.dialog.close();
      return;
    }
    this.#state = s;
    const [lang, t] = this.#t;
    for (const el of [e.banner, e.dialog]) el.lang = lang;

    // Banner.
    this.#asking = s.ask != null;
    if (this.#asking) this.#done = false;
    e.banner.hidden = !this.#asking && !this.#done;
    e.ask.hidden = !this.#asking;
    e.doneBox.hidden = this.#asking;
    e.bTitle.textContent = t.bannerTitle;
    e.bWhy.textContent = t[s.ask] ?? "";
    e.bWhy.hidden = !t[s.ask];
    const note = s.ask === "policy-changed" && s.policyNote;
    for (const [box, label, text] of [[e.bNote, e.bNoteLabel, e.bNoteText], [e.pNote, e.pNoteLabel, e.pNoteText]]) {
      box.hidden = !note;
      label.textContent = t.noteLabel;
      text.textContent = note || "";
    }
    e.bText.textContent = t.bannerText;
    e.allow.textContent = t.allow;
    e.deny.textContent = t.deny;
    e.choose.textContent = t.choose;
    e.doneMsg.textContent = s.personalization ? t.doneOn : t.doneOff;
    e.doneOpen.textContent = t.settings;
    e.doneX.setAttribute("aria-label", t.closeMsg);
    // Once answered, the region is named for what it holds now, not for the question.
    if (this.#asking) {
      e.banner.setAttribute("aria-labelledby", "b-title");
      e.banner.removeAttribute("aria-label");
    } else {
      e.banner.removeAttribute("aria-labelledby");
      e.banner.setAttribute("aria-label", t.settings);
    }

    // Panel.
    e.pTitle.textContent = t.panelTitle;
    e.x.setAttribute("aria-label", t.close);
    e.intro.textContent = t.panelIntro;
    e.memory.textContent = t.memory;
    e.memory.hidden = tailor.status.storage !== "memory";
    if (!note && s.ask && s.ask !== "first-visit") {
      e.pNote.hidden = false;
      e.pNoteLabel.textContent = "";
      e.pNoteText.textContent = t[s.ask];
    }
    // The shopper's own last choice under this policy (a browser signal is not one).
    const mine = tailor.consent.log().filter((c) => c.source !== "browser-signal" && c.policyVersion === s.policyVersion).at(-1);
    const when = mine ? new Intl.DateTimeFormat(lang, { dateStyle: "long" }).format(mine.at) : null;
    e.policy.textContent = t.policy(s.policyVersion, when);
    e.purTitle.textContent = t.purposesTitle;
    for (const p of PURPOSES) {
      const w = e.sw[p];
      w.lb.textContent = t[p][0];
      w.desc.textContent = t[p][1];
      w.b.setAttribute("aria-checked", String(!!s[p]));
      w.tx.textContent = s[p] ? t.on : t.off;
      const why = p === "sensitive" && !s.personalization ? t.needsP : p === "analytics" && s.gpc && !s.analytics ? t.gpc : "";
      w.why.textContent = why;
      w.why.hidden = !why;
      w.b.disabled = p === "sensitive" && !s.personalization;
    }
    e.knowsTitle.textContent = t.knowsTitle;
    e.sentTitle.textContent = t.sentTitle;
    e.dataTitle.textContent = t.dataTitle;
    e.dataText.textContent = t.dataText;
    e.export.textContent = t.export;
    e.erase.textContent = t.erase;
    e.eraseAsk.textContent = t.eraseAsk;
    e.eraseYes.textContent = t.eraseYes;
    e.cancel.textContent = t.cancel;
    e.confirm.hidden = !this.#confirming;
    e.doneBtn.textContent = t.done;
    if (e.dialog.open) this.#keepFocus(() => {
      e.knows.replaceChildren(...this.#knows(s, t, lang));
      e.sent.replaceChildren(...this.#sent(s, t));
    });
  }

  /** Rebuilds part of the panel, keeping focus on the same control if it still exists. */
  #keepFocus(fn) {
    const a = this.shadowRoot.activeElement;
    const key = a?.dataset?.f;
    fn();
    if (key && !a.isConnected) {
      for (const el of this.shadowRoot.querySelectorAll("[data-f]")) if (el.dataset.f === key) return el.focus();
    }
  }

  #knows(s, t, lang) {
    if (!s.personalization) return [h("p", { class: "muted", "data-testid": "consent-knows-off", text: t.knowsOff })];
    const d = this.#tailor.profile.describe();
    const out = this.#part(d, t, lang, "");
    if (d.dismissed) out.push(h("p", { class: "muted", text: t.dismissed(d.dismissed) }));
    if (d.blocked?.length) {
      out.push(
        h("h4", { text: t.blocked }),
        h("p", { class: "muted", text: t.blockedHint }),
        h(
          "ul",
          { "data-testid": "consent-blocked" },
          d.blocked.map((topic) => {
            const label = topic.split("/").join(" › ");
            return h("li", { class: "row" }, h("span", { class: "nm", text: label }), h("button", { type: "button", class: "rm", "data-f": `allow:${topic}`, onclick: () => this.#allow(topic, label) }, t.allowAgain, h("span", { class: "sr", text: ` ${label}` })));
          }),
        ),
      );
    }
    const sens = d.sensitive;
    if (sens) {
      const inner = this.#part(sens, t, lang, "s:");
      if (inner.length) out.push(h("section", { class: "box", "aria-labelledby": "sens-title", "data-testid": "consent-knows-sensitive" }, h("h4", { id: "sens-title", text: t.sensitiveTitle }), h("p", { class: "muted", text: t.sensitiveHint }), inner));
    }
    if (!out.length) out.push(h("p", { class: "muted", "data-testid": "consent-knows-empty", text: t.knowsEmpty }));
    return out;
  }

  /** Interests (grouped by department), brands, recent and bought items of one profile part. */
  #part(d, t, lang, f) {
    const out = [];
    const rm = (target, label, key) => h("button", { type: "button", class: "rm", "data-f": `${f}rm:${key}`, onclick: () => this.#remove(target, label) }, t.remove, h("span", { class: "sr", text: ` ${label}` }));
    const meter = (i, label, target) => {
      const fill = h("i");
      fill.style.width = `${Math.max(3, Math.min(100, i.weight))}%`;
      return h("li", {}, h("div", { class: "row" }, h("span", { class: "nm", text: label }), h("span", { class: "bar", "aria-hidden": "true" }, fill), h("span", { class: "val" }, String(i.weight), h("span", { class: "sr", text: t.of100 })), rm(target, label, `${Object.keys(target)[0]}:${i.key}`)));
    };
    if (d.interests?.length) {
      // A tree by category path: each interest under its nearest ancestor that is known too.
      const nodes = new Map(d.interests.map((i) => [i.key, { i, kids: [] }]));
      const roots = [];
      for (const n of nodes.values()) {
        const parts = n.i.key.split("/");
        let k = parts.length - 1;
        while (k > 0 && !nodes.has(parts.slice(0, k).join("/"))) k--;
        n.label = k && k === parts.length - 1 ? n.i.label : parts.slice(k).join(" › ");
        (k ? nodes.get(parts.slice(0, k).join("/")).kids : roots).push(n);
      }
      const tree = (list, cls) => h("ul", cls, list.sort((a, b) => b.i.weight - a.i.weight).map((n) => {
        const li = meter(n.i, n.label, { interest: n.i.key });
        if (n.kids.length) li.append(tree(n.kids, { class: "sub" }));
        return li;
      }));
      out.push(h("h4", { text: t.interests }), tree(roots, { "data-testid": "consent-interests" }));
    }
    if (d.brands?.length) {
      out.push(h("h4", { text: t.brands }), h("ul", { "data-testid": "consent-brands" }, d.brands.map((b) => meter(b, b.label ?? b.key, { brand: b.key }))));
    }
    const when = new Intl.DateTimeFormat(lang, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
    const item = (r, meta) => {
      const label = r.title ?? r.id;
      return h("li", { class: "row" }, h("span", { class: "nm" }, label, h("small", { text: meta })), rm({ item: r.id }, label, `item:${r.id}`));
    };
    if (d.recent?.length) out.push(h("h4", { text: t.recent }), h("ul", { "data-testid": "consent-recent" }, d.recent.map((r) => item(r, `${t.kinds[r.type] ?? r.type} · ${when.format(r.at)}`))));
    if (d.purchased?.length) out.push(h("h4", { text: t.purchased }), h("ul", { "data-testid": "consent-purchased" }, d.purchased.map((r) => item(r, t.times(r.count)))));
    return out;
  }

  #sent(s, t) {
    let p;
    try {
      p = this.#tailor.reports?.preview?.();
    } catch (err) {
      return [h("p", { class: "muted", text: String(err?.message ?? err) })];
    }
    if (!p?.kinds?.length) return [h("p", { class: "muted", "data-testid": "consent-sent-none", text: t.sentNone })];
    const kinds = p.kinds.map((k) => h("li", { class: "row" }, h("span", { class: "nm" }, t.measures[k.measure] ?? k.name, h("small", { text: t.kindMeta(k) }))));
    const out = [h("p", { class: "muted", text: s.analytics ? t.sentOn : t.sentOff }), h("ul", { "data-testid": "consent-sent-kinds" }, kinds)];
    const dap = p.kinds.filter((k) => k.transport === "dap");
    if (dap.length < p.kinds.length) out.push(h("p", { class: "muted", text: t.randomized }));
    // The smallest total any "total only" kind is released in: the weakest promise, said plainly.
    const least = Math.min(...dap.map((k) => k.minBatchSize ?? Infinity));
    if (dap.length) out.push(h("p", { class: "muted", "data-testid": "consent-dap-note", text: t.dapNote(Number.isFinite(least) ? least : null) }));
    if (s.analytics && p.budget) out.push(h("p", { class: "muted", "data-testid": "consent-budget", text: t.budget(p.budget) }));
    if (s.analytics) {
      out.push(h("h4", { text: t.nextSend }));
      if (p.body) out.push(h("pre", { tabindex: "0", "aria-label": t.sentLabel, "data-testid": "consent-preview", text: p.body }));
      // A DAP report's exact upload: encrypted, so shown as its bytes (base64).
      for (const d of (p.dap ?? []).filter((x) => x.ready)) out.push(h("p", { class: "muted", text: t.dapNext(d) }), h("pre", { tabindex: "0", "aria-label": t.sentLabel, "data-testid": "consent-preview-dap", text: d.bodyBase64 }));
      if (!p.body && !(p.dap ?? []).some((x) => x.ready)) out.push(h("p", { class: "muted", "data-testid": "consent-preview-empty", text: t.nothingPending }));
    }
    return out;
  }
}

if (globalThis.customElements && !customElements.get("tailor-consent")) {
  customElements.define("tailor-consent", TailorConsentElement);
}
