// Server-Sent Events in Debian's Chromium with no Herald script on the page: a plain EventSource;
// run by SseIT. Usage: HERALD_TOKEN=<user token> HERALD_SERVICE=<service token> node sse-browser.js http://127.0.0.1:PORT
// Checks: the stream says ready, two messages arrive live; the user is disconnected through the
// HTTP API and three messages are published while the browser waits to reconnect; the browser's
// own reconnect (Last-Event-ID) gets those three from history, marked replayed, then a recovered
// event (recovered true, replayed 3), then a live one: seqs 1-6 each once, in order. Exits 0 with PASS.
'use strict';
const assert = require('node:assert/strict');
const { launch } = require('./browser');

const base = process.argv[2];
const token = process.env.HERALD_TOKEN;
const service = process.env.HERALD_SERVICE;
const channel = 'sse.browser';

async function api(method, path, body) {
  const r = await fetch(base + path, {
    method, headers: { Authorization: 'Bearer ' + service, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(r.status >= 200 && r.status < 300, method + ' ' + path + ': ' + r.status + ' ' + await r.text());
}
const publish = n => api('POST', '/api/v1/channels/' + channel + '/messages', { data: { n } });

async function main() {
  const browser = await launch();
  const deadline = setTimeout(() => { console.log('FAIL: timed out'); process.exit(1); }, 60_000);
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', e => errors.push(e.message));
    await page.goto(base + '/health'); // a page of the node's origin with no script at all
    await page.evaluate(({ token, channel }) => {
      window.got = [];
      window.opens = 0;
      const es = new EventSource('/eventbus/sse?token=' + encodeURIComponent(token) + '&channel=' + encodeURIComponent(channel));
      window.es = es;
      es.onopen = () => { window.opens++; };
      for (const name of ['ready', 'message', 'recovered', 'close', 'error']) {
        es.addEventListener(name, e => window.got.push({ name, id: e.lastEventId, data: e.data ? JSON.parse(e.data) : null }));
      }
    }, { token, channel });
    const waitFor = (what, test) => page.waitForFunction(test, null, { timeout: 20_000 }).catch(async () => {
      throw new Error('waiting for ' + what + '; got ' + JSON.stringify(await page.evaluate(() => window.got)));
    });
    await waitFor('ready', () => window.got.some(e => e.name === 'ready'));
    await publish(1);
    await publish(2);
    await waitFor('two messages', () => window.got.filter(e => e.name === 'message').length === 2);
    await api('POST', '/api/v1/users/sse-reader/disconnect');
    await waitFor('the close', () => window.got.some(e => e.name === 'close'));
    for (const n of [3, 4, 5]) await publish(n);
    await waitFor('the recovery', () => window.got.some(e => e.name === 'recovered'));
    await publish(6);
    await waitFor('message 6', () => window.got.filter(e => e.name === 'message').length >= 6);
    const got = await page.evaluate(() => window.got);
    const messages = got.filter(e => e.name === 'message');
    assert.deepEqual(messages.map(e => e.data.seq), [1, 2, 3, 4, 5, 6], 'each once, in order');
    assert.deepEqual(messages.map(e => e.data.data.n), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(messages.map(e => e.data.replayed === true), [false, false, true, true, true, false], 'the missed three came from history');
    assert.match(messages[5].id, new RegExp('^' + channel.replace('.', '\\.') + '/[0-9a-f-]{8}/6$'));
    const recovered = got.find(e => e.name === 'recovered').data;
    assert.equal(recovered.recovered, true, JSON.stringify(recovered));
    assert.equal(recovered.replayed, 3);
    assert.equal(await page.evaluate(() => window.opens), 2, 'the browser reconnected by itself, once');
    assert.deepEqual(errors, []);
    console.log('PASS sse ' + messages.length + ' messages, replayed ' + recovered.replayed);
  } finally {
    clearTimeout(deadline);
    await browser.close();
  }
}

main().catch(e => { console.log('FAIL: ' + (e.stack || e)); process.exit(1); });
