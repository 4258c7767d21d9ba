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

/**
 * Fetch and parse assets.json; return {url(name), size(name), bytes(names), version}.
 * In the single-file build the map is already in memory (globalThis.pytoyEmbedded.map, or
 * passed here as an object, `embedded: true`): then url(name) is the file's blob: URL and
 * source(name) the URL the file has in the site, which the worker redirects to the blob.
 */
export async function loadAssetMap(mapUrl) {
  if (mapUrl?.embedded) return embeddedAssetMap(withOwnUrls(mapUrl)); // in the worker
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

/** blob: URLs are not shared with a worker on file://: make new ones from the Blobs. */
function withOwnUrls(map) {
  const assets = Object.fromEntries(
    Object.entries(map.assets).map(([n, e]) => [n, { ...e, blob: URL.createObjectURL(e.data) }]),
  );
  return { ...map, assets };
}

function embeddedAssetMap(map) {
  const entry = (name) => {
    const e = map.assets[name];
    if (!e) throw new Error(`the embedded asset map has no entry "${name}"`);
    return e;
  };
  return {
    base: new URL("./", map.href).href,
    pyodideVersion: map.pyodide_version,
    embedded: map,
    url: (name) => entry(name).blob,
    source: (name) => new URL(entry(name).url, map.href).href,
    path: (name) => entry(name).url,
    size: (name) => entry(name).size,
    bytes: (names) => names.reduce((sum, n) => sum + entry(n).size, 0),
  };
}

/** Single-file build, in the worker: fetches of the map's site URLs get the blob: URLs. */
export function redirectFetches(assets) {
  const table = new Map(
    Object.keys(assets.embedded.assets).map((n) => [assets.source(n), assets.url(n)]),
  );
  const original = globalThis.fetch.bind(globalThis);
  globalThis.fetch = (input, init) => {
    const href = input instanceof Request ? input.url : String(input);
    const blob = table.get(href);
    return original(blob ?? input, init);
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
