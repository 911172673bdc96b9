// `login`: discovery → listener → authorization request → response on one of three channels →
// front-channel checks → (only if they all pass) code redemption → ID token checks → userinfo.
// Every step adds rows; nothing from a failed front channel is used (Core 3.2.2.x, 3.3.2.x).
import type { Context } from '../shared/context.js';
import { ProviderError } from '../../errors.js';
import type { HttpClient } from '../../io/http.js';
import { advertisedEndpoint, fetchDiscovery } from '../../io/discovery.js';
import { remoteJwksSource } from '../../io/keys.js';
import { startLoopbackListener, type AuthorizationResponse } from '../../io/loopback-listener.js';
import { openOrPrint } from '../../io/browser.js';
import { requestTokens } from '../../io/token-endpoint.js';
import { fetchUserinfo } from '../../io/userinfo.js';
import { runRecorderFor } from '../../io/run-recorder.js';
import {
  buildAuthorizationUrl,
  checkIssParameter,
  checkState,
  randomValue,
} from '../../protocol/authorization-request.js';
import { fail, isValid, pass, skip, type Check } from '../../protocol/checks.js';
import { authenticateClient, clientAuthMethodFor, type ClientSettings } from '../shared/client.js';
import { mtlsAlias } from '../../protocol/mtls.js';
import { BACK_CHANNEL, validateIdTokenFrom } from '../../protocol/front-channel-checks.js';
import type { KeySource } from '../../protocol/jws-signature.js';
import { defaultResponseMode, type ResponseMode, type ResponseType } from '../../protocol/response-type.js';
import { checkTokenType, type TokenResponse } from '../../protocol/token-response.js';
import { validateUserinfo } from '../../protocol/userinfo.js';
import { checkPkce } from '../../protocol/pkce.js';
import type { JwtExpectations, JwtValidation } from '../../protocol/validate-jwt.js';
import { inspectAccessToken, type AccessTokenView } from '../shared/access-token.js';
import {
  evaluateAuthorizationResponse,
  checkBackChannelIdToken,
  type FrontChannelEvaluation,
} from './front-channel.js';

export interface LoginSettings extends ClientSettings {
  issuer: string;
  responseType: ResponseType;
  responseMode: ResponseMode;
  /** The user asked for this response mode (flag, environment or profile): it is sent even when it is the default. */
  responseModeRequested?: boolean | undefined;
  scope: string;
  redirectUri: string;
  pkce: boolean;
  prompt?: string | undefined;
  loginHint?: string | undefined;
  acrValues?: string | undefined;
  maxAge?: number | undefined;
  params: Record<string, string>;
  openBrowser: boolean;
  timeoutSeconds: number;
  userinfo: boolean;
  /** Core 3.1.3.7 item 3: other audiences the client trusts, and whether untrusted ones fail. */
  trustedAudiences?: string[] | undefined;
  strictAudience?: boolean | undefined;
}

export interface LoginResult {
  valid: boolean;
  request?: Record<string, unknown>;
  callback?: {
    channel: string;
    params: Record<string, string>;
    parameters: { name: string; channel: string }[];
    redeemed: boolean;
    not_redeemed_reason?: string;
  };
  tokens?: Record<string, unknown>;
  front_channel_id_token?: { header: Record<string, unknown>; payload: Record<string, unknown>; checks: Check[] };
  id_token?: { header: Record<string, unknown>; payload: Record<string, unknown>; checks: Check[] };
  access_token?: AccessTokenView;
  userinfo?: { claims: Record<string, unknown>; checks: Check[] };
  checks: Check[];
}

/** What the human renderer needs besides the JSON document. */
export interface LoginView {
  result: LoginResult;
  front?: FrontChannelEvaluation;
}

