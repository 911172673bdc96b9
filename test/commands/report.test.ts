// --diagram and --report through the built binary, as a user meets them: the diagram after the
// result tables in human mode only, colours as NO_COLOR/FORCE_COLOR say, a report path that cannot
// be written stopping the run before any request, and a run that fails half way still reported with
// the failure marked on the arrow that brought it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signInThroughForms } from '../../demo/http-user-agent.js';
import { runCli } from '../helpers/cli.js';
import { startCli } from '../helpers/cli-session.js';
import { parseMermaidSequence, decodeMermaidText } from '../helpers/mermaid-grammar.js';
import { deliverAuthorizationResponse } from '../helpers/user-agent.js';
import { startOidcProvider, TEST_CLIENT, type RunningOidcProvider } from '../providers/oidc-provider.js';
import { startRogueOp } from '../providers/rogue-op.js';

let op: RunningOidcProvider;
let dir: string;
let env: Record<string, string>;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oidc-probe-report-cli-'));
  env = { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_CACHE_HOME: join(dir, 'cache') };
  op = await startOidcProvider();
});
after(async () => {
  await op?.close();
  await rm(dir, { recursive: true, force: true });
});

const ANSI = /\u001b\[[0-9;]*m/;
const ARROW = /[├┤].*[▶◀✗]|[▶◀✗].*[├┤]/;
/** The diagram: from its participants line (the one above the row of ┬) to the end of stdout. */
function diagramOf(stdout: string): string {
  const lines = stdout.split('\n');
  const top = lines.findIndex((l) => /^\s*┬(\s+┬)+\s*$/.test(l.replace(/\u001b\[[0-9;]*m/g, '')));
  assert.ok(top > 0, `no diagram in:\n${stdout}`);
  return lines.slice(top - 1).join('\n');
}
const mermaidOf = (md: string) => /^```mermaid\n([\s\S]*?)\n```$/m.exec(md)?.[1] ?? '';

test('discover --diagram: the diagram on stdout after the results, 80 columns, one arrow per message', async () => {
  const r = await runCli(['discover', op.issuer, '--diagram'], { env });
  assert.equal(r.code, 0, r.stderr);
  const diagram = diagramOf(r.stdout);
  assert.match(diagram, /^ *oidc-probe +JWKS +Discovery\n/);
  assert.match(r.stdout.slice(0, r.stdout.indexOf(diagram)), /passed/, 'the result tables come first');
  const lines = diagram.trimEnd().split('\n');
  for (const l of lines) assert.ok([...l].length <= 80, l);
  const arrows = lines.filter((l) => ARROW.test(l));
  assert.equal(arrows.length, 4);
  assert.match(lines.join('\n'), /1\. GET \/\.well-known\/openid-configuration/);
  assert.match(lines.join('\n'), /2\. 200 · \d+(\.\d)? m?s · \d+ members/);
  assert.match(lines.join('\n'), /4\. 200 · \d+(\.\d)? m?s · 1 key/);
  assert.doesNotMatch(r.stdout, ANSI, 'a pipe gets no colours');
});

test('--diagram paints with FORCE_COLOR, and NO_COLOR wins over it', async () => {
  const forced = await runCli(['discover', op.issuer, '--diagram'], { env: { ...env, FORCE_COLOR: '1' } });
  assert.match(diagramOf(forced.stdout), ANSI);
  const both = await runCli(['discover', op.issuer, '--diagram'], {
    env: { ...env, FORCE_COLOR: '1', NO_COLOR: '1' },
  });
  assert.doesNotMatch(both.stdout, ANSI);
  // The same drawing, paint aside (the durations differ from run to run).
  const shape = (d: string) =>
    d
      .replace(/\u001b\[[0-9;]*m/g, '')
      .replace(/\d+(\.\d)? m?s\b/g, 'N ms')
      .replace(/[│ ]+/g, ' ');
  assert.equal(shape(diagramOf(both.stdout)), shape(diagramOf(forced.stdout)));
});

test('--diagram with --json: stdout stays one JSON document; a note on stderr says why no diagram', async () => {
  const r = await runCli(['discover', op.issuer, '--diagram', '--json'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(typeof JSON.parse(r.stdout).metadata, 'object');
  assert.match(r.stderr, /--diagram draws nothing with --json/);
});

test('a report path that cannot be written is exit 2 before any request; so is an unknown extension', async () => {
  const before = op.requests.length;
  const missing = await runCli(['discover', op.issuer, '--report', join(dir, 'no-such-dir', 'r.html')], { env });
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(missing.stderr, /cannot write the report .*no-such-dir.*: no such directory/);
  const txt = await runCli(['discover', op.issuer, '--report', join(dir, 'r.txt')], { env });
  assert.equal(txt.code, 2, txt.stderr);
  assert.match(txt.stderr, /must end in \.html .* or \.md/);
  const json = await runCli(['--report', join(dir, 'nope', 'r.md'), '--json', 'discover', op.issuer], { env });
  assert.equal(json.code, 2);
  assert.equal(JSON.parse(json.stdout).error.code, 'report_not_writable');
  assert.equal(op.requests.length, before, 'the provider heard nothing');
});

test('discover --report FILE.md: Markdown with a Mermaid block of the grammar, 0600', async () => {
  const file = join(dir, 'discover.md');
  const r = await runCli(['discover', op.issuer, '--report', file], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /report written to .*discover\.md/);
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  const md = await readFile(file, 'utf8');
  const parsed = parseMermaidSequence(mermaidOf(md));
  assert.deepEqual([...parsed.participants.values()], ['oidc-probe', 'JWKS', 'Discovery']);
  assert.deepEqual(
    parsed.messages.map((m) => `${m.from}${m.arrow}${m.to}`),
    ['P->>DS', 'DS-->>P', 'P->>JW', 'JW-->>P'],
  );
  assert.match(md, /^# oidc-probe discover: passed \(exit 0\)$/m);
});

test('a login that fails half way (invalid_client) still writes its report, the failure marked', {
  timeout: 60_000,
}, async () => {
  const file = join(dir, 'invalid-client.md');
  const session = startCli(
    [
      'login',
      '--issuer',
      op.issuer,
      '--client-id',
      TEST_CLIENT.client_id,
      '--scope',
      'openid',
      '--no-browser',
      '--redirect-uri',
      'http://127.0.0.1:0/callback',
      '--timeout',
      '30',
      '--report',
      file,
      '--diagram',
    ],
    { env: { ...env, OIDC_PROBE_CLIENT_SECRET: 'not-the-secret-0123456789' } },
  );
  const url = await session.urlLine(`${op.issuer}/auth?`);
  assert.ok(url, session.stderr());
  await signInThroughForms(url, 'bob');
  const run = await session.done;
  assert.equal(run.code, 4, run.stderr);
  const md = await readFile(file, 'utf8');
  assert.match(md, /^# oidc-probe login: stopped: .*invalid\\_client.* \(exit 4\)$/m);
  const parsed = parseMermaidSequence(mermaidOf(md));
  const last = parsed.messages.at(-1)!;
  assert.equal(`${last.from}${last.arrow}${last.to}`, 'TK-->>P');
  assert.match(decodeMermaidText(last.text), /^401 · \d+(\.\d)? m?s · error=invalid_client$/);
  assert.equal(parsed.messages.length, 10, 'nothing after the refusal');
  assert.ok(!md.includes('not-the-secret-0123456789'));
  // Human mode: the diagram of what happened is printed even though the run failed.
  const lines = run.stdout.split('\n');
  const refusal = lines.findIndex((l) => /10\. 401 · \d+(\.\d)? m?s · error=invalid_client/.test(l));
  assert.ok(refusal > 0, run.stdout);
  assert.match(lines[refusal + 1]!, /◀╌+┤/);
});

test('a failed check is marked on the arrow that brought the bad value (rogue-op: wrong iss)', {
  timeout: 60_000,
}, async () => {
  const rogue = await startRogueOp({ defects: ['iss'] });
  try {
    const file = join(dir, 'bad-iss.md');
    const session = startCli(
      [
        'login',
        '--no-browser',
        '--issuer',
        rogue.issuer,
        '--client-id',
        rogue.clientId,
        '--redirect-uri',
        'http://127.0.0.1:0/callback',
        '--timeout',
        '30',
        '--diagram',
        '--report',
        file,
      ],
      { env: { ...env, OIDC_PROBE_CLIENT_SECRET: rogue.clientSecret } },
    );
    const url = await session.urlLine(`${rogue.issuer}/authorize`);
    assert.ok(url, session.stderr());
    await deliverAuthorizationResponse(url);
    const run = await session.done;
    assert.equal(run.code, 1, run.stderr);
    const lines = diagramOf(run.stdout).split('\n');
    const answer = lines.findIndex((l) => /^\s*│\s+│ \d+\. 200 · .*id_token…/.test(l));
    assert.ok(answer > 0, run.stdout);
    assert.match(lines[answer + 1]!, /◀╌+┤/);
    assert.match(lines[answer + 2]!, /✗ iss: /, 'the iss failure right under the token response');
    assert.equal(lines.filter((l) => l.includes('✗ iss')).length, 1);
    const md = await readFile(file, 'utf8');
    const notes = parseMermaidSequence(mermaidOf(md)).notes;
    assert.ok(notes.some((n) => n.over.join(',') === 'TK,P' && decodeMermaidText(n.text).startsWith('✗ iss: ')));
    for (const secret of [rogue.clientSecret, ...rogue.issued]) assert.ok(!md.includes(secret), 'a secret leaked');
    for (const secret of rogue.issued) assert.ok(!run.stdout.includes(secret), 'a secret leaked to the diagram');
  } finally {
    await rogue.close();
  }
});

test('logout --diagram --report: the hops through the end-session endpoint, a forged state marked coming back', {
  timeout: 60_000,
}, async () => {
  const file = join(dir, 'logout.md');
  const session = startCli(
    [
      'logout',
      '--issuer',
      op.issuer,
      '--client-id',
      TEST_CLIENT.client_id,
      '--no-browser',
      '--timeout',
      '30',
      '--diagram',
      '--report',
      file,
    ],
    { env },
  );
  const url = await session.urlLine(`${op.issuer}/session/end?`);
  assert.ok(url, session.stderr());
  const back = new URL(new URL(url).searchParams.get('post_logout_redirect_uri')!);
  back.searchParams.set('state', 'forged-state-0123456789');
  await fetch(back);
  const run = await session.done;
  assert.equal(run.code, 1, run.stderr);
  const parsed = parseMermaidSequence(mermaidOf(await readFile(file, 'utf8')));
  assert.deepEqual(
    parsed.messages.map((m) => `${m.from}${m.arrow}${m.to}`),
    ['P->>DS', 'DS-->>P', 'P->>UA', 'UA->>ES', 'ES-->>UA', 'UA->>P'],
  );
  assert.match(decodeMermaidText(parsed.messages[3]!.text), /^GET \/session\/end · .*state…/);
  assert.match(decodeMermaidText(parsed.messages[5]!.text), /^GET \/logged-out \(query\) · after \S+ m?s · state…$/);
  assert.deepEqual(
    parsed.notes.map((n) => [n.over.join(','), decodeMermaidText(n.text).slice(0, 9)]),
    [['UA,P', '✗ state: ']],
  );
  const lines = diagramOf(run.stdout).split('\n');
  const callback = lines.findIndex((l) => l.includes('6. GET /logged-out (query)'));
  assert.match(lines[callback + 2]!, /✗ state: /);
  assert.ok(!diagramOf(run.stdout).includes('forged-state-0123456789'), 'the state is redacted in the diagram');
});
