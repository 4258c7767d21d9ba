// Presenter mode: keyboard shortcuts for a teacher at the front of a room, a help overlay
// listing them (?), and a large-type projector toggle (p) that this browser remembers.
// Keys are ignored while the reader types in a field, and never override a focused button's
// own Space/Enter.

import * as store from "../store.js";

export const SHORTCUTS = [
  ["?", "show or hide this list"],
  ["p", "projector: large type on or off"],
  ["Space", "section IV: train, or pause a run"],
  ["← / →", "step back or forward through the timeline of the section on screen (I, V, VIII, IX)"],
  ["Home / End", "first or last step of that timeline"],
  ["Esc", "close this list"],
];

const TYPING = "input, textarea, select, [contenteditable]";
const ACTIVE = "button, a, summary, input, textarea, select, [contenteditable]";

export class Presenter {
  constructor(doc, { views, train }) {
    this.doc = doc;
    this.views = views;
    this.train = train;
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

  /** The section nearest the middle of the screen that has a timeline to step through. */
  #timeline() {
    const middle = innerHeight / 2;
    const candidates = [["reveal", this.views.reveal], ["denoise", this.views.denoise],
                        ["race", this.views.race], ["strategies", this.views.lab]];
    let best = null;
    for (const [id, view] of candidates) {
      if (!view) continue;
      const r = this.doc.getElementById(id).getBoundingClientRect();
      const d = r.top <= middle && r.bottom >= middle ? 0 : Math.min(Math.abs(r.top - middle), Math.abs(r.bottom - middle));
      if (!best || d < best.d) best = { id, view, d };
    }
    return best;
  }

  #step(delta, to = null) {
    const t = this.#timeline();
    if (!t) return;
    const { id, view } = t;
    if (id === "denoise") {
      const last = view.timeline.passes.length;
      view.scrubTo(to === null ? Math.min(last, Math.max(0, Number(view.el.scrub.value) + delta)) : to === "end" ? last : 0);
    } else if (id === "strategies") {
      const last = view.shown.passes.length;
      view.scrubTo(to === null ? Math.min(last, Math.max(1, Number(view.el.scrub.value) + delta)) : to === "end" ? last : 1);
    } else {
      // section I and the race: frames 0…last
      if (to === "start" || (delta < 0 && view.frame <= 1)) return view.reset();
      if (to === "end") {
        while (view.frame < view.last) view.step();
        return;
      }
      if (delta > 0) return view.step();
      const target = view.frame - 1;
      view.reset();
      while (view.frame < target) view.step();
    }
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
        const running = this.train.root.dataset.training === "true";
        if (running) this.train.pause();
        else if (!this.train.el.train.disabled) this.train.train();
        else return false;
      },
    }[e.key];
    if (act && act() !== false) e.preventDefault();
  }
}
