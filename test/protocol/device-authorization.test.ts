import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDeviceAuthorization, pollOutcome } from '../../src/protocol/device-authorization.js';

test('a device authorization response is read, with the defaults of RFC 8628 §3.2', () => {
  assert.deepEqual(
    parseDeviceAuthorization({ device_code: 'd', user_code: 'U', verification_uri: 'https://op/device' }),
    { deviceCode: 'd', userCode: 'U', verificationUri: 'https://op/device', expiresIn: 600, interval: { seconds: 5 } },
  );
  const full = parseDeviceAuthorization({
    device_code: 'd',
    user_code: 'U',
    verification_url: 'https://op/device',
    verification_uri_complete: 'https://op/device?u=U',
    expires_in: '900',
    interval: 2,
  });
  assert.equal(typeof full === 'object' && full.verificationUriComplete, 'https://op/device?u=U');
  assert.equal(typeof full === 'object' && full.expiresIn, 900);
  // Kept within bounds (device-polling.ts): 2 s would poll too often.
  assert.equal(typeof full === 'object' && full.interval.seconds, 5);
  assert.match(String(typeof full === 'object' && full.interval.adjusted), /below the 5 s minimum/);
});

test('a device authorization response without device_code, user_code or verification_uri says what is missing', () => {
  assert.match(String(parseDeviceAuthorization({ user_code: 'U', verification_uri: 'x' })), /device_code \(RFC 8628/);
  assert.match(String(parseDeviceAuthorization({ device_code: 'd', verification_uri: 'x' })), /user_code/);
  assert.match(String(parseDeviceAuthorization({ device_code: 'd', user_code: 'U' })), /verification_uri/);
});

test('polling: the error member decides, whatever the status (authorization_pending with HTTP 200 too)', () => {
  assert.deepEqual(pollOutcome(400, { error: 'authorization_pending' }), { kind: 'pending' });
  assert.deepEqual(pollOutcome(200, { error: 'authorization_pending' }), { kind: 'pending' });
  assert.deepEqual(pollOutcome(400, { error: 'slow_down' }), { kind: 'slow_down' });
  assert.deepEqual(pollOutcome(400, { error: 'expired_token' }), { kind: 'expired' });
  assert.deepEqual(pollOutcome(400, { error: 'access_denied', error_description: 'no' }), {
    kind: 'error',
    error: 'access_denied',
    description: 'no',
  });
  assert.deepEqual(pollOutcome(200, { access_token: 'a' }), { kind: 'tokens' });
  assert.deepEqual(pollOutcome(502, undefined), { kind: 'unreadable' });
});
