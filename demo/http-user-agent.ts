// The demo's user agent: it signs the demo user in through the provider's real login and consent
// pages with plain HTTP (following redirects, keeping cookies, submitting the forms), then delivers
// the authorization response to oidc-probe's loopback listener. Loopback only.

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function assertLoopback(url: URL): void {
  if (!LOOPBACK.has(url.hostname)) throw new Error(`the demo user agent only talks to loopback, not ${url.host}`);
}

/**
 * One request as a browser makes it: the cookies kept so far sent, the ones set kept, a body sent as
 * a form, redirects left to the caller. The device-flow user in the tests signs in with it too.
 */
export async function requestKeepingCookies(
  cookies: Map<string, string>,
  url: URL,
  method: string,
  body: string | undefined,
): Promise<{ res: Response; text: string }> {
  const res = await fetch(url, {
    method,
    redirect: 'manual',
    headers: {
      cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(body !== undefined ? { body } : {}),
  });
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const i = pair!.indexOf('=');
    cookies.set(pair!.slice(0, i).trim(), pair!.slice(i + 1).trim());
  }
  return { res, text: await res.text() };
}

export async function signInThroughForms(
  authorizationUrl: string,
  login: string,
  opts: {
    consent?: 'allow' | 'deny';
    /** Told just before the response goes to the client's redirect URI (bench/login.mjs times from here). */
    beforeCallback?: () => void;
  } = {},
): Promise<{ finalUrl: string; status: number; body: string }> {
  const cookies = new Map<string, string>();
  let url = new URL(authorizationUrl);
  const issuerOrigin = url.origin;
  let method = 'GET';
  let body: string | undefined;
  for (let step = 0; step < 20; step++) {
    assertLoopback(url);
    if (url.origin !== issuerOrigin) opts.beforeCallback?.();
    const { res, text } = await requestKeepingCookies(cookies, url, method, body);
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location')!, url);
      method = 'GET';
      body = undefined;
      continue;
    }
    // Anything not on the provider is the client's redirect URI: the listener has its answer.
    if (url.origin !== issuerOrigin) return { finalUrl: url.href, status: res.status, body: text };
    const action = /<form[^>]*action="([^"]+)"/.exec(text)?.[1];
    const prompt = /name="prompt" value="([^"]+)"/.exec(text)?.[1];
    if (!action || !prompt) throw new Error(`unexpected page from the provider at ${url.href} (HTTP ${res.status})`);
    if (prompt === 'consent' && opts.consent === 'deny') {
      url = new URL(`${action.replace(/\/$/, '')}/abort`, url);
      method = 'GET';
      body = undefined;
      continue;
    }
    url = new URL(action.replace(/&amp;/g, '&'), url);
    method = 'POST';
    body = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt }).toString();
  }
  throw new Error('the sign-in did not finish within 20 steps');
}
