// The page's entry point. In order:
//   1. frames.json (computed by pytoy under CPython at build time) is drawn at once, so every
//      section shows real output before Python has loaded;
//   2. the Python worker, started by start.js (the page's first script) before this module
//      has even loaded, shows its loading stages;
//   3. the shipped checkpoints are loaded, and each section switches to live results.
// No single failure stops the page: the chart library, frames.json, a data file or one
// section's module, start or live step can fail, and only the parts that need it say so
// (what failed, and that the rest works); Python and every other section carry on.
// For tests and the curious, the client is exposed as window.pytoy.client:
//   await pytoy.client.call("sample", { name: "names" })

import { httpStatus } from "./assets.js";
import { loadChartLibrary } from "./charts.js";
import { el } from "./dom.js";
import { readSettings } from "./settings.js";
import { LoadingView } from "./views/loading.js";
import { Pending } from "./views/pending.js";

/**
 * The sections' modules, loaded side by side (the status line above needs none of them): one
 * that fails to load (or to evaluate) costs the sections built from it, not the page. Each
 * entry is the module, or an Error naming the file.
 */
function loadSectionModules() {
  const load = (path, loading) => loading.catch((e) => {
    console.error(`could not load js/${path}:`, e);
    return new Error(`js/${path} (${e.message})`);
  });
  const modules = {
    reveal: load("views/reveal.js", import("./views/reveal.js")),
    corrupt: load("views/corrupt.js", import("./views/corrupt.js")),
    network: load("views/network.js", import("./views/network.js")),
    chart: load("views/chart.js", import("./views/chart.js")),
    train: load("views/train.js", import("./views/train.js")),
    denoise: load("views/denoise.js", import("./views/denoise.js")),
    source: load("views/source.js", import("./views/source.js")),
    translate: load("views/translate.js", import("./views/translate.js")),
    share: load("views/share.js", import("./views/share.js")),
    presenter: load("views/presenter.js", import("./views/presenter.js")),
    beyond: load("beyond.js", import("./beyond.js")),
    limits: load("limits.js", import("./limits.js")),
    editor: load("views/editor.js", import("./views/editor.js")),
  };
  return Promise.all(Object.values(modules)).then((loaded) =>
    Object.fromEntries(Object.keys(modules).map((k, i) => [k, loaded[i]])));
}

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
  "pyodide-lock.json", "numpy_wheel", "micropip_wheel", "packaging_wheel", "pytoy_wheel"];

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

