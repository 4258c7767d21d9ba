// Number formatting that never throws for an unusual navigator.language.
//
// uPlot (vendored from npm, not edited) runs `new Intl.NumberFormat(navigator.language)` when
// its module is evaluated. Some browsers report a language tag Intl refuses: WebKitGTK under
// LANG=C says "c", and Intl.NumberFormat("c") throws a RangeError ("invalid language tag"),
// so the chart library would fail to load. Before it loads, guardLanguage() checks the tag;
// only if Intl refuses it does this page's navigator.language read FALLBACK_LOCALE instead
// (an own property on this page's navigator object, shadowing the browser's getter). A tag
// Intl accepts ("de-DE", "hi-IN", …) is left alone, so readers keep their own number format.

export const FALLBACK_LOCALE = "en-US";

/** True if Intl can format numbers for `tag` (undefined means the runtime's default). */
export function usableLocale(tag) {
  try {
    new Intl.NumberFormat(tag);
    return true;
  } catch {
    return false;
  }
}

/**
 * Make navigator.language a tag Intl accepts. Returns null if it already was, else
 * {was, now}: the refused tag and the locale used instead. Never throws: if the browser does
 * not let the page shadow the property, the chart library's own failure is caught where it
 * loads (charts.js) and only the charts are lost.
 */
export function guardLanguage(nav = globalThis.navigator) {
  const was = nav?.language;
  if (was === undefined || usableLocale(was)) return null;
  try {
    Object.defineProperty(nav, "language", { configurable: true, enumerable: true, get: () => FALLBACK_LOCALE });
  } catch {
    return { was, now: was };
  }
  return { was, now: nav.language };
}
