// Where each setting comes from (cli-contract.md "Configuration"): flag > environment > profile.
// Pure: the caller hands in the three sources.

export type SettingSource = 'flag' | 'env' | 'profile';

export interface SettingSpec {
  /** Long option name without dashes, e.g. "client-id". */
  name: string;
  /** Environment variable; defaults to OIDC_PROBE_<NAME>. */
  env?: string;
}

export interface ResolvedSetting {
  value: string;
  source: SettingSource;
}

export function envVarFor(name: string): string {
  return 'OIDC_PROBE_' + name.replace(/-/g, '_').toUpperCase();
}

/** Profile keys are the option names in snake_case ("client_id"); camelCase and kebab-case are accepted too. */
export function profileValue(profile: Record<string, unknown> | undefined, name: string): unknown {
  if (!profile) return undefined;
  const snake = name.replace(/-/g, '_');
  const camel = name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
  for (const key of [snake, name, camel]) if (profile[key] !== undefined) return profile[key];
  return undefined;
}

export function resolveSetting(
  spec: SettingSpec,
  sources: { flag?: unknown; env: Record<string, string | undefined>; profile?: Record<string, unknown> | undefined },
): ResolvedSetting | undefined {
  if (sources.flag !== undefined && sources.flag !== null && sources.flag !== '')
    return { value: String(sources.flag), source: 'flag' };
  const envValue = sources.env[spec.env ?? envVarFor(spec.name)];
  if (envValue !== undefined && envValue !== '') return { value: envValue, source: 'env' };
  const fromProfile = profileValue(sources.profile, spec.name);
  if (fromProfile !== undefined && fromProfile !== null && fromProfile !== '') {
    return { value: Array.isArray(fromProfile) ? fromProfile.join(' ') : String(fromProfile), source: 'profile' };
  }
  return undefined;
}
