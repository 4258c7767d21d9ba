// "The limits": no streaming (the readable start of each model's word after every
// pass, from the race section's latest race: compare.readable_prefix), fixed length (a name is
// padded with _ or refused, by pytoy), and no KV cache (multiply-adds per pass from
// compare.pass_cost, times the passes the race took).

import { attempt, el, say } from "../dom.js";
import { ref } from "../sections.js";

export default class LimitsView {
  #client = null;
  #cost;
  race = null;

  constructor(root, { frames, events }) {
    this.root = root;
    const $ = (s) => root.querySelector(s);
    this.el = { stream: $("#stream-table tbody"), word: $("#length-word"), run: $("#length-run"),
                message: $("#length-message"), cost: $("#cost-table tbody"), costNote: $("#cost-note") };
    this.#cost = frames.pass_cost;
    root.querySelector("form").addEventListener("submit", (e) => e.preventDefault());
    this.el.run.addEventListener("click", () => this.fit());
    this.el.word.addEventListener("keydown", (e) => e.key === "Enter" && (e.preventDefault(), this.fit()));
    this.showRace(frames.race);
    events.on("race", (race) => this.showRace(race)); // the race section's latest
  }

  get shown() {
    return { race: this.race, breakEven: Number(this.root.dataset.breakEven) };
  }

  live(client) {
    this.#client = client;
    this.el.run.disabled = false;
  }

  /** The race's readable prefixes and its arithmetic. */
  showRace(race) {
    this.race = race;
    const n = Math.max(race.ar_prefix.length, race.diffusion_prefix.length);
    const word = (tl, prefix, i) => {
      const k = prefix[Math.min(i, prefix.length - 1)];
      const text = tl.passes[Math.min(i, tl.passes.length - 1)].tokens.slice(tl.answer_start, tl.answer_start + k);
      return el("td", { className: "tokens" }, text.replace(/_+$/, "") || "—");
    };
    this.el.stream.replaceChildren(...Array.from({ length: n }, (_, i) => el("tr", {},
      el("th", { scope: "row" }, String(i + 1)),
      word(race.ar, race.ar_prefix, i), word(race.diffusion, race.diffusion_prefix, i))));
    const { diffusion: d, ar: a } = this.#cost;
    const rows = [["AR baseline", a, race.ar_passes], [`diffusion, ${race.steps} passes`, d, race.diffusion_passes]];
    this.el.cost.replaceChildren(...rows.map(([name, c, passes]) => el("tr", {},
      el("th", { scope: "row" }, name), el("td", {}, `${c.reads} letters`), el("td", {}, `${c.predicts}`),
      el("td", {}, c.multiply_adds.toLocaleString("en")), el("td", {}, String(passes)),
      el("td", {}, (c.multiply_adds * passes).toLocaleString("en")))));
    const breakEven = Math.floor((a.multiply_adds * race.ar_passes) / d.multiply_adds);
    this.el.costNote.textContent =
      `One diffusion pass predicts all ${d.predicts} positions, even those already decided, so it costs ` +
      `${(d.multiply_adds / a.multiply_adds).toFixed(1)}× an AR pass. For this race diffusion does less ` +
      `arithmetic than the AR model only with ${breakEven} passes or fewer — and section ${ref("sweep")} shows what so few ` +
      "passes do to the names. (The table counts what an AR pass needs: one window of letters. pytoy's " +
      "AR baseline, kept short for reading, computes every window on every pass.)";
    this.root.dataset.breakEven = String(breakEven);
  }

  /** Does this name fit the model's row? pytoy answers: the padded row, or why not. */
  async fit() {
    const word = this.el.word.value.trim();
    await attempt(this.el.message, async () => {
      const t = await this.#client.call("reveal", { name: "shipped", word });
      const pads = t.tokens.length - word.length;
      say(this.el.message, `"${word}" fits: the model sees ${t.tokens} — ${pads} padding symbol${pads === 1 ? "" : "s"} ` +
          "after the name, predicted like letters.");
    });
  }
}
