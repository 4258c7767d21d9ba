// "Denoise step by step": temperature, steps and strategy go to api.sample; the
// returned timeline is drawn one row per step, with a scrubber that shows exactly step k
// (0 = the all-? start). "Sample N" (the table's page size) fills a grid of names, each marked by pytoy
// "training name", "held-out name" or "new"; "Count N" has pytoy count the three among its
// table's `shares_n` names at the same settings. The model is the shipped checkpoint, or the reader's (the train section's).
// Strategy, steps and temperature are shareable settings (settings.js): read from the URL or
// this browser at start, written back whenever they change. Their menus and bounds come from
// pytoy's settings table (the build fills the controls).

import { attempt, download, el, readNumber } from "../dom.js";
import { ref } from "../sections.js";
import { applySetting } from "../settings.js";
import { page } from "../table.js";
import { MARKS, renderTimeline } from "./timeline.js";

export default class DenoiseView {
  #client = null;
  #draws = 0; // each press draws with a new seed
  timeline = null;

  #settings;
  #lengths; // model name -> its row length (null until the train section has a model)
  #passesWord;

  constructor(root, { frames, settings, events }) {
    this.root = root;
    this.#settings = settings;
    const $ = (s) => root.querySelector(s);
    this.el = { model: $("#denoise-model"), strategy: $("#denoise-strategy"), steps: $("#denoise-steps"),
                temperature: $("#denoise-temperature"), run: $("#denoise-run"), grid: $("#denoise-grid"),
                gridRun: $("#denoise-grid-run"), scrub: $("#denoise-scrub"), scrubOut: $("#denoise-scrub-out"),
                frame: $("#denoise-frame"), timeline: $("#denoise-timeline"), message: $("#denoise-message"),
                count: $("#denoise-count"), shares: $("#denoise-shares"), passes: $("#denoise-passes") };
    this.el.count.addEventListener("click", () => this.count());
    this.el.run.addEventListener("click", () => this.sample());
    this.el.gridRun.addEventListener("click", () => this.grid());
    root.querySelector("#denoise-download").addEventListener("click", () =>
      download(`pytoy-timeline-${this.timeline.text || "empty"}.json`, JSON.stringify(this.timeline, null, 1)));
    this.el.scrub.addEventListener("input", () => this.scrubTo(Number(this.el.scrub.value)));
    root.querySelector("form").addEventListener("submit", (e) => e.preventDefault());
    // steps beyond the name's length change nothing: the cap is the chosen model's length,
    // the shipped one's (frames.json) or the reader's (the train section says, from pytoy)
    this.#lengths = { shipped: frames.info.layout.a_len, names: null };
    this.#passesWord = this.el.passes.textContent; // the prose's word for the shipped length
    this.length = this.#lengths.shipped;
    this.el.steps.max = String(this.length);
    this.el.model.addEventListener("change", () => this.#fitLength());
    if (settings) this.#applySettings();
    this.show(frames.samples[0]);
    this.showGrid(frames.samples);
    this.#enable(false);
    this.el.model.querySelector("option[value=names]").disabled = true; // until the train section has a model
    events.on("own-model", ({ step, data, length }) => this.setOwnModel(step, data, length));
  }

  get shown() {
    return this.timeline;
  }

  position() {
    return { at: Number(this.el.scrub.value), first: 0, last: this.timeline.passes.length };
  }

  goTo(k) {
    this.scrubTo(Math.min(this.timeline.passes.length, Math.max(0, k)));
  }

  /** Show the settings in the controls, and keep them in the URL when the reader changes one. */
  #applySettings() {
    const s = this.#settings;
    this.el.strategy.value = s.strategy;
    this.el.steps.value = String(Math.min(s.steps, this.length));
    this.el.temperature.value = String(s.temperature);
    const bind = (node, name, fit) => node.addEventListener("change", () => applySetting(s, name, node, fit));
    bind(this.el.strategy, "strategy");
    bind(this.el.steps, "steps", (steps) => Math.min(steps, this.length));
    bind(this.el.temperature, "temperature");
  }