export async function runLogin(ctx: Context, http: HttpClient, s: LoginSettings): Promise<LoginView> {
  const checks: Check[] = [];
  const { metadata } = await fetchDiscovery(http, s.issuer);
  // Discovery §4.3: the issuer in the document must be identical to the one asked for; stop before the browser.
  if (metadata.issuer !== s.issuer) {
    checks.push(
      fail(
        'discovery.issuer',
        `the discovery document says issuer "${String(metadata.issuer)}", you asked for "${s.issuer}" (they must be identical, Discovery §4.3); stopped before the authorization request`,
        { expected: s.issuer, actual: metadata.issuer },
      ),
    );
    return { result: { valid: false, checks } };
  }
  checks.push(pass('discovery.issuer', 'the discovery document names the issuer asked for'));
  const endpoint = (name: string): string => advertisedEndpoint(metadata, name, { issuer: s.issuer });
  const authorizationEndpoint = endpoint('authorization_endpoint');
  const tokenEndpoint = () =>
    mtlsAlias(metadata, 'token_endpoint', s.certificate !== undefined) ?? endpoint('token_endpoint');
  const keys: KeySource | undefined =
    typeof metadata.jwks_uri === 'string' ? await remoteJwksSource(http, metadata.jwks_uri) : undefined;
  const authMethod = s.responseType.code
    ? clientAuthMethodFor(s, metadata.token_endpoint_auth_methods_supported)
    : undefined;
  // Settle client authentication before the browser opens: a missing secret is found now, not after sign-in.
  if (authMethod) await authenticateClient(authMethod, s, tokenEndpoint());

  const state = randomValue();
  const nonce = randomValue();
  const codeVerifier = s.pkce && s.responseType.code ? randomValue() : undefined;

  const listener = await startLoopbackListener(s.redirectUri, {
    timeoutSeconds: s.timeoutSeconds,
    expectFragment: s.responseMode === 'fragment',
    state,
    warn: (m) => ctx.warn(m),
  });
  const stopOnInterrupt = ctx.onInterrupt(() => listener.close());
  let response: AuthorizationResponse;
  // Multiple Response Types §2.1: the default mode needs no parameter, but a provider may not apply the
  // default the spec names; what the user asked for is sent as asked.
  const responseModeSent = s.responseModeRequested || s.responseMode !== defaultResponseMode(s.responseType);
  try {
    const url = buildAuthorizationUrl({
      authorizationEndpoint,
      clientId: s.clientId,
      redirectUri: listener.redirectUri,
      responseType: s.responseType,
      responseMode: responseModeSent ? s.responseMode : undefined,
      scope: s.scope,
      state,
      nonce,
      codeVerifier,
      prompt: s.prompt,
      loginHint: s.loginHint,
      acrValues: s.acrValues,
      maxAge: s.maxAge,
      extra: s.params,
    });
    if (ctx.json) {
      ctx.info(
        `${ctx.errStyle.bold('Authorization request')}: response_type ${s.responseType.value} (${s.responseType.flow} flow), response_mode ${s.responseMode}${responseModeSent ? '' : ' (default, not sent)'}, listening on ${listener.redirectUri}`,
      );
    } else {
      // A person sees what is being asked for before the browser opens (stderr: stdout is the result).
      const { renderRequestTable } = await import('./render.js');
      ctx.info(
        renderRequestTable(
          {
            authorization_endpoint: authorizationEndpoint,
            client_id: s.clientId,
            response_type: `${s.responseType.value} (${s.responseType.flow} flow)`,
            response_mode: s.responseMode,
            response_mode_sent: responseModeSent,
            redirect_uri: listener.redirectUri,
            scope: s.scope,
            pkce: codeVerifier !== undefined ? 'S256' : 'off',
            ...(s.prompt ? { prompt: s.prompt } : {}),
            ...(s.maxAge !== undefined ? { max_age: s.maxAge } : {}),
            ...(s.acrValues ? { acr_values: s.acrValues } : {}),
            ...s.params,
          },
          ctx.errStyle,
        ),
      );
    }
    await openOrPrint(ctx, url.href, { openBrowser: s.openBrowser, purpose: 'sign in' });
    ctx.info(ctx.errStyle.dim(`waiting up to ${s.timeoutSeconds} s for the response…`));
    response = await listener.response;
    runRecorderFor(ctx)?.frontChannelResponse(response.channel, response.params);
  } finally {
    await listener.close();
    stopOnInterrupt();
  }

  const p = response.params;
  const request = {
    authorization_endpoint: authorizationEndpoint,
    response_type: s.responseType.value,
    flow: s.responseType.flow,
    response_mode: s.responseMode,
    response_mode_sent: responseModeSent,
    redirect_uri: listener.redirectUri,
    scope: s.scope,
    pkce: codeVerifier !== undefined,
  };
  if (p.error !== undefined) {
    throw new ProviderError(
      { error: p.error, error_description: p.error_description, error_uri: p.error_uri },
      'the authorization endpoint',
    );
  }

  // Core 3.1.3.7 and friends: the claims every ID token of this run is held to.
  const expectations: JwtExpectations = {
    issuer: s.issuer,
    audience: [s.clientId],
    trustedAudiences: s.trustedAudiences,
    strictAudience: s.strictAudience,
    clientId: s.clientId,
    nonce,
    maxAge: s.maxAge,
    acrValues: s.acrValues?.split(/\s+/).filter(Boolean),
    type: 'id_token',
  };
  const flowChecks = [
    checkState(p, state),
    checkIssParameter(p, s.issuer, metadata.authorization_response_iss_parameter_supported === true),
  ];
  checks.push(...flowChecks);
  const front = await evaluateAuthorizationResponse({
    responseType: s.responseType,
    responseMode: s.responseMode,
    channel: response.channel,
    params: p,
    keys,
    clientSecret: s.clientSecret,
    expectations,
    flowChecks,
  });
  checks.push(...front.checks);

  const result: LoginResult = {
    valid: false,
    request,
    callback: {
      channel: response.channel,
      params: p,
      parameters: front.parameters.map(({ name, channel }) => ({ name, channel })),
      redeemed: false,
      ...(front.decision.reason ? { not_redeemed_reason: front.decision.reason } : {}),
    },
    ...(front.idToken
      ? {
          front_channel_id_token: {
            header: front.idToken.header,
            payload: front.idToken.payload,
            checks: front.idToken.checks,
          },
        }
      : {}),
    checks,
  };
  if (!front.decision.redeem) {
    result.valid = isValid(checks);
    return { result, front };
  }

  let tokens: TokenResponse | undefined;
  let backIdToken: JwtValidation | undefined;
  if (authMethod && p.code !== undefined) {
    tokens = (
      await requestTokens(http, {
        endpoint: tokenEndpoint(),
        auth: await authenticateClient(authMethod, s, tokenEndpoint()),
        params: {
          grant_type: 'authorization_code',
          code: p.code,
          redirect_uri: listener.redirectUri,
          code_verifier: codeVerifier,
        },
      })
    ).tokens;
    result.callback!.redeemed = true;
    checks.push(
      checkPkce({
        codeFlow: true,
        sent: codeVerifier !== undefined,
        redeemed: true,
        publicClient: authMethod === 'none',
        methodsSupported: metadata.code_challenge_methods_supported,
      }),
    );
    result.tokens = tokens.raw;
    checks.push({ ...checkTokenType(tokens), source: BACK_CHANNEL });
    if (tokens.id_token === undefined) {
      checks.push({
        ...fail('format', 'the token endpoint returned no id_token (Core 3.1.3.3 requires one)'),
        source: BACK_CHANNEL,
      });
    } else {
      // Core 3.1.3.7; at_hash is optional here (3.1.3.8) but checked when present.
      const { keys: _used, ...back } = await validateIdTokenFrom(BACK_CHANNEL, tokens.id_token, {
        keys,
        clientSecret: s.clientSecret,
        expectations: { ...expectations, accessToken: tokens.access_token },
      });
      backIdToken = back;
      checks.push(...backIdToken.checks);
      checks.push(...checkBackChannelIdToken(front, backIdToken.payload));
      result.id_token = { header: backIdToken.header, payload: backIdToken.payload, checks: backIdToken.checks };
    }
  } else if (front.idToken) {
    result.id_token = result.front_channel_id_token;
  }

  const accessToken = tokens?.access_token ?? p.access_token;
  if (accessToken !== undefined) {
    result.access_token = await inspectAccessToken(
      accessToken,
      tokens?.access_token ? BACK_CHANNEL : 'authorization_endpoint',
      { keys, issuer: s.issuer },
    );
    checks.push(...result.access_token.checks);
  }
  const userinfoEndpoint = typeof metadata.userinfo_endpoint === 'string' ? metadata.userinfo_endpoint : undefined;
  if (s.userinfo && accessToken !== undefined && userinfoEndpoint !== undefined) {
    if (!isValid(checks)) {
      checks.push(skip('userinfo_sub', 'userinfo not called: the ID token checks failed, so nothing more is used'));
    } else {
      const answer = await fetchUserinfo(http, userinfoEndpoint, accessToken, tokens?.token_type ?? p.token_type);
      const expectedSub = (backIdToken?.payload.sub ?? front.idToken?.payload.sub) as string | undefined;
      const ui = await validateUserinfo(answer, {
        expectedSub,
        issuer: s.issuer,
        clientId: s.clientId,
        trustedAudiences: s.trustedAudiences,
        strictAudience: s.strictAudience,
        keys,
      });
      const rows = ui.checks.map((c) => ({ ...c, source: 'userinfo' }));
      result.userinfo = { claims: ui.claims, checks: rows };
      checks.push(...rows);
    }
  }
  result.valid = isValid(checks);
  return { result, front };
}
