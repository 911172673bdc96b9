// Client authentication at the token endpoint (RFC 6749 §2.3.1; OIDC Core §9). Pure: it says which
// headers and form fields a request carries; it sends nothing.

export const CLIENT_AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'tls_client_auth',
  'self_signed_tls_client_auth',
  'none',
] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

export interface ClientCredentials {
  clientId: string;
  clientSecret?: string | undefined;
}

export interface ClientAuthParts {
  headers: Record<string, string>;
  form: Record<string, string>;
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined for Basic. */
function basicCredentials(clientId: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString('base64');
}

/** The parts for the secret-based and public methods; the JWT and mTLS methods build on this elsewhere. */
export function clientAuthParts(method: ClientAuthMethod, client: ClientCredentials): ClientAuthParts {
  switch (method) {
    case 'client_secret_basic':
      return {
        headers: { authorization: `Basic ${basicCredentials(client.clientId, requireSecret(client, method))}` },
        form: {},
      };
    case 'client_secret_post':
      return { headers: {}, form: { client_id: client.clientId, client_secret: requireSecret(client, method) } };
    case 'none':
    case 'tls_client_auth':
    case 'self_signed_tls_client_auth':
      // RFC 8705 §2: mTLS clients send client_id in the body; the certificate authenticates them.
      return { headers: {}, form: { client_id: client.clientId } };
    default:
      throw new Error(`clientAuthParts does not build ${method}; use the client assertion builder`);
  }
}

function requireSecret(client: ClientCredentials, method: ClientAuthMethod): string {
  if (client.clientSecret === undefined || client.clientSecret === '') {
    throw new MissingClientSecret(method);
  }
  return client.clientSecret;
}

export class MissingClientSecret extends Error {
  override name = 'MissingClientSecret';
  constructor(readonly method: ClientAuthMethod) {
    super(`the ${method} client authentication method needs a client secret`);
  }
}

export interface ClientAuthChoice {
  /** --auth-method, when the user named one. */
  explicit?: ClientAuthMethod | undefined;
  hasSecret: boolean;
  hasPrivateKey: boolean;
  /** What the provider advertises for this endpoint (discovery), if known. */
  supported?: readonly string[] | undefined;
}

/**
 * The one decision of how a client authenticates when the user names no method (every command):
 * a private key means private_key_jwt (RFC 7523 §2.2); a secret means client_secret_basic when the
 * provider allows it (RFC 6749 §2.3.1 makes Basic the one every server supports), else
 * client_secret_post; nothing means a public client ("none").
 */
export function chooseClientAuthMethod(choice: ClientAuthChoice): ClientAuthMethod {
  if (choice.explicit) return choice.explicit;
  if (choice.hasPrivateKey) return 'private_key_jwt';
  if (!choice.hasSecret) return 'none';
  const list = choice.supported ?? ['client_secret_basic'];
  if (list.includes('client_secret_basic')) return 'client_secret_basic';
  if (list.includes('client_secret_post')) return 'client_secret_post';
  return 'client_secret_basic';
}
