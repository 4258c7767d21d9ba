// The footer's "Copy link" and "Forget my settings": the settings travel in the URL
// (settings.js), so the link is simply this page's address, hash included.

import { say } from "../dom.js";
import { forgetSettings } from "../settings.js";

export function mountShare(root) {
  const $ = (s) => root.querySelector(s);
  const message = $("#share-message");
  $("#share-copy").addEventListener("click", async () => {
    const link = location.href;
    try {
      await navigator.clipboard.writeText(link);
      say(message, "Link copied: it opens this page with your settings.");
    } catch {
      // No clipboard (an insecure origin such as file://, or permission refused): show it.
      say(message, `Copy this link: ${link}`);
    }
    message.dataset.link = link;
  });
  $("#share-forget").addEventListener("click", () => {
    const ok = forgetSettings();
    say(message, ok ? "Forgotten: the next visit starts from the defaults (or the link's settings)."
                    : "This browser does not let the page store anything, so there was nothing to forget.");
  });
}
