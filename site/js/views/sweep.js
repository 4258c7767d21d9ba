// The sweep section, "Fewer steps": quality against forward passes, from api.sweep — for the names model
// (budget K = 1…L with confidence, and the threshold τ rows), the translator, and the AR
// baseline. The build computed it (frames.sweep); "Recompute" runs the same three calls in the
// worker, one model at a time, with progress. Same code, same seed: the same numbers.

import { ChartArea, chartTheme } from "../charts.js";
import { attempt, el } from "../dom.js";

const MODELS = [["names", "shipped"], ["translate", "translate"], ["ar", "shipped-ar"]];
const pct = (q) => `${(100 * q).toFixed(1)}%`;

export default class SweepView {
  #client = null;
  #area;
  sweep = null; // {names, translate, ar}: api.sweep results
  series = null; // what the chart was given
  marginals = null; // api.one_pass_marginals: two positions' beliefs before a one-pass decode

  constructor(root, { frames, uPlot, chartProblem }) {
    this.root = root;
    const $ = (s) => root.querySelector(s);
    this.el = { chart: $("#sweep-chart"), note: $("#sweep-note"), run: $("#sweep-run"), progress: $("#sweep-progress"),
                message: $("#sweep-message"), table: $("#sweep-table tbody"), n: $("#sweep-n"),
                gluedIntro: $("#sweep-glued-intro"), glued: $("#sweep-glued"),
                marginals: $("#sweep-marginals .marginal-pair"), marginalsNote: $("#sweep-marginals-note") };
    this.el.run.addEventListener("click", () => this.recompute());
    this.#area = new ChartArea(this.el.chart, {
      uPlot, problem: chartProblem, where: "The table below lists the same points: passes and quality for each model.",
      ratio: 0.45, min: 200, max: 300, redraw: () => this.sweep && this.#draw(),
    });
    this.show(frames.sweep, "frames");
    this.showMarginals(frames.marginals);
  }

  live(client) {
    this.#client = client;
    this.el.run.disabled = false;
  }

  /** {sweep, chart, marginals}: the api.sweep results, the data the chart holds (null if
   *  none) and the two one-pass marginals shown (api.one_pass_marginals). */
  get shown() {
    return { sweep: this.sweep, chart: this.plot?.data ?? null, marginals: this.marginals };
  }

  /** Two positions' beliefs from the all-? row, side by side, and the glued name they allow. */
  showMarginals(m) {
    this.marginals = m;
    this.el.marginals.closest("figure").hidden = !m;
    if (!m) return;
    const [a, b] = m.positions;
    const column = (pos) => el("div", { className: "marginal", dataset: { position: String(pos.position) } },
      el("h4", {}, `position ${pos.position + 1}`),
      el("ol", {}, ...pos.top.map(([symbol, p]) => {
        const li = el("li", { className: symbol === pos.letter ? "glued-letter" : "", dataset: { symbol, p: String(p) } },
          el("span", { className: "tok" }, symbol), el("span", { className: "bar" }), el("span", { className: "p" }, pct(p)));
        li.style.setProperty("--p", String(p));
        return li;
      })));
    this.el.marginals.replaceChildren(column(a), column(b));
    const pair = `${a.letter}${b.letter}`;
    const others = m.names_with_pair.length
      ? `${m.names_with_pair.length} training name${m.names_with_pair.length === 1 ? " has" : "s have"} it there (${m.names_with_pair.join(", ")}).`
      : "No training name has that pair there.";
    this.el.marginalsNote.textContent =
      `What the model believes at positions ${a.position + 1} and ${b.position + 1} before a one-pass decode: ` +
      `${a.letter} ${pct(a.p)} and ${b.letter} ${pct(b.p)}. One pass draws each position from its own column, ` +
      `so "${pair}" there comes out ${pct(m.independent)} of the time (${pct(a.p)} × ${pct(b.p)}). ${others} ` +
      `That is how ${m.text} is made: the start of ${m.head}, the end of ${m.tail}.`;
  }

  async recompute() {
    this.el.run.disabled = true;
    await attempt(this.el.message, async () => {
      const n = this.sweep.names.n;
      const out = {};
      for (const [i, [key, name]] of MODELS.entries()) {
        this.el.progress.textContent = `computing ${key} (${i + 1} of ${MODELS.length})…`;
        out[key] = await this.#client.call("sweep", { name, n, temperature: this.sweep.names.temperature,
                                                      seed: this.sweep.names.seed });
      }
      this.el.progress.textContent = "computed in your browser just now";
      this.show(out, "live");
      const examples = out.names.glued?.examples ?? [];
      this.showMarginals(examples.length ? await this.#client.call("one_pass_marginals", { name: "shipped", examples }) : null);
    });
    this.el.run.disabled = false;
  }

  show(sweep, source) {
    this.sweep = sweep;
    this.root.dataset.source = source;
    const { names, translate, ar } = sweep;
    this.el.n.textContent = String(names.n);
    const steps = (s) => s.rows.filter((r) => r.kind === "steps");
    const nameSteps = steps(names);
    const trSteps = steps(translate);
    this.el.table.replaceChildren(
      ...nameSteps.map((r, i) => el("tr", {}, el("th", { scope: "row" }, `K = ${r.value}`), el("td", {}, r.nfe.toFixed(2)),
        el("td", {}, `${pct(r.quality)} ± ${pct(r.stderr)}`), el("td", {}, String(r.distinct)),
        el("td", {}, trSteps[i] ? `${pct(trSteps[i].quality)} ± ${pct(trSteps[i].stderr)}` : "–"))),
      ...names.rows.filter((r) => r.kind === "tau").map((r) => el("tr", {}, el("th", { scope: "row" }, `τ = ${r.value}`),
        el("td", {}, r.nfe.toFixed(2)), el("td", {}, `${pct(r.quality)} ± ${pct(r.stderr)}`), el("td", {}, String(r.distinct)),
        el("td", {}, "–"))),
      ...ar.rows.map((r) => el("tr", {}, el("th", { scope: "row" }, "AR baseline"), el("td", {}, r.nfe.toFixed(2)),
        el("td", {}, `${pct(r.quality)} ± ${pct(r.stderr)}`), el("td", {}, String(r.distinct)), el("td", {}, "–"))),
    );
    const one = nameSteps[0];
    const full = nameSteps.at(-1);
    this.el.note.textContent =
      `Names: ${pct(one.quality)} training names with one pass, ${pct(full.quality)} with ${full.value}. ` +
      `Translator: ${pct(trSteps[0].quality)} exact with one pass. AR baseline: ${pct(ar.rows[0].quality)} ` +
      `in ${ar.rows[0].nfe.toFixed(1)} passes on average (it stops at the end of the name). ` +
      `Each point: ${names.n} decodes, temperature ${names.temperature}, seed ${names.seed}.`;
    const g = names.glued;
    if (g) {
      this.el.gluedIntro.textContent =
        `With one pass the names model wrote ${g.distinct_new} different names that are not in the training set. ` +
        `${g.two_names} of them are exactly two training names cut at one position and glued, for example:`;
      this.el.glued.replaceChildren(...g.examples.map((x) => el("li", {},
        el("strong", { className: "tokens" }, x.text), " = ",
        el("span", { className: "tokens" }, x.head.slice(0, x.split)), ` (from ${x.head}) + `,
        el("span", { className: "tokens" }, x.text.slice(x.split) || "(end)"), ` (from ${x.tail})`)));
    }
    this.#draw();
  }

  /** The uPlot chart, once drawn. */
  get plot() {
    return this.#area.plot;
  }

  #draw() {
    const { names, translate, ar } = this.sweep;
    const pts = {
      names: names.rows.filter((r) => r.kind === "steps"),
      tau: names.rows.filter((r) => r.kind === "tau"),
      translate: translate.rows.filter((r) => r.kind === "steps"),
      ar: ar.rows,
    };
    const xs = [...new Set(Object.values(pts).flat().map((r) => r.nfe))].sort((a, b) => a - b);
    const at = (rows) => xs.map((x) => rows.find((r) => r.nfe === x)?.quality ?? null);
    this.series = { x: xs, ...Object.fromEntries(Object.entries(pts).map(([k, rows]) => [k, at(rows)])) };
    const { color, axis } = chartTheme();
    const fmt = (u, v) => (v == null ? "–" : pct(v));
    const line = (label, stroke, dash) => ({ label, stroke, width: 2, dash, spanGaps: true, value: fmt,
                                            points: { show: true, size: 6 } });
    const opts = {
      scales: { x: { time: false, range: (u, min, max) => [0.5, Math.max(max, 7) + 0.5] }, y: { range: [0, 1.05] } },
      axes: [axis("forward passes"), { ...axis("quality"), values: (u, ticks) => ticks.map((t) => `${Math.round(t * 100)}%`) }],
      series: [
        { label: "passes" },
        line("names (K steps)", color("--chart-loss")),
        line("names (threshold τ)", color("--ok"), [4, 3]),
        line("translator", color("--chart-floor")),
        { ...line("AR baseline", color("--text")), points: { show: true, size: 9 } },
      ],
      cursor: { drag: { x: false, y: false } },
    };
    const s = this.series;
    this.#area.draw(opts, [s.x, s.names, s.tau, s.translate, s.ar]);
  }
}
