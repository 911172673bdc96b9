// Non-interactive grants at the token endpoint: client_credentials, refresh_token, password,
// device code (RFC 8628), token exchange (RFC 8693), JWT bearer (RFC 7523); then the checks on
// what came back. Loaded only when the cache cannot answer.
import type { Context } from '../shared/context.js';
import { NetworkError, ProviderError, UsageError, UserStepError } from '../../errors.js';
import { advertisedEndpoint, fetchDiscovery, type ProviderMetadata } from '../../io/discovery.js';
import { errorForStatus, jsonBody, type HttpClient } from '../../io/http.js';
import { remoteJwksSource } from '../../io/keys.js';
import { requestTokens } from '../../io/token-endpoint.js';
import type { Check } from '../../protocol/checks.js';
import type { ClientAuthMethod, ClientAuthParts } from '../../protocol/client-auth.js';
import { authenticateClient, clientAuthMethodFor, type ClientSettings } from '../shared/client.js';
import { ClientKeyError, signGrantAssertion } from '../../protocol/client-assertion.js';
import { afterSlowDown, deviceCodeLifetime, initialPollInterval, pollDelayMs } from '../../protocol/device-polling.js';
import { checkRefreshedIdToken } from '../../protocol/refresh-checks.js';
import { mtlsAlias } from '../../protocol/mtls.js';
import { checkTokenType, parseTokenResponse, type TokenResponse } from '../../protocol/token-response.js';
import { validateJwt } from '../../protocol/validate-jwt.js';
import { GRANT_TYPES, type GrantName } from '../../protocol/grants.js';
import { createDpopSession, withDpop } from '../../io/dpop-client.js';
import {
  authorizationDetailsParameter,
  compareAuthorizationDetails,
  grantedAuthorizationDetails,
  type AuthorizationDetail,
  type AuthorizationDetailComparison,
} from '../../protocol/authorization-details.js';
import { certificateThumbprint, checkAccessTokenCertificateBinding } from '../../protocol/cnf.js';
import { checkAccessTokenDpopBinding, checkDpopTokenType, type DpopKey } from '../../protocol/dpop.js';
import { escapeForTerminal } from '../../render/escape.js';

export interface GrantRequest extends ClientSettings {
  grant: GrantName;
  issuer: string;
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
  /** JWT bearer without --assertion: the sub of the assertion we sign (default: the client id). */
  assertionSubject?: string | undefined;
  /** RFC 9449: every token request carries a proof signed with this key. */
  dpopKey?: DpopKey | undefined;
  /** RFC 9396: authorization_details asked for. */
  authorizationDetails?: AuthorizationDetail[] | undefined;
}

export interface GrantOutcome {
  tokens: TokenResponse;
  checks: Check[];
  authMethod: ClientAuthMethod;
  tokenEndpoint: string;
  /** RFC 9396 §7: what was granted beside what was asked. */
  authorizationDetails?: AuthorizationDetailComparison[];
}

