// The page's entry point. In order:
//   1. every section in the table (sections.js, from site/sections.toml; or the one that
//      ?section=<id> asks for) is mounted from frames.json, which pytoy computed under CPython
//      at build time, so each shows real output before Python has loaded;
//   2. the Python worker, started by start.js (the page's first script) before this module
//      has even loaded, shows its loading stages;
//   3. the sections that need no shipped model go live (Train first), then the models the
//      mounted sections need are loaded, and the other sections go live, in the table's order.
// No single failure stops the page: the chart library, frames.json, a data file or one
// section's module, start or live step can fail, and only the parts that need it say so
// (what failed, and that the rest works); Python and every other section carry on.
// For tests and the curious: window.pytoy.route (route.js), window.pytoy.client (await pytoy.client.call("sample",
// { name: "shipped" })) and window.pytoy.sections[id], each section's view (its contract is
// in sections.js).

import { httpStatus } from "./assets.js";
import { loadChartLibrary } from "./charts.js";
import { el, nextTask } from "./dom.js";
import { Events } from "./events.js";
import { MODELS, SECTIONS, chosen, viewClass } from "./sections.js";
import { readSettings } from "./settings.js";
import { LoadingView } from "./views/loading.js";
import { Pending } from "./views/pending.js";

const body = document.body;
const $ = (sel) => document.querySelector(sel);
const loading = new LoadingView($("#status"));
let pending = null;

function fail(message) {
  body.dataset.status = "error";
  loading.fail(message);
  pending?.fail();
}

function unsupported() {
  if (typeof WebAssembly !== "object") {
    return "This browser cannot run WebAssembly, which the Python runtime needs " +
           "(it may be switched off by a setting or an extension).";
  }
  if (typeof Worker !== "function") return "This browser cannot run Web Workers.";
  return null;
}

async function fetchText(assets, name) {
  const r = await fetch(assets.url(name), { cache: "no-cache" });
  if (!r.ok) throw new Error(`${assets.path(name)} (${httpStatus(r)})`);
  return r.text();
}

/** A file the page can do without: its text, or the Error that says why not (never rejects). */
function optionalText(assets, name) {
  return fetchText(assets, name).catch((e) => {
    // a failed fetch says only "Failed to fetch" / "Load failed": name the file
    const error = e.message.includes(assets.path(name)) ? e : new Error(`${assets.path(name)} (${e.message})`);
    console.error(`could not load ${assets.path(name)}:`, e);
    return error;
  });
}

// --- parts that fail on their own -------------------------------------------------------------
// No single failure stops the page: the chart library, a data file or one section's start can
// fail, and that part says what failed while everything else, Python included, goes on.
// body[data-failed] lists what failed (for tests and bug reports); #status says it in words.

const failed = [];
const missingFiles = new Map(); // what could not be loaded -> {note, sections}

function markFailed(key) {
  if (!failed.includes(key)) failed.push(key);
  body.dataset.failed = failed.join(" ");
}

function noteFailure(key, text) {
  markFailed(key);
  const note = el("p", { className: "message error part-failed", textContent: text });
  $("#status").append(note);
  return note;
}

/** One status line per file that did not load, naming every section that needed it. */
function noteMissing(name, why, roots) {
  markFailed(name);
  let entry = missingFiles.get(why);
  if (!entry) {
    entry = { note: noteFailure(name, ""), sections: [] };
    missingFiles.set(why, entry);
  }
  entry.sections.push(...roots.map((r) => r.querySelector("h2 .num")?.textContent ?? sectionTitle(r)));
  const many = entry.sections.length > 1;
  entry.note.textContent = `Could not load ${why}: section${many ? "s" : ""} ${entry.sections.join(", ")}, ` +
    `which need${many ? "" : "s"} it, ${many ? "are" : "is"} not shown. Python and the other sections work.`;
}

/** "IV Train in your browser": a section's number and title, as its heading shows them. */
function sectionTitle(root) {
  return root.querySelector("h2")?.textContent.trim().replace(/\s+/g, " ") ?? `#${root.id}`;
}

