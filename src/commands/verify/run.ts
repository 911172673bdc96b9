// verify: input → key source → validateJwt → result.
import type { CommandResult, Context } from '../shared/context.js';
import type { VerifyOptions } from './options.js';
import { UsageError } from '../../errors.js';
import { readTokenArgument } from '../../io/input.js';
import { keySourceFromOptions } from '../../io/keys.js';
import { isSupportedAlg, SUPPORTED_ALGS } from '../../protocol/algorithms.js';
import { isValid } from '../../protocol/checks.js';
import { cleanTokenInput, decodeJwt, JwtFormatError } from '../../protocol/jwt.js';
import { parseJws, validateJws, type JwtExpectations } from '../../protocol/validate-jwt.js';
import { renderVerification } from './render.js';

export async function run(opts: VerifyOptions, ctx: Context): Promise<CommandResult> {
  for (const alg of opts.alg ?? []) {
    if (alg.toLowerCase() === 'none')
      throw new UsageError('bad_alg', '--alg none is never allowed: unsecured tokens are not verified');
    if (!isSupportedAlg(alg))
      throw new UsageError('bad_alg', `--alg ${alg} is not supported (supported: ${SUPPORTED_ALGS.join(', ')})`);
  }
  const input = await readTokenArgument(opts.token, ctx);
  const now = ctx.now();
  if (opts.decryptionKey?.length && cleanTokenInput(input).split('.').length === 5)
    return verifyEncrypted(ctx, input, opts, expectationsFrom(opts, now), now);
  let jws;
  try {
    jws = parseJws(input, { allowNonJsonPayload: true });
  } catch (err) {
    if (err instanceof JwtFormatError)
      throw new UsageError(
        'not_a_jwt',
        err.message,
        /JWE/.test(err.message) ? { hint: 'pass --decryption-key <pem or jwk file> to decrypt it first' } : {},
      );
    throw err;
  }
  // Parse before fetching keys: a bad paste should not cost a network round trip.
  const keys = await keySourceFromOptions(opts, () => ctx.httpClient({ timeoutSeconds: opts.timeout }));
  const checks = await validateJws(jws, keys, expectationsFrom(opts, now));
  const data = { valid: isValid(checks), header: jws.header, payload: jws.payloadText ?? jws.payload, checks };
  return { data, human: (c) => renderVerification(data, c.style, now, c.columns) };
}

function expectationsFrom(opts: VerifyOptions, now: number): JwtExpectations {
  return {
    issuer: opts.issuer,
    audience: opts.audience,
    trustedAudiences: opts.trustedAudience,
    strictAudience: opts.strictAudience,
    clientId: opts.clientId,
    nonce: opts.nonce,
    maxAge: opts.maxAge,
    acrValues: opts.acrValues?.split(/\s+/).filter(Boolean),
    clockTolerance: opts.clockTolerance,
    algorithms: opts.alg,
    type: opts.type,
    accessToken: opts.accessToken,
    code: opts.code,
    state: opts.state,
    now,
  };
}

/** Core 10.2 nested JWT: jwe.alg and jwe.decrypt, then the inner JWS checked like any other. */
async function verifyEncrypted(
  ctx: Context,
  input: string,
  opts: VerifyOptions,
  expectations: JwtExpectations,
  now: number,
): Promise<CommandResult> {
  const [{ loadDecryptionKeys }, { asUsage }, { decryptionCandidates, validateEncryptedJwt }] = await Promise.all([
    import('../../io/decryption-keys.js'),
    import('../../io/protocol-input.js'),
    import('../../protocol/jwe.js'),
  ]);
  let header;
  try {
    header = decodeJwt(input).header;
  } catch (err) {
    if (err instanceof JwtFormatError) throw new UsageError('not_a_jwt', err.message);
    throw err;
  }
  const decryptionKeys = await loadDecryptionKeys(opts.decryptionKey ?? []);
  // A key that cannot fit is found before any key is fetched.
  await asUsage(() => decryptionCandidates(header, decryptionKeys));
  const keys = await keySourceFromOptions(opts, () => ctx.httpClient({ timeoutSeconds: opts.timeout }));
  const v = await asUsage(() => validateEncryptedJwt(input, decryptionKeys, keys, expectations));
  const data = { valid: v.valid, jwe_header: v.jweHeader, header: v.header, payload: v.payload, checks: v.checks };
  return { data, human: (c) => renderVerification(data, c.style, now, c.columns) };
}
