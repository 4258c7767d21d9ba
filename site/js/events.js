// How the sections react to each other: the one way. A view announces an event on the page's
// bus (ctx.events); any other view may listen. Every event is listed here with what it carries,
// so every link between sections is in one place; a section alone (?section=…) simply hears
// nothing from the sections that are not on the page.

export const EVENTS = {
  // section "train" has the reader's own names model in the worker, under the name "names"
  "own-model": "{step, data, length}: the reader's model, how far it has trained, on which list, its row length",
  // section "race" shows a race (section "limits" counts its passes and streaming)
  race: "the api.race result shown",
  // section "edit" installed a reader's version of a pytoy function (edited: true) or put the
  // shipped one back (false); section "train" drops a floor computed for the shipped masking
  "function-edited": "{qualname, edited}",
};

export class Events {
  #target = new EventTarget();

  announce(name, detail) {
    if (!(name in EVENTS)) throw new Error(`unknown event ${name}: add it to EVENTS in events.js`);
    this.#target.dispatchEvent(new CustomEvent(name, { detail }));
  }

  /** Call `listener(detail)` on every announcement of `name`. */
  on(name, listener) {
    if (!(name in EVENTS)) throw new Error(`unknown event ${name}: add it to EVENTS in events.js`);
    this.#target.addEventListener(name, (e) => listener(e.detail));
  }
}
