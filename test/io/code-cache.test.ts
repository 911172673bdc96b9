// The start-up code cache: real files in a temp directory, real V8 caches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeCachePath, loadWithCodeCache, privateDirectory } from '../../src/io/code-cache.js';

const asRoot = process.getuid?.() === 0;

function fixture(): { dir: string; file: string; cacheDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-probe-code-cache-'));
  const file = join(dir, 'lib.cjs');
  // Enough functions that V8 has something to cache; the result proves the code ran.
  const body = Array.from({ length: 50 }, (_, i) => `function f${i}(x) { return x + ${i}; }`).join('\n');
  writeFileSync(
    file,
    `${body}\nexports.sum = (n) => { let s = 0; for (let i = 0; i < 50; i++) s = eval('f' + i)(s); return s + n; };\nexports.dirname = __dirname;\n`,
  );
  return { dir, file, cacheDir: join(dir, 'cache') };
}

test("a CommonJS file runs as under Node's loader: exports, __dirname", () => {
  const { dir, file } = fixture();
  const loaded = loadWithCodeCache(file, undefined);
  assert.equal((loaded.exports.sum as (n: number) => number)(1), 1226);
  assert.equal(loaded.exports.dirname, dir);
  assert.equal(loaded.fromCache, false);
});

test('the first run saves a cache (0600 in a 0700 directory) and the next run compiles from it', () => {
  const { file, cacheDir } = fixture();
  const dir = privateDirectory(cacheDir)!;
  const first = loadWithCodeCache(file, { dir, name: 'decode' });
  assert.equal(first.fromCache, false);
  first.saveCache();
  const path = codeCachePath({ dir, name: 'decode' }, file);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(statSync(dir).mode & 0o777, 0o700);

  const second = loadWithCodeCache(file, { dir, name: 'decode' });
  assert.equal(second.fromCache, true);
  assert.equal((second.exports.sum as (n: number) => number)(2), 1227);
});

test('a corrupt cache file is not used, the code still runs, and saving replaces it', () => {
  const { file, cacheDir } = fixture();
  const dir = privateDirectory(cacheDir)!;
  const path = codeCachePath({ dir, name: 'verify' }, file);
  writeFileSync(path, Buffer.from('not a V8 code cache at all'), { mode: 0o600 });
  const loaded = loadWithCodeCache(file, { dir, name: 'verify' });
  assert.equal(loaded.fromCache, false);
  assert.equal((loaded.exports.sum as (n: number) => number)(0), 1225);
  loaded.saveCache();
  assert.notEqual(readFileSync(path).toString('utf8', 0, 26), 'not a V8 code cache at all');
  assert.equal(loadWithCodeCache(file, { dir, name: 'verify' }).fromCache, true);
});

test('a cache damaged inside (one byte flipped) is not handed to V8, which would abort on it', () => {
  const { file, cacheDir } = fixture();
  const dir = privateDirectory(cacheDir)!;
  loadWithCodeCache(file, { dir, name: 'decode' }).saveCache();
  const path = codeCachePath({ dir, name: 'decode' }, file);
  const bytes = readFileSync(path);
  bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
  writeFileSync(path, bytes);
  const loaded = loadWithCodeCache(file, { dir, name: 'decode' });
  assert.equal(loaded.fromCache, false);
  assert.equal((loaded.exports.sum as (n: number) => number)(0), 1225);
});

test("a rebuilt bundle gets a cache of its own, and the old build's cache is removed", () => {
  const { file, cacheDir } = fixture();
  const dir = privateDirectory(cacheDir)!;
  loadWithCodeCache(file, { dir, name: 'decode' }).saveCache();
  const oldPath = codeCachePath({ dir, name: 'decode' }, file);
  writeFileSync(file, readFileSync(file, 'utf8') + '\nexports.more = 1;\n');
  utimesSync(file, new Date(), new Date(Date.now() + 5000));
  const rebuilt = loadWithCodeCache(file, { dir, name: 'decode' });
  assert.equal(rebuilt.fromCache, false);
  assert.equal(rebuilt.exports.more, 1);
  rebuilt.saveCache();
  assert.deepEqual(readdirSync(dir), [codeCachePath({ dir, name: 'decode' }, file).slice(dir.length + 1)]);
  assert.notEqual(codeCachePath({ dir, name: 'decode' }, file), oldPath);
});

test('two installed copies of the CLI keep their caches side by side', () => {
  const one = fixture();
  const other = fixture();
  const dir = privateDirectory(one.cacheDir)!;
  loadWithCodeCache(one.file, { dir, name: 'decode' }).saveCache();
  loadWithCodeCache(other.file, { dir, name: 'decode' }).saveCache();
  assert.equal(readdirSync(dir).length, 2);
  assert.equal(loadWithCodeCache(one.file, { dir, name: 'decode' }).fromCache, true);
  assert.equal(loadWithCodeCache(other.file, { dir, name: 'decode' }).fromCache, true);
});

test('a cache file that is a symlink is not followed', () => {
  const { dir: base, file, cacheDir } = fixture();
  const dir = privateDirectory(cacheDir)!;
  const real = join(base, 'elsewhere.bin');
  const first = loadWithCodeCache(file, { dir, name: 'decode' });
  first.saveCache();
  const path = codeCachePath({ dir, name: 'decode' }, file);
  writeFileSync(real, readFileSync(path));
  rmSync(path);
  symlinkSync(real, path);
  assert.equal(loadWithCodeCache(file, { dir, name: 'decode' }).fromCache, false);
});

test('the cache directory is created 0700, and an own directory that is open to others is tightened', () => {
  const { dir: base } = fixture();
  assert.equal(statSync(privateDirectory(join(base, 'a', 'b'))!).mode & 0o777, 0o700);
  const open = join(base, 'open');
  mkdirSync(open, { mode: 0o755 });
  chmodSync(open, 0o777);
  assert.equal(privateDirectory(open), open);
  assert.equal(statSync(open).mode & 0o777, 0o700);
});

test('a directory that is a symlink is not used', () => {
  const { dir: base } = fixture();
  mkdirSync(join(base, 'target'), { mode: 0o700 });
  symlinkSync(join(base, 'target'), join(base, 'link'));
  assert.equal(privateDirectory(join(base, 'link')), undefined);
});

test('a directory or a cache file owned by another user is not used', {
  skip: !asRoot && 'needs root to give files away',
}, () => {
  const { dir: base, file, cacheDir } = fixture();
  const foreign = join(base, 'foreign');
  mkdirSync(foreign, { mode: 0o700 });
  chownSync(foreign, 4242, 4242);
  assert.equal(privateDirectory(foreign), undefined);

  const dir = privateDirectory(cacheDir)!;
  loadWithCodeCache(file, { dir, name: 'decode' }).saveCache();
  chownSync(codeCachePath({ dir, name: 'decode' }, file), 4242, 4242);
  assert.equal(loadWithCodeCache(file, { dir, name: 'decode' }).fromCache, false);
});
