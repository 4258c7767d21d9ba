// The JavaScript lint, as ruff is for the Python: tests/test_lint_js.py runs
//   node tests/lint/node_modules/eslint/bin/eslint.js --config tests/lint/eslint.config.mjs .
// from the repository's root (`bash scripts/setup.sh` installs the pinned eslint here), so the
// patterns below are relative to the root. ESLint's recommended rules, plus a few that catch
// real bugs; nothing about layout or style. Each folder gets the globals of where it runs, so
// no-undef catches, say, `document` in code that runs in the worker.

import js from "@eslint/js";
import globals from "globals";

/** What both a page and a worker have: for modules that run in either. */
const pageAndWorker = Object.fromEntries(
  Object.entries(globals.browser).filter(([name]) => Object.hasOwn(globals.worker, name)),
);

const WORKER = ["site/js/worker.js", "site/js/boot.js"];
const SHARED = ["site/js/assets.js"];

export default [
  // build output and caches, not sources (node_modules is left out by default)
  { ignores: ["dist/", "build/", ".cache/"] },
  js.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: "error" },
    languageOptions: { ecmaVersion: "latest", sourceType: "module", globals: {} },
    rules: {
      "no-unused-vars": ["error", { ignoreRestSiblings: true }],
      eqeqeq: ["error", "always", { null: "ignore" }], // `x == null` is the one loose test allowed
      "prefer-const": "error",
      "no-var": "error",
      "array-callback-return": "error",
      "no-constructor-return": "error",
      "no-self-compare": "error",
      "no-template-curly-in-string": "error",
      "no-unmodified-loop-condition": "error",
      "no-unreachable-loop": "error",
      "no-throw-literal": "error",
      "no-implied-eval": "error",
    },
  },
  // The page: every module under site/js runs in the page but the Python worker's (worker.js
  // and boot.js, which only it imports) and assets.js, which both import. (Globals of objects
  // that match one file add up, so each file is in one of these three.)
  {
    files: ["site/js/**/*.js"],
    ignores: [...WORKER, ...SHARED],
    languageOptions: { globals: globals.browser },
  },
  { files: WORKER, languageOptions: { globals: globals.worker } },
  { files: SHARED, languageOptions: { globals: pageAndWorker } },
  // the benchmarks: their workers; the original trainer runs in a page and in Node alike
  { files: ["bench/*_worker.js"], languageOptions: { globals: globals.worker } },
  { files: ["bench/original_trainer.js"], languageOptions: { globals: globals["shared-node-browser"] } },
  // the build's scripts for the page (the single file's loader runs in the page)
  { files: ["buildtools/**/*.js"], languageOptions: { globals: globals.browser } },
  // Node programs (the build's esbuild driver, this config); the Firefox drivers also pass
  // functions that run in the page (page.evaluate)
  { files: ["tests/lint/*.mjs", "buildtools/**/*.mjs"], languageOptions: { globals: globals.node } },
  {
    files: ["tests/firefox/*.mjs"],
    languageOptions: {
      globals: { ...globals.node, window: "readonly", document: "readonly", navigator: "readonly" },
    },
  },
];
