// Options that may also come from the environment or a profile, resolved in one place.
import type { Context } from './context.js';
import { UsageError } from '../../errors.js';
import { loadProfile } from '../../io/config-file.js';
import { readUserFile } from '../../io/input.js';
import { envVarFor, resolveSetting, type ResolvedSetting } from '../../protocol/settings.js';
import { CLIENT_AUTH_METHODS, type ClientAuthMethod } from '../../protocol/client-auth.js';

export type Settings = Record<string, ResolvedSetting | undefined>;

const camel = (name: string) => name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Flags as commander parsed them: every value, and the (camelCase) names the user typed. */
export interface Flags {
  values: Record<string, unknown>;
  typed: ReadonlySet<string>;
}

/** Resolve the named long options (e.g. "issuer", "client-id") with flag > env > profile. */
export async function resolveCommandSettings(
  flags: Flags,
  names: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<Settings> {
  const opts = flags.values;
  const profile = await loadProfile(
    { profile: opts.profile as string | undefined, configFile: opts.config as string | undefined },
    env,
  );
  const out: Settings = {};
  for (const name of names) {
    // Commander reports defaults as if given; only values the user typed count as flags here.
    const key = camel(name);
    const fromCli = flags.typed.has(key) ? opts[key] : undefined;
    out[name] = resolveSetting({ name }, { flag: fromCli, env, profile });
    if (out[name] === undefined && opts[key] !== undefined) out[name] = { value: String(opts[key]), source: 'flag' };
  }
  return out;
}

export function settingValue(settings: Settings, name: string): string | undefined {
  return settings[name]?.value;
}

/** A missing required setting in a non-interactive run: exit 2 naming the flag and the env var. */
export function missingSetting(name: string): UsageError {
  return new UsageError(
    'missing_option',
    `missing --${name} (or set ${envVarFor(name)}, or use a --profile that has it)`,
  );
}

/** The client secret from --client-secret, OIDC_PROBE_CLIENT_SECRET, --client-secret-file or the profile. */
export async function resolveClientSecret(settings: Settings): Promise<string | undefined> {
  const direct = settings['client-secret']?.value;
  if (direct !== undefined) return direct;
  const file = settings['client-secret-file']?.value;
  if (file !== undefined) return (await readUserFile(file, '--client-secret-file')).replace(/\r?\n$/, '');
  return undefined;
}

/** Prompts are allowed only for a person at a terminal (cli-contract.md "Configuration"). */
export function canPrompt(ctx: Pick<Context, 'env' | 'stdin' | 'stderr'>): boolean {
  return Boolean(ctx.stdin.isTTY && ctx.stderr.isTTY) && !ctx.env.CI;
}

/** --auth-method must be one we know; the error lists them. */
export function checkAuthMethod(value: string | undefined): ClientAuthMethod | undefined {
  if (value === undefined) return undefined;
  if (!(CLIENT_AUTH_METHODS as readonly string[]).includes(value))
    throw new UsageError(
      'unknown_auth_method',
      `unknown --auth-method "${value}"; valid methods: ${CLIENT_AUTH_METHODS.join(', ')}`,
    );
  return value as ClientAuthMethod;
}
