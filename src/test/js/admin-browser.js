// The admin console in Debian's Chromium (playwright-core), with a user on the official client in
// Node; run by AdminIT. Usage: node admin-browser.js http://127.0.0.1:PORT [screenshot.png]
// (HERALD_TEST_SECRET signs the tokens). Checks: nothing of the console without a service token
// (a user's token is refused at sign-in); signed in, it shows the nodes, the user online and the
// channel with its member; a publish from the console reaches the user; Disconnect closes the
// user's connection (4403) and takes the user off the list; Revoke does too; the badge's contrast
// is AA; signing out ends the session; no console errors. Exits 0 with PASS, else 1.
'use strict';
const assert = require('node:assert/strict');
const { launch, contrasts, assertContrast } = require('./browser');
const EventBus = require('@vertx/eventbus-bridge-client.js');
const tokens = require('./service-token');

const base = process.argv[2];
const screenshot = process.argv[3];
const errors = [];

/**
 * A user on the official client, registered on a channel; resolves once registered, with
 * promises of the first message on the channel and of the close (the err frame's code, else
 * 'closed').
 */
function user(sub, channel) {
  const token = tokens.sign({ sub, channels: [channel] });
  const eb = new EventBus(base + '/eventbus?token=' + encodeURIComponent(token));
  let closedWith, received;
  const closed = new Promise(resolve => { closedWith = resolve; });
  const message = new Promise(resolve => { received = resolve; });
  eb.onerror = e => { if (e && e.body === 'closed') closedWith(e.failureCode); };
  eb.onclose = () => closedWith('closed');
  return new Promise((resolve, reject) => {
    eb.onopen = () => {
      eb.registerHandler('rt.channel.' + channel, (err, m) => { if (!err) received(m.body); });
      // a request after the register frame: answered once the register is in effect
      eb.send('rt.channel.members', { channel }, (err) => err ? reject(err) : resolve({ eb, message, closed }));
    };
  });
}

(async () => {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    page.on('console', m => { if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) errors.push(m.text()); });
    page.on('pageerror', e => errors.push(e.message));
    page.on('dialog', d => d.accept());

    // nothing of the console without a service token
    const first = await page.goto(base + '/admin');
    assert.equal(first.status(), 401);
    assert.equal(await page.locator('#users').count(), 0, 'no console before signing in');
    await page.fill('#token', tokens.sign({ sub: 'not-a-service' }));
    await page.click('#signin');
    await page.waitForSelector('.reason:has-text("service")');
    assert.equal(await page.locator('#users').count(), 0, 'a user token does not open the console');

    await page.fill('#token', tokens.sign({ sub: 'ops', roles: ['service'] }));
    await page.click('#signin');
    await page.waitForSelector('#conn[data-state="open"]');
    await page.waitForSelector('#nodes tbody tr[data-node]');
    const nodes = await page.locator('#nodes tbody tr').count();

    // a user online in a channel shows up
    const alice = await user('adm-alice', 'adm.room');
    await page.waitForSelector('#users tr[data-user="adm-alice"]', { timeout: 15000 });
    await page.waitForSelector('#channels tr[data-channel="adm.room"] td:nth-child(3):text-is("1")', { timeout: 15000 });

    // publish from the console reaches her
    await page.fill('#publish-channel', 'adm.room');
    await page.fill('#publish-data', '{"hello": "from the console"}');
    await page.click('#publish-send');
    await page.waitForSelector('#result:has-text("published to adm.room as seq 1")');
    const m = await within(alice.message, 'the message at the user');
    assert.deepEqual(m.data !== undefined ? m.data : m[1], { hello: 'from the console' });
    await page.waitForSelector('#channels tr[data-channel="adm.room"] td:nth-child(2):text-is("1")');

    // disconnect: her connection is closed for good (4403) and she leaves the list
    await page.click('#users tr[data-user="adm-alice"] button:has-text("Disconnect")');
    assert.equal(await within(alice.closed, 'the user disconnected'), 4403, 'closed with 4403');
    await page.waitForSelector('#users tr[data-user="adm-alice"]', { state: 'detached', timeout: 15000 });

    // revoke: the same for a user who came back
    const back = await user('adm-bob', 'adm.room');
    await page.waitForSelector('#users tr[data-user="adm-bob"]', { timeout: 15000 });
    await page.click('#users tr[data-user="adm-bob"] button:has-text("Revoke")');
    await page.waitForSelector('#result:has-text("revoked the tokens of adm-bob")');
    await within(back.closed, 'the revoked user disconnected');
    await page.waitForSelector('#users tr[data-user="adm-bob"]', { state: 'detached', timeout: 15000 });

    assertContrast(await contrasts(page, ['#conn', 'h2 small', 'th']));
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });

    // signing out ends the session
    await page.click('#signout');
    await page.waitForSelector('#token');
    const after = await page.evaluate(() => fetch('/admin/session').then(r => r.status));
    assert.equal(after, 401);

    assert.deepEqual(errors, [], 'no console errors');
    console.log(`PASS nodes ${nodes}`);
  } finally {
    await browser.close();
  }
})().then(() => process.exit(0)) // the users' sockets would keep Node running
  .catch(e => { console.error('FAIL', e && e.stack || e, errors); process.exit(1); });

/** What {@code promise} resolves to, or a failure naming {@code what} after {@code ms}. */
function within(promise, what, ms = 15000) {
  let timer;
  const late = new Promise((resolve, reject) => { timer = setTimeout(() => reject(new Error('waited for ' + what)), ms); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
