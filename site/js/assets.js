// The asset map: build.py writes assets.json, listing every heavy file by a stable logical
// name ("numpy_wheel", "pyodide.mjs") with its URL (relative to assets.json), size and sha256.
// Resolving URLs against the map's own URL keeps the site working from any sub-path.
// Used by both the page (main.js) and the worker (worker.js).

/** A file could not be fetched; `file` is its path as the site serves it. */
export class MissingFileError extends Error {
  constructor(file, status) {
    super(`could not load ${file} (${status})`);
    this.name = "MissingFileError";
    this.file = file;
    this.status = status;
  }
}

/** What the worker loads (boot.js's stages, and pyodide.js for the single file's classic
 *  worker); the single file hands these to the worker as bytes (see workerAssets). */
export const WORKER_FILES = ["pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm",
  "python_stdlib.zip", "pyodide-lock.json", "numpy_wheel", "pytoy_wheel"];

/**
 * Fetch and parse assets.json; return {url(name), size(name), bytes(names), version}.
 * In the single-file build the map is already in memory (globalThis.pytoyEmbedded.map, or
 * passed here as an object, `embedded: true`): on the page url(name) is the file's blob:
 * URL; in the worker the files come as bytes (content(name)) and url(name) is the URL the
 * file has in the site (source(name)), which the worker's fetch answers from those bytes.
 */
export async function loadAssetMap(mapUrl) {
  if (mapUrl?.embedded) return embeddedAssetMap(mapUrl); // in the worker
  if (globalThis.pytoyEmbedded) return embeddedAssetMap(globalThis.pytoyEmbedded.map);
  const href = new URL(mapUrl, globalThis.location.href).href;
  let response;
  try {
    response = await fetch(href, { cache: "no-cache" });
  } catch (e) {
    throw new MissingFileError(fileName(href), `network error: ${e.message}`);
  }
  if (!response.ok) throw new MissingFileError(fileName(href), httpStatus(response));
  const map = await response.json();

  const entry = (name) => {
    const e = map.assets[name];
    if (!e) throw new Error(`assets.json has no entry "${name}" (rebuild the site)`);
    return e;
  };
  return {
    base: new URL("./", href).href, // the site's root: where assets.json lives
    pyodideVersion: map.pyodide_version,
    url: (name) => new URL(entry(name).url, href).href,
    source: (name) => new URL(entry(name).url, href).href,
    path: (name) => entry(name).url, // as written in the map, for messages
    size: (name) => entry(name).size,
    bytes: (names) => names.reduce((sum, n) => sum + entry(n).size, 0),
  };
}

function embeddedAssetMap(map) {
  const entry = (name) => {
    const e = map.assets[name];
    if (!e) throw new Error(`the embedded asset map has no entry "${name}"`);
    return e;
  };
  const source = (name) => new URL(entry(name).url, map.href).href;
  return {
    base: new URL("./", map.href).href,
    pyodideVersion: map.pyodide_version,
    embedded: map,
    url: (name) => entry(name).blob ?? source(name), // the page: blob: URLs; the worker: site URLs
    source,
    path: (name) => entry(name).url,
    size: (name) => entry(name).size,
    bytes: (names) => names.reduce((sum, n) => sum + entry(n).size, 0),
    content: (name) => entry(name).content, // the worker: the file's bytes (an ArrayBuffer)
  };
}

/**
 * Single file, on the page: the worker's files as bytes, to move to it in init ({map,
 * transfer}). Not as Blobs or blob: URLs: on file:// WebKit's workers can read neither (a
 * fetch of one fails with "Load failed", Blob.arrayBuffer() with NotReadableError), while
 * bytes moved by postMessage work in every engine.
 */
export async function workerAssets(map) {
  const assets = {};
  await Promise.all(WORKER_FILES.map(async (name) => {
    const { blob, data, ...e } = map.assets[name];
    assets[name] = { ...e, type: data.type, content: await data.arrayBuffer() };
  }));
  return { map: { ...map, assets }, transfer: Object.values(assets).map((e) => e.content) };
}

/**
 * Single file, on the page: a classic worker script with Pyodide's own two scripts in front
 * (on file:// WebKit's workers cannot importScripts a blob: URL; the page can compose one).
 */
export async function embeddedWorkerUrl(map, workerUrl) {
  const script = await (await fetch(workerUrl)).blob();
  const parts = ["pyodide.asm.js", "pyodide.js"].flatMap((n) => [map.assets[n].data, "\n;\n"]);
  return URL.createObjectURL(new Blob([...parts, script], { type: "text/javascript" }));
}

/** Single file, in the worker: fetches of the site URLs of the files it was given are
 *  answered from their bytes (each answer a fresh copy), every other fetch goes out. */
export function redirectFetches(assets) {
  const table = new Map(Object.entries(assets.embedded.assets)
    .filter(([, e]) => e.content).map(([n, e]) => [assets.source(n), e]));
  const original = globalThis.fetch.bind(globalThis);
  globalThis.fetch = (input, init) => {
    const href = input instanceof Request ? input.url : String(input);
    const e = table.get(href);
    if (!e) return original(input, init);
    const headers = { "Content-Type": e.type || "application/octet-stream", "Content-Length": String(e.size) };
    return Promise.resolve(new Response(init?.method === "HEAD" ? null : e.content, { status: 200, headers }));
  };
}

/** "HTTP 404 File not found" — the status line of a failed response. */
export function httpStatus(response) {
  return `HTTP ${response.status}${response.statusText ? " " + response.statusText : ""}`;
}

/** Which of these URLs cannot be fetched? Returns a MissingFileError for the first, or null. */
export async function findMissing(urls, base) {
  for (const url of urls) {
    let status = null;
    try {
      const r = await fetch(url, { method: "HEAD", cache: "no-store" });
      if (!r.ok) status = httpStatus(r);
    } catch (e) {
      status = `network error: ${e.message}`;
    }
    if (status) return new MissingFileError(relativePath(url, base), status);
  }
  return null;
}

function fileName(href) {
  return new URL(href).pathname.split("/").pop();
}

/** The path of `url` relative to the site's root `base` (or the full URL if elsewhere). */
function relativePath(url, base) {
  return base && url.startsWith(base) ? url.slice(base.length) : url;
}
