// The page the loopback listener serves at the redirect URI when a response comes in the URL
// fragment (response_mode=fragment): a browser never sends the fragment to a server, so a script
// reads location.hash, POSTs it to this run's one-time relay path, and removes it from the address
// bar (history.replaceState) so the tokens do not linger in history. Without script it says why
// nothing happens.

export interface FragmentRelayPage {
  /** The one-time path (on the listener's own origin) the fragment is POSTed to. */
  relayPath: string;
  /** CSP nonce for the inline script; the listener sends the matching Content-Security-Policy. */
  scriptNonce: string;
}

/** JSON for an inline <script>: no "</script>" or "<!--" can end or confuse the element. */
function scriptLiteral(value: string): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

export function fragmentRelayPage({ relayPath, scriptNonce }: FragmentRelayPage): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<title>oidc-probe: receiving the response</title>
<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:3em auto;padding:0 1em;line-height:1.5}</style>
</head>
<body>
<h1>oidc-probe</h1>
<p id="status">Passing the authorization response from the URL fragment to oidc-probe…</p>
<noscript><p><strong>This page needs JavaScript.</strong> The provider put its answer in the URL
fragment (the part after <code>#</code>), which a browser never sends to a server; only a script on
this page can hand it to oidc-probe. Enable JavaScript for 127.0.0.1 and sign in again, or run
oidc-probe with <code>--response-mode form_post</code>.</p></noscript>
<script nonce="${scriptNonce}">
(function () {
  var status = document.getElementById('status');
  var fragment = location.hash.replace(/^#/, '');
  // Remove the tokens from the address bar and history before anything else.
  history.replaceState(null, '', location.pathname + location.search);
  if (!fragment) {
    status.textContent = 'There is no authorization response in the URL fragment. oidc-probe is ' +
      'still waiting; sign in again from the terminal.';
    return;
  }
  fetch(${scriptLiteral(relayPath)}, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fragment,
    credentials: 'omit',
    cache: 'no-store'
  }).then(function (res) {
    return res.text().then(function (html) {
      document.open();
      document.write(html);
      document.close();
    });
  }).catch(function (err) {
    status.textContent = 'Could not pass the response to oidc-probe (' + err + '). Is it still running?';
  });
})();
</script>
</body>
</html>
`;
}

/** Headers for the relay page: the script runs only with its nonce and may only call back home. */
export function fragmentRelayHeaders(scriptNonce: string): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'content-security-policy':
      `default-src 'none'; script-src 'nonce-${scriptNonce}'; connect-src ` +
      `'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  };
}
