// `login`: discovery → listener → authorization request → response on one of three channels (or
// an address pasted from a remote browser) → front-channel checks → (only if they all pass) code
// redemption → ID token checks → userinfo. `login --device` takes the tokens from the device
// authorization grant instead and checks them the same way. Every step adds rows; nothing from a
// failed front channel is used (Core 3.2.2.x, 3.3.2.x).
import type { Context } from '../shared/context.js';
import { ProviderError, UsageError } from '../../errors.js';
import type { HttpClient } from '../../io/http.js';
import { advertisedEndpoint, fetchDiscovery, type ProviderMetadata } from '../../io/discovery.js';
import { remoteJwksSource } from '../../io/keys.js';
import {
  startLoopbackListener,
  type AuthorizationResponse,
  type ListenAddress,
  type LoopbackListener,
} from '../../io/loopback-listener.js';
import { openOrPrint } from '../../io/browser.js';
import { addressPrompt } from '../../io/address-prompt.js';
import { requestTokens } from '../../io/token-endpoint.js';
import { fetchUserinfo } from '../../io/userinfo.js';
import { createDpopSession, withDpop } from '../../io/dpop-client.js';
import { pushAuthorizationRequest } from '../../io/par.js';
import { asUsage } from '../../io/protocol-input.js';
import {
  authorizationDetailsParameter,
  compareAuthorizationDetails,
  grantedAuthorizationDetails,
  type AuthorizationDetail,
  type AuthorizationDetailComparison,
} from '../../protocol/authorization-details.js';
import { checkDpopTokenType, type DpopKey } from '../../protocol/dpop.js';
import { jarmResponseParameter, validateJarmResponse } from '../../protocol/jarm.js';
import type { JarmResponseMode } from '../../protocol/response-type.js';
import type { DecryptionKey } from '../../protocol/jwe.js';
import type { JoseHeader } from '../../protocol/jwt.js';
import { parAuthorizationUrl, parRequired } from '../../protocol/par.js';
import { prepareRequestObject, type PreparedRequestObject } from './request-object.js';
import { requestObjectAuthorizationUrl, requestObjectRequired } from '../../protocol/request-object.js';
import { runRecorderFor } from '../../io/run-recorder.js';
import {
  buildAuthorizationUrl,
  checkIssParameter,
  checkState,
  randomValue,
} from '../../protocol/authorization-request.js';
import { fail, isValid, skip, type Check } from '../../protocol/checks.js';
import { checkIssuerForClient } from '../../protocol/discovery-lint.js';
import { GRANT_TYPES } from '../../protocol/grants.js';
import { authenticateClient, clientAuthMethodFor, type ClientSettings } from '../shared/client.js';
import { deviceCodeTokens, deviceAuthorizationEndpoint } from '../shared/device-authorization.js';
import { mtlsAlias } from '../../protocol/mtls.js';
import { BACK_CHANNEL, FRONT_CHANNEL, validateIdTokenFrom } from '../../protocol/front-channel-checks.js';
import { type KeySource, prepareKeys } from '../../protocol/jws-signature.js';
import {
  hintForEvent,
  isWorkloadIdentityMetadata,
  withQuirkHints,
  type QuirkContext,
} from '../../protocol/provider-quirks.js';
import { defaultResponseMode, type ResponseMode, type ResponseType } from '../../protocol/response-type.js';
import { checkExpiresIn, checkTokenType, type TokenResponse } from '../../protocol/token-response.js';
import { validateUserinfo } from '../../protocol/userinfo.js';
import { checkPkce } from '../../protocol/pkce.js';
import type { JwtExpectations, JwtValidation } from '../../protocol/validate-jwt.js';
import { inspectAccessToken, type AccessTokenView } from '../shared/access-token.js';
import {
  evaluateAuthorizationResponse,
  checkBackChannelIdToken,
  type FrontChannelEvaluation,
} from './front-channel.js';
import { accessTokenBindingChecks } from '../../protocol/token-binding.js';

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
  /** The browser to open the URL with (--browser, OIDC_PROBE_BROWSER); the default one otherwise. */
  browser?: string | undefined;
  /** Also ask for the address the browser ends on (a browser on another machine). */
  paste?: boolean | undefined;
  /** The device authorization grant (RFC 8628) instead of a browser on this machine. */
  device?: boolean | undefined;
  /** Bind the listener here rather than at the redirect URI's address. */
  listen?: ListenAddress | undefined;
  /** Accept a discovery issuer with {tenantid} and hold each iss to it with the token's tid. */
  issuerTemplate?: boolean | undefined;
  timeoutSeconds: number;
  userinfo: boolean;
  /** Core 3.1.3.7 item 3: other audiences the client trusts, and whether untrusted ones fail. */
  trustedAudiences?: string[] | undefined;
  strictAudience?: boolean | undefined;
  /** JARM: the response_mode sent; responseMode is then the channel it names. */
  jarmMode?: JarmResponseMode | undefined;
  /** RFC 9126: push the request first. */
  par?: boolean | undefined;
  /** RFC 9101: send the request as a signed JWT; encrypted to the provider too. */
  requestObject?: boolean | undefined;
  requestObjectEncrypt?: boolean | undefined;
  /** RFC 9449: the key every back-channel request proves possession of. */
  dpopKey?: DpopKey | undefined;
  /** RFC 9449 §10: dpop_jkt in the authorization request binds the code to the key. */
  dpopBindCode?: boolean | undefined;
  /** RFC 9396: authorization_details asked for. */
  authorizationDetails?: AuthorizationDetail[] | undefined;
  /** Core 10.2: the client's keys for encrypted ID tokens, userinfo answers and JARM responses. */
  decryptionKeys?: DecryptionKey[] | undefined;
}

