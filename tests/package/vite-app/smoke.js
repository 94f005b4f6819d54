// The smoke scenario, shared by the Vite app (main.js, `import … from "tailor"`) and the
// plain <script type="module"> page (which imports the unpacked tarball's index.js).
// It writes everything it saw into the DOM; the test reads it back and judges it.

/** Server order is popularity descending: the jackets and the tent lead, tea trails. */
export const catalogue = [
  { id: "jacket-1", title: "Rain Jacket", category: "outdoor/jackets", brand: "Zed", price: 89, popularity: 9 },
  { id: "tent-1", title: "Dome Tent", category: "outdoor/tents", brand: "Zed", price: 199, popularity: 8 },
  { id: "shoe-1", title: "Trail Runner 2", category: "shoes/running", brand: "Acme", price: 120, popularity: 6 },
  { id: "tea-1", title: "Green Tea", category: "grocery/tea", brand: "Leafy", price: 4.5, popularity: 2 },
  { id: "tea-2", title: "Black Tea", category: "grocery/tea", brand: "Brewco", price: 3.9, popularity: 1 },
  { id: "tea-3", title: "Mint Tea", category: "grocery/tea", brand: "Leafy", price: 4.2, popularity: 0 },
];
/** The shopper looks at tea. */
export const viewed = ["tea-1", "tea-2"];

export async function runSmoke(Tailor, { shop }) {
  const state = document.getElementById("state");
  const list = document.getElementById("ranking");
  const out = document.getElementById("result");
  try {
    const tailor = await Tailor.open({ shop, policyVersion: "2026-11" });
    const consentEvents = [];
    tailor.addEventListener("consentchange", (e) => consentEvents.push(e.detail.personalization));
    const statusAtOpen = tailor.status;
    const summary = tailor.loadCatalogue(catalogue);
    const before = tailor.rank();
    const trackedBeforeConsent = tailor.track({ type: "view", item: viewed[0] });
    const keysBeforeConsent = Object.keys(localStorage).filter((k) => k.startsWith(`tailor.v1.${shop}.`)).sort();
    tailor.consent.set({ personalization: true });
    const tracked = viewed.map((item) => tailor.track({ type: "view", item }));
    const after = tailor.rank();
    const result = {
      catalogue,
      viewed,
      statusAtOpen,
      status: tailor.status,
      summary,
      before,
      trackedBeforeConsent,
      keysBeforeConsent,
      tracked,
      after,
      consentEvents,
      profile: tailor.profile.describe(),
    };
    for (const { id, match, reasons } of after) {
      const li = document.createElement("li");
      li.dataset.id = id;
      li.dataset.match = String(match);
      li.textContent = `${catalogue.find((c) => c.id === id)?.title ?? id} (${match}% match)${reasons.length ? ": " + reasons.join("; ") : ""}`;
      list.append(li);
    }
    out.textContent = JSON.stringify(result, null, 2);
    state.textContent = "done";
  } catch (e) {
    console.error("tailor smoke failed:", e);
    out.textContent = String(e?.stack ?? e);
    state.textContent = "failed";
  }
}
