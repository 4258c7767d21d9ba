// "Show the Python": every <details class="py" data-source="module.function"> fills itself
// with that function's source the first time it is opened. The text comes from api.source,
// read by inspect inside Pyodide, i.e. the code that actually runs; before Python is ready,
// from frames.json (the same text, read at build time).

export class SourceView {
  #client = null;
  #pre;

  constructor(doc, frames) {
    this.#pre = frames.sources ?? {};
    this.nodes = [...doc.querySelectorAll("details.py[data-source]")];
    for (const d of this.nodes) d.addEventListener("toggle", () => d.open && this.fill(d));
  }

  live(client) {
    this.#client = client;
    for (const d of this.nodes) if (d.open) this.fill(d, true);
  }

  async fill(d, again = false) {
    if (d.dataset.filled === "live" && !again) return;
    const code = d.querySelector("code");
    const name = d.dataset.source;
    if (!this.#client) {
      code.textContent = this.#pre[name] ?? "Python is still loading…";
      d.dataset.filled = "frames";
      return;
    }
    try {
      code.textContent = `# pytoy/${name.split(".")[0]}.py\n` + await this.#client.call("source", { qualname: name });
      d.dataset.filled = "live";
    } catch (e) {
      code.textContent = `Could not read the source: ${e.message}`;
    }
  }
}
