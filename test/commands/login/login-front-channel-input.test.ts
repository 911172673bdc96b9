// Bad input around the front channel: refused requests leave the run waiting, with a warning;
// contradictory options are usage errors before anything is sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../helpers/cli.js';
import { startCli } from '../../helpers/cli-session.js';
import { deliverAuthorizationResponse } from '../../helpers/user-agent.js';
import { startRogueOp } from '../../providers/rogue-op.js';
import { loginArgs } from '../../helpers/login-args.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

test('refused requests at the listener warn on stderr and the run still completes', { timeout: 120_000 }, async () => {
  const op = await startRogueOp();
  try {
    const session = startCli(loginArgs(op, '--no-browser', '--json', '--flow', 'implicit', '--timeout', '60'), {
      env: { OIDC_PROBE_CLIENT_SECRET: op.clientSecret },
    });
    const url = await session.urlLine(`${op.issuer}/authorize`);
    assert.ok(url, session.stderr());
    const callback = new URL(new URL(url).searchParams.get('redirect_uri')!);
    const at = (path: string) => new URL(path, callback).href;

    // A fragment page reached without script: the page itself, explaining it needs JavaScript.
    const page = await fetch(callback);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<noscript>[\s\S]*needs JavaScript/);
    const relayPath = JSON.parse(/fetch\(("[^"]+")/.exec(html)![1]!) as string;

    assert.equal(
      (await fetch(at(`${callback.pathname}/relay/not-this-run`), { method: 'POST', headers: FORM, body: 'state=x' }))
        .status,
      404,
    );
    assert.equal(
      (
        await fetch(at(relayPath), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"state":"x"}',
        })
      ).status,
      415,
    );
    assert.equal(
      (
        await fetch(at(callback.pathname), {
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: 'state=x',
        })
      ).status,
      415,
    );
    assert.equal(
      (await fetch(at(relayPath), { method: 'POST', headers: FORM, body: `id_token=${'x'.repeat(200_000)}` })).status,
      413,
    );

    // Still waiting: the real response completes the run.
    const delivery = await deliverAuthorizationResponse(url);
    assert.equal(delivery.channel, 'fragment');
    assert.equal(delivery.status, 200);
    const run = await session.done;
    assert.equal(run.code, 0, run.stderr);
    const warnings = run.stderr.split('\n').filter((l) => l.startsWith('warning:'));
    assert.ok(
      warnings.some((w) => /unknown one-time path/.test(w)),
      run.stderr,
    );
    assert.ok(warnings.filter((w) => /content type/.test(w)).length >= 2, run.stderr);
    assert.ok(
      warnings.some((w) => /bytes was refused/.test(w)),
      run.stderr,
    );
    assert.ok(
      warnings.every((w) => /still waiting/.test(w)),
      run.stderr,
    );
    assert.ok(!/at |Error:/.test(run.stderr.replace(/^warning:.*$/gm, '')), run.stderr);
  } finally {
    await op.close();
  }
});

test('a second relay POST after the response is refused, the first one counts', { timeout: 120_000 }, async () => {
  const op = await startRogueOp();
  try {
    const session = startCli(
      loginArgs(op, '--no-browser', '--json', '--response-type', 'id_token', '--timeout', '60'),
      { env: { OIDC_PROBE_CLIENT_SECRET: op.clientSecret } },
    );
    const url = await session.urlLine(`${op.issuer}/authorize`);
    assert.ok(url, session.stderr());
    const location = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!);
    const fragment = location.hash.slice(1);
    location.hash = '';
    const relayPath = JSON.parse(/fetch\(("[^"]+")/.exec(await (await fetch(location)).text())![1]!) as string;
    const relay = new URL(relayPath, location);
    assert.equal((await fetch(relay, { method: 'POST', headers: FORM, body: fragment })).status, 200);
    const second = await fetch(relay, { method: 'POST', headers: FORM, body: fragment }).then(
      (r) => r.status,
      () => 'closed',
    );
    assert.notEqual(second, 200);
    const run = await session.done;
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { callback: { channel: string } }).callback.channel, 'fragment');
  } finally {
    await op.close();
  }
});

