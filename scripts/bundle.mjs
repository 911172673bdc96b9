// Bundles the CLI for start-up speed. Node pays for every module file it resolves and loads, and
// for parsing and compiling the code in it, on every run:
// - dist/bundle/cli.cjs: the whole CLI in one CommonJS file (commander, jose, cli-table3 and chalk
//   inside). One file costs one read; V8 compiles a function only when it first runs, and on
//   Node >= 22.8 src/start.ts has Node keep the compiled code between runs, so what a command
//   does not use costs little more than a skim. CommonJS spares --help and decode Node's ES module
//   loader.
// - dist/bundle/start.cjs: the loader bin/oidc-probe.cjs calls (Node built-ins only).
// Dependencies needed only by commands that go to the network or a terminal (undici, open, the
// prompts) stay external and load from node_modules when those commands run.
import { build, transform } from 'esbuild';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.18',
  // The sources are ES modules; in CommonJS, import.meta.url is the bundle file's URL.
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
};

rmSync('dist/bundle', { recursive: true, force: true });
const cli = await build({
  ...common,
  entryPoints: { cli: 'src/main.ts' },
  outdir: 'dist/bundle',
  outExtension: { '.js': '.cjs' },
  external: ['undici', 'open', '@inquirer/prompts', 'oidc-provider', 'playwright-core'],
  metafile: true,
});
await makeAscii('dist/bundle/cli.cjs');
writeFileSync('dist/bundle/THIRD-PARTY-NOTICES.txt', thirdPartyNotices(Object.keys(cli.metafile.inputs)));
await build({
  ...common,
  entryPoints: { start: 'src/start.ts' },
  outdir: 'dist/bundle',
  outExtension: { '.js': '.cjs' },
});

/** The licence of every package whose code is inside the bundle, as their licences require. */
function thirdPartyNotices(inputs) {
  const packageDirs = new Set();
  for (const input of inputs) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) packageDirs.add(m[1]);
  }
  const sections = [...packageDirs].sort().map((dir) => {
    const { name, version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
    if (!file) throw new Error(`${name}@${version} is bundled but ships no licence file`);
    return `${name}@${version} (${license})\n\n${readFileSync(join(dir, file), 'utf8').trim()}\n`;
  });
  return `oidc-probe's bundle (dist/bundle/cli.cjs) contains code of these packages.\n\n${sections.join('\n' + '-'.repeat(72) + '\n\n')}`;
}

/**
 * esbuild escapes every non-ASCII character in code (its default charset) but keeps comments as
 * written; replace the few in comments, so that V8 holds the bundle's source as a one-byte string
 * (a single character above U+00FF makes all of it two bytes a character, twice the memory to scan).
 * Proof that only comments changed: both versions minify to the same code.
 */
async function makeAscii(path) {
  const before = readFileSync(path, 'utf8');
  const after = before.replace(/[^\x00-\x7f]/g, '?');
  if (after === before) return;
  const [a, b] = await Promise.all(
    [before, after].map((code) => transform(code, { minifyWhitespace: true, charset: 'ascii' })),
  );
  if (a.code !== b.code)
    throw new Error(`${path}: non-ASCII characters outside comments; cannot make the bundle ASCII`);
  writeFileSync(path, after);
}
