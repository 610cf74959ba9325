// The demo page in Debian's Chromium, driven by playwright-core; run by DemoBrowserIT.
// Usage: node demo-browser.js http://127.0.0.1:PORT [screenshot.png]
// Two pages as two users: a status set on one shows on the other, a chat message crosses, the
// history is there after a reload, polling shows a higher latency than push, and no page logs
// a console error. Exits 0 with PASS, else 1.
'use strict';
const assert = require('node:assert/strict');
const { chromium } = require('playwright-core');

const base = process.argv[2];
const screenshot = process.argv[3];
const errors = [];

async function open(browser, user) {
  const page = await browser.newPage();
  page.on('console', m => { if (m.type() === 'error') errors.push(`${user}: ${m.text()}`); });
  page.on('pageerror', e => errors.push(`${user}: ${e.message}`));
  await page.goto(base + '/');
  await page.fill('#user', user);
  await page.click('#join');
  await page.waitForSelector('#conn[data-state="open"]');
  return page;
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  try {
    const alice = await open(browser, 'alice');
    const bob = await open(browser, 'bob');

    // presence: each sees the other; bob goes busy and alice sees it
    await alice.waitForSelector('#people li[data-user="bob"][data-status="online"]');
    await bob.waitForSelector('#people li[data-user="alice"][data-status="online"]');
    await bob.selectOption('#status', 'busy');
    await alice.waitForSelector('#people li[data-user="bob"][data-status="busy"]');

    // chat: alice writes, bob reads
    const text = 'hello from alice ' + Date.now();
    await alice.fill('#text', text);
    await alice.click('#chat button');
    await bob.waitForSelector(`#messages li:has-text("${text}")`);

    // after a reload the history is there
    await bob.reload();
    await bob.fill('#user', 'bob');
    await bob.click('#join');
    await bob.waitForSelector('#conn[data-state="open"]');
    await bob.waitForSelector(`#messages li:has-text("${text}")`);

    // push against polling: wait for a few samples of each, then compare medians
    await alice.waitForFunction(() => +document.getElementById('push-count').textContent >= 4
      && +document.getElementById('poll-count').textContent >= 4, null, { timeout: 30000 });
    const push = +(await alice.textContent('#push-median'));
    const poll = +(await alice.textContent('#poll-median'));
    console.log(`medians: push ${push} ms, polling ${poll} ms`);
    assert.ok(poll > push, `polling (${poll} ms) should lag push (${push} ms)`);

    if (screenshot) {
      await alice.screenshot({ path: screenshot, fullPage: true });
    }
    assert.deepEqual(errors, [], 'no console errors');
    console.log('PASS');
  } finally {
    await browser.close();
  }
})().catch(e => { console.error('FAIL', e && e.stack || e, errors); process.exit(1); });
