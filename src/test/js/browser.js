// What the browser tests share: Debian's Chromium through playwright-core, and WCAG contrast
// measured in the page.
'use strict';
const { chromium } = require('playwright-core');

/** Headless Chromium, Debian's (CHROMIUM overrides the path): no browser download works here. */
function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

/** Text colour against the nearest opaque background, for each selector: WCAG contrast ratios. */
async function contrasts(page, selectors) {
  return page.evaluate(sels => {
    const rgb = s => s.match(/[\d.]+/g).map(Number);
    const lum = ([r, g, b]) => {
      const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const out = {};
    for (const sel of sels) {
      const el = document.querySelector(sel);
      if (!el) { out[sel] = null; continue; }
      let bg = el;
      while (bg && (() => { const c = rgb(getComputedStyle(bg).backgroundColor); return c.length === 4 && c[3] === 0; })()) bg = bg.parentElement;
      const back = bg ? rgb(getComputedStyle(bg).backgroundColor).slice(0, 3) : [255, 255, 255];
      const a = lum(rgb(getComputedStyle(el).color).slice(0, 3));
      const b = lum(back);
      out[sel] = Math.round(100 * (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) / 100;
    }
    return out;
  }, selectors);
}

/** Fails unless every selector is on the page with a contrast of at least 4.5:1 (WCAG AA). */
function assertContrast(found) {
  for (const [sel, ratio] of Object.entries(found)) {
    if (ratio === null) throw new Error(sel + ' is not on the page');
    if (ratio < 4.5) throw new Error(`${sel}: contrast ${ratio}:1, WCAG AA wants 4.5:1`);
  }
}

module.exports = { launch, contrasts, assertContrast };
