// What the model believes. At every pass the model gives every position it may write a full
// probability distribution over the vocabulary (the timeline's `probs`: pytoy's untempered
// softmax at that pass's input, `?` removed; the sampler drew its letters from these, shaped
// by the temperature). Under each pass of a timeline a strip shows them: one column per
// position, its most likely symbols stacked, each as tall and as dark as it is probable, grey
// for the rest; a ring marks where that pass committed a letter. Uncertain columns are many
// pale slices; a column the model has made up its mind about is one dark block.
//
// Each strip is one Tab stop; ← → Home End move along it (↑ ↓ to the pass above or below),
// and the focused, hovered or tapped column's exact probabilities are written under the
// timeline. A table of the same numbers is one click away for screen readers.

import { el } from "../dom.js";

const SHOWN = 3; // symbols stacked per column; the rest is "other"
const LISTED = 5; // symbols written out in the detail line
const LETTER_AT = 0.18; // a slice this probable is tall enough to carry its letter

/** [[symbol, p], …] of one position's belief, most probable first, zeros dropped. */
export function ranked(probs, symbols) {
  return probs.map((p, i) => [symbols[i], p]).filter(([, p]) => p > 0).sort((a, b) => b[1] - a[1]);
}

const pct = (p) => `${(100 * p).toFixed(2)}%`;

/** "a 62.13% · e 20.31% · … · 4 others 1.20%": a position's belief in words, to the JSON's precision. */
export function describe(probs, symbols, n = LISTED) {
  const r = ranked(probs, symbols);
  const rest = r.slice(n).reduce((s, [, p]) => s + p, 0);
  const parts = r.slice(0, n).map(([s, p]) => `${s} ${pct(p)}`);
  if (r.length > n) parts.push(`${r.length - n} other${r.length - n === 1 ? "" : "s"} ${pct(rest)}`);
  return parts.join(" · ");
}

/** The strip for one pass: `probs` per position (or null), the row after the pass, what it committed. */
export function beliefStrip(step, pass, symbols) {
  const committed = new Set(step.committed);
  const strip = el("span", { className: "belief-strip", role: "group", dataset: { pass: String(pass) },
                             ariaLabel: `pass ${pass}: what the model believed at each position` });
  step.probs.forEach((probs, i) => {
    const cell = el("span", { className: "belief", role: "img", tabIndex: -1, dataset: { position: String(i) } });
    if (probs === null) {
      cell.classList.add("none");
      cell.ariaLabel = `position ${i + 1}: not written by the model at this pass`;
    } else {
      const r = ranked(probs, symbols);
      const top = r.slice(0, SHOWN);
      const other = 1 - top.reduce((s, [, p]) => s + p, 0);
      for (const [symbol, p] of top) {
        const slice = el("span", { className: "slice", dataset: { symbol, p: String(p) },
                                   textContent: p >= LETTER_AT ? symbol : "" });
        slice.style.setProperty("--p", String(p));
        if (p > 0.55) slice.classList.add("dark"); // light letters on a dark slice
        if (committed.has(i) && step.tokens[i] === symbol) slice.classList.add("chosen");
        cell.append(slice);
      }
      if (other > 0.0005) {
        const rest = el("span", { className: "slice other" });
        rest.style.setProperty("--p", String(other));
        cell.append(rest);
      }
      if (committed.has(i)) cell.classList.add("committed");
      cell.ariaLabel = `position ${i + 1}: ${describe(probs, symbols, SHOWN)}` +
                       (committed.has(i) ? `; committed ${step.tokens[i]}` : "");
    }
    strip.append(cell);
  });
  const first = strip.querySelector(".belief:not(.none)") ?? strip.firstChild;
  if (first) first.tabIndex = 0;
  return strip;
}

/** Keys, hover and taps for every strip in `box`; `say(pass, position)` writes the detail. */
export function wireStrips(box, say) {
  const cells = (strip) => [...strip.querySelectorAll(".belief")];
  const focus = (cell) => {
    const strip = cell.closest(".belief-strip");
    for (const c of cells(strip)) c.tabIndex = c === cell ? 0 : -1;
    cell.focus();
  };
  const show = (cell) => say(Number(cell.closest(".belief-strip").dataset.pass), Number(cell.dataset.position));
  box.addEventListener("focusin", (e) => e.target.matches?.(".belief") && show(e.target));
  box.addEventListener("pointerover", (e) => {
    const cell = e.target.closest?.(".belief");
    if (cell) show(cell);
  });
  box.addEventListener("click", (e) => {
    const cell = e.target.closest?.(".belief");
    if (cell) focus(cell);
  });
  box.addEventListener("keydown", (e) => {
    const cell = e.target.closest?.(".belief");
    if (!cell) return;
    const strip = cell.closest(".belief-strip");
    const row = cells(strip);
    const i = row.indexOf(cell);
    const strips = [...box.querySelectorAll(".belief-strip")].filter((s) => !s.closest(".future"));
    const s = strips.indexOf(strip);
    const to = {
      ArrowLeft: () => row[Math.max(0, i - 1)],
      ArrowRight: () => row[Math.min(row.length - 1, i + 1)],
      Home: () => row[0],
      End: () => row.at(-1),
      ArrowUp: () => cells(strips[Math.max(0, s - 1)])[i],
      ArrowDown: () => cells(strips[Math.min(strips.length - 1, s + 1)])[i],
    }[e.key];
    if (!to) return;
    e.preventDefault(); // the presenter's arrows step the timeline otherwise
    const next = to();
    if (next) focus(next);
  });
}

/** The same beliefs as a table (built when opened): one row per pass, one column per position. */
export function beliefTable(timeline) {
  const details = el("details", { className: "belief-table" }, el("summary", {}, "These beliefs as a table"));
  details.addEventListener("toggle", () => {
    if (!details.open || details.querySelector("table")) return;
    const L = timeline.start.length;
    const head = el("tr", {}, el("th", { scope: "col" }, "pass"),
                    ...Array.from({ length: L }, (_, i) => el("th", { scope: "col" }, `position ${i + 1}`)));
    const rows = timeline.passes.map((step, k) => el("tr", {}, el("th", { scope: "row" }, String(k + 1)),
      ...step.probs.map((probs) => el("td", {}, probs === null ? "—" : describe(probs, timeline.symbols, SHOWN)))));
    details.append(el("table", { className: "compare belief-numbers" },
                      el("caption", {}, "The model's probability for its likeliest symbols at each position, before each pass committed"),
                      el("thead", {}, head), el("tbody", {}, ...rows)));
  }, { once: false });
  return details;
}
