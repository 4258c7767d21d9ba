// The likelihood section's live ablation: two names models trained side by side in the worker, the same
// names and the same seed, differing in the one setting the switch names (pytoy's table,
// `ablation`: its steps, seed, switches and their arms). Each is scored after every chunk on
// pytoy's one yardstick for both (api.probe_gap: the loss per hidden letter on a fixed probe,
// beside what the best possible model pays there); the chart draws both curves and that
// floor, the table each one's gap and a sample. StudiesView creates it; nothing here computes.

import { ChartArea, chartTheme } from "../charts.js";
import { attempt, el, readNumber, say } from "../dom.js";
import { TABLE } from "../table.js";
import { MARKS } from "./timeline.js";

export const NAMES = ["ablate-a", "ablate-b"]; // the two models' session names in pytoy.api

const f3 = (x) => (x == null ? "–" : x.toFixed(3));

/** Both arms' loss per hidden letter by step, and the floor they share (uPlot). */
class AblationChart {
  #area;
  #points = [new Map(), new Map()]; // step -> loss, per arm
  #labels = ["", ""];
  #floor = null;

  constructor(node, uPlot, problem) {
    this.#area = new ChartArea(node, { uPlot, problem, ratio: 0.45, min: 200, max: 300,
                                       where: "The table below gives each model's latest numbers.",
                                       redraw: () => this.#build() });
    this.#build();
  }

  /** A new pair: its labels; the points and the floor cleared. */
  start(labels) {
    this.#labels = labels;
    this.#points = [new Map(), new Map()];
    this.#floor = null;
    this.#build();
  }

  add(arm, step, loss, floor) {
    this.#points[arm].set(step, loss);
    this.#floor = floor;
    this.#area.setData(this.#data());
  }

  /** [[[step, loss], …], […]]: what the chart holds, per arm. */
  get points() {
    return this.#points.map((m) => [...m]);
  }

