// The route through the article: a 10-minute demo, a 50-minute class or everything
// (site/sections.toml's [[route]], written into the page by the build with each section's
// level and minutes). A route folds the sections it does not show: their heading and minutes
// stay, with a button that unfolds one. The route is in the URL (?route=class, left out for
// the default, everything) and kept in this browser, like the settings (settings.js): the URL
// wins, so a teacher's link shows the teacher's route. A link to anything inside a folded
// section (its anchor, a Try this, a term) unfolds that section first, so every anchor works.

import * as store from "./store.js";
import { ROUTES } from "./sections.js";

const KEY = "route";
/** The route of the plain page: the last one, everything, so nothing is folded by default. */
export const DEFAULT_ROUTE = ROUTES.at(-1).id;
const byId = (id) => ROUTES.find((r) => r.id === id);

/** The route for this visit: the URL's ?route= if it names one, else the stored one, else
 *  the default. */
export function readRoute(search) {
  const asked = new URLSearchParams(search).get("route")?.trim();
  if (asked && byId(asked)) return asked;
  const saved = store.load(KEY);
  return typeof saved === "string" && byId(saved) ? saved : DEFAULT_ROUTE;
}

export class RouteView {
  /** Wire the chooser and the sections' fold buttons in `doc`, and show route `id`. */
  constructor(doc, id) {
    this.doc = doc;
    this.chooser = doc.querySelector("#routes");
    this.sections = [...doc.querySelectorAll("main > section.section[data-level]")];
    for (const s of this.sections) {
      const button = doc.createElement("button");
      button.type = "button";
      button.className = "fold";
      button.setAttribute("aria-controls", `${s.id}-body`);
      button.hidden = true;
      button.addEventListener("click", () => this.fold(s, s.dataset.folded !== "true"));
      s.querySelector(".section-meta")?.append(" ", button);
    }
    this.chooser.hidden = false;
    this.chooser.addEventListener("change", (e) => this.choose(e.target.value));
    // a click on a link into a folded part unfolds it before the browser scrolls there
    doc.addEventListener("click", (e) => {
      const link = e.target instanceof Element ? e.target.closest("a[href^='#']") : null;
      if (link) this.reveal(link.hash);
    }, true);
    globalThis.addEventListener("hashchange", () => this.reveal(location.hash, true));
    this.show(id);
    this.reveal(location.hash, true);
  }

  /** The route shown now. */
  get route() {
    return this.current;
  }

  /** The reader picked route `id`: show it, and keep it in the URL and this browser. */
  choose(id) {
    if (!byId(id)) return;
    this.show(id);
    const url = new URL(location.href);
    if (id === DEFAULT_ROUTE) url.searchParams.delete("route");
    else url.searchParams.set("route", id);
    history.replaceState(history.state, "", url);
    store.save(KEY, id);
  }

  /** Fold every section route `id` does not show, unfold the others. */
  show(id) {
    const route = byId(id);
    this.current = id;
    this.doc.body.dataset.route = id;
    for (const input of this.chooser.querySelectorAll("input")) input.checked = input.value === id;
    for (const s of this.sections) {
      const outside = !route.sections.includes(s.id);
      s.querySelector("button.fold").hidden = !outside;
      this.fold(s, outside);
    }
  }

  /** Fold or unfold one section; the table of contents marks the folded ones. */
  fold(section, folded) {
    const body = section.querySelector(".section-body");
    const button = section.querySelector("button.fold");
    body.hidden = folded;
    section.dataset.folded = String(folded);
    button.setAttribute("aria-expanded", String(!folded));
    button.textContent = folded ? "Unfold it" : "Fold it again";
    const entry = this.doc.querySelector(`.toc a[href="#${section.id}"]`)?.closest("li");
    if (entry) entry.dataset.folded = String(folded);
  }

  /** `hash` ("#sweep-table") points into a folded section: unfold it (and open the folded
   *  answer or notes it is in), and (`scroll`) bring the target into view, which the browser
   *  could not do while it was hidden. */
  reveal(hash, scroll = false) {
    if (!hash || hash === "#") return;
    let target;
    try {
      target = this.doc.getElementById(decodeURIComponent(hash.slice(1)));
    } catch {
      return; // a malformed %-escape: not an anchor of ours
    }
    if (!target) return;
    const section = target.closest("section.section[data-folded='true']");
    if (section) this.fold(section, false);
    // a folded answer or the teacher notes: open the <details> the target is, or is in
    let opened = false;
    for (let d = target.closest("details:not([open])"); d; d = d.parentElement?.closest("details:not([open])")) {
      d.open = true;
      opened = true;
    }
    if (scroll && (section || opened)) target.scrollIntoView();
  }
}
