// What the Node.js client tests share: failing loudly, waiting for a condition, and loading
// herald-client.js exactly as the node under test serves it.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** Prints FAIL with the error and exits 1: every script's one way of failing. */
function fail(err) { console.error('FAIL', err && err.stack || err); process.exit(1); }

/** Resolves once predicate() is true (polled every 20 ms), rejects naming what (a string or a function) after ms, or when predicate throws. */
function waitFor(predicate, what, ms = 20000) {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = () => {
      let done;
      try { done = predicate(); } catch (err) { reject(err); return; }
      if (done) resolve();
      else if (Date.now() - t0 > ms) reject(new Error('waited for ' + (typeof what === 'function' ? what() : what)));
      else setTimeout(tick, 20);
    };
    tick();
  });
}

/** The node at base serves the helper: load exactly what it serves (tag names the temporary file). */
async function servedClient(base, tag) {
  const r = await fetch(base + '/herald-client.js');
  assert.equal(r.status, 200);
  const file = path.join(os.tmpdir(), 'herald-client-' + tag + '-' + process.pid + '.js');
  fs.writeFileSync(file, await r.text());
  return require(file);
}

module.exports = { fail, waitFor, servedClient };