async function main(starting) {
  const problem = unsupported();
  if (problem) return fail(problem);
  pending = new Pending();
  const loadingModules = loadSectionModules();

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
  window.pytoy = { client, settings };
  python.listen((p) => loading.update(p));
  const booting = askBeforeDownloading(assets).then(() => python.boot());
  booting.catch(() => {}); // handled where it is awaited, below

  // Everything the sections are drawn from, side by side; each may fail on its own.
  const [m, charts, framesText, dataset, pairs] = await Promise.all([
    loadingModules,
    loadChartLibrary(assets),
    optionalText(assets, "frames.json"),
    optionalText(assets, "data/names.txt"),
    optionalText(assets, "data/en-hi.txt"),
  ]);
  import(assets.url("katex/dist/katex.mjs"))
    .then((katex) => m.network instanceof Error || m.network.renderFormula($("#model-formula"), katex.default))
    .catch(() => { $("#model-formula").dataset.rendered = "fallback"; });
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
  const chartOptions = (where) => ({ problem: chartProblem, where });
  const section = (id) => $(`#${id}`);
  const views = {};

  views.reveal = attemptPart("reveal", [section("reveal")], { m: m.reveal, frames }, () => {
    const reveal = new m.reveal.RevealView($("#reveal"));
    reveal.show(frames.reveal, "frames");
    return reveal;
  });
  await nextTask();
  views.corrupt = attemptPart("corrupt", [section("corrupt")], { m: m.corrupt, frames },
                              () => new m.corrupt.CorruptView($("#corrupt"), { frames }));
  await nextTask();
  attemptPart("model", [section("model")], { m: m.network, frames }, () => {
    $("#model-params").textContent = m.network.renderNetwork($("#model-diagram"), frames.info);
    m.network.renderVocab($("#model-vocab"), frames.info.vocab);
  });
  await nextTask();
  views.denoise = attemptPart("denoise", [section("denoise")], { m: m.denoise, frames },
                              () => new m.denoise.DenoiseView($("#denoise"), { frames, settings }));
  await nextTask();
  views.source = attemptPart("source", [section("built")], { m: m.source },
                             () => new m.source.SourceView(document, frames instanceof Error ? {} : frames));
  attemptPart("share", [section("share")], { m: m.share }, () => m.share.mountShare($("#share")));
  views.translate = attemptPart("translate", [section("translate")], { m: m.translate, chart: m.chart, frames, pairs }, () => {
    const chart = new m.chart.LossChart($("#translate-chart"), uPlot,
                                        chartOptions("The step and loss are written next to the buttons above."));
    views.translateChart = chart;
    return new m.translate.TranslateView($("#translate"), { frames, chart, text: pairs });
  });
  await nextTask();
  const train = attemptPart("train", [section("train")], { m: m.train, chart: m.chart, dataset }, () => {
    const chart = new m.chart.LossChart($("#loss-chart"), uPlot, chartOptions(
      "The step, loss and floor above give the latest numbers; “Loss history (.csv)” has every step."));
    const view = new m.train.TrainView($("#train"), { client, chart, settings, dataset });
    view.onStep = (step) => views.denoise?.setOwnModel(step);
    return view;
  });
  await nextTask();
  Object.assign(window.pytoy, { train, views, frames: frames instanceof Error ? null : frames, charts });
  // Sections beyond the seed explainer, each mounted on its own: one failing to start
  // must not take the others down.
  const ctx = { frames, uPlot, chartProblem, views, train, settings, dataset };
  const mountEditor = () => {
    const editor = new m.editor.EditorView($("#edit"), ctx);
    views.editor = editor;
    return editor;
  };
  const extras = [];
  for (const [name, ids, needs, mount] of [
    ["beyond", ["race", "strategies"], { m: m.beyond, frames }, () => m.beyond.mountBeyond(ctx)],
    ["limits", ["sweep", "infill", "likelihood", "limits"], { m: m.limits, frames }, () => m.limits.mountLimits(ctx)],
    ["editor", ["edit"], { m: m.editor }, mountEditor], // its sources come from Python
  ]) {
    extras.push({ name, ids, section: attemptPart(name, ids.map(section), needs, mount) });
    await nextTask();
  }
  attemptPart("presenter", [], { m: m.presenter }, () => {
    $("#help-keys tbody").append(...m.presenter.SHORTCUTS.map(([key, what]) =>
      el("tr", {}, el("th", { scope: "row" }, el("kbd", { textContent: key })), el("td", { textContent: what }))));
    window.pytoy.presenter = new m.presenter.Presenter(document, { views, train: train ?? inert(section("train")) });
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

  let defaults;
  try {
    defaults = await client.call("defaults");
  } catch (e) {
    return fail(e.message); // Python answers nothing: nothing live can work
  }
  // Training needs no shipped model: the Train button comes first, the other sections next.
  if (train) {
    await attemptPart("train", [section("train")], {}, async () => {
      await train.start(defaults);
      performance.mark("pytoy:train"); // bench/run.py: "ready to train"
    }, "live");
  }
  let shipped = false;
  try {
    const ckpt = (file) => fetchText(assets, `data/checkpoints/${file}`);
    const [names, ar, tr] = await Promise.all([ckpt("names.json"), ckpt("names-ar.json"), ckpt("translate.json")]);
    await client.call("load", { name: "shipped", ckpt: names });
    await client.call("load", { name: "shipped-ar", ckpt: ar });
    await client.call("load", { name: "translate", ckpt: tr });
    shipped = true;
    pending.ready();
  } catch (e) {
    console.error("shipped models:", e);
    noteFailure("checkpoints", `The shipped models could not be loaded (${e.message}): the sections ` +
                               "that use them keep the frames computed when the page was built. Training works.");
    pending.say("The shipped models did not load: the frames shown were computed when the page was built.");
  }
  if (shipped) {
    // each section goes live on its own; they share the worker, so one at a time, in order
    const live = [
      ["source", [], () => views.source?.live(client)],
      ["denoise", ["denoise"], () => views.denoise?.live(client)],
      ["translate", ["translate"], () => views.translate?.live(client)],
      ["corrupt", ["corrupt"], () => views.corrupt?.live(client)],
      ["reveal", ["reveal"], () => views.reveal?.live(client, frames.word, frames.reveal.steps)],
      ...extras.map(({ name, ids, section: part }) => [name, ids, () => part?.live(client)]),
    ];
    for (const [name, ids, work] of live) await attemptPart(name, ids.map(section), {}, work, "live");
  }
  body.dataset.status = "ready";
}

/**
 * Let the browser run other tasks (input, rendering, the worker's messages) before the next
 * section is drawn, so that drawing the page is many short tasks, not one long one (it was
 * 0.7 s in Chromium and 2 s in WebKit). Not setTimeout: a background tab throttles it.
 */
function nextTask() {
  if (globalThis.scheduler?.yield) return globalThis.scheduler.yield();
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

/** The presenter's stand-in for section IV when it could not start: Space does nothing. */
function inert(root) {
  return { root, el: { train: { disabled: true } }, train() {}, pause() {} };
}

/** Called by start.js with its startPython() promise: the worker is already booting. */
export function startPage(starting) {
  main(starting).catch((e) => fail(`Unexpected error: ${e.message}`));
}
