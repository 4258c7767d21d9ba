// Tiny DOM helpers shared by the views.

import { defaultOf } from "./table.js";

/** `el("li", {className: "x"}, "text", child)`: an element with properties and children. */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "dataset") Object.assign(node.dataset, v);
    else node[k] = v;
  }
  node.append(...children);
  return node;
}

/** Show `text` in a message paragraph; kind is "info" or "error". */
export function say(node, text, kind = "info") {
  node.textContent = text;
  node.className = `message ${kind}`;
}

/** Run `work`, showing its error (a one-line message from Python) in `node` instead of
 *  letting it escape as an unhandled rejection. Clears the old message first, unless `clear`
 *  is false (the message stays until there is an error to show). */
export async function attempt(node, work, { clear = true } = {}) {
  if (clear) say(node, "");
  try {
    await work();
  } catch (e) {
    say(node, e.message, "error");
  }
}

/** The number in an input, clamped to the bounds the build gave it (from pytoy's table); an
 *  empty or unreadable box gives `fallback`, by default the default of the setting the input
 *  shows (`data-setting="decode.steps"`). Rounded when the input's step is a whole number.
 *  The box then shows the value used. */
export function readNumber(node, fallback = defaultOf(node.dataset.setting)) {
  const x = Number(node.value);
  const lo = node.min === "" ? -Infinity : Number(node.min);
  const hi = node.max === "" ? Infinity : Number(node.max);
  let v = node.value.trim() === "" || !Number.isFinite(x) ? fallback : Math.min(hi, Math.max(lo, x));
  if (Number.isInteger(Number(node.step))) v = Math.round(v);
  node.value = String(v);
  return v;
}

/**
 * Let the browser run other tasks (input, rendering, the worker's messages) before going on,
 * so that drawing much is many short tasks, not one long one (drawing the page was 0.7 s in
 * Chromium and 2 s in WebKit as one task). Not setTimeout: a background tab throttles it.
 */
export function nextTask() {
  if (globalThis.scheduler?.yield) return globalThis.scheduler.yield();
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

export const reducedMotion = () => matchMedia("(prefers-reduced-motion: reduce)").matches;

/** Save `text` as a file called `filename` (a Blob behind a temporary link). */
export function download(filename, text, type = "application/json") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el("a", { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The text of a file the reader picked, refusing files too large to be what we asked for. */
export async function readFile(file, maxBytes = 2_000_000) {
  if (file.size > maxBytes) throw new Error(`${file.name} is ${(file.size / 1e6).toFixed(1)} MB; the limit is ${maxBytes / 1e6} MB`);
  return file.text();
}
