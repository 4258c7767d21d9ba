// A denoising timeline, one row per step: the sample starts fully masked (?), and at each
// step the model commits the letters it is most sure of (highlighted). "_" is padding after
// the end of the name. The last line says whether the name was in the training set (or, for a
// translation, whether the question was seen in training and the answer was right).
//
// `upto` (optional) shows only rows 0…upto (0 is the start row); later rows keep their place
// but are hidden, so an animation or a scrubber can reveal them without the layout jumping.

import { SYMBOLS } from "../table.js";
import { beliefStrip, beliefTable, describe, wireStrips } from "./beliefs.js";

const { mask: MASK, pad: PAD } = SYMBOLS;

/** Render `timeline` (one element of api.sample's, api.reveal's or api.translate's result).
 *  `beliefs`: under each pass, the strip of what the model believed before it (beliefs.js);
 *  "compact" for a timeline among several (no explanation until a column is shown). */
export function renderTimeline(root, timeline, { upto = Infinity, verdict = true, beliefs = false } = {}) {
  const last = drawn.get(root);
  if (last?.timeline === timeline && last.verdict === verdict && last.beliefs === beliefs &&
      last.rows.parentNode === root) {
    // the same timeline at another step (a scrubber, an animation): move the marks, keep the
    // rows, so a step costs a few class changes and a focused column keeps its focus
    last.rows.classList.add("stepping"); // its letters settle as a step reaches them (timeline.css)
    mark(last.rows, upto, timeline);
    last.verdictLine?.remove();
    last.verdictLine = verdict && upto >= timeline.passes.length ? verdictLine(timeline) : null;
    if (last.verdictLine) root.append(last.verdictLine);
    return;
  }
  const rows = document.createElement("ol");
  rows.className = "timeline";
  rows.append(row("start", timeline.start, new Set(), new Set(), [], "", timeline.answer_start));
  const strips = beliefs && timeline.symbols && timeline.passes.every((s) => s.probs);
  timeline.passes.forEach((step, i) => {
    const li = row(`step ${i + 1}`, step.tokens, new Set(step.committed), new Set(step.remasked),
                   step.confidence, step.candidates, timeline.answer_start);
    if (strips) li.append(beliefStrip(step, i + 1, timeline.symbols));
    rows.append(li);
  });
  mark(rows, upto, timeline);
  const parts = [rows];
  if (strips) {
    rows.classList.add("with-beliefs");
    const detail = document.createElement("p");
    detail.className = "belief-detail";
    detail.ariaLive = "polite";
    if (beliefs === "compact") detail.classList.add("compact");
    else {
      detail.textContent = "The strips under each step show what the model believed before that pass: " +
        "point at, tap or Tab to a column for its exact probabilities.";
    }
    wireStrips(rows, (pass, position) => {
      const step = timeline.passes[pass - 1];
      Object.assign(detail.dataset, { pass: String(pass), position: String(position) });
      if (step.probs[position] === null) {
        detail.textContent = `Step ${pass}, position ${position + 1}: the model does not write here at this pass.`;
        return;
      }
      const committed = step.committed.includes(position) ? ` It committed ${step.tokens[position]}.` : "";
      detail.textContent = `Step ${pass}, position ${position + 1}, before the pass: ` +
        `${describe(step.probs[position], timeline.symbols)}.${committed}`;
    });
    parts.push(detail, beliefTable(timeline));
  }
  const line = verdict && upto >= timeline.passes.length ? verdictLine(timeline) : null;
  if (line) parts.push(line);
  root.replaceChildren(...parts);
  root.dataset.text = timeline.text;
  drawn.set(root, { timeline, verdict, beliefs, rows, verdictLine: line });
}

/** What each box last drew (renderTimeline's fast path for the same timeline at another step). */
const drawn = new WeakMap();

/** Rows after `upto` are hidden (they keep their place); row `upto` is the current one. */
function mark(rows, upto, timeline) {
  [...rows.children].forEach((li, i) => {
    li.classList.toggle("future", i > upto);
    li.classList.toggle("current", i === Math.min(upto, timeline.passes.length));
  });
}

/** A sampled name's mark (api.sample's `mark`, data.mark) -> [badge class, words]. */
export const MARKS = {
  training: ["seen", "training name"],
  "held-out": ["held-out", "held-out name: not trained on, but in the list"],
  new: ["new", "new: in neither the training names nor the held-out ones"],
};

function verdictLine(timeline) {
  const p = document.createElement("p");
  p.className = "verdict";
  const name = document.createElement("strong");
  name.className = "sampled-name";
  name.textContent = timeline.text;
  p.append(name, " ");
  if ("mark" in timeline) p.append(badge(...MARKS[timeline.mark]));
  else if ("in_training_set" in timeline) {
    p.append(badge(timeline.in_training_set ? "seen" : "new",
                   timeline.in_training_set ? "from the training set" : "new: not in the training set"));
  }
  if ("question" in timeline) {
    p.append(badge(timeline.seen ? "seen" : "new", timeline.seen ? "question seen in training" : "unseen: not in the training set"));
    if (timeline.seen) {
      p.append(" ", badge(timeline.correct ? "ok" : "wrong",
                          timeline.correct ? "correct" : `expected ${timeline.expected}`));
    }
  }
  p.append(` · ${timeline.nfe} model calls`);
  return p;
}

function badge(kind, text) {
  const span = document.createElement("span");
  span.className = `badge ${kind}`;
  span.textContent = text;
  return span;
}

function row(label, tokens, committed, remasked, confidence, candidates = "", answerStart = 0) {
  const li = document.createElement("li");
  li.dataset.tokens = tokens;
  const head = document.createElement("span");
  head.className = "label";
  head.textContent = label;
  const cells = document.createElement("span");
  cells.className = "tokens";
  [...tokens].forEach((ch, i) => {
    const cell = document.createElement("span");
    cell.className = "tok";
    if (i < answerStart) cell.classList.add("fixed");
    if (ch === MASK) cell.classList.add("mask");
    if (ch === PAD) cell.classList.add("pad");
    if (committed.has(i)) cell.classList.add("new");
    if (remasked.has(i)) cell.classList.add("remasked");
    cell.textContent = ch;
    const c = confidence?.[i];
    if (c != null) {
      // confidence as a bar under the letter: the model's probability for it
      cell.dataset.conf = String(c);
      cell.style.setProperty("--conf", String(c));
      cell.classList.add("has-conf");
    }
    if (remasked.has(i)) {
      cell.title = "taken back at this pass: hidden again, to be written anew";
    } else if (ch === MASK && c != null && candidates[i]) {
      // the proposal was drawn at the sampler's temperature: not necessarily the likeliest letter
      cell.title = `proposed "${candidates[i]}", not committed (score ${Math.round(c * 100)}%)`;
    } else if (committed.has(i) && c != null) {
      cell.title = `committed at ${Math.round(c * 100)}% confidence`;
    }
    cells.append(cell);
  });
  li.append(head, cells);
  return li;
}
