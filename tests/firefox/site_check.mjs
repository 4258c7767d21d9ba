// Open the served site in Firefox (WebDriver BiDi, puppeteer-core, the system firefox-esr);
// every request that leaves the site's origin is aborted and recorded. Boot, then through
// window.pytoy.client: train a fresh names model, sample it, translate with the shipped
// translator; print one JSON report on stdout.
//   node tests/firefox/site_check.mjs <site URL> <names.txt> <steps> <word,word,...>
import fs from "node:fs";
import { withFirefoxPage } from "./firefox.mjs";

const [url, namesPath, stepsArg, wordsArg] = process.argv.slice(2);
const origin = new URL(url).origin;
const allowed = (u) => new URL(u).origin === origin || /^(blob|data):/.test(u);
await withFirefoxPage(url, { allowed, timeout: 300000 }, async ({ page, status, ready, errors, refused }) => {
  let run = null;
  if (status === "ready") {
    run = await page.evaluate(async (names, steps, words) => {
      const c = window.pytoy.client;
      await c.request("reset", { name: "ff-site", task: "names", text: names });
      const losses = [], seen = [];
      const result = await c.request("train", { name: "ff-site", steps, chunk: 25 },
        { onProgress: (p) => { losses.push(...p.losses); seen.push(p.step); } });
      const sample = await c.call("sample", { name: "ff-site", n: 1, decode: { seed: 0 } });
      const translated = await c.call("translate", { name: "translate", words, decode: { temperature: 0 } });
      return { losses, seen, result, sample, translated };
    }, fs.readFileSync(namesPath, "utf8"), Number(stepsArg), wordsArg.split(","));
  }
  // a chart is created when it first comes near the viewport: bring each there, then count
  const charts = [];
  for (const chart of ["#loss-chart", "#translate-chart", "#conf-chart", "#sweep-chart"]) {
    await page.evaluate((c) => document.querySelector(c).scrollIntoView(), chart);
    await page.waitForFunction((c) => document.querySelector(c + " canvas"), { timeout: 10_000 }, chart)
      .catch(() => {});
    charts.push(await page.evaluate((c) => document.querySelectorAll(c + " canvas").length, chart));
  }
  const page_ = await page.evaluate(() => ({
    statusText: document.querySelector("#status")?.innerText ?? "",
    failed: document.body.dataset.failed ?? null,
    versions: document.querySelector("#versions")?.textContent ?? "",
    userAgent: navigator.userAgent,
  }));
  page_.charts = charts;
  console.log(JSON.stringify({ status, ready, ...page_, run, errors, foreign: refused }));
});
