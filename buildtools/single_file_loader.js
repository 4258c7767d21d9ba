// pytoy single-file loader: embedded blocks -> blob: URLs -> the page's modules.
const block = (id) => document.getElementById(id);
const manifest = JSON.parse(block("pytoy-embedded").textContent);
// Base 85 (RFC 1924's digits with & < > ` swapped for , . : [ so no block can hold "<"):
// 5 characters per 4 bytes, the last group zero-padded; data-n is the real length.
const DIGITS =
  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%,()*+-;.=:?@^_[{|}~";
const VALUE = new Uint8Array(128);
for (let i = 0; i < 85; i++) VALUE[DIGITS.charCodeAt(i)] = i;
function decode(id) {
  const el = block(id), text = el.textContent, n = Number(el.dataset.n);
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
const inflate = (bytes) =>
  new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).blob();
const blobUrl = async (item) =>
  URL.createObjectURL(new Blob([await inflate(decode(item.block))], { type: item.type }));
async function start() {
  if (typeof DecompressionStream !== "function") {
    throw new Error("this browser cannot unpack the embedded files (no DecompressionStream)");
  }
  const urls = {};
  const assets = {};
  await Promise.all(Object.entries(manifest.assets).map(async ([name, item]) => {
    const data = new Blob([await inflate(decode(item.block))], { type: item.type });
    assets[name] = { ...item.entry, blob: URL.createObjectURL(data), data };
  }));
  await Promise.all(manifest.files.map(async (item) => { urls[item.path] = await blobUrl(item); }));
  for (const item of manifest.modules) {
    const text = await (await inflate(decode(item.block))).text();
    const linked = text.replace(/pytoy-embed:([^"'`\s]+)/g, (_, path) => {
      if (!urls[path]) throw new Error(`${item.path}: no embedded ${path}`);
      return urls[path];
    });
    urls[item.path] = URL.createObjectURL(new Blob([linked], { type: "text/javascript" }));
  }
  const href = new URL("assets.json", document.baseURI).href;
  globalThis.pytoyEmbedded = {
    map: { pyodide_version: manifest.pyodide_version, embedded: true, href, assets },
  };
  for (const entry of manifest.entries) await import(urls[entry]);
}
start().catch((e) => {
  document.body.dataset.status = "error";
  const status = document.getElementById("status");
  if (status) status.textContent = `Could not unpack this page: ${e.message}`;
  console.error(e);
});
