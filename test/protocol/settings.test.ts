import { test } from 'node:test';
import assert from 'node:assert/strict';
import { envVarFor, resolveSetting } from '../../src/protocol/settings.js';

test('a flag wins over the environment and the profile', () => {
  const r = resolveSetting(
    { name: 'client-id' },
    { flag: 'from-flag', env: { OIDC_PROBE_CLIENT_ID: 'from-env' }, profile: { client_id: 'from-profile' } },
  );
  assert.deepEqual(r, { value: 'from-flag', source: 'flag' });
});

test('the environment wins over the profile', () => {
  const r = resolveSetting(
    { name: 'client-id' },
    { env: { OIDC_PROBE_CLIENT_ID: 'from-env' }, profile: { client_id: 'from-profile' } },
  );
  assert.deepEqual(r, { value: 'from-env', source: 'env' });
});

test('the profile is used when neither flag nor environment say anything', () => {
  const r = resolveSetting({ name: 'client-id' }, { env: {}, profile: { client_id: 'from-profile' } });
  assert.deepEqual(r, { value: 'from-profile', source: 'profile' });
});

test('an empty environment variable does not count as set', () => {
  const r = resolveSetting({ name: 'issuer' }, { env: { OIDC_PROBE_ISSUER: '' }, profile: { issuer: 'https://p' } });
  assert.equal(r?.source, 'profile');
});

test('env var names are OIDC_PROBE_ plus the option in upper snake case', () => {
  assert.equal(envVarFor('client-secret-file'), 'OIDC_PROBE_CLIENT_SECRET_FILE');
});
