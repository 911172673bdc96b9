// Options that may also come from the environment or a profile, resolved in one place.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { loadProfile } from '../net/config-file.js';
import { readUserFile } from '../net/input.js';
import { envVarFor, resolveSetting, type ResolvedSetting } from '../protocol/settings.js';

export function addProfileOptions(cmd: Command): Command {
  return cmd
    .option('--profile <name>', 'use a profile from $XDG_CONFIG_HOME/oidc-probe/config.json (env OIDC_PROBE_PROFILE)')
    .option('--config <file>', 'read profiles from this file instead');
}

export type Settings = Record<string, ResolvedSetting | undefined>;

const camel = (name: string) => name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Resolve the named long options (e.g. "issuer", "client-id") with flag > env > profile. */
export async function resolveCommandSettings(cmd: Command, names: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Settings> {
  const opts = cmd.opts() as Record<string, unknown>;
  const profile = await loadProfile({ profile: opts.profile as string | undefined, configFile: opts.config as string | undefined }, env);
  const out: Settings = {};
  for (const name of names) {
    // Commander reports defaults as if given; only values the user typed count as flags here.
    const fromCli = cmd.getOptionValueSource(camel(name)) === 'cli' ? opts[camel(name)] : undefined;
    out[name] = resolveSetting({ name }, { flag: fromCli, env, profile });
    if (out[name] === undefined && opts[camel(name)] !== undefined && cmd.getOptionValueSource(camel(name)) === 'default') {
      out[name] = { value: String(opts[camel(name)]), source: 'flag' };
    }
  }
  return out;
}

export function settingValue(settings: Settings, name: string): string | undefined {
  return settings[name]?.value;
}

/** A missing required setting in a non-interactive run: exit 2 naming the flag and the env var. */
export function missingSetting(name: string): UsageError {
  return new UsageError('missing_option', `missing --${name} (or set ${envVarFor(name)}, or use a --profile that has it)`);
}

export function requireSetting(settings: Settings, name: string): string {
  const v = settings[name]?.value;
  if (v === undefined) throw missingSetting(name);
  return v;
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
export function canPrompt(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY) && !env.CI;
}
