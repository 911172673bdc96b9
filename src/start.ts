// What bin/oidc-probe.cjs runs, bundled on its own (small: Node built-ins only): turn on Node's
// compile cache, then load and run the CLI bundle beside this file.
import nodeModule from 'node:module';
import { join } from 'node:path';
import { cacheRoot } from './io/cache-location.js';
import { privateDirectory } from './io/private-files.js';

export { VERSION } from './version.js';

export function start(argv: string[]): void {
  enableCompileCache();
  const cli = nodeModule.createRequire(import.meta.url)('./cli.cjs') as { main(argv: string[]): Promise<number> };
  void cli.main(argv).then((code) => {
    process.exitCode = code;
  });
}

/**
 * Node >= 22.8 keeps the code V8 compiled for a module between runs (module.enableCompileCache),
 * most of what a start-up of the bundle costs. A cache entry is used only for a source of the same
 * size and CRC32 as the one it was made from (Node's src/compile_cache.cc), so a bundle rebuilt
 * with the same size and mtime (cp -p, rsync -a, container layers) is compiled afresh. The cache
 * lives in a directory of the user's own, never in the shared temp directory Node would pick:
 * code read from there would run as the user; without such a directory, nothing is cached.
 * Node 20 (and 22 before 22.8) has no module.enableCompileCache and compiles every run.
 * NODE_DISABLE_COMPILE_CACHE, Node's own switch, turns it off; then not even the directory is made.
 */
function enableCompileCache(): void {
  const enable = (nodeModule as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
  if (!enable || process.env.NODE_DISABLE_COMPILE_CACHE) return;
  // The parent too: whoever may write there could swap the cache directory for one of their own.
  const root = privateDirectory(cacheRoot());
  const dir = root && privateDirectory(join(root, 'code-cache'));
  if (dir) enable(dir);
}
