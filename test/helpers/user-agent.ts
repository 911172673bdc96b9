// The test playing the browser for `login --no-browser`: it fetches the authorization URL and
// delivers the answer to the loopback listener as a browser would — follows a query redirect,
// loads the relay page and POSTs the fragment to the path the page names, or submits a form_post
// form. Only loopback is ever contacted.

export interface Delivery {
  channel: 'query' | 'fragment' | 'form_post';
  /** The listener's answer to the delivery. */
  status: number;
  body: string;
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function assertLoopback(url: URL): void {
  if (!['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname))
    throw new Error(`user agent refused a non-loopback URL: ${url.href}`);
}

export async function deliverAuthorizationResponse(authorizationUrl: string): Promise<Delivery> {
  const start = new URL(authorizationUrl);
  assertLoopback(start);
  return deliverAnswer(await fetch(start, { redirect: 'manual' }), start);
}

/** The provider's answer that carries the authorization response, delivered to the listener by its channel. */
async function deliverAnswer(answer: Response, start: URL): Promise<Delivery> {
  if (answer.status === 302 || answer.status === 303) {
    const target = new URL(answer.headers.get('location') ?? '', start);
    assertLoopback(target);
    if (target.hash.length > 1) {
      const fragment = target.hash.slice(1);
      target.hash = '';
      const page = await (await fetch(target)).text();
      const m = /fetch\(("[^"]+")/.exec(page);
      if (!m) throw new Error(`the listener did not serve a relay page at ${target.href}: ${page.slice(0, 200)}`);
      const relay = new URL(JSON.parse(m[1]!) as string, target);
      const res = await fetch(relay, { method: 'POST', headers: FORM, body: fragment });
      return { channel: 'fragment', status: res.status, body: await res.text() };
    }
    const res = await fetch(target);
    return { channel: 'query', status: res.status, body: await res.text() };
  }
  const html = await answer.text();
  const form = /<form[^>]*method="post"[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form)
    throw new Error(
      `the authorization endpoint answered ${answer.status} without a redirect or a form: ${html.slice(0, 200)}`,
    );
  const decodeEntities = (s: string) =>
    s
      .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"');
  const action = new URL(decodeEntities(form[1]!), start);
  assertLoopback(action);
  const fields = new URLSearchParams();
  for (const input of form[2]!.matchAll(/<input[^>]*name="([^"]*)"[^>]*value="([^"]*)"/gi))
    fields.append(decodeEntities(input[1]!), decodeEntities(input[2]!));
  const res = await fetch(action, { method: 'POST', headers: FORM, body: fields.toString() });
  return { channel: 'form_post', status: res.status, body: await res.text() };
}

/**
 * A real provider's sign-in (oidc-provider's development login and consent pages, cookies kept, forms
 * submitted as `login`), then the authorization response delivered to the listener on whichever
 * channel the provider used: a query or fragment redirect, or a form_post page.
 */
export async function signInAndDeliver(authorizationUrl: string, login: string): Promise<Delivery> {
  const cookies = new Map<string, string>();
  let url = new URL(authorizationUrl);
  const provider = url.origin;
  let method = 'GET';
  let body: string | undefined;
  for (let step = 0; step < 20; step++) {
    assertLoopback(url);
    const res = await fetch(url, {
      method,
      redirect: 'manual',
      headers: {
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(body !== undefined ? FORM : {}),
      },
      ...(body !== undefined ? { body } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      cookies.set(pair!.slice(0, i).trim(), pair!.slice(i + 1).trim());
    }
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, url);
      // Leaving the provider: this redirect is the authorization response.
      if (next.origin !== provider) return deliverAnswer(res, url);
      url = next;
      method = 'GET';
      body = undefined;
      continue;
    }
    const html = await res.text();
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!prompt || !action) {
      // No login or consent page: a form_post answer, or an error page.
      return deliverAnswer(new Response(html, { status: res.status, headers: res.headers }), url);
    }
    url = new URL(action.replace(/&amp;/g, '&'), url);
    method = 'POST';
    body = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt }).toString();
  }
  throw new Error('the sign-in did not finish within 20 steps');
}
