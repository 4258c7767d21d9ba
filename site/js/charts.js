// The chart library (uPlot, vendored from npm by the build), loaded so that a failure costs
// the charts and nothing else: loadChartLibrary() never rejects. Every chart on the page is
// given the result; without the library each chart area says what failed and where the same
// numbers still are (the figures beside it, a table, a CSV download), and everything else,
// training included, works as before.

import { el } from "./dom.js";
import { guardLanguage } from "./locale.js";

export const CHART_FILE = "uplot/dist/uPlot.esm.js";

/** {uPlot, problem, locale}: the library's default export, or null and a one-line reason. */
export async function loadChartLibrary(assets) {
  let locale = null;
  try {
    locale = guardLanguage(); // uPlot formats numbers with navigator.language as it loads
    const uPlot = (await import(assets.url(CHART_FILE))).default;
    if (typeof uPlot !== "function") throw new Error("the module has no chart constructor");
    return { uPlot, problem: null, locale };
  } catch (e) {
    console.error(`chart library ${assets.path(CHART_FILE)}:`, e);
    return { uPlot: null, problem: `the chart library (${assets.path(CHART_FILE)}) could not be loaded: ${e.message}`, locale };
  }
}

/**
 * Say in a chart's area why it is not drawn; `where` says where its numbers still are.
 * Idempotent: a chart redrawn later keeps one message.
 */
export function showChartProblem(root, problem, where) {
  root.dataset.chart = "unavailable";
  if (root.querySelector(".chart-problem")) return;
  // no longer an image of a chart: its message is read as text
  root.removeAttribute("role");
  root.removeAttribute("aria-label");
  root.replaceChildren(el("p", { className: "message error chart-problem", textContent:
    `This chart is not drawn: ${problem}. ${where}` }));
}
