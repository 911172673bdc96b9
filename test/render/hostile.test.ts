// Every renderer against values that carry terminal controls, bidi overrides and newlines: each
// value is escaped where it is drawn (the output needs nothing from the last line of defence),
// every table fits an 80-column terminal, and secrets follow the one display rule.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import stringWidth from 'string-width';
import type { Check } from '../../src/protocol/checks.js';
import { renderChecks } from '../../src/render/checks.js';
import { renderDecoded, type DecodeView } from '../../src/render/jwt-tables.js';
import { renderDiscover, type DiscoverView } from '../../src/commands/discover/render.js';
import { terminalOutput } from '../../src/render/escape.js';
import { renderAuthorizationResponse } from '../../src/commands/login/render-front-channel.js';
import { renderLogin } from '../../src/commands/login/render.js';
import { loadStyles, makeStyle, type Style } from '../../src/render/style.js';
import { renderToken } from '../../src/commands/token/render.js';
import { renderVerification } from '../../src/commands/verify/render.js';
import { HOSTILE_TEXT, RAW_CONTROL } from '../helpers/terminal.js';

before(loadStyles);
const NOW = 1_800_000_000;
const H = HOSTILE_TEXT;
const LONG = `${H} ${'x'.repeat(300)} ${'word '.repeat(60)}`;

const claims = {
  iss: `https://op.test/${H}`,
  sub: H,
  [`name${H}`]: H,
  aud: [H, 'client-1'],
  exp: NOW + 60,
  address: { [`street${H}`]: H, nested: { deeper: [H, { k: H }] } },
  groups: Array.from({ length: 30 }, (_, i) => `${H}-${i}`),
  picture: LONG,
};
const header = { alg: 'ES256', kid: H, typ: H, [H]: 1 };
const checks: Check[] = [
  { id: 'iss', status: 'fail', message: `iss is "${H}", expected another`, expected: H, actual: { v: H } },
  { id: 'kid', status: 'pass', message: `kid "${H}" found`, source: 'token_endpoint' },
  { id: 'aud', status: 'warn', message: LONG, source: 'authorization_endpoint' },
];

function views(style: Style, width: number | undefined): Record<string, string> {
  const decodeView: DecodeView = {
    format: 'JWS',
    header,
    payload: claims,
    kind: { id: 'unknown', name: H, confidence: 'unknown', summary: H, evidence: [H], conflicts: [H] },
    signature_verified: false,
  } as unknown as DecodeView;
  const textPayload: DecodeView = { ...decodeView, payload: null, payload_text: `${H}\nsecond line`, payload_note: H };
  const discover: DiscoverView = {
    url: `https://op.test/${H}`,
    source: 'openid-configuration',
    tried: [`https://op.test/${H}`, 'https://op.test/b'],
    metadata: { issuer: H, authorization_endpoint: LONG, token_endpoint: 42, mtls_endpoint_aliases: { [H]: H } },
    jwks_uri: `https://op.test/${H}`,
    capabilities: [{ name: H, value: LONG }],
    key_summary: [
      {
        index: 0,
        kid: LONG,
        kty: H,
        alg: H,
        use: H,
        crv: H,
        thumbprint: H,
        certificate: { subject: `CN=${H}`, not_before: 0, not_after: NOW + 1e6, matches_key: true },
        private_members: ['d'],
        error: `the x5c certificate does not parse: ${LONG}`,
      },
    ],
    checks,
    valid: false,
  };
  const front = {
    channel: 'query' as const,
    parameters: [
      { name: 'code', channel: 'query' as const, value: `ABCDEFGHIJKL${H}` },
      { name: 'state', channel: 'query' as const, value: H },
      { name: `error_description${H}`, channel: 'query' as const, value: LONG },
    ],
  };
  const opts = { showSecrets: false, now: NOW, ...(width ? { width } : {}) };
  return {
    decode: renderDecoded(decodeView, style, { now: NOW, ...(width ? { width } : {}) }),
    'decode (text payload)': renderDecoded(textPayload, style, { now: NOW, ...(width ? { width } : {}) }),
    verify: renderVerification({ valid: false, header, payload: claims, checks }, style, NOW, width),
    'verify (text payload)': renderVerification({ valid: false, header, payload: LONG, checks }, style, NOW, width),
    discover: renderDiscover(discover, style, NOW, width),
    checks: renderChecks(checks, style, { showSource: true, width }),
    'authorization response': renderAuthorizationResponse(front, style, opts),
    login: renderLogin(
      {
        result: {
          valid: false,
          request: { scope: `openid ${H}`, [H]: H },
          tokens: { access_token: H, token_type: H, scope: `openid ${H}`, [H]: H, expires_in: H },
          id_token: { header, payload: claims, checks },
          access_token: { value: H, from: 'token_endpoint', format: 'opaque', checks: [], note: H },
          userinfo: { claims: { sub: H, email: LONG, [H]: H }, checks: [] },
          callback: {
            channel: 'query',
            params: {},
            parameters: [],
            redeemed: false,
            not_redeemed_reason: H,
          },
          checks,
        },
        front: { ...front, checks: [], decision: { redeem: true } },
      } as never,
      style,
      opts,
    ),
    token: renderToken(
      {
        grant: H,
        issuer: H,
        client_id: H,
        cache: { action: 'fetch', reason: H },
        access_token: H,
        token_type: H,
        scope: LONG,
        refresh_token: H,
        auth_method: H,
        checks,
        valid: false,
      },
      style,
      opts,
    ),
  };
}

