// "A model that guesses the original": the network drawn from the model's real
// configuration (api.info: sizes, shapes, parameter count) and the vocabulary. The loss
// formula is static HTML: KaTeX typeset it when the page was built (buildtools/formulas.py),
// so no KaTeX JavaScript runs here.

import { el } from "../dom.js";
import { SYMBOLS } from "../table.js";

/** The section's view (sections.js): everything is drawn from frames.json's model facts. */
export default class ModelView {
  constructor(root, { frames }) {
    this.root = root;
    this.info = frames.info;
    root.querySelector("#model-params").textContent = renderNetwork(root.querySelector("#model-diagram"), frames.info);
    renderVocab(root.querySelector("#model-vocab"), frames.info.vocab);
  }

  live() {} // nothing here changes with Python: the facts are the shipped model's

  get shown() {
    return this.info;
  }
}

const count = (shape) => shape.reduce((a, b) => a * b, 1);

/** A row as the model sees one: a training word padded to the row's length, every third
 *  position from the third hidden ("aarav" -> "aa?av?_" in a row of seven). */
function example(word, length) {
  const row = [...word.padEnd(length, SYMBOLS.pad)].slice(0, length);
  return row.map((ch, i) => (i % 3 === 2 ? SYMBOLS.mask : ch)).join("");
}
const fmt = (n) => n.toLocaleString("en");

export function renderNetwork(root, info) {
  const { config: c, shapes, params } = info;
  const L = c.length;
  const V = c.vocab_size;
  const inputs = L * c.emb + (c.time_input ? 1 : 0);
  const layer = (title, detail, weights) => el("div", { className: "layer" },
    el("strong", {}, title), el("span", {}, detail),
    weights ? el("span", { className: "weights" }, weights) : "");
  const arrow = () => el("div", { className: "arrow", ariaHidden: "true" }, "↓");
  const w = (names) => {
    const n = names.reduce((s, k) => s + count(shapes[k]), 0);
    return `${names.map((k) => `${k} ${shapes[k].join("×")}`).join(" + ")} = ${fmt(n)} weights`;
  };
  root.replaceChildren(
    layer(`${L} positions`, `each one of ${V} symbols, e.g. ${example(info.train_items?.[0] ?? "", L)}`),
    arrow(),
    layer("embedding", `each symbol → ${c.emb} numbers; ${L} × ${c.emb} = ${L * c.emb}` +
          (c.time_input ? `, plus t: ${inputs} inputs` : ""), w(["emb"])),
    arrow(),
    layer(`hidden layer, ${c.hidden} units`, `${c.activation}(inputs · w1 + b1)`, w(["w1", "b1"])),
    arrow(),
    layer(`output, ${L} × ${V} = ${L * V} scores`, "h · w2 + b2, then a softmax per position", w(["w2", "b2"])),
    arrow(),
    layer(`${L} probability lists`, `for each position, how likely each of the ${V} symbols is`),
  );
  root.dataset.params = String(params);
  return `${fmt(params)} parameters in all: every one of them is a number that training adjusts.`;
}

export function renderVocab(root, vocab) {
  const chips = [...vocab.symbols].map((ch) => {
    const kind = ch === SYMBOLS.mask ? "mask" : ch === SYMBOLS.pad ? "pad" : "";
    const title = kind === "mask" ? "mask: a hidden letter" : kind === "pad" ? "padding after the name" : `letter ${ch}`;
    return el("span", { className: `tok chip ${kind}`, textContent: ch, title });
  });
  root.replaceChildren(...chips, el("span", { className: "note" }, ` ${vocab.symbols.length} symbols`));
}
