// esbuild's JavaScript API for buildtools/bundle.py: build options in, bundles out, as JSON.
//
//   node buildtools/bundle.mjs <esbuild-wasm's lib/main.js> < builds.json
//
// stdin is a JSON array of esbuild build options (plain data: no plugins). Nothing is written
// to disk: stdout is one JSON object, {results: [{text, inputs, warnings}, …]} in the order of
// the builds, or {errors: [{file, line, column, text}, …]} (exit status 1) for the first build
// that failed. One process runs every build, so esbuild's WebAssembly compiles once.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const esbuild = createRequire(import.meta.url)(process.argv[2]);

/** esbuild's messages as plain records, for the build's one-line errors and warnings. */
const plain = (messages) => messages.map(({ location, text }) => ({
  file: location?.file ?? null, line: location?.line ?? null, column: location?.column ?? null,
  text,
}));

async function run(builds) {
  const results = [];
  for (const options of builds) {
    const result = await esbuild.build({
      ...options, write: false, metafile: true, logLevel: "silent",
    });
    if (result.outputFiles.length !== 1) {
      throw new Error(`expected one output file, got ${result.outputFiles.length}`);
    }
    results.push({
      text: result.outputFiles[0].text,
      inputs: Object.keys(result.metafile.inputs),
      warnings: plain(result.warnings),
    });
  }
  return results;
}

try {
  const results = await run(JSON.parse(readFileSync(0, "utf8")));
  process.stdout.write(JSON.stringify({ results }));
} catch (e) {
  const errors = e.errors?.length ? plain(e.errors) : plain([{ text: String(e?.message ?? e) }]);
  process.stdout.write(JSON.stringify({ errors }));
  process.exitCode = 1;
} finally {
  esbuild.stop();
}