/** Say inside a section, under its heading, that it failed and what is still there. */
function sectionFailed(root, text) {
  root.dataset.failed = "true";
  root.querySelector(".section-problem")?.remove();
  for (const n of root.querySelectorAll("[data-pending]")) n.remove(); // "Python loading…" no longer applies
  const note = el("p", { className: "message error section-problem", textContent: text });
  (root.querySelector("h2") ?? root.firstChild)?.after(note);
}

const PHASES = {
  // a section that could not be built from what it needs
  start: (why) => [`This section could not start: ${why}. The other sections and Python are not affected.`,
                   "failed to start"],
  // a section that was drawn, but whose live (Python) step failed
  live: (why) => [`This section did not go live: ${why}. It keeps the frames computed when the page was built; ` +
                  "the other sections and Python are not affected.", "did not go live"],
};

/**
 * Run one part of the page. `needs` maps what it needs to what was loaded (an Error if that
 * failed); `work()` builds the part (or, phase "live", brings it live) and may throw or reject.
 * On failure each section in `roots` says why, the status names the part once, and null comes
 * back; otherwise work()'s result.
 */
function attemptPart(name, roots, needs, work, phase = "start") {
  const missing = Object.values(needs).filter((v) => v instanceof Error);
  const problem = (why, e) => {
    if (e) console.error(`section ${name}:`, e);
    const [inSection, verb] = PHASES[phase](why);
    for (const root of roots) sectionFailed(root, inSection);
    noteFailure(name, `Part of the page (${roots.map(sectionTitle).join("; ") || name}) ${verb}: ${why}.`);
    return null;
  };
  if (missing.length) {
    const why = missing.map((e) => e.message).join("; ");
    for (const root of roots) sectionFailed(root, PHASES.start(`${why} could not be loaded`)[0]);
    noteMissing(name, why, roots);
    return null;
  }
  const report = (e) => problem(e?.message ?? String(e), e);
  try {
    const out = work();
    return out instanceof Promise ? out.catch(report) : out;
  } catch (e) {
    return report(e);
  }
}

/** After the worker died: one button that starts everything again. Models are saved in this
 *  browser whenever a run ends or pauses, so the reload brings back the last good one. */
function offerRestart() {
  const button = document.createElement("button");
  button.type = "button";
  button.id = "restart-python";
  button.className = "primary";
  button.textContent = "Restart Python (your saved models come back)";
  button.addEventListener("click", () => location.reload());
  $("#status").append(button);
  button.focus();
}

/** On a connection that asks to save data, wait for the reader to ask for Python. */
// The runtime files the worker downloads (boot.js STAGES; not imported: main.js must start even
// when boot.js is broken, so the worker's failure can be reported).
const RUNTIME_FILES = ["pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip",
  "pyodide-lock.json", "numpy_wheel", "pytoy_wheel"];

function askBeforeDownloading(assets) {
  if (!navigator.connection?.saveData) return Promise.resolve();
  const mb = (assets.bytes(RUNTIME_FILES) / 1e6).toFixed(1);
  const note = document.createElement("p");
  note.textContent = `Your browser asks to save data. The Python runtime is ${mb} MB; ` +
                     "the sections below show precomputed results until you load it. ";
  const button = document.createElement("button");
  button.type = "button";
  button.id = "load-python";
  button.textContent = `Load Python (${mb} MB)`;
  note.append(button);
  $("#status").append(note);
  body.dataset.status = "waiting";
  return new Promise((resolve) => button.addEventListener("click", () => { note.remove(); resolve(); }, { once: true }));
}

/** A module the page can do without: the module, or an Error naming the file (never rejects). */
function optionalModule(path, loading) {
  return loading.catch((e) => {
    console.error(`could not load js/${path}:`, e);
    return new Error(`js/${path} (${e.message})`);
  });
}

