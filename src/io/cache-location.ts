// Where oidc-probe keeps what it caches: $XDG_CACHE_HOME/oidc-probe (an absolute XDG_CACHE_HOME
// only, per the XDG base directory spec), else ~/.cache/oidc-probe.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME?.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'oidc-probe');
}
