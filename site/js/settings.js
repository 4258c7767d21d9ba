// Shareable settings live in the query string, section anchors in the hash:
//   index.html?lr=0.05&batch=16&seed=3#train
// Read once at start (a value that is not a number is ignored, one out of range is clamped),
// written back with history.replaceState whenever a control changes, keeping the hash.
// Values equal to the default are left out, so the plain page has a plain URL.

export const SETTINGS = {
  lr: { default: 0.1, min: 0.001, max: 10, integer: false },
  batch: { default: 32, min: 1, max: 1024, integer: true },
  seed: { default: 0, min: 0, max: 2 ** 31 - 1, integer: true },
};

/** Clamp `value` into the setting's range; NaN (not a number) gives null. */
export function clampSetting(name, value) {
  const spec = SETTINGS[name];
  const x = typeof value === "number" ? value : Number.parseFloat(value);
  if (!Number.isFinite(x)) return null;
  const v = spec.integer ? Math.round(x) : x;
  return Math.min(spec.max, Math.max(spec.min, v));
}

/** The settings in a query string (e.g. location.search), defaults filled in. */
export function readSettings(search) {
  const params = new URLSearchParams(search);
  const out = {};
  for (const [name, spec] of Object.entries(SETTINGS)) {
    const raw = params.get(name);
    const value = raw === null || raw.trim() === "" ? null : clampSetting(name, raw);
    out[name] = value ?? spec.default;
  }
  return out;
}

/** Put `settings` into the current URL's query string, keeping other parameters and the hash. */
export function writeSettings(settings) {
  const url = new URL(globalThis.location.href);
  for (const [name, spec] of Object.entries(SETTINGS)) {
    const value = settings[name];
    if (value === undefined || value === spec.default) url.searchParams.delete(name);
    else url.searchParams.set(name, String(value));
  }
  globalThis.history.replaceState(globalThis.history.state, "", url);
}
