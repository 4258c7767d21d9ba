// Presenter mode: keyboard shortcuts for a teacher at the front of a room, a help overlay
// listing them (?), and a large-type projector toggle (p) that this browser remembers.
// Keys are ignored while the reader types in a field, and never override a focused button's
// own Space/Enter. Sections take part through the view contract (sections.js): ← → Home End
// step the timeline of the section nearest the middle of the screen (views with position()
// and goTo()), Space starts or pauses training in the one nearest the middle whose view has
// toggleRun() (the train section's model, the ablation's pair).

import * as store from "../store.js";

const TYPING = "input, textarea, select, [contenteditable]";
const ACTIVE = "button, a, summary, input, textarea, select, [contenteditable]";

const timelineOf = (m) => typeof m.view.position === "function" && typeof m.view.goTo === "function";
const runnerOf = (m) => typeof m.view.toggleRun === "function";
const numbers = (list) => list.map((m) => m.row.number).join(", ");

/** The help overlay's rows: [key, what it does], naming the sections that take part. */
export function shortcuts(mounted) {
  const timelines = mounted.filter(timelineOf);
  const runners = mounted.filter(runnerOf);
  return [
    ["?", "show or hide this list"],
    ["p", "projector: large type on or off"],
    ...(runners.length ? [["Space", `train, or pause a run, in the section on screen (${numbers(runners)})`]] : []),
    ...(timelines.length ? [
      ["← / →", `step back or forward through the timeline of the section on screen (${numbers(timelines)})`],
      ["Home / End", "first or last step of that timeline"]] : []),
    ["Esc", "close this list"],
  ];
}

export class Presenter {
  /** `mounted`: [{row, root, view}], the sections on the page in reading order. */
  constructor(doc, mounted) {
    this.doc = doc;
    this.timelines = mounted.filter(timelineOf);
    this.runners = mounted.filter(runnerOf);
    this.dialog = doc.querySelector("#help");
    this.toggle = doc.querySelector("#projector-toggle");
    doc.querySelector("#help-open").addEventListener("click", () => this.help());
    doc.querySelector("#help-close").addEventListener("click", () => this.dialog.close());
    this.toggle.addEventListener("click", () => this.projector());
    this.setProjector(store.load("projector") === true);
    doc.addEventListener("keydown", (e) => this.#key(e));
  }

  help() {
    if (this.dialog.open) this.dialog.close();
    else this.dialog.showModal(); // focus moves in; Esc closes and focus returns to the opener
  }

  projector() {
    this.setProjector(!this.doc.documentElement.classList.contains("projector"));
    store.save("projector", this.doc.documentElement.classList.contains("projector"));
  }

  setProjector(on) {
    this.doc.documentElement.classList.toggle("projector", on);
    this.toggle.setAttribute("aria-pressed", String(on));
  }

  /** Of `sections`, the view of the one nearest the middle of the screen (folded ones left out). */
  #nearest(sections) {
    const middle = innerHeight / 2;
    let best = null;
    for (const m of sections) {
      if (m.root.dataset.folded === "true") continue; // its route folded it away
      const r = m.root.getBoundingClientRect();
      const d = r.top <= middle && r.bottom >= middle ? 0 : Math.min(Math.abs(r.top - middle), Math.abs(r.bottom - middle));
      if (!best || d < best.d) best = { view: m.view, d };
    }
    return best?.view ?? null;
  }

  /** The section nearest the middle of the screen that has a timeline to step through. */
  #timeline() {
    return this.#nearest(this.timelines);
  }

  /** Step the timeline on screen by `delta`, or to its "start" or "end". */
  #step(delta, to = null) {
    const view = this.#timeline();
    if (!view) return;
    const { at, first, last } = view.position();
    view.goTo(to === "start" ? first : to === "end" ? last : Math.min(last, Math.max(first, at + delta)));
  }

  #key(e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    const target = e.target instanceof Element ? e.target : null;
    if (target?.closest(TYPING)) return;
    if (this.dialog.open && e.key !== "?") return; // the dialog handles its own keys
    const act = {
      "?": () => this.help(),
      p: () => this.projector(),
      P: () => this.projector(),
      ArrowRight: () => this.#step(+1),
      ArrowLeft: () => this.#step(-1),
      Home: () => this.#step(0, "start"),
      End: () => this.#step(0, "end"),
      " ": () => {
        if (target?.closest(ACTIVE)) return false; // Space presses the focused button instead
        const runner = this.#nearest(this.runners); // the training section on screen
        return runner ? runner.toggleRun() : false;
      },
    }[e.key];
    if (act && act() !== false) e.preventDefault();
  }
}
