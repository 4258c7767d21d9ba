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
 *
 * A chart is created when its area first comes near the viewport, not when the page starts:
 * creating one measures the area, which makes the browser lay out the whole long page, and
 * the page has a dozen charts. Until then `draw` and `setData` keep what it will show; reading
 * `plot` creates it at once (a view's `shown`, a reader's step through it).
 */
export class ChartArea {
  #plot = null;
  #pending = null; // {options, data} of a chart not created yet
  #near = false;
  #uPlot;
  #problem;
  #where;
  #shape;
  #created;

  constructor(node, { uPlot, problem = "the chart library is not loaded", where = "", ratio, min, max, redraw,
                      created = null }) {
    this.node = node;
    this.#uPlot = uPlot;
    this.#problem = problem;
    this.#where = where;
    this.#shape = { ratio, min, max };
    this.#created = created; // called with the chart each time one is created (e.g. to set its cursor)
    matchMedia("(prefers-color-scheme: dark)").addEventListener("change", redraw);
    if (typeof IntersectionObserver !== "function") {
      this.#near = true;
      return;
    }
    const near = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      near.disconnect();
      this.#near = true;
      this.#create();
    }, { rootMargin: "600px 0px" });
    near.observe(node);
  }

  /** The uPlot chart (created now if it was waiting for its area to come into view), or null. */
  get plot() {
    this.#create();
    return this.#plot;
  }

  /** The chart if it has been created, else null: unlike `plot`, never creates it (a view's
   *  own step, such as moving a cursor, need not cost a chart the reader has not reached). */
  get drawn() {
    return this.#plot;
  }

  /** Draw a new chart of `data` with uPlot's `options` (its size added): now if the area is
   *  near the viewport, else when it comes near. Without the library, the area's message. */
  draw(options, data) {
    if (!this.#uPlot) {
      showChartProblem(this.node, this.#problem, this.#where);
      return;
    }
    this.#pending = { options, data };
    if (this.#near) this.#create();
  }

  /** New data for the chart, drawn or still waiting. */
  setData(data) {
    if (this.#pending) this.#pending.data = data;
    else this.#plot?.setData(data);
  }

  #create() {
    if (!this.#pending) return;
    const { options, data } = this.#pending;
    this.#pending = null;
    if (!this.#plot) new ResizeObserver(() => this.#plot?.setSize(this.#size())).observe(this.node);
    this.#plot?.destroy();
    this.#plot = new this.#uPlot({ ...this.#size(), ...options }, data, this.node);
    this.#created?.(this.#plot);
  }

  #size() {
    const { ratio, min, max } = this.#shape;
    const width = Math.max(240, this.node.clientWidth);
    return { width, height: Math.round(Math.min(max, Math.max(min, width * ratio))) };
  }
}
