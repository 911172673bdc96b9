// No line over 120 characters in the sources (Biome's formatter wraps code, not strings or comments).
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const MAX = 120;
const files = execFileSync('git', ['ls-files', 'src', 'test', 'demo', 'bench', 'scripts', 'bin'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => /\.(ts|mjs|cjs|js)$/.test(f));
const long = [];
for (const file of files) {
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.length > MAX) long.push(`${file}:${i + 1}: ${line.length} characters`);
    });
}
if (long.length) {
  console.error(`${long.length} line(s) over ${MAX} characters:\n${long.join('\n')}`);
  process.exit(1);
}
console.log(`${files.length} files, no line over ${MAX} characters`);
