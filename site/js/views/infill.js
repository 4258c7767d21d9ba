// The infill section, "Filling gaps": a template such as r??ul, completed by both models (api.infill:
// page("infill_n") completions each, how many are real names, how many kept every fixed letter, the commonest
// outputs) with one timeline each (api.sample with the template). Bad templates come back from
// pytoy as one-line messages, shown inline.

import { attempt, el, readNumber } from "../dom.js";
import { page } from "../table.js";
import { renderTimeline } from "./timeline.js";

/** 0.995 -> "99.5%", 0.23 -> "23%": whole percents, with a decimal where they would say all or
 *  none and it is not so (buildtools/facts.py's percent, which the prose's shares follow). */
function pct(q) {
  const p = 100 * q;
  const whole = p.toFixed(0);
  const wrong = (whole === "0" || whole === "100") && p !== 0 && p !== 100;
  return wrong || (p < 10 && whole !== "0" && p !== Math.round(p)) ? `${p.toFixed(1)}%` : `${whole}%`;
}

export default class InfillView {
  #client = null;
  result = null;

  constructor(root, { frames }) {
    this.root = root;
    const $ = (s) => root.querySelector(s);
    this.el = { template: $("#infill-template"), seed: $("#infill-seed"), run: $("#infill-run"),
                message: $("#infill-message"), ar: $("#infill-ar"), diffusion: $("#infill-diffusion"),
                table: $("#infill-table tbody"), caption: $("#infill-caption") };
    root.querySelector("form").addEventListener("submit", (e) => e.preventDefault());
    this.el.run.addEventListener("click", () => this.fill());
    this.el.template.addEventListener("keydown", (e) => e.key === "Enter" && (e.preventDefault(), this.fill()));
    this.el.template.value = frames.infill.template;
    this.show(frames.infill, frames.infill_timelines);
  }

  live(client) {
    this.#client = client;
    this.el.run.disabled = false;
  }

  /** {result, timelines}: the api.infill counts and the two decodes drawn beside them. */
  get shown() {
    return { result: this.result, timelines: this.timelines };
  }

  async fill() {
    const template = this.el.template.value.trim();
    const seed = readNumber(this.el.seed);
    await attempt(this.el.message, async () => {
      const result = await this.#client.call("infill", { diffusion: "shipped", ar: "shipped-ar", template, n: page("infill_n"), seed });
      const [[d], [a]] = await Promise.all([
        this.#client.call("sample", { name: "shipped", n: 1, template, decode: { seed } }),
        this.#client.call("sample", { name: "shipped-ar", n: 1, template, decode: { seed } }),
      ]);
      this.show(result, { diffusion: d, ar: a });
    });
  }

  show(result, timelines) {
    this.result = result;
    this.timelines = timelines;
    this.root.dataset.template = result.template;
    renderTimeline(this.el.diffusion, timelines.diffusion);
    renderTimeline(this.el.ar, timelines.ar);
    this.el.caption.textContent = `${result.n} completions of ${result.template} by each model ` +
      `(temperature ${result.temperature}, seed ${result.seed})`;
    const row = (label, r) => el("tr", { dataset: { model: label } }, el("th", { scope: "row" }, label),
      el("td", {}, pct(r.real_names)), el("td", {}, pct(r.kept_fixed)),
      el("td", {}, ...r.top.flatMap(([text, count, known], i) => [i ? ", " : "",
        el("span", { className: known ? "seen-name" : "new-name" }, text || "(empty)"), ` ×${count}`])));
    this.el.table.replaceChildren(row("diffusion", result.diffusion), row("autoregressive", result.ar));
  }
}
