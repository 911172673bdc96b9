// The token endpoint (RFC 6749 §3.2, §4.1.3, §4.4, §6; Core 3.1.3, 12; RFC 7636 §4.6; RFC 8628
// §3.4–3.5) and the device authorization endpoint and page (RFC 8628 §3.1–3.3).
import { createHash } from 'node:crypto';
import { applyTokenResponseDefects, type Defect } from '../../protocol/provider-defects.js';
import { authenticateClient, type ProviderClient } from '../../protocol/provider-requests.js';
import { validUserName } from './authorization.js';
import { ACCESS_TOKEN_SECONDS, nowSeconds, type Authorization, type ProviderCore } from './core.js';
import { dpopProof } from './dpop.js';
import { devicePage, messagePage } from './pages.js';
import { html, json, oauthError, type Reply } from './reply.js';
import { isFormBody, singleParams, type ProviderRequest } from './request.js';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const DEVICE_PATH = '/device';

type Authenticated = {
  client: ProviderClient;
  /** How the client authenticated in this request: "none" means it did not (a public client). */
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
  form: Record<string, string>;
};

/** A token request as the grants see it: the client, and the DPoP proof key the tokens are bound to. */
type TokenRequest = Authenticated & {
  /** RFC 9449 §5: the thumbprint of the proof's key; absent without a (heeded) proof. */
  jkt: string | undefined;
};

/** Form body, single parameters, client authentication: what every back-channel endpoint starts with. */
export function authenticatedForm(core: ProviderCore, req: ProviderRequest): Authenticated | Reply {
  if (!isFormBody(req))
    return oauthError(400, 'invalid_request', 'the body must be application/x-www-form-urlencoded (RFC 6749 §3.2)');
  const search = new URLSearchParams(req.body);
  const { params, repeated } = singleParams(search);
  if (repeated) return oauthError(400, 'invalid_request', `the parameter ${repeated} appears more than once`);
  const auth = authenticateClient(req.headers.authorization, search, core.settings.clients);
  if (auth.kind === 'error')
    return oauthError(auth.status, auth.error, auth.description, {
      // RFC 6749 §5.2: a failed Basic authentication answers 401 with the scheme to use.
      ...(auth.basic ? { headers: { 'www-authenticate': 'Basic realm="oidc-probe serve"' } } : {}),
    });
  return { client: auth.client, method: auth.method, form: params };
}

