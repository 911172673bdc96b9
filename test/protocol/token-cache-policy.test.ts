import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheKey, decideFromCache, expiresAt, type CacheEntry } from '../../src/protocol/token-cache-policy.js';

const id = { issuer: 'https://op', clientId: 'c', grant: 'client_credentials' };
const entry = (over: Partial<CacheEntry>): CacheEntry => ({
  version: 1,
  ...id,
  access_token: 'at',
  obtained_at: 0,
  ...over,
});

test('the key ignores the order of scopes and audiences but not their content', () => {
  assert.equal(
    cacheKey({ ...id, scope: 'a b', audience: ['x', 'y'] }),
    cacheKey({ ...id, scope: 'b a', audience: ['y', 'x'] }),
  );
  assert.notEqual(cacheKey({ ...id, scope: 'a' }), cacheKey({ ...id, scope: 'a b' }));
  assert.notEqual(cacheKey(id), cacheKey({ ...id, clientId: 'd' }));
});

test('reuse while more than min-ttl is left; refresh when there is a refresh token; else fetch', () => {
  assert.deepEqual(decideFromCache(entry({ expires_at: 1000 }), 800, 60), { action: 'reuse', secondsLeft: 200 });
  assert.equal(decideFromCache(entry({ expires_at: 1000, refresh_token: 'rt' }), 950, 60).action, 'refresh');
  assert.equal(decideFromCache(entry({ expires_at: 1000 }), 950, 60).action, 'fetch');
  assert.equal(decideFromCache(entry({}), 0, 60).action, 'fetch', 'no known expiry: never reused');
  assert.equal(decideFromCache(undefined, 0, 60).action, 'fetch');
});

test("expiry comes from expires_in, else from a JWT access token's exp", () => {
  assert.equal(expiresAt(100, 60, 'opaque'), 160);
  const jwt = `e30.${Buffer.from(JSON.stringify({ exp: 5000 })).toString('base64url')}.sig`;
  assert.equal(expiresAt(100, undefined, jwt), 5000);
  assert.equal(expiresAt(100, undefined, 'opaque'), undefined);
  // An exp JSON reads as Infinity (1e999) is no expiry, as for the ID token (token-output.ts jwtExpiry).
  const endless = `e30.${Buffer.from('{"exp":1e999}').toString('base64url')}.sig`;
  assert.equal(expiresAt(100, undefined, endless), undefined);
});

test('DPoP and authorization_details make other entries; the keys of plain requests stay as they were', () => {
  // The canonical form of an identity without them, hashed as before they existed.
  const { createHash } = process.getBuiltinModule('node:crypto');
  const before = createHash('sha256')
    .update(JSON.stringify([id.issuer, id.clientId, id.grant, [], [], [], null]))
    .digest('hex')
    .slice(0, 32);
  assert.equal(cacheKey(id), before);
  assert.notEqual(cacheKey({ ...id, dpop: true }), cacheKey(id));
  assert.notEqual(cacheKey({ ...id, authorizationDetails: '[{"type":"a"}]' }), cacheKey(id));
});

test('a DPoP token cached with another key is fetched anew, never refreshed with that key (RFC 9449 §5)', () => {
  const bound = entry({ expires_at: 1000, refresh_token: 'rt', dpop_jkt: 'jkt-a' });
  assert.equal(decideFromCache(bound, 0, 60, { dpopJkt: 'jkt-a' }).action, 'reuse');
  const other = decideFromCache(bound, 0, 60, { dpopJkt: 'jkt-b' });
  assert.equal(other.action, 'fetch');
  assert.match((other as { reason: string }).reason, /another DPoP key/);
});

test('a cache key is hex, so it never begins with "-" when typed after `cache show`', () => {
  for (let i = 0; i < 500; i++) {
    const key = cacheKey({ ...id, scope: `s${i}` });
    assert.match(key, /^[0-9a-f]{32}$/);
  }
});

test('cache keys are the ones earlier versions wrote (SHA-256 of the canonical identity), so caches stay found', () => {
  // Computed with node:crypto's SHA-256, which made the keys before the cache key stopped loading it.
  assert.equal(cacheKey({ ...id, scope: 'b a' }), 'f46f1e61367407ad0c342adecd3bf18f');
  assert.equal(cacheKey({ ...id, dpop: true }), '105b90d3457ccb700ba171ac87eedba1');
  // UTF-8, as node:crypto hashed a string.
  assert.equal(cacheKey({ ...id, issuer: 'https://op/\u00e9' }), 'f4c8465ce32a5b2a4231b8a66f463b37');
});
