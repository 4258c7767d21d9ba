// The live loss chart (uPlot): the loss of every training batch (faint), its running
// average (bold) and the loss floor (dashed). uPlot draws on a canvas, so its colours come
// from the CSS custom properties in css/base.css, read again when the colour scheme changes.
// Without the library (it failed to load: charts.js) the chart keeps its data and its area
// says what failed and where the same numbers are; training goes on exactly as before.

import { ChartArea, chartTheme } from "../charts.js";

// weight of the newest batch in the running average: a time constant of ~10 steps, short
// enough to follow the fall of the first ~50 steps of batch 128, long enough to calm the noise
const SMOOTHING = 0.1;

export class LossChart {
  #area;
  #steps = [];
  #losses = [];
  #smooth = [];
  #floor = null;

  /**
   * `uPlot` is the library's default export, loaded by main.js through the asset map, or
   * null if it failed: then `problem` says why and `where` where the numbers still are.
   */
  constructor(root, uPlot, { problem, where } = {}) {
    this.root = root;
    this.#area = new ChartArea(root, { uPlot, problem, where, ratio: 0.45, min: 200, max: 320,
                                       redraw: () => this.#build() });
    this.#build();
  }

  /** Append one chunk's losses; `lastStep` is the step count after the chunk. */
  add(losses, lastStep) {
    let avg = this.#smooth.at(-1) ?? losses[0];
    const first = lastStep - losses.length + 1;
    losses.forEach((loss, i) => {
      avg = avg + SMOOTHING * (loss - avg);
      this.#steps.push(first + i);
      this.#losses.push(loss);
      this.#smooth.push(avg);
    });
    this.#draw();
  }

  setFloor(value) {
    this.#floor = value;
    this.#draw();
  }

  clear() {
    this.#steps = [];
    this.#losses = [];
    this.#smooth = [];
    this.#draw();
  }

  #data() {
    const xs = this.#steps.length ? [0, ...this.#steps] : [0, 100];
    const pad = (ys) => [null, ...(ys.length ? ys : [null])];
    return [xs, pad(this.#losses), pad(this.#smooth), xs.map(() => this.#floor)];
  }

  #draw() {
    this.#area.setData(this.#data());
  }

  #build() {
    const { color, axis } = chartTheme();
    const opts = {
      scales: {
        x: { time: false, range: (u, min, max) => [0, Math.max(max, 100)] },
        y: { range: (u, min, max) => [0, Math.max(max ?? 0, (this.#floor ?? 0) * 2, 1) * 1.05] },
      },
      axes: [axis("training step"), axis("loss (nats per letter)")],
      series: [
        { label: "step" },
        { label: "batch loss", stroke: color("--chart-raw"), width: 1, points: { show: false } },
        { label: "average", stroke: color("--chart-loss"), width: 2, points: { show: false } },
        { label: "floor", stroke: color("--chart-floor"), width: 1.5, dash: [6, 4], points: { show: false } },
      ],
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
    };
    const fmt = (v) => (v == null ? "–" : v.toFixed(3));
    for (const s of opts.series.slice(1)) s.value = (u, v) => fmt(v);
    this.#area.draw(opts, this.#data());
  }
}
