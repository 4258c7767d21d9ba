// The translate section, "From words to answers": the 30 pairs, a word box whose answer denoises with the
// question held fixed (api.translate), a check of all 30 pairs, and training a translator
// from scratch with its answer-only loss chart. Unseen words run and are flagged; characters
// outside the vocabulary come back as a one-line message from pytoy, shown inline.
// The reader's translator is saved in this browser (store.js) when its training ends or is
// paused, and is back on the next visit; "Forget my translator" removes it.

import { downloadModel, KeptModel } from "../checkpoints.js";
import { attempt, el, say } from "../dom.js";
import { fact } from "../facts.js";
import { defaultOf, SYMBOLS } from "../table.js";
import { LossChart } from "./chart.js";
import { OwnData } from "./own_data.js";
import { renderTimeline } from "./timeline.js";

const MINE = "translate-mine";

export default class TranslateView {
  #client = null;
  #chart;
  #own; // the pairs a new translator trains on: data/en-hi.txt, or the reader's own
  #kept = new KeptModel({ name: MINE, key: "model:translate-mine", noun: "translator" });
  #training = false;
  #shown = null;
  #trainSteps; // one Train press: the defaults table's steps for the translator
  model = "translate";

  constructor(root, { frames, text, uPlot, chartProblem }) {
    this.root = root;
    this.#chart = new LossChart(root.querySelector("#translate-chart"), uPlot,
      { problem: chartProblem, where: "The step and loss are written next to the buttons above." });
    this.#trainSteps = defaultOf("train_steps.translate");
    const $ = (s) => root.querySelector(s);
    this.el = { word: $("#translate-word"), run: $("#translate-run"), check: $("#translate-check"),
                message: $("#translate-message"), timeline: $("#translate-timeline"), score: $("#translate-score"),
                train: $("#translate-train"), pause: $("#translate-pause"), shipped: $("#translate-use-shipped"),
                step: $("#translate-step"), pairs: $("#translate-pairs"),
                saved: $("#translate-saved"), forget: $("#translate-forget") };
    this.items = frames.translate.items;
    this.el.pairs.append(...this.items.map((p) => {
      const [q, a] = p.split(SYMBOLS.sep);
      return el("li", {}, el("span", {}, q), " → ", el("strong", {}, a));
    }));
    this.el.run.addEventListener("click", () => this.translate());
    this.el.word.addEventListener("keydown", (e) => e.key === "Enter" && (e.preventDefault(), this.translate()));
    this.el.check.addEventListener("click", () => this.checkAll());
    this.el.train.addEventListener("click", () => this.train());
    this.el.pause.addEventListener("click", () => this.#client.request("pause", { name: MINE }));
    this.el.shipped.addEventListener("click", () => this.#use("translate"));
    this.el.forget.addEventListener("click", () => this.forget());
    this.#own = new OwnData(root, { prefix: "pairs", key: "data:pairs", shipped: text,
                                    opened: 'Press "Train a translator on these".' });
    this.#own.el.use.addEventListener("click", () => this.useOwnPairs());
    this.#own.el.shipped.addEventListener("click", () => this.useShippedPairs());
    this.el.export = root.querySelector("#translate-export");
    this.el.export.addEventListener("click", () => this.#try(() =>
      downloadModel(this.#client, this.model, () => `pytoy-${this.model}.json`)));
    root.querySelector("form").addEventListener("submit", (e) => e.preventDefault());
    this.#show(frames.translate.timelines[0]);
    this.#render();
  }

  async live(client) {
    this.#client = client;
    await this.#restore();
    this.#render();
  }

  /** The translator trained on an earlier visit, if this browser kept it. */
  async #restore() {
    try {
      const info = await this.#kept.restore(this.#client);
      if (!info) return;
      const history = await this.#client.call("history", { name: MINE });
      const floor = await this.#client.call("loss_floor", { name: MINE });
      this.#chart.clear();
      this.#chart.setFloor(floor.value);
      if (history.length) this.#chart.add(history, info.step);
      this.#use(MINE);
      this.el.step.textContent = `step ${info.step.toLocaleString("en")}`;
      this.el.saved.textContent = `Your translator from last time (step ${info.step.toLocaleString("en")}) answers above; it is saved in this browser.`;
    } catch (e) {
      this.el.saved.textContent = this.#kept.unreadable(e, "using the shipped one");
    }
  }

