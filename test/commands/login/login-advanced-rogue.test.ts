// Issue 14's failing rows through `login`, against rogue-op told to misbehave: a provider that
// ignores DPoP, binds the token to another key or certificate, answers JARM unsigned or for someone
// else, or answers the pushed request badly. Each defect gets a clean run beside it, so a failing row
// is the defect's doing. A bad JARM response is never redeemed, like any failed front channel.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess, type CliRun } from '../../helpers/in-process.js';
import { deliverAuthorizationResponse } from '../../helpers/user-agent.js';
import { startRogueOp, type Defect, type RogueOp } from '../../providers/rogue-op.js';
import { loginArgs } from '../../helpers/login-args.js';

interface Row {
  id: string;
  status: string;
  message: string;
}
/** The parts of `login --json` these tests read. */
interface LoginDoc {
  valid?: boolean;
  checks?: Row[];
  error?: { code: string; message: string; error?: string };
  request?: {
    par?: { request_uri?: string; expires_in?: number };
    request_object?: { alg: string; encryption?: { alg: string; enc: string; kid?: string } };
    dpop?: { jkt: string };
  };
  callback?: { channel?: string; redeemed?: boolean; not_redeemed_reason?: string; jarm?: { encrypted: boolean } };
  tokens?: { token_type?: string };
  id_token?: { payload: Record<string, unknown>; jwe_header?: Record<string, unknown> };
  front_channel_id_token?: { payload: Record<string, unknown> };
  access_token?: { payload?: { cnf?: { jkt?: string } } };
  userinfo?: { claims: Record<string, unknown>; checks: Row[]; encrypted?: boolean };
  authorization_details?: { type: string; status: string }[];
}
interface Outcome extends CliRun {
  json: LoginDoc;
  calls: RogueOp['calls'];
  opened: boolean;
}

async function login(defects: Defect[], args: string[]): Promise<Outcome> {
  const op = await startRogueOp({ defects });
  let opened = false;
  let delivery: Promise<unknown> = Promise.resolve();
  try {
    const run = await runInProcess(loginArgs(op, '--json', ...args), {
      env: { OIDC_PROBE_CLIENT_SECRET: op.clientSecret },
      openBrowser: async (url) => {
        opened = true;
        delivery = deliverAuthorizationResponse(url);
      },
    });
    await delivery;
    let json: LoginDoc = {};
    try {
      json = JSON.parse(run.stdout);
    } catch {
      /* asserted below */
    }
    return { ...run, json, calls: { ...op.calls }, opened };
  } finally {
    await op.close();
  }
}

const statusOf = (o: Outcome, id: string) => ((o.json.checks ?? []) as Row[]).find((c) => c.id === id)?.status;
const explain = (o: Outcome) => `exit ${o.code}\nstderr: ${o.stderr}\nstdout: ${o.stdout.slice(0, 3000)}`;

describe('DPoP', () => {
  test('a clean provider: token_type DPoP, userinfo presented as DPoP', async () => {
    const o = await login([], ['--dpop']);
    assert.equal(o.code, 0, explain(o));
    assert.equal(statusOf(o, 'dpop.token_type'), 'pass');
    assert.equal(o.calls.userinfo, 1);
  });

  test('a provider that ignores the proof (Bearer) fails dpop.token_type; userinfo is not called', async () => {
    const o = await login(['dpop_ignored'], ['--dpop']);
    assert.equal(o.code, 1, explain(o));
    assert.equal(statusOf(o, 'dpop.token_type'), 'fail');
    assert.match((o.json.checks ?? []).find((c) => c.id === 'dpop.token_type')!.message, /"Bearer"/);
    assert.equal(o.calls.userinfo, 0);
  });

  test('a JWT access token bound to another key fails dpop.cnf_jkt', async () => {
    const o = await login(['dpop_cnf'], ['--dpop']);
    assert.equal(o.code, 1, explain(o));
    assert.equal(statusOf(o, 'dpop.token_type'), 'pass');
    assert.equal(statusOf(o, 'dpop.cnf_jkt'), 'fail');
  });
});

describe('JARM', () => {
  test('a clean provider: every jarm row passes and the code is redeemed', async () => {
    const o = await login([], ['--response-mode', 'jwt']);
    assert.equal(o.code, 0, explain(o));
    assert.equal(statusOf(o, 'jarm.signature'), 'pass');
    assert.equal(o.calls.token, 1);
  });

  for (const [defect, failed] of [
    ['jarm_unsigned', ['jarm.alg', 'jarm.signature']],
    ['jarm_aud', ['jarm.aud']],
    ['jarm_iss', ['jarm.iss']],
    ['jarm_expired', ['jarm.exp']],
  ] as const) {
    test(`${defect}: ${failed.join(', ')} fail and nothing is redeemed`, async () => {
      const o = await login([defect], ['--response-mode', 'query.jwt']);
      assert.equal(o.code, 1, explain(o));
      for (const id of failed) assert.equal(statusOf(o, id), 'fail', id);
      assert.equal(o.calls.token, 0, 'the code must not be redeemed');
      assert.equal(o.calls.userinfo, 0);
      assert.equal(o.json.callback?.redeemed, false);
      assert.match(o.json.callback?.not_redeemed_reason ?? '', new RegExp(failed[0].replace('.', '\\.')));
    });
  }
});

describe('PAR', () => {
  test('a clean provider: the pushed request is honoured', async () => {
    const o = await login([], ['--par']);
    assert.equal(o.code, 0, explain(o));
    assert.equal(o.calls.par, 1);
    assert.equal(statusOf(o, 'par.request_uri'), 'pass');
  });

  test('an answer without a usable request_uri and expires_in fails its rows; the browser never opens', async () => {
    const o = await login(['par_bad'], ['--par']);
    assert.equal(o.code, 1, explain(o));
    assert.equal(statusOf(o, 'par.status'), 'warn');
    assert.equal(statusOf(o, 'par.request_uri'), 'fail');
    assert.equal(statusOf(o, 'par.expires_in'), 'fail');
    assert.equal(o.opened, false);
    assert.equal(o.calls.authorize, 0);
  });

  test("an error answer is the provider's error, exit 4", async () => {
    const o = await login(['par_error'], ['--par']);
    assert.equal(o.code, 4, explain(o));
    assert.equal(o.json.error?.error, 'invalid_request');
    assert.equal(o.opened, false);
  });
});

describe('mTLS cnf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-probe-cnf-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'c.key',
      '-out',
      'c.pem',
      '-days',
      '2',
      '-subj',
      '/CN=rogue-client',
    ],
    { cwd: dir, stdio: 'ignore' },
  );
  const cert = ['--cert', join(dir, 'c.pem'), '--cert-key', join(dir, 'c.key')];

  test('an opaque token: the binding shows only through introspection (skip)', async () => {
    const o = await login([], cert);
    assert.equal(o.code, 0, explain(o));
    assert.equal(statusOf(o, 'cnf'), 'skip');
  });

  test('a token bound to another certificate fails cnf', async () => {
    const o = await login(['cnf_x5t'], cert);
    assert.equal(o.code, 1, explain(o));
    assert.equal(statusOf(o, 'cnf'), 'fail');
    assert.match((o.json.checks ?? []).find((c) => c.id === 'cnf')!.message, /another certificate/);
  });
});
