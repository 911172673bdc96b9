// Profiles from $XDG_CONFIG_HOME/oidc-probe/config.json (or --config FILE):
// {"profiles": {"ci": {"issuer": "…", "client_id": "…", "client_secret_file": "…"}}}
// Read like every file the user names (io/input.ts): synchronously, at most 1 MiB.
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { homeDirectory } from './cache-location.js';
import { readAtMostOneMiB } from './input.js';

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME?.startsWith('/') ? env.XDG_CONFIG_HOME : join(homeDirectory(env), '.config');
  return join(base, 'oidc-probe', 'config.json');
}

export async function loadProfile(
  opts: { profile?: string | undefined; configFile?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): Promise<Record<string, unknown> | undefined> {
  const profileName = opts.profile ?? env.OIDC_PROBE_PROFILE;
  if (profileName === undefined && opts.configFile === undefined) return undefined;
  const path = opts.configFile ?? defaultConfigPath(env);
  let text: string;
  try {
    text = readAtMostOneMiB(path, `the config file ${path}`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (opts.configFile === undefined && code === 'ENOENT') {
      throw new UsageError(
        'unknown_profile',
        `profile "${profileName}" not found: there is no config file at ${path}`,
        { hint: 'create it with {"profiles": {"NAME": {"issuer": "…", "client_id": "…"}}} or pass --config FILE' },
      );
    }
    throw new UsageError(
      'unreadable_config',
      `cannot read the config file ${path}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError('bad_config', `the config file ${path} is not JSON: ${(err as Error).message}`);
  }
  const profiles = (doc as { profiles?: unknown } | null)?.profiles;
  if (typeof profiles !== 'object' || profiles === null || Array.isArray(profiles)) {
    throw new UsageError('bad_config', `the config file ${path} has no "profiles" object`);
  }
  const table = profiles as Record<string, unknown>;
  const name = profileName ?? 'default';
  const profile = table[name];
  if (profile === undefined) {
    if (profileName === undefined) return undefined;
    const known = Object.keys(table);
    throw new UsageError(
      'unknown_profile',
      `profile "${name}" is not in ${path}${known.length ? ` (it has: ${known.join(', ')})` : ''}`,
    );
  }
  if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) {
    throw new UsageError('bad_config', `profile "${name}" in ${path} is not an object`);
  }
  return profile as Record<string, unknown>;
}
