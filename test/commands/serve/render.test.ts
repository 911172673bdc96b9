// serve's views: outside text escaped before the terminal, secrets redacted in the banner, a
// login line a person can paste.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  jsonEvent,
  loginLine,
  readyDocument,
  renderDefectList,
  renderEvent,
  renderReady,
} from '../../../src/commands/serve/render.js';
import type { ServeHandle } from '../../../src/commands/serve/run.js';
import type { ProviderEvent } from '../../../src/io/provider/server.js';
import { escapeForTerminal } from '../../../src/render/escape.js';
import { makeStyle } from '../../../src/render/style.js';

const plain = makeStyle(0);

function handle(over: Partial<ServeHandle> = {}): ServeHandle {
  return {
    issuer: 'http://127.0.0.1:9400',
    port: 9400,
    addresses: ['127.0.0.1:9400', '[::1]:9400'],
    calls: {} as ServeHandle['calls'],
    issued: [],
    defects: new Set(['iss']),
    setDefects: () => {},
    rotateKeys: async () => [],
    close: async () => {},
    clients: [{ clientId: 'app', clientSecret: 'a-long-client-secret-value', redirectUris: [] }],
    user: { sub: 'alice', name: 'alice', email: 'alice@example.com' },
    autoApprove: false,
    signingAlg: 'RS256',
    warnings: [],
    ...over,
  };
}

const event: ProviderEvent = {
  time: '2026-01-02T03:04:05.000Z',
  method: 'GET',
  path: '/authorize\u001b[2J\u202e',
  status: 400,
  endpoint: 'authorize',
  client: 'evil\u0007',
  note: 'refused: no client is registered as client_id "x\u009b31m"',
  defects: ['iss', 'state'],
  notApplicable: ['hs256'],
  ms: 3,
};

test('what serve quotes shows control characters, C1 and bidi overrides as escapes', () => {
  assert.equal(escapeForTerminal('a\u001b[31mb\u009bc\u202ed\u2066e\nf'), 'a\\x1b[31mb\\x9bc\\u202ed\\u2066e\\nf');
  assert.equal(escapeForTerminal('plain text / é ✓'), 'plain text / é ✓');
});

test('a log line escapes what the request brought in and names the defects', () => {
  const line = renderEvent(event, plain);
  assert.ok(!/[\u0000-\u001f\u007f-\u009f\u202e]/.test(line), JSON.stringify(line));
  assert.match(line, /GET {3}\/authorize\\x1b\[2J\\u202e {2}400 {2}refused: /);
  assert.match(line, /client evil\\x07/);
  assert.match(line, /defects: iss, state/);
  assert.match(line, /not applicable here: hs256/);
});

test('--json-log keeps the exact values (JSON escapes them itself)', () => {
  const parsed = JSON.parse(jsonEvent(event)) as ProviderEvent & { event: string };
  assert.equal(parsed.event, 'request');
  assert.equal(parsed.path, event.path);
  assert.ok(!/[\u0000-\u001f]/.test(jsonEvent(event)));
});

test('the banner redacts client secrets unless --show-secrets, and offers a login line', () => {
  const h = handle();
  const hidden = renderReady(h, plain, { showSecrets: false });
  assert.ok(!hidden.includes('a-long-client-secret-value'));
  assert.match(
    hidden,
    /OIDC_PROBE_CLIENT_SECRET=<its secret> oidc-probe login --issuer http:\/\/127\.0\.0\.1:9400 --client-id app/,
  );
  assert.match(hidden, /defects {4}iss/);
  assert.match(hidden, /a page to click through/);
  const shown = renderReady(h, plain, { showSecrets: true });
  assert.match(shown, /OIDC_PROBE_CLIENT_SECRET=a-long-client-secret-value oidc-probe login/);
});

test('the login line: a client login can serve (loopback), its registered URI, shell quoting', () => {
  const h = handle({
    clients: [
      { clientId: 'spa', redirectUris: ['https://app.example/cb'] },
      { clientId: "it's", redirectUris: ['http://localhost:3000/cb'] },
    ],
  });
  assert.equal(
    loginLine(h, false),
    "oidc-probe login --issuer http://127.0.0.1:9400 --client-id 'it'\\''s' --redirect-uri http://localhost:3000/cb",
  );
  assert.equal(
    loginLine(handle({ clients: [{ clientId: 'spa', redirectUris: ['https://app.example/cb'] }] }), false),
    undefined,
  );
});

test('the ready document says where everything is', () => {
  const doc = readyDocument(handle());
  assert.equal(doc.issuer, 'http://127.0.0.1:9400');
  assert.equal(doc.discovery, 'http://127.0.0.1:9400/.well-known/openid-configuration');
  assert.equal(doc.control, 'http://127.0.0.1:9400/_oidc-probe/defects');
  assert.deepEqual(doc.clients, [{ client_id: 'app', type: 'confidential', redirect_uris: 'any loopback URI' }]);
  assert.ok(!JSON.stringify(doc).includes('a-long-client-secret-value'), 'no secret in the document');
});

test('the defect list groups the defects by what a careful client does', () => {
  const text = renderDefectList(plain);
  const must = text.indexOf('Defects a client must reject:');
  const accept = text.indexOf('Variations a client must accept:');
  const faults = text.indexOf('Errors and resilience faults:');
  assert.ok(must >= 0 && must < accept && accept < faults);
  assert.ok(text.indexOf('  rotation ') > accept && text.indexOf('  rotation ') < faults);
  assert.ok(text.indexOf('  slow_token ') > faults);
  for (const d of ['dpop_ignored', 'dpop_cnf', 'jarm_unsigned', 'jarm_aud', 'jarm_iss', 'jarm_expired', 'par_bad'])
    assert.ok(text.indexOf(`  ${d} `) > must && text.indexOf(`  ${d} `) < accept, d);
  assert.ok(text.indexOf('  par_error ') > faults);
});
