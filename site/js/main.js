// The page's entry point. In order:
//   1. frames.json (computed by pytoy under CPython at build time) is drawn at once, so every
//      section shows real output before Python has loaded;
//   2. the Python worker, started by start.js (the page's first script) before this module
//      has even loaded, shows its loading stages;
//   3. the shipped checkpoints are loaded, and each section switches to live results.
// For tests and the curious, the client is exposed as window.pytoy.client:
//   await pytoy.client.call("sample", { name: "names" })

import { httpStatus } from "./assets.js";
import { mountBeyond } from "./beyond.js";
import { mountLimits } from "./limits.js";
import { readSettings } from "./settings.js";
import { LossChart } from "./views/chart.js";
import { CorruptView } from "./views/corrupt.js";
import { EditorView } from "./views/editor.js";
import { DenoiseView } from "./views/denoise.js";
import { LoadingView } from "./views/loading.js";
import { renderFormula, renderNetwork, renderVocab } from "./views/network.js";
import { Pending } from "./views/pending.js";
import { Presenter, SHORTCUTS } from "./views/presenter.js";
import { RevealView } from "./views/reveal.js";
import { mountShare } from "./views/share.js";
import { SourceView } from "./views/source.js";
import { TrainView } from "./views/train.js";
import { TranslateView } from "./views/translate.js";

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

/** Sections I, II, III, V, VI and VII drawn from the build's frames (no Python needed). */
function firstFrames(frames, uPlot, settings) {
  const views = {
    reveal: new RevealView($("#reveal")),
    corrupt: new CorruptView($("#corrupt"), { frames }),
    denoise: new DenoiseView($("#denoise"), { frames, settings }),
    source: new SourceView(document, frames),
  };
  views.reveal.show(frames.reveal, "frames");
  $("#model-params").textContent = renderNetwork($("#model-diagram"), frames.info);
  renderVocab($("#model-vocab"), frames.info.vocab);
  views.translateChart = new LossChart($("#translate-chart"), uPlot);
  return views;
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

/** Run one extra section's mount or live step; a failure is shown in the page's status and
 *  logged, and the rest of the page carries on. */
function attemptExtra(name, work) {
  const report = (e) => {
    console.error(`section ${name}:`, e);
    const note = document.createElement("p");
    note.className = "message error";
    note.textContent = `Part of the page (${name}) failed to start: ${e.message}`;
    $("#status").append(note);
    return null;
  };
  try {
    const out = work();
    return out instanceof Promise ? out.catch(report) : out;
  } catch (e) {
    return report(e);
  }
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

  const settings = readSettings(location.search);
  let assets, uPlot, frames, client, python;
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

  try {
    uPlot = (await import(assets.url("uplot/dist/uPlot.esm.js"))).default;
  } catch (e) {
    return fail(`Could not load the chart library (${assets.path("uplot/dist/uPlot.esm.js")}): ${e.message}`);
  }
  import(assets.url("katex/dist/katex.mjs"))
    .then((m) => renderFormula($("#model-formula"), m.default))
    .catch(() => { $("#model-formula").dataset.rendered = "fallback"; });

  let dataset, pairs;
  try {
    frames = JSON.parse(await fetchText(assets, "frames.json"));
    dataset = await fetchText(assets, "data/names.txt");
    pairs = await fetchText(assets, "data/en-hi.txt");
  } catch (e) {
    return fail(`Could not load the page's data: ${e.message}.`);
  }
  const views = firstFrames(frames, uPlot, settings);
  mountShare($("#share"));
  views.translate = new TranslateView($("#translate"), { frames, chart: views.translateChart, text: pairs });
  const chart = new LossChart($("#loss-chart"), uPlot);
  const train = new TrainView($("#train"), { client, chart, settings, dataset });
  train.onStep = (step) => views.denoise.setOwnModel(step);
  $("#help-keys tbody").append(...SHORTCUTS.map(([key, what]) => {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.scope = "row";
    th.append(Object.assign(document.createElement("kbd"), { textContent: key }));
    tr.append(th, Object.assign(document.createElement("td"), { textContent: what }));
    return tr;
  }));
  Object.assign(window.pytoy, { train, views, frames });
  // Sections beyond the seed explainer, each mounted on its own: one failing to start
  // must not take the others down.
  const ctx = { frames, uPlot, views, train, settings, dataset };
  const mountEditor = () => {
    const editor = new EditorView($("#edit"), ctx);
    views.editor = editor;
    return editor;
  };
  const extras = [["beyond", mountBeyond], ["limits", mountLimits], ["editor", mountEditor]]
    .map(([name, mount]) => ({ name, section: attemptExtra(name, () => mount(ctx)) }));
  window.pytoy.presenter = new Presenter(document, { views, train });

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
    // Training needs no shipped model: the Train button comes first, the other sections next.
    await train.start();
    performance.mark("pytoy:train"); // bench/run.py: "ready to train"
    const ckpt = (file) => fetchText(assets, `data/checkpoints/${file}`);
    const [names, ar, tr] = await Promise.all([ckpt("names.json"), ckpt("names-ar.json"), ckpt("translate.json")]);
    await client.call("load", { name: "shipped", ckpt: names });
    await client.call("load", { name: "shipped-ar", ckpt: ar });
    await client.call("load", { name: "translate", ckpt: tr });
    pending.ready();
    views.source.live(client);
    views.denoise.live(client);
    await views.translate.live(client);
    await views.corrupt.live(client);
    await views.reveal.live(client, frames.word, frames.reveal.steps);
  } catch (e) {
    return fail(e.message);
  }
  for (const { name, section } of extras) {
    if (section) await attemptExtra(name, () => section.live(client));
  }
  body.dataset.status = "ready";
}

/** Called by start.js with its startPython() promise: the worker is already booting. */
export function startPage(starting) {
  main(starting).catch((e) => fail(`Unexpected error: ${e.message}`));
}