test('a response type that returns tokens with --response-mode query is a usage error (exit 2)', async () => {
  const r = await runCli([
    'login',
    '--no-browser',
    '--issuer',
    'http://127.0.0.1:9',
    '--client-id',
    'c',
    '--response-type',
    'id_token token',
    '--response-mode',
    'query',
  ]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /never sent in a query string/);
  assert.equal(r.stdout, '');
});

test('--flow implicit with a code response type is a usage error (exit 2)', async () => {
  const r = await runCli([
    'login',
    '--no-browser',
    '--issuer',
    'http://127.0.0.1:9',
    '--client-id',
    'c',
    '--flow',
    'implicit',
    '--response-type',
    'code',
  ]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--response-type "code" is the code flow, not --flow implicit/);
});

test('an unknown response type or response mode is a usage error (exit 2) naming it', async () => {
  const a = await runCli([
    'login',
    '--no-browser',
    '--issuer',
    'http://127.0.0.1:9',
    '--client-id',
    'c',
    '--response-type',
    'code banana',
  ]);
  assert.equal(a.code, 2);
  assert.match(a.stderr, /"banana"/);
  const b = await runCli([
    'login',
    '--no-browser',
    '--issuer',
    'http://127.0.0.1:9',
    '--client-id',
    'c',
    '--response-mode',
    'web_message',
  ]);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /web_message/);
});

test('--json usage errors are one JSON document with exit 2', async () => {
  const r = await runCli([
    'login',
    '--json',
    '--no-browser',
    '--issuer',
    'http://127.0.0.1:9',
    '--client-id',
    'c',
    '--response-type',
    'code token',
    '--response-mode',
    'query',
  ]);
  assert.equal(r.code, 2);
  const doc = JSON.parse(r.stdout) as { error: { code: string; exit: number } };
  assert.equal(doc.error.exit, 2);
});

test('a relay POST bound to another run (another state) is refused by this run, which still completes', {
  timeout: 120_000,
}, async () => {
  const op = await startRogueOp();
  const start = () =>
    startCli(loginArgs(op, '--no-browser', '--json', '--response-type', 'id_token', '--timeout', '60'));
  const relayOf = async (authUrl: string) => {
    const callback = new URL(new URL(authUrl).searchParams.get('redirect_uri')!);
    return {
      callback,
      relayPath: JSON.parse(/fetch\(("[^"]+")/.exec(await (await fetch(callback)).text())![1]!) as string,
    };
  };
  try {
    const a = start();
    const b = start();
    const urlA = await a.urlLine(`${op.issuer}/authorize`);
    const urlB = await b.urlLine(`${op.issuer}/authorize`);
    assert.ok(urlA && urlB, a.stderr() + b.stderr());
    const relayA = await relayOf(urlA);
    const relayB = await relayOf(urlB);
    assert.notEqual(relayA.relayPath, relayB.relayPath);
    // Run A's state and relay path, posted to run B's listener.
    const stateA = new URL(urlA).searchParams.get('state')!;
    const refused = await fetch(new URL(relayA.relayPath, relayB.callback), {
      method: 'POST',
      headers: FORM,
      body: `state=${encodeURIComponent(stateA)}&id_token=x`,
    });
    assert.equal(refused.status, 404);
    await deliverAuthorizationResponse(urlA);
    await deliverAuthorizationResponse(urlB);
    const [runA, runB] = await Promise.all([a.done, b.done]);
    assert.equal(runA.code, 0, runA.stderr);
    assert.equal(runB.code, 0, runB.stderr);
    assert.match(runB.stderr, /warning: a fragment relay POST to an unknown one-time path was refused/);
    assert.doesNotMatch(runA.stderr, /warning:.*relay/);
  } finally {
    await op.close();
  }
});
