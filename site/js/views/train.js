// "Train in your browser": Train / Pause / Reset / +500 more, the learning rate (a number box
// and a log-scale slider), batch and seed, the live loss chart, and a Sample button that shows
// how the model denoises a name. The trained model is saved in this browser (store.js) when a
// run ends, and loaded again on the next visit; "Forget my model" removes it.
// The data menu picks the list (pytoy's DATASETS): the small one, or the large one with its
// held-out names, whose loss the chart shows beside the training loss. The reader's model of
// each list is kept apart (each under its own key); one of the other list is never loaded here.
// All Python runs in the worker; this file only sends requests and draws replies.

import { downloadModel, KeptModel } from "../checkpoints.js";
import { attempt, download, readFile, say } from "../dom.js";
import { fact } from "../facts.js";
import { ref } from "../sections.js";
import { applySetting, writeSettings } from "../settings.js";
import { TABLE, defaultOf, page } from "../table.js";
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
  #length = null; // the model's row length (pytoy's layout.a_len): the denoise section's steps follow it
  #framesFloorByT; // frames.json's floor by t for the shipped names, if it came
  #shippedText; // data/names.txt
  #events;
  #settings;
  #own; // what a new model trains on: data/names.txt, or the reader's own list
  #kept; // the reader's model of the chosen list, kept in this browser (#keptFor)
  #assets; // the asset map: the large list and its shipped checkpoint are fetched when chosen
  #frames; // frames.json (or an Error): the large list's floors, computed at build time
  #texts = new Map(); // dataset -> its text, once fetched
  #heldOut = false; // the model in the worker has held-out names
  #lastHeldOut = null; // the latest api.held_out_loss shown
  #state = "loading"; // loading | idle | training | busy
  #samples = 0; // samples drawn since the last reset; the next one uses seed + #samples
  #run = 0; // counts training runs and resets, so a run ended by Reset stays quiet

  /** `text` is the text of data/names.txt (Python in the browser has no copy of it). */
  constructor(root, { frames, settings, text: dataset, uPlot, chartProblem, events, assets }) {
    this.root = root;
    this.#assets = assets;
    this.#frames = frames;
    this.#kept = this.#keptFor(settings.data);
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
      params: $("#n-params"), names: $("#n-names"), data: $("#train-data"),
      heldOut: $("#stat-heldout"), heldOutBox: $("#stat-heldout-box"), heldOutNote: $("#heldout-note"),
      export: $("#train-export"), csv: $("#train-csv"), import: $("#train-import"),
    };
    this.el.export.addEventListener("click", () => this.#try(() => this.exportModel()));
    this.el.csv.addEventListener("click", () => this.#try(() => this.exportHistory()));
    this.el.import.addEventListener("change", () => this.importFile());
    this.#own = new OwnData(root, { prefix: "names", key: "data:names", shipped: dataset,
                                    opened: 'Press "Train on these" to use it.' });
    this.#own.el.use.addEventListener("click", () => this.useOwnData());
    this.#own.el.shipped.addEventListener("click", () => this.useShippedData());
    for (const name of ["lr", "batch", "seed", "data"]) this.el[name].value = settings[name];
    this.el.data.addEventListener("change", () => this.chooseData());
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
    await this.#restoreOrFresh();
    this.#state = "idle";
    this.#render();
  }

  /** The reader picked the other list in the data menu: their model of it if this browser
   *  keeps one, else the shipped model of it (the large list) or a fresh one (the small). The
   *  model of the list left is already kept (it is saved whenever a run ends). */
  async chooseData() {
    if (this.#state !== "idle") {
      this.el.data.value = this.#settings.data; // the menu is disabled then; a script may not wait
      return;
    }
    const before = this.#settings.data;
    if (applySetting(this.#settings, "data", this.el.data) === null || this.#settings.data === before) return;
    this.#run++;
    this.#kept = this.#keptFor(this.#settings.data);
    this.#say("");
    this.#state = "busy";
    this.#render();
    await this.#try(() => this.#restoreOrFresh());
    this.#state = "idle";
    this.#render();
  }

  /** The reader's model of the chosen list, else a fresh or shipped one; a kept model that
   *  could not be loaded (say, one of the other list) keeps its message in the saved line. */
  async #restoreOrFresh() {
    const kept = await this.#restore();
    if (kept !== true) await this.#fresh(kept === false);
  }

  /** Where the reader's model of a dataset is kept: the table's `store` key for it. */
  #keptFor(key) {
    return new KeptModel({ name: NAME, key: TABLE.datasets[key].store, noun: "model" });
  }

  /** The text of a dataset's file: the small list came with the page; the large is fetched. */
  async #text(key) {
    if (key === "small") return this.#shippedText;
    if (!this.#texts.has(key)) this.#texts.set(key, await this.#fetch(TABLE.datasets[key].file));
    return this.#texts.get(key);
  }

  async #fetch(path) {
    const r = await fetch(this.#assets.url(path));
    if (!r.ok) throw new Error(`could not load ${path} (HTTP ${r.status})`);
    return r.text();
  }

  /** No model of the reader's for this list: the shipped one of the large list, so its names
   *  and its held-out loss are there at once; a fresh model of the small list. */
  async #fresh(note = true) {
    const key = this.#settings.data;
    const saved = "Your model of this list is saved in this browser when a run ends.";
    if (key === "small") {
      await this.#recreate();
      if (note) this.el.saved.textContent = this.#keptNote(saved);
      return;
    }
    const ckpt = await this.#fetch(TABLE.datasets[key].checkpoint);
    const info = await this.#client.call("load", { name: NAME, ckpt, task: "names", arch: "diffusion", dataset: key });
    await this.#showLoaded(info);
    const n = (x) => x.toLocaleString("en");
    this.#say(`The shipped model of these ${n(info.train_items.length + info.val_items.length)} names, ` +
              `trained ${n(info.step)} steps on ${n(info.train_items.length)} of them: press Train to go on, Reset for a fresh one.`);
    if (note) this.el.saved.textContent = this.#keptNote(saved);
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
    this.el.saved.textContent = this.#keptNote(
      await this.#kept.save(this.#client, `Saved in this browser at step ${this.root.dataset.step}, for the ${this.#settings.data} list.`));
  }

  /** `text`, and whether this browser also keeps a model of the reader's for the other list. */
  #keptNote(text) {
    const others = Object.keys(TABLE.datasets).filter((k) => k !== this.#settings.data && this.#keptFor(k).has());
    return others.length ? `${text} Your model of the ${others.join(", ")} list is kept too: pick it in the data menu.` : text;
  }

  /** Load the model saved by an earlier visit, if any: true if it was restored, false if
   *  none is kept, null if the one kept could not be loaded (the saved line says why). */
  async #restore() {
    try {
      const info = await this.#kept.restore(this.#client, { task: "names", arch: "diffusion", dataset: this.#settings.data });
      if (!info) return false;
      await this.#showLoaded(info);
      this.#say(`Welcome back: your model of the ${info.dataset} list, at step ${info.step}.`);
      this.el.saved.textContent = this.#keptNote(`Saved in this browser at step ${info.step}.`);
      return true;
    } catch (e) {
      this.el.saved.textContent = this.#kept.unreadable(e, "starting fresh");
      return null;
    }
  }

  /** Show a model just loaded into the worker, with its loss so far. */
  async #showLoaded(info) {
    await this.#showModel(info);
    const history = await this.#client.call("history", { name: NAME });
    if (history.length) this.#chart.add(history, info.step);
  }

  async #recreate() {
    const { lr, batch, seed, data } = this.#settings;
    const own = data === "small" && this.#own.text !== this.#shippedText; // the reader's list
    const info = await this.#client.request("reset", {
      name: NAME, task: "names", text: own ? this.#own.text : await this.#text(data),
      ...(own ? {} : { dataset: data }), model: { seed }, train: { lr, batch, seed },
    });
    await this.#showModel(info);
  }

  async #showModel(info) {
    this.#samples = 0;
    this.#length = info.layout.a_len; // announced with the step below
    this.el.params.textContent = info.params.toLocaleString("en");
    this.el.names.textContent = info.train_items.length.toLocaleString("en");
    this.#chart.clear();
    this.el.timeline.replaceChildren();
    this.#stats({ step: info.step, examples_per_s: null, loss: null });
    this.#names = info.train_items.length;
    this.#heldOut = info.val_items.length > 0;
    this.#lastHeldOut = null;
    this.el.heldOutBox.hidden = !this.#heldOut;
    this.el.heldOut.textContent = "–";
    this.el.heldOutNote.hidden = !this.#heldOut;
    this.el.heldOutNote.textContent = "";
    this.#chart.heldOut(this.#heldOut);
    this.#noise.clear();
    if (this.#customCorrupt) this.#corruptEdited(true);
    else this.#floors(this.#names);
    this.#probe();
  }

  /** The loss floor and the floor by noise level, for the data being trained on. Computing the
   *  floor takes Python ~0.15 s: the Train button does not wait for it. The worker answers in
   *  order, so after a quick second reset the last floor still wins. */
  #floors(nNames) {
    // the large list's floors are Monte Carlo, seconds of Python: frames.json has them
    const large = this.#settings.data !== "small" && !(this.#frames instanceof Error) ? this.#frames?.large : null;
    (large ? Promise.resolve(large.floor) : this.#client.call("loss_floor", { name: NAME }))
      .then((floor) => this.#showFloor(floor, nNames))
      .catch((e) => { this.el.floorNote.textContent = `The loss floor could not be computed: ${e.message}`; });
    const shipped = this.#settings.data === "small" && this.#own.text === this.#shippedText && this.#framesFloorByT;
    const byT = large?.floor_by_t ?? shipped;
    (byT ? Promise.resolve(byT) : this.#client.call("loss_floor_by_t", { name: NAME }))
      .then((floor) => this.#noise.setFloor(floor))
      .catch((e) => { this.#noise.el.note.textContent = `The floor by noise level could not be computed: ${e.message}`; });
  }

  /** Download the model as the CLI's checkpoint JSON. */
  async exportModel() {
    await downloadModel(this.#client, NAME, () => `pytoy-names-step${this.root.dataset.step}.json`);
  }

  /** Download the loss of every training step so far as CSV (step,loss): every one the worker
   *  holds (after a reload from this browser, the latest STORED_STEPS and those since). */
  async exportHistory() {
    const losses = await this.#client.call("history", { name: NAME });
    // a model reloaded from this browser holds the latest losses only (checkpoints.js)
    const first = Number(this.root.dataset.step) - losses.length + 1;
    const rows = losses.map((loss, i) => `${first + i},${loss}`);
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
      const moved = info.dataset !== this.#settings.data; // a model of the other list: go with it
      if (moved) this.#setData(info.dataset);
      await this.#showLoaded(info);
      await this.#save();
      this.#say(`Imported ${file.name}: a model at step ${info.step}, trained on ${info.train_items.length} names` +
                (moved ? `; the data menu now shows its list, ${info.dataset}.` : "."));
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
      this.#setData("small"); // a reader's own list takes the small list's place
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
    this.#setData("small");
    await this.reset();
    this.#own.say(`Back to the ${fact("names.count")} names: a fresh model on the shipped list.`);
    this.#own.mark("shipped");
  }

  /** Show `key` in the data menu and keep it in the settings, without loading anything. */
  #setData(key) {
    if (this.#settings.data === key) return;
    this.#settings.data = key;
    this.el.data.value = key;
    this.#kept = this.#keptFor(key);
    writeSettings(this.#settings);
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
    const heldOut = this.#heldOut && this.#client.call("held_out_loss", { name: NAME })
      .then((r) => this.#showHeldOut(r))
      .catch((e) => { this.el.heldOutNote.textContent = `The held-out loss could not be computed: ${e.message}`; });
    const byT = this.#client.call("loss_by_t", { name: NAME })
      .then((loss) => this.#noise.setLoss(loss))
      .catch((e) => { this.#noise.el.note.textContent = `The loss by noise level could not be computed: ${e.message}`; });
    Promise.all([heldOut, byT]).finally(() => { this.#probing = false; });
  }

  /** api.held_out_loss: the loss on a fixed set of corrupted held-out names, and the same
   *  on the training names. */
  #showHeldOut({ step, training, held_out: held }) {
    if (held == null) return;
    this.#lastHeldOut = { step, training, held_out: held };
    this.#chart.addHeldOut(step, held);
    this.el.heldOut.textContent = held.toFixed(3);
    this.el.heldOutNote.textContent =
      `The dotted line is the held-out loss: the same model scored on names it never trains on, ` +
      `each corrupted the same way at every step. At step ${step} it is ${held.toFixed(3)} nats per letter, ` +
      `against ${training.toFixed(3)} on the training names scored the same way: the gap is what it has ` +
      `learnt about these names in particular rather than about names.`;
  }

  /** {step, noise, floorByT, noiseChart, …}: the loss by noise level and what its chart holds;
   *  `drawn` is how many training-loss points the loss chart holds (bounded: chart.js). */
  get shown() {
    return { step: Number(this.root.dataset.step), noise: this.#noise.loss, floorByT: this.#noise.floor,
             noiseChart: this.#noise.plotted, data: this.#settings.data, heldOut: this.#lastHeldOut,
             heldOutChart: this.#chart.heldOutPoints, drawn: this.#chart.drawnPoints };
  }

  #progress(p) {
    this.#chart.add(p.losses, p.step);
    this.#probe();
    this.#stats(p);
  }

  #stats({ step, examples_per_s, loss }) {
    this.el.step.textContent = String(step);
    this.root.dataset.step = String(step);
    // other sections offer "your model"
    this.#events.announce("own-model", { step, data: this.#settings.data, length: this.#length });
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
    this.el.data.disabled = s !== "idle";
    this.el.export.disabled = !ready;
    this.el.csv.disabled = !ready;
    this.el.import.disabled = s !== "idle";
    this.#own.disable(s !== "idle");
  }
}
