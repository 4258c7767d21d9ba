// What both Firefox drivers share (site_check.mjs, bundle_check.mjs): Debian's firefox-esr
// launched headless over WebDriver BiDi by puppeteer-core (no browser download), one page
// opened with its console errors and page errors recorded and every request that `allowed`
// refuses aborted and recorded, up to the moment the page says it is ready or has failed.
import puppeteer from "puppeteer-core";

/**
 * Open `url` and wait for body[data-status] to be ready or error (at most `timeout` ms); then
 * `work({page, status, ready, errors, refused})`, its result returned: `ready` is the seconds
 * it took, `errors` and `refused` (the aborted URLs) go on filling until Firefox is closed.
 */
export async function withFirefoxPage(url, { allowed, timeout }, work) {
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: process.env.PYTOY_FIREFOX ?? "/usr/bin/firefox-esr",
    headless: true,
    protocol: "webDriverBiDi",
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    const refused = [];
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.setRequestInterception(true);
    page.on("request", (r) => {
      if (allowed(r.url())) r.continue();
      else { refused.push(r.url()); r.abort(); }
    });
    const t0 = Date.now();
    await page.goto(url);
    await page.waitForSelector("body[data-status=ready], body[data-status=error]", { timeout });
    const ready = (Date.now() - t0) / 1000;
    const status = await page.evaluate(() => document.body.dataset.status);
    return await work({ page, status, ready, errors, refused });
  } finally {
    await browser.close();
  }
}
