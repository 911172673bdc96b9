// The start-up's compile cache as a user meets it: the built binary, a cache directory of its own.
// Node >= 22.8 keeps the compiled CLI there (module.enableCompileCache); Node 20 has no compile
// cache, and there the tests check that nothing is cached and everything still runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SignJWT, generateKeyPair } from 'jose';
import { BIN, runBinary as runCli } from '../helpers/cli.js';

const nodeHasCompileCache = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function';
const needsCompileCache = { skip: !nodeHasCompileCache && `Node ${process.versions.node} has no compile cache` };

async function token(): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT({ sub: 'alice' })
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuer('https://op.test')
    .sign(privateKey);
}

function cacheHome(): { home: string; dir: string } {
  const home = mkdtempSync(join(tmpdir(), 'oidc-probe-start-up-'));
  return { home, dir: join(home, 'oidc-probe', 'code-cache') };
}

/** Every file under dir (Node keeps its cache files in a subdirectory per Node version). */
function cacheFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .sort();
}

/** What tells a file rewritten (new inode after a rename, or new mtime after a write in place). */
function identities(files: string[]): string[] {
  return files.map((f) => {
    const st = statSync(f, { bigint: true });
    return `${f} ${st.ino} ${st.mtimeNs}`;
  });
}

test(
  'the first run leaves compiled code in a private directory; the next run uses it and prints ' + 'the same',
  async () => {
    const { home, dir } = cacheHome();
    const jwt = await token();
    const first = await runCli(['decode', jwt], { env: { XDG_CACHE_HOME: home } });
    assert.equal(first.code, 0, first.stderr);
    const files = cacheFiles(dir);
    if (nodeHasCompileCache) {
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      assert.equal(statSync(join(home, 'oidc-probe')).mode & 0o777, 0o700);
      assert.ok(files.length > 0, 'Node wrote its compile cache into the private directory');
    } else {
      assert.equal(existsSync(dir), false, 'no cache directory on a Node without a compile cache');
    }
    const before = identities(files);
    const second = await runCli(['decode', jwt], { env: { XDG_CACHE_HOME: home } });
    assert.deepEqual(second, first);
    // Node rewrites a cache file only when the cache in it was missing or rejected.
    assert.deepEqual(identities(cacheFiles(dir)), before, 'the second run took its compiled code from the cache');
  },
);

test('a bundle rebuilt with the same size and mtime runs its new code, not the cached old one', () => {
  // An installation of its own (bin/ and dist/bundle/ as the package ships them), rebuilt in place.
  const root = mkdtempSync(join(tmpdir(), 'oidc-probe-rebuilt-'));
  const installed = dirname(dirname(BIN));
  cpSync(join(installed, 'bin'), join(root, 'bin'), { recursive: true });
  cpSync(join(installed, 'dist', 'bundle'), join(root, 'dist', 'bundle'), { recursive: true });
  symlinkSync(join(installed, 'node_modules'), join(root, 'node_modules'));
  const { home, dir } = cacheHome();
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: home };
  delete env.NODE_DISABLE_COMPILE_CACHE;
  delete env.NODE_COMPILE_CACHE;
  const help = () => {
    const r = spawnSync(process.execPath, [join(root, 'bin', 'oidc-probe.cjs'), '--help'], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  const cli = join(root, 'dist', 'bundle', 'cli.cjs');
  // A whole second, which utimes can set again exactly after the rebuild.
  const mtime = Math.floor(Date.now() / 1000) - 3600;
  utimesSync(cli, mtime, mtime);
  const old = 'Debug OpenID Connect';
  const rebuilt = 'Rebuilt build marker';
  assert.equal(rebuilt.length, old.length);
  assert.match(help(), new RegExp(old));
  const cached = identities(cacheFiles(dir));
  assert.match(help(), new RegExp(old));
  assert.deepEqual(identities(cacheFiles(dir)), cached, 'the old build runs from the cache');

  // The rebuild: other code, same size, same mtime (as cp -p or rsync -a leave it).
  const before = statSync(cli, { bigint: true });
  const source = readFileSync(cli, 'latin1');
  assert.ok(source.includes(old));
  writeFileSync(cli, source.replace(old, rebuilt), 'latin1');
  utimesSync(cli, mtime, mtime);
  const after = statSync(cli, { bigint: true });
  assert.deepEqual([after.size, after.mtimeNs, after.ino], [before.size, before.mtimeNs, before.ino]);

  const out = help();
  assert.match(out, new RegExp(rebuilt));
  assert.doesNotMatch(out, new RegExp(old));
  if (nodeHasCompileCache)
    assert.notDeepEqual(identities(cacheFiles(dir)), cached, 'the cache of the old build was replaced');
});

test('NODE_DISABLE_COMPILE_CACHE keeps every run from writing a cache, or even making its directory', async () => {
  const { home } = cacheHome();
  const r = await runCli(['decode', await token()], { env: { XDG_CACHE_HOME: home, NODE_DISABLE_COMPILE_CACHE: '1' } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(existsSync(join(home, 'oidc-probe')), false);
});

test(
  'a cache directory that is a symlink is not followed: nothing is cached, the run is the same',
  needsCompileCache,
  async () => {
    const { home, dir } = cacheHome();
    const elsewhere = mkdtempSync(join(tmpdir(), 'oidc-probe-elsewhere-'));
    mkdirSync(dirname(dir), { mode: 0o700 });
    symlinkSync(elsewhere, dir);
    const jwt = await token();
    const clean = await runCli(['decode', '--json', jwt], {
      env: { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'x-')) },
    });
    const r = await runCli(['decode', '--json', jwt], { env: { XDG_CACHE_HOME: home } });
    assert.deepEqual(r, clean);
    assert.deepEqual(readdirSync(elsewhere), []);
  },
);

test('a cache directory open to others is made private again before it is used', needsCompileCache, async () => {
  const { home, dir } = cacheHome();
  mkdirSync(dir, { recursive: true });
  for (const d of [dirname(dir), dir]) chmodSync(d, 0o777);
  const r = await runCli(['decode', await token()], { env: { XDG_CACHE_HOME: home } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(statSync(dirname(dir)).mode & 0o777, 0o700);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.ok(cacheFiles(dir).length > 0);
});

test('a damaged cache file changes nothing the user sees, and is replaced', needsCompileCache, async () => {
  const { home, dir } = cacheHome();
  const jwt = await token();
  const clean = await runCli(['decode', '--json', jwt], { env: { XDG_CACHE_HOME: home } });
  const files = cacheFiles(dir);
  assert.ok(files.length > 0);
  // Damage inside (one byte flipped), and all over.
  for (const damage of [
    (b: Buffer) => {
      b[b.length >> 1] = b[b.length >> 1]! ^ 0xff;
      return b;
    },
    (b: Buffer) => Buffer.alloc(b.length, 0x5a),
  ]) {
    const damaged = files.map((f) => {
      const bytes = damage(readFileSync(f));
      writeFileSync(f, bytes);
      return bytes;
    });
    const r = await runCli(['decode', '--json', jwt], { env: { XDG_CACHE_HOME: home } });
    assert.deepEqual(r, clean);
    for (const [i, f] of files.entries()) assert.notDeepEqual(readFileSync(f), damaged[i], `${f} was replaced`);
  }
});
