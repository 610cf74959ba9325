// herald-client.js against a real node process, run by JarProcessIT.
// Usage: node herald-client-e2e.js http://127.0.0.1:PORT
// Protocol with the Java test over stdin/stdout: prints "KILL" once it holds seq 1 on two
// channels; the test then kills the node (SIGKILL), publishes 50 messages to rec.chan and 150 to
// gap.chan (history keeps 100) through another cluster member, and starts the node again. This
// script must end with all 51 messages of rec.chan in order, recovered, and gap.chan flagged
// not recovered; it also checks giving up and token refresh. Then it prints "DROP epoch.chan" once
// it holds three messages there; the test deletes that channel's log from the cluster (what two
// faults at once do) and answers "DROPPED" on stdin; the next message starts a new epoch, which the
// app must be told of (onRecover reason 'epoch', recovered false) while every message of both epochs
// arrives once. Exits 0 with PASS, else 1.
'use strict';
const assert = require('node:assert/strict');
const EventBus = require('@vertx/eventbus-bridge-client.js');
const { fail, waitFor: waitUpTo, servedClient } = require('./harness');

const base = process.argv[2];
const deadline = setTimeout(() => fail(new Error('timed out')), 90000);
const waitFor = (predicate, what, ms = 60000) => waitUpTo(predicate, what, ms);
const loadClient = () => servedClient(base, 'e2e');

const serviceToken = require('./service-token');

async function devToken(claims) {
  const r = await fetch(base + '/dev/token', { method: 'POST', body: JSON.stringify(claims) });
  assert.equal(r.status, 200);
  return (await r.json()).token;
}