export interface LoginResult {
  valid: boolean;
  request?: Record<string, unknown>;
  callback?: {
    channel: string;
    /** listener: the browser reached the redirect URI; paste: a person pasted the address. */
    via: 'listener' | 'paste';
    params: Record<string, string>;
    parameters: { name: string; channel: string }[];
    redeemed: boolean;
    not_redeemed_reason?: string;
    /** JARM: the response JWT's header and claims; `params` are the parameters inside it. */
    jarm?: { header: JoseHeader; payload: Record<string, unknown>; encrypted: boolean; checks: Check[] };
  };
  tokens?: Record<string, unknown>;
  front_channel_id_token?: IdTokenView;
  id_token?: IdTokenView;
  access_token?: AccessTokenView;
  userinfo?: { claims: Record<string, unknown>; checks: Check[]; encrypted?: boolean };
  /** RFC 9396: what was asked beside what the token response granted. */
  authorization_details?: AuthorizationDetailComparison[];
  checks: Check[];
}

interface IdTokenView {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** Core 10.2: the JWE's own header, when the ID token came encrypted. */
  jwe_header?: Record<string, unknown>;
  checks: Check[];
}

/** What the human renderer needs besides the JSON document. */
export interface LoginView {
  result: LoginResult;
  front?: FrontChannelEvaluation;
}

/** A person gets this many tries at pasting the address (cli-contract: then exit 2). */
export const PASTE_TRIES = 3;