  async #save() {
    this.el.saved.textContent = await this.#kept.save(this.#client, "Your translator is saved in this browser.");
  }

  forget() {
    this.#kept.forget();
    this.#use("translate");
    this.el.saved.textContent = "Forgotten: the shipped translator answers again, and nothing of yours is stored.";
  }

  async translate() {
    const word = this.el.word.value.trim();
    await this.#try(async () => {
      const [t] = await this.#client.call("translate", { name: this.model, words: [word], decode: { temperature: 0 } });
      this.#show(t);
    });
  }

  async checkAll() {
    const items = (await this.#client.call("info", { name: this.model })).train_items;
    const words = items.map((p) => p.split(SYMBOLS.sep)[0]);
    await this.#try(async () => {
      const out = await this.#client.call("translate", { name: this.model, words, decode: { temperature: 0 } });
      const right = out.filter((t) => t.correct).length;
      const wrong = out.filter((t) => !t.correct).map((t) => `${t.question}→${t.text} (not ${t.expected})`);
      this.el.score.textContent = `${right} of ${out.length} pairs right` + (wrong.length ? `; wrong: ${wrong.join(", ")}` : ".");
      this.root.dataset.score = `${right}/${out.length}`;
    });
  }

  async train() {
    this.#training = true;
    this.#render();
    await this.#try(async () => {
      if (this.model !== MINE) {
        await this.#client.request("reset", { name: MINE, task: "translate", text: this.#own.text });
        this.#chart.clear();
        const floor = await this.#client.call("loss_floor", { name: MINE });
        this.#chart.setFloor(floor.value);
      }
      const r = await this.#client.request("train", { name: MINE, steps: this.#trainSteps }, {
        onProgress: (p) => { this.#chart.add(p.losses, p.step); this.el.step.textContent = `step ${p.step.toLocaleString("en")} · loss ${p.loss.toFixed(3)}`; },
      });
      this.#use(MINE);
      await this.#save();
      say(this.el.message, `Your translator (step ${r.step.toLocaleString("en")}) now answers above. "Check every training pair" shows how far it has come.`);
    });
    this.#training = false;
    this.#render();
  }

  /** Check the reader's pairs with pytoy, then train a new translator on them. */
  async useOwnPairs() {
    if (this.#training) return;
    const own = this.#own;
    try {
      const { text, summary } = await own.check(this.#client, "translate");
      own.text = text;
      const saved = own.keep();
      own.say(`Training on your ${summary.items} pairs: questions of up to ` +
              `${summary.question_length} letters, answers of up to ${summary.length}.` +
              (saved ? "" : " (Not saved: this browser refused to store them.)"));
      this.model = "translate"; // so train() starts a fresh translator on the new pairs
      await this.train();
    } catch (e) {
      own.say(e.message, "error");
    }
  }

  useShippedPairs() {
    if (this.#training) return;
    this.#own.unkeep();
    this.#own.mark("shipped");
    this.#use("translate");
    this.#own.say(`Back to the ${fact("translate.pairs")} pairs: the shipped translator answers again.`);
  }

  /** The last answer drawn (api.translate's timeline): the view contract's `shown`. */
  get shown() {
    return this.#shown;
  }

  #show(timeline) {
    this.#shown = timeline;
    renderTimeline(this.el.timeline, timeline);
  }

  #use(name) {
    this.model = name;
    this.root.dataset.model = name;
    this.#render();
  }

  #render() {
    const ready = this.#client !== null;
    this.el.run.disabled = !ready;
    this.el.check.disabled = !ready;
    this.el.train.disabled = !ready || this.#training;
    this.el.pause.disabled = !this.#training;
    this.el.shipped.disabled = !ready || this.model === "translate";
    this.el.forget.disabled = !ready || this.#training;
    this.#own.disable(!ready || this.#training);
    if (this.el.export) this.el.export.disabled = !ready || this.#training;
  }

  #try(work) {
    return attempt(this.el.message, work);
  }
}
