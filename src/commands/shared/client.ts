// The client a command acts as: its id and credentials from the settings, the one choice of
// authentication method, and the user-facing errors of building that authentication. Every
// command that authenticates a client (login, token, introspect, revoke) goes through here.
import type { JWK } from 'jose';
import { UsageError } from '../../errors.js';
import { loadClientCertificate, loadPrivateKeyFile } from '../../io/keys.js';
import { ClientKeyError, clientAuthentication } from '../../protocol/client-assertion.js';
import {
  chooseClientAuthMethod,
  MissingClientSecret,
  type ClientAuthMethod,
  type ClientAuthParts,
} from '../../protocol/client-auth.js';
import type { Context } from './context.js';
import { checkAuthMethod, resolveClientSecret, settingValue, type Settings } from './settings.js';

/** The settings names resolve() needs (flag > env > profile). */
export const CLIENT_SETTING_NAMES = [
  'client-secret',
  'client-secret-file',
  'auth-method',
  'private-key',
  'signing-alg',
  'cert',
  'cert-key',
  'key',
] as const;

export interface ClientSettings {
  clientId: string;
  clientSecret?: string | undefined;
  privateKey?: JWK | undefined;
  signingAlg?: string | undefined;
  /** --auth-method, when given. */
  authMethod?: ClientAuthMethod | undefined;
  /** RFC 8705: a client certificate is presented (the endpoints' mTLS aliases are used). */
  certificate?: { cert: string; key: string } | undefined;
}

/** The client's credentials from resolved settings; files are read and checked here. */
export async function resolveClient(ctx: Context, settings: Settings, clientId: string): Promise<ClientSettings> {
  const authMethod = checkAuthMethod(settingValue(settings, 'auth-method'));
  const privateKeyPath = settingValue(settings, 'private-key');
  let certKey = settingValue(settings, 'cert-key');
  if (certKey === undefined && settingValue(settings, 'key') !== undefined) {
    certKey = settingValue(settings, 'key');
    ctx.warn("--key is deprecated for the client certificate's key; use --cert-key");
  }
  return {
    clientId,
    clientSecret: await resolveClientSecret(settings),
    privateKey: privateKeyPath ? await loadPrivateKeyFile(privateKeyPath) : undefined,
    signingAlg: settingValue(settings, 'signing-alg'),
    authMethod,
    certificate: await loadClientCertificate(settingValue(settings, 'cert'), certKey, authMethod),
  };
}

/** The method this client uses at an endpoint whose advertised methods are `supported`. */
export function clientAuthMethodFor(client: ClientSettings, supported: unknown): ClientAuthMethod {
  return chooseClientAuthMethod({
    explicit: client.authMethod,
    hasSecret: client.clientSecret !== undefined,
    hasPrivateKey: client.privateKey !== undefined,
    supported: Array.isArray(supported) ? (supported as string[]) : undefined,
  });
}

export async function authenticateClient(
  method: ClientAuthMethod,
  client: ClientSettings,
  endpoint: string,
): Promise<ClientAuthParts> {
  try {
    return await clientAuthentication(method, client, {
      audience: endpoint,
      privateKey: client.privateKey,
      signingAlg: client.signingAlg,
    });
  } catch (err) {
    if (err instanceof MissingClientSecret)
      throw new UsageError('missing_client_secret', `--auth-method ${method} needs a client secret`, {
        hint: 'pass --client-secret-file, set OIDC_PROBE_CLIENT_SECRET, or use --auth-method none for a public client',
      });
    if (err instanceof ClientKeyError) throw new UsageError('bad_private_key', err.message);
    throw err;
  }
}