export async function runLogin(ctx: Context, http: HttpClient, s: LoginSettings): Promise<LoginView> {
  const checks: Check[] = [];
  const { metadata } = await fetchDiscovery(http, s.issuer);
  const quirkContext: QuirkContext = { issuer: s.issuer, metadata, redirectUri: s.redirectUri };
  // Discovery §4.3: the issuer in the document must be identical to the one asked for; stop before the browser.
  const issuerRow = checkIssuerForClient(metadata.issuer, s.issuer, { acceptTemplate: s.issuerTemplate });
  checks.push(issuerRow);
  if (issuerRow.status === 'fail') {
    issuerRow.message += '; stopped before the authorization request';
    return { result: { valid: false, checks: hinted(checks, quirkContext) } };
  }
  const endpoint = (name: string): string => {
    if (metadata[name] === undefined && isWorkloadIdentityMetadata(metadata))
      throw new UsageError('endpoint_not_advertised', `${s.issuer} advertises no ${name}: nobody signs in there`, {
        hint: hintForEvent('endpoint_not_advertised', quirkContext),
      });
    return advertisedEndpoint(metadata, name, { issuer: s.issuer });
  };
  const tokenEndpoint = () =>
    mtlsAlias(metadata, 'token_endpoint', s.certificate !== undefined) ?? endpoint('token_endpoint');
  // What the flow needs from the metadata, before anything else is fetched: a missing endpoint is exit 2.
  const authorizationEndpoint = s.device ? '' : endpoint('authorization_endpoint');
  if (s.device) {
    tokenEndpoint();
    deviceAuthorizationEndpoint(metadata, s.issuer);
  }
  // The JWKS is fetched, parsed and its keys imported while the user signs in, not after the callback.
  const keysReady: Promise<KeySource | undefined> =
    typeof metadata.jwks_uri === 'string'
      ? remoteJwksSource(http, metadata.jwks_uri).then(async (source) => {
          await prepareKeys(source, signingAlgs(metadata));
          return source;
        })
      : prepareKeys(undefined, []).then(() => undefined);
  // Awaited where the keys are first needed; until then a failure must not count as unhandled.
  keysReady.catch(() => undefined);
  // Core 3.1.3.7 and friends: the claims every ID token of this run is held to.
  const expectations: JwtExpectations = {
    issuer: s.issuer,
    ...(issuerRow.status === 'warn' ? { issuerTemplate: String(metadata.issuer) } : {}),
    audience: [s.clientId],
    trustedAudiences: s.trustedAudiences,
    strictAudience: s.strictAudience,
    clientId: s.clientId,
    maxAge: s.maxAge,
    acrValues: s.acrValues?.split(/\s+/).filter(Boolean),
    type: 'id_token',
  };
  // RFC 9449: the DPoP client signs a proof for the PAR, token and userinfo requests, and answers nonce challenges.
  const backHttp = s.dpopKey ? withDpop(http, createDpopSession(s.dpopKey)) : http;

  if (s.device) {
    const back: BackChannel = { ctx, http, backHttp, s, metadata, keys: await keysReady, checks };
    const view = await deviceLogin(back, expectations, tokenEndpoint);
    view.result.checks = hinted(checks, quirkContext);
    return view;
  }

  const authMethod = s.responseType.code
    ? clientAuthMethodFor(s, metadata.token_endpoint_auth_methods_supported)
    : undefined;
  // Settle client authentication before the browser opens: a missing secret is found now, not after sign-in.
  if (authMethod) await authenticateClient(authMethod, s, tokenEndpoint());

  // RFC 9126 §5 and RFC 9101 §10.5: a provider may require pushed requests or signed request objects.
  const usePar = s.par === true || parRequired(metadata);
  if (usePar && !s.par)
    ctx.info('the provider requires pushed authorization requests (require_pushed_authorization_requests): using PAR');
  const useRequestObject =
    s.requestObject === true || s.requestObjectEncrypt === true || requestObjectRequired(metadata);
  if (useRequestObject && !s.requestObject && !s.requestObjectEncrypt)
    ctx.info('the provider requires signed request objects (require_signed_request_object): sending one');
  const parEndpoint = usePar
    ? (mtlsAlias(metadata, 'pushed_authorization_request_endpoint', s.certificate !== undefined) ??
      endpoint('pushed_authorization_request_endpoint'))
    : undefined;
  const state = randomValue();
  const nonce = randomValue();
  const codeVerifier = s.pkce && s.responseType.code ? randomValue() : undefined;

  const listener = await startLoopbackListener(s.redirectUri, {
    timeoutSeconds: s.timeoutSeconds,
    expectFragment: s.responseMode === 'fragment',
    state,
    listen: s.listen,
    timeoutHint: hintForEvent('callback_timeout', quirkContext),
    warn: (m) => ctx.warn(m),
  });
  const stopOnInterrupt = ctx.onInterrupt(() => listener.close());
  let response: AuthorizationResponse;
  // Multiple Response Types §2.1: the default mode needs no parameter, but a provider may not apply the
  // default the spec names; what the user asked for is sent as asked. A JARM mode is always sent.
  const responseModeSent =
    s.jarmMode !== undefined || s.responseModeRequested || s.responseMode !== defaultResponseMode(s.responseType);
  quirkContext.responseModeSent = responseModeSent;
  if (s.listen)
    ctx.info(`listening on ${listener.address}; the browser is sent to ${listener.redirectUri} (forward it here)`);
  const early = hintForEvent('authorization_request', quirkContext);
  if (early) ctx.warn(early);
  const request: Record<string, unknown> = {
    authorization_endpoint: authorizationEndpoint,
    response_type: s.responseType.value,
    flow: s.responseType.flow,
    response_mode: s.jarmMode ?? s.responseMode,
    response_mode_sent: responseModeSent,
    redirect_uri: listener.redirectUri,
    scope: s.scope,
    pkce: codeVerifier !== undefined,
  };
  let requestObject: PreparedRequestObject | undefined;
  try {
    const plainUrl = buildAuthorizationUrl({
      authorizationEndpoint,
      clientId: s.clientId,
      redirectUri: listener.redirectUri,
      responseType: s.responseType,
      responseMode: responseModeSent ? (s.jarmMode ?? s.responseMode) : undefined,
      scope: s.scope,
      state,
      nonce,
      codeVerifier,
      prompt: s.prompt,
      loginHint: s.loginHint,
      acrValues: s.acrValues,
      maxAge: s.maxAge,
      extra: {
        ...s.params,
        ...(s.authorizationDetails
          ? { authorization_details: authorizationDetailsParameter(s.authorizationDetails) }
          : {}),
        // RFC 9449 §10: the code can be redeemed only with a proof from this key.
        ...(s.dpopBindCode && s.dpopKey ? { dpop_jkt: s.dpopKey.thumbprint } : {}),
      },
    });
    let url = plainUrl;
    const params = Object.fromEntries(plainUrl.searchParams);
    if (useRequestObject) {
      requestObject = await prepareRequestObject(params, {
        client: s,
        issuer: s.issuer,
        encrypt: s.requestObjectEncrypt === true,
        metadata,
        // RFC 9101 §6.1: an encrypted request object needs the provider's keys before the browser opens.
        keys: await keysReady,
      });
      request.request_object = {
        alg: requestObject.alg,
        ...(requestObject.encryption ? { encryption: requestObject.encryption } : {}),
      };
    }
    if (s.dpopKey) request.dpop = { jkt: s.dpopKey.thumbprint, alg: s.dpopKey.alg, bind_code: s.dpopBindCode === true };
    if (s.authorizationDetails) request.authorization_details = s.authorizationDetails;
    if (parEndpoint !== undefined) {
      // RFC 9126 §2: the client authenticates as at the token endpoint; the provider accepts its
      // issuer identifier as the audience of a client assertion.
      const parMethod = authMethod ?? clientAuthMethodFor(s, metadata.token_endpoint_auth_methods_supported);
      const pushed = await pushAuthorizationRequest(backHttp, {
        endpoint: parEndpoint,
        params: requestObject ? { client_id: s.clientId, request: requestObject.request } : params,
        auth: await authenticateClient(parMethod, s, s.issuer),
      });
      const rows = pushed.checks.map((c) => ({ ...c, source: 'par' }));
      checks.push(...rows);
      request.par = {
        endpoint: parEndpoint,
        ...(pushed.requestUri !== undefined ? { request_uri: pushed.requestUri } : {}),
        ...(pushed.expiresIn !== undefined ? { expires_in: pushed.expiresIn } : {}),
      };
      if (pushed.requestUri === undefined) {
        // Nothing usable to send the browser with: stop before it opens.
        return { result: { valid: false, request, checks } };
      }
      url = parAuthorizationUrl(authorizationEndpoint, s.clientId, pushed.requestUri);
    } else if (requestObject) {
      url = requestObjectAuthorizationUrl(authorizationEndpoint, {
        clientId: s.clientId,
        request: requestObject.request,
        responseType: s.responseType.value,
        scope: s.scope,
      });
    }
    if (ctx.json) {
      const extras = [
        parEndpoint !== undefined ? 'pushed (PAR)' : '',
        requestObject ? `request object ${requestObject.alg}${requestObject.encryption ? ', encrypted' : ''}` : '',
        s.dpopKey ? `DPoP key ${s.dpopKey.thumbprint}` : '',
      ].filter(Boolean);
      const mode = `${String(request.response_mode)}${responseModeSent ? '' : ' (default, not sent)'}`;
      ctx.info(
        `${ctx.errStyle.bold('Authorization request')}: response_type ${s.responseType.value} ` +
          `(${s.responseType.flow} flow), response_mode ${mode}, listening on ${listener.redirectUri}` +
          (extras.length ? `; ${extras.join('; ')}` : ''),
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
            response_mode: s.jarmMode ?? s.responseMode,
            response_mode_sent: responseModeSent,
            redirect_uri: listener.redirectUri,
            scope: s.scope,
            pkce: codeVerifier !== undefined ? 'S256' : 'off',
            ...(s.prompt ? { prompt: s.prompt } : {}),
            ...(s.maxAge !== undefined ? { max_age: s.maxAge } : {}),
            ...(s.acrValues ? { acr_values: s.acrValues } : {}),
            ...s.params,
            ...(request.request_object ? { request_object: request.request_object } : {}),
            ...(request.par ? { par: request.par } : {}),
            ...(request.dpop ? { dpop: request.dpop } : {}),
            ...(s.authorizationDetails ? { authorization_details: s.authorizationDetails } : {}),
          },
          ctx.errStyle,
          ctx.stderr.isTTY ? ctx.stderr.columns : undefined,
        ),
      );
    }
    if (s.paste && s.responseMode === 'form_post')
      ctx.warn(
        'with response_mode form_post the response is POSTed to the redirect URI and never reaches the address ' +
          'bar, so it cannot be pasted; use --response-mode query or fragment unless the listener is reachable',
      );
    await openOrPrint(ctx, url.href, { openBrowser: s.openBrowser, purpose: 'sign in', browser: s.browser });
    ctx.info(ctx.errStyle.dim(`waiting up to ${s.timeoutSeconds} s for the response…`));
    const delivered = s.paste
      ? pastedOrDelivered(ctx, listener, { authorizationEndpoint, responseMode: s.responseMode }, quirkContext)
      : listener.response;
    // Both, so that the keys are ready when the response is used, and a JWKS that fails ends the wait
    // at once; not while a person is asked to paste (the prompt would outlive the run).
    [response] = s.paste ? [await delivered] : await Promise.all([delivered, keysReady]);
    runRecorderFor(ctx)?.frontChannelResponse(response.channel, response.params);
  } finally {
    await listener.close();
    stopOnInterrupt();
  }

  const keys = await keysReady;
  const back: BackChannel = { ctx, http, backHttp, s, metadata, keys, checks };
  // JARM: the parameters are inside a JWT whose rows come first; a response that fails them is not
  // trusted, so its code is never redeemed (the same rule as a failed front channel).
  let p = response.params;
  const jarmRows: Check[] = [];
  let jarm: NonNullable<LoginResult['callback']>['jarm'];
  if (s.jarmMode !== undefined && !(p.error !== undefined && p.response === undefined)) {
    const raw = jarmResponseParameter(p, s.jarmMode);
    if (typeof raw !== 'string') jarmRows.push({ ...raw, source: FRONT_CHANNEL });
    else {
      const v = await asUsage(() =>
        validateJarmResponse(raw, {
          issuer: s.issuer,
          clientId: s.clientId,
          keys,
          clientSecret: s.clientSecret,
          decryptionKeys: s.decryptionKeys,
          now: ctx.now(),
        }),
      );
      jarmRows.push(...v.checks.map((c) => ({ ...c, source: FRONT_CHANNEL })));
      jarm = { header: v.header, payload: v.payload, encrypted: v.encrypted, checks: jarmRows };
      p = v.params;
    }
    checks.push(...jarmRows);
  }
  const jarmTrusted = isValid(jarmRows);
  if (p.error !== undefined && jarmTrusted) {
    throw new ProviderError(
      { error: p.error, error_description: p.error_description, error_uri: p.error_uri },
      'the authorization endpoint',
    );
  }

  const flowChecks = [
    checkState(p, state),
    checkIssParameter(p, s.issuer, metadata.authorization_response_iss_parameter_supported === true),
  ];
  checks.push(...flowChecks);
  const front = await asUsage(() =>
    evaluateAuthorizationResponse({
      responseType: s.responseType,
      responseMode: s.responseMode,
      channel: response.channel,
      params: p,
      keys,
      clientSecret: s.clientSecret,
      decryptionKeys: s.decryptionKeys,
      expectations: { ...expectations, nonce },
      flowChecks: [...jarmRows, ...flowChecks],
    }),
  );
  checks.push(...front.checks);

  const result: LoginResult = {
    valid: false,
    request,
    callback: {
      channel: response.channel,
      via: response.via,
      params: p,
      parameters: front.parameters.map(({ name, channel }) => ({ name, channel })),
      redeemed: false,
      ...(front.decision.reason ? { not_redeemed_reason: front.decision.reason } : {}),
      ...(jarm ? { jarm } : {}),
    },
    ...(front.idToken ? { front_channel_id_token: idTokenView(front.idToken) } : {}),
    checks,
  };
  if (!front.decision.redeem) {
    result.checks = hinted(checks, quirkContext);
    result.valid = isValid(checks);
    return { result, front };
  }

  let tokens: TokenResponse | undefined;
  if (authMethod && p.code !== undefined) {
    tokens = (
      await requestTokens(backHttp, {
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
  }
  await checkTokensAndUser(back, result, { ...expectations, nonce }, tokens, front, p);
  result.checks = hinted(checks, quirkContext);
  return { result, front };
}

interface BackChannel {
  ctx: Context;
  http: HttpClient;
  /** With DPoP, the client that adds a proof to each request (PAR, token, userinfo). */
  backHttp: HttpClient;
  s: LoginSettings;
  metadata: ProviderMetadata;
  keys: KeySource | undefined;
  /** The run's rows, appended to. */
  checks: Check[];
}

/**
 * The token endpoint's answer (Core 3.1.3.3, 3.1.3.7; at_hash optional there, 3.1.3.8, but checked
 * when present), then the access token and, when every row so far holds, userinfo (Core 5.3.2).
 * With no token endpoint answer (implicit), the front-channel ID token and access token stand.
 */
async function checkTokensAndUser(
  b: BackChannel,
  result: LoginResult,
  expectations: JwtExpectations,
  tokens: TokenResponse | undefined,
  front: FrontChannelEvaluation | undefined,
  frontParams: Record<string, string> = {},
): Promise<void> {
  const { http, backHttp, metadata, s, keys, checks } = b;
  let backIdToken: JwtValidation | undefined;
  if (tokens) {
    result.tokens = tokens.raw;
    checks.push({ ...checkTokenType(tokens, s.dpopKey ? ['DPoP', 'Bearer'] : ['Bearer']), source: BACK_CHANNEL });
    // RFC 9449 §5: a token asked for with a proof must come back as a DPoP token.
    if (s.dpopKey) checks.push({ ...checkDpopTokenType(tokens.token_type), source: BACK_CHANNEL });
    if (s.authorizationDetails)
      result.authorization_details = compareAuthorizationDetails(
        s.authorizationDetails,
        grantedAuthorizationDetails(tokens.raw),
      );
    if (tokens.access_token !== undefined) checks.push({ ...checkExpiresIn(tokens.raw), source: BACK_CHANNEL });
    if (tokens.id_token === undefined) {
      checks.push({
        ...fail('format', 'the token endpoint returned no id_token (Core 3.1.3.3 requires one)'),
        source: BACK_CHANNEL,
      });
    } else {
      // Core 3.1.3.7; at_hash is optional here (3.1.3.8) but checked when present.
      const idToken = tokens.id_token;
      const { keys: _used, ...back } = await asUsage(() =>
        validateIdTokenFrom(BACK_CHANNEL, idToken, {
          keys,
          clientSecret: s.clientSecret,
          decryptionKeys: s.decryptionKeys,
          expectations: { ...expectations, accessToken: tokens!.access_token },
        }),
      );
      backIdToken = back;
      checks.push(...back.checks);
      checks.push(...checkBackChannelIdToken(front, back.payload));
      result.id_token = idTokenView(back);
    }
  } else if (front?.idToken) {
    result.id_token = result.front_channel_id_token;
  }

  const accessToken = tokens?.access_token ?? frontParams.access_token;
  if (accessToken !== undefined) {
    result.access_token = await inspectAccessToken(
      accessToken,
      tokens?.access_token ? BACK_CHANNEL : 'authorization_endpoint',
      { keys, issuer: s.issuer },
    );
    checks.push(...result.access_token.checks);
    if (tokens?.access_token !== undefined) {
      const bindings = accessTokenBindingChecks(accessToken, {
        dpopKey: s.dpopKey,
        certificate: s.certificate,
        metadata,
      });
      checks.push(...bindings.map((c) => ({ ...c, source: BACK_CHANNEL })));
    }
  }
  const userinfoEndpoint = typeof b.metadata.userinfo_endpoint === 'string' ? b.metadata.userinfo_endpoint : undefined;
  if (s.userinfo && accessToken !== undefined && userinfoEndpoint !== undefined) {
    if (!isValid(checks)) {
      checks.push(skip('userinfo_sub', 'userinfo not called: the ID token checks failed, so nothing more is used'));
    } else {
      // RFC 9449 §7: a DPoP token is presented with a proof carrying ath (the DPoP client adds it).
      const answer = await fetchUserinfo(
        tokens ? backHttp : http,
        userinfoEndpoint,
        accessToken,
        tokens?.token_type ?? frontParams.token_type,
      );
      const expectedSub = (backIdToken?.payload.sub ?? front?.idToken?.payload.sub) as string | undefined;
      const ui = await asUsage(() =>
        validateUserinfo(answer, {
          expectedSub,
          issuer: s.issuer,
          clientId: s.clientId,
          trustedAudiences: s.trustedAudiences,
          strictAudience: s.strictAudience,
          keys,
          decryptionKeys: s.decryptionKeys,
        }),
      );
      const rows = ui.checks.map((c) => ({ ...c, source: 'userinfo' }));
      result.userinfo = { claims: ui.claims, checks: rows, ...(ui.encrypted ? { encrypted: true } : {}) };
      checks.push(...rows);
    }
  }
  result.valid = isValid(checks);
}

/**
 * RFC 8628 on a host without a browser: the person enters a code on another device, and the tokens
 * that come back are checked as those of a browser login (there is no nonce: none was sent).
 */
async function deviceLogin(
  b: BackChannel,
  expectations: JwtExpectations,
  tokenEndpoint: () => string,
): Promise<LoginView> {
  const { ctx, http, s, metadata, checks } = b;
  const authMethod = clientAuthMethodFor(s, metadata.token_endpoint_auth_methods_supported);
  const auth = () => authenticateClient(authMethod, s, tokenEndpoint());
  await auth();
  const deviceEndpoint = deviceAuthorizationEndpoint(metadata, s.issuer);
  const request = {
    device_authorization_endpoint: deviceEndpoint,
    token_endpoint: tokenEndpoint(),
    grant_type: GRANT_TYPES.device_code,
    flow: 'device',
    client_id: s.clientId,
    scope: s.scope,
  };
  if (ctx.json) ctx.info(`${ctx.errStyle.bold('Device authorization request')}: ${deviceEndpoint}, scope ${s.scope}`);
  else {
    const { renderRequestTable } = await import('./render.js');
    ctx.info(renderRequestTable(request, ctx.errStyle));
  }
  const { tokens } = await deviceCodeTokens(ctx, http, metadata, {
    issuer: s.issuer,
    tokenEndpoint: tokenEndpoint(),
    auth,
    scope: s.scope,
  });
  const { client_id: _client, ...shown } = request;
  const result: LoginResult = { valid: false, request: shown, checks };
  await checkTokensAndUser(b, result, expectations, tokens, undefined);
  return { result };
}

/**
 * The address the browser ended on, pasted by a person, or the browser's request to the listener
 * (a forwarded port), whichever comes first. Each pasted address goes through the listener's own
 * front channel; a refused one is explained and asked for again, PASTE_TRIES times in all.
 */
async function pastedOrDelivered(
  ctx: Context,
  listener: LoopbackListener,
  expect: { authorizationEndpoint: string; responseMode: ResponseMode },
  quirkContext: QuirkContext,
): Promise<AuthorizationResponse> {
  const prompt = addressPrompt(ctx);
  let delivered = false;
  const asking = (async () => {
    let last: { reason: string; hint?: string | undefined } | undefined;
    for (let attempt = 1; attempt <= PASTE_TRIES; attempt++) {
      const text = await prompt.ask(
        attempt === 1
          ? `Paste the address the browser ended on (it starts with ${listener.redirectUri}; the page may say ` +
              'it cannot be reached):'
          : `Paste the address again (${attempt} of ${PASTE_TRIES}):`,
      );
      if (delivered) return;
      if (text === undefined) {
        ctx.info(ctx.errStyle.dim('no address to read (stdin ended); still waiting for the listener…'));
        return;
      }
      const outcome = listener.offerAddress(text, expect);
      if (outcome.kind === 'response') return;
      // The browser ended on a page of the provider: a known quirk may say why it did not come back.
      const hint =
        outcome.elsewhere && outcome.error
          ? hintForEvent('provider_error_page', { ...quirkContext, error: outcome.error })
          : undefined;
      last = { reason: outcome.reason, hint };
      ctx.warn(outcome.reason);
      if (hint) ctx.info(`${ctx.errStyle.dim('hint:')} ${hint}`);
    }
    throw new UsageError('paste_failed', `no usable address after ${PASTE_TRIES} tries: ${last!.reason}`, {
      hint:
        last?.hint ??
        'open the URL printed above, sign in, and copy the whole address from the address bar of the page it ends on',
    });
  })();
  try {
    return await Promise.race([listener.response, asking.then(() => listener.response)]);
  } finally {
    delivered = true;
    prompt.close();
  }
}

/** Each row a known provider quirk explains gets its hint (in place: nested views share the rows). */
function hinted(checks: Check[], context: QuirkContext): Check[] {
  withQuirkHints(checks, context).forEach((row, i) => {
    if (row.hint !== undefined) checks[i]!.hint = row.hint;
  });
  return checks;
}

function idTokenView(v: JwtValidation & { jweHeader?: JoseHeader }): IdTokenView {
  return {
    header: v.header,
    payload: v.payload,
    ...(v.jweHeader ? { jwe_header: v.jweHeader } : {}),
    checks: v.checks,
  };
}

/**
 * The algs this run's JWTs may be signed with: ID tokens (RS256 when the provider names none, Core
 * 3.1.3.7 item 7), and signed userinfo answers.
 */
function signingAlgs(metadata: Record<string, unknown>): string[] {
  const named = (member: string) =>
    Array.isArray(metadata[member]) ? (metadata[member] as unknown[]).filter((a) => typeof a === 'string') : [];
  const idToken = named('id_token_signing_alg_values_supported');
  return [...new Set([...(idToken.length ? idToken : ['RS256']), ...named('userinfo_signing_alg_values_supported')])];
}
