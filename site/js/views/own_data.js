// The reader's own data for a model (the train and translate sections): a box to paste a list into, a file
// to open into it, and what a new model trains on — the shipped file, or the reader's list,
// kept in this browser (store.js) so that the next visit trains on it again. The view checks
// the list with pytoy and decides when to train; this holds the list and its controls.
// `root.dataset.dataset` says which list is in use: "shipped" or "own".

import { readFile, say } from "../dom.js";
import * as store from "../store.js";

const MAX_BYTES = 500_000; // far more than a list of names or pairs needs

export class OwnData {
  #root;
  #key;
  #shipped;
  text; // what a new model trains on

  /** The controls are #own-<prefix>-text, -file, -use, -default and -message; `key` is where
   *  store.js keeps the list; `opened` is what to say once a file is in the box. */
  constructor(root, { prefix, key, shipped, opened }) {
    this.#root = root;
    this.#key = key;
    this.#shipped = shipped;
    const $ = (part) => root.querySelector(`#own-${prefix}-${part}`);
    this.el = { text: $("text"), file: $("file"), use: $("use"), shipped: $("default"), message: $("message") };
    this.text = store.load(key) ?? shipped;
    this.el.text.value = this.text;
    this.mark(this.text === shipped ? "shipped" : "own");
    this.el.file.addEventListener("change", () => this.#open(opened));
  }

  /** The list in the box and pytoy's check_data summary of it for `task` (or its message, thrown). */
  async check(client, task) {
    const text = this.el.text.value;
    return { text, summary: await client.call("check_data", { text, task }) };
  }

  /** Keep the list in use in this browser and mark it the reader's; false if storage refused. */
  keep() {
    const saved = store.save(this.#key, this.text);
    this.mark("own");
    return saved;
  }

  /** Back to the shipped list, in the box too, and forgotten in this browser (the view marks it
   *  "shipped" once it has acted on it). */
  unkeep() {
    this.text = this.#shipped;
    this.el.text.value = this.#shipped;
    store.forget(this.#key);
  }

  /** Which list is in use: "shipped" or "own". */
  mark(which) {
    this.#root.dataset.dataset = which;
  }

  say(text, kind = "info") {
    say(this.el.message, text, kind);
  }

  /** `disabled` for the two buttons (the box and the file stay usable). */
  disable(disabled) {
    this.el.use.disabled = disabled;
    this.el.shipped.disabled = disabled;
  }

  /** Put the text of the file the reader picked into the box; it is used once they press. */
  async #open(opened) {
    const file = this.el.file.files[0];
    this.el.file.value = ""; // the same file can be picked again
    if (!file) return;
    try {
      this.el.text.value = await readFile(file, MAX_BYTES);
      this.say(`Opened ${file.name}. ${opened}`);
    } catch (e) {
      this.say(e.message, "error");
    }
  }
}
