// The provider's state and the one place tokens are minted: codes, access and refresh tokens,
// device codes and ID tokens (with the defects that are on). The endpoints in this folder read
// and change it; the server around them (server.ts) handles HTTP.
import { randomBytes } from 'node:crypto';
import { DPOP_PROOF_MAX_AGE_SECONDS, DPOP_PROOF_MAX_SKEW_SECONDS } from '../../protocol/provider-dpop.js';
import {
  accessTokenConfirmation,
  applyClaimDefects,
  applyJarmDefects,
  signingPlan,
  type Defect,
  type IdTokenChannel,
  type ProviderAlg,
} from '../../protocol/provider-defects.js';
import {
  PUSHED_REQUEST_URI_PREFIX,
  type ProviderClient,
  type PushedRequest,
} from '../../protocol/provider-requests.js';
import { halfHash, type Keyring, planAlg, signIdToken, signWithProviderKey, unsecuredJwt } from './keys.js';

export interface ProviderUser {
  sub: string;
  name: string;
  email: string;
}

export interface ProviderSettings {
  issuer: string;
  /** The issuer's path without a trailing slash ("" at the root): every endpoint lives under it. */
  base: string;
  clients: ProviderClient[];
  user: ProviderUser;
  autoApprove: boolean;
  signingAlg: ProviderAlg;
  deviceIntervalSeconds: number;
}

/** What a grant is about: who signed in, for which client, with which scopes. */
export interface Authorization {
  client: ProviderClient;
  /** Absent for client_credentials: the client acts for itself. */
  user?: ProviderUser | undefined;
  scope: string[];
  authTime: number;
}

export interface CodeGrant extends Authorization {
  redirectUri: string;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  /** The authorization response carried an ID token too (Core 3.3.3.6 compares the two). */
  hybrid: boolean;
  /** RFC 9449 §10: the thumbprint of the only key whose DPoP proof may redeem the code. */
  dpopJkt: string | undefined;
  expiresAt: number;
  used: boolean;
  /** Tokens issued from this code, revoked if the code is replayed (RFC 6749 §4.1.2). */
  tokens: string[];
}

export interface AccessTokenRecord extends Authorization {
  iat: number;
  exp: number;
  refreshToken?: string | undefined;
  /** RFC 9449 §6: DPoP-bound to the key of this thumbprint (presented with the DPoP scheme and a proof). */
  jkt?: string | undefined;
}

export interface RefreshTokenRecord extends Authorization {
  iat: number;
  exp: number;
  /** RFC 9449 §5: a public client's refresh token is bound to its DPoP key. */
  jkt?: string | undefined;
}

export interface DeviceGrant {
  client: ProviderClient;
  scope: string[];
  userCode: string;
  expiresAt: number;
  interval: number;
  lastPoll: number | undefined;
  status: 'pending' | 'approved' | 'denied' | 'used';
  user?: ProviderUser;
  authTime?: number;
}

export const ACCESS_TOKEN_SECONDS = 600;
const ID_TOKEN_SECONDS = 600;
const CODE_SECONDS = 120;
const REFRESH_TOKEN_SECONDS = 86_400;
const DEVICE_CODE_SECONDS = 600;
const INTERACTION_SECONDS = 600;
/** RFC 9126 §2.2: a pushed request is short-lived; the browser follows at once. */
export const PUSHED_REQUEST_SECONDS = 60;
/** JARM §2.1: the response JWT lives briefly (10 minutes is the recommendation). */
const JARM_RESPONSE_SECONDS = 600;
/** RFC 9068 §3: the audience of the JWT access tokens (the protected resource here is userinfo). */
const ACCESS_TOKEN_AUDIENCE_PATH = '/userinfo';

export const nowSeconds = () => Math.floor(Date.now() / 1000);
export const randomToken = (bytes = 24) => randomBytes(bytes).toString('base64url');

/** The counters tests and the log read: how often each endpoint was called. */
export type Calls = Record<
  | 'discovery'
  | 'jwks'
  | 'authorize'
  | 'token'
  | 'userinfo'
  | 'introspect'
  | 'revoke'
  | 'end_session'
  | 'device_authorization'
  | 'device'
  | 'par'
  | 'control',
  number
>;

export class ProviderCore {
  readonly calls: Calls = {
    discovery: 0,
    jwks: 0,
    authorize: 0,
    token: 0,
    userinfo: 0,
    introspect: 0,
    revoke: 0,
    end_session: 0,
    device_authorization: 0,
    device: 0,
    par: 0,
    control: 0,
  };
  /** Every code, access, refresh and ID token handed out, so tests can look for leaks. */
  readonly issued: string[] = [];
  /** JWKS fetches since the defects last changed (the rotation defect counts from there). */
  jwksFetches = 0;
  readonly codes = new Map<string, CodeGrant>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly devices = new Map<string, DeviceGrant>();
  /** Pending sign-ins and sign-outs waiting for a person's click, by one-time id. */
  readonly interactions = new Map<string, { expiresAt: number; value: unknown }>();
  /** RFC 9126: pushed authorization requests by request_uri, each used once. */
  readonly pushedRequests = new Map<string, PushedRequest & { expiresAt: number }>();
  /** RFC 9449 §11.1: the jti of every DPoP proof accepted, until it would be too old anyway. */
  private readonly dpopJtis = new Map<string, number>();