test('no renderer lets a control, bidi or invisible character through, with or without colours', () => {
  for (const [name, text] of Object.entries(views(makeStyle(0), undefined))) {
    const found = RAW_CONTROL.exec(text);
    if (found) {
      const near = JSON.stringify(text.slice(Math.max(0, found.index - 30), found.index + 30));
      assert.fail(`${name}: a raw ${JSON.stringify(found[0])} near ${near}`);
    }
  }
  for (const [name, text] of Object.entries(views(makeStyle(3), 80))) {
    // With colours the only escape sequences are our paint: the last line of defence changes nothing.
    assert.equal(terminalOutput(text, { colors: true }), text, name);
    assert.ok(text.includes('\u001b['), `${name} is painted`);
  }
});

test('values keep their newlines as a visible \\n, never as a line of their own', () => {
  const text = views(makeStyle(0), undefined)['decode (text payload)']!;
  assert.match(text, /\\nsecond line/);
  assert.doesNotMatch(text, /^second line/m);
});

test('every table fits an 80-column terminal, however long the values', () => {
  for (const [name, text] of Object.entries(views(makeStyle(1), 80))) {
    for (const line of text.split('\n')) {
      if (!/^[┌│├└]/.test(line.replace(/\u001b\[[0-9;]*m/g, ''))) continue;
      assert.ok(stringWidth(line) <= 80, `${name}: ${stringWidth(line)} columns: ${line}`);
    }
  }
});

test('codes and tokens show the one secret rule; state is shown', () => {
  const style = makeStyle(0);
  const out = renderAuthorizationResponse(
    {
      channel: 'query',
      parameters: [
        { name: 'code', channel: 'query', value: 'ABCDEFGHIJKLM' },
        { name: 'state', channel: 'query', value: 'st-123' },
      ],
    },
    style,
    { showSecrets: false },
  );
  assert.match(out, /\[redacted 13 chars\]/);
  assert.doesNotMatch(out, /ABCD|JKLM/);
  assert.match(out, /st-123/);
  const token = renderToken(
    {
      grant: 'client_credentials',
      issuer: 'https://op.test',
      client_id: 'c',
      cache: { action: 'fetch', reason: 'no cache entry' },
      access_token: 'A'.repeat(10) + 'B'.repeat(23) + 'C'.repeat(10),
      checks: [],
      valid: true,
    },
    style,
    { showSecrets: false },
  );
  assert.match(token, /AAAAA…CCCCC \[43 chars\]/);
});
