// Where oidc-probe keeps what it caches: $XDG_CACHE_HOME/oidc-probe (an absolute XDG_CACHE_HOME
// only, per the XDG base directory spec), else ~/.cache/oidc-probe.
import { join } from 'node:path';

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME?.startsWith('/') ? env.XDG_CACHE_HOME : join(homeDirectory(env), '.cache');
  return join(base, 'oidc-probe');
}

/** The token cache (src/io/token-cache.ts), named without loading it: main.ts needs only the name. */
export function tokenCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), 'tokens');
}

/**
 * The user's home: $HOME, as os.homedir() gives it when HOME is set, else os.homedir() (the
 * account's entry). node:os only then: loading it costs every start-up ~0.5 ms.
 */
export function homeDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return env.HOME || process.getBuiltinModule('node:os').homedir();
}
