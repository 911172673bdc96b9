import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRefreshedIdToken } from '../../src/protocol/refresh-checks.js';

const original = { iss: 'https://op.test', sub: 'alice', aud: 'client-1', auth_time: 1_700_000_000 };
const statusOf = (rows: { id: string; status: string }[], id: string) => rows.find((r) => r.id === id)?.status;

test('without an earlier ID token there is one skipped row', () => {
  assert.deepEqual(
    checkRefreshedIdToken(undefined, original).map((r) => `${r.id}:${r.status}`),
    ['refresh_id_token:skip'],
  );
});

test('the same iss, sub, aud and auth_time pass (Core 12.2)', () => {
  assert.deepEqual(
    checkRefreshedIdToken(original, { ...original, iat: 1_700_000_900 }).map((r) => `${r.id}:${r.status}`),
    ['refresh_iss:pass', 'refresh_sub:pass', 'refresh_aud:pass', 'refresh_auth_time:pass'],
  );
});

test('a changed sub fails, with both values', () => {
  const row = checkRefreshedIdToken(original, { ...original, sub: 'mallory' }).find((r) => r.id === 'refresh_sub');
  assert.equal(row?.status, 'fail');
  assert.deepEqual([row?.expected, row?.actual], ['alice', 'mallory']);
});

test('a changed iss fails', () => {
  assert.equal(statusOf(checkRefreshedIdToken(original, { ...original, iss: 'https://x' }), 'refresh_iss'), 'fail');
});

test('a changed aud fails', () => {
  assert.equal(
    statusOf(checkRefreshedIdToken(original, { ...original, aud: ['client-1', 'x'] }), 'refresh_aud'),
    'fail',
  );
});

test('a new auth_time fails: a refresh does not re-authenticate the user', () => {
  const rows = checkRefreshedIdToken(original, { ...original, auth_time: 1_700_000_500 });
  assert.equal(statusOf(rows, 'refresh_auth_time'), 'fail');
});

test('auth_time absent from both is skipped', () => {
  const { auth_time: _, ...noAuthTime } = original;
  assert.equal(statusOf(checkRefreshedIdToken(noAuthTime, noAuthTime), 'refresh_auth_time'), 'skip');
});
