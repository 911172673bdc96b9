// Non-interactive grants at the token endpoint: client_credentials, refresh_token, password,
// device code (RFC 8628), token exchange (RFC 8693), JWT bearer (RFC 7523); then the checks on
// what came back. Loaded only when the cache cannot answer.
import type { Context } from '../cli/context.js';
import { ProviderError, UsageError, UserStepError } from '../errors.js';
import { fetchDiscovery, type ProviderMetadata } from '../net/discovery.js';
import type { HttpClient } from '../net/http.js';
import { remoteJwksSource } from '../net/keys.js';
import { requestTokens } from '../net/token-endpoint.js';
import type { Check } from '../protocol/checks.js';
import { defaultClientAuthMethod, type ClientAuthMethod, type ClientAuthParts } from '../protocol/client-auth.js';
import { authenticateClient, type ClientSettings } from './client-authentication.js';
import { ClientKeyError, signGrantAssertion } from '../protocol/client-assertion.js';
import { checkRefreshedIdToken } from '../protocol/refresh-checks.js';
import { mtlsAlias } from '../protocol/mtls.js';
import { checkTokenType, parseTokenResponse, type TokenResponse } from '../protocol/token-response.js';
import { validateJwt } from '../protocol/validate-jwt.js';
import { escapeForTerminal } from '../render/escape.js';

export const GRANTS = {
  client_credentials: 'client_credentials',
  refresh_token: 'refresh_token',
  password: 'password',
  device_code: 'urn:ietf:params:oauth:grant-type:device_code',
  token_exchange: 'urn:ietf:params:oauth:grant-type:token-exchange',
  jwt_bearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
} as const;
export type GrantName = keyof typeof GRANTS;

export interface GrantRequest extends ClientSettings {
  grant: GrantName;
  issuer: string;
  authMethod?: ClientAuthMethod | undefined;
  scope?: string | undefined;
  audience?: string[] | undefined;
  resource?: string[] | undefined;
  refreshToken?: string | undefined;
  /** The ID token the refresh token came with, for the Core 12.2 comparison. */
  previousIdToken?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  subjectToken?: string | undefined;
  subjectTokenType?: string | undefined;
  actorToken?: string | undefined;
  actorTokenType?: string | undefined;
  requestedTokenType?: string | undefined;
  assertion?: string | undefined;
  /** A client certificate is presented: use the provider's mTLS endpoint aliases (RFC 8705 §5). */
  mtls?: boolean | undefined;
  /** JWT bearer without --assertion: the sub of the assertion we sign (default: the client id). */
  assertionSubject?: string | undefined;
}

export interface GrantOutcome {
  tokens: TokenResponse;
  checks: Check[];
  authMethod: ClientAuthMethod;
  tokenEndpoint: string;
}

export async function obtainTokens(ctx: Context, http: HttpClient, req: GrantRequest): Promise<GrantOutcome> {
  const { metadata } = await fetchDiscovery(http, req.issuer);
  const tokenEndpoint =
    mtlsAlias(metadata, 'token_endpoint', req.mtls) ?? stringField(metadata, 'token_endpoint', req.issuer);
  const advertised = Array.isArray(metadata.token_endpoint_auth_methods_supported)
    ? (metadata.token_endpoint_auth_methods_supported as string[])
    : undefined;
  const authMethod =
    req.authMethod ??
    (req.privateKey ? 'private_key_jwt' : defaultClientAuthMethod(req.clientSecret !== undefined, advertised));
  const auth = () => authenticateClient(authMethod, req, tokenEndpoint);

  if (req.grant === 'password') {
    ctx.warn(
      "the password grant hands the user's password to the client; the OAuth 2.0 Security BCP (RFC 9700 §2.4) says it MUST NOT be used. Use it only to debug a legacy setup.",
    );
  }
  if (req.grant === 'jwt_bearer' && !req.assertion && req.privateKey) {
    try {
      req = {
        ...req,
        assertion: await signGrantAssertion({
          issuer: req.clientId,
          subject: req.assertionSubject ?? req.clientId,
          audience: tokenEndpoint,
          privateKey: req.privateKey,
          signingAlg: req.signingAlg,
        }),
      };
    } catch (err) {
      if (err instanceof ClientKeyError) throw new UsageError('bad_private_key', err.message);
      throw err;
    }
  }
  let tokens: TokenResponse;
  try {
    tokens =
      req.grant === 'device_code'
        ? await deviceFlow(ctx, http, metadata, req, auth)
        : (await requestTokens(http, { endpoint: tokenEndpoint, auth: await auth(), params: grantParameters(req) }))
            .tokens;
  } catch (err) {
    throw withClientHint(err, authMethod, advertised);
  }
  const checks: Check[] = [checkTokenType(tokens, ['Bearer', 'DPoP', 'N_A'])];
  if (tokens.id_token !== undefined) {
    const keys = typeof metadata.jwks_uri === 'string' ? await remoteJwksSource(http, metadata.jwks_uri) : undefined;
    const v = await validateJwt(tokens.id_token, keys, {
      issuer: req.issuer,
      audience: [req.clientId],
      clientId: req.clientId,
      type: 'id_token',
      accessToken: tokens.access_token,
    });
    checks.push(...v.checks.map((c) => ({ ...c, source: 'id_token' })));
    if (req.grant === 'refresh_token') {
      const { decodeJwt } = await import('../protocol/jwt.js');
      let original: Record<string, unknown> | undefined;
      try {
        original = req.previousIdToken
          ? (decodeJwt(req.previousIdToken) as { payload?: Record<string, unknown> }).payload
          : undefined;
      } catch {
        original = undefined;
      }
      checks.push(...checkRefreshedIdToken(original, v.payload));
    }
  }
  return { tokens, checks, authMethod, tokenEndpoint };
}

