// Checks on a UserInfo answer (OIDC Core 5.3.2–5.3.4): sub must be the ID token's; a signed answer
// is verified like any JWT and should carry iss and aud.
import { fail, pass, skip, warn, type Check } from './checks.js';
import { validateEncryptedJwt, type DecryptionKey } from './jwe.js';
import type { KeySource } from './jws-signature.js';
import { validateJwt, type JwtValidation } from './validate-jwt.js';

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
  /** The client's keys for an encrypted answer (Core 5.3.2, 10.2). */
  decryptionKeys?: readonly DecryptionKey[] | undefined;
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
): Promise<{ claims: Record<string, unknown>; checks: Check[]; encrypted?: boolean }> {
  const checks: Check[] = [];
  let claims = answer.claims;
  const encrypted = answer.format === 'jwt' && answer.jwt !== undefined && answer.jwt.split('.').length === 5;
  if (answer.format === 'jwt' && answer.jwt !== undefined) {
    const expectations = {
      issuer: exp.issuer,
      audience: exp.clientId ? [exp.clientId] : undefined,
      trustedAudiences: exp.trustedAudiences,
      strictAudience: exp.strictAudience,
      clientId: exp.clientId,
      now: exp.now,
    };
    // Core 5.3.2 / 10.2: an encrypted answer is decrypted with the client's keys, then the signed JWT inside verified.
    let v: JwtValidation;
    if (encrypted) {
      const e = await validateEncryptedJwt(answer.jwt, exp.decryptionKeys ?? [], exp.keys, expectations);
      v = e;
      claims = e.payload;
      if (!e.checks.some((c) => c.id === 'jwe.decrypt' && c.status === 'pass'))
        e.checks.push(
          fail(
            'format',
            (exp.decryptionKeys ?? []).length === 0
              ? 'the userinfo answer is encrypted (a JWE) and no decryption key was given'
              : 'the userinfo answer is encrypted (a JWE) and could not be decrypted',
          ),
        );
    } else {
      v = await validateJwt(answer.jwt, exp.keys, expectations);
    }
    const keep = new Set(['jwe.alg', 'jwe.decrypt', 'format', 'alg', 'kid', 'signature', 'iss', 'aud']);
    for (const c of v.checks.filter((c) => keep.has(c.id))) {
      // SHOULD, not MUST: a missing iss or aud is worth a warning, not a failure.
      const absent = (c.id === 'iss' || c.id === 'aud') && v.payload[c.id] === undefined;
      checks.push(absent ? warn(c.id, `no ${c.id} claim; a signed UserInfo answer should carry one (Core 5.3.2)`) : c);
    }
  }
  checks.push(checkUserinfoSub(claims, exp.expectedSub));
  return { claims, checks, ...(encrypted ? { encrypted } : {}) };
}
