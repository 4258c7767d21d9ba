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

/**
 * The page's colours for a chart, read from its CSS custom properties now (uPlot draws on a
 * canvas, so a chart is drawn again when the colour scheme changes: `watchChart`):
 * `color("--grid")`, and `axis(label)`, an axis in the page's muted text and grid colours.
 */
export function chartTheme() {
  const css = getComputedStyle(document.documentElement);
  const color = (name) => css.getPropertyValue(name).trim();
  const axis = (label) => ({
    label,
    stroke: color("--text-muted"),
    grid: { stroke: color("--grid"), width: 1 },
    ticks: { stroke: color("--grid"), width: 1 },
  });
  return { color, axis };
}

/**
 * One chart's area: the uPlot chart drawn in `node` (`plot`, null until drawn), sized to the
 * area's width (at least 240; `ratio` of it high, between `min` and `max`) and resized with
 * it, and drawn again by `redraw()` when the colour scheme changes. Without the library
 * (`uPlot` null), the area says why (`problem`) and `where` the same numbers still are.
 */
export class ChartArea {
  plot = null;
  #uPlot;
  #problem;
  #where;
  #shape;

  constructor(node, { uPlot, problem = "the chart library is not loaded", where = "", ratio, min, max, redraw }) {
    this.node = node;
    this.#uPlot = uPlot;
    this.#problem = problem;
    this.#where = where;
    this.#shape = { ratio, min, max };
    new ResizeObserver(() => this.plot?.setSize(this.#size())).observe(node);
    matchMedia("(prefers-color-scheme: dark)").addEventListener("change", redraw);
  }

  /** Draw a new chart of `data` with uPlot's `options` (its size added); the chart, or null
   *  (and the area's message) without the library. */
  draw(options, data) {
    if (!this.#uPlot) {
      showChartProblem(this.node, this.#problem, this.#where);
      return null;
    }
    this.plot?.destroy();
    this.plot = new this.#uPlot({ ...this.#size(), ...options }, data, this.node);
    return this.plot;
  }

  #size() {
    const { ratio, min, max } = this.#shape;
    const width = Math.max(240, this.node.clientWidth);
    return { width, height: Math.round(Math.min(max, Math.max(min, width * ratio))) };
  }
}
