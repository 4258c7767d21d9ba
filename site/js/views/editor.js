// The edit section, "Change the Python": the source of diffusion.corrupt or sampling.schedule in a
// plain textarea; "Run my version" sends it to the worker (api.edit_function: compiled, tried,
// installed there, see pytoy/patching.py) and shows what the function does now, or the
// traceback of what went wrong; "Restore the original" puts the shipped function back.

import { attempt, el, say } from "../dom.js";
import { ref } from "../sections.js";
import { page } from "../table.js";
import { renderTimeline } from "./timeline.js";

const INDENT = "    ";
// what corrupt shows: this many draws of rahul at noise level T; what schedule shows: a name
// decoded in this many passes (the table's page sizes, which the Try-this answers use too)
const DRAWS = page("edit_draws");
const T = page("edit_t");
const PASSES = page("edit_steps");
const EXPLAIN = {
  "diffusion.corrupt": `${DRAWS} draws of the forward process on rahul at t = ${T} (section ${ref("corrupt")}'s slider uses the same call).`,
  "sampling.schedule": `A name decoded in ${PASSES} passes (section ${ref("denoise")} uses the same sampler): how many letters each pass committed.`,
};

export default class EditorView {
  #client = null;
  #sources; // qualname -> shipped source
  #escaped = false; // Esc was pressed: the next Tab leaves the editor

  #events;

  constructor(root, { frames, events }) {
    this.root = root;
    this.#events = events;
    const $ = (s) => root.querySelector(s);
    this.el = { pick: $("#edit-pick"), code: $("#edit-code"), run: $("#edit-run"), restore: $("#edit-restore"),
                status: $("#edit-status"), traceback: $("#edit-traceback"), explain: $("#edit-explain"),
                result: $("#edit-result") };
    this.#sources = { ...frames.sources };
    root.querySelector("form").addEventListener("submit", (e) => e.preventDefault());
    this.el.pick.addEventListener("change", () => this.#load());
    this.el.code.addEventListener("keydown", (e) => this.#key(e));
    this.el.run.addEventListener("click", () => this.run());
    this.el.restore.addEventListener("click", () => this.restore());
    this.edited = new Set();
    this.#load();
  }

  async live(client) {
    this.#client = client;
    for (const q of [...this.el.pick.options].map((o) => o.value)) {
      this.#sources[q] = await client.call("source", { qualname: q }); // the code that runs
    }
    this.el.run.disabled = false;
    this.#load();
    await this.show();
  }

  get qualname() {
    return this.el.pick.value;
  }

  #load() {
    this.el.code.value = this.#sources[this.qualname] ?? "";
    this.el.restore.disabled = !this.#client || !this.edited.has(this.qualname);
    this.el.traceback.hidden = true;
    this.el.explain.textContent = EXPLAIN[this.qualname];
    say(this.el.status, this.edited.has(this.qualname) ? "Your version is running (the box shows the shipped source)." : "");
    if (this.#client) this.show();
  }

  /** Tab indents; Esc then Tab moves focus on, so the editor is no keyboard trap. */
  #key(e) {
    if (e.key === "Escape") {
      this.#escaped = true;
      return;
    }
    if (e.key === "Tab" && !e.shiftKey && !this.#escaped) {
      e.preventDefault();
      const { selectionStart: a, selectionEnd: b, value } = this.el.code;
      this.el.code.value = value.slice(0, a) + INDENT + value.slice(b);
      this.el.code.selectionStart = this.el.code.selectionEnd = a + INDENT.length;
    }
    this.#escaped = false;
  }

  async run() {
    await attempt(this.el.status, async () => {
      const out = await this.#client.call("edit_function", { qualname: this.qualname, source: this.el.code.value });
      this.el.traceback.hidden = out.ok;
      if (!out.ok) {
        this.el.traceback.textContent = out.traceback;
        say(this.el.status, "Not run: your version has an error (below). The previous version is still in place.", "error");
        this.root.dataset.result = "error";
        return;
      }
      this.edited.add(this.qualname);
      this.el.restore.disabled = false;
      this.root.dataset.edited = [...this.edited].join(" ");
      say(this.el.status, `Your version is running: it ${out.tried}.`);
      this.root.dataset.result = "ok";
      this.#events.announce("function-edited", { qualname: this.qualname, edited: true });
      await this.show();
    });
  }

  async restore() {
    await attempt(this.el.status, async () => {
      await this.#client.call("restore_function", { qualname: this.qualname });
      this.edited.delete(this.qualname);
      this.root.dataset.edited = [...this.edited].join(" ");
      this.el.code.value = this.#sources[this.qualname];
      this.el.restore.disabled = true;
      this.el.traceback.hidden = true;
      say(this.el.status, "The shipped version is back.");
      this.#events.announce("function-edited", { qualname: this.qualname, edited: false });
      await this.show();
    });
  }

  /** What the function in place does now, through the same api calls the sections use. */
  async show() {
    await attempt(this.el.status, async () => {
      if (this.qualname === "diffusion.corrupt") {
        const draws = [];
        for (let seed = 0; seed < DRAWS; seed++) {
          draws.push(await this.#client.call("corrupt_word", { name: "shipped", word: "rahul", t: T, seed }));
        }
        this.el.result.replaceChildren(el("ol", { className: "draws" },
          ...draws.map((d) => el("li", { className: "tokens" }, d.noisy))));
        this.el.result.dataset.text = draws.map((d) => d.noisy).join(" ");
      } else {
        const [t] = await this.#client.call("sample", { name: "shipped", n: 1, decode: { steps: PASSES, seed: 0 } });
        renderTimeline(this.el.result, t);
        const counts = t.passes.map((s) => s.committed.length);
        this.el.result.dataset.text = counts.join(" ");
        this.el.explain.textContent = `${EXPLAIN[this.qualname]} Letters committed per pass: ${counts.join(", ")}.`;
      }
    });
  }
}
