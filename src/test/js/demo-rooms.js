// The demo page's Rooms card in Debian's Chromium, against a node whose proxies point at the
// reference backend (examples/backend); run by ReferenceBackendIT.
// Usage: node demo-rooms.js http://127.0.0.1:PORT
// Checks: the card shows when the node has a backend; the invite-only room is refused with
// the backend's reason; a room the backend lets the user into is subscribed (the subscribe proxy
// grants it, and its topic comes from rt.session's channelData); a message crosses to a second
// page stamped by the publish proxy; a banned word is refused with the backend's reason and never
// shown; labelled inputs, AA contrast, no console errors. Exits 0 with PASS, else 1.
'use strict';
const assert = require('node:assert/strict');
const { launch, contrasts, assertContrast } = require('./browser');

const base = process.argv[2];
const errors = [];

async function open(browser, user) {
  const page = await browser.newPage();
  page.on('console', m => { if (m.type() === 'error') errors.push(`${user}: ${m.text()}`); });
  page.on('pageerror', e => errors.push(`${user}: ${e.message}`));
  await page.goto(base + '/');
  await page.getByLabel('Your name', { exact: true }).fill(user);
  await page.click('#join');
  await page.waitForSelector('#conn[data-state="open"]');
  await page.waitForSelector('#rooms[data-backend="yes"]', { state: 'visible' }); // the backend answered the probe
  return page;
}

async function joinRoom(page, room) {
  await page.getByLabel('Room', { exact: true }).fill(room);
  await page.click('#room-join button');
}

(async () => {
  const browser = await launch();
  try {
    const cleo = await open(browser, 'cleo');
    const dina = await open(browser, 'dina');
    assert.equal(await cleo.getByLabel('Message to the room', { exact: true }).count(), 1, 'the room input has a label');

    await joinRoom(cleo, 'vip');
    await cleo.waitForSelector('#room-status:has-text("vip is invite-only")');
    assert.equal(await cleo.isHidden('#room-chat'), true, 'no room, nothing to send to');

    await joinRoom(cleo, 'garden');
    await cleo.waitForSelector('#room-status:has-text("in room garden: Room garden, 1 member(s)")');
    await joinRoom(dina, 'garden');
    await dina.waitForSelector('#room-status:has-text("in room garden: Room garden, 2 member(s)")');

    const text = 'seeds at five ' + Date.now();
    await cleo.fill('#room-text', text);
    await cleo.click('#room-chat button');
    await dina.waitForSelector(`#room-messages li:has-text("cleo: ${text} ✓")`); // ✓: the publish proxy stamped it

    await dina.fill('#room-text', 'cheap spam here');
    await dina.click('#room-chat button');
    await dina.waitForSelector('#room-status:has-text("the backend refused that message")');
    assert.match(await dina.textContent('#room-status'), /"spam" is not allowed here/);
    await cleo.fill('#room-text', 'and after?');
    await cleo.click('#room-chat button');
    await dina.waitForSelector('#room-messages li:has-text("cleo: and after?")');
    assert.equal(await dina.locator('#room-messages li:has-text("spam")').count(), 0, 'the refused message was never delivered');

    assertContrast(await contrasts(cleo, ['#room-status', '#rooms h2 small', '#room-messages li']));
    assert.deepEqual(errors, [], 'no console errors');
    console.log('PASS');
  } finally {
    await browser.close();
  }
})().catch(e => { console.error(e); console.log(errors.join('\n')); process.exit(1); });