export async function obtainTokens(ctx: Context, plainHttp: HttpClient, req: GrantRequest): Promise<GrantOutcome> {
  const { metadata } = await fetchDiscovery(plainHttp, req.issuer);
  // RFC 9449 §5, §8: a fresh proof on every token request (each device-code poll too), nonce challenges answered.
  const http = req.dpopKey ? withDpop(plainHttp, createDpopSession(req.dpopKey)) : plainHttp;
  const tokenEndpoint =
    mtlsAlias(metadata, 'token_endpoint', req.certificate !== undefined) ??
    stringField(metadata, 'token_endpoint', req.issuer);
  const advertised = Array.isArray(metadata.token_endpoint_auth_methods_supported)
    ? (metadata.token_endpoint_auth_methods_supported as string[])
    : undefined;
  const authMethod = clientAuthMethodFor(req, advertised);
  const auth = () => authenticateClient(authMethod, req, tokenEndpoint);

  if (req.grant === 'password') {
    ctx.warn(
      "the password grant hands the user's password to the client; the OAuth 2.0 Security BCP (RFC " +
        '9700 §2.4) says it MUST NOT be used. Use it only to debug a legacy setup.',
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
  if (req.dpopKey) {
    checks.push(checkDpopTokenType(tokens.token_type));
    if (tokens.access_token !== undefined)
      checks.push(checkAccessTokenDpopBinding(tokens.access_token, req.dpopKey.thumbprint));
  }
  // RFC 8705 §3.1: a token issued over mTLS names the certificate it is bound to.
  if (req.certificate && tokens.access_token !== undefined)
    checks.push(
      checkAccessTokenCertificateBinding(
        tokens.access_token,
        certificateThumbprint(req.certificate.cert),
        metadata.tls_client_certificate_bound_access_tokens === true,
      ),
    );
  const authorizationDetails = req.authorizationDetails
    ? compareAuthorizationDetails(req.authorizationDetails, grantedAuthorizationDetails(tokens.raw))
    : undefined;
  if (tokens.id_token !== undefined) {
    const keys =
      typeof metadata.jwks_uri === 'string' ? await remoteJwksSource(plainHttp, metadata.jwks_uri) : undefined;
    const v = await validateJwt(tokens.id_token, keys, {
      issuer: req.issuer,
      audience: [req.clientId],
      clientId: req.clientId,
      type: 'id_token',
      accessToken: tokens.access_token,
    });
    checks.push(...v.checks.map((c) => ({ ...c, source: 'id_token' })));
    if (req.grant === 'refresh_token') {
      const { decodeJwt } = await import('../../protocol/jwt.js');
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
  return { tokens, checks, authMethod, tokenEndpoint, ...(authorizationDetails ? { authorizationDetails } : {}) };
}

function stringField(metadata: ProviderMetadata, field: string, issuer: string): string {
  return advertisedEndpoint(metadata, field, { issuer });
}

function grantParameters(req: GrantRequest): Record<string, string | string[] | undefined> {
  const common = {
    scope: req.scope,
    resource: req.resource,
    // RFC 9396 §6: authorization_details in a token request, for grants without an authorization request.
    ...(req.authorizationDetails
      ? { authorization_details: authorizationDetailsParameter(req.authorizationDetails) }
      : {}),
  };
  switch (req.grant) {
    case 'client_credentials':
      return { grant_type: GRANT_TYPES.client_credentials, audience: req.audience?.[0], ...common };
    case 'refresh_token':
      if (!req.refreshToken)
        throw new UsageError(
          'missing_refresh_token',
          'the refresh_token grant needs --refresh-token (or a cached refresh token from `login --cache`)',
        );
      return { grant_type: GRANT_TYPES.refresh_token, refresh_token: req.refreshToken, ...common };
    case 'password':
      if (!req.username || req.password === undefined)
        throw new UsageError(
          'missing_credentials',
          'the password grant needs --username and --password-file (or OIDC_PROBE_PASSWORD)',
        );
      return { grant_type: GRANT_TYPES.password, username: req.username, password: req.password, ...common };
    case 'token_exchange':
      if (!req.subjectToken)
        throw new UsageError('missing_subject_token', 'token exchange needs --subject-token (RFC 8693 §2.1)');
      return {
        grant_type: GRANT_TYPES.token_exchange,
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
      return { grant_type: GRANT_TYPES.jwt_bearer, assertion: req.assertion, ...common };
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
  const hint =
    `client authentication was ${method}; the provider advertises ` +
    `${advertised?.join(', ') ?? 'no token_endpoint_auth_methods_supported'}`;
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
  // RFC 8628 §3.2: device_code is REQUIRED; without it there is nothing to poll with (the provider's fault: exit 3).
  if (typeof deviceCode !== 'string' || deviceCode === '')
    throw new NetworkError(
      'bad_device_response',
      `the device authorization response from ${endpoint} has no device_code (RFC 8628 §3.2)`,
    );
  const s = ctx.errStyle;
  const e = (v: unknown) => escapeForTerminal(String(v));
  const verificationUri = e(json.verification_uri ?? json.verification_uri_complete);
  ctx.info(`${s.bold('To sign in')}, open ${s.cyan(verificationUri)} and enter the code ${s.bold(e(json.user_code))}`);
  if (typeof json.verification_uri_complete === 'string') ctx.info(e(json.verification_uri_complete));
  const expiresIn = deviceCodeLifetime(json.expires_in);
  const start = initialPollInterval(json.interval);
  if (start.adjusted) ctx.warn(`the device authorization response's ${start.adjusted}`);
  let interval = start.seconds;
  const deadline = Date.now() + expiresIn * 1000;
  const tokenEndpoint = stringField(metadata, 'token_endpoint', req.issuer);
  for (;;) {
    await new Promise((r) => setTimeout(r, pollDelayMs(interval, deadline - Date.now())));
    if (Date.now() >= deadline)
      throw new UserStepError(
        'device_code_expired',
        `the device code expired after ${expiresIn} s before the user finished`,
      );
    const a2 = await auth();
    const res = await http.request({
      url: tokenEndpoint,
      method: 'POST',
      what: 'token endpoint',
      headers: a2.headers,
      form: { ...a2.form, grant_type: GRANT_TYPES.device_code, device_code: deviceCode },
    });
    const body = jsonBody(res, 'token endpoint');
    if (res.status >= 200 && res.status < 300) {
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        throw new NetworkError(
          'invalid_json',
          `the token endpoint at ${tokenEndpoint} answered HTTP ${res.status} without a JSON object while polling`,
        );
      return parseTokenResponse(body as Record<string, unknown>);
    }
    const error = (body as { error?: unknown } | undefined)?.error;
    if (error === 'authorization_pending') continue;
    // RFC 8628 §3.5: slow_down raises the interval for this and all later requests.
    if (error === 'slow_down') {
      interval = afterSlowDown(interval);
      continue;
    }
    if (error === 'expired_token')
      throw new UserStepError(
        'device_code_expired',
        'the device code expired before the user finished (expired_token)',
      );
    // Any other OAuth error body is the provider speaking (exit 4); anything else is exit 3.
    throw errorForStatus(res, 'the token endpoint', body);
  }
}
