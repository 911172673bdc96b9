// The pushed authorization request endpoint (RFC 9126): the client posts its authorization request
// with its authentication and gets a request_uri; the browser then carries only client_id and that
// request_uri to the authorization endpoint, which resolves it (authorization.ts).
import { checkPushedAuthorizationRequest } from '../../protocol/provider-requests.js';
import type { ProviderCore } from './core.js';
import { dpopProof } from './dpop.js';
import { json, oauthError, type Reply } from './reply.js';
import type { ProviderRequest } from './request.js';
import { authenticatedForm } from './token.js';

export const PAR_PATH = '/par';

export async function pushedAuthorizationRequestEndpoint(core: ProviderCore, req: ProviderRequest): Promise<Reply> {
  // RFC 9126 §2: the client authenticates as at the token endpoint (a public client names itself).
  const a = authenticatedForm(core, req);
  if ('status' in a) return a;
  const client = a.client.clientId;
  if (core.defects.has('par_error'))
    return {
      ...oauthError(400, 'invalid_request', 'the pushed request is refused (defect par_error)', { client }),
      applied: ['par_error'],
    };
  const verdict = checkPushedAuthorizationRequest(a.form, a.client, core.settings.clients);
  // RFC 9126 §2.3: errors as at the token endpoint (RFC 6749 §5.2), in the body.
  if (verdict.kind === 'error') return oauthError(400, verdict.error, verdict.description, { client });
  const params = verdict.params;
  // RFC 9449 §10.1: a DPoP proof with the push binds the code to its key, as dpop_jkt does.
  if (req.headers.dpop !== undefined && !core.defects.has('dpop_ignored')) {
    const proof = await dpopProof(core, req);
    if (proof?.kind !== 'ok')
      return oauthError(400, 'invalid_dpop_proof', proof?.description ?? 'no proof', { client });
    if (params.dpop_jkt !== undefined && params.dpop_jkt !== proof.jkt)
      return oauthError(
        400,
        'invalid_dpop_proof',
        'dpop_jkt is not the thumbprint of the DPoP proof key sent with the push (RFC 9449 §10.1)',
        { client },
      );
    params.dpop_jkt = proof.jkt;
  }
  if (core.defects.has('par_bad'))
    return {
      ...json(200, { request_uri: 'not a uri' }, 'a request_uri that is no URI, no expires_in (defect)', { client }),
      applied: ['par_bad'],
    };
  const { requestUri, expiresIn } = core.pushRequest({ clientId: client, params });
  // RFC 9126 §2.2: 201 Created with the request_uri and its lifetime.
  return json(
    201,
    { request_uri: requestUri, expires_in: expiresIn },
    `pushed ${params.response_type ?? ''} request, valid ${expiresIn} s${params.dpop_jkt ? ', code DPoP-bound' : ''}`,
    { client },
  );
}
