// Client authentication for a token endpoint request, with the user-facing errors in one place
// (login and token share it).
import type { JWK } from 'jose';
import { UsageError } from '../../errors.js';
import { ClientKeyError, clientAuthentication } from '../../protocol/client-assertion.js';
import { MissingClientSecret, type ClientAuthMethod, type ClientAuthParts } from '../../protocol/client-auth.js';

export interface ClientSettings {
  clientId: string;
  clientSecret?: string | undefined;
  privateKey?: JWK | undefined;
  signingAlg?: string | undefined;
}

export async function authenticateClient(
  method: ClientAuthMethod,
  client: ClientSettings,
  tokenEndpoint: string,
): Promise<ClientAuthParts> {
  try {
    return await clientAuthentication(method, client, {
      audience: tokenEndpoint,
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