/** Each distinct data file the sections read: path -> its text, or the Error saying why not. */
async function loadTexts(assets, rows) {
  const paths = [...new Set(rows.map((r) => r.data).filter(Boolean))];
  const texts = await Promise.all(paths.map((p) => optionalText(assets, p)));
  return new Map(paths.map((p, i) => [p, texts[i]]));
}

/** ?section=<id>: only that section, under a line that links to the whole article. */
function showAlone(row) {
  body.dataset.alone = row.id;
  for (const s of document.querySelectorAll("main > section")) if (s.id !== row.id) s.remove();
  const whole = new URL(location.href);
  whole.searchParams.delete("section");
  whole.hash = row.id;
  $(".page-header").prepend(el("p", { className: "alone-note", id: "alone-note" },
    `Section ${row.number} of `, el("a", { href: whole.href, target: "_blank", rel: "noopener", textContent: "pytoy — text diffusion, tiny" }),
    ", live: its Python runs in your browser."));
  document.title = `${row.title} — pytoy`;
}

/** ?section=<id> names no section: say so, and offer each section alone and the whole article. */
function unknownSection(id) {
  body.dataset.alone = "unknown";
  body.dataset.status = "unknown-section";
  for (const s of document.querySelectorAll("main > section")) s.remove();
  const whole = new URL(location.href);
  whole.searchParams.delete("section");
  for (const a of document.querySelectorAll(".toc a")) {
    const one = new URL(whole);
    one.searchParams.set("section", a.hash.slice(1));
    a.href = one.href;
  }
  $("#status").replaceChildren(el("p", { className: "message error", id: "section-unknown" },
    `There is no section “${id}” in this article. Pick one of the sections below to see it alone, or read `,
    el("a", { href: whole.href, textContent: "the whole article" }), "."));
}

