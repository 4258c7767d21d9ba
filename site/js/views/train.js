// "Train in your browser": Train / Pause / Reset / +500 more, the learning rate (a number box
// and a log-scale slider), batch and seed, the live loss chart, and a Sample button that shows
// how the model denoises a name. The trained model is saved in this browser (store.js) when a
// run ends, and loaded again on the next visit; "Forget my model" removes it.
// All Python runs in the worker; this file only sends requests and draws replies.

import { downloadModel, KeptModel } from "../checkpoints.js";
import { attempt, download, readFile, say } from "../dom.js";
import { fact } from "../facts.js";
import { ref } from "../sections.js";
import { applySetting } from "../settings.js";
import { defaultOf, page } from "../table.js";
import { LossChart } from "./chart.js";
import { NoiseChart } from "./noise.js";
import { OwnData } from "./own_data.js";
import { renderTimeline } from "./timeline.js";

const NAME = "names"; // the model's session name in pytoy.api

export default class TrainView {
  #client = null;
  #chart;
  #noise; // the loss by noise level (noise.js)
  #probing = false;
  #customCorrupt = false; // section edit runs the reader's diffusion.corrupt
  #names = 0; // how many names the model trains on
  #framesFloorByT; // frames.json's floor by t for the shipped names, if it came
  #shippedText; // data/names.txt
  #events;
  #settings;
  #own; // what a new model trains on: data/names.txt, or the reader's own list
  #kept = new KeptModel({ name: NAME, key: "model:names", noun: "model" });
  #state = "loading"; // loading | idle | training | busy
  #samples = 0; // samples drawn since the last reset; the next one uses seed + #samples
  #run = 0; // counts training runs and resets, so a run ended by Reset stays quiet

