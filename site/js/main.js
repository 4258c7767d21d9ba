// The page's entry point: read the settings from the URL, start the Python worker, show
// its loading stages, then hand the ready client to the section views.
// For tests and the curious, the client is exposed as window.pytoy.client:
//   await pytoy.client.call("sample", { name: "names" })

import { httpStatus, loadAssetMap } from "./assets.js";
import { PythonClient } from "./client.js";
import { readSettings } from "./settings.js";
import { LossChart } from "./views/chart.js";
import { LoadingView } from "./views/loading.js";
import { TrainView } from "./views/train.js";

const body = document.body;
const loading = new LoadingView(document.querySelector("#status"));

function fail(message) {
  body.dataset.status = "error";
  loading.fail(message);
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

async function main() {
  const problem = unsupported();
  if (problem) return fail(problem);

  const settings = readSettings(location.search);
  const assetsUrl = new URL("assets.json", document.baseURI);
  let assets, uPlot;
  try {
    assets = await loadAssetMap(assetsUrl);
  } catch (e) {
    return fail(`Could not start: ${e.message}.`);
  }

  const client = new PythonClient(new URL("./worker.js", import.meta.url), assets.base + "assets.json");
  client.onFatal = (e) => fail(`The Python worker stopped: ${e.message}.`);
  window.pytoy = { client, settings };

  try {
    uPlot = (await import(assets.url("uplot/dist/uPlot.esm.js"))).default;
  } catch (e) {
    return fail(`Could not load the chart library (${assets.path("uplot/dist/uPlot.esm.js")}): ${e.message}`);
  }
  const chart = new LossChart(document.querySelector("#loss-chart"), uPlot);
  let dataset;
  try {
    dataset = await fetchText(assets, "data/names.txt");
  } catch (e) {
    return fail(`Could not load the training data: ${e.message}.`);
  }
  const train = new TrainView(document.querySelector("#train"), { client, chart, settings, dataset });
  window.pytoy.train = train;

  const t0 = performance.now();
  let init;
  try {
    init = await client.request("init", {}, { onProgress: (p) => loading.update(p) });
  } catch (e) {
    return fail(e.message);
  }
  loading.ready((performance.now() - t0) / 1000, init.versions);
  document.querySelector("#versions").textContent =
    `Python ${init.versions.python} · NumPy ${init.versions.numpy} · ` +
    `Pyodide ${init.versions.pyodide} · pytoy ${init.versions.pytoy}`;

  try {
    await train.start(await client.call("defaults"));
  } catch (e) {
    return fail(e.message);
  }
  body.dataset.status = "ready";
}

main().catch((e) => fail(`Unexpected error: ${e.message}`));
