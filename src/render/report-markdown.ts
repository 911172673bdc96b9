// --report FILE.md: the run as Markdown for a GitHub issue: a Mermaid `sequenceDiagram` block (one
// arrow per message, the failing checks as notes under the arrow that brought the bad value), then
// tables for the checks, the decoded tokens, the discovery summary, each back-channel request as
// curl, and every message's redacted headers and body in a collapsed block.
// Mermaid's lexer (sequenceDiagram.jison) ends a message at "#", ";" or a newline, so those are
// written as its entity codes; "<" and ">" too, so nothing in a label reads as HTML.
import { claimValueText, comparedValues, messageFor, participantName, shown, TOKEN_TITLES } from './report-labels.js';
import { tallyText } from './checks.js';
import type { Check } from '../protocol/checks.js';
import { countByStatus } from '../protocol/checks.js';
import { describeClaim, describeHeaderParameter } from '../protocol/claim-registry.js';
import { type Message, type Participant, type RunRecord, type Sequence, sequenceOf } from '../protocol/run-record.js';
import type { ReportMeta } from './report-html.js';
import { formatDuration, messageLabel } from './sequence-diagram.js';

/** Mermaid actor ids: short, and none the prefix of a keyword of its lexer (end, opt, par, note…). */
export const MERMAID_IDS: Readonly<Record<Participant, string>> = {
  user_agent: 'UA',
  oidc_probe: 'P',
  authorization_endpoint: 'AZ',
  end_session: 'ES',
  device_authorization: 'DA',
  token_endpoint: 'TK',
  userinfo: 'UI',
  introspection: 'IN',
  revocation: 'RV',
  jwks: 'JW',
  discovery: 'DS',
  provider: 'OP',
};

const MAX_MERMAID_TEXT = 110;

/** Text after the colon of a Mermaid statement: one line, no "#", ";", "<", ">" but as entity codes. */
export function mermaidText(text: string): string {
  const one = text.replace(/[\u0000-\u001f\u007f\u0080-\u009f\u2028\u2029]+/g, ' ').trim();
  const clipped = one.length > MAX_MERMAID_TEXT ? `${one.slice(0, MAX_MERMAID_TEXT - 1)}…` : one;
  return (
    clipped
      .replace(/#/g, '#35;')
      .replace(/;(?<!#\d+;)/g, '#59;')
      .replace(/</g, '#lt;')
      .replace(/>/g, '#gt;')
      .replace(/%%/g, '%#37;') || ' '
  );
}

export function mermaidSequence(seq: Sequence): string {
  const lines = ['sequenceDiagram', '  autonumber'];
  for (const p of seq.participants) lines.push(`  participant ${MERMAID_IDS[p.id]} as ${mermaidText(p.name)}`);
  const probe = MERMAID_IDS.oidc_probe;
  for (const row of seq.rows) {
    if ('note' in row) {
      const mark = { fail: '✗ ', warn: '! ', pass: '', skip: '' }[row.note.status];
      lines.push(`  Note over ${probe}: ${mermaidText(`${mark}${row.note.text}`)}`);
      continue;
    }
    const m = row.message;
    const failedRequest = m.error !== undefined && m.kind === 'request';
    const arrow = failedRequest ? (m.reply ? '--x' : '-x') : m.reply ? '-->>' : '->>';
    const label = messageLabel(m);
    lines.push(`  ${MERMAID_IDS[m.from]}${arrow}${MERMAID_IDS[m.to]}: ${mermaidText(label)}`);
    for (const c of m.flagged) {
      const pair = m.from === m.to ? MERMAID_IDS[m.from] : `${MERMAID_IDS[m.from]},${MERMAID_IDS[m.to]}`;
      lines.push(`  Note over ${pair}: ${mermaidText(`${c.status === 'fail' ? '✗' : '!'} ${c.id}: ${c.message}`)}`);
    }
  }
  return lines.join('\n');
}

/** A table cell: one line, Markdown and HTML punctuation escaped so provider text stays text. */
export function cell(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1');
}

/** A fenced block that its content cannot close: the fence is longer than any backtick run inside. */
export function fenced(text: string, info = ''): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text}\n${fence}`;
}

export function renderReportMarkdown(record: RunRecord, meta: ReportMeta): string {
  const seq = sequenceOf(record);
  const checks = record.steps.flatMap((s) => (s.kind === 'check' ? [s] : []));
  const n = countByStatus(checks.map((s) => s.check));
  const o = record.outcome;
  const verdict = !o
    ? 'did not finish'
    : o.error
      ? `stopped: ${o.error.message} (exit ${o.exit})`
      : o.exit !== 0 || o.valid === false
        ? `failed: a check failed (exit ${o.exit})`
        : 'passed (exit 0)';
  const issuer = record.discovery?.metadata.issuer;
  const out: string[] = [
    `# oidc-probe ${cell(record.command)}: ${cell(verdict)}`,
    '',
    '| | |',
    '|---|---|',
    `| started | ${cell(record.startedAt)} |`,
    ...(record.durationMs !== undefined ? [`| took | ${cell(formatDuration(record.durationMs))} |`] : []),
    ...(typeof issuer === 'string' ? [`| issuer | ${cell(issuer)} |`] : []),
    `| messages | ${seq.messages.length} |`,
    ...(checks.length ? [`| checks | ${tallyText(n)} |`] : []),
    `| secrets | ${record.secretsShown ? '**shown in full (--show-secrets): do not share**' : 'redacted'} |`,
    `| oidc-probe | ${cell(meta.version)} |`,
    '',
    '## Sequence',
    '',
    fenced(mermaidSequence(seq), 'mermaid'),
    '',
  ];
  if (checks.length) {
    out.push('## Checks', '', '| check | status | source | why | message |', '|---|---|---|---|---|');
    for (const s of checks) out.push(checkRow(s.check, messageFor(seq, s.about)));
    out.push('');
  }
  for (const t of record.tokens) {
    const m = messageFor(seq, t.step);
    out.push(
      `## ${cell(TOKEN_TITLES[t.name] ?? t.name)} ` +
        `(from the ${cell(participantName(t.from))}${m ? `, message ${m.number}` : ''})`,
      '',
    );
    out.push(...valueTable('header', t.header, describeHeaderParameter));
    if (t.payload) out.push('', ...valueTable('claim', t.payload, describeClaim));
    out.push('');
  }
  const d = record.discovery;
  if (d) {
    out.push('## Discovery', '', `From ${cell(d.url)}`, '', '| member | value |', '|---|---|');
    for (const f of DISCOVERY_SUMMARY) {
      const v = d.metadata[f];
      if (v !== undefined) out.push(`| ${cell(f)} | ${cell(Array.isArray(v) ? v.map(shown).join(', ') : shown(v))} |`);
    }
    out.push('');
  }
  const http = record.steps.flatMap((s, i) => (s.kind === 'http' ? [{ s, i }] : []));
  if (http.length) {
    out.push('## Back-channel requests as curl', '', 'Secrets are shell variables (`$CODE`…), never values.', '');
    for (const { s, i } of http) {
      const m = seq.byStep.get(i)?.[0];
      out.push(
        `${m ? `${m.number}. ` : ''}${cell(`${m?.title ?? s.request.method} (${participantName(s.participant)})`)}`,
        '',
      );
      out.push(fenced(s.curl, 'sh'), '');
    }
  }
  if (seq.messages.length) out.push('## Messages', '');
  for (const m of seq.messages) out.push(messageBlock(record, m), '');
  return `${out.join('\n').trimEnd()}\n`;
}

