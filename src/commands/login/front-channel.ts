// The front-channel half of an implicit or hybrid login: what the authorization response carried,
// on which channel, whether its ID token holds up, and so whether the code may be redeemed and
// userinfo called. `login` calls evaluateAuthorizationResponse() right after its state / iss
// checks and before the token endpoint; and checkBackChannelIdToken() after the token endpoint.
import type { Check } from '../../protocol/checks.js';
import {
  checkExtraParameters,
  checkHybridIdTokens,
  checkResponseChannel,
  checkResponseParameters,
  FRONT_CHANNEL,
  redemptionDecision,
  validateFrontChannelIdToken,
  type RedemptionDecision,
} from '../../protocol/front-channel-checks.js';
import type { DecryptionKey } from '../../protocol/jwe.js';
import type { KeySource } from '../../protocol/jws-signature.js';
import type { JoseHeader } from '../../protocol/jwt.js';
import type { Channel, ResponseMode, ResponseType } from '../../protocol/response-type.js';
import type { JwtExpectations, JwtValidation } from '../../protocol/validate-jwt.js';

export interface AuthorizationResponseInput {
  responseType: ResponseType;
  responseMode: ResponseMode;
  channel: Channel;
  params: Record<string, string>;
  /** The provider's JWKS (HS* ID tokens are verified with the client secret instead, Core 10.1). */
  keys: KeySource | undefined;
  clientSecret?: string | undefined;
  /** Core 10.2: the client's keys for an encrypted front-channel ID token. */
  decryptionKeys?: readonly DecryptionKey[] | undefined;
  /** issuer, audience/clientId, nonce, max_age, acr_values, clock tolerance: as for any ID token. */
  expectations: JwtExpectations;
  /** Rows login already made from the response (state, iss_param): they count for redemption too. */
  flowChecks?: readonly Check[];
}

export interface FrontChannelEvaluation {
  channel: Channel;
  /** Each parameter with the channel it arrived on. */
  parameters: { name: string; channel: Channel; value: string }[];
  /** response_mode, response_type and the front-channel ID token's rows (source authorization_endpoint). */
  checks: Check[];
  idToken?: JwtValidation & { jweHeader?: JoseHeader };
  /** Whether the code may be redeemed and userinfo called, and if not, why. */
  decision: RedemptionDecision;
}

export async function evaluateAuthorizationResponse(
  input: AuthorizationResponseInput,
): Promise<FrontChannelEvaluation> {
  const { responseType: rt, params, channel } = input;
  const checks: Check[] = [
    { ...checkResponseChannel(input.responseMode, channel, params), source: FRONT_CHANNEL },
    { ...checkResponseParameters(rt, params), source: FRONT_CHANNEL },
  ];
  const extra = checkExtraParameters(params);
  if (extra) checks.push({ ...extra, source: FRONT_CHANNEL });
  let idToken: (JwtValidation & { jweHeader?: JoseHeader }) | undefined;
  const token = params.id_token;
  if (token !== undefined && token !== '') {
    idToken = await validateFrontChannelIdToken(token, rt, params, {
      keys: input.keys,
      clientSecret: input.clientSecret,
      decryptionKeys: input.decryptionKeys,
      expectations: input.expectations,
    });
    checks.push(...idToken.checks);
  }
  const decision = redemptionDecision([...(input.flowChecks ?? []), ...checks]);
  return {
    channel,
    parameters: Object.entries(params).map(([name, value]) => ({ name, channel, value })),
    checks,
    ...(idToken ? { idToken } : {}),
    decision,
  };
}

/** Hybrid flow: the token endpoint's ID token must name the same iss and sub (Core 3.3.3.6). */
export function checkBackChannelIdToken(
  front: FrontChannelEvaluation | undefined,
  backPayload: Record<string, unknown> | undefined,
): Check[] {
  if (!front?.idToken || !backPayload) return [];
  return checkHybridIdTokens(front.idToken.payload, backPayload).map((c) => ({ ...c, source: 'token_endpoint' }));
}
