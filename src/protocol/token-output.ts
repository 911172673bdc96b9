// The machine formats of `token --output`: a Kubernetes client-go credential plugin answer
// (client.authentication.k8s.io/v1 ExecCredential) and shell assignments for `eval` and
// GitHub Actions' $GITHUB_ENV. Pure: the tokens in, the text (or the reason there is none) out.

/** What `token --output` can print. */
export const TOKEN_OUTPUTS = ['raw', 'json', 'table', 'exec-credential', 'env'] as const;
export type TokenOutput = (typeof TOKEN_OUTPUTS)[number];

export const EXEC_CREDENTIAL_API_VERSION = 'client.authentication.k8s.io/v1';

export interface ExecCredential {
  apiVersion: typeof EXEC_CREDENTIAL_API_VERSION;
  kind: 'ExecCredential';
  status: { token: string; expirationTimestamp?: string };
}

/** The exp of a JWT, when it is one and has a numeric exp. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp : undefined;
  } catch {
    return undefined;
  }
}

/** RFC 3339 in UTC without fractions, as Kubernetes' metav1.Time is written. */
const rfc3339 = (epochSeconds: number) =>
  new Date(Math.floor(epochSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The credential kubectl sends as a bearer token: the ID token when the grant gave one (what the
 * API server's OIDC authenticator verifies), else the access token; with its expiry when known,
 * so that kubectl asks again in time (client-go caches the credential until then).
 */
export function execCredential(tokens: {
  accessToken: string;
  accessTokenExpiresAt?: number | undefined;
  idToken?: string | undefined;
}): ExecCredential {
  const token = tokens.idToken ?? tokens.accessToken;
  const expiry = tokens.idToken !== undefined ? jwtExpiry(tokens.idToken) : tokens.accessTokenExpiresAt;
  return {
    apiVersion: EXEC_CREDENTIAL_API_VERSION,
    kind: 'ExecCredential',
    status: { token, ...(expiry !== undefined ? { expirationTimestamp: rfc3339(expiry) } : {}) },
  };
}

/** Characters a token may hold that are safe unquoted after NAME= (no ~: bash expands it there). */
const BARE = /^[A-Za-z0-9._+/=:-]+$/;
/** RFC 6749 Appendix A: tokens are VSCHAR (%x20-7E); anything else could break out of a line. */
const VSCHAR = /^[\x20-\x7e]*$/;

/**
 * `NAME=value` lines, one per token. The usual token characters stay bare (so the line also works
 * in $GITHUB_ENV, which does not unquote); anything else is single-quoted for the shell. A value
 * with a character outside VSCHAR (a newline could add a variable of its own) is refused: the
 * reason comes back instead.
 */
export function envAssignments(values: Record<string, string | undefined>): { text: string } | { refused: string } {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (!VSCHAR.test(value))
      return { refused: `${name} has characters outside RFC 6749's VSCHAR (a token never has): not printed` };
    lines.push(`${name}=${BARE.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`}`);
  }
  return { text: lines.join('\n') };
}