  live(client) {
    this.#client = client;
    this.#enable(true);
  }

  #enable(on) {
    for (const k of ["run", "gridRun", "count", "model", "strategy", "steps", "temperature"]) this.el[k].disabled = !on;
  }

  /** The train section has the reader's model, trained `step` steps. */
  setOwnModel(step, data, length) {
    const opt = this.el.model.querySelector("option[value=names]");
    opt.disabled = false;
    opt.textContent = `your model (section ${ref("train")}, ${data} list, step ${step})`;
    if (length != null && length !== this.#lengths.names) {
      this.#lengths.names = length;
      this.#fitLength();
    }
  }

  /** The steps box's cap and the hint's count of passes follow the model chosen. */
  #fitLength() {
    const length = this.#lengths[this.el.model.value] ?? this.#lengths.shipped;
    if (length === this.length) return;
    this.length = length;
    this.el.steps.max = String(length);
    if (Number(this.el.steps.value) > length) {
      this.el.steps.value = String(length);
      if (this.#settings) applySetting(this.#settings, "steps", this.el.steps);
    }
    this.el.passes.textContent = length === this.#lengths.shipped ? this.#passesWord : String(length);
  }

  decode() {
    return { strategy: this.el.strategy.value, steps: readNumber(this.el.steps),
             temperature: readNumber(this.el.temperature), seed: ++this.#draws };
  }

  async sample() {
    await this.#try(async () => {
      const [t] = await this.#client.call("sample", { name: this.el.model.value, n: 1, decode: this.decode() });
      this.show(t);
    });
  }

  async grid() {
    await this.#try(async () => {
      this.showGrid(await this.#client.call("sample", { name: this.el.model.value, n: page("grid"), decode: this.decode() }));
    });
  }

  /** pytoy counts training / held-out / new names among `shares_n` samples (api.shares). */
  async count() {
    await this.#try(async () => {
      this.el.shares.textContent = "Counting…";
      const r = await this.#client.call("shares", { name: this.el.model.value, decode: this.decode() });
      this.counted = r;
      const pct = (k) => `${(100 * r.shares[k]).toFixed(1)}%`;
      this.el.shares.textContent = `Of ${r.n.toLocaleString("en")} names this model samples at these settings: ` +
        `${pct("training")} training names, ${pct("held-out")} held-out names` +
        (r.held_out_items ? "" : " (this model's list holds none out)") + `, ${pct("new")} new.`;
    });
  }

  show(timeline) {
    this.timeline = timeline;
    this.el.scrub.max = String(timeline.passes.length);
    this.scrubTo(timeline.passes.length);
  }

  /** Show step k of the timeline: 0 is the start row, k the state after pass k. */
  scrubTo(k) {
    const t = this.timeline;
    this.el.scrub.value = String(k);
    this.el.scrubOut.value = String(k);
    const tokens = k === 0 ? t.start : t.passes[k - 1].tokens;
    this.el.frame.textContent = tokens;
    this.el.frame.dataset.tokens = tokens;
    this.root.dataset.step = String(k);
    renderTimeline(this.el.timeline, t, { upto: k, beliefs: true });
  }

  showGrid(timelines) {
    this.el.grid.replaceChildren(...timelines.map((t) => {
      const mark = t.mark ?? (t.in_training_set ? "training" : "new");
      const [kind, words] = MARKS[mark];
      return el("li", { className: kind, dataset: { mark } },
        el("span", { className: "sampled-name" }, t.text || "(empty)"),
        el("span", { className: `badge ${kind}`, title: words }, words.split(":")[0]));
    }));
  }

  /** Run work with the section marked busy (aria-busy) until pytoy answers, so a reader's
   *  assistive technology, and a test, can tell a pending sample from the one shown. */
  async #try(work) {
    this.root.setAttribute("aria-busy", "true");
    try {
      await attempt(this.el.message, work);
    } finally {
      this.root.removeAttribute("aria-busy");
    }
  }
}
