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

/** How many of the latest steps' losses the copy kept in this browser holds. A step's loss is
 *  ~19 characters of JSON, and an hour of training is hundreds of thousands of steps: the whole
 *  history would outgrow what a browser lets a page store (~5 million characters) and the save
 *  would then fail. The trainer's own history, the downloaded model and the CSV keep every step;
 *  pytoy counts the steps by `history.steps`, not by the losses kept (pytoy/checkpoint.py). */
export const STORED_STEPS = 10_000;

/** The checkpoint as this browser keeps it: the loss of the latest `keep` steps only. */
export function bounded(ckpt, keep = STORED_STEPS) {
  const loss = ckpt.history?.loss ?? [];
  if (loss.length <= keep) return ckpt;
  const steps = ckpt.history.steps ?? loss.length;
  return { ...ckpt, history: { ...ckpt.history, loss: loss.slice(-keep), steps } };
}

/** A model of the reader's, kept in this browser under `key`; the worker holds it as `name`,
 *  and the page calls it `noun` ("model", "translator"). */
export class KeptModel {
  constructor({ name, key, noun }) {
    this.name = name;
    this.key = key;
    this.noun = noun;
  }

  /** Keep the worker's model in this browser (its loss history bounded: `bounded`). What to
   *  show: `done` if it is kept (saying so when the history was cut), else "Not saved: …" with
   *  the reason (storage refused, or the export failed). */
  async save(client, done) {
    try {
      const ckpt = await client.call("export", { name: this.name });
      const kept = bounded(ckpt);
      const ok = store.save(this.key, kept);
      const cut = kept === ckpt ? "" : ` The saved copy keeps the loss of the latest ${STORED_STEPS.toLocaleString("en")} ` +
        "steps (so the chart after a reload starts there); the trainer, the downloaded model and the loss history (.csv) keep every step.";
      return ok ? done + cut : `Not saved: this browser refused to store the ${this.noun}.`;
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