export async function tokenEndpoint(core: ProviderCore, req: ProviderRequest): Promise<Reply> {
  const a = authenticatedForm(core, req);
  if ('status' in a) return a;
  const dpop = await tokenRequestProof(core, req);
  if ('status' in dpop) return { ...dpop, client: a.client.clientId };
  // GitHub's OAuth apps answer token errors with HTTP 200 (RFC 6749 §5.2 wants 400); this one errs on every request.
  if (core.defects.has('token_error_200'))
    return {
      ...json(
        200,
        { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' },
        'bad_verification_code with HTTP 200 (defect)',
      ),
      applied: ['token_error_200'],
      client: a.client.clientId,
    };
  const t: TokenRequest = { ...a, jkt: dpop.jkt };
  const grantType = a.form.grant_type;
  const reply = await (async (): Promise<Reply> => {
    switch (grantType) {
      case 'authorization_code':
        return authorizationCodeGrant(core, t);
      case 'refresh_token':
        return refreshTokenGrant(core, t);
      case 'client_credentials':
        return clientCredentialsGrant(core, t);
      case DEVICE_CODE_GRANT:
        return deviceCodeGrant(core, t);
      case undefined:
        return oauthError(400, 'invalid_request', 'the request has no grant_type');
      default:
        return oauthError(400, 'unsupported_grant_type', `grant_type "${grantType}" is not supported`);
    }
  })();
  return {
    ...reply,
    applied: [...dpop.applied, ...reply.applied],
    notApplicable: [...dpop.notApplicable, ...(reply.notApplicable ?? [])],
    client: a.client.clientId,
  };
}

/**
 * RFC 9449 §5: a token request with a valid proof gets tokens bound to the proof's key; an invalid
 * proof is refused (invalid_dpop_proof). The dpop_ignored defect looks at no proof at all.
 */
async function tokenRequestProof(
  core: ProviderCore,
  req: ProviderRequest,
): Promise<Reply | { jkt: string | undefined; applied: Defect[]; notApplicable: Defect[] }> {
  const dpopDefects = (['dpop_ignored', 'dpop_cnf'] as const).filter((d) => core.defects.has(d));
  if (req.headers.dpop === undefined) return { jkt: undefined, applied: [], notApplicable: dpopDefects };
  if (core.defects.has('dpop_ignored')) return { jkt: undefined, applied: ['dpop_ignored'], notApplicable: [] };
  const proof = await dpopProof(core, req);
  if (proof?.kind !== 'ok') return oauthError(400, 'invalid_dpop_proof', proof?.description ?? 'no proof');
  return { jkt: proof.jkt, applied: [], notApplicable: [] };
}

/** The token response: access token, refresh token with offline_access (Core 11), ID token with openid. */
async function tokens(
  core: ProviderCore,
  auth: Authorization,
  what: string,
  request: Pick<TokenRequest, 'method' | 'jkt'>,
  opts: { nonce?: string | undefined; hybrid?: boolean; refreshToken?: string | undefined; newRefresh: boolean },
): Promise<{ reply: Reply; issued: string[] }> {
  // RFC 9449 §5: a public client's refresh token is bound to its DPoP key too; a confidential
  // client's is not (its authentication already ties the refresh token to it).
  const refreshJkt = request.method === 'none' ? request.jkt : undefined;
  const refreshToken =
    opts.refreshToken ??
    (opts.newRefresh && auth.user && auth.scope.includes('offline_access')
      ? core.newRefreshToken(auth, refreshJkt)
      : undefined);
  const issuedAccess = await core.newAccessToken(auth, { refreshToken, jkt: request.jkt });
  const accessToken = issuedAccess.token;
  const body: Record<string, unknown> = {
    access_token: accessToken,
    // RFC 9449 §5: DPoP for a token bound to the proof's key.
    token_type: request.jkt !== undefined ? 'DPoP' : 'Bearer',
    expires_in: ACCESS_TOKEN_SECONDS,
    ...(auth.scope.length ? { scope: auth.scope.join(' ') } : {}),
  };
  if (refreshToken !== undefined) body.refresh_token = refreshToken;
  let applied: Defect[] = [...issuedAccess.applied];
  let notApplicable: Defect[] = [];
  if (auth.user && auth.scope.includes('openid')) {
    const id = await core.idToken({
      client: auth.client,
      user: auth.user,
      authTime: auth.authTime,
      nonce: opts.nonce,
      accessToken,
      channel: 'token_endpoint',
      hybrid: opts.hybrid ?? false,
    });
    body.id_token = id.token;
    applied = [...applied, ...id.applied];
    notApplicable = id.notApplicable;
  }
  const changed = applyTokenResponseDefects(body, core.defects, { grantType: what });
  applied = [...applied, ...changed.applied];
  const sent = changed.body;
  const parts = [
    request.jkt !== undefined ? 'DPoP-bound access token' : 'access token',
    ...(sent.id_token ? ['ID token'] : []),
    ...(sent.refresh_token ? ['refresh token'] : []),
  ];
  const who = auth.user ? ` for ${auth.user.sub}` : ` for client ${auth.client.clientId}`;
  const issued = [accessToken, ...(typeof sent.id_token === 'string' ? [sent.id_token] : [])];
  return { reply: { ...json(200, sent, `${parts.join(' + ')}${who} (${what})`), applied, notApplicable }, issued };
}

const invalidGrant = (why: string) => oauthError(400, 'invalid_grant', why);

async function authorizationCodeGrant(core: ProviderCore, t: TokenRequest): Promise<Reply> {
  const { client, method, form } = t;
  const code = form.code;
  if (code === undefined) return oauthError(400, 'invalid_request', 'the request has no code');
  const grant = core.codes.get(code);
  if (!grant) return invalidGrant('unknown code');
  if (grant.client.clientId !== client.clientId) return invalidGrant('the code was issued to another client');
  if (grant.used) {
    // RFC 6749 §4.1.2: a code used twice revokes what it gave the first time.
    for (const t of grant.tokens) {
      core.accessTokens.delete(t);
      core.refreshTokens.delete(t);
    }
    return invalidGrant('the code was already used; the tokens issued for it are revoked');
  }
  if (grant.expiresAt < nowSeconds()) return invalidGrant('the code has expired');
  // RFC 6749 §4.1.3, Core 3.1.3.2: the same redirect_uri as in the authorization request.
  if (form.redirect_uri !== grant.redirectUri)
    return invalidGrant(
      form.redirect_uri === undefined
        ? 'redirect_uri is missing; it must be the one of the authorization request'
        : 'redirect_uri differs from the authorization request',
    );
  const verifier = form.code_verifier;
  if (grant.codeChallenge !== undefined) {
    // RFC 7636 §4.1 and §4.6: 43–128 unreserved characters whose S256 is the challenge.
    if (verifier === undefined) return invalidGrant('code_verifier is missing (PKCE was used)');
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier))
      return invalidGrant('code_verifier is not 43 to 128 unreserved characters (RFC 7636 §4.1)');
    if (createHash('sha256').update(verifier, 'ascii').digest('base64url') !== grant.codeChallenge)
      return invalidGrant('PKCE verification failed: S256(code_verifier) is not the code_challenge');
  } else if (verifier !== undefined) {
    // RFC 9700 §2.1.1: a verifier without a challenge is a PKCE downgrade attempt.
    return invalidGrant('code_verifier sent, but the authorization request had no code_challenge');
  } else if (method === 'none') {
    // Without authentication only PKCE binds the code to the client that asked for it.
    return oauthError(401, 'invalid_client', 'a client that does not authenticate must use PKCE');
  }
  // RFC 9449 §10: a code bound with dpop_jkt is redeemed only with a proof from that key.
  if (grant.dpopJkt !== undefined && t.jkt !== grant.dpopJkt)
    return invalidGrant(
      t.jkt === undefined
        ? 'the code is bound to a DPoP key (dpop_jkt); send a DPoP proof made with it (RFC 9449 §10)'
        : 'the DPoP proof is made with another key than the code is bound to (dpop_jkt, RFC 9449 §10)',
    );
  grant.used = true;
  const { reply, issued } = await tokens(core, grant, 'authorization_code', t, {
    nonce: grant.nonce,
    hybrid: grant.hybrid,
    newRefresh: true,
  });
  grant.tokens.push(...issued);
  const refresh = (JSON.parse(reply.body) as { refresh_token?: string }).refresh_token;
  if (refresh) grant.tokens.push(refresh);
  return reply;
}

