// herald-client.js against a node that takes 5 connects a second (bridge.connectsPerSecond 5), run by AdmissionClientIT.
// Usage: node busy-client.js http://127.0.0.1:PORT TOKEN
// 12 clients connect at once: the node lets its burst in and closes the rest 1013, each with the
// retryAfterMs of its own slot. Each client turned away must wait at least that long before it tries
// again (full jitter below the hint, never sooner), must not count the refusal as a failed attempt,
// and every one must end up open. Exits 0 with PASS, else 1.
'use strict';
const assert = require('node:assert/strict');
const EventBus = require('@vertx/eventbus-bridge-client.js');
const { fail, waitFor, servedClient } = require('./harness');

const [base, token] = process.argv.slice(2);
setTimeout(() => fail(new Error('timed out')), 25000);

(async () => {
  const HeraldClient = await servedClient(base, 'busy');

  const n = 12;
  const clients = [];
  const log = []; // per client: what happened, with when
  for (let i = 0; i < n; i++) {
    const events = [];
    log.push(events);
    clients.push(HeraldClient.connect(base + '/eventbus', {
      EventBus, token, baseDelayMs: 50, maxDelayMs: 100, maxAttempts: 3,
      // raw WebSocket, as an app on a modern browser: the close code comes in the last frame either way
      onState: (state, info) => events.push({ state, info, at: Date.now() }),
    }));
  }
  // a connection the node turns away opens first, then gets its last frame and closes: open, and
  // nothing since for half a second, is open for good
  await waitFor(() => clients.every((c, i) => c.state === 'open' && Date.now() - log[i][log[i].length - 1].at > 500),
    () => 'every client open: ' + clients.map((c) => c.state).join(','));

  let turnedAway = 0;
  for (const events of log) {
    for (let k = 0; k < events.length; k++) {
      const e = events[k];
      if (e.state !== 'error' || !e.info || e.info.body !== 'closed' || e.info.failureCode !== 1013) continue;
      turnedAway++;
      const hint = e.info.retryAfterMs;
      assert.ok(typeof hint === 'number' && hint > 0, 'a 1013 names its slot: ' + JSON.stringify(e.info));
      const backoff = events.slice(k + 1).find((x) => x.state === 'backoff');
      assert.ok(backoff, 'a turned-away client backs off: ' + JSON.stringify(events));
      assert.equal(backoff.info.code, 1013, JSON.stringify(backoff));
      assert.ok(backoff.info.delayMs >= hint, 'never sooner than the slot: waits ' + backoff.info.delayMs + ' ms, told ' + hint);
      assert.equal(backoff.info.attempt, 0, 'a busy node that names a time is no failed attempt: ' + JSON.stringify(backoff));
      const opened = events.slice(k + 1).find((x) => x.state === 'open' || x.state === 'error');
      assert.ok(opened && opened.at - backoff.at >= hint - 5, 'the next try waited for its slot: ' + JSON.stringify(events));
    }
    assert.ok(!events.some((e) => e.state === 'gave_up'), 'none gave up: ' + JSON.stringify(events));
  }
  // the burst is 5 (and a slot or two refill while twelve connect): most of the rest were turned away
  assert.ok(turnedAway >= 4, 'turned away with a slot: ' + turnedAway);
  clients.forEach((c) => c.close());
  console.log('PASS', turnedAway, 'turned away, all', n, 'open');
  process.exit(0);
})().catch(fail);
