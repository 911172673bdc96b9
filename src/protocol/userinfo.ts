// Checks on a UserInfo answer (OIDC Core 5.3.2–5.3.4): sub must be the ID token's; a signed answer
// is verified like any JWT and should carry iss and aud.
import { fail, pass, skip, warn, type Check } from './checks.js';
import type { KeySource } from './jws-signature.js';
import { validateJwt } from './validate-jwt.js';

export interface UserinfoAnswer {
  format: 'json' | 'jwt';
  claims: Record<string, unknown>;
  jwt?: string | undefined;
}

export interface UserinfoExpectations {
  expectedSub?: string | undefined;
  issuer?: string | undefined;
  clientId?: string | undefined;
  /** The ID token's audience rules apply to a signed answer's aud too (Core 3.1.3.7 item 3). */
  trustedAudiences?: string[] | undefined;
  strictAudience?: boolean | undefined;
  keys?: KeySource | undefined;
  now?: number | undefined;
}

export function checkUserinfoSub(claims: Record<string, unknown>, expectedSub: string | undefined): Check {
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub === '')
    return fail('userinfo_sub', 'the userinfo answer has no sub (Core 5.3.2 requires it)');
  if (expectedSub === undefined)
    return skip('userinfo_sub', `userinfo sub is "${sub}"; no ID token sub to compare with`);
  // Core 5.3.2: if they differ, the UserInfo Response values MUST NOT be used.
  if (sub === expectedSub) return pass('userinfo_sub', 'userinfo sub matches the ID token sub');
  return fail(
    'userinfo_sub',
    `userinfo sub "${sub}" is not the ID token sub "${expectedSub}": the answer must not be used (Core 5.3.2)`,
    { expected: expectedSub, actual: sub },
  );
}

export async function validateUserinfo(
  answer: UserinfoAnswer,
  exp: UserinfoExpectations,
): Promise<{ claims: Record<string, unknown>; checks: Check[] }> {
  const checks: Check[] = [];
  if (answer.format === 'jwt' && answer.jwt !== undefined) {
    // Core 5.3.2: a signed answer SHOULD contain iss and aud; when present they must be right.
    const v = await validateJwt(answer.jwt, exp.keys, {
      issuer: exp.issuer,
      audience: exp.clientId ? [exp.clientId] : undefined,
      trustedAudiences: exp.trustedAudiences,
      strictAudience: exp.strictAudience,
      clientId: exp.clientId,
      now: exp.now,
    });
    const keep = new Set(['format', 'alg', 'kid', 'signature', 'iss', 'aud']);
    for (const c of v.checks.filter((c) => keep.has(c.id))) {
      // SHOULD, not MUST: a missing iss or aud is worth a warning, not a failure.
      const absent = (c.id === 'iss' || c.id === 'aud') && v.payload[c.id] === undefined;
      checks.push(absent ? warn(c.id, `no ${c.id} claim; a signed UserInfo answer should carry one (Core 5.3.2)`) : c);
    }
  }
  checks.push(checkUserinfoSub(answer.claims, exp.expectedSub));
  return { claims: answer.claims, checks };
}