const DISCOVERY_SUMMARY = [
  'issuer',
  'authorization_endpoint',
  'token_endpoint',
  'userinfo_endpoint',
  'jwks_uri',
  'end_session_endpoint',
  'response_types_supported',
  'response_modes_supported',
  'grant_types_supported',
  'code_challenge_methods_supported',
  'token_endpoint_auth_methods_supported',
  'id_token_signing_alg_values_supported',
  'authorization_response_iss_parameter_supported',
];

function checkRow(c: Check, m: Message | undefined): string {
  const details = comparedValues(c);
  const status =
    c.status === 'fail' ? '❌ **FAIL**' : c.status === 'warn' ? '⚠️ warn' : c.status === 'pass' ? '✅ pass' : 'skip';
  return `| ${cell(String(c.id))} | ${status} | ${cell(c.source ?? '')} | ${cell(c.message)}${
    details.length ? `<br>${cell(details.join(' · '))}` : ''
  } | ${m ? m.number : ''} |`;
}

function valueTable(
  head: string,
  values: Record<string, unknown>,
  describe: (name: string) => { description: string; source: string } | undefined,
): string[] {
  const rows = [`| ${head} | value | meaning |`, '|---|---|---|'];
  for (const [k, v] of Object.entries(values)) {
    const info = describe(k);
    rows.push(
      `| ${cell(k)} | ${cell(claimValueText(k, v))} | ${info ? cell(`${info.description} (${info.source})`) : ''} |`,
    );
  }
  return rows;
}

function messageBlock(record: RunRecord, m: Message): string {
  const step = record.steps[m.step]!;
  const title = `${m.number}. ${participantName(m.from)} → ${participantName(m.to)}: ${m.title}`;
  let body = '';
  if (step.kind === 'http' && m.kind === 'request') {
    const r = step.request;
    body = fenced(
      `${r.method} ${r.url}\n${headers(r.headers)}${r.body ? `\n\n${r.body}` : ''}${
        step.error ? `\n\n✗ ${step.error.code}: ${step.error.message}` : ''
      }`,
      'http',
    );
  } else if (step.kind === 'http' && step.response) {
    const r = step.response;
    body = fenced(
      `HTTP ${r.status} (${formatDuration(step.durationMs)}, ${r.bytes} bytes)\n${headers(r.headers)}` +
        (r.body ? `\n\n${pretty(r.body)}` : ''),
      'http',
    );
  } else if (step.kind === 'front_channel') {
    const lines = [`channel: ${step.channel}`, ...(step.url ? [`url: ${step.url}`] : [])];
    for (const [k, v] of Object.entries(step.params)) lines.push(`${k}=${v}`);
    body = fenced(lines.join('\n'));
  }
  const flags = m.flagged.map((c) => `- ${c.status === 'fail' ? '✗' : '!'} ${cell(`${c.id}: ${c.message}`)}`);
  return [
    '<details>',
    `<summary>${cell(title)}${m.error !== undefined || flags.length ? ' ✗' : ''}</summary>`,
    '',
    ...(flags.length ? [...flags, ''] : []),
    body,
    '',
    '</details>',
  ].join('\n');
}

function headers(h: Record<string, string>): string {
  return Object.entries(h)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
