// "The race": the AR baseline and the diffusion model each write a name, shown in
// lockstep by forward pass (tick k: each model after min(k, its passes) passes), with the
// passes and the Python time each decode took (api.race, timed inside pytoy). The reader
// picks diffusion's pass budget and the seed, and can retrain the AR baseline here.
// Every race shown is announced on the page's bus (events.js) as "race".

import { attempt, el, readNumber, say } from "../dom.js";
import { defaultOf } from "../table.js";
import { SteppedView, Stepper } from "./stepper.js";
import { renderTimeline } from "./timeline.js";

const FRAME_MS = 700;
const MY_AR = "names-ar";

export default class RaceView extends SteppedView {
  #client = null;
  #dataset;
  #trainSteps; // the defaults' training steps for a names model
  race = null; // the last api.race result

  #events;

  constructor(root, { frames, text, events }) {
    super();
    this.root = root;
    this.#dataset = text;
    this.#events = events;
    this.#trainSteps = defaultOf("train_steps.names");
    const $ = (s) => root.querySelector(s);
    this.el = { steps: $("#race-steps"), seed: $("#race-seed"), diffusion: $("#race-diffusion"),
                ar: $("#race-ar"), run: $("#race-run"), play: $("#race-play"), step: $("#race-step"),
                reset: $("#race-reset"), clock: $("#race-clock"), message: $("#race-message"),
                arBox: $("#race-ar-box"), diffBox: $("#race-diffusion-box"),
                arCount: $("#race-ar-count"), diffCount: $("#race-diffusion-count"),
                train: $("#race-train"), pause: $("#race-pause"), trainStep: $("#race-train-step") };
    // one choice per pass count the shipped model can use: 1 … its length
    this.el.steps.replaceChildren(...Array.from({ length: frames.info.layout.a_len }, (_, i) =>
      el("option", { value: String(i + 1), textContent: String(i + 1), selected: i + 1 === frames.reveal.steps })));
    root.querySelector("form").addEventListener("submit", (e) => e.preventDefault());
    this.stepper = new Stepper({ last: () => this.last, draw: () => this.#draw(), button: this.el.play, ms: FRAME_MS });
    this.el.run.addEventListener("click", () => this.run());
    this.el.play.addEventListener("click", () => this.play());
    this.el.step.addEventListener("click", () => this.step());
    this.el.reset.addEventListener("click", () => this.reset());
    this.el.train.addEventListener("click", () => this.trainAr());
    this.el.pause.addEventListener("click", () => this.#client.request("pause", { name: MY_AR }));
    this.el.ar.querySelector(`option[value="${MY_AR}"]`).disabled = true;
    const own = this.el.diffusion.querySelector("option[value=names]");
    own.disabled = true; // until the train section has a model
    events.on("own-model", () => { own.disabled = false; });
    this.#enable(false);
    this.show(frames.race, "frames");
  }

  /** Python is ready: race once at once, so the times shown are this worker's. */
  async live(client) {
    this.#client = client;
    this.#enable(true);
    await this.run({ animate: false });
  }

  #enable(on) {
    for (const k of ["run", "steps", "seed", "diffusion", "ar", "train"]) this.el[k].disabled = !on;
  }

  get shown() {
    return this.race;
  }

  get last() {
    return Math.max(this.race.ar_passes, this.race.diffusion_passes);
  }

  /** A new race with the chosen budget, seed and models. */
  async run({ animate = true } = {}) {
    const seed = readNumber(this.el.seed);
    await attempt(this.el.message, async () => {
      const race = await this.#client.call("race", {
        diffusion: this.el.diffusion.value, ar: this.el.ar.value,
        steps: Number(this.el.steps.value), seed,
      });
      this.show(race);
      if (animate) {
        this.reset();
        this.play();
      }
    });
  }

  show(race, source = "live") {
    this.stepper.stop();
    this.race = race;
    this.root.dataset.source = source;
    this.stepper.go(this.last);
    this.#events.announce("race", race);
  }

  #draw() {
    const r = this.race;
    const k = this.frame;
    renderTimeline(this.el.arBox, r.ar, { upto: Math.min(k, r.ar_passes) });
    renderTimeline(this.el.diffBox, r.diffusion, { upto: Math.min(k, r.diffusion_passes) });
    const count = (passes, seconds) => {
      const done = Math.min(k, passes);
      return `${done} of ${passes} passes` + (k >= passes ? ` · done in ${(seconds * 1000).toFixed(1)} ms of Python` : "");
    };
    this.el.arCount.textContent = count(r.ar_passes, r.ar_seconds);
    this.el.diffCount.textContent = count(r.diffusion_passes, r.diffusion_seconds);
    this.el.clock.textContent = `tick ${k} of ${this.last}`;
    Object.assign(this.root.dataset, { frame: String(k), arPasses: String(r.ar_passes),
                                       diffusionPasses: String(r.diffusion_passes) });
  }

  /** Train an AR baseline from scratch on the same names, in chunks, then race with it. */
  async trainAr() {
    this.el.train.disabled = true;
    this.el.pause.disabled = false;
    await attempt(this.el.message, async () => {
      await this.#client.request("reset", { name: MY_AR, task: "names", arch: "ar", text: this.#dataset });
      const r = await this.#client.request("train", { name: MY_AR, steps: this.#trainSteps }, {
        onProgress: (p) => { this.el.trainStep.textContent = `step ${p.step.toLocaleString("en")} · loss ${p.loss.toFixed(3)}`; },
      });
      const option = this.el.ar.querySelector(`option[value="${MY_AR}"]`);
      option.disabled = false;
      option.textContent = `trained here (step ${r.step.toLocaleString("en")})`;
      this.el.ar.value = MY_AR;
      say(this.el.message, `Your AR baseline (step ${r.step.toLocaleString("en")}) is racing now. Press New race.`);
    });
    this.el.train.disabled = false;
    this.el.pause.disabled = true;
  }
}
