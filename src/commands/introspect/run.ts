// introspect: a token and the client's authentication to the introspection endpoint (RFC 7662).
import { prepareTokenEndpointCall, type TokenEndpointOptions } from '../shared/token-endpoint-call.js';
import type { CommandResult, Context } from '../shared/context.js';
import { fail, isValid, pass, type Check } from '../../protocol/checks.js';
import { checkDpopBinding } from '../../protocol/dpop.js';
import { renderChecks } from '../../render/checks.js';
import { renderClaimsTable } from '../../render/jwt-tables.js';

export async function run(opts: TokenEndpointOptions, ctx: Context): Promise<CommandResult> {
  const { token, http, endpoint, auth, dpopKey } = await prepareTokenEndpointCall(
    ctx,
    opts,
    'introspection_endpoint',
    'introspection endpoint',
  );
  const { json } = await http.json({
    url: endpoint,
    method: 'POST',
    what: 'introspection endpoint',
    headers: auth.headers,
    form: { ...auth.form, token, token_type_hint: opts.tokenTypeHint },
  });
  // RFC 7662 §2.2: active is REQUIRED; anything but true means the token must not be accepted.
  const checks: Check[] = [
    json.active === true
      ? pass('active', 'the provider says the token is active')
      : fail(
          'active',
          json.active === false
            ? 'the provider says the token is not active (expired, revoked, or never issued to this client)'
            : 'the answer has no boolean "active" (RFC 7662 §2.2 requires it)',
          { actual: json.active },
        ),
  ];
  // RFC 9449 §6.2: the introspection answer of a DPoP-bound token names its key in cnf.jkt.
  const cnf = json.cnf as { jkt?: unknown } | undefined;
  if (dpopKey && json.active === true && (String(json.token_type).toLowerCase() === 'dpop' || cnf?.jkt !== undefined))
    checks.push(checkDpopBinding(json, dpopKey.thumbprint, 'the introspected token'));
  const data = { valid: isValid(checks), endpoint, response: json, checks };
  return {
    data,
    human: (c) =>
      [
        c.style.bold(`Introspection at ${endpoint}`),
        renderClaimsTable(json, c.style, {
          now: ctx.now(),
          ...(c.columns ? { width: c.columns } : {}),
        }),
        renderChecks(checks, c.style),
      ].join('\n'),
  };
}
