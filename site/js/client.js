// The page's side of the worker protocol (see worker.js): every request becomes a Promise.
//
//   const client = new PythonClient(workerUrl, assetsUrl);
//   client.onFatal = (error) => show(error.message);      // the worker itself broke
//   await client.request("init", {}, { onProgress: (p) => ... });
//   const timelines = await client.call("sample", { name: "names", n: 1 });
//
// No timeouts: a request ends when the worker replies, or when the worker dies (a failed
// script load, an uncaught error), in which case every pending request is rejected, so a
// caller never waits forever.

/** A request the worker answered with {ok: false}; `type` is e.g. "ValueError". */
export class RequestError extends Error {
  constructor({ type, message, detail }) {
    super(message);
    this.name = "RequestError";
    this.type = type;
    this.detail = detail;
  }
}

export class PythonClient {
  #worker;
  #pending = new Map(); // id -> {resolve, reject, onProgress}
  #nextId = 1;
  #dead = null; // the Error that killed the worker, once it has

  /** Called once with an Error if the worker fails as a whole. Set it before the first request. */
  onFatal = () => {};

  /** Sees every message from the worker, in arrival order (for debugging and tests). */
  tap = null;

  constructor(workerUrl, assetsUrl) {
    const url = new URL(workerUrl);
    // The single-file build passes a blob: URL: a classic script (file:// allows no blob:
    // module workers) that takes no query; that worker gets the asset map in init.
    const embedded = url.protocol === "blob:";
    if (!embedded) url.searchParams.set("assets", new URL(assetsUrl).href);
    this.#worker = new Worker(url, { type: embedded ? "classic" : "module" });
    this.#worker.addEventListener("message", (e) => this.#receive(e.data));
    this.#worker.addEventListener("error", (e) => {
      e.preventDefault?.();
      const where = e.filename ? ` (${e.filename.split("/").pop()}:${e.lineno})` : "";
      this.#die(e.message ? `${e.message}${where}` : "the Python worker could not be started");
    });
    this.#worker.addEventListener("messageerror", () =>
      this.#die("a message from the Python worker could not be read"),
    );
  }

  /** Send {type, payload}; resolves with the result, rejects with a RequestError.
   *  `transfer` lists ArrayBuffers in the payload to move to the worker rather than copy. */
  request(type, payload = {}, { onProgress, transfer = [] } = {}) {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, onProgress });
      this.#worker.postMessage({ id, type, payload }, transfer);
    });
  }

  /** Call pytoy.api.<fn>(**args) in the worker. */
  call(fn, args = {}) {
    return this.request("call", { fn, args });
  }

  /** Stop the worker for good (pending requests are rejected). */
  terminate() {
    this.#worker.terminate();
    this.#die("the Python worker was stopped", false);
  }

  #receive(message) {
    this.tap?.(message);
    const entry = this.#pending.get(message.id);
    if (!entry) return; // a late event for a request nobody waits for any more
    if (message.event === "progress") {
      entry.onProgress?.(message.payload);
      return;
    }
    this.#pending.delete(message.id);
    if (message.ok) entry.resolve(message.result);
    else entry.reject(new RequestError(message.error));
  }

  #die(text, fatal = true) {
    if (this.#dead) return;
    this.#dead = new RequestError({ type: "WorkerError", message: text });
    for (const { reject } of this.#pending.values()) reject(this.#dead);
    this.#pending.clear();
    if (fatal) this.onFatal(this.#dead);
  }
}
