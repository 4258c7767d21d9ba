// Open the single-file page in Firefox (WebDriver BiDi, puppeteer-core, the system
// firefox-esr) from file:// with every other request aborted; boot, train, sample and
// translate through window.pytoy.client; print one JSON report on stdout.
//   node tests/firefox/bundle_check.mjs <file:// URL> <names.txt> <en-hi.txt> [screenshot.png]
import fs from "node:fs";
import { withFirefoxPage } from "./firefox.mjs";

const [url, namesPath, pairsPath, screenshot] = process.argv.slice(2);
const allowed = (u) => /^(file|blob|data):/.test(u);
await withFirefoxPage(url, { allowed, timeout: 180000 }, async ({ page, status, ready, errors, refused }) => {
  let run = null;
  if (status === "ready") {
    run = await page.evaluate(async (names, pairs) => {
      const c = window.pytoy.client;
      await c.request("reset", { name: "ff", task: "names", text: names });
      const losses = [];
      await c.request("train", { name: "ff", steps: 300, chunk: 100 },
                      { onProgress: (p) => losses.push(...p.losses) });
      const s = await c.call("sample", { name: "ff", n: 1, decode: { seed: 0 } });
      await c.request("reset", { name: "fftr", task: "translate", text: pairs });
      await c.request("train", { name: "fftr", steps: 50, chunk: 50 });
      const t = await c.call("translate", { name: "fftr", words: ["hello"], decode: { temperature: 0 } });
      return { losses, sample: s[0].text, translated: t[0].text };
    }, fs.readFileSync(namesPath, "utf8"), fs.readFileSync(pairsPath, "utf8"));
  }
  if (screenshot) await page.screenshot({ path: screenshot });
  const statusText = await page.evaluate(() => document.querySelector("#status")?.textContent ?? "");
  console.log(JSON.stringify({ status, ready, statusText, run, errors, aborted: refused }));
});
