// Runs every compiled test file under dist/test with Node's test runner.
// (Node 20's `--test` takes no globs, so the files are listed here.)
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

const root = 'dist/test';
const filter = process.argv.slice(2);
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js') && (filter.length === 0 || filter.some((f) => p.includes(f)))) files.push(p);
  }
})(root);
if (files.length === 0) {
  console.error('no test files found under ' + root);
  process.exit(1);
}
// Most tests wait on sockets, servers and a browser rather than the CPU, so files run four at a
// time even on two cores (every test uses its own ports and directories).
const concurrency = Number(process.env.TEST_CONCURRENCY) || Math.max(4, availableParallelism());
const r = spawnSync(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  {
    stdio: 'inherit',
  },
);
process.exit(r.status ?? 1);