function stringField(metadata: ProviderMetadata, field: string, issuer: string): string {
  const v = metadata[field];
  if (typeof v !== 'string') throw new UsageError('no_endpoint', `the provider ${issuer} advertises no ${field}`);
  return v;
}

function grantParameters(req: GrantRequest): Record<string, string | string[] | undefined> {
  const common = { scope: req.scope, resource: req.resource };
  switch (req.grant) {
    case 'client_credentials':
      return { grant_type: GRANTS.client_credentials, audience: req.audience?.[0], ...common };
    case 'refresh_token':
      if (!req.refreshToken)
        throw new UsageError(
          'missing_refresh_token',
          'the refresh_token grant needs --refresh-token (or a cached refresh token from `login --cache`)',
        );
      return { grant_type: GRANTS.refresh_token, refresh_token: req.refreshToken, ...common };
    case 'password':
      if (!req.username || req.password === undefined)
        throw new UsageError(
          'missing_credentials',
          'the password grant needs --username and --password-file (or OIDC_PROBE_PASSWORD)',
        );
      return { grant_type: GRANTS.password, username: req.username, password: req.password, ...common };
    case 'token_exchange':
      if (!req.subjectToken)
        throw new UsageError('missing_subject_token', 'token exchange needs --subject-token (RFC 8693 §2.1)');
      return {
        grant_type: GRANTS.token_exchange,
        subject_token: req.subjectToken,
        subject_token_type: req.subjectTokenType ?? 'urn:ietf:params:oauth:token-type:access_token',
        actor_token: req.actorToken,
        actor_token_type: req.actorToken
          ? (req.actorTokenType ?? 'urn:ietf:params:oauth:token-type:access_token')
          : undefined,
        requested_token_type: req.requestedTokenType,
        audience: req.audience,
        ...common,
      };
    case 'jwt_bearer':
      if (!req.assertion)
        throw new UsageError(
          'missing_assertion',
          'the JWT bearer grant needs --assertion <jwt>, or --private-key to sign one (RFC 7523 §2.1)',
        );
      return { grant_type: GRANTS.jwt_bearer, assertion: req.assertion, ...common };
    case 'device_code':
      throw new Error('device_code parameters come from the device authorization response');
  }
}

/** invalid_client & co: say which method was used and which the provider advertises. */
function withClientHint(err: unknown, method: ClientAuthMethod, advertised: string[] | undefined): unknown {
  if (
    !(err instanceof ProviderError) ||
    !['invalid_client', 'unauthorized_client', 'invalid_grant'].includes(err.error)
  )
    return err;
  const hint = `client authentication was ${method}; the provider advertises ${advertised?.join(', ') ?? 'no token_endpoint_auth_methods_supported'}`;
  return new ProviderError(
    { error: err.error, error_description: err.errorDescription, error_uri: err.errorUri },
    'the token endpoint',
    { hint },
  );
}

/** RFC 8628 §3.1–3.5: ask for a device code, tell the user where to go, poll at the interval. */
async function deviceFlow(
  ctx: Context,
  http: HttpClient,
  metadata: ProviderMetadata,
  req: GrantRequest,
  auth: () => Promise<ClientAuthParts>,
): Promise<TokenResponse> {
  const endpoint = stringField(metadata, 'device_authorization_endpoint', req.issuer);
  const a = await auth();
  const { json } = await http.json<Record<string, unknown>>({
    url: endpoint,
    method: 'POST',
    what: 'device authorization endpoint',
    headers: a.headers,
    form: { ...a.form, scope: req.scope, resource: req.resource },
  });
  const deviceCode = json.device_code;
  if (typeof deviceCode !== 'string')
    throw new UsageError('bad_device_response', 'the device authorization response has no device_code');
  const s = ctx.errStyle;
  const e = (v: unknown) => escapeForTerminal(String(v));
  const uri = e(json.verification_uri ?? json.verification_uri_complete);
  ctx.info(`${s.bold('To sign in')}, open ${s.cyan(uri)} and enter the code ${s.bold(e(json.user_code))}`);
  if (typeof json.verification_uri_complete === 'string') ctx.info(e(json.verification_uri_complete));
  const expiresIn = Number(json.expires_in) || 600;
  let interval = Number(json.interval) || 5;
  const deadline = Date.now() + expiresIn * 1000;
  const tokenEndpoint = stringField(metadata, 'token_endpoint', req.issuer);
  for (;;) {
    if (Date.now() >= deadline)
      throw new UserStepError(
        'device_code_expired',
        `the device code expired after ${expiresIn} s before the user finished`,
      );
    await new Promise((r) => setTimeout(r, interval * 1000));
    const a2 = await auth();
    const res = await http.request({
      url: tokenEndpoint,
      method: 'POST',
      what: 'token endpoint',
      headers: a2.headers,
      form: { ...a2.form, grant_type: GRANTS.device_code, device_code: deviceCode },
    });
    let body: Record<string, unknown> & { error?: string; error_description?: string } = {};
    try {
      body = JSON.parse(res.body.toString('utf8')) as typeof body;
    } catch {
      /* not JSON: handled below */
    }
    if (res.status >= 200 && res.status < 300) return parseTokenResponse(body);
    if (body.error === 'authorization_pending') continue;
    if (body.error === 'slow_down') {
      interval += 5;
      continue;
    } // RFC 8628 §3.5
    if (body.error === 'expired_token')
      throw new UserStepError(
        'device_code_expired',
        'the device code expired before the user finished (expired_token)',
      );
    if (body.error)
      throw new ProviderError({ error: body.error, error_description: body.error_description }, 'the token endpoint');
    throw new UsageError('bad_device_poll', `the token endpoint answered HTTP ${res.status} while polling`);
  }
}
