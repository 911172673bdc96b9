// verify: input → key source → validateJwt → result.
import type { CommandResult, Context } from '../shared/context.js';
import type { VerifyOptions } from './options.js';
import { UsageError } from '../../errors.js';
import { readTokenArgument } from '../../io/input.js';
import { keySourceFromOptions } from '../../io/keys.js';
import { SUPPORTED_ALGS } from '../../protocol/jws-signature.js';
import { JwtFormatError } from '../../protocol/jwt.js';
import { parseJws, validateJws } from '../../protocol/validate-jwt.js';
import { renderVerification } from './render.js';

export async function run(opts: VerifyOptions, ctx: Context): Promise<CommandResult> {
  for (const alg of opts.alg ?? []) {
    if (alg.toLowerCase() === 'none')
      throw new UsageError('bad_alg', '--alg none is never allowed: unsecured tokens are not verified');
    if (!(SUPPORTED_ALGS as readonly string[]).includes(alg))
      throw new UsageError('bad_alg', `--alg ${alg} is not supported (supported: ${SUPPORTED_ALGS.join(', ')})`);
  }
  const input = await readTokenArgument(opts.token, ctx.stdin);
  let jws;
  try {
    jws = parseJws(input, { allowNonJsonPayload: true });
  } catch (err) {
    if (err instanceof JwtFormatError) throw new UsageError('not_a_jwt', err.message);
    throw err;
  }
  // Parse before fetching keys: a bad paste should not cost a network round trip.
  const keys = await keySourceFromOptions(opts, () => ctx.httpClient({ timeoutSeconds: opts.timeout }));
  const now = ctx.now();
  const checks = await validateJws(jws, keys, {
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
  });
  const valid = !checks.some((c) => c.status === 'fail');
  const data = { valid, header: jws.header, payload: jws.payloadText ?? jws.payload, checks };
  return { data, human: (c) => renderVerification(data, c.style, now, c.columns) };
}
