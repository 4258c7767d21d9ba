// The article's sections, as site/sections.toml lists them (the build writes the table into
// index.html as <script type="application/json" id="pytoy-sections">): their order, numbers,
// views, frames, models, data and level. main.js mounts the views from it; the presenter and
// any prose a view writes ("see section V") take numbers from it.
//
// The view contract. A section's view is the default export of js/views/<view>.js, a class:
//   new View(root, ctx)    draws the section from the build's frames, without Python.
//                          ctx = {frames, settings, text, uPlot, chartProblem, assets, events}:
//                          text is the section's data file (or an Error), events the bus
//                          (events.js) through which views react to each other.
//   live(client)           Python is ready and holds the models the section needs: switch to
//                          live results (may be async; a rejection is shown in the section).
//   shown                  (getter) what the section shows now, as pytoy returned it: a
//                          timeline, a race, a sweep… Tests compare it with CPython.
// Where the section has a timeline to step through (the presenter's ← → Home End):
//   position()             {at, first, last}: the step shown and the range
//   goTo(i)                show step i (clamped to the range)
// Where Space means something (train, pause):
//   toggleRun()            start or pause; false if it can do neither now

const node = document.getElementById("pytoy-sections");
if (!node) throw new Error("index.html has no table of sections (was the page built with build.py?)");

const TABLE = JSON.parse(node.textContent);

/** [{id, number, title, view, frames, needs, data, level, minutes}], in reading order. */
export const SECTIONS = TABLE.sections;

/** The shipped checkpoints: the worker's model name -> the file loaded under it. */
export const MODELS = TABLE.models;

/** The routes through the article, shortest first: [{id, title, label, budget, levels,
 *  sections, minutes}] ("a 10-minute demo", the ids it shows); route.js folds the rest. */
export const ROUTES = TABLE.routes;

/** One section's row, or undefined. */
export const section = (id) => SECTIONS.find((s) => s.id === id);

/** "IV": the number a section has in this build of the article. */
export function ref(id) {
  const s = section(id);
  if (!s) throw new Error(`no section ${id} in the table`);
  return s.number;
}

/** What ?section=<id> asks for: null (the whole article), the row, or {unknown: id}. */
export function chosen(search) {
  const id = new URLSearchParams(search).get("section");
  if (id === null) return null;
  return section(id.trim()) ?? { unknown: id };
}

/** A section's view class (the default export of its module); a failed import rejects. */
export async function viewClass(row) {
  const module = await import(`./views/${row.view}.js`);
  if (typeof module.default !== "function") throw new Error(`js/views/${row.view}.js has no default export`);
  return module.default;
}
