// The glossary's terms in the prose (buildtools/glossary.py writes each as a button and its
// definition, folded, right after it): a click, a tap, Enter or Space opens or closes one;
// Escape closes the open ones and puts focus back on the word; opening one closes the others.

/** Wire every term in `doc`; returns how many there are. */
export function mountGlossary(doc) {
  const words = [...doc.querySelectorAll(".term-word")];
  const definition = (word) => doc.getElementById(word.getAttribute("aria-controls"));
  const show = (word, open) => {
    word.setAttribute("aria-expanded", String(open));
    definition(word).hidden = !open;
  };
  const openOnes = () => words.filter((w) => w.getAttribute("aria-expanded") === "true");
  for (const word of words) {
    word.addEventListener("click", () => {
      const open = word.getAttribute("aria-expanded") !== "true";
      for (const other of openOnes()) show(other, false);
      show(word, open);
    });
  }
  doc.addEventListener("keydown", (e) => {
    if (e.key !== "Escape" || e.defaultPrevented) return;
    const open = openOnes();
    if (!open.length) return;
    for (const w of open) show(w, false);
    if (e.target instanceof Element && e.target.closest(".term")) open[0].focus();
    e.preventDefault(); // the presenter's Escape (its dialog) is not involved: it is closed
  });
  return words.length;
}
