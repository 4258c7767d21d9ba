// The loading line under the section title: one row per boot stage, ticking while it runs,
//   Loading Python runtime… 3.2 s, 13.8 MB
//   ✓ Python runtime 3.9 s, 13.8 MB
// then a closing "Ready" line, or a clear error message if anything fails.

const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const secs = (s) => `${s.toFixed(1)} s`;

export class LoadingView {
  #list;
  #rows = new Map(); // stage -> {li, started, bytes, label}
  #timer = null;

  constructor(root) {
    this.root = root;
    this.#list = document.createElement("ol");
    this.#list.className = "stages";
    const starting = document.createElement("li");
    starting.className = "running starting";
    starting.textContent = "Starting the Python worker…";
    this.#list.append(starting);
    root.replaceChildren(this.#list);
  }

  /** A progress event from the worker's init: {stage, label, state, bytes, elapsed, total}. */
  update({ stage, label, state, bytes, elapsed }) {
    this.#list.querySelector(".starting")?.remove();
    let row = this.#rows.get(stage);
    if (!row) {
      const li = document.createElement("li");
      this.#list.append(li);
      row = { li, label, bytes, started: performance.now() };
      this.#rows.set(stage, row);
    }
    if (state === "start") {
      row.li.className = "running";
      this.#tick();
      this.#timer ??= setInterval(() => this.#tick(), 100);
    } else {
      row.done = elapsed;
      row.li.className = "done";
      row.li.textContent = `✓ ${label} ${secs(elapsed)}, ${mb(bytes)}`;
    }
  }

  /** Everything loaded: say how long it took and stop the clock. */
  ready(totalSeconds, versions) {
    this.#stop();
    const li = document.createElement("li");
    li.className = "done ready";
    li.textContent = `Ready in ${secs(totalSeconds)}: Python ${versions.python}, NumPy ${versions.numpy}.`;
    this.#list.append(li);
  }

  /** Something failed: show the message prominently; the page stays usable to read. */
  fail(message) {
    this.#stop();
    const now = performance.now();
    for (const row of this.#rows.values()) {
      if (row.done !== undefined) continue;
      row.li.className = "failed";
      row.li.textContent = `✗ ${row.label} failed after ${secs((now - row.started) / 1000)}`;
    }
    this.#list.querySelector(".starting")?.remove();
    const p = document.createElement("p");
    p.className = "error";
    p.setAttribute("role", "alert");
    p.textContent = message;
    this.root.append(p);
  }

  #tick() {
    const now = performance.now();
    for (const row of this.#rows.values()) {
      if (row.done !== undefined) continue;
      const s = (now - row.started) / 1000;
      row.li.textContent = `Loading ${row.label}… ${secs(s)}, ${mb(row.bytes)}`;
    }
  }

  #stop() {
    clearInterval(this.#timer);
    this.#timer = null;
  }
}
