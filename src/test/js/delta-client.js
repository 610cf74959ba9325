// herald-client.js with delta compression against a real node, run by DeltaIT.
// Usage: node delta-client.js http://127.0.0.1:PORT TOKEN (the token may read and publish doc:*)
// A subscriber asks for deltas on doc:js (the node's doc namespace sends JSON Patches) and another
// does not; 12 versions of a ~5 KB document are published, the delta subscriber's connection is
// dropped after the 6th and 6 more are published while it is away; both must hand the app all 18
// documents whole, once, in order, equal to what was published. Counts the delta frames seen.
// Exits 0 with PASS, else 1.
'use strict';
const assert = require('node:assert/strict');
const EventBus = require('@vertx/eventbus-bridge-client.js');
const jsonpatch = require('fast-json-patch');
const { fail, waitFor: waitUpTo, servedClient } = require('./harness');
const waitFor = (predicate, what) => waitUpTo(predicate, what, 15000);

const [base, token] = process.argv.slice(2);
setTimeout(() => fail(new Error('timed out')), 25000);

function board(version) {
  const items = [];
  for (let i = 0; i < 56; i++) {
    items.push({ symbol: 'SYM' + i, name: 'Company number ' + i + ' of the index', price: i === version % 56 ? 100 + version + 0.5 : 100 + i + 0.5, volume: 1000 * i });
  }
  return { board: 'quotes', version: version, items: items };
}

(async () => {
  const HeraldClient = await servedClient(base, 'delta');

  let deltaFrames = 0;
  // counts what comes on the wire: the official client hands the helper every frame
  class CountingEventBus extends EventBus {
    registerHandler(address, headers, callback) {
      if (typeof headers === 'function') { callback = headers; headers = {}; }
      return super.registerHandler(address, headers, (err, msg) => { if (msg && msg.delta === true) deltaFrames++; callback(err, msg); });
    }
  }
  const opts = (extra) => Object.assign({ EventBus: CountingEventBus, token, baseDelayMs: 50, maxDelayMs: 200 }, extra);
  const withDelta = HeraldClient.connect(base + '/eventbus', opts({ jsonpatch }));
  const plain = HeraldClient.connect(base + '/eventbus', opts({}));
  const got = { delta: [], plain: [] };
  const recoveries = [];
  withDelta.subscribe('doc:js', (m) => { got.delta.push(m); m.data.items = 'the app may change what it is handed'; },
    (info) => recoveries.push(info), { delta: true });
  plain.subscribe('doc:js', (m) => got.plain.push(m));
  await waitFor(() => withDelta.state === 'open' && plain.state === 'open', 'both open');
  await withDelta.request('rt.session', {}); // registers are in effect once a later request is answered
  await plain.request('rt.session', {});

  const published = [];
  for (let v = 0; v < 6; v++) {
    published.push(board(v));
    await plain.publish('doc:js', board(v));
    await waitFor(() => got.delta.length === v + 1, 'delta subscriber at ' + (v + 1));
  }
  assert.ok(deltaFrames >= 5, deltaFrames + ' delta frames before the reconnect');
  // drop the connection: the helper reconnects and reads what it missed from history (always whole)
  withDelta.eb.close();
  for (let v = 6; v < 12; v++) {
    published.push(board(v));
    await plain.publish('doc:js', board(v));
  }
  await waitFor(() => got.delta.length === 12, () => 'the missed messages recovered: ' + got.delta.length);
  const deltasBefore = deltaFrames;
  for (let v = 12; v < 18; v++) {
    published.push(board(v));
    await plain.publish('doc:js', board(v));
  }
  await waitFor(() => got.delta.length === 18 && got.plain.length === 18, () => 'all 18: ' + got.delta.length + ', ' + got.plain.length);
  assert.ok(deltaFrames - deltasBefore >= 5, 'deltas again after the reconnect: ' + (deltaFrames - deltasBefore));
  assert.deepEqual(got.delta.map(m => m.seq), got.plain.map(m => m.seq));
  for (let i = 0; i < 18; i++) {
    assert.deepEqual(got.plain[i].data, published[i], 'plain ' + i);
    const d = got.delta[i].data;
    d.items = published[i].items; // what the handler overwrote
    assert.deepEqual(d, published[i], 'delta ' + i);
  }
  assert.ok(recoveries.some(x => x.reason === 'reconnect' && x.recovered), JSON.stringify(recoveries));
  withDelta.close();
  plain.close();
  console.log('PASS', deltaFrames, 'delta frames');
  process.exit(0);
})().catch(fail);