  /** `text` is the text of data/names.txt (Python in the browser has no copy of it). */
  constructor(root, { frames, settings, text: dataset, uPlot, chartProblem, events }) {
    this.root = root;
    this.#shippedText = dataset;
    this.#events = events;
    this.#framesFloorByT = frames?.floor_by_t ?? null; // frames may be an Error: computed live then
    this.#noise = new NoiseChart(root.querySelector("#noise"), uPlot, { problem: chartProblem });
    // the floors assume the shipped masking process: a reader's own corrupt voids them
    events.on("function-edited", ({ qualname, edited }) => qualname === "diffusion.corrupt" && this.#corruptEdited(edited));
    this.#chart = new LossChart(root.querySelector("#loss-chart"), uPlot, { problem: chartProblem, where:
      "The step, loss and floor above give the latest numbers; “Loss history (.csv)” has every step." });
    this.#settings = settings;
    const $ = (sel) => root.querySelector(sel);
    this.el = {
      train: $("#train-start"), more: $("#train-more"), recover: $("#train-recover"),
      slider: $("#train-lr-slider"), saved: $("#train-saved"), forget: $("#train-forget"),
      pause: $("#train-pause"), reset: $("#train-reset"),
      lr: $("#train-lr"), batch: $("#train-batch"), seed: $("#train-seed"),
      step: $("#stat-step"), speed: $("#stat-speed"), loss: $("#stat-loss"), floor: $("#stat-floor"),
      floorNote: $("#floor-note"), message: $("#train-message"),
      sample: $("#sample"), timeline: $("#timeline"),
      params: $("#n-params"), names: $("#n-names"),
      export: $("#train-export"), csv: $("#train-csv"), import: $("#train-import"),
    };
    this.el.export.addEventListener("click", () => this.#try(() => this.exportModel()));
    this.el.csv.addEventListener("click", () => this.#try(() => this.exportHistory()));
    this.el.import.addEventListener("change", () => this.importFile());
    this.#own = new OwnData(root, { prefix: "names", key: "data:names", shipped: dataset,
                                    opened: 'Press "Train on these" to use it.' });
    this.#own.el.use.addEventListener("click", () => this.useOwnData());
    this.#own.el.shipped.addEventListener("click", () => this.useShippedData());
    for (const name of ["lr", "batch", "seed"]) this.el[name].value = settings[name];
    this.el.slider.value = String(Math.log10(settings.lr));
    this.el.train.addEventListener("click", () => this.train());
    this.el.more.addEventListener("click", () => this.train(page("more")));
    this.el.slider.addEventListener("input", () => {
      this.el.lr.value = String(Number((10 ** Number(this.el.slider.value)).toPrecision(2)));
      this.#setLr();
    });
    this.el.recover.addEventListener("click", () => this.recover());
    this.el.forget.addEventListener("click", () => this.forget());
    this.el.pause.addEventListener("click", () => this.pause());
    this.el.reset.addEventListener("click", () => this.reset());
    this.el.sample.addEventListener("click", () => this.sample());
    this.el.lr.addEventListener("change", () => this.#setLr());
    this.el.batch.addEventListener("change", () => this.#setAndReset("batch"));
    this.el.seed.addEventListener("change", () => this.#setAndReset("seed"));
    root.querySelector("form").addEventListener("submit", (e) => e.preventDefault());
    this.#render();
  }

  /** Python is ready: create the model and show its floor (throws if that fails). */
  async live(client) {
    this.#client = client;
    this.el.recover.textContent = `Recover: learning rate back to ${defaultOf("train.lr")}`;
    this.#state = "busy";
    this.#render();
    if (!(await this.#restore())) await this.#recreate();
    this.#state = "idle";
    this.#render();
  }

  /** Space in presenter mode: pause a run, or start one; false if neither is possible now. */
  toggleRun() {
    if (this.#state === "training") this.pause();
    else if (this.#state === "idle") this.train();
    else return false;
    return true;
  }

  async train(steps = defaultOf("train_steps.names")) {
    const run = ++this.#run;
    this.#say("");
    this.#state = "training";
    this.#render();
    try {
      const r = await this.#client.request("train", { name: NAME, steps },
                                           { onProgress: (p) => this.#progress(p) });
      if (run !== this.#run) return; // Reset ended this run and has redrawn everything
      this.#say(r.paused ? `Paused at step ${r.step}.` : `Trained ${r.done} steps; press Train to go on.`);
    } catch (e) {
      this.#say(e.message, "error"); // e.g. diverged: weights are already restored in Python
      this.el.recover.hidden = false;
    } finally {
      if (run === this.#run) await this.#save();
      if (run === this.#run) this.#state = "idle";
      this.#render();
    }
  }

  async pause() {
    await this.#try(() => this.#client.request("pause", { name: NAME }));
  }

  /** A fresh model with the current settings (stops a run in progress). */
  async reset() {
    this.#run++;
    this.#say("");
    this.#state = "busy";
    this.#render();
    await this.#try(() => this.#recreate());
    this.#state = "idle";
    this.#render();
  }

  /** After a misbehaving learning rate: back to the default, keep the (restored) weights. */
  async recover() {
    this.el.lr.value = String(defaultOf("train.lr"));
    this.el.slider.value = String(Math.log10(defaultOf("train.lr")));
    this.#setLr();
    this.el.recover.hidden = true;
    this.#say(`Learning rate back to ${defaultOf("train.lr")}. Press Train to go on from step ${this.root.dataset.step}.`);
  }

  async forget() {
    this.#kept.forget();
    this.el.saved.textContent = "Forgotten: nothing of yours is stored in this browser.";
    await this.reset();
  }

  /** Save the model (its checkpoint JSON) so a reload keeps it; say so if storage fails. */
  async #save() {
    this.el.saved.textContent = await this.#kept.save(this.#client, `Saved in this browser at step ${this.root.dataset.step}.`);
  }

  /** Load the model saved by an earlier visit, if any; true if it was restored. */
  async #restore() {
    try {
      const info = await this.#kept.restore(this.#client);
      if (!info) return false;
      await this.#showLoaded(info);
      this.#say(`Welcome back: your model from last time, at step ${info.step}.`);
      this.el.saved.textContent = `Saved in this browser at step ${info.step}.`;
      return true;
    } catch (e) {
      this.el.saved.textContent = this.#kept.unreadable(e, "starting fresh");
      return false;
    }
  }

  /** Show a model just loaded into the worker, with its loss so far. */
  async #showLoaded(info) {
    await this.#showModel(info);
    const history = await this.#client.call("history", { name: NAME });
    if (history.length) this.#chart.add(history, info.step);
  }

  async #recreate() {
    const { lr, batch, seed } = this.#settings;
    const info = await this.#client.request("reset", {
      name: NAME, task: "names", text: this.#own.text, model: { seed }, train: { lr, batch, seed },
    });
    await this.#showModel(info);
  }

  async #showModel(info) {
    this.#samples = 0;
    this.el.params.textContent = info.params.toLocaleString("en");
    this.el.names.textContent = String(info.train_items.length);
    this.#chart.clear();
    this.el.timeline.replaceChildren();
    this.#stats({ step: info.step, examples_per_s: null, loss: null });
    this.#names = info.train_items.length;
    this.#noise.clear();
    if (this.#customCorrupt) this.#corruptEdited(true);
    else this.#floors(this.#names);
    this.#probe();
  }

  /** The loss floor and the floor by noise level, for the data being trained on. Computing the
   *  floor takes Python ~0.15 s: the Train button does not wait for it. The worker answers in
   *  order, so after a quick second reset the last floor still wins. */
  #floors(nNames) {
    this.#client.call("loss_floor", { name: NAME })
      .then((floor) => this.#showFloor(floor, nNames))
      .catch((e) => { this.el.floorNote.textContent = `The loss floor could not be computed: ${e.message}`; });
    const shipped = this.#own.text === this.#shippedText && this.#framesFloorByT;
    (shipped ? Promise.resolve(this.#framesFloorByT) : this.#client.call("loss_floor_by_t", { name: NAME }))
      .then((floor) => this.#noise.setFloor(floor))
      .catch((e) => { this.#noise.el.note.textContent = `The floor by noise level could not be computed: ${e.message}`; });
  }

  /** Download the model as the CLI's checkpoint JSON. */
  async exportModel() {
    await downloadModel(this.#client, NAME, () => `pytoy-names-step${this.root.dataset.step}.json`);
  }

  /** Download the loss of every training step so far as CSV (step,loss). */
  async exportHistory() {
    const losses = await this.#client.call("history", { name: NAME });
    const rows = losses.map((loss, i) => `${i + 1},${loss}`);
    download(`pytoy-names-loss.csv`, ["step,loss", ...rows].join("\n") + "\n", "text/csv");
  }

  /** Load a checkpoint file; pytoy checks it, and on any error the current model stays. */
  async importFile() {
    const file = this.el.import.files[0];
    this.el.import.value = ""; // the same file can be picked again
    if (!file || this.#state !== "idle") return;
    this.#run++;
    this.#state = "busy";
    this.#render();
    try {
      const text = await readFile(file);
      const info = await this.#client.call("load", { name: NAME, ckpt: text, task: "names", arch: "diffusion" });
      await this.#showLoaded(info);
      await this.#save();
      this.#say(`Imported ${file.name}: a model at step ${info.step}, trained on ${info.train_items.length} names.`);
    } catch (e) {
      this.#say(`Not imported: ${e.message}. Your model is unchanged.`, "error");
    } finally {
      this.#state = "idle";
      this.#render();
    }
  }

  /** Check the reader's list with pytoy, then start a fresh model on it. */
  async useOwnData() {
    if (this.#state !== "idle") return;
    const own = this.#own;
    try {
      const { text, summary } = await own.check(this.#client, "names");
      own.text = text;
      await this.reset();
      if (this.el.message.classList.contains("error")) return; // reset said why it failed
      const saved = own.keep();
      own.say(`Training on your ${summary.items} names (${summary.unique} different): ` +
              `rows of ${summary.length}, ${summary.symbols.length} letters. Press Train.` +
              (saved ? "" : " (Not saved: this browser refused to store the list.)"));
    } catch (e) {
      own.say(e.message, "error");
    }
  }

  async useShippedData() {
    if (this.#state !== "idle") return;
    this.#own.unkeep();
    await this.reset();
    this.#own.say(`Back to the ${fact("names.count")} names: a fresh model on the shipped list.`);
    this.#own.mark("shipped");
  }

  async sample() {
    const seed = this.#settings.seed + this.#samples++;
    await this.#try(async () => {
      const [timeline] = await this.#client.call("sample", { name: NAME, n: 1, decode: { seed } });
      renderTimeline(this.el.timeline, timeline);
    });
  }

  #corruptEdited(edited) {
    this.#customCorrupt = edited;
    if (!this.#client) return;
    if (!edited) return this.#floors(this.#names);
    const why = `You are running your own diffusion.corrupt (section ${ref("edit")}): the floor was ` +
      "computed for the shipped masking process, so it no longer applies. Restore the original there to see it again.";
    this.#chart.setFloor(null);
    this.#noise.setFloor(null, why);
    this.el.floor.textContent = "–";
    this.el.floorNote.textContent = why;
  }

  /** The loss by noise level on the fixed probe set: one forward pass, between two chunks
   *  (the worker answers it while the run waits; ~3% of a chunk's time). One at a time. */
  #probe() {
    if (this.#probing) return;
    this.#probing = true;
    this.#client.call("loss_by_t", { name: NAME })
      .then((loss) => this.#noise.setLoss(loss))
      .catch((e) => { this.#noise.el.note.textContent = `The loss by noise level could not be computed: ${e.message}`; })
      .finally(() => { this.#probing = false; });
  }

  /** {step, noise, floorByT, noiseChart}: the loss by noise level and what its chart holds. */
  get shown() {
    return { step: Number(this.root.dataset.step), noise: this.#noise.loss, floorByT: this.#noise.floor,
             noiseChart: this.#noise.plotted };
  }

  #progress(p) {
    this.#chart.add(p.losses, p.step);
    this.#probe();
    this.#stats(p);
  }

  #stats({ step, examples_per_s, loss }) {
    this.el.step.textContent = String(step);
    this.root.dataset.step = String(step);
    this.#events.announce("own-model", { step }); // other sections offer "your model"
    this.el.speed.textContent = examples_per_s == null ? "–" : Math.round(examples_per_s).toLocaleString("en");
    this.el.loss.textContent = loss == null ? "–" : loss.toFixed(3);
  }

  #showFloor({ value, stderr, exact }, nNames) {
    this.#chart.setFloor(value);
    const v = value.toFixed(3);
    this.el.floor.textContent = exact ? v : `${v} ± ${stderr.toFixed(3)}`;
    this.el.floorNote.textContent =
      `The dashed line is the loss floor, ${v} nats per letter${exact ? "" : " (estimated)"}: ` +
      `on average the loss cannot go below it, however long you train. When most letters ` +
      `are hidden, even a perfect model can only say "one of these ${nNames} names" and ` +
      `must spread its bets over every name that fits what is still visible. ` +
      `Single batches can dip below it by luck; the average cannot.`;
  }

  #setLr() {
    const lr = applySetting(this.#settings, "lr", this.el.lr);
    if (lr === null) return;
    this.el.slider.value = String(Math.log10(lr));
    this.el.recover.hidden = lr <= 1; // above 1 this model tends to misbehave: offer the way back
    if (this.#state !== "loading") {
      this.#try(() => this.#client.call("set_lr", { name: NAME, lr })); // applies between chunks
    }
  }

  #setAndReset(name) {
    const before = this.#settings[name];
    const value = applySetting(this.#settings, name, this.el[name]);
    if (value !== null && value !== before && this.#state === "idle") this.reset();
  }

  /** Run `work`, showing its error; the message shown before stays until there is one. */
  #try(work) {
    return attempt(this.el.message, work, { clear: false });
  }

  #say(text, kind = "info") {
    say(this.el.message, text, kind);
  }

  #render() {
    const s = this.#state;
    const ready = s === "idle" || s === "training";
    this.root.dataset.training = String(s === "training");
    this.el.train.disabled = s !== "idle";
    this.el.more.disabled = s !== "idle";
    this.el.slider.disabled = !ready;
    this.el.forget.disabled = s !== "idle";
    this.el.pause.disabled = s !== "training";
    this.el.reset.disabled = !ready;
    this.el.sample.disabled = !ready;
    this.el.lr.disabled = !ready;
    this.el.batch.disabled = s !== "idle";
    this.el.seed.disabled = s !== "idle";
    this.el.export.disabled = !ready;
    this.el.csv.disabled = !ready;
    this.el.import.disabled = s !== "idle";
    this.#own.disable(s !== "idle");
  }
}
