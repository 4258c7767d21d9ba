// Shareable settings live in the query string, section anchors in the hash:
//   index.html?lr=0.05&batch=16&seed=3&strategy=remask&steps=3&temperature=0.5#denoise
// Which settings are shareable, their defaults and bounds all come from pytoy's settings table
// (table.js): a setting with a `url` name is one of them. Read once at start; a value that is
// not a number (or not one of the choices) is ignored, a number out of range is clamped.
// Written back with history.replaceState whenever a control changes, keeping the hash, and
// also kept in this browser (store.js), so a plain reload or a new visit keeps the reader's
// settings. The URL wins over what is stored: a teacher's link shows the teacher's settings.
// Values equal to the default are left out of the URL, so the plain page has a plain URL.
// A setting's older names (`was`, e.g. temp for temperature) are still read, from links and
// from storage, and written back under the current name.

import * as store from "./store.js";
import { shared } from "./table.js";

const STORE_KEY = "settings";

/** name (as in the URL) -> {path, default, min, max, integer, choices, was} */
export const SETTINGS = Object.fromEntries(shared().map(({ path, url, was, spec }) => [url, {
  path, was, default: spec.default, min: spec.min, max: spec.max, integer: spec.integer,
  choices: spec.choices ? Object.keys(spec.choices) : undefined,
}]));

/** Clamp `value` into the setting's range (or check it is one of its choices); null if unusable. */
export function clampSetting(name, value) {
  const spec = SETTINGS[name];
  if (spec.choices) return spec.choices.includes(value) ? value : null;
  const x = typeof value === "number" ? value : Number.parseFloat(value);
  if (!Number.isFinite(x)) return null;
  const v = spec.integer ? Math.round(x) : x;
  return Math.min(spec.max, Math.max(spec.min, v));
}

/** The reader changed setting `name` in its control `node`: its value, clamped (then passed
 *  through `fit`), goes into `settings`, the box, the URL and this browser, and is returned.
 *  A value that cannot be used leaves `settings` as it was, the box showing the last good value
 *  again, and returns null. */
export function applySetting(settings, name, node, fit = (value) => value) {
  const value = clampSetting(name, node.value);
  if (value === null) {
    node.value = String(settings[name]);
    return null;
  }
  settings[name] = fit(value);
  node.value = String(settings[name]);
  writeSettings(settings);
  return settings[name];
}

/** The first of a setting's names (current, then older ones) that `has` knows. */
function present(name, has) {
  return [name, ...SETTINGS[name].was].find(has);
}

/** The settings stored in this browser, each checked like a URL value; stored under an older
 *  name, they are stored again under the current one. */
function stored() {
  const saved = store.load(STORE_KEY);
  const out = {};
  let renamed = false;
  if (saved && typeof saved === "object") {
    for (const name of Object.keys(SETTINGS)) {
      const key = present(name, (k) => Object.hasOwn(saved, k));
      const value = key === undefined ? null : clampSetting(name, saved[key]);
      if (value !== null) out[name] = value;
      renamed ||= key !== undefined && key !== name;
    }
  }
  if (renamed) store.save(STORE_KEY, out);
  return out;
}

/** Rewrite an older parameter name in the address bar under its current name (same value). */
function renameInUrl(params) {
  const url = new URL(globalThis.location.href);
  let renamed = false;
  for (const [name, spec] of Object.entries(SETTINGS)) {
    for (const old of spec.was) {
      if (!params.has(old)) continue;
      if (!params.has(name)) url.searchParams.set(name, params.get(old));
      url.searchParams.delete(old);
      renamed = true;
    }
  }
  if (renamed) globalThis.history.replaceState(globalThis.history.state, "", url);
}

/** The settings for this visit: the query string (e.g. location.search) first, then what this
 *  browser stored (when `remembered`), then the defaults. */
export function readSettings(search, { remembered = true } = {}) {
  const params = new URLSearchParams(search);
  const saved = remembered ? stored() : {};
  const out = {};
  for (const [name, spec] of Object.entries(SETTINGS)) {
    const key = present(name, (k) => params.has(k));
    const raw = key === undefined ? null : params.get(key);
    const value = raw === null || raw.trim() === "" ? null : clampSetting(name, raw.trim());
    out[name] = value ?? saved[name] ?? spec.default;
  }
  if (search === globalThis.location?.search) renameInUrl(params);
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
    for (const old of spec.was) url.searchParams.delete(old);
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
