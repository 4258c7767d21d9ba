// A denoising timeline, one row per step: the sample starts fully masked (?), and at each
// step the model commits the letters it is most sure of (highlighted). "_" is padding after
// the end of the name. The last line says whether the name was in the training set.

const MASK = "?";
const PAD = "_";

/** Render `timeline` (one element of api.sample's result) into `root`. */
export function renderTimeline(root, timeline) {
  const rows = document.createElement("ol");
  rows.className = "timeline";
  rows.append(row("start", timeline.start, new Set(), new Set(), []));
  timeline.steps.forEach((step, i) => {
    const label = `step ${i + 1}`;
    rows.append(row(label, step.tokens, new Set(step.committed), new Set(step.remasked),
                    step.confidence, step.candidates));
  });

  const verdict = document.createElement("p");
  verdict.className = "verdict";
  const name = document.createElement("strong");
  name.className = "sampled-name";
  name.textContent = timeline.text;
  const badge = document.createElement("span");
  badge.className = timeline.in_training_set ? "badge seen" : "badge new";
  badge.textContent = timeline.in_training_set ? "from the training set" : "new: not in the training set";
  verdict.append(name, " ", badge, ` · ${timeline.nfe} model calls`);

  root.replaceChildren(rows, verdict);
  root.dataset.text = timeline.text;
}

function row(label, tokens, committed, remasked, confidence, candidates = "") {
  const li = document.createElement("li");
  const head = document.createElement("span");
  head.className = "label";
  head.textContent = label;
  const cells = document.createElement("span");
  cells.className = "tokens";
  [...tokens].forEach((ch, i) => {
    const cell = document.createElement("span");
    cell.className = "tok";
    if (ch === MASK) cell.classList.add("mask");
    if (ch === PAD) cell.classList.add("pad");
    if (committed.has(i)) cell.classList.add("new");
    if (remasked.has(i)) cell.classList.add("remasked");
    cell.textContent = ch;
    const c = confidence?.[i];
    if (ch === MASK && c != null && candidates[i]) {
      cell.title = `best guess "${candidates[i]}" (${Math.round(c * 100)}% sure)`;
    } else if (committed.has(i) && c != null) {
      cell.title = `committed at ${Math.round(c * 100)}% confidence`;
    }
    cells.append(cell);
  });
  li.append(head, cells);
  return li;
}
