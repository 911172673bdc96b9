// The start-up code cache as a user meets it: the built binary, a cache directory of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, generateKeyPair } from 'jose';
import { runBinary as runCli } from '../helpers/cli.js';

// Node ≥ 22.1 keeps compiled code itself (in code-cache/node); Node 20 gets ours (code-cache/*.bin).
const nodeHasCompileCache = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function';

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

const cacheFiles = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.bin'));

test('the first run leaves compiled code in a private directory; the next run prints the same', async () => {
  const { home, dir } = cacheHome();
  const jwt = await token();
  const first = await runCli(['decode', jwt], { env: { XDG_CACHE_HOME: home } });
  assert.equal(first.code, 0, first.stderr);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  if (nodeHasCompileCache) {
    assert.ok(existsSync(join(dir, 'node')), 'Node is pointed at the private directory');
  } else {
    const files = cacheFiles(dir);
    assert.equal(files.length, 1);
    assert.match(files[0]!, /^decode-/);
    assert.equal(statSync(join(dir, files[0]!)).mode & 0o777, 0o600);
  }
  const second = await runCli(['decode', jwt], { env: { XDG_CACHE_HOME: home } });
  assert.deepEqual(second, first);
});

test('a corrupt cache file changes nothing the user sees, and is replaced', {
  skip: nodeHasCompileCache && 'Node keeps its own cache here',
}, async () => {
  const { home, dir } = cacheHome();
  const jwt = await token();
  const clean = await runCli(['decode', '--json', jwt], { env: { XDG_CACHE_HOME: home } });
  const file = join(dir, cacheFiles(dir)[0]!);
  // Damage inside, where V8 itself would not notice, and all over.
  const flipped = readFileSync(file);
  flipped[flipped.length >> 1] = flipped[flipped.length >> 1]! ^ 0xff;
  for (const damaged of [flipped, Buffer.alloc(statSync(file).size, 0x5a)]) {
    writeFileSync(file, damaged);
    const afterCorruption = await runCli(['decode', '--json', jwt], { env: { XDG_CACHE_HOME: home } });
    assert.deepEqual(afterCorruption, clean);
    assert.notDeepEqual(readFileSync(file), damaged);
  }
});

test('NODE_DISABLE_COMPILE_CACHE keeps every run from writing a cache', async () => {
  const { home, dir } = cacheHome();
  const r = await runCli(['decode', await token()], { env: { XDG_CACHE_HOME: home, NODE_DISABLE_COMPILE_CACHE: '1' } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(existsSync(dir), false);
});

test('a mistyped command leaves no cache behind', {
  skip: nodeHasCompileCache && 'Node keeps its own cache here',
}, async () => {
  const { home, dir } = cacheHome();
  const r = await runCli(['decod', 'x'], { env: { XDG_CACHE_HOME: home } });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /decode/); // commander's suggestion
  assert.deepEqual(cacheFiles(dir), []);
});

test('each command has a cache of its own, and --help one too', {
  skip: nodeHasCompileCache && 'Node keeps its own cache here',
}, async () => {
  const { home, dir } = cacheHome();
  await runCli(['decode', await token()], { env: { XDG_CACHE_HOME: home } });
  await runCli(['--help'], { env: { XDG_CACHE_HOME: home } });
  await runCli(['verify', '--help'], { env: { XDG_CACHE_HOME: home } });
  assert.deepEqual(
    cacheFiles(dir)
      .map((n) => n.split('-')[0])
      .sort(),
    ['decode', 'main', 'verify'],
  );
});