async function refreshTokenGrant(core: ProviderCore, t: TokenRequest): Promise<Reply> {
  const { client, method, form } = t;
  const token = form.refresh_token;
  if (token === undefined) return oauthError(400, 'invalid_request', 'the request has no refresh_token');
  const record = core.refreshTokens.get(token);
  if (!record || record.exp < nowSeconds()) return invalidGrant('unknown, revoked or expired refresh token');
  if (record.client.clientId !== client.clientId) return invalidGrant('the refresh token was issued to another client');
  // RFC 9449 §5: a DPoP-bound refresh token is used only with a proof from its key.
  if (record.jkt !== undefined && t.jkt !== record.jkt)
    return invalidGrant(
      t.jkt === undefined
        ? 'the refresh token is bound to a DPoP key; send a DPoP proof made with it (RFC 9449 §5)'
        : 'the DPoP proof is made with another key than the refresh token is bound to (RFC 9449 §5)',
    );
  // RFC 6749 §6: a narrower scope may be asked for, never a wider one.
  let scope = record.scope;
  if (form.scope !== undefined) {
    const asked = form.scope.split(' ').filter(Boolean);
    const extra = asked.filter((s) => !record.scope.includes(s));
    if (extra.length) return oauthError(400, 'invalid_scope', `scope beyond the original grant: ${extra.join(' ')}`);
    scope = asked;
  }
  // RFC 9700 §4.14.2: a public client's refresh token is rotated (the old one stops working).
  let refreshToken: string | undefined = token;
  if (method === 'none') {
    core.refreshTokens.delete(token);
    refreshToken = core.newRefreshToken(record, t.jkt);
  }
  // Core 12.2: the refreshed ID token keeps iss, sub, aud and auth_time.
  const { reply } = await tokens(core, { ...record, scope }, 'refresh_token', t, { refreshToken, newRefresh: false });
  return reply;
}

function clientCredentialsGrant(core: ProviderCore, t: TokenRequest): Promise<Reply> | Reply {
  const { client, method, form } = t;
  // RFC 6749 §4.4: confidential clients only.
  if (method === 'none')
    return oauthError(
      400,
      'unauthorized_client',
      `client "${client.clientId}" is public: client_credentials needs a secret`,
    );
  const scope = (form.scope ?? '').split(' ').filter((s) => s && s !== 'openid' && s !== 'offline_access');
  return tokens(core, { client, scope, authTime: nowSeconds() }, 'client_credentials', t, { newRefresh: false }).then(
    (r) => r.reply,
  );
}

