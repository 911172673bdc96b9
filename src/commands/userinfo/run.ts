// userinfo: refuse ID tokens, find the endpoint, call it, check the answer.
import type { CommandResult, Context } from '../shared/context.js';
import type { UserinfoOptions } from './options.js';
import { resolveCommandSettings, settingValue } from '../shared/settings.js';
import { UsageError } from '../../errors.js';
import { resolveEndpoint } from '../shared/provider-endpoint.js';
import { readTokenArgument } from '../../io/input.js';
import { remoteJwksSource } from '../../io/keys.js';
import { fetchUserinfo } from '../../io/userinfo.js';
import { asUsage } from '../../io/protocol-input.js';
import { isValid } from '../../protocol/checks.js';
import { cleanTokenInput, decodeJwt } from '../../protocol/jwt.js';
import { classifyToken } from '../../protocol/token-kind.js';
import { validateUserinfo } from '../../protocol/userinfo.js';
import { renderChecks } from '../../render/checks.js';
import { renderClaimsTable } from '../../render/jwt-tables.js';
import { dpopKeySetting, decryptionKeysSetting, withDpopProofs } from '../shared/key-settings.js';

export async function run(opts: UserinfoOptions, ctx: Context): Promise<CommandResult> {
  const token = cleanTokenInput(await readTokenArgument(opts.token, ctx));
  if (!token) throw new UsageError('no_input', 'the access token is empty');
  refuseIdToken(token);
  const settings = await resolveCommandSettings(
    opts.flags,
    ['issuer', 'client-id', 'dpop-key', 'decryption-key'],
    ctx.env,
  );
  const issuer = settingValue(settings, 'issuer');
  const clientId = settingValue(settings, 'client-id');
  // The key files are read before any request: a bad one is exit 2 in one sentence.
  const dpopKey = await dpopKeySetting(settings);
  const decryptionKeys = await decryptionKeysSetting(opts.decryptionKey, settings);
  // RFC 9449 §7: a DPoP-bound token is presented with a proof (ath included); nonce challenges are answered (§9).
  const plainHttp = ctx.httpClient({ timeoutSeconds: opts.timeout });
  const http = await withDpopProofs(plainHttp, dpopKey);
  const { endpoint, metadata } = await resolveEndpoint(http, {
    issuer,
    endpoint: opts.endpoint,
    field: 'userinfo_endpoint',
    what: 'userinfo endpoint',
  });
  const answer = await fetchUserinfo(http, endpoint, token, dpopKey ? 'DPoP' : 'Bearer');
  const keys =
    answer.format === 'jwt' && typeof metadata?.jwks_uri === 'string'
      ? await remoteJwksSource(plainHttp, metadata.jwks_uri)
      : undefined;
  const { claims, checks, encrypted } = await asUsage(() =>
    validateUserinfo(answer, { expectedSub: opts.sub, issuer, clientId, keys, decryptionKeys }),
  );
  const data = {
    valid: isValid(checks),
    endpoint,
    format: answer.format,
    ...(encrypted ? { encrypted } : {}),
    ...(dpopKey ? { dpop: { jkt: dpopKey.thumbprint } } : {}),
    claims,
    checks,
  };
  return {
    data,
    human: (c) =>
      [
        c.style.bold(`UserInfo from ${endpoint}`) +
          c.style.dim(
            ` (${answer.format === 'jwt' ? (encrypted ? 'an encrypted JWT' : 'a signed JWT') : 'JSON'}` +
              `${dpopKey ? ', DPoP' : ''})`,
          ),
        renderClaimsTable(claims, c.style, {
          now: ctx.now(),
          ...(c.columns ? { width: c.columns } : {}),
        }),
        renderChecks(checks, c.style),
      ].join('\n'),
  };
}

/** ID tokens say who signed in, to the client; they are not credentials for APIs (Core 2, RFC 9068 §1). */
function refuseIdToken(token: string): void {
  let decoded;
  try {
    decoded = decodeJwt(token);
  } catch {
    return;
  }
  if (decoded.format !== 'JWS') return;
  const kind = classifyToken(decoded.header, decoded.payload);
  if (kind.id === 'id_token' && kind.confidence !== 'possible') {
    throw new UsageError(
      'id_token_given',
      'that is an ID token, not an access token: ID tokens tell the client who signed in and are ' +
        'not for calling APIs such as userinfo',
      { hint: 'pass the access_token from the same token response' },
    );
  }
}
