// Shareable settings live in the query string, section anchors in the hash:
//   index.html?lr=0.05&batch=16&seed=3&strategy=remask&steps=3&temp=0.5#denoise
// Read once at start; a value that is not a number (or not one of the choices) is ignored,
// a number out of range is clamped. Written back with history.replaceState whenever a control
// changes, keeping the hash, and also kept in this browser (store.js), so a plain reload or
// a new visit keeps the reader's settings. The URL wins over what is stored: a teacher's link
// shows the teacher's settings. Values equal to the default are left out of the URL, so the
// plain page has a plain URL.

import * as store from "./store.js";

const STORE_KEY = "settings";

export const SETTINGS = {
  // section IV: training
  lr: { default: 0.5, min: 0.001, max: 10, integer: false },
  batch: { default: 128, min: 1, max: 1024, integer: true },
  seed: { default: 0, min: 0, max: 2 ** 31 - 1, integer: true },
  // section V: decoding (steps 0 = one per hidden position; the view clamps to the model's length)
  strategy: { default: "confidence", choices: ["confidence", "random", "threshold", "blocks", "remask"] },
  steps: { default: 0, min: 0, max: 64, integer: true },
  temp: { default: 0.8, min: 0, max: 3, integer: false },
};

/** Clamp `value` into the setting's range (or check it is one of its choices); null if unusable. */
export function clampSetting(name, value) {
  const spec = SETTINGS[name];
  if (spec.choices) return spec.choices.includes(value) ? value : null;
  const x = typeof value === "number" ? value : Number.parseFloat(value);
  if (!Number.isFinite(x)) return null;
  const v = spec.integer ? Math.round(x) : x;
  return Math.min(spec.max, Math.max(spec.min, v));
}

/** The settings stored in this browser, each checked like a URL value. */
function stored() {
  const saved = store.load(STORE_KEY);
  const out = {};
  if (saved && typeof saved === "object") {
    for (const name of Object.keys(SETTINGS)) {
      const value = Object.hasOwn(saved, name) ? clampSetting(name, saved[name]) : null;
      if (value !== null) out[name] = value;
    }
  }
  return out;
}

/** The settings for this visit: the query string (e.g. location.search) first, then what this
 *  browser stored (when `remembered`), then the defaults. */
export function readSettings(search, { remembered = true } = {}) {
  const params = new URLSearchParams(search);
  const saved = remembered ? stored() : {};
  const out = {};
  for (const [name, spec] of Object.entries(SETTINGS)) {
    const raw = params.get(name);
    const value = raw === null || raw.trim() === "" ? null : clampSetting(name, raw.trim());
    out[name] = value ?? saved[name] ?? spec.default;
  }
  return out;
}

/** Put `settings` into the current URL's query string (keeping other parameters and the hash)
 *  and into this browser's storage. Returns false if the browser refused to store them. */
export function writeSettings(settings) {
  const url = new URL(globalThis.location.href);
  const keep = {};
  for (const [name, spec] of Object.entries(SETTINGS)) {
    const value = settings[name];
    if (value === undefined) continue;
    keep[name] = value;
    if (value === spec.default) url.searchParams.delete(name);
    else url.searchParams.set(name, String(value));
  }
  globalThis.history.replaceState(globalThis.history.state, "", url);
  return store.save(STORE_KEY, keep);
}

/** Forget the stored settings (the URL keeps what it shows). */
export function forgetSettings() {
  return store.forget(STORE_KEY);
}
