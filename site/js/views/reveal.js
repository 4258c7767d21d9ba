// "Not one token at a time": the AR model and the diffusion model each produce the
// same word, side by side. Both timelines come from api.reveal (first from frames.json, which
// the build computed with the same code, then live from the worker). Play / Step / Reset walk
// through the passes; the AR model needs one pass per letter, diffusion only a few.

import { SteppedView, Stepper } from "./stepper.js";
import { renderTimeline } from "./timeline.js";

const FRAME_MS = 800;

export default class RevealView extends SteppedView {
  timelines = null; // {ar, diffusion}

  constructor(root, { frames, events }) {
    super();
    this.root = root;
    this.word = frames.word;
    this.steps = frames.reveal.steps;
    const $ = (s) => root.querySelector(s);
    this.el = { play: $("#reveal-play"), step: $("#reveal-step"), reset: $("#reveal-reset"),
                count: $("#reveal-frame"), ar: $("#reveal-ar .timeline-box"),
                diffusion: $("#reveal-diffusion .timeline-box") };
    this.stepper = new Stepper({ last: () => this.last, draw: () => this.#draw(), button: this.el.play, ms: FRAME_MS });
    this.el.play.addEventListener("click", () => this.play());
    this.el.step.addEventListener("click", () => this.step());
    this.el.reset.addEventListener("click", () => this.reset());
    this.el.model = $("#reveal-model");
    this.el.model.disabled = true;
    this.el.model.addEventListener("change", () => this.#switch());
    const own = this.el.model.querySelector("option[value=names]");
    own.disabled = true; // until the train section has a model
    events.on("own-model", () => { own.disabled = false; });
    this.show(frames.reveal, "frames");
  }

  get shown() {
    return this.timelines;
  }

  /** New timelines ({ar, diffusion}, each an api.reveal result); keeps the current frame. */
  show(timelines, source) {
    const first = this.timelines === null;
    this.timelines = timelines;
    if (first) this.frame = this.last; // open on the finished comparison; Play replays it
    this.root.dataset.source = source;
    this.#draw();
  }

  /** Live: ask the worker for both timelines (shipped checkpoints, or the reader's models). */
  async live(client, names = { diffusion: "shipped", ar: "shipped-ar" }) {
    this.client = client;
    this.el.model.disabled = false;
    const [diffusion, ar] = await Promise.all([
      client.call("reveal", { name: names.diffusion, word: this.word, decode: { steps: this.steps } }),
      client.call("reveal", { name: names.ar, word: this.word }),
    ]);
    this.show({ ar, diffusion }, "live");
  }

  /** "Train it yourself": the reader's diffusion model (the train section) replaces the shipped one. */
  async #switch() {
    try {
      await this.live(this.client, { diffusion: this.el.model.value, ar: "shipped-ar" });
      this.root.dataset.model = this.el.model.value;
    } catch (e) {
      this.el.count.textContent = e.message;
    }
  }

  get last() {
    return Math.max(this.timelines.ar.passes.length, this.timelines.diffusion.passes.length);
  }

  #draw() {
    if (!this.timelines) return;
    const { ar, diffusion } = this.timelines;
    renderTimeline(this.el.ar, ar, { upto: this.frame, verdict: false, beliefs: true });
    renderTimeline(this.el.diffusion, diffusion, { upto: this.frame, verdict: false, beliefs: true });
    this.root.dataset.frame = String(this.frame);
    const done = (t) => (this.frame >= t.passes.length ? "done" : `${t.passes.length - this.frame} to go`);
    this.el.count.textContent = `pass ${this.frame} of ${this.last} · AR ${done(ar)}, diffusion ${done(diffusion)}`;
  }
}
