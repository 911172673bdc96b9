// The token cache refuses what it cannot trust: a token planted by another user, or in a directory
// others can write, must never be printed "from the cache". Each case is exit 2 with one sentence
// naming the path and the fix. Ownership cases need root (chown to another uid).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, chown, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheKey, type CacheEntry } from '../../../src/protocol/token-cache-policy.js';
import { runCli } from '../../helpers/cli.js';

const isRoot = process.getuid?.() === 0;
const OTHER_UID = 65534;
const asRoot = isRoot ? false : 'needs root to give files to another user';
// Never contacted: every case is refused before any request.
const ISSUER = 'http://127.0.0.1:9';
const CLIENT = 'ci-client';
const PLANTED = 'planted-access-token-0123456789';
const key = cacheKey({ issuer: ISSUER, clientId: CLIENT, grant: 'client_credentials' });

interface Home {
  home: string;
  root: string;
  tokens: string;
  entry: string;
}

/** A cache home holding a valid-looking entry for the test's identity, made 0700/0600 as oidc-probe makes it. */
async function planted(): Promise<Home> {
  const home = await mkdtemp(join(tmpdir(), 'oidc-probe-trust-'));
  const root = join(home, 'oidc-probe');
  const tokens = join(root, 'tokens');
  await mkdir(tokens, { recursive: true, mode: 0o700 });
  await chmod(root, 0o700);
  await chmod(tokens, 0o700);
  const entry: CacheEntry = {
    version: 1,
    issuer: ISSUER,
    clientId: CLIENT,
    grant: 'client_credentials',
    access_token: PLANTED,
    token_type: 'Bearer',
    expires_at: Math.floor(Date.now() / 1000) + 86_400,
    obtained_at: Math.floor(Date.now() / 1000),
  };
  const file = join(tokens, `${key}.json`);
  await writeFile(file, JSON.stringify(entry), { mode: 0o600 });
  return { home, root, tokens, entry: file };
}

const token = (h: Home) =>
  runCli(['token', '--issuer', ISSUER, '--client-id', CLIENT, '--output', 'raw'], {
    env: { XDG_CACHE_HOME: h.home, OIDC_PROBE_CLIENT_SECRET: 's' },
  });

// The cases below differ from this one in one thing each.
test('the planted entry, made as oidc-probe makes its own, is used', async () => {
  const r = await token(await planted());
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), PLANTED);
});

const cases: Array<[string, string | false, (h: Home) => Promise<string>, RegExp]> = [
  [
    'a cache file owned by another user',
    asRoot,
    async (h) => {
      await chown(h.entry, OTHER_UID, OTHER_UID);
      return h.entry;
    },
    /belongs to uid 65534.*remove it \(rm /,
  ],
  [
    'a cache file others can write',
    false,
    async (h) => {
      await chmod(h.entry, 0o666);
      return h.entry;
    },
    /has mode 0666, not 0600.*remove it/,
  ],
  [
    'a cache file that is a symbolic link',
    false,
    async (h) => {
      const elsewhere = join(h.home, 'elsewhere.json');
      await writeFile(elsewhere, '{}', { mode: 0o600 });
      const { rename } = await import('node:fs/promises');
      await rename(h.entry, elsewhere);
      await symlink(elsewhere, h.entry);
      return h.entry;
    },
    /is a symbolic link/,
  ],
  [
    'a tokens directory owned by another user',
    asRoot,
    async (h) => {
      await chown(h.tokens, OTHER_UID, OTHER_UID);
      return h.tokens;
    },
    /belongs to uid 65534.*XDG_CACHE_HOME/,
  ],
  [
    'an oidc-probe directory owned by another user (it could swap tokens/)',
    asRoot,
    async (h) => {
      await chown(h.root, OTHER_UID, OTHER_UID);
      return h.root;
    },
    /belongs to uid 65534/,
  ],
  [
    'a tokens directory others can write',
    false,
    async (h) => {
      await chmod(h.tokens, 0o777);
      return h.tokens;
    },
    /writable by other users \(mode 0777\).*rm -r/,
  ],
  [
    'a tokens directory that is a symbolic link',
    false,
    async (h) => {
      const { rename } = await import('node:fs/promises');
      const real = join(h.home, 'real-tokens');
      await rename(h.tokens, real);
      await symlink(real, h.tokens);
      return h.tokens;
    },
    /is a symbolic link/,
  ],
];

for (const [name, skip, spoil, message] of cases) {
  test(`refused: ${name} (exit 2, naming the path and the fix)`, { skip }, async () => {
    const h = await planted();
    const path = await spoil(h);
    const r = await token(h);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '', 'no token printed');
    assert.ok(r.stderr.includes(path), r.stderr);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /internal error|this is a bug/);
  });
}

test('`cache list` shows a refused entry with its reason; a refused directory is exit 2', {
  skip: asRoot,
}, async () => {
  const h = await planted();
  await chown(h.entry, OTHER_UID, OTHER_UID);
  const list = await runCli(['cache', 'list', '--json'], { env: { XDG_CACHE_HOME: h.home } });
  assert.equal(list.code, 0, list.stderr);
  assert.match(JSON.parse(list.stdout).entries[0].corrupt, /belongs to uid 65534/);
  await chown(h.tokens, OTHER_UID, OTHER_UID);
  const refused = await runCli(['cache', 'list'], { env: { XDG_CACHE_HOME: h.home } });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /refusing the token cache directory/);
});

test('a tokens "directory" that is a file is exit 2, not an internal error', async () => {
  const home = await mkdtemp(join(tmpdir(), 'oidc-probe-trust-'));
  await mkdir(join(home, 'oidc-probe'), { mode: 0o700 });
  await writeFile(join(home, 'oidc-probe', 'tokens'), 'not a directory');
  const r = await token({ home, root: '', tokens: '', entry: '' });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /oidc-probe\/tokens: it is not a directory; remove or rename the file/);
});

test('an XDG_CACHE_HOME that is a file is exit 2', async () => {
  const home = await mkdtemp(join(tmpdir(), 'oidc-probe-trust-'));
  const file = join(home, 'cache-is-a-file');
  await writeFile(file, '');
  const r = await token({ home: file, root: '', tokens: '', entry: '' });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /a part of the path is a file, not a directory/);
});

test('an unwritable XDG_CACHE_HOME is exit 2 naming it', async () => {
  const home = await mkdtemp(join(tmpdir(), 'oidc-probe-trust-'));
  // Root writes anywhere: run the command as another user then; otherwise take our own write bit.
  await chmod(home, isRoot ? 0o755 : 0o500);
  const r = await runCli(['token', '--issuer', ISSUER, '--client-id', CLIENT], {
    env: { XDG_CACHE_HOME: home, OIDC_PROBE_CLIENT_SECRET: 's', HOME: home },
    ...(isRoot ? { uid: OTHER_UID, gid: OTHER_UID } : {}),
  });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`cannot create the token cache directory ${home}/oidc-probe: permission denied`));
  assert.doesNotMatch(r.stderr, /internal error/);
});
