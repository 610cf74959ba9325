// The demo page in Debian's Chromium, driven by playwright-core; run by DemoBrowserIT.
// Usage: node demo-browser.js http://127.0.0.1:PORT [screenshot-prefix]
// Protocol with the Java test over stdin/stdout: prints "RESTART" once chat has history; the test
// restarts the node (a single node: its history and its random dev secret die with it) and the
// script waits for the pages to come back by themselves.
// Checks: nothing usable before joining; inputs labelled, live regions, text contrast (WCAG AA);
// a status set on one page shows on the other, a chat message crosses, the name is remembered
// and the history is there after a reload; polling lags push; after the restart the chat says its
// history was lost and shows new messages, and the poller works again; under 600 px the layout is
// one column without sideways scrolling; Leave forgets the name and the other page sees the user
// go; no page logs a console error (network errors while the node is down excepted).
// DEMO_DEBUG=1 prints every console line of the pages. Exits 0 with PASS, else 1.
'use strict';
const assert = require('node:assert/strict');
const { launch, contrasts, assertContrast } = require('./browser');

const base = process.argv[2];
const shots = process.argv[3];
const errors = [];
let nodeDown = false; // the node is restarting: failed requests are expected then

function watchErrors(page, user) {
  const record = text => {
    if (nodeDown && /Failed to load resource|ERR_CONNECTION_REFUSED|WebSocket connection to .* failed|status of 401/.test(text)) return;
    errors.push(`${user}: ${text}`);
  };
  page.on('console', m => { if (process.env.DEMO_DEBUG) console.log(user + ' console: ' + m.text()); if (m.type() === 'error') record(m.text()); });
  page.on('pageerror', e => record(e.message));
}

async function open(browser, user) {
  const page = await browser.newPage();
  watchErrors(page, user);
  await page.goto(base + '/');
  // nothing to click before joining: the app is hidden, not just greyed
  assert.equal(await page.isHidden('#app'), true, 'the app is hidden before joining');
  assert.equal(await page.isHidden('#status'), true);
  assert.equal(await page.isHidden('#leave'), true);
  await page.getByLabel('Your name', { exact: true }).fill(user);
  await page.click('#join');
  await page.waitForSelector('#conn[data-state="open"]');
  // no backend behind this node: the Rooms card stays hidden once the page asked
  await page.waitForSelector('#rooms[data-backend="no"]', { state: 'attached' });
  assert.equal(await page.isHidden('#rooms'), true, 'no Rooms card without a backend');
  return page;
}

const polls = page => page.evaluate(() => +(document.getElementById('poll-count').dataset.polls || 0));

(async () => {
  const browser = await launch();
  try {
    const alice = await open(browser, 'alice');
    const bob = await open(browser, 'bob');

    // labelled inputs and live regions for screen readers
    assert.equal(await alice.getByLabel('Message', { exact: true }).count(), 1, 'the chat input has a label');
    assert.equal(await alice.getByLabel('My status', { exact: true }).count(), 1, 'the status select has a label');
    assert.equal(await alice.getAttribute('#messages', 'aria-live'), 'polite');
    assert.equal(await alice.getAttribute('#people', 'aria-live'), 'polite');
    assert.equal(await alice.getAttribute('#conn', 'role'), 'status');

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

    // after a reload bob is still bob (the name is remembered) and the history is there
    await bob.reload();
    await bob.waitForSelector('#conn[data-state="open"]');
    assert.equal(await bob.inputValue('#user'), 'bob');
    await bob.waitForSelector(`#messages li:has-text("${text}")`);

    // push against polling: wait for a few samples of each, then compare medians
    await alice.waitForFunction(() => +document.getElementById('push-count').textContent >= 4
      && +document.getElementById('poll-count').textContent >= 4, null, { timeout: 30000 });
    const push = +(await alice.textContent('#push-median'));
    const poll = +(await alice.textContent('#poll-median'));
    console.log(`medians: push ${push} ms, polling ${poll} ms`);
    assert.ok(poll > push, `polling (${poll} ms) should lag push (${push} ms)`);
    assertContrast(await contrasts(alice, ['#conn', 'h2 small', '#messages time', '#messages .from', '.legend .push', '.legend .poll']));
    if (shots) await alice.screenshot({ path: shots + '.png', fullPage: true });

    // the node restarts: history and dev secret are gone; both pages come back by themselves
    nodeDown = true;
    console.log('RESTART');
    await alice.waitForSelector('#conn:not([data-state="open"])', { timeout: 30000 });
    assertContrast(await contrasts(alice, ['#conn']));
    await alice.waitForSelector('#conn[data-state="open"]', { timeout: 60000 });
    await bob.waitForSelector('#conn[data-state="open"]', { timeout: 60000 });
    for (const page of [alice, bob]) {
      await page.waitForSelector('#messages .notice:has-text("history")', { timeout: 15000 });
      assert.equal(await page.locator(`#messages li:has-text("${text}")`).count(), 0, 'the lost messages are gone from the chat');
    }
    assertContrast(await contrasts(bob, ['#messages .notice']));
    // the new numbering starts again at seq 1: the chat must show it, not skip it as seen
    const after = 'after the restart ' + Date.now();
    await alice.fill('#text', after);
    await alice.click('#chat button');
    await bob.waitForSelector(`#messages li:has-text("${after}")`, { timeout: 15000 });
    // the poller's token was signed by the old node: it fetches a new one and polls again
    const before = await polls(alice);
    await alice.waitForFunction(n => +(document.getElementById('poll-count').dataset.polls || 0) >= n + 3, before, { timeout: 30000 });
    nodeDown = false;

    // a narrow screen: one column, nothing wider than the screen, names not squeezed
    await bob.setViewportSize({ width: 420, height: 900 });
    const narrow = await bob.evaluate(() => ({
      columns: getComputedStyle(document.getElementById('app')).gridTemplateColumns.split(' ').length,
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      people: [...document.querySelectorAll('#people li')].map(li => li.getBoundingClientRect().height),
      lineHeight: parseFloat(getComputedStyle(document.getElementById('people')).lineHeight),
    }));
    assert.equal(narrow.columns, 1, 'one column under 600 px: ' + JSON.stringify(narrow));
    assert.ok(narrow.overflow <= 0, 'no sideways scrolling at 420 px: ' + JSON.stringify(narrow));
    assert.ok(narrow.people.every(h => h < 2 * narrow.lineHeight + 8), 'each person on one line: ' + JSON.stringify(narrow));
    if (shots) await bob.screenshot({ path: shots + '-narrow.png', fullPage: true });

    // Leave: alice is forgotten, back at the start, and bob sees her go
    await alice.click('#leave');
    await alice.waitForSelector('#join:not([disabled])');
    assert.equal(await alice.isHidden('#app'), true, 'after Leave the app is hidden again');
    assert.equal(await alice.inputValue('#user'), '', 'the name is forgotten');
    await bob.waitForSelector('#people li[data-user="alice"]', { state: 'detached', timeout: 15000 });

    assert.deepEqual(errors, [], 'no console errors');
    console.log('PASS');
  } finally {
    await browser.close();
  }
})().catch(e => { console.error('FAIL', e && e.stack || e, errors); process.exit(1); });
