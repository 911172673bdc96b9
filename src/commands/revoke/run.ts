// revoke: a token and the client's authentication to the revocation endpoint (RFC 7009).
import type { CommandResult, Context } from '../shared/context.js';
import { prepareTokenEndpointCall, type TokenEndpointOptions } from '../shared/token-endpoint-call.js';
import { errorForStatus } from '../../io/http.js';

export async function run(opts: TokenEndpointOptions, ctx: Context): Promise<CommandResult> {
  const { token, http, endpoint, auth } = await prepareTokenEndpointCall(
    ctx,
    opts,
    'revocation_endpoint',
    'revocation endpoint',
  );
  const response = await http.request({
    url: endpoint,
    method: 'POST',
    what: 'revocation endpoint',
    headers: auth.headers,
    form: { ...auth.form, token, token_type_hint: opts.tokenTypeHint },
  });
  // RFC 7009 §2.2: 200 whether or not the token was valid; errors use the RFC 6749 §5.2 body.
  if (response.status !== 200) throw errorForStatus(response, 'the revocation endpoint');
  const data = { revoked: true, endpoint, status: response.status };
  return {
    data,
    human: (c) =>
      `${c.style.green('revoked')}: ${endpoint} answered 200 (RFC 7009: also the answer for a token it did not know)`,
  };
}
