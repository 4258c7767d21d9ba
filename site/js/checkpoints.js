// A model's checkpoint (the CLI's JSON: config, vocabulary, weights, loss history) out of the
// worker and back in: kept in this browser (store.js) from one visit to the next, or
// downloaded as a file that `python3 -m pytoy` reads.

import { download } from "./dom.js";
import * as store from "./store.js";

/** Download the worker's model `name` as its checkpoint file, named by `filename()` once the
 *  checkpoint has arrived (so a step in the name is the one reached by then). */
export async function downloadModel(client, name, filename) {
  const ckpt = await client.call("export", { name });
  download(filename(), JSON.stringify(ckpt));
}

/** A model of the reader's, kept in this browser under `key`; the worker holds it as `name`,
 *  and the page calls it `noun` ("model", "translator"). */
export class KeptModel {
  constructor({ name, key, noun }) {
    this.name = name;
    this.key = key;
    this.noun = noun;
  }

  /** Keep the worker's model in this browser. What to show: `done` if it is kept, else
   *  "Not saved: …" with the reason (storage refused, or the export failed). */
  async save(client, done) {
    try {
      const ok = store.save(this.key, await client.call("export", { name: this.name }));
      return ok ? done : `Not saved: this browser refused to store the ${this.noun}.`;
    } catch (e) {
      return `Not saved: ${e.message}`;
    }
  }

  /** The model kept by an earlier visit, loaded into the worker: its info (api.load), or null
   *  if none is kept. Throws pytoy's message if it cannot be loaded (see `unreadable`), e.g.
   *  when it is not what `expect` says (api.load refuses, and the stored model stays). */
  async restore(client, expect = {}) {
    const ckpt = store.load(this.key);
    if (!ckpt) return null;
    return client.call("load", { name: this.name, ckpt, ...expect }); // expect: {task, arch, dataset}
  }

  /** Whether this browser keeps one (without loading it). */
  has() {
    return store.has(this.key);
  }

  /** What to show when the kept model could not be loaded, and what the page does `instead`. */
  unreadable(error, instead) {
    return `Your saved ${this.noun} could not be loaded (${error.message}); ${instead}.`;
  }

  forget() {
    store.forget(this.key);
  }
}
