// The figures the article states about the shipped models and data (buildtools/facts.py,
// computed by pytoy at build time; the build writes them into index.html as
// <script type="application/json" id="pytoy-facts">). Prose a view writes takes its numbers
// from here, as the HTML's {fact:name} do, so no view types a figure pytoy knows.

const node = document.getElementById("pytoy-facts");
if (!node) throw new Error("index.html has no facts table (was the page built with build.py?)");

const FACTS = JSON.parse(node.textContent);

/** fact("names.count") -> "40". */
export function fact(name) {
  if (!(name in FACTS)) throw new Error(`no fact ${name}: add it to buildtools/facts.py`);
  return FACTS[name];
}
