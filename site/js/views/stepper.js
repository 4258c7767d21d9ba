// Play / Step / Reset over frames 0…last, shared by the reveal and the race sections:
// one frame per forward pass, drawn by the view. Under prefers-reduced-motion Play shows the
// last frame at once instead of animating.

import { reducedMotion } from "../dom.js";

export class Stepper {
  frame = 0;
  #timer = null;

  /** `last()` is the number of frames after 0; `draw(frame)` shows one; `button` is Play. */
  constructor({ last, draw, button, ms }) {
    Object.assign(this, { last, draw, button, ms });
  }

  play() {
    if (this.#timer) return this.stop();
    if (this.frame >= this.last()) this.frame = 0;
    if (reducedMotion()) return this.go(this.last());
    this.button.textContent = "Stop";
    this.#timer = setInterval(() => (this.frame < this.last() ? this.step() : this.stop()), this.ms);
    this.step();
  }

  step() {
    this.go(Math.min(this.frame + 1, this.last()));
  }

  reset() {
    this.stop();
    this.go(0);
  }

  go(frame) {
    this.frame = frame;
    this.draw(frame);
  }

  stop() {
    clearInterval(this.#timer);
    this.#timer = null;
    this.button.textContent = "Play";
  }
}

/** A view whose frames 0…last a Stepper plays (the reveal section, the race). Its buttons use play,
 *  step and reset; the presenter the view contract's position() and goTo() (sections.js).
 *  A subclass sets `stepper` and `last`. */
export class SteppedView {
  get frame() {
    return this.stepper.frame;
  }

  set frame(k) {
    this.stepper.frame = k;
  }

  play() {
    this.stepper.play();
  }

  step() {
    this.stepper.step();
  }

  reset() {
    this.stepper.reset();
  }

  position() {
    return { at: this.frame, first: 0, last: this.last };
  }

  goTo(frame) {
    this.stepper.stop();
    this.stepper.go(Math.min(this.last, Math.max(0, frame)));
  }
}
