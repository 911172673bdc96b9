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
  const answer = await fetch(start, { redirect: 'manual' });
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
