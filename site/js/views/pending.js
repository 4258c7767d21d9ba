// Until Python is ready, live controls say so: "Python loading… 4 s" in every element marked
// data-pending, ticking once a second; ready() clears them all.

export class Pending {
  #t0 = performance.now();
  #timer;

  constructor(doc = document) {
    this.nodes = [...doc.querySelectorAll("[data-pending]")];
    this.#tick();
    this.#timer = setInterval(() => this.#tick(), 1000);
  }

  #tick() {
    const s = Math.round((performance.now() - this.#t0) / 1000);
    for (const n of this.nodes) n.textContent = `Python loading… ${s} s (the frames shown were computed when the page was built)`;
  }

  ready() {
    clearInterval(this.#timer);
    for (const n of this.nodes) n.textContent = "";
  }

  fail() {
    this.say("Python did not load: the frames shown were computed when the page was built.");
  }

  /** Stop the clock and show `text` in every pending note instead. */
  say(text) {
    clearInterval(this.#timer);
    for (const n of this.nodes) n.textContent = text;
  }
}
