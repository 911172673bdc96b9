// Where the caches live: XDG_CACHE_HOME when absolute, else the home directory's .cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { cacheRoot, homeDirectory, tokenCacheDir } from '../../src/io/cache-location.js';

test('the home directory is $HOME when set, as os.homedir() has it; else the account entry', () => {
  assert.equal(homeDirectory({ HOME: '/home/alice' }), '/home/alice');
  assert.equal(homeDirectory({}), homedir());
  assert.equal(homeDirectory({ HOME: '' }), homedir());
});

test('an absolute XDG_CACHE_HOME is used; a relative one is ignored for ~/.cache', () => {
  assert.equal(cacheRoot({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/alice' }), '/x/cache/oidc-probe');
  assert.equal(cacheRoot({ XDG_CACHE_HOME: 'rel', HOME: '/home/alice' }), '/home/alice/.cache/oidc-probe');
  assert.equal(tokenCacheDir({ HOME: '/home/alice' }), '/home/alice/.cache/oidc-probe/tokens');
});
