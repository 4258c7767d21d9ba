// The teacher notes at the end of the page (buildtools/teacher.py prints them, folded): the
// button opens them and prints only them (route.css's print rules follow body[data-print]).

/** Wire the print button in `doc`'s notes; false when the page has no notes. */
export function mountTeacherNotes(doc) {
  const notes = doc.querySelector("#teacher-notes");
  const button = doc.querySelector("#notes-print");
  if (!notes || !button) return false;
  button.addEventListener("click", () => {
    notes.open = true;
    doc.body.dataset.print = "notes";
    globalThis.addEventListener("afterprint", () => delete doc.body.dataset.print, { once: true });
    globalThis.print();
  });
  return true;
}
