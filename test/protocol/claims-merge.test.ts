import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareScopes, mergeIdentityClaims } from '../../src/protocol/claims-merge.js';

test('a claim in both sources with the same value is "both"; token claims are left out', () => {
  const m = mergeIdentityClaims(
    { iss: 'x', sub: 'a', aud: 'c', email: 'a@x' },
    { sub: 'a', email: 'a@x', name: 'A' },
    'openid email profile',
  );
  const by = Object.fromEntries(m.claims.map((c) => [c.claim, c]));
  assert.equal(by.sub!.source, 'both');
  assert.equal(by.email!.scope, 'email');
  assert.equal(by.name!.source, 'userinfo');
  assert.equal(by.iss, undefined);
});

test('different values in the two sources are flagged with both values', () => {
  const m = mergeIdentityClaims({ sub: 'a', email: 'old@x' }, { sub: 'a', email: 'new@x' }, 'openid email');
  const email = m.claims.find((c) => c.claim === 'email')!;
  assert.equal(email.differs, true);
  assert.equal(email.value, 'old@x');
  assert.equal(email.userinfoValue, 'new@x');
});

test('requested scopes that yielded no claims are listed', () => {
  const m = mergeIdentityClaims({ sub: 'a' }, { sub: 'a', email: 'e' }, 'openid email phone address');
  assert.deepEqual(m.scopesWithoutClaims, ['phone', 'address']);
});

test('scopes granted vs requested: missing and extra', () => {
  assert.deepEqual(compareScopes('openid profile email', 'openid email offline_access'), {
    granted: ['openid', 'email', 'offline_access'],
    missing: ['profile'],
    extra: ['offline_access'],
    reported: true,
  });
  assert.equal(compareScopes('openid', undefined).reported, false);
});
