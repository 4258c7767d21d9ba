// Where the loss comes from: the model's loss by noise level t, on a fixed probe set (pytoy's
// evaluate.loss_by_t: the same corrupted names at every call, in equal bins of t), split into
// the hidden letters and the visible ones, next to the floor for hidden letters in each bin
// (floor.floor_by_t: the best any model can do there). Visible letters cost almost nothing;
// the hidden ones carry the loss, and more so the more is hidden. Redrawn between training
// chunks; a table below gives every number.

import { ChartArea, chartTheme } from "../charts.js";
import { el } from "../dom.js";

const f3 = (v) => (v == null ? "–" : v.toFixed(3));

export class NoiseChart {
  #area;
  #noFloor = "";
  loss = null; // api.loss_by_t's last result
  floor = null; // api.loss_floor_by_t's result for the data being trained on

  constructor(root, uPlot, { problem = "the chart library is not loaded" } = {}) {
    this.root = root;
    this.el = { chart: root.querySelector(".chart"), note: root.querySelector("figcaption.note"),
                table: root.querySelector("tbody") };
    this.#area = new ChartArea(this.el.chart, { uPlot, problem, where: "The table below gives every number.",
                                                ratio: 0.4, min: 190, max: 280, redraw: () => this.#build() });
    this.#build();
  }

  /** The floor by t, or null with `why` there is none (said under the chart instead). */
  setFloor(floor, why = "") {
    this.floor = floor;
    this.#noFloor = why;
    this.#draw();
  }

  setLoss(loss) {
    this.loss = loss;
    this.#draw();
  }

  clear() {
    this.loss = null;
    this.#draw();
  }

  /** [x, model hidden, floor hidden, model visible]: what the chart holds. */
  #data() {
    const bins = this.floor ?? this.loss;
    if (!bins) return [[], [], [], []];
    const edges = bins.edges;
    const x = edges.slice(1).map((hi, i) => (edges[i] + hi) / 2);
    return [x, this.loss?.hidden ?? x.map(() => null), this.floor?.hidden ?? x.map(() => null),
            this.loss?.visible ?? x.map(() => null)];
  }

  #draw() {
    this.#area.setData(this.#data());
    this.#table();
  }

  #table() {
    const bins = this.floor ?? this.loss;
    if (!bins) {
      if (this.#noFloor) this.el.note.textContent = this.#noFloor;
      return;
    }
    const { edges } = bins;
    const l = this.loss;
    const fl = this.floor;
    this.el.table.replaceChildren(...edges.slice(1).map((hi, i) => el("tr", {},
      el("th", { scope: "row" }, `${edges[i].toFixed(1)}–${hi.toFixed(1)}`),
      el("td", {}, l ? String(l.hidden_positions[i]) : "–"),
      el("td", {}, f3(l?.hidden[i])),
      el("td", {}, fl ? (fl.exact ? f3(fl.hidden[i]) : `${f3(fl.hidden[i])} ± ${f3(fl.stderr_hidden[i])}`) : "–"),
      el("td", {}, f3(l?.floor_hidden[i])),
      el("td", {}, f3(l?.visible[i])))));
    if (l) {
      const { rows, per_bin: perBin } = l.probe;
      const floor = fl
        ? `, and the floor per hidden letter in each bin (dashed${fl.exact ? "" : ", estimated"}). ` +
          `Averaged over t, a hidden letter costs at least ${f3(fl.hidden_value)} nats. ` +
          "A bin holds few hidden letters when t is small, so it can dip below its floor by luck; " +
          "the table also gives the floor on these same draws."
        : `. ${this.#noFloor}`;
      this.el.note.textContent =
        `Step ${l.step}: the model's loss on ${rows} fixed corrupted names (${perBin} in each of ` +
        `${edges.length - 1} bins of t), per hidden letter (bold) and per visible letter (thin)${floor}`;
    } else if (!fl && this.#noFloor) {
      this.el.note.textContent = this.#noFloor;
    }
  }

  #build() {
    const { color, axis } = chartTheme();
    const value = (u, v) => f3(v);
    this.#area.draw({
      scales: { x: { time: false, range: [0, 1] }, y: { range: (u, min, max) => [0, Math.max(max ?? 0, 1) * 1.05] } },
      axes: [axis("noise level t (share of letters hidden)"), axis("nats per letter")],
      series: [
        { label: "t", value: (u, v) => (v == null ? "–" : v.toFixed(2)) },
        { label: "hidden letters", stroke: color("--chart-loss"), width: 2.5, value, points: { show: true, size: 7 } },
        { label: "floor (hidden)", stroke: color("--chart-floor"), width: 1.5, dash: [6, 4], value, points: { show: false } },
        { label: "visible letters", stroke: color("--ok"), width: 1.5, value, points: { show: true, size: 5 } },
      ],
      cursor: { drag: { x: false, y: false } },
    }, this.#data());
  }

  /** What the chart holds (null without the library), for the view contract's `shown`. */
  get plotted() {
    return this.#area.plot?.data ?? null;
  }
}
