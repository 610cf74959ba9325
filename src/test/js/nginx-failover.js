// herald-client.js through nginx (conf/nginx.example.conf) in front of a 3-node cluster; run by NginxIT.
// Usage: node nginx-failover.js http://127.0.0.1:NGINX_PORT
// Connects, finds which node nginx chose (GET /health through nginx), prints "KILL <node>", and
// once that node is dead expects the client to be back through nginx on another node and to
// receive what a service publishes there. Exits 0 with PASS.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const EventBus = require('@vertx/eventbus-bridge-client.js');

const base = process.argv[2];
setTimeout(() => { console.error('FAIL timed out'); process.exit(1); }, 90000);
const waitFor = (p, what, ms = 60000) => new Promise((res, rej) => {
  const t0 = Date.now();
  const tick = () => p() ? res() : Date.now() - t0 > ms ? rej(new Error('waited for ' + what)) : setTimeout(tick, 20);
  tick();
});
const token = async claims => (await (await fetch(base + '/dev/token', { method: 'POST', body: JSON.stringify(claims) })).json()).token;
const nodeBehind = async () => (await (await fetch(base + '/health')).json()).node;

(async () => {
  const file = path.join(os.tmpdir(), 'herald-client-nginx-' + process.pid + '.js');
  fs.writeFileSync(file, await (await fetch(base + '/herald-client.js')).text());
  const HeraldClient = require(file);
  const states = [];
  const got = [];
  const client = HeraldClient.connect(base + '/eventbus', {
    EventBus, baseDelayMs: 200, maxDelayMs: 1000, maxAttempts: 20,
    getToken: () => token({ sub: 'through-nginx', channels: ['lb.*'] }),
    onState: s => states.push(s),
  });
  client.subscribe('lb.news', m => got.push(m.data));
  await waitFor(() => states.includes('open'), 'open through nginx');
  const first = await nodeBehind();
  console.log('KILL ' + first);
  await waitFor(() => states.includes('backoff'), 'the connection to drop');
  await waitFor(() => states.lastIndexOf('open') > states.indexOf('backoff'), 'back through nginx');
  const second = await nodeBehind();
  assert.notEqual(second, first, 'nginx sends us to a surviving node');
  const service = require('./service-token')('lb-service');
  for (let i = 0; got.length === 0 && i < 100; i++) { // the new registration may take a moment to be seen
    await fetch(base + '/api/v1/channels/lb.news/messages', { method: 'POST', headers: { Authorization: 'Bearer ' + service }, body: '{"data":"after failover"}' });
    await new Promise(r => setTimeout(r, 100));
  }
  assert.equal(got[0], 'after failover');
  client.close();
  console.log(`PASS ${first} -> ${second}`);
  process.exit(0);
})().catch(e => { console.error('FAIL', e && e.stack || e); process.exit(1); });