  constructor(
    readonly settings: ProviderSettings,
    readonly keyring: Keyring,
    readonly defects: Set<Defect>,
  ) {}

  endpoint(path: string): string {
    return `${this.settings.issuer.replace(/\/$/, '')}${path}`;
  }

  /** Replace the defects in place (tests hold the Set) and restart the rotation count. */
  setDefects(list: readonly Defect[]): void {
    this.defects.clear();
    for (const d of list) this.defects.add(d);
    this.jwksFetches = 0;
  }

  userFor(sub: string): ProviderUser {
    const u = this.settings.user;
    return sub === u.sub ? u : { sub, name: sub, email: `${sub}@example.com` };
  }

  private remember(token: string): string {
    this.issued.push(token);
    return token;
  }

  newInteraction(value: unknown): string {
    this.sweep();
    // Pages opened and never answered: keep the newest ten thousand.
    if (this.interactions.size >= 10_000) this.interactions.delete(this.interactions.keys().next().value!);
    const id = randomToken(16);
    this.interactions.set(id, { expiresAt: nowSeconds() + INTERACTION_SECONDS, value });
    return id;
  }

  /** One-time: the interaction is gone once taken. */
  takeInteraction<T>(id: string | undefined): T | undefined {
    if (id === undefined) return undefined;
    const entry = this.interactions.get(id);
    this.interactions.delete(id);
    return entry && entry.expiresAt > nowSeconds() ? (entry.value as T) : undefined;
  }

  newCode(grant: Omit<CodeGrant, 'expiresAt' | 'used' | 'tokens'>): string {
    this.sweep();
    const code = this.remember(randomToken());
    this.codes.set(code, { ...grant, expiresAt: nowSeconds() + CODE_SECONDS, used: false, tokens: [] });
    return code;
  }

  /**
   * An access token: opaque, or an RFC 9068 JWT when it carries a confirmation a client can read
   * (cnf.jkt of a DPoP-bound token, RFC 9449 §6.1; or what the binding defects put there).
   */
  async newAccessToken(
    auth: Authorization,
    opts: { refreshToken?: string | undefined; jkt?: string | undefined } = {},
  ): Promise<{ token: string; record: AccessTokenRecord; applied: Defect[] }> {
    const iat = nowSeconds();
    const exp = iat + ACCESS_TOKEN_SECONDS;
    const { cnf, applied } = accessTokenConfirmation(opts.jkt, this.defects);
    const token = this.remember(
      cnf
        ? await signWithProviderKey(
            {
              iss: this.settings.issuer,
              sub: auth.user?.sub ?? auth.client.clientId,
              aud: this.endpoint(ACCESS_TOKEN_AUDIENCE_PATH),
              client_id: auth.client.clientId,
              iat,
              exp,
              jti: randomToken(16),
              ...(auth.scope.length ? { scope: auth.scope.join(' ') } : {}),
              cnf,
            },
            this.keyring,
            'at+jwt',
          )
        : randomToken(),
    );
    const record: AccessTokenRecord = { ...auth, iat, exp, refreshToken: opts.refreshToken, jkt: opts.jkt };
    this.accessTokens.set(token, record);
    return { token, record, applied };
  }

  newRefreshToken(auth: Authorization, jkt?: string): string {
    const iat = nowSeconds();
    const token = this.remember(randomToken(32));
    this.refreshTokens.set(token, { ...auth, iat, exp: iat + REFRESH_TOKEN_SECONDS, jkt });
    return token;
  }

  /** RFC 9126 §2.2: keep the pushed request under a URN only this provider can resolve. */
  pushRequest(pushed: PushedRequest): { requestUri: string; expiresIn: number } {
    this.sweep();
    // Pushed and never used: keep the newest ten thousand.
    if (this.pushedRequests.size >= 10_000) this.pushedRequests.delete(this.pushedRequests.keys().next().value!);
    const requestUri = `${PUSHED_REQUEST_URI_PREFIX}${randomToken()}`;
    this.pushedRequests.set(requestUri, { ...pushed, expiresAt: nowSeconds() + PUSHED_REQUEST_SECONDS });
    return { requestUri, expiresIn: PUSHED_REQUEST_SECONDS };
  }

  /** One-time (RFC 9126 §4): the pushed request is gone once taken. */
  takePushedRequest(requestUri: string): PushedRequest | undefined {
    const entry = this.pushedRequests.get(requestUri);
    this.pushedRequests.delete(requestUri);
    return entry && entry.expiresAt >= nowSeconds() ? { clientId: entry.clientId, params: entry.params } : undefined;
  }

  /** False when a proof with this jti was accepted before (RFC 9449 §11.1); remembers it otherwise. */
  firstUseOfDpopJti(jti: string, iat: number): boolean {
    this.sweep();
    if (this.dpopJtis.has(jti)) return false;
    this.dpopJtis.set(jti, Math.max(iat, nowSeconds()) + DPOP_PROOF_MAX_AGE_SECONDS + DPOP_PROOF_MAX_SKEW_SECONDS);
    return true;
  }

