// The provider's HTML: the sign-in page a person clicks through, the device verification page,
// the sign-out confirmation, the form_post answer and error pages. Everything from a request is
// HTML-escaped; the forms post back to the provider itself.
import { escapeHtml } from '../../protocol/html-text.js';

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>oidc-probe serve: ${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em;line-height:1.5}
dt{font-weight:600}dd{margin:0 0 .5em;word-break:break-all}button{font-size:1em;padding:.4em 1.2em;margin-right:.5em}
input[type=text]{font-size:1em;padding:.3em;width:100%;box-sizing:border-box}.note{color:#555;font-size:.9em}</style>
</head><body><h1>${escapeHtml(title)}</h1>
${body}
<p class="note">oidc-probe serve: a local OpenID provider for testing. Nothing here is real.</p></body></html>`;
}

function details(rows: [string, string][]): string {
  return `<dl>${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

export function signInPage(input: {
  action: string;
  interaction: string;
  clientId: string;
  redirectUri: string;
  responseType: string;
  responseMode: string;
  scope: string;
  user: string;
}): string {
  return page(
    `Sign in to ${input.clientId}`,
    `${details([
      ['client_id', input.clientId],
      ['redirect_uri', input.redirectUri],
      ['response_type', input.responseType],
      ['response_mode', input.responseMode],
      ['scope', input.scope || '(none)'],
    ])}
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="interaction" value="${escapeHtml(input.interaction)}">
<p><label for="user">Sign in as (the sub of the tokens)</label><br>
<input type="text" id="user" name="user" value="${escapeHtml(input.user)}" maxlength="255" required></p>
<p><button type="submit" name="decision" value="approve" id="approve">Sign in</button>
<button type="submit" name="decision" value="deny" id="deny" formnovalidate>Deny</button></p>
</form>`,
  );
}

export function devicePage(input: { action: string; userCode: string; user: string; message?: string }): string {
  return page(
    'Connect a device',
    `${input.message ? `<p><strong>${escapeHtml(input.message)}</strong></p>` : ''}
<form method="post" action="${escapeHtml(input.action)}">
<p><label for="user_code">Code shown on the device</label><br>
<input type="text" id="user_code" name="user_code" value="${escapeHtml(input.userCode)}" maxlength="32" required></p>
<p><label for="user">Sign in as</label><br>
<input type="text" id="user" name="user" value="${escapeHtml(input.user)}" maxlength="255" required></p>
<p><button type="submit" name="decision" value="approve" id="approve">Allow</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button></p>
</form>`,
  );
}

export function signOutPage(input: { action: string; interaction: string; clientId: string | undefined }): string {
  return page(
    'Sign out',
    `<p>Sign out${input.clientId ? ` of ${escapeHtml(input.clientId)}` : ''}?</p>
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="interaction" value="${escapeHtml(input.interaction)}">
<p><button type="submit" name="decision" value="approve" id="approve">Sign out</button></p>
</form>`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(title, `<p>${escapeHtml(message)}</p>`);
}

/** OAuth 2.0 Form Post Response Mode §2: a form that submits itself to the redirect URI. */
export function formPostPage(action: string, params: Record<string, string>): string {
  const inputs = Object.entries(params)
    .map(([n, v]) => `<input type="hidden" name="${escapeHtml(n)}" value="${escapeHtml(v)}">`)
    .join('\n');
  return `<!doctype html>
<html><head><title>Submit This Form</title></head>
<body onload="document.forms[0].submit()">
<form method="post" action="${escapeHtml(action)}">
${inputs}
<noscript><button type="submit">Continue</button></noscript>
</form></body></html>`;
}
