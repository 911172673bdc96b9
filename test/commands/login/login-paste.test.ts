// `login --paste` (and automatic over SSH without a display): the browser is on another machine,
// so the person pastes the address it ended on. The test plays both: it follows the authorization
// URL to the provider's redirect (never delivering it to the listener) and types that address on
// stdin. The pasted address goes through the listener's own front channel and every check runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startCli, type InProcessCliSession } from '../../helpers/cli-session.js';
import { loginArgs } from '../../helpers/login-args.js';
import { deliverAuthorizationResponse } from '../../helpers/user-agent.js';
import { startRogueOp, type Defect, type RogueOp } from '../../providers/rogue-op.js';

interface Doc {
  valid?: boolean;
  callback?: { channel: string; via: string; redeemed: boolean };
  checks?: { id: string; status: string; hint?: string }[];
  error?: { code: string; exit: number; message: string; hint?: string };
}

/** Where the provider sends the browser: the address a person would copy from the address bar. */
async function landingAddress(authorizationUrl: string): Promise<string> {
  const answer = await fetch(authorizationUrl, { redirect: 'manual' });
  const location = answer.headers.get('location');
  assert.ok(location, `the authorization endpoint answered ${answer.status} without a redirect`);
  return new URL(location, authorizationUrl).href;
}

async function withPaste(
  defects: Defect[],
  extra: string[],
  play: (session: InProcessCliSession, url: string, op: RogueOp) => Promise<void>,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string; doc: Doc; op: RogueOp }> {
  const op = await startRogueOp({ defects });
  try {
    const session = startCli(loginArgs(op, '--json', ...extra), {
      env: { OIDC_PROBE_CLIENT_SECRET: op.clientSecret, ...env },
      openStdin: true,
    });
    const url = await session.urlLine(`${op.issuer}/authorize`);
    assert.ok(url, session.stderr());
    await play(session, url, op);
    const run = await session.done;
    return { ...run, doc: JSON.parse(run.stdout) as Doc, op };
  } finally {
    await op.close();
  }
}

const paste = async (session: InProcessCliSession, text: string) => {
  session.input(`${text}\n`);
};

test('a pasted query response is checked as if the listener had received it, and the code is redeemed', {
  timeout: 60_000,
}, async () => {
  const run = await withPaste([], ['--paste'], async (session, url) => {
    assert.ok(await session.stderrMatch(/Paste the address the browser ended on/));
    await paste(session, await landingAddress(url));
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.doc.callback?.via, 'paste');
  assert.equal(run.doc.callback?.channel, 'query');
  assert.equal(run.doc.callback?.redeemed, true);
  assert.equal(run.op.calls.token, 1);
  assert.equal(run.op.calls.userinfo, 1);
  for (const id of ['state', 'iss_param', 'response_mode', 'nonce', 'userinfo_sub'])
    assert.equal(run.doc.checks?.find((c) => c.id === id)?.status, 'pass', id);
});

test('a pasted fragment response (implicit) arrives by the fragment channel', { timeout: 60_000 }, async () => {
  const run = await withPaste([], ['--paste', '--flow', 'implicit'], async (session, url) => {
    await session.stderrMatch(/Paste the address/);
    const landed = await landingAddress(url);
    assert.match(landed, /#/);
    await paste(session, landed);
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.doc.callback?.channel, 'fragment');
  assert.equal(run.doc.checks?.find((c) => c.id === 'at_hash')?.status, 'pass');
});

test("not a URL and another run's state are each explained and asked again, then an address works", {
  timeout: 60_000,
}, async () => {
  const run = await withPaste([], ['--paste'], async (session, url) => {
    await session.stderrMatch(/Paste the address the browser ended on/);
    const landed = new URL(await landingAddress(url));
    await paste(session, 'where is my \u009b31mtoken');
    assert.ok(await session.stderrMatch(/"where is my \\u009b31mtoken" is not a URL/));
    assert.ok(await session.stderrMatch(/Paste the address again \(2 of 3\)/));
    const stale = new URL(landed);
    stale.searchParams.set('state', 'a-state-of-another-run');
    await paste(session, stale.href);
    assert.ok(await session.stderrMatch(/another state than this run sent/));
    await paste(session, landed.href);
  });
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /\u009b/, 'pasted control characters are not echoed to the terminal');
  assert.equal(run.op.calls.token, 1);
});

test('three addresses of the wrong kind end the run with exit 2 and the last reason', { timeout: 60_000 }, async () => {
  const run = await withPaste([], ['--paste'], async (session, url) => {
    await session.stderrMatch(/Paste the address the browser ended on/);
    const landed = new URL(await landingAddress(url));
    await paste(session, url); // the authorization URL itself
    await session.stderrMatch(/that is the authorization URL/);
    const elsewhere = new URL(landed);
    elsewhere.pathname = '/somewhere-else';
    await paste(session, elsewhere.href);
    await session.stderrMatch(/has the path "\/somewhere-else"/);
    const otherHost = new URL(landed);
    otherHost.hostname = 'localhost';
    await paste(session, otherHost.href);
  });
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.doc.error?.code, 'paste_failed');
  assert.match(run.doc.error?.message ?? '', /after 3 tries: the address is on "http:\/\/localhost:\d+"/);
  assert.equal(run.op.calls.token, 0);
});

test('an error answer is explained and asked again; three of them are exit 2', { timeout: 60_000 }, async () => {
  const run = await withPaste(['access_denied'], ['--paste'], async (session, url) => {
    for (let i = 1; i <= 3; i++) {
      await session.stderrMatch(
        i === 1 ? /Paste the address the browser ended on/ : new RegExp(`again \\(${i} of 3\\)`),
      );
      await paste(session, await landingAddress(url));
    }
  });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /the provider answered with error "access_denied": the user said no/);
  assert.equal(run.doc.error?.code, 'paste_failed');
});

