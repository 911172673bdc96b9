// What a trace or a HAR file shows of a response body without --show-secrets. It does not trust
// the content type: a token response served as text/plain, or with a byte-order mark, is still
// JSON to the client that reads it, so it is redacted as JSON. Whatever cannot be parsed, from an
// endpoint whose answers carry secrets (token, PAR, device authorization, introspection,
// registration: every POST), is withheld whole, since nothing says which part of it is the secret.
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth.js';
import { redacted, redactForm, redactJson } from './redact.js';

export interface ResponseBodyContext {
  contentType?: string | undefined;
  /** The endpoint's answers may hold tokens or credentials. */
  carriesSecrets: boolean;
}

const JWT = /^[\w-]+\.[\w-]+\.[\w-]*$|^[\w-]*\.[\w-]*\.[\w-]*\.[\w-]+\.[\w-]*$/;
const FORM = /^[^=&\s]+=[^&\s]*(?:&[^=&\s]+=[^&\s]*)*$/;

export const withheld = (body: string, why: string) =>
  `[withheld: ${body.length} chars ${why}; --show-secrets shows them]`;

export function redactResponseBody(body: string, context: ResponseBodyContext, show: boolean): string {
  if (show || body === '') return body;
  // As the client reads it (src/io/http.ts): a BOM and surrounding whitespace do not matter.
  const text = body.replace(/^\uFEFF/, '').trim();
  if (text.startsWith('{') || text.startsWith('[') || text.startsWith('"')) {
    if (exceedsJsonDepth(text)) return withheld(body, `of JSON nested more than ${MAX_JSON_DEPTH} levels deep`);
    try {
      return JSON.stringify(redactJson(JSON.parse(text)));
    } catch {
      /* not JSON after all */
    }
  }
  if (JWT.test(text)) return redacted(body);
  const type = (context.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  // RFC 6749 §5.1 says JSON, but some providers answer token requests form-encoded.
  if (type === 'application/x-www-form-urlencoded' || (context.carriesSecrets && FORM.test(text)))
    return redactForm(text, false);
  if (context.carriesSecrets) return withheld(body, 'that could not be parsed, from an endpoint that returns secrets');
  return body;
}
