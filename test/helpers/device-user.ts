// The user's side of the device flow (RFC 8628 §3.3) against oidc-provider's real pages, with
// plain HTTP: open the verification URI, submit each form the provider shows (the code
// confirmation, the login, the consent), keeping cookies, until a page without a form says it is
// done. Loopback only.
import { requestKeepingCookies } from '../../demo/http-user-agent.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function hiddenInputs(form: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of form.matchAll(/<input[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(m[0])?.[1];
    const value = /value="([^"]*)"/.exec(m[0])?.[1];
    if (name && /type="hidden"/.test(m[0])) out[name] = (value ?? '').replace(/&amp;/g, '&');
  }
  return out;
}

/** Confirms the user code as `login`; resolves with the text of the last page. */
export async function confirmDeviceCode(verificationUriComplete: string, login: string): Promise<string> {
  const cookies = new Map<string, string>();
  let url = new URL(verificationUriComplete);
  let method = 'GET';
  let body: string | undefined;
  for (let step = 0; step < 20; step++) {
    if (!LOOPBACK.has(url.hostname)) throw new Error(`the device user only talks to loopback, not ${url.host}`);
    const { res, text } = await requestKeepingCookies(cookies, url, method, body);
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location')!, url);
      method = 'GET';
      body = undefined;
      continue;
    }
    const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(text);
    if (!form) return text;
    const fields = hiddenInputs(form[2]!);
    if (/name="login"/.test(form[2]!)) Object.assign(fields, { login, password: 'any password' });
    if (/name="confirm"/.test(form[2]!)) fields.confirm = 'yes';
    url = new URL(form[1]!.replace(/&amp;/g, '&'), url);
    method = 'POST';
    body = new URLSearchParams(fields).toString();
  }
  throw new Error('the device confirmation did not finish within 20 steps');
}