async function deviceCodeGrant(core: ProviderCore, t: TokenRequest): Promise<Reply> {
  const { client, form } = t;
  const deviceCode = form.device_code;
  if (deviceCode === undefined) return oauthError(400, 'invalid_request', 'the request has no device_code');
  const grant = core.devices.get(deviceCode);
  if (!grant || grant.client.clientId !== client.clientId || grant.status === 'used')
    return invalidGrant('unknown or used device_code');
  if (grant.expiresAt < nowSeconds()) return oauthError(400, 'expired_token', 'the device code has expired');
  const now = Date.now();
  const early = grant.lastPoll !== undefined && now - grant.lastPoll < grant.interval * 1000;
  grant.lastPoll = now;
  if (early) {
    // RFC 8628 §3.5: polled faster than the interval; the client must add 5 seconds.
    grant.interval += 5;
    return oauthError(400, 'slow_down', `polled faster than every ${grant.interval - 5} s`);
  }
  if (grant.status === 'pending') return oauthError(400, 'authorization_pending', 'the user has not finished yet');
  if (grant.status === 'denied') return oauthError(400, 'access_denied', 'the user denied the request');
  grant.status = 'used';
  const { reply } = await tokens(
    core,
    { client, user: grant.user, scope: grant.scope, authTime: grant.authTime ?? nowSeconds() },
    'device_code',
    t,
    { newRefresh: true },
  );
  return reply;
}

/** RFC 8628 §3.1–3.2: a device code for the client, and where the person goes to approve it. */
export function deviceAuthorizationEndpoint(core: ProviderCore, req: ProviderRequest): Reply {
  const a = authenticatedForm(core, req);
  if ('status' in a) return a;
  const scope = (a.form.scope ?? '').split(' ').filter(Boolean);
  const { deviceCode, grant } = core.newDeviceGrant(a.client, scope);
  const verificationUri = core.endpoint(DEVICE_PATH);
  if (core.settings.autoApprove) approve(grant, core.settings.user.sub, core);
  return json(
    200,
    {
      device_code: deviceCode,
      user_code: grant.userCode,
      verification_uri: verificationUri,
      verification_uri_complete: `${verificationUri}?user_code=${encodeURIComponent(grant.userCode)}`,
      expires_in: grant.expiresAt - nowSeconds(),
      interval: grant.interval,
    },
    `device code, user code ${grant.userCode}${core.settings.autoApprove ? ' (approved at once: --auto-approve)' : ''}`,
    { client: a.client.clientId },
  );
}

function approve(grant: { status: string; user?: unknown; authTime?: number }, sub: string, core: ProviderCore): void {
  grant.status = 'approved';
  grant.user = core.userFor(sub);
  grant.authTime = nowSeconds();
}

/** RFC 8628 §3.3: the page where a person enters the user code and allows or denies the device. */
export function devicePageEndpoint(core: ProviderCore, req: ProviderRequest): Reply {
  const action = core.endpoint(DEVICE_PATH);
  if (req.method === 'GET') {
    const userCode = req.url.searchParams.get('user_code') ?? '';
    return html(200, devicePage({ action, userCode, user: core.settings.user.sub }), 'device verification page');
  }
  const form = new URLSearchParams(req.body);
  const userCode = form.get('user_code') ?? '';
  const sub = form.get('user') ?? '';
  const grant = core.deviceByUserCode(userCode);
  if (!grant)
    return html(
      400,
      devicePage({ action, userCode, user: sub, message: 'That code is unknown, used or expired.' }),
      'refused: unknown user code',
    );
  if (form.get('decision') !== 'approve') {
    grant.status = 'denied';
    return html(200, messagePage('Denied', 'The device was not allowed. You can close this page.'), 'device denied', {
      client: grant.client.clientId,
    });
  }
  if (!validUserName(sub))
    return html(
      400,
      devicePage({ action, userCode, user: '', message: 'The user name must be 1 to 255 visible ASCII characters.' }),
      'refused: bad user name',
    );
  approve(grant, sub, core);
  return html(
    200,
    messagePage('Device connected', 'You can go back to your device now.'),
    `device approved for ${sub}`,
    {
      client: grant.client.clientId,
    },
  );
}
