// The Python worker: a dedicated module Worker that owns Pyodide, so the page never freezes
// while Python computes. Start it as
//   new Worker("js/worker.js?assets=<absolute URL of assets.json>", { type: "module" })
//
// Protocol (all messages are plain objects):
//   page -> worker   {id, type, payload}
//   worker -> page   {id, ok: true, result} | {id, ok: false, error: {type, message}}
//                    {id, event: "progress", payload}   zero or more, before the reply
// Request types:
//   init                        boot Python; progress {stage, label, state, bytes, elapsed, total}
//   call   {fn, args}           run pytoy.api.<fn>(**args) and reply with its result
//   train  {name, steps, chunk} train in chunks; progress after each chunk; the reply is
//                               {step, done, paused} once all steps ran or the run was paused
//   pause  {name}               stop that run after the current chunk; reply {paused, step}
//   reset  {name, ...create}    stop any run, then pytoy.api.create(name, ...) again
//
// Between chunks the train loop yields to the event loop, so pause, sample and any other
// request is answered while a long run is going on.

import { bootPython } from "./boot.js";

// (read at init: in the single file this worker's URL is a blob: URL, against which no relative
// URL resolves, and init brings the asset map itself)
const assetsUrl = () =>
  new URL(self.location.href).searchParams.get("assets") ??
  new URL("../assets.json", import.meta.url).href;

let python = null; // Promise of {call, versions, defaults} once init has been asked for
const runs = new Map(); // model name -> the training run in progress, {stopped}

/** An error raised by Python, carried over with its exception type. */
class PythonError extends Error {
  constructor({ type, message, detail }) {
    super(message);
    this.name = type;
    this.detail = detail;
  }
}

/** The request itself is wrong (unknown type, missing field, init not sent). */
class ProtocolError extends Error {
  constructor(message) {
    super(message);
    this.name = "ProtocolError";
  }
}

// --- calling Python -----------------------------------------------------------------------

/** Wrap pytoy.dispatch.call: JSON in, JSON out; a Python exception becomes a PythonError. */
function jsonCaller(pyCall) {
  return (fn, args = {}) => {
    const reply = JSON.parse(pyCall(fn, JSON.stringify(args)));
    if (!reply.ok) throw new PythonError(reply.error);
    return reply.result;
  };
}

async function ready() {
  if (!python) throw new ProtocolError("Python is not started yet: send init first");
  return python;
}

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

// --- the request types ----------------------------------------------------------------------

const handlers = {
  init(id, { assets } = {}) {
    // assets: the in-memory asset map the single-file page passes (see assets.js)
    python ??= bootPython(assets ?? assetsUrl(), (p) => post({ id, event: "progress", payload: p })).then(
      ({ call, versions }) => {
        const py = jsonCaller(call);
        return { call: py, versions, defaults: py("defaults") };
      },
    );
    return python.then(({ versions }) => ({ versions }));
  },

  async call(id, { fn, args }) {
    if (typeof fn !== "string") throw new ProtocolError("call needs {fn, args}");
    return (await ready()).call(fn, args ?? {});
  },

  async train(id, { name = "names", steps, chunk }) {
    const py = await ready();
    chunk ??= py.defaults.chunk;
    if (!Number.isInteger(steps) || steps < 0) throw new ProtocolError("steps must be an integer ≥ 0");
    if (!Number.isInteger(chunk) || chunk < 1) throw new ProtocolError("chunk must be an integer ≥ 1");
    if (runs.has(name)) throw new ProtocolError(`"${name}" is already training; pause it first`);

    const run = { stopped: false };
    runs.set(name, run);
    let done = 0;
    let step = null;
    try {
      while (done < steps && !run.stopped) {
        const n = Math.min(chunk, steps - done);
        const report = py.call("train_chunk", { name, steps: n }); // blocks this worker only
        done += n;
        step = report.step;
        post({ id, event: "progress", payload: { ...report, done, steps } });
        await nextTask(); // let pause, sample, ... in; a pause sets run.stopped
      }
    } finally {
      runs.delete(name);
    }
    step ??= py.call("info", { name }).step;
    return { step, done, paused: run.stopped };
  },

  async pause(id, { name = "names" } = {}) {
    const py = await ready();
    const run = runs.get(name);
    if (run) run.stopped = true; // the train loop sees this before it posts anything more
    return { paused: Boolean(run), step: py.call("info", { name }).step };
  },

  async reset(id, { name = "names", ...options }) {
    const py = await ready();
    const run = runs.get(name);
    if (run) run.stopped = true;
    return py.call("create", { name, ...options });
  },
};

// --- plumbing -------------------------------------------------------------------------------

function post(message) {
  self.postMessage(message);
}

function describe(err) {
  if (err instanceof Error) {
    const error = { type: err.name, message: err.message };
    if (err.detail) error.detail = err.detail;
    return error;
  }
  return { type: "Error", message: String(err) };
}

self.addEventListener("message", async ({ data }) => {
  const { id, type, payload } = data ?? {};
  try {
    const handler = Object.hasOwn(handlers, type) ? handlers[type] : null;
    if (!handler) throw new ProtocolError(`unknown request type ${JSON.stringify(type)}`);
    post({ id, ok: true, result: await handler(id, payload ?? {}) });
  } catch (err) {
    post({ id, ok: false, error: describe(err) });
  }
});
