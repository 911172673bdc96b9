// The run record of a real login, in process: oidc-provider on 127.0.0.1, the demo's HTTP user agent
// signing in through its real login and consent pages, runLogin with a recorder attached the way
// --diagram and --report attach one. Every expected step must be there, in order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeContext } from '../../../src/main.js';
import { isolatedEnv } from '../../helpers/in-process.js';
import { runLogin } from '../../../src/commands/login/flow.js';
import { runRecorderFor, startRunRecorder } from '../../../src/io/run-recorder.js';
import { httpClientFor } from '../../../src/io/http-setup.js';
import { resolveResponseType } from '../../../src/protocol/response-type.js';
import { type RunStep, sequenceOf, settleRunRecord } from '../../../src/protocol/run-record.js';
import { signInThroughForms } from '../../../demo/http-user-agent.js';
import { startOidcProvider, TEST_CLIENT, type RunningOidcProvider } from '../../providers/oidc-provider.js';

let op: RunningOidcProvider;
before(async () => {
  op = await startOidcProvider();
});
after(async () => {
  await op?.close();
});

const describeStep = (s: RunStep) =>
  s.kind === 'http' ? `http ${s.participant}` : s.kind === 'front_channel' ? `hop ${s.from}>${s.to} ${s.channel}` : '';

test('a code-flow login against oidc-provider: every step in order, each check after what it checked', {
  timeout: 60_000,
}, async () => {
  let stderr = '';
  let wake = () => {};
  const sink = { write: () => true, isTTY: false };
  const ctx = await makeContext(
    { json: true },
    {
      env: isolatedEnv(),
      stdin: process.stdin,
      onSignal: () => () => {},
      exit: () => {},
      stdout: sink,
      stderr: {
        ...sink,
        write: (s: string) => {
          stderr += s;
          wake();
          return true;
        },
      },
    },
  );
  const recorder = startRunRecorder(ctx, { command: 'login', showSecrets: false });
  assert.equal(runRecorderFor(ctx), recorder);
  const login = runLogin(ctx, httpClientFor(ctx), {
    issuer: op.issuer,
    clientId: TEST_CLIENT.client_id,
    clientSecret: TEST_CLIENT.client_secret,
    responseType: resolveResponseType({}),
    responseMode: 'query',
    scope: 'openid',
    redirectUri: 'http://127.0.0.1:0/callback',
    pkce: true,
    params: {},
    openBrowser: false,
    timeoutSeconds: 30,
    userinfo: true,
  });
  const url = await new Promise<string>((resolve) => {
    const look = () => {
      const line = stderr.split('\n').find((l) => l.startsWith(`${op.issuer}/auth?`));
      if (line) resolve(line);
    };
    wake = look;
    look();
  });
  await signInThroughForms(url, 'alice');
  const { result } = await login;
  assert.equal(result.valid, true, JSON.stringify(result.checks.filter((c) => c.status === 'fail')));
  settleRunRecord(recorder.record, {
    checks: result.checks,
    outcome: { exit: 0, valid: result.valid },
    durationMs: Date.now() - recorder.startedAt.getTime(),
  });
  const steps = recorder.record.steps;

  assert.deepEqual(steps.filter((s) => s.kind !== 'check').map(describeStep), [
    'http discovery',
    'http jwks',
    'hop oidc_probe>user_agent printed',
    'hop user_agent>authorization_endpoint navigation',
    'hop authorization_endpoint>user_agent redirect',
    'hop user_agent>oidc_probe query',
    'http token_endpoint',
    'http userinfo',
  ]);
  // Every check of the result is in the record once, right after the step that brought its value.
  const placed = steps.flatMap((s) => (s.kind === 'check' ? [s] : []));
  assert.equal(placed.length, result.checks.length);
  const after = (id: string) => {
    const c = placed.find((s) => s.check.id === id);
    assert.ok(c, `check ${id} is in the record`);
    return describeStep(steps[c.about!]!);
  };
  assert.equal(after('discovery.issuer'), 'http discovery');
  assert.equal(after('state'), 'hop user_agent>oidc_probe query');
  assert.equal(after('iss_param'), 'hop user_agent>oidc_probe query');
  for (const id of ['pkce', 'token_type', 'signature', 'iss', 'aud', 'exp', 'nonce'])
    assert.equal(after(id), 'http token_endpoint', id);
  assert.equal(after('userinfo_sub'), 'http userinfo');
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (s.kind !== 'check') continue;
    const between = steps.slice(s.about! + 1, i);
    assert.ok(
      between.every((x) => x.kind === 'check'),
      `check ${s.check.id} follows its step directly`,
    );
  }

  // Timings go forward, and the time in the browser is the callback's duration.
  const timed = steps.flatMap((s) => (s.kind === 'check' ? [] : [s.startMs]));
  assert.deepEqual(
    timed,
    [...timed].sort((a, b) => a - b),
  );
  const callback = steps.find((s) => s.kind === 'front_channel' && s.to === 'oidc_probe');
  assert.ok(callback?.kind === 'front_channel' && callback.durationMs! > 0);

  // What was carried: the authorization request's parameters, the ID token decoded, secrets redacted.
  const navigation = steps.find((s) => s.kind === 'front_channel' && s.channel === 'navigation');
  assert.ok(navigation?.kind === 'front_channel');
  assert.equal(navigation.params.response_type, 'code');
  assert.equal(navigation.params.code_challenge_method, 'S256');
  assert.match(navigation.params.state!, /^\[redacted \d+ chars\]$/);
  assert.deepEqual(
    recorder.record.tokens.map((t) => [t.name, t.from, describeStep(steps[t.step]!)]),
    [['id_token', 'token_endpoint', 'http token_endpoint']],
  );
  assert.equal(recorder.record.tokens[0]!.payload?.sub, 'alice');
  const text = JSON.stringify(recorder.record);
  assert.ok(!text.includes(TEST_CLIENT.client_secret));
  assert.ok(!text.includes(String(result.tokens?.access_token)));
  assert.ok(!text.includes(String(result.callback?.params.code)));
  assert.equal(sequenceOf(recorder.record).messages.length, 12);
});
