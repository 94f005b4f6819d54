// What a shop's front-end engineer writes after `npm install tailor`: the bare import is
// resolved by Vite to the installed tarball, and the wasm is picked up by Vite from the
// glue's `new URL("tailor_core_bg.wasm", import.meta.url)`.
import { Tailor } from "tailor";
import { runSmoke } from "./smoke.js";

runSmoke(Tailor, { shop: "vite-smoke" });
