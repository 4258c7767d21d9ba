// pytoy single-file loader: embedded blocks -> blob: URLs -> the page's bundle.
//
// buildtools/single_file.py puts this file, byte for byte, into dist/pytoy-explainer.html as
// an inline module script (the file's Content-Security-Policy allows it by its sha256), after
// the data blocks it reads:
//   <script type="application/json" id="pytoy-embedded">  the manifest: for each asset of
//       the site's asset map {entry, type, block}, and {type, block} for the page's bundle
//       and the worker's bundle
//   <script type="application/x-pytoy-gzip-base85" id="pytoy-N" data-n="…">  one file each,
//       gzip-compressed, then base 85; data-n is the gzip's length
// It gives every asset a blob: URL, publishes the in-memory asset map (the shape of
// assets.json, each entry with its blob URL and Blob) and the worker's blob URL as
// globalThis.pytoyEmbedded, then imports the page's bundle, which starts the page as
// js/start.js does on the served site.

const block = (id) => document.getElementById(id);
const manifest = JSON.parse(block("pytoy-embedded").textContent);

// Base 85 (RFC 1924's digits with & < > ` swapped for , . : [ so no block can hold "<"):
// 5 characters per 4 bytes, the last group zero-padded; data-n is the real length.
const DIGITS =
  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%,()*+-;.=:?@^_[{|}~";
const VALUE = new Uint8Array(128);
for (let i = 0; i < 85; i++) VALUE[DIGITS.charCodeAt(i)] = i;

/** The gzip bytes of block `id`; the block leaves the DOM (its text is no longer needed). */
function decode(id) {
  const el = block(id);
  const text = el.textContent;
  const n = Number(el.dataset.n);
  el.remove();
  const out = new Uint8Array((text.length / 5) * 4);
  for (let i = 0, o = 0; i < text.length; i += 5) {
    let v = 0;
    for (let j = 0; j < 5; j++) v = v * 85 + VALUE[text.charCodeAt(i + j)];
    out[o++] = v >>> 24;
    out[o++] = (v >>> 16) & 255;
    out[o++] = (v >>> 8) & 255;
    out[o++] = v & 255;
  }
  return out.subarray(0, n);
}

/** A Blob of the inflated bytes of a gzip stream. */
const inflate = (bytes) =>
  new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).blob();

/** The file embedded as `item` ({type, block}), as a Blob of its type. */
const unpack = async (item) => new Blob([await inflate(decode(item.block))], { type: item.type });

async function start() {
  if (typeof DecompressionStream !== "function") {
    throw new Error("this browser cannot unpack the embedded files (no DecompressionStream)");
  }
  const assets = {};
  await Promise.all(Object.entries(manifest.assets).map(async ([name, item]) => {
    const data = await unpack(item);
    assets[name] = { ...item.entry, blob: URL.createObjectURL(data), data };
  }));
  const href = new URL("assets.json", document.baseURI).href;
  globalThis.pytoyEmbedded = {
    map: { pyodide_version: manifest.pyodide_version, embedded: true, href, assets },
    worker: URL.createObjectURL(await unpack(manifest.worker)), // a classic script
  };
  await import(URL.createObjectURL(await unpack(manifest.page)));
}

start().catch((e) => {
  document.body.dataset.status = "error";
  const status = document.getElementById("status");
  if (status) status.textContent = `Could not unpack this page: ${e.message}`;
  console.error(e);
});
