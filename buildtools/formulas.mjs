// KaTeX at build time for buildtools/formulas.py: formulas in, HTML out, as JSON.
//
//   node buildtools/formulas.mjs <katex's dist/katex.mjs> < formulas.json
//
// stdin is a JSON array of TeX strings, each typeset in display mode (HTML for the eye, MathML
// for screen readers); stdout is {html: [...]} in the same order, or {error: "..."} (exit
// status 1) for the first formula KaTeX refuses. Nothing of KaTeX's JavaScript reaches the page.

import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const katex = (await import(pathToFileURL(process.argv[2]).href)).default;

try {
  const html = JSON.parse(readFileSync(0, "utf8")).map((tex) => katex.renderToString(tex, {
    displayMode: true, throwOnError: true, output: "htmlAndMathml",
  }));
  process.stdout.write(JSON.stringify({ html }));
} catch (e) {
  process.stdout.write(JSON.stringify({ error: String(e?.message ?? e) }));
  process.exitCode = 1;
}