  /** JARM §2.1: the response parameters as the claims of one JWT, with the JARM defects that are on. */
  async jarmResponse(
    params: Record<string, string>,
    client: ProviderClient,
  ): Promise<{ token: string; applied: Defect[] }> {
    const now = nowSeconds();
    const changed = applyJarmDefects(
      { ...params, iss: this.settings.issuer, aud: client.clientId, iat: now, exp: now + JARM_RESPONSE_SECONDS },
      this.defects,
      { issuer: this.settings.issuer },
    );
    // JARM §3: RS256 unless the client registered another authorization_signed_response_alg.
    const token = changed.signed
      ? await signWithProviderKey(changed.claims, this.keyring)
      : unsecuredJwt(changed.claims);
    return { token, applied: changed.applied };
  }

  newDeviceGrant(client: ProviderClient, scope: string[]): { deviceCode: string; grant: DeviceGrant } {
    this.sweep();
    const deviceCode = randomToken(32);
    const grant: DeviceGrant = {
      client,
      scope,
      userCode: userCode(),
      expiresAt: nowSeconds() + DEVICE_CODE_SECONDS,
      interval: this.settings.deviceIntervalSeconds,
      lastPoll: undefined,
      status: 'pending',
    };
    this.devices.set(deviceCode, grant);
    return { deviceCode, grant };
  }

  deviceByUserCode(input: string): DeviceGrant | undefined {
    const wanted = normaliseUserCode(input);
    for (const g of this.devices.values())
      if (normaliseUserCode(g.userCode) === wanted && g.status === 'pending' && g.expiresAt > nowSeconds()) return g;
    return undefined;
  }

  /** An ID token with the defects that are on; `applied` says which changed it. */
  async idToken(input: {
    client: ProviderClient;
    user: ProviderUser;
    authTime: number;
    nonce?: string | undefined;
    accessToken?: string | undefined;
    code?: string | undefined;
    state?: string | undefined;
    channel: IdTokenChannel;
    hybrid: boolean;
  }): Promise<{ token: string; applied: Defect[]; notApplicable: Defect[] }> {
    const { plan, applied, notApplicable } = signingPlan(this.defects, {
      alg: this.settings.signingAlg,
      clientHasSecret: input.client.clientSecret !== undefined,
    });
    const alg = planAlg(plan);
    const now = nowSeconds();
    const claims: Record<string, unknown> = {
      iss: this.settings.issuer,
      sub: input.user.sub,
      aud: input.client.clientId,
      iat: now,
      exp: now + ID_TOKEN_SECONDS,
      auth_time: input.authTime,
    };
    if (input.nonce !== undefined) claims.nonce = input.nonce;
    if (input.accessToken !== undefined) claims.at_hash = halfHash(alg, input.accessToken);
    if (input.code !== undefined) claims.c_hash = halfHash(alg, input.code);
    // FAPI 1.0 Advanced §5.2.2.4: s_hash binds the state to the front-channel ID token.
    if (input.channel === 'authorization_endpoint' && input.state !== undefined)
      claims.s_hash = halfHash(alg, input.state);
    const changed = applyClaimDefects(claims, this.defects, {
      issuer: this.settings.issuer,
      channel: input.channel,
      hybrid: input.hybrid,
    });
    const token = await signIdToken(changed.claims, plan, this.keyring, input.client.clientSecret);
    return { token: this.remember(token), applied: [...applied, ...changed.applied], notApplicable };
  }

  /** Drop what has expired, at most every ten seconds (a long CI run must not grow without end). */
  private lastSweep = 0;
  private sweep(): void {
    const now = nowSeconds();
    if (now - this.lastSweep < 10) return;
    this.lastSweep = now;
    for (const [k, v] of this.codes) if (v.expiresAt < now - 600) this.codes.delete(k);
    for (const [k, v] of this.accessTokens) if (v.exp < now) this.accessTokens.delete(k);
    for (const [k, v] of this.refreshTokens) if (v.exp < now) this.refreshTokens.delete(k);
    for (const [k, v] of this.devices) if (v.expiresAt < now - 600) this.devices.delete(k);
    for (const [k, v] of this.interactions) if (v.expiresAt < now) this.interactions.delete(k);
    for (const [k, v] of this.pushedRequests) if (v.expiresAt < now) this.pushedRequests.delete(k);
    for (const [k, until] of this.dpopJtis) if (until < now) this.dpopJtis.delete(k);
  }
}

// RFC 8628 §6.1: consonants only (no vowels, no look-alikes), shown as two groups of four.
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
function userCode(): string {
  let code = '';
  while (code.length < 8) {
    // 240 is the largest multiple of 20 below 256: larger bytes are dropped, so no letter is likelier.
    for (const b of randomBytes(16)) if (b < 240 && code.length < 8) code += USER_CODE_ALPHABET[b % 20];
  }
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** RFC 8628 §6.1: case and dashes do not matter when a person types the code. */
function normaliseUserCode(s: string): string {
  return s.toUpperCase().replace(/[^A-Z]/g, '');
}
