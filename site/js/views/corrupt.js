// The corrupt section, "How corruption dissolves a name": a slider for the noise level t, a name from
// the training set (or typed), and the masked positions drawn by api.corrupt_word. "New noise"
// draws again with the next seed. Before Python is ready, frames.json has rahul at t = 0, 0.1, …, 1.

import { el, say } from "../dom.js";
import { SYMBOLS } from "../table.js";

export default class CorruptView {
  #client = null;
  #seed = 0;
  #pre; // frames.json's draws for the default word
  #word;
  #serial = 0;
  result = null;

  constructor(root, { frames }) {
    this.root = root;
    const $ = (s) => root.querySelector(s);
    this.el = { pick: $("#corrupt-pick"), word: $("#corrupt-word"), t: $("#corrupt-t"),
                tOut: $("#corrupt-t-out"), noise: $("#corrupt-noise"), clean: $("#corrupt-clean"),
                noisy: $("#corrupt-noisy"), stats: $("#corrupt-stats"), message: $("#corrupt-message"),
                names: $("#corrupt-names"), count: $("#corrupt-count") };
    this.#pre = frames.corrupt;
    this.#word = frames.word;
    const names = frames.info.train_items;
    this.el.pick.append(...names.map((n) => el("option", { value: n, textContent: n })));
    this.el.pick.value = this.#word;
    this.el.names.append(...names.map((n) => el("li", { textContent: n })));
    this.el.count.textContent = String(names.length);
    this.length = frames.info.layout.a_len;
    this.el.word.maxLength = this.length; // a word longer than the model's row cannot be corrupted
    this.el.t.addEventListener("input", () => this.update());
    this.el.noise.addEventListener("click", () => { this.#seed++; this.update(); });
    this.el.pick.addEventListener("change", () => { this.el.word.value = this.el.pick.value; this.update(); });
    this.el.word.addEventListener("input", () => this.update());
    root.querySelector("form").addEventListener("submit", (e) => e.preventDefault());
    this.update();
  }

  live(client) {
    this.#client = client;
    return this.update();
  }

  get shown() {
    return this.result;
  }

  get t() {
    return Number(this.el.t.value);
  }

  async update() {
    const t = this.t;
    const word = this.el.word.value.trim().toLowerCase();
    this.el.tOut.value = t.toFixed(2);
    const serial = ++this.#serial;
    if (!this.#client) {
      // before Python: the nearest precomputed draw of the default word
      if (word !== this.#word || this.#seed !== 0) return say(this.el.message, "Python is still loading; this updates when it is ready.");
      return this.#show(this.#pre[Math.round(t * 10)]);
    }
    try {
      const r = await this.#client.call("corrupt_word", { name: "shipped", word, t, seed: this.#seed });
      if (serial === this.#serial) this.#show(r);
    } catch (e) {
      if (serial === this.#serial) say(this.el.message, e.message, "error");
    }
  }

  #show(r) {
    this.result = r;
    say(this.el.message, "");
    const cells = (text, masked) => [...text].map((ch, i) =>
      el("span", { className: `tok${ch === SYMBOLS.mask ? " mask" : ""}${ch === SYMBOLS.pad ? " pad" : ""}${masked.has(i) ? " hit" : ""}`, textContent: ch }));
    this.el.clean.replaceChildren(...cells(r.clean, new Set()));
    this.el.noisy.replaceChildren(...cells(r.noisy, new Set(r.masked)));
    this.root.dataset.noisy = r.noisy;
    this.el.stats.textContent = `${r.masked.length} of ${r.clean.length} positions hidden this time; ` +
      `on average t × ${r.clean.length} = ${r.expected_masked.toFixed(2)}. Padding counts too: the ` +
      `model must also learn where a name ends.`;
  }
}