(async () => {
  const HeraldClient = await loadClient();

  // 1. giving up: nothing listens on port 1
  const states = [];
  const doomed = HeraldClient.connect('http://127.0.0.1:1/eventbus', {
    EventBus, token: 'x', maxAttempts: 3, baseDelayMs: 50, onState: (s, info) => states.push([s, info]),
  });
  await waitFor(() => states.some(([s]) => s === 'gave_up'), 'giving up');
  const backoffs = states.filter(([s]) => s === 'backoff').map(([, i]) => i);
  assert.equal(backoffs.length, 3, 'three tries, then it says so');
  assert.equal(states[states.length - 1][0], 'gave_up');
  doomed.close();

  // 2. recovery across a node restart, with a token refresh on the way
  let tokensAsked = 0;
  const log = [];
  const client = HeraldClient.connect(base + '/eventbus', {
    // a slow machine may need 20 s and more to restart the node: tries enough for a minute
    EventBus, baseDelayMs: 200, maxDelayMs: 2000, maxAttempts: 40,
    refreshBeforeMs: 58000, // dev tokens live 60 s: refresh after ~2 s
    getToken: () => { tokensAsked++; return devToken({ sub: 'recoverer', channels: ['rec.*', 'gap.*'] }); },
    onState: (s, info) => log.push([s, info]),
  });
  const rec = [];
  const gap = [];
  const recoveries = {};
  client.subscribe('rec.chan', m => rec.push(m.seq), info => { recoveries['rec.chan'] = info; });
  client.subscribe('gap.chan', m => gap.push(m.seq), info => { recoveries['gap.chan'] = info; });
  await waitFor(() => log.some(([s]) => s === 'open'), 'open');
  await waitFor(() => log.some(([s]) => s === 'refreshed'), 'token refresh');
  assert.ok(tokensAsked >= 2, 'the token was asked again for the refresh');

  // seq 1 on both channels, published by a service through the HTTP API
  const service = serviceToken('e2e-service');
  for (const ch of ['rec.chan', 'gap.chan']) {
    const r = await fetch(`${base}/api/v1/channels/${ch}/messages`, {
      method: 'POST', headers: { Authorization: 'Bearer ' + service }, body: JSON.stringify({ data: 'first' }),
    });
    assert.equal(r.status, 201);
  }
  await waitFor(() => rec.length === 1 && gap.length === 1, 'seq 1 on both channels');

  console.log('KILL');
  await waitFor(() => log.some(([s]) => s === 'backoff'), 'backing off after the node died');
  await waitFor(() => {
    if (log.some(([s]) => s === 'gave_up')) throw new Error('gave up before the node came back: ' + JSON.stringify(log));
    return recoveries['rec.chan'] && recoveries['gap.chan'];
  }, () => 'recovery after reconnect (states: ' + JSON.stringify(log) + ')', 80000);

  const delays = log.filter(([s]) => s === 'backoff').map(([, i]) => i.delayMs);
  assert.ok(delays.length >= 2, 'more than one try while the node was down: ' + delays);
  assert.deepEqual(rec, Array.from({ length: 51 }, (_, i) => i + 1), 'rec.chan: every seq once, in order');
  assert.equal(recoveries['rec.chan'].recovered, true);
  assert.equal(recoveries['rec.chan'].replayed, 50);
  assert.equal(recoveries['gap.chan'].recovered, false, 'more was missed than history keeps');
  assert.deepEqual(gap.slice(1), Array.from({ length: 100 }, (_, i) => i + 52), 'gap.chan: what was kept, in order');

  client.close();

  // 3. a user the service disconnects stays disconnected: 4403 is final, no reconnect
  const kicked = [];
  const kickedClient = HeraldClient.connect(base + '/eventbus', {
    EventBus, baseDelayMs: 50, maxAttempts: 5,
    getToken: () => devToken({ sub: 'kicked', channels: [] }),
    onState: (s, info) => kicked.push([s, info]),
  });
  await waitFor(() => kicked.some(([s]) => s === 'open'), 'kicked user open');
  const d = await fetch(`${base}/api/v1/users/kicked/disconnect`, { method: 'POST', headers: { Authorization: 'Bearer ' + service } });
  assert.equal(d.status, 202);
  await waitFor(() => kicked.some(([s]) => s === 'closed'), 'closed after the disconnect');
  const closed = kicked.find(([s]) => s === 'closed')[1];
  assert.equal(closed.code, 4403, 'told why: ' + JSON.stringify(closed));
  // no retry was scheduled: the client ended in 'closed', not in 'backoff'
  assert.equal(kicked[kicked.length - 1][0], 'closed', 'no reconnect after 4403: ' + JSON.stringify(kicked));
  assert.ok(!kicked.some(([s]) => s === 'backoff'), 'no backoff after 4403: ' + JSON.stringify(kicked));
  kickedClient.close();

  // 4. a new epoch in the live stream: the app is told, and gets the new epoch from its start
  const lines = [];
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', chunk => lines.push(...chunk.split('\n')));
  const epochClient = HeraldClient.connect(base + '/eventbus', {
    EventBus, getToken: () => devToken({ sub: 'epochs', channels: ['epoch.*'] }),
  });
  const got = [];
  const told = [];
  epochClient.subscribe('epoch.chan', m => got.push(m.epoch + ':' + m.seq), info => told.push(info));
  await waitFor(() => epochClient.eb && epochClient.eb.state === 1, 'epoch client open');
  // frames are handled in order: once a request sent after the register is answered, it is in
  await epochClient.request('rt.channel.history', { channel: 'epoch.chan', since: 0 });
  const publishEpoch = async (data) => {
    const r = await fetch(`${base}/api/v1/channels/epoch.chan/messages`, {
      method: 'POST', headers: { Authorization: 'Bearer ' + service }, body: JSON.stringify({ data }),
    });
    assert.equal(r.status, 201, await r.text());
  };
  for (const n of [1, 2, 3]) await publishEpoch(n);
  await waitFor(() => got.length === 3, () => 'three messages in the first epoch: ' + got);
  const firstEpoch = got[0].split(':')[0];
  console.log('DROP epoch.chan');
  await waitFor(() => lines.includes('DROPPED'), 'the test dropped the log');
  await publishEpoch(4);
  await publishEpoch(5);
  await waitFor(() => got.length === 5 && told.length === 1, () => 'the new epoch: ' + got + ' told ' + JSON.stringify(told));
  const secondEpoch = got[3].split(':')[0];
  assert.notEqual(secondEpoch, firstEpoch, 'a new epoch');
  assert.deepEqual(got, [firstEpoch + ':1', firstEpoch + ':2', firstEpoch + ':3', secondEpoch + ':1', secondEpoch + ':2'], 'each once, in order');
  assert.equal(told[0].reason, 'epoch', JSON.stringify(told[0]));
  assert.equal(told[0].recovered, false);
  assert.equal(told[0].previousEpoch, firstEpoch);
  assert.equal(told[0].epoch, secondEpoch);
  epochClient.close();

  // 5. contacts: setContacts hands each contact's presence now and each change after, on one address
  const seen = [];
  const follower = HeraldClient.connect(base + '/eventbus', { EventBus, getToken: () => devToken({ sub: 'follower' }) });
  const friend = HeraldClient.connect(base + '/eventbus', { EventBus, getToken: () => devToken({ sub: 'friend' }) });
  await waitFor(() => follower.eb && follower.eb.state === 1 && friend.eb && friend.eb.state === 1, 'follower and friend open');
  await friend.setStatus('online');
  const answer = await follower.setContacts(['friend', 'stranger'], p => seen.push(p.userId + ':' + p.status));
  assert.equal(answer.users.friend.status, 'online', JSON.stringify(answer));
  assert.deepEqual(seen.slice().sort(), ['friend:online', 'stranger:offline'], 'each contact now: ' + seen);
  await friend.setStatus('busy');
  await waitFor(() => seen.includes('friend:busy'), () => 'the change, on the contacts address: ' + seen);
  follower.close();
  friend.close();
  clearTimeout(deadline);
  console.log('PASS backoff delays ' + delays.join(',') + '; told of the new epoch: ' + JSON.stringify(told[0]) + '; contacts ' + seen.join(','));
  process.exit(0);
})().catch(fail);
