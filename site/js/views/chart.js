// The live loss chart (uPlot): the loss of every training batch (faint), its running
// average (bold), the loss floor (dashed) and, for a list with held-out names, the held-out
// loss after each chunk (dotted). uPlot draws on a canvas, so its colours come
// from the CSS custom properties in css/base.css, read again when the colour scheme changes.
// Without the library (it failed to load: charts.js) the chart keeps its data and its area
// says what failed and where the same numbers are; training goes on exactly as before.

import { ChartArea, chartTheme } from "../charts.js";

// weight of the newest batch in the running average: a time constant of ~10 steps, short
// enough to follow the fall of the first ~50 steps of batch 128, long enough to calm the noise
const SMOOTHING = 0.1;

// the most points the chart holds: past it, it keeps one step in two, then in four, … (the
// trainer's own history, the checkpoint and the .csv keep every step), so an hour of training
// draws as fast, and holds as little memory, as the first minutes
export const MAX_DRAWN = 4000;

/**
 * What the loss chart draws of a history that may grow without end: every `stride`-th step's
 * batch loss and running average, at most `max` points (the stride doubles when they would be
 * more). The running average is taken over every step, drawn or not.
 */
export class DrawnHistory {
  steps = [];
  losses = [];
  smooth = [];
  stride = 1;
  #avg = null;

  constructor(max = MAX_DRAWN) {
    this.max = max;
  }

  /** One step's batch loss. */
  push(step, loss) {
    this.#avg = this.#avg === null ? loss : this.#avg + SMOOTHING * (loss - this.#avg);
    if (step % this.stride !== 0) return;
    this.steps.push(step);
    this.losses.push(loss);
    this.smooth.push(this.#avg);
    if (this.steps.length > this.max) this.#thin();
  }

  #thin() {
    this.stride *= 2;
    const keep = (_, i) => this.steps[i] % this.stride === 0;
    this.losses = this.losses.filter(keep);
    this.smooth = this.smooth.filter(keep);
    this.steps = this.steps.filter((s) => s % this.stride === 0);
  }
}

export class LossChart {
  #area;
  #drawn = new DrawnHistory();
  #note = null;
  #floor = null;
  #heldOut = null; // step -> held-out loss, or null when the data holds none out

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
    const first = lastStep - losses.length + 1;
    losses.forEach((loss, i) => this.#drawn.push(first + i, loss));
    this.#say();
    this.#draw();
  }

  setFloor(value) {
    this.#floor = value;
    this.#draw();
  }

  /** Whether the model has held-out names (a held-out series is drawn); clears its points. */
  heldOut(on) {
    const had = this.#heldOut !== null;
    this.#heldOut = on ? new Map() : null;
    if (had !== on) this.#build();
    else this.#draw();
  }

  /** The held-out loss at `step` (api.held_out_loss), drawn where the training line is. */
  addHeldOut(step, loss) {
    if (!this.#heldOut) return;
    this.#heldOut.set(step, loss);
    this.#draw();
  }

  /** How many training-loss points the chart holds (at most MAX_DRAWN). */
  get drawnPoints() {
    return this.#drawn.steps.length;
  }

  /** [[step, loss], …]: the held-out points the chart holds (for tests and the curious). */
  get heldOutPoints() {
    return this.#heldOut ? [...this.#heldOut] : [];
  }

  clear() {
    this.#heldOut &&= new Map();
    this.#drawn = new DrawnHistory();
    this.#say();
    this.#draw();
  }

  /** The line under the chart that says it is thinned, once it is (and only then). */
  #say() {
    const { stride, max } = this.#drawn;
    if (stride === 1 && !this.#note) return;
    if (!this.#note) {
      this.#note = document.createElement("p");
      this.#note.className = "note chart-note";
      this.root.after(this.#note);
    }
    this.#note.hidden = stride === 1;
    this.#note.textContent = `The chart draws a point every ${stride} steps, at most ` +
      `${max.toLocaleString("en")}, so a long run stays light; the trainer keeps every step, ` +
      "and so do the downloaded model and the loss history (.csv).";
  }

  #data() {
    const { steps, losses, smooth } = this.#drawn;
    const xs = steps.length ? [0, ...steps] : [0, 100];
    const pad = (ys) => [null, ...(ys.length ? ys : [null])];
    const out = [xs, pad(losses), pad(smooth), xs.map(() => this.#floor)];
    if (this.#heldOut) out.push(xs.map((x) => this.#heldOut.get(x) ?? null));
    return out;
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
        ...(this.#heldOut ? [{ label: "held-out", stroke: color("--chart-heldout"), width: 2, dash: [2, 3],
                               spanGaps: true, points: { show: true, size: 5 } }] : []),
      ],
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
    };
    const fmt = (v) => (v == null ? "–" : v.toFixed(3));
    for (const s of opts.series.slice(1)) s.value = (u, v) => fmt(v);
    this.#area.draw(opts, this.#data());
  }
}
