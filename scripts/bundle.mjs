// Bundles the CLI for start-up speed. Node pays for every module file it resolves and loads, and
// for parsing and compiling the code in it, on every run:
// - dist/bundle/cli.cjs: the whole CLI in one CommonJS file (commander, jose, chalk and string-width
//   inside). One file costs one read; V8 compiles a function only when it first runs, and on
//   Node >= 22.8 src/start.ts has Node keep the compiled code between runs, so what a command
//   does not use costs little more than a skim. CommonJS spares --help and decode Node's ES module
//   loader.
// - dist/bundle/start.cjs: the loader bin/oidc-probe.cjs calls (Node built-ins only).
// - dist/bundle/serve.cjs: the provider of `oidc-probe serve` (endpoints, keys, pages, jose's
//   signing), required by cli.cjs only when serve runs, so the other commands neither read nor
//   compile it. Only plain values cross between the two bundles (src/io/provider/index.ts).
// Dependencies needed only by commands that open a browser or ask in a terminal (open, the
// prompts) stay external and load from node_modules when those commands run. Commander gets
// node:child_process only when it first uses it (scripts/child-process-on-first-use.cjs).
import { build, transform } from 'esbuild';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// serve loads its provider with import('../../io/provider/index.js'); in cli.cjs that becomes a
// require of the serve bundle beside it instead of the code itself.
const serveApart = {
  name: 'serve-in-its-own-bundle',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/\.\.\/io\/provider\/index\.js$/ }, ({ importer }) =>
      /[\\/]src[\\/]commands[\\/]serve[\\/]run\.ts$/.test(importer)
        ? { path: './serve.cjs', external: true }
        : undefined,
    );
  },
};

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
  external: ['open', '@inquirer/prompts', 'oidc-provider', 'playwright-core'],
  plugins: [serveApart],
  alias: { 'node:child_process': './scripts/child-process-on-first-use.cjs' },
  metafile: true,
});
const cliCode = readFileSync('dist/bundle/cli.cjs', 'utf8');
if (!/\b(require|import)\("\.\/serve\.cjs"\)/.test(cliCode))
  throw new Error('dist/bundle/cli.cjs does not load serve from ./serve.cjs; see the serveApart plugin');
if (/\brequire\("(node:)?child_process"\)/.test(cliCode))
  throw new Error('dist/bundle/cli.cjs loads child_process when it starts; see scripts/child-process-on-first-use.cjs');
await makeAscii('dist/bundle/cli.cjs');
const serve = await build({
  ...common,
  entryPoints: { serve: 'src/io/provider/index.ts' },
  outdir: 'dist/bundle',
  outExtension: { '.js': '.cjs' },
  supported: { 'dynamic-import': false },
  metafile: true,
});
await makeAscii('dist/bundle/serve.cjs');
writeFileSync(
  'dist/bundle/THIRD-PARTY-NOTICES.txt',
  thirdPartyNotices([...Object.keys(cli.metafile.inputs), ...Object.keys(serve.metafile.inputs)]),
);
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
  const intro = "oidc-probe's bundles (dist/bundle/cli.cjs, serve.cjs) contain code of these packages.";
  return `${intro}\n\n${sections.join('\n' + '-'.repeat(72) + '\n\n')}`;
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
