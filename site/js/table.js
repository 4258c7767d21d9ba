// pytoy's settings table (pytoy/defaults.py), which the build writes into index.html as
// <script type="application/json" id="pytoy-table">: every default and bound, the strategies
// with a description each, the reserved symbols. The page builds its menus, its controls'
// bounds, its URL parsing and clamping from it, so nothing here repeats a value Python knows.

const node = document.getElementById("pytoy-table");
if (!node) throw new Error("index.html has no settings table (was the page built with build.py?)");

/** The whole table, as api.defaults() returns it. */
export const TABLE = JSON.parse(node.textContent);

/** The spec of one setting, by path: spec("decode.temperature") -> {default, min, max, step, …}. */
export function spec(path) {
  const [group, name] = path.split(".");
  const s = TABLE[group]?.[name];
  if (!s) throw new Error(`no setting ${path} in the table`);
  return s;
}

export const defaultOf = (path) => spec(path).default;

/** {name: description} of every registered decoding strategy, in registration order. */
export const strategies = () => spec("decode.strategy").choices;

/** One of the page's own fixed sizes (DEFAULTS["page"]): page("grid") -> 12. */
export function page(name) {
  if (!(name in TABLE.page)) throw new Error(`no page size ${name} in the table`);
  return TABLE.page[name];
}

/** The reserved symbols: {pad, mask, sep}. */
export const SYMBOLS = TABLE.symbols;

/** The settings that travel in the URL and the reader's storage: [{path, url, was, spec}]. */
export function shared() {
  const out = [];
  for (const group of ["train", "decode", "model", "data"]) {
    for (const [name, s] of Object.entries(TABLE[group] ?? {})) {
      if (s.url) out.push({ path: `${group}.${name}`, url: s.url, was: s.was ?? [], spec: s });
    }
  }
  return out;
}
