// "Which letters to commit": one model, one seed, every strategy side by side
// (api.sample with each strategy), each with its forward-pass count; letters that remask took
// back are struck through. Below, the confidence chart for one of them: per pass the gate (least
// confident hidden position) and the mean, as pytoy's sampler recorded them, with τ as a line,
// and a scrubber that moves the chart's cursor. "Adaptive early stop" decodes that strategy
// again with early_stop = τ and reports the passes saved.

import { ChartArea, chartTheme } from "../charts.js";
import { attempt, el, nextTask, readNumber, say } from "../dom.js";
import { strategies } from "../table.js";
import { renderTimeline } from "./timeline.js";

/** Every strategy pytoy registered, in its order. */
const STRATEGIES = Object.keys(strategies());

export default class LabView {
  #client = null;
  #drawing = 0; // counts showAll calls, so only the latest one's cards are shown
  #area;
  timelines; // strategy -> timeline (all of them side by side)
  charted = null; // the timeline the chart shows (the picked one, or its early-stopped decode)
  plotted = null; // {x, gate, mean, tau}: exactly what the chart was given

  constructor(root, { frames, uPlot, chartProblem }) {
    this.root = root;
    const $ = (s) => root.querySelector(s);
    this.el = { steps: $("#lab-steps"), tau: $("#lab-tau"), temperature: $("#lab-temperature"), seed: $("#lab-seed"),
                run: $("#lab-run"), grid: $("#lab-grid"), message: $("#lab-message"),
                pick: $("#conf-pick"), early: $("#conf-early"), chart: $("#conf-chart"), note: $("#conf-note"),
                scrub: $("#conf-scrub"), scrubOut: $("#conf-scrub-out"), frame: $("#conf-frame"),
                table: $("#conf-table tbody") };
    for (const form of root.querySelectorAll("form")) form.addEventListener("submit", (e) => e.preventDefault());
    this.el.run.addEventListener("click", () => this.run());
    this.el.pick.addEventListener("change", () => this.chart());
    this.el.early.addEventListener("change", () => this.chart());
    this.el.scrub.addEventListener("input", () => this.scrubTo(Number(this.el.scrub.value)));
    this.#area = new ChartArea(this.el.chart, {
      uPlot, problem: chartProblem, where: "The table below lists the gate and mean confidence of every pass.",
      ratio: 0.4, min: 180, max: 280, redraw: () => this.charted && this.#draw(),
      created: () => this.#cursor(),
    });
    this.el.steps.max = String(frames.info.layout.a_len); // more steps than letters change nothing
    this.#enable(false);
    this.timelines = frames.lab;
    this.showAll(frames.lab).catch((e) => say(this.el.message, e.message, "error"));
    this.#showChart(frames.lab[this.el.pick.value], null);
  }

  live(client) {
    this.#client = client;
    this.#enable(true);
  }

  /** {timelines, charted, chart, cursor}: every strategy's decode, the one charted, the data
   *  the chart holds and the index its cursor is on (both null when no chart is drawn). */
  get shown() {
    return { timelines: this.timelines, charted: this.charted, chart: this.plot?.data ?? null,
             cursor: this.plot?.cursor.idx ?? null };
  }

  position() {
    return { at: Number(this.el.scrub.value), first: 1, last: this.charted.passes.length };
  }

  goTo(k) {
    this.scrubTo(Math.min(this.charted.passes.length, Math.max(1, k)));
  }

  #enable(on) {
    for (const k of ["run", "steps", "tau", "temperature", "seed", "early"]) this.el[k].disabled = !on;
  }

  decode() {
    const { steps, tau, temperature, seed } = this.el;
    return { steps: readNumber(steps), tau: readNumber(tau), temperature: readNumber(temperature), seed: readNumber(seed) };
  }

  /** Decode with every strategy, same model and seed. */
  async run() {
    const decode = this.decode();
    await attempt(this.el.message, async () => {
      const out = {};
      for (const strategy of STRATEGIES) {
        [out[strategy]] = await this.#client.call("sample", { name: "shipped", n: 1, decode: { ...decode, strategy } });
      }
      await this.showAll(out);
      await this.chart();
    });
  }

  /** The cards, one strategy a task, each put in its place as it is drawn (six timelines with
   *  their belief strips, drawn and laid out at once, were one task of 60–130 ms);
   *  `timelines` is set, and `shown` changes, once every card is in. */
  async showAll(timelines) {
    const serial = ++this.#drawing;
    for (const [i, s] of STRATEGIES.entries()) {
      const box = el("div", { className: "timeline-box" });
      renderTimeline(box, timelines[s], { beliefs: "compact" });
      const revised = timelines[s].passes.reduce((n, step) => n + step.remasked.length, 0);
      const caption = el("figcaption", {}, el("strong", {}, s), ` · ${timelines[s].nfe} passes`,
                         revised ? ` · ${revised} taken back` : "");
      const card = el("figure", { className: "lab-card", dataset: { strategy: s, nfe: String(timelines[s].nfe) } },
                      caption, box);
      const old = this.el.grid.children[i];
      if (old) old.replaceWith(card);
      else this.el.grid.append(card);
      await nextTask();
      if (serial !== this.#drawing) return; // a newer decode is being drawn
    }
    this.timelines = timelines;
  }

  /** Chart the picked strategy's timeline, or (early stop on) its decode with early_stop = τ. */
  async chart() {
    const strategy = this.el.pick.value;
    const base = this.timelines[strategy];
    if (!this.el.early.checked || !this.#client) return this.#showChart(base, null);
    const decode = { ...this.decode(), strategy };
    await attempt(this.el.message, async () => {
      const [stopped] = await this.#client.call("sample", { name: "shipped", n: 1, decode: { ...decode, early_stop: decode.tau } });
      this.#showChart(stopped, base);
    });
  }

  #showChart(timeline, without) {
    this.charted = timeline;
    const tau = readNumber(this.el.tau); // the τ a decode would use
    const x = timeline.passes.map((_, i) => i + 1);
    this.plotted = { x, gate: timeline.passes.map((s) => s.gate), mean: timeline.passes.map((s) => s.mean), tau };
    this.#draw();
    this.el.table.replaceChildren(...timeline.passes.map((s, i) => el("tr", {},
      el("td", {}, String(i + 1)), el("td", { className: "tokens" }, s.tokens),
      el("td", {}, s.gate.toFixed(3)), el("td", {}, s.mean.toFixed(3)))));
    this.el.scrub.max = String(x.length);
    const note = `${timeline.strategy}: ${timeline.nfe} passes, wrote "${timeline.text}".`;
    if (without) {
      const saved = without.nfe - timeline.nfe;
      this.el.note.textContent = `${note} Early stop at τ = ${tau} used ${timeline.nfe} passes instead of ` +
        `${without.nfe}: ${saved} saved${timeline.early_stopped ? "" : " (the gate never cleared τ before the end)"}.`;
      this.root.dataset.saved = String(saved);
    } else {
      this.el.note.textContent = `${note} The gate is the lowest confidence among the positions still hidden before that pass.`;
      delete this.root.dataset.saved;
    }
    this.scrubTo(x.length);
  }

  /** Show pass k's row and put the chart's cursor on it. */
  scrubTo(k) {
    const step = this.charted.passes[k - 1];
    this.el.scrub.value = String(k);
    this.el.scrubOut.value = String(k);
    this.el.frame.textContent = step.tokens;
    this.root.dataset.pass = String(k);
    for (const [i, tr] of [...this.el.table.children].entries()) tr.classList.toggle("current", i === k - 1);
    this.#cursor();
  }

  /** The chart's cursor on the pass shown, if the chart has been created (it is created when
   *  the reader nears it, and then puts its cursor there itself). */
  #cursor() {
    const plot = this.#area.drawn;
    if (!plot || !this.charted) return;
    const k = Number(this.el.scrub.value);
    const step = this.charted.passes[k - 1];
    plot.setCursor({ left: plot.valToPos(k, "x"), top: plot.valToPos(step.gate, "y") });
  }

  /** The uPlot chart, once drawn. */
  get plot() {
    return this.#area.plot;
  }

  #draw() {
    const { x, gate, mean, tau } = this.plotted;
    const { color, axis } = chartTheme();
    const fmt = (u, v) => (v == null ? "–" : v.toFixed(3));
    const opts = {
      scales: { x: { time: false, range: (u, min, max) => [1, Math.max(max, 2)] }, y: { range: [0, 1.05] } },
      axes: [{ ...axis("pass"), incrs: [1] }, axis("confidence")],
      series: [
        { label: "pass" },
        { label: "gate", stroke: color("--chart-loss"), width: 2, value: fmt, points: { show: true, size: 6 } },
        { label: "mean", stroke: color("--ok"), width: 1.5, value: fmt, points: { show: true, size: 5 } },
        { label: "τ", stroke: color("--chart-floor"), width: 1.5, dash: [6, 4], value: fmt, points: { show: false } },
      ],
      cursor: { drag: { x: false, y: false } },
    };
    this.#area.draw(opts, [x, gate, mean, x.map(() => tau)]);
  }
}
