// Tokens for the tests, signed HS256 with the node's secret (HERALD_TEST_SECRET): /dev/token
// never mints roles, as a deployment signs its service tokens with its own key.
'use strict';
const crypto = require('crypto');

const b64 = s => Buffer.from(s).toString('base64url');

/** A token with these claims (sub and others), valid for an hour. */
function sign(claims) {
  const secret = process.env.HERALD_TEST_SECRET;
  if (!secret) throw new Error('HERALD_TEST_SECRET is not set');
  const now = Math.floor(Date.now() / 1000);
  const input = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' })) + '.'
    + b64(JSON.stringify({ iat: now, exp: now + 3600, ...claims }));
  return input + '.' + crypto.createHmac('sha256', secret).update(input).digest('base64url');
}

module.exports = function serviceToken(sub) {
  return sign({ sub, roles: ['service'] });
};
module.exports.sign = sign;
