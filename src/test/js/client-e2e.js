// End to end with the official client, against a Herald node started as its own process.
// Usage: node client-e2e.js http://127.0.0.1:PORT
// Connects over SockJS (WebSocket and xhr-streaming), is refused where it should be, registers
// a channel and prints READY; the Java test then publishes on that channel from another cluster
// member until both clients have it. Exits 0 when every check passed, 1 with the reason otherwise.
'use strict';
const assert = require('node:assert/strict');
const EventBus = require('@vertx/eventbus-bridge-client.js');

const base = process.argv[2];
const CHANNEL = 'rt.channel.e2e.news';
const deadline = setTimeout(() => fail(new Error('timed out')), 30000);

function fail(err) {
  console.error('FAIL', err && err.stack || err);
  process.exit(1);
}

async function devToken(claims) {
  const r = await fetch(base + '/dev/token', { method: 'POST', body: JSON.stringify(claims) });
  assert.equal(r.status, 200, 'dev token');
  return (await r.json()).token;
}

function open(token, transport) {
  return new Promise((resolve, reject) => {
    const eb = new EventBus(base + '/eventbus?token=' + encodeURIComponent(token), { transports: [transport] });
    eb.onopen = () => resolve(eb);
    eb.onclose = e => reject(new Error('closed before open: ' + (e && e.code)));
    eb.onerror = e => console.log('onerror', JSON.stringify(e));
  });
}

function request(eb, address, body) {
  return new Promise(resolve => eb.send(address, body, (err, msg) => resolve({ err, msg })));
}

function refusedRegistration(eb, address) {
  return new Promise(resolve => eb.registerHandler(address, err => resolve(err)));
}

/** The first two messages on the address. */
function twoMessages(eb, address) {
  return new Promise(resolve => {
    const got = [];
    eb.registerHandler(address, (err, msg) => {
      got.push({ err, msg });
      if (got.length === 2) resolve(got);
    });
  });
}

(async () => {
  // refused at the handshake: no token, bad token
  assert.equal((await fetch(base + '/eventbus/info')).status, 401);
  assert.equal((await fetch(base + '/eventbus/info?token=not.a.jwt')).status, 401);
  await assert.rejects(open('not.a.jwt', 'websocket'));

  // a bad dev-token request is a 400 with a JSON reason
  const bad = await fetch(base + '/dev/token', { method: 'POST', body: '{"sub":"has space"}' });
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).error, 'bad_request');

  const token = await devToken({ sub: 'alice', channels: ['e2e.*'] });
  const ws = await open(token, 'websocket');
  const xhr = await open(token, 'xhr-streaming');

  // refusals reach the handler or the reply callback with a code
  const notMine = await refusedRegistration(ws, 'rt.user.bob.inbox');
  assert.equal(notMine.failureCode, 4030); // forbidden
  const outside = await refusedRegistration(xhr, 'rt.channel.other');
  assert.equal(outside.failureCode, 4030); // forbidden
  const internal = await request(ws, 'herald.auth.verify', { token });
  assert.equal(internal.err.failureCode, 4031); // access_denied
  const publish = await request(ws, 'rt.channel.publish', { channel: 'e2e.news', data: 1 });
  assert.equal(publish.err.failureCode, 4030, 'forbidden: no publish claim');

  // a request answered by the auth service on the bus
  const refreshed = await request(xhr, 'rt.auth.refresh', { token: await devToken({ sub: 'alice', channels: ['e2e.*'] }) });
  assert.equal(refreshed.err, null);
  assert.equal(typeof refreshed.msg.body.exp, 'number');

  const onWs = twoMessages(ws, CHANNEL);
  const onXhr = twoMessages(xhr, CHANNEL);
  // a round trip after registering proves the registration is in place
  await request(ws, 'rt.sync', {});
  await request(xhr, 'rt.sync', {});
  console.log('READY');
  // a channel's first message on a subscription comes whole, with its epoch; the next ones short:
  // [seq, data, from], the channel being the address (docs/protocol.md)
  for (const [first, second] of await Promise.all([onWs, onXhr])) {
    assert.equal(first.err, null);
    assert.equal(second.err, null);
    assert.equal(first.msg.body.from, 'java');
    assert.equal(first.msg.body.epoch, 'e2e-epoch');
    assert.equal(first.msg.body.channel, 'e2e.news');
    assert.ok(Array.isArray(second.msg.body), JSON.stringify(second.msg));
    const [seq, data, from] = second.msg.body;
    assert.ok(seq > first.msg.body.seq, JSON.stringify([first.msg, second.msg]));
    assert.equal(data, seq);
    assert.equal(from, 'java');
  }
  ws.close();
  xhr.close();
  clearTimeout(deadline);
  console.log('PASS');
  process.exit(0);
})().catch(fail);
