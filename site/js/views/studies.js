// The likelihood section: what learning every order costs (held-out bits per character: the diffusion
// ELBO, the AR model's exact NLL, a unigram baseline) and whether the model needs t. The
// numbers are data/studies.json, computed by scripts/run_studies.py with pytoy, and the verdict
// on t pytoy's studies.time_verdict (frames.py); nothing here computes, it only lays them out.

// Below them, the live ablation (ablation.js) trains two models side by side in the worker.

import { el } from "../dom.js";
import { fact } from "../facts.js";
import { Ablation } from "./ablation.js";

const f3 = (x) => x.toFixed(3);
const count = (n) => n.toLocaleString("en"); // 4,000, as the prose writes counts
const LAST_DIGIT = 1e-3; // the last digit f3 shows

/** The section's view (sections.js): the studies are computed under CPython, not live; the
 *  ablation below them trains live once Python is ready. */
export default class StudiesView {
  constructor(root, { frames, text, uPlot, chartProblem }) {
    this.studies = frames.studies;
    renderStudies(root, frames.studies);
    this.ablation = new Ablation(root.querySelector("#ablation"), { text, uPlot, chartProblem });
  }

  live(client) {
    this.ablation.live(client);
  }

  /** The studies as shipped, and what the live ablation shows (ablation.js). */
  get shown() {
    return { ...this.studies, ablation: this.ablation.shown };
  }

  toggleRun() {
    return this.ablation.toggleRun();
  }
}

export function renderStudies(root, studies) {
  const $ = (s) => root.querySelector(s);
  const lik = studies.likelihood;
  $("#lik-words").textContent = String(lik.held_out_words);
  const rows = [
    ["AR baseline", lik.ar.bits_per_char, `exact; ${lik.settings.ar}`],
    ["diffusion (ELBO)", lik.diffusion.bits_per_char,
     `upper bound, ± ${f3(lik.diffusion.stderr_bits)} s.e. from ${lik.diffusion.samples_per_word} ` +
     `samples per word (seed ${lik.diffusion.seed}); ${lik.settings.diffusion}`],
    ["unigram (letter frequencies)", lik.unigram_bits_per_char, "no context at all"],
  ];
  $("#lik-table tbody").replaceChildren(...rows.map(([name, bits, how]) => el("tr", {},
    el("th", { scope: "row" }, name), el("td", {}, f3(bits)), el("td", {}, how))));
  const max = Math.max(...rows.map((r) => r[1]));
  $("#lik-bars").replaceChildren(...rows.map(([name, bits]) => {
    const bar = el("span", { className: "bar" });
    bar.style.width = `${(100 * bits) / max}%`;
    return el("div", { className: "bar-row" }, el("span", { className: "bar-label" }, name), bar,
              el("span", { className: "bar-value" }, f3(bits)));
  }));
  $("#lik-gap").textContent =
    `Both models trained ${count(lik.steps)} steps, in batches of ${lik.train.batch} of the same names ` +
    `(learning rate ${lik.train.lr}, momentum ${lik.train.momentum}). The diffusion bound is ` +
    `${f3(lik.gap_bits_per_char)} bits per character above the AR model's exact figure, and both are well ` +
    `below the unigram's ${f3(lik.unigram_bits_per_char)}. Part of the gap is the price of training for every ` +
    `order at once: the diffusion model must predict any letter from any subset of the others, while ` +
    `the AR model only ever predicts the next letter from the ones before it; the rest is the bound's own ` +
    `slack, and the two networks differ in shape too. It is not a cost of decoding in parallel: this bound ` +
    `scores one letter at a time.`;

  // each arm's mean gap ± its standard error and the verdict are pytoy's (studies.py)
  const t = studies.time_input;
  const arms = { true: t.with_t, false: t.without_t };
  $("#t-table tbody").replaceChildren(...[true, false].map((flag) => {
    const gaps = t.rows.filter((r) => r.time_input === flag).map((r) => r.gap);
    return el("tr", {}, el("th", { scope: "row" }, flag ? "yes" : "no"),
              el("td", {}, gaps.map(f3).join(", ")),
              el("td", {}, `${f3(arms[flag].gap_mean)} ± ${f3(arms[flag].gap_se)}`));
  }));
  const { difference: diff, noise, measurable } = t.verdict;
  // three decimals would print a tiny difference as 0.000: say it is under the last digit shown
  const apart = f3(Math.abs(diff)) === f3(0) ? `a difference under ${f3(LAST_DIGIT)}` : `a difference of ${f3(Math.abs(diff))}`;
  const head = `Over ${fact("studies.t.seeds")} seeds of ${count(t.steps)} steps (batches of ${t.train.batch}), ` +
    `the gap with t is ${f3(t.with_t.gap_mean)} and without it ${f3(t.without_t.gap_mean)} nats per letter, ${apart}. `;
  $("#t-verdict").textContent = head + (!measurable
    ? `That is less than two standard errors (${f3(noise)}): t makes no measurable difference for this model. ` +
      "The best guess for a hidden letter depends only on the letters left visible, and the count of ? " +
      "tells the model roughly what t would. (This is a measurement of ours, not a rule for large models.)"
    : `That is more than two standard errors (${f3(noise)}): here t ${diff > 0 ? "helps" : "hurts"}.`);
  root.dataset.tDifference = String(diff);
}
