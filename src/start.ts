// What bin/oidc-probe.cjs runs, bundled on its own (small: Node built-ins only): load the CLI
// bundle with compiled code kept between runs, run it, and keep what this run compiled.
import nodeModule from 'node:module';
import { join } from 'node:path';
import { cacheRoot } from './io/cache-location.js';
import { loadWithCodeCache, privateDirectory } from './io/code-cache.js';
import { commandWord } from './command-word.js';

export { VERSION } from './version.js';

interface Cli {
  main(argv: string[]): Promise<number>;
  commandNames(): string[];
  setEsmImporter(importEsm: (specifier: string) => Promise<unknown>): void;
}

// An import() that Node's own loader runs, for the bundle's ES-module-only dependencies (see
// src/io/import-esm.ts); it resolves from this file, which sits beside the bundle.
const importEsm = (specifier: string) => import(specifier);

export function start(argv: string[], cliFile: string): void {
  // NODE_DISABLE_COMPILE_CACHE turns Node's own compile cache off (Node ≥ 22.1); ours follows it.
  const dir = process.env.NODE_DISABLE_COMPILE_CACHE ? undefined : privateDirectory(join(cacheRoot(), 'code-cache'));
  const enableCompileCache = (nodeModule as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
  if (enableCompileCache) {
    // Node ≥ 22.1 keeps compiled code itself; it is only pointed at our private directory rather
    // than the shared temp directory it would use by default.
    if (dir) enableCompileCache(join(dir, 'node'));
    const cli = nodeModule.createRequire(cliFile)(cliFile) as Cli;
    cli.setEsmImporter(importEsm);
    void cli.main(argv).then((code) => {
      process.exitCode = code;
    });
    return;
  }
  const name = commandWord(argv.slice(2)) ?? 'main';
  const loaded = loadWithCodeCache(cliFile, dir ? { dir, name } : undefined);
  const cli = loaded.exports as unknown as Cli;
  cli.setEsmImporter(importEsm);
  void cli.main(argv).then((code) => {
    process.exitCode = code;
    // A typo is not worth a cache file of its own.
    if (!loaded.fromCache && (name === 'main' || cli.commandNames().includes(name))) loaded.saveCache();
  });
}
