// Options that may also come from the environment or a profile, resolved in one place.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { loadProfile } from '../../io/config-file.js';
import { readUserFile } from '../../io/input.js';
import { envVarFor, resolveSetting, type ResolvedSetting } from '../../protocol/settings.js';
import { CLIENT_AUTH_METHODS, type ClientAuthMethod } from '../../protocol/client-auth.js';

export function addProfileOptions(cmd: Command): Command {
  return cmd
    .option('--profile <name>', 'use a profile from $XDG_CONFIG_HOME/oidc-probe/config.json (env OIDC_PROBE_PROFILE)')
    .option('--config <file>', 'read profiles from this file instead');
}

/** The options every command that talks to a token endpoint shares. */
export function addClientOptions(cmd: Command): Command {
  return cmd
    .option('--issuer <url>', 'the provider (env OIDC_PROBE_ISSUER)')
    .option('--client-id <id>', 'your client_id (env OIDC_PROBE_CLIENT_ID)')
    .option(
      '--client-secret <secret>',
      'client secret (prefer OIDC_PROBE_CLIENT_SECRET or --client-secret-file: keeps it out of ps and history)',
    )
    .option('--client-secret-file <file>', 'read the client secret from a file')
    .option(
      '--auth-method <method>',
      'client_secret_basic, client_secret_post, client_secret_jwt, private_key_jwt or none (default: from discovery and whether a secret was given)',
    )
    .option('--private-key <file>', "private_key_jwt: the client's private key (PEM or JWK)")
    .option('--signing-alg <alg>', "alg for client assertions (default HS256, or the private key's)")
    .option('--cert <pem>', 'tls_client_auth / self_signed_tls_client_auth: the client certificate (RFC 8705)')
    .option('--key <pem>', "the client certificate's private key");
}

export type Settings = Record<string, ResolvedSetting | undefined>;

const camel = (name: string) => name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Resolve the named long options (e.g. "issuer", "client-id") with flag > env > profile. */
export async function resolveCommandSettings(
  cmd: Command,
  names: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<Settings> {
  const opts = cmd.opts() as Record<string, unknown>;
  const profile = await loadProfile(
    { profile: opts.profile as string | undefined, configFile: opts.config as string | undefined },
    env,
  );
  const out: Settings = {};
  for (const name of names) {
    // Commander reports defaults as if given; only values the user typed count as flags here.
    const fromCli = cmd.getOptionValueSource(camel(name)) === 'cli' ? opts[camel(name)] : undefined;
    out[name] = resolveSetting({ name }, { flag: fromCli, env, profile });
    if (
      out[name] === undefined &&
      opts[camel(name)] !== undefined &&
      cmd.getOptionValueSource(camel(name)) === 'default'
    ) {
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
export function canPrompt(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY) && !env.CI;
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