test('form_post cannot be pasted: warned up front, and a bare redirect URI says to use query or fragment', {
  timeout: 60_000,
}, async () => {
  const run = await withPaste([], ['--paste', '--response-mode', 'form_post'], async (session) => {
    await session.stderrMatch(/Paste the address the browser ended on \(it starts with (\S+);/);
    const redirect = /it starts with (\S+);/.exec(session.stderr())![1]!;
    for (let i = 0; i < 3; i++) await paste(session, redirect);
  });
  assert.match(run.stderr, /form_post the response is POSTed to the redirect URI and never reaches the address bar/);
  assert.match(run.doc.error?.message ?? '', /--response-mode query or --response-mode fragment/);
  assert.equal(run.code, 2);
});

test('while the prompt waits, a response that reaches the listener (a forwarded port) ends the run', {
  timeout: 60_000,
}, async () => {
  const run = await withPaste([], ['--paste'], async (session, url) => {
    await session.stderrMatch(/Paste the address/);
    await deliverAuthorizationResponse(url);
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.doc.callback?.via, 'listener');
});

test('stdin that ends leaves the listener waiting, with a note', { timeout: 60_000 }, async () => {
  const run = await withPaste([], ['--paste'], async (session, url) => {
    await session.stderrMatch(/Paste the address/);
    session.endInput();
    assert.ok(await session.stderrMatch(/stdin ended/));
    await deliverAuthorizationResponse(url);
  });
  assert.equal(run.code, 0, run.stderr);
});

test('over SSH, a browser named in OIDC_PROBE_BROWSER is opened instead of asking for the address', {
  timeout: 60_000,
}, async () => {
  const run = await withPaste(
    [],
    [],
    async (session, url) => {
      // The named browser cannot start here: the URL is printed again and the listener keeps waiting.
      assert.ok(await session.stderrMatch(/could not start the browser "\/nonexistent\/browser"/));
      await deliverAuthorizationResponse(url);
    },
    { SSH_CONNECTION: '127.0.0.1 50000 127.0.0.1 22', OIDC_PROBE_BROWSER: '/nonexistent/browser' },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /SSH session without a display|Paste the address/);
  assert.equal(run.doc.callback?.via, 'listener');
});

test('over SSH without a display and no browser named, the note is shown and nothing is opened', {
  timeout: 60_000,
}, async () => {
  const run = await withPaste(
    [],
    [],
    async (session, url) => {
      await session.stderrMatch(/Paste the address/);
      await paste(session, await landingAddress(url));
    },
    { SSH_CONNECTION: '127.0.0.1 50000 127.0.0.1 22' },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /This is an SSH session without a display/);
  assert.match(run.stderr, /Open this URL in a browser to sign in/);
  assert.doesNotMatch(run.stderr, /Opening the browser/);
  assert.equal(run.doc.callback?.via, 'paste');
});

test('--no-paste over SSH only waits for the listener', { timeout: 60_000 }, async () => {
  const run = await withPaste(
    [],
    ['--no-paste', '--no-browser'],
    async (session, url) => {
      await deliverAuthorizationResponse(url);
      void session;
    },
    { SSH_CONNECTION: '127.0.0.1 50000 127.0.0.1 22' },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /SSH session|Paste the address/);
});

test('over SSH, --no-browser still asks for the address (it is the only way back without a forwarded port)', {
  timeout: 60_000,
}, async () => {
  const run = await withPaste(
    [],
    ['--no-browser'],
    async (session, url) => {
      await session.stderrMatch(/Paste the address/);
      await paste(session, await landingAddress(url));
    },
    { SSH_CLIENT: '127.0.0.1 50000 22' },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.doc.callback?.via, 'paste');
});
