// Bundles the CLI for start-up speed: Node pays per module file it resolves and loads, and the CLI
// is ~60 small modules plus commander's. esbuild joins them into a few chunks; code splitting keeps
// each command's heavy parts in chunks loaded only when that command runs. Dependencies that are
// loaded with require(), share state across modules, or are large and rarely needed (undici,
// cli-table3, jose, open, the prompts) stay external and load from node_modules as before.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

rmSync('dist/bundle', { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/main.ts', 'src/version.ts'],
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.18',
  external: ['undici', 'cli-table3', 'jose', 'open', '@inquirer/prompts', 'oidc-provider', 'playwright-core'],
  // Bundled CommonJS (commander) calls require(); give the ES module one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
