// What an access token opens, and what a client can ask about its tokens: the UserInfo endpoint
// (Core 5.3), token introspection (RFC 7662) and token revocation (RFC 7009).
import { DPOP_PROOF_ALGS } from '../../protocol/provider-dpop.js';
import { nowSeconds, type AccessTokenRecord, type ProviderCore } from './core.js';
import { dpopProof } from './dpop.js';
import { json, oauthError, text, type Reply } from './reply.js';
import { isFormBody, type ProviderRequest } from './request.js';
import { authenticatedForm } from './token.js';

/**
 * The access token and how it was presented: RFC 6750 §2.1 (Authorization header) or §2.2 (form
 * body), never the query (§2.3, RFC 9700 §4.3.2); or RFC 9449 §7.1, the DPoP scheme with a proof.
 */
function presentedToken(req: ProviderRequest): { token: string; scheme: 'Bearer' | 'DPoP' } | undefined {
  const m = /^(Bearer|DPoP) ([A-Za-z0-9._~+/-]+=*)$/i.exec(req.headers.authorization ?? '');
  if (m) return { token: m[2]!, scheme: m[1]!.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer' };
  if (req.method === 'POST' && isFormBody(req) && req.headers.authorization === undefined) {
    const token = new URLSearchParams(req.body).get('access_token');
    return token === null ? undefined : { token, scheme: 'Bearer' };
  }
  return undefined;
}

/** RFC 6750 §3 and RFC 9449 §7.1: the 401 with the challenge of the scheme, naming the error. */
function unauthorized(scheme: 'Bearer' | 'DPoP', error: string, why: string): Reply {
  const algs = scheme === 'DPoP' ? `, algs="${DPOP_PROOF_ALGS.join(' ')}"` : '';
  return {
    ...text(401, ''),
    headers: {
      'www-authenticate': `${scheme} error="${error}", error_description="${why.replace(/["\\]/g, "'")}"${algs}`,
      'cache-control': 'no-store',
    },
    note: `${error}: ${why}`,
  };
}

function liveAccessToken(core: ProviderCore, token: string | undefined): AccessTokenRecord | undefined {
  const record = token === undefined ? undefined : core.accessTokens.get(token);
  return record && record.exp >= nowSeconds() ? record : undefined;
}

/** Core 5.4: the claims each scope asks for. */
function claimsFor(record: AccessTokenRecord, sub: string): Record<string, unknown> {
  const u = record.user!;
  const claims: Record<string, unknown> = { sub };
  if (record.scope.includes('profile')) Object.assign(claims, { name: u.name, preferred_username: u.sub });
  if (record.scope.includes('email')) Object.assign(claims, { email: u.email, email_verified: true });
  return claims;
}

export async function userinfoEndpoint(core: ProviderCore, req: ProviderRequest): Promise<Reply> {
  const presented = presentedToken(req);
  const scheme = presented?.scheme ?? 'Bearer';
  const record = liveAccessToken(core, presented?.token);
  if (!record?.user || !record.scope.includes('openid')) {
    const why = !record
      ? 'unknown, revoked or expired access token'
      : 'the access token was not issued with the openid scope (Core 5.3)';
    // RFC 6750 §3: the error goes in WWW-Authenticate.
    return unauthorized(scheme, 'invalid_token', why);
  }
  if (record.jkt !== undefined && scheme !== 'DPoP')
    return unauthorized(
      'DPoP',
      'invalid_token',
      'the access token is DPoP-bound: present it with the DPoP scheme and a proof (RFC 9449 §7.1)',
    );
  if (scheme === 'DPoP') {
    // RFC 9449 §7.1: a proof for this request, with ath, made with the key the token is bound to.
    const proof = await dpopProof(core, req, { accessToken: presented!.token });
    if (proof === undefined)
      return unauthorized('DPoP', 'invalid_dpop_proof', 'the DPoP scheme needs a DPoP proof header (RFC 9449 §7.1)');
    if (proof.kind === 'invalid') return unauthorized('DPoP', 'invalid_dpop_proof', proof.description);
    if (proof.jkt !== record.jkt)
      return unauthorized(
        'DPoP',
        'invalid_token',
        record.jkt === undefined
          ? 'the access token is not DPoP-bound; present it as Bearer (RFC 9449 §7.1)'
          : 'the DPoP proof is made with another key than the access token is bound to (RFC 9449 §7.1)',
      );
  }
  const mismatch = core.defects.has('userinfo_sub');
  const claims = claimsFor(record, mismatch ? 'mallory' : record.user.sub);
  return {
    ...json(200, claims, `claims of ${record.user.sub}`),
    applied: mismatch ? ['userinfo_sub'] : [],
    client: record.client.clientId,
  };
}

/** RFC 7662 §2: a confidential client asks whether a token is active, and about what. */
export function introspectionEndpoint(core: ProviderCore, req: ProviderRequest): Reply {
  const a = authenticatedForm(core, req);
  if ('status' in a) return a;
  if (a.method === 'none')
    return oauthError(
      401,
      'invalid_client',
      'introspection needs an authenticated (confidential) client (RFC 7662 §2.1)',
    );
  const token = a.form.token;
  if (token === undefined) return oauthError(400, 'invalid_request', 'the request has no token');
  const now = nowSeconds();
  const access = core.accessTokens.get(token);
  const refresh = core.refreshTokens.get(token);
  const record = access ?? refresh;
  if (!record || record.exp < now)
    return { ...json(200, { active: false }, 'inactive token'), client: a.client.clientId };
  const body: Record<string, unknown> = {
    active: true,
    scope: record.scope.join(' '),
    client_id: record.client.clientId,
    exp: record.exp,
    iat: record.iat,
    iss: core.settings.issuer,
    sub: record.user?.sub ?? record.client.clientId,
    ...(record.user ? { username: record.user.sub } : {}),
    ...(access ? { token_type: access.jkt !== undefined ? 'DPoP' : 'Bearer' } : {}),
    // RFC 9449 §6.2: the key a DPoP-bound token (or refresh token) is bound to.
    ...(record.jkt !== undefined ? { cnf: { jkt: record.jkt } } : {}),
  };
  return { ...json(200, body, `active ${access ? 'access' : 'refresh'} token`), client: a.client.clientId };
}

/** RFC 7009 §2: revoke a token of the client's own; unknown tokens are answered 200 too (§2.2). */
export function revocationEndpoint(core: ProviderCore, req: ProviderRequest): Reply {
  const a = authenticatedForm(core, req);
  if ('status' in a) return a;
  const token = a.form.token;
  if (token === undefined) return oauthError(400, 'invalid_request', 'the request has no token');
  const access = core.accessTokens.get(token);
  const refresh = core.refreshTokens.get(token);
  const record = access ?? refresh;
  if (!record) return { ...text(200, '', 'unknown token: nothing to revoke'), client: a.client.clientId };
  if (record.client.clientId !== a.client.clientId)
    return oauthError(400, 'unauthorized_client', 'the token was issued to another client (RFC 7009 §2.1)', {
      client: a.client.clientId,
    });
  core.accessTokens.delete(token);
  if (refresh) {
    core.refreshTokens.delete(token);
    // RFC 7009 §2.1: revoking a refresh token also revokes the access tokens of the same grant.
    for (const [t, r] of core.accessTokens) if (r.refreshToken === token) core.accessTokens.delete(t);
  }
  return { ...text(200, '', `${access ? 'access' : 'refresh'} token revoked`), client: a.client.clientId };
}