  #data() {
    const steps = [...new Set([...this.#points[0].keys(), ...this.#points[1].keys()])].sort((a, b) => a - b);
    const xs = steps.length ? steps : [0];
    return [xs, ...this.#points.map((m) => xs.map((x) => m.get(x) ?? null)), xs.map(() => this.#floor)];
  }

  /** From under the floor to over the trained points: the untrained start (step 0, far
   *  above) would flatten the gap the chart is for, so once training has begun it runs off
   *  the top (the table keeps the numbers). */
  #yRange() {
    const all = this.#points.flatMap((m) => [...m]);
    const later = all.filter(([step]) => step > 0);
    const ys = (later.length ? later : all).map(([, y]) => y);
    const hi = Math.max(...ys, this.#floor ?? 0, 0.1);
    return [(this.#floor ?? 0) * 0.8, hi * 1.15];
  }

  #build() {
    const { color, axis } = chartTheme();
    const line = (label, stroke, dash) => ({ label, stroke, width: 2, dash, spanGaps: true, points: { show: true, size: 5 },
                                              value: (u, v) => f3(v) });
    this.#area.draw({
      scales: { x: { time: false, range: (u, min, max) => [0, Math.max(max, 1)] },
                y: { range: () => this.#yRange() } },
      axes: [axis("training step"), axis("loss (nats)")],
      series: [{ label: "step" }, line(this.#labels[0], color("--chart-loss")),
               line(this.#labels[1], color("--chart-heldout"), [8, 3]),
               { ...line("floor", color("--chart-floor"), [3, 4]), width: 1.5, points: { show: false } }],
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
    }, this.#data());
  }
}

/** The panel: the switch, steps and seed, Train both / Pause / Go on, the chart and table. */
export class Ablation {
  #client = null;
  #text; // data/names.txt: what both models train on
  #chart;
  #state = "loading"; // loading | idle | training | paused | busy
  #run = 0; // counts pairs, so a finished or replaced pair's late replies stay quiet
  #pair = null; // {switch, seed, steps, arms: [{label, name, step, probe, sample}]}
  #pausing = false; // Pause was pressed: stop after the chunk

  constructor(root, { text, uPlot, chartProblem }) {
    this.root = root;
    this.#text = text;
    const $ = (s) => root.querySelector(s);
    this.el = { switch: $("#abl-switch"), steps: $("#abl-steps"), seed: $("#abl-seed"),
                run: $("#abl-run"), pause: $("#abl-pause"), resume: $("#abl-resume"),
                rows: $("#abl-table tbody"), message: $("#abl-message"), about: $("#abl-about") };
    this.#chart = new AblationChart($("#abl-chart"), uPlot, chartProblem);
    this.el.run.addEventListener("click", () => this.train());
    this.el.pause.addEventListener("click", () => this.pause());
    this.el.resume.addEventListener("click", () => this.resume());
    this.el.switch.addEventListener("change", () => this.#describe());
    root.querySelector("form").addEventListener("submit", (e) => e.preventDefault());
    this.#describe();
    this.#render();
  }

  live(client) {
    if (this.#text instanceof Error) throw this.#text;
    this.#client = client;
    this.#state = "idle";
    this.#render();
  }

  /** {switch, seed, steps, state, arms: [{label, name, step, probe, sample}], chart}. */
  get shown() {
    return { ...(this.#pair ?? {}), state: this.#state, chart: this.#chart.points };
  }

  /** Space in presenter mode: pause the pair, or start one; false if neither is possible. */
  toggleRun() {
    if (this.#state === "training") this.pause();
    else if (this.#state === "idle" || this.#state === "paused") this.train();
    else return false;
    return true;
  }

  /** A fresh pair with the switch's two arms, then both trained the chosen steps. */
  async train() {
    if (this.#state !== "idle" && this.#state !== "paused") return;
    const run = ++this.#run;
    const key = this.el.switch.value;
    const seed = readNumber(this.el.seed);
    const steps = readNumber(this.el.steps);
    const arms = TABLE.ablation.arms[key];
    this.#pair = { switch: key, seed, steps, arms: arms.map((a, i) => ({ label: a.label, name: NAMES[i], step: 0,
                                                                          probe: null, sample: null })) };
    this.#chart.start(arms.map((a) => a.label));
    this.#say("");
    this.#state = "busy";
    this.#render();
    try {
      await Promise.all(arms.map((a, i) => this.#client.request("reset", {
        name: NAMES[i], task: "names", text: this.#text,
        model: { ...a.model, seed }, train: { ...a.train, seed } })));
      await Promise.all(arms.map((a, i) => this.#probe(i, run)));
    } catch (e) {
      this.#say(e.message, "error");
      this.#state = "idle";
      this.#render();
      return;
    }
    await this.#trainBoth(run);
  }

  /** Go on after a pause: each model trains the steps it still lacks. */
  async resume() {
    if (this.#state !== "paused") return;
    await this.#trainBoth(this.#run);
  }

  /** Stop both after the chunk they are training (the worker's pause for each, too). */
  async pause() {
    if (this.#state !== "training") return;
    this.#pausing = true;
    await attempt(this.el.message, () => Promise.all(NAMES.map((name) => this.#client.request("pause", { name }))),
                  { clear: false });
  }

  /** Both models train a chunk (the worker runs the two in turn), then pytoy scores both, so
   *  every point of the chart is at a whole chunk, the same steps for both; until the steps
   *  are done or Pause asks (it takes effect after the chunk, as in the train section). */
  async #trainBoth(run) {
    const pair = this.#pair;
    const chunk = TABLE.chunk;
    this.#pausing = false;
    this.#state = "training";
    this.#render();
    try {
      while (!this.#pausing && pair.arms.some((a) => a.step < pair.steps)) {
        await Promise.all(pair.arms.map(async (arm, i) => {
          const r = await this.#client.request("train", { name: arm.name, steps: Math.min(chunk, pair.steps - arm.step) });
          if (run !== this.#run) return;
          arm.step = r.step;
          await this.#probe(i, run);
        }));
        if (run !== this.#run) return;
      }
      await Promise.all(pair.arms.map((arm, i) => this.#sample(i, run)));
      if (run !== this.#run) return;
      this.#state = pair.arms.some((a) => a.step < pair.steps) ? "paused" : "idle";
      this.#say(this.#state === "paused"
        ? `Paused at steps ${pair.arms.map((a) => a.step.toLocaleString("en")).join(" and ")}: press Go on to finish, Train both to start again.`
        : `Both trained ${pair.steps.toLocaleString("en")} steps from seed ${pair.seed}.`);
    } catch (e) {
      this.#say(e.message, "error");
      this.#state = "idle";
    }
    this.#render();
  }

  /** pytoy's score of one model now (one forward pass; the reply says at which step). */
  async #probe(i, run) {
    const probe = await this.#client.call("probe_gap", { name: NAMES[i] });
    if (run !== this.#run) return;
    this.#pair.arms[i].probe = probe;
    this.#chart.add(i, probe.step, probe.loss, probe.floor);
    this.#rows();
  }

  /** A run ended or paused: a name each model samples (decode seed: the pair's seed). */
  async #sample(i, run) {
    const arm = this.#pair.arms[i];
    const [timeline] = await this.#client.call("sample", { name: arm.name, n: 1, decode: { seed: this.#pair.seed } });
    if (run !== this.#run) return;
    arm.sample = { text: timeline.text, mark: timeline.mark };
    this.#rows();
  }

  #rows() {
    const pair = this.#pair;
    if (!pair) return;
    this.el.rows.replaceChildren(...pair.arms.map((arm) => {
      const sample = arm.sample;
      const [kind, words] = sample ? MARKS[sample.mark] : ["", ""];
      return el("tr", { dataset: { name: arm.name } }, el("th", { scope: "row" }, arm.label),
        el("td", {}, `${arm.step}`), el("td", {}, f3(arm.probe?.loss)), el("td", {}, f3(arm.probe?.gap)),
        el("td", {}, ...(sample ? [el("span", { className: "sampled-name" }, sample.text || "(empty)"), " ",
                                   el("span", { className: `badge ${kind}`, title: words }, words.split(":")[0])]
                                : ["–"])));
    }));
  }

  /** What the chosen switch compares, from the table's descriptions. */
  #describe() {
    const key = this.el.switch.value;
    const [a, b] = TABLE.ablation.arms[key];
    this.el.about.textContent = `${a.label} against ${b.label}: ${TABLE.ablation.switch.choices[key]}.`;
    if (!this.#pair) this.#chart.start([a.label, b.label]); // the legend names the arms to come
  }

  #say(text, kind = "info") {
    say(this.el.message, text, kind);
  }

  #render() {
    const s = this.#state;
    this.root.dataset.state = s;
    const free = s === "idle" || s === "paused";
    this.el.run.disabled = !free;
    this.el.pause.disabled = s !== "training";
    this.el.resume.disabled = s !== "paused";
    for (const k of ["switch", "steps", "seed"]) this.el[k].disabled = !free;
  }
}
