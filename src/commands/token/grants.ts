// Non-interactive grants at the token endpoint: client_credentials, refresh_token, password,
// device code (RFC 8628), token exchange (RFC 8693), JWT bearer (RFC 7523); then the checks on
// what came back. Loaded only when the cache cannot answer.
import type { Context } from '../shared/context.js';
import { ProviderError, UsageError } from '../../errors.js';
import { advertisedEndpoint, fetchDiscovery } from '../../io/discovery.js';
import type { HttpClient } from '../../io/http.js';
import { remoteJwksSource } from '../../io/keys.js';
import { requestTokens } from '../../io/token-endpoint.js';
import type { Check } from '../../protocol/checks.js';
import type { ClientAuthMethod } from '../../protocol/client-auth.js';
import { deviceCodeTokens } from '../shared/device-authorization.js';
import { authenticateClient, clientAuthMethodFor, type ClientSettings } from '../shared/client.js';
import { ClientKeyError, signGrantAssertion } from '../../protocol/client-assertion.js';
import { checkRefreshedIdToken, refreshWithoutIdToken } from '../../protocol/refresh-checks.js';
import { mtlsAlias } from '../../protocol/mtls.js';
import { checkExpiresIn, checkTokenType, type TokenResponse } from '../../protocol/token-response.js';
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
import { checkDpopTokenType, type DpopKey } from '../../protocol/dpop.js';
import { withQuirkHints } from '../../protocol/provider-quirks.js';
import { accessTokenBindingChecks } from '../../protocol/token-binding.js';

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
    advertisedEndpoint(metadata, 'token_endpoint', { issuer: req.issuer });
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
        ? (
            await deviceCodeTokens(ctx, http, metadata, {
              issuer: req.issuer,
              tokenEndpoint,
              auth,
              scope: req.scope,
              resource: req.resource,
            })
          ).tokens
        : (await requestTokens(http, { endpoint: tokenEndpoint, auth: await auth(), params: grantParameters(req) }))
            .tokens;
  } catch (err) {
    throw withClientHint(err, authMethod, advertised);
  }
  const checks: Check[] = [checkTokenType(tokens, ['Bearer', 'DPoP', 'N_A'])];
  if (req.dpopKey) checks.push(checkDpopTokenType(tokens.token_type));
  if (tokens.access_token !== undefined)
    checks.push(
      ...accessTokenBindingChecks(tokens.access_token, {
        dpopKey: req.dpopKey,
        certificate: req.certificate,
        metadata,
      }),
    );
  const authorizationDetails = req.authorizationDetails
    ? compareAuthorizationDetails(req.authorizationDetails, grantedAuthorizationDetails(tokens.raw))
    : undefined;
  if (tokens.access_token !== undefined) checks.push(checkExpiresIn(tokens.raw));
  // Core 12.2: a refresh may leave the ID token out.
  if (tokens.id_token === undefined && req.grant === 'refresh_token') checks.push(refreshWithoutIdToken());
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
  return {
    tokens,
    checks: withQuirkHints(checks, { issuer: req.issuer, metadata }),
    authMethod,
    tokenEndpoint,
    ...(authorizationDetails ? { authorizationDetails } : {}),
  };
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