async function main(starting) {
  const problem = unsupported();
  if (problem) return fail(problem);
  const alone = chosen(location.search);
  if (alone && "unknown" in alone) return unknownSection(alone.unknown);
  if (alone) showAlone(alone);
  // the reader's route folds what it leaves out before anything is drawn (route.js)
  else {
    const route = await optionalModule("route.js", import("./route.js"));
    attemptPart("route", [], { m: route }, () => {
      window.pytoy = { route: new route.RouteView(document, route.readRoute(location.search)) };
    });
  }
  const rows = alone ? [alone] : SECTIONS;
  pending = new Pending();
  // The sections' views and the page's other parts load side by side; one that fails to load
  // (or to evaluate) costs what is built from it, not the page.
  const loadingViews = Promise.all(rows.map((r) => r.view && optionalModule(`views/${r.view}.js`, viewClass(r))));
  const loadingParts = Promise.all([
    optionalModule("views/source.js", import("./views/source.js")),
    optionalModule("views/share.js", import("./views/share.js")),
    optionalModule("views/presenter.js", import("./views/presenter.js")),
    optionalModule("glossary.js", import("./glossary.js")),
    optionalModule("teacher.js", import("./teacher.js")),
  ]);

  const settings = readSettings(location.search);
  let assets, client, python;
  try {
    // Python is already booting in the worker (start.js) while this thread draws the frames.
    python = await starting;
    ({ assets, client } = python);
  } catch (e) {
    return fail(`Could not start: ${e.message}.`);
  }
  client.onFatal = (e) => {
    fail(`The Python worker stopped: ${e.message}.`);
    offerRestart();
  };
  window.pytoy = { ...window.pytoy, client, settings };
  python.listen((p) => loading.update(p));
  const booting = askBeforeDownloading(assets).then(() => python.boot());
  booting.catch(() => {}); // handled where it is awaited, below

  // Everything the sections are drawn from, side by side; each may fail on its own.
  const [classes, [source, share, presenter, glossary, teacher], charts, framesText, texts] = await Promise.all([
    loadingViews, loadingParts, loadChartLibrary(assets), optionalText(assets, "frames.json"), loadTexts(assets, rows),
  ]);
  let frames = framesText;
  if (!(frames instanceof Error)) {
    try {
      frames = JSON.parse(framesText);
    } catch (e) {
      frames = new Error(`${assets.path("frames.json")} (not JSON: ${e.message})`);
    }
  }
  const { uPlot, problem: chartProblem } = charts;
  if (chartProblem) {
    noteFailure("charts", `The charts are not drawn: ${chartProblem}. Training, sampling, ` +
                          "translating and every table work without them; each chart's area says where its numbers are.");
  }

  // Mount every section's view from the table, in its order, one task each.
  const events = new Events();
  const mounted = []; // [{row, root, view}], in reading order
  for (const [i, row] of rows.entries()) {
    if (!row.view) continue;
    const root = $(`#${row.id}`);
    const text = row.data ? texts.get(row.data) : undefined;
    const needs = { view: classes[i], ...(row.frames.length ? { frames } : {}), ...(row.data ? { text } : {}) };
    const view = attemptPart(row.id, [root], needs, () =>
      new classes[i](root, { frames, settings, text, uPlot, chartProblem, assets, events }));
    if (view) mounted.push({ row, root, view });
    await nextTask();
  }
  Object.assign(window.pytoy, { frames: frames instanceof Error ? null : frames, charts,
                                sections: Object.fromEntries(mounted.map((m) => [m.row.id, m.view])) });
  // The page's parts that are not sections: "Show the Python" everywhere, the footer, the keys.
  const sources = attemptPart("source", [], { m: source },
                              () => new source.SourceView(document, frames instanceof Error ? {} : frames));
  attemptPart("share", [$("#share")], { m: share }, () => share.mountShare($("#share")));
  attemptPart("glossary", [], { m: glossary }, () => glossary.mountGlossary(document));
  attemptPart("teacher", [], { m: teacher }, () => teacher.mountTeacherNotes(document));
  attemptPart("presenter", [], { m: presenter }, () => {
    $("#help-keys tbody").append(...presenter.shortcuts(mounted).map(([key, what]) =>
      el("tr", {}, el("th", { scope: "row" }, el("kbd", { textContent: key })), el("td", { textContent: what }))));
    window.pytoy.presenter = new presenter.Presenter(document, mounted);
  });

  let init;
  try {
    init = await booting;
  } catch (e) {
    return fail(e.message);
  }
  loading.ready(init.seconds, init.versions);
  $("#versions").textContent =
    `Python ${init.versions.python} · NumPy ${init.versions.numpy} · ` +
    `Pyodide ${init.versions.pyodide} · pytoy ${init.versions.pytoy}`;
  try {
    await client.call("defaults");
  } catch (e) {
    return fail(e.message); // Python answers nothing: nothing live can work
  }

  // Each section goes live on its own; they share the worker, so one at a time, in order.
  // Those that need no shipped model first: the Train button comes before the checkpoints.
  const goLive = (m) => attemptPart(m.row.id, [m.root], {}, () => m.view.live(client), "live");
  for (const m of mounted.filter((m) => !m.row.needs.length)) await goLive(m);
  performance.mark("pytoy:train"); // bench/run.py: "ready to train"
  const needed = [...new Set(mounted.flatMap((m) => m.row.needs))];
  let shipped = false;
  try {
    const ckpts = await Promise.all(needed.map((name) => fetchText(assets, MODELS[name])));
    for (const [i, name] of needed.entries()) await client.call("load", { name, ckpt: ckpts[i] });
    shipped = true;
    pending.ready();
  } catch (e) {
    console.error("shipped models:", e);
    noteFailure("checkpoints", `The shipped models could not be loaded (${e.message}): the sections ` +
                               "that use them keep the frames computed when the page was built. Training works.");
    pending.say("The shipped models did not load: the frames shown were computed when the page was built.");
  }
  if (shipped) {
    await attemptPart("source", [], {}, () => sources?.live(client), "live");
    for (const m of mounted.filter((m) => m.row.needs.length)) await goLive(m);
  }
  body.dataset.status = "ready";
}

/** Called by start.js with its startPython() promise: the worker is already booting. */
export function startPage(starting) {
  main(starting).catch((e) => fail(`Unexpected error: ${e.message}`));
}
