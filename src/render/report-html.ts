// --report FILE.html: the run as one self-contained page to attach to a ticket. The sequence diagram
// as inline SVG whose arrows open each message's redacted headers and body, the decoded tokens with
// what each claim means, the check table, the provider's discovery summary and each back-channel
// request as curl with its secrets as shell variables. No external resource of any kind: a CSP meta
// forbids everything but this page's own style and script (by hash), so it opens offline, and it
// prints with every message expanded. Everything from outside is HTML-escaped.
import { escapeHtml } from '../protocol/html-text.js';
import { claimValueText, comparedValues, messageFor, participantName, shown, TOKEN_TITLES } from './report-labels.js';
import { tallyText } from './checks.js';
import { createHash } from 'node:crypto';
import { type Check, countByStatus } from '../protocol/checks.js';
import { describeAlgorithm, describeClaim, describeHeaderParameter } from '../protocol/claim-registry.js';
import {
  type DecodedToken,
  type HopStep,
  type HttpStep,
  type Message,
  type RunRecord,
  type Sequence,
  sequenceOf,
} from '../protocol/run-record.js';
import { formatDuration, messageLabel } from './sequence-diagram.js';

export interface ReportMeta {
  version: string;
}

const esc = (s: string): string => escapeHtml(s).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd');

const mark = (c: Check) => `${c.status === 'fail' ? '✗' : '!'} ${c.id}: ${c.message}`;

/** One table; cells are HTML already (escape on the way in), `classes` names each column's class. */
function table(head: string[] | undefined, rows: string[][], classes: string[] = []): string {
  const cells = (row: string[], tag: 'td' | 'th') =>
    row.map((c, i) => `<${tag}${classes[i] ? ` class="${classes[i]}"` : ''}>${c}</${tag}>`).join('');
  const thead = head ? `<thead><tr>${cells(head.map(esc), 'th')}</tr></thead>` : '';
  return `<table>${thead}<tbody>${rows.map((r) => `<tr>${cells(r, 'td')}</tr>`).join('')}</tbody></table>`;
}

const CSS = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;--pass:#1a7f37;--fail:#cf222e;
--warn:#9a6700;--skip:#6e7781;--accent:#0969da;--sel:#ddf4ff;--front:#8250df;
--mono:ui-monospace,SFMono-Regular,"DejaVu Sans Mono",Menlo,Consolas,monospace}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--fg);background:var(--bg)}
main{max-width:1200px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:32px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:14px;margin:18px 0 6px}h4{font-size:13px;margin:12px 0 4px}
code,pre,.mono{font-family:var(--mono);font-size:12px}
pre{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:10px 12px;overflow:auto;
white-space:pre-wrap;word-break:break-all;margin:6px 0}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:12px;color:#fff;
vertical-align:middle}
.badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}.badge.warn{background:var(--warn)}
.summary{display:flex;flex-wrap:wrap;gap:6px 22px;color:var(--muted);margin:6px 0 0;padding:0;list-style:none}
.summary b{color:var(--fg);font-weight:600}
.outcome{margin:14px 0 0;padding:10px 14px;border-radius:6px;border:1px solid var(--line);background:var(--soft)}
.outcome.fail{border-color:#ffcecb;background:#ffebe9}.outcome.pass{border-color:#aceebb;background:#dafbe1}
.outcome.warn{border-color:#f5e0a0;background:#fff8c5}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid var(--line)}
th{background:var(--soft);font-weight:600;font-size:12px;color:var(--muted)}
td.value{font-family:var(--mono);font-size:12px;word-break:break-all}
td.meaning{color:var(--muted);font-size:13px}
.st-pass{color:var(--pass);font-weight:600}.st-fail{color:var(--fail);font-weight:700}
.st-warn{color:var(--warn);font-weight:600}.st-skip{color:var(--skip)}
tr:has(.st-fail) td{background:#fff5f5}tr:has(.st-warn) td{background:#fffbea}
.diagram{border:1px solid var(--line);border-radius:6px;padding:8px 0;overflow-x:auto;background:#fff}
svg{display:block;margin:0 auto;font-family:system-ui,sans-serif}
svg .pbox{fill:var(--soft);stroke:#8c959f;stroke-width:1}
svg .pname{font-size:13px;font-weight:600;text-anchor:middle;fill:var(--fg)}
svg .life{stroke:#afb8c1;stroke-width:1;stroke-dasharray:4 4}
svg .hit{fill:transparent}
svg .msg{cursor:pointer;outline:none}
svg .msg:hover .hit,svg .msg:focus-visible .hit{fill:#f3f8ff}
svg .msg.selected .hit{fill:var(--sel)}
svg .arrow{stroke:#424a53;stroke-width:1.5;fill:none}
svg .arrow.reply{stroke-dasharray:6 4}
svg .arrow.front{stroke:var(--front)}
svg .arrow.bad{stroke:var(--fail)}
svg .head{fill:#424a53}svg .head.front{fill:var(--front)}svg .head.bad{fill:var(--fail)}
svg .cross{stroke:var(--fail);stroke-width:2}
svg .label{font-family:var(--mono);font-size:12px;fill:var(--fg);paint-order:stroke;stroke:#fff;stroke-width:4px;
stroke-linejoin:round}
svg .msg:hover .label,svg .msg.selected .label{stroke:transparent}
svg .label.bad{fill:var(--fail)}
svg .flag{font-family:var(--mono);font-size:11.5px;fill:var(--fail);paint-order:stroke;stroke:#fff;stroke-width:4px}
svg .flag.warn{fill:var(--warn)}
svg .num{font-size:11px;fill:var(--muted);text-anchor:end}
svg .time{font-size:10px;fill:#8c959f;text-anchor:end}
svg .note{font-size:12.5px;fill:var(--fail);font-weight:600}
svg .note.warn{fill:var(--warn)}
svg .note.skip,svg .note.pass{fill:var(--muted);font-weight:400}
.legend{display:flex;gap:18px;flex-wrap:wrap;color:var(--muted);font-size:12px;margin:6px 2px 0}
.legend i{display:inline-block;width:28px;height:0;border-top:2px solid #424a53;vertical-align:middle;margin-right:6px}
.legend i.reply{border-top-style:dashed}.legend i.front{border-color:var(--front)}
.legend i.bad{border-color:var(--fail)}
#details{margin-top:10px}
#details-hint{color:var(--muted);font-style:italic;margin:4px 2px}
.message{border:1px solid var(--accent);border-radius:6px;padding:4px 14px 10px;background:#fff}
.message h3{margin-top:8px}
.message .flags{color:var(--fail)}
.kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:4px 0}
.kv dt{color:var(--muted)}.kv dd{margin:0;font-family:var(--mono);font-size:12px;word-break:break-all}
.curl{position:relative}
button.copy{position:absolute;top:8px;right:8px;font:12px system-ui,sans-serif;padding:2px 10px;
border:1px solid var(--line);border-radius:6px;background:#fff;cursor:pointer}
.token h3 .from{color:var(--muted);font-weight:400}
.note-text{color:var(--muted);font-size:13px}
footer{margin-top:40px;color:var(--muted);font-size:12px}
@media print{
main{max-width:none;padding:0}
.diagram{border:none;overflow:visible}
svg{max-width:100%;height:auto}
button.copy,#details-hint{display:none}
#details .message,#details .message[hidden]{display:block;break-inside:avoid;border-color:var(--line);margin:8px 0}
svg .msg.selected .hit,svg .msg:hover .hit{fill:transparent}
h2,h3{break-after:avoid}
.badge,.outcome,.st-pass,.st-fail,.st-warn,svg{print-color-adjust:exact;-webkit-print-color-adjust:exact}
tr{break-inside:avoid}
}
`;

// The only script: arrows and check rows open their message; copy buttons copy a curl command.
const SCRIPT = `(()=>{
const hint=document.getElementById('details-hint');
function show(n,scroll){
for(const e of document.querySelectorAll('.msg.selected')){
e.classList.remove('selected');e.setAttribute('aria-pressed','false');}
for(const e of document.querySelectorAll('#details .message'))e.hidden=true;
const a=document.getElementById('arrow-'+n),p=document.getElementById('message-'+n);
if(!a||!p)return;
a.classList.add('selected');a.setAttribute('aria-pressed','true');p.hidden=false;hint.hidden=true;
if(scroll)a.scrollIntoView({block:'center'});else p.scrollIntoView({block:'nearest'});
}
for(const g of document.querySelectorAll('.msg')){
g.addEventListener('click',()=>show(g.dataset.msg,false));
g.addEventListener('keydown',(e)=>{if(e.key==='Enter'||e.key===' '){e.preventDefault();show(g.dataset.msg,false);}});
}
for(const l of document.querySelectorAll('a.goto'))
l.addEventListener('click',(e)=>{e.preventDefault();show(l.dataset.msg,true);});
for(const b of document.querySelectorAll('button.copy'))b.addEventListener('click',()=>{
const pre=document.getElementById(b.dataset.for);
const done=()=>{b.textContent='copied';setTimeout(()=>{b.textContent='copy';},1500);};
const select=()=>{const r=document.createRange();r.selectNodeContents(pre);
const s=getSelection();s.removeAllRanges();s.addRange(r);b.textContent='selected: press Ctrl+C';};
if(navigator.clipboard)navigator.clipboard.writeText(pre.textContent).then(done,select);else select();
});
})();`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** The page's policy: nothing from the network, no plugins, no forms; only this style and this script. */
export const REPORT_CSP =
  `default-src 'none'; style-src ${hash(CSS)}; script-src ${hash(SCRIPT)}; ` + `base-uri 'none'; form-action 'none'`;

// SVG geometry. Labels are monospace so their width is known without a browser: ~0.6 em a character.
const COL = 150;
const GUTTER = 84;
const CHAR = 7.3;
const HEAD = 54;

const LEGEND =
  '<p class="legend"><span><i></i>request</span><span><i class="reply"></i>response</span>' +
  '<span><i class="front"></i>front channel, through the user agent</span>' +
  '<span><i class="bad"></i>failed, or brought a value that failed a check</span></p>';

export function renderReportHtml(record: RunRecord, meta: ReportMeta): string {
  const seq = sequenceOf(record);
  const footer = record.secretsShown
    ? '<b>This report shows secrets in full (--show-secrets): do not share it.</b>'
    : 'Tokens, codes, secrets, state and nonce are redacted; the page loads nothing from the network.';
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(REPORT_CSP)}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(`oidc-probe ${record.command} report, ${record.startedAt}`)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    header(record, seq, meta),
    '<section id="sequence">',
    '<h2>Sequence</h2>',
    `<div class="diagram">${svg(seq)}</div>`,
    LEGEND,
    '<div id="details">',
    '<p id="details-hint">Click an arrow to see the message: its redacted headers and body.</p>',
    ...seq.messages.map((m) => messagePanel(record, seq, m)),
    '</div>',
    '</section>',
    checksSection(record, seq),
    tokensSection(record, seq),
    discoverySection(record),
    curlSection(record, seq),
    `<footer>Written by oidc-probe ${esc(meta.version)}. ${footer}</footer>`,
    '</main>',
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function outcomeOf(record: RunRecord): { status: 'pass' | 'fail' | 'warn'; text: string } {
  const o = record.outcome;
  const checks = record.steps.flatMap((s) => (s.kind === 'check' ? [s.check] : []));
  const n = countByStatus(checks);
  const tally = checks.length ? ` · ${tallyText(n)}` : '';
  if (!o) return { status: 'warn', text: 'the run did not finish' };
  if (o.error) return { status: 'fail', text: `stopped: ${o.error.message} (exit ${o.exit})${tally}` };
  if (o.exit !== 0 || o.valid === false) return { status: 'fail', text: `a check failed (exit ${o.exit})${tally}` };
  return { status: n.warn ? 'warn' : 'pass', text: `every check passed (exit 0)${tally}` };
}

function header(record: RunRecord, seq: Sequence, meta: ReportMeta): string {
  const outcome = outcomeOf(record);
  const issuer = record.discovery?.metadata.issuer;
  const items = [
    ['started', record.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')],
    ...(record.durationMs !== undefined ? [['took', formatDuration(record.durationMs)]] : []),
    ...(typeof issuer === 'string' ? [['issuer', issuer]] : []),
    ['messages', String(seq.messages.length)],
    ['secrets', record.secretsShown ? 'SHOWN' : 'redacted'],
    ['oidc-probe', meta.version],
  ];
  const label = { pass: 'passed', warn: 'passed, with warnings', fail: 'failed' }[outcome.status];
  return [
    '<header>',
    `<h1>${esc(`oidc-probe ${record.command}`)} <span class="badge ${outcome.status}">${label}</span></h1>`,
    `<ul class="summary">${items.map(([k, v]) => `<li>${esc(k!)} <b>${esc(v!)}</b></li>`).join('')}</ul>`,
    `<p class="outcome ${outcome.status}" id="outcome">${esc(outcome.text)}</p>`,
    '</header>',
  ].join('\n');
}

function clip(text: string, room: number): string {
  return text.length <= room ? text : `${text.slice(0, Math.max(1, room - 1))}…`;
}

function svg(seq: Sequence): string {
  const width = GUTTER + seq.participants.length * COL;
  const x = new Map(seq.participants.map((p, i) => [p.id, GUTTER + i * COL + COL / 2]));
  const parts: string[] = [];
  let y = HEAD + 10;
  for (const row of seq.rows) {
    if ('note' in row) {
      const text = `${{ fail: '✗ ', warn: '! ', pass: '', skip: '' }[row.note.status]}${row.note.text}`;
      const room = Math.floor((width - GUTTER - 8) / CHAR);
      parts.push(
        `<text class="note ${row.note.status}" x="${GUTTER + 4}" y="${y + 16}">` +
          `${esc(clip(text, room))}<title>${esc(text)}</title></text>`,
      );
      y += 26;
      continue;
    }
    const m = row.message;
    const from = x.get(m.from)!;
    const to = x.get(m.to)!;
    const left = Math.min(from, to);
    const height = 38 + 16 * m.flagged.length;
    const bad = m.error !== undefined || m.flagged.some((c) => c.status === 'fail');
    const label = messageLabel(m);
    const room = Math.floor((width - left - 14) / CHAR);
    const dir = to > from ? 1 : -1;
    const end = to - dir * 9;
    const kinds = `${m.kind === 'front_channel' ? ' front' : ''}${bad ? ' bad' : ''}`;
    // A request that got no answer ends in a cross; anything else in an arrowhead.
    const head =
      m.error !== undefined && m.kind === 'request'
        ? `<path class="cross" d="M${end - 5},${y + 23} l10,10 m0,-10 l-10,10"/>`
        : `<path class="head${kinds}" d="M${to - dir},${y + 28} l${-dir * 10},-5 v10 z"/>`;
    const flags = m.flagged.map(
      (c, i) =>
        `<text class="flag${c.status === 'warn' ? ' warn' : ''}" x="${left + 8}" y="${y + 48 + 16 * i}">` +
        `${esc(clip(mark(c), room))}</text>`,
    );
    const title = `${m.number}. ${participantName(m.from)} → ${participantName(m.to)}: ${label}`;
    parts.push(
      `<g class="msg" id="arrow-${m.number}" data-msg="${m.number}" data-from="${m.from}" data-to="${m.to}" ` +
        `tabindex="0" role="button" aria-pressed="false" aria-controls="message-${m.number}" ` +
        `aria-label="${esc(title)}"><title>${esc(title)}</title>` +
        `<rect class="hit" x="0" y="${y}" width="${width}" height="${height}"/>` +
        `<text class="num" x="${GUTTER - 14}" y="${y + 18}">${m.number}</text>` +
        `<text class="time" x="${GUTTER - 14}" y="${y + 31}">${esc(`+${formatDuration(m.startMs)}`)}</text>` +
        `<line class="arrow${m.reply ? ' reply' : ''}${kinds}" ` +
        `x1="${from}" y1="${y + 28}" x2="${end}" y2="${y + 28}"/>` +
        head +
        `<text class="label${bad ? ' bad' : ''}" x="${left + 8}" y="${y + 19}">${esc(clip(label, room))}</text>` +
        flags.join('') +
        '</g>',
    );
    y += height;
  }
  const bottom = y + 8;
  // Boxes at the bottom too when the diagram is long enough to scroll past the top ones.
  const twice = seq.rows.length > 6;
  const heads = seq.participants.map((p, i) => {
    const cx = GUTTER + i * COL + COL / 2;
    const name = [p.name, p.name.replace(/ endpoint$/, ''), p.short].find((t) => t.length * 7.6 <= COL - 24)!;
    const box = (top: number) =>
      `<rect class="pbox" x="${cx - (COL - 18) / 2}" y="${top}" width="${COL - 18}" height="30" rx="5"/>` +
      `<text class="pname" x="${cx}" y="${top + 20}">${esc(name)}<title>${esc(p.name)}</title></text>`;
    const life = `<line class="life" x1="${cx}" y1="${HEAD - 10}" x2="${cx}" y2="${bottom}"/>`;
    return `${life}${box(14)}${twice ? box(bottom) : ''}`;
  });
  const total = bottom + (twice ? 44 : 8);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${total}" width="${width}" height="${total}" ` +
    `role="img" aria-label="sequence diagram of the run">${heads.join('')}${parts.join('')}</svg>`
  );
}

function messagePanel(record: RunRecord, seq: Sequence, m: Message): string {
  const step = record.steps[m.step]!;
  const heading = `${m.number}. ${participantName(m.from)} → ${participantName(m.to)}: ${m.title}`;
  const facts = [
    `<dt>at</dt><dd>${esc(`+${formatDuration(m.startMs)}`)}</dd>`,
    ...(m.durationMs !== undefined ? [`<dt>took</dt><dd>${esc(formatDuration(m.durationMs))}</dd>`] : []),
    ...(m.error !== undefined ? [`<dt>error</dt><dd>${esc(m.error)}</dd>`] : []),
  ];
  const flags = m.flagged.length
    ? `<ul class="flags">${m.flagged.map((c) => `<li>${esc(mark(c))}</li>`).join('')}</ul>`
    : '';
  const related = seq.checksByStep.get(m.step) ?? [];
  const checks =
    related.length && m.kind !== 'request' ? `<h4>Checks on what it brought</h4>${checkTable(related)}` : '';
  const body = step.kind === 'http' ? exchangeDetails(step, m) : step.kind === 'front_channel' ? hopDetails(step) : '';
  return [
    `<section class="message" id="message-${m.number}" hidden>`,
    `<h3>${esc(heading)}</h3>`,
    `<dl class="kv">${facts.join('')}</dl>`,
    flags + body + checks,
    '</section>',
  ].join('\n');
}

const headersText = (headers: Record<string, string>) =>
  Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');

function prettyBody(body: string, type: string | undefined): string {
  if ((type ?? '').includes('json')) {
    try {
      return JSON.stringify(JSON.parse(body), null, 2);
    } catch {
      /* shown as it came */
    }
  }
  if ((type ?? '').startsWith('application/x-www-form-urlencoded'))
    return [...new URLSearchParams(body)].map(([k, v]) => `${k}=${v}`).join('\n');
  return body;
}

/** A request arrow shows the request as sent; an answer's arrow, the answer as received. */
function exchangeDetails(s: HttpStep, m: Message): string {
  const out: string[] = [];
  if (m.kind === 'request') {
    const req = s.request;
    const reqBody = req.body ? `\n\n${prettyBody(req.body, req.headers['content-type'])}` : '';
    out.push(`<h4>Request</h4><pre>${esc(`${req.method} ${req.url}\n${headersText(req.headers)}${reqBody}`)}</pre>`);
  } else if (s.response) {
    const r = s.response;
    const status = `HTTP ${r.status} · ${formatDuration(s.durationMs)} · ${r.bytes} bytes`;
    const body = r.body ? `\n\n${prettyBody(r.body, r.headers['content-type'])}` : '';
    const cut = r.truncated ? '\n… (cut here: the body is longer)' : '';
    out.push(`<h4>Response</h4><pre>${esc(`${status}\n${headersText(r.headers)}${body}${cut}`)}</pre>`);
  }
  if (m.kind === 'request' && s.error)
    out.push(`<h4>No response</h4><pre>${esc(`${s.error.code}: ${s.error.message}`)}</pre>`);
  return out.join('');
}

const CHANNELS: Record<HopStep['channel'], string> = {
  browser: 'oidc-probe opened the URL in the default browser',
  printed: 'oidc-probe printed the URL for the user to open (--no-browser)',
  navigation: 'the user agent requested it (front channel)',
  redirect: 'the provider sent the user agent back to the redirect URI (not seen by oidc-probe; its result is)',
  form_post: 'an auto-posted HTML form (response_mode=form_post)',
  query: 'the response parameters in the query of the redirect URI',
  fragment: "the response parameters in the fragment, relayed to the listener by the listener's page",
};

function hopDetails(s: HopStep): string {
  const facts = `<dt>channel</dt><dd>${esc(`${s.channel}: ${CHANNELS[s.channel]}`)}</dd>${
    s.url ? `<dt>URL</dt><dd>${esc(s.url)}</dd>` : ''
  }`;
  const rows = Object.entries(s.params).map(([k, v]) => [esc(k), esc(v)]);
  return `<dl class="kv">${facts}</dl>${rows.length ? table(['parameter', 'value'], rows, ['value', 'value']) : ''}`;
}

function checkTable(checks: Check[], link?: (i: number) => Message | undefined): string {
  const rows = checks.map((c, i) => {
    const details = comparedValues(c);
    const why = esc(c.message) + (details.length ? `<br><span class="mono">${esc(details.join(' · '))}</span>` : '');
    const status = `<span class="st-${c.status}">${c.status === 'fail' ? 'FAIL' : c.status}</span>`;
    const row = [esc(String(c.id)), status, esc(c.source ?? ''), why];
    if (link) {
      const m = link(i);
      row.push(m ? `<a class="goto" href="#arrow-${m.number}" data-msg="${m.number}">#${m.number}</a>` : '');
    }
    return row;
  });
  return table(['check', 'status', 'source', 'why', ...(link ? ['message'] : [])], rows, ['value']);
}

function checksSection(record: RunRecord, seq: Sequence): string {
  const steps = record.steps.flatMap((s) => (s.kind === 'check' ? [s] : []));
  if (!steps.length) return '<section id="checks"><h2>Checks</h2><p class="note-text">No check ran.</p></section>';
  const n = countByStatus(steps.map((s) => s.check));
  return [
    '<section id="checks"><h2>Checks</h2>',
    `<p class="note-text">${tallyText(n)}.</p>`,
    checkTable(
      steps.map((s) => s.check),
      (i) => messageFor(seq, steps[i]!.about),
    ),
    '</section>',
  ].join('\n');
}

function tokenTable(
  values: Record<string, unknown>,
  describe: (name: string) => { description: string; source: string } | undefined,
  head: string,
): string {
  const rows = Object.entries(values).map(([k, v]) => {
    const info = describe(k);
    const alg = k === 'alg' && typeof v === 'string' ? describeAlgorithm(v) : undefined;
    const meaning = [info ? `${info.description} (${info.source})` : '', alg ?? ''].filter(Boolean).join('; ');
    return [esc(k), esc(claimValueText(k, v)), esc(meaning)];
  });
  return table([head, 'value', 'meaning'], rows, ['value', 'value', 'meaning']);
}

function tokensSection(record: RunRecord, seq: Sequence): string {
  if (!record.tokens.length) return '';
  const blocks = record.tokens.map((t: DecodedToken) => {
    const m = messageFor(seq, t.step);
    const from = `from the ${participantName(t.from)}${m ? `, message ${m.number}` : ''} · ${t.format}`;
    const payload = t.payload
      ? tokenTable(t.payload, describeClaim, 'claim')
      : '<p class="note-text">Encrypted (JWE): only the header can be read.</p>';
    return [
      `<div class="token"><h3>${esc(TOKEN_TITLES[t.name] ?? t.name)} <span class="from">${esc(from)}</span></h3>`,
      tokenTable(t.header, describeHeaderParameter, 'header'),
      `${payload}</div>`,
    ].join('\n');
  });
  const note = record.secretsShown
    ? 'Decoded, not verified here: the checks above say what was verified.'
    : 'Decoded, not verified here: the checks above say what was verified. The tokens themselves are not in ' +
      'this report; claims named like secrets (nonce) are redacted.';
  return ['<section id="tokens"><h2>Tokens</h2>', `<p class="note-text">${note}</p>`, ...blocks, '</section>'].join(
    '\n',
  );
}

const DISCOVERY_FIELDS = [
  'issuer',
  'authorization_endpoint',
  'token_endpoint',
  'userinfo_endpoint',
  'jwks_uri',
  'end_session_endpoint',
  'introspection_endpoint',
  'revocation_endpoint',
  'device_authorization_endpoint',
  'pushed_authorization_request_endpoint',
  'response_types_supported',
  'response_modes_supported',
  'grant_types_supported',
  'scopes_supported',
  'code_challenge_methods_supported',
  'token_endpoint_auth_methods_supported',
  'id_token_signing_alg_values_supported',
  'subject_types_supported',
  'claims_supported',
  'authorization_response_iss_parameter_supported',
  'require_pushed_authorization_requests',
];

function discoverySection(record: RunRecord): string {
  const d = record.discovery;
  if (!d) return '';
  const present = DISCOVERY_FIELDS.filter((f) => d.metadata[f] !== undefined);
  const rows = present.map((f) => {
    const v = d.metadata[f];
    return [esc(f), esc(Array.isArray(v) ? v.map(shown).join(', ') : shown(v))];
  });
  const others = Object.keys(d.metadata).length - present.length;
  const more = others > 0 ? ` (${others} more members in the message's body)` : '';
  return [
    '<section id="discovery"><h2>Discovery</h2>',
    `<p class="note-text">From <span class="mono">${esc(d.url)}</span>${esc(more)}.</p>`,
    table(undefined, rows, ['value', 'value']),
    '</section>',
  ].join('\n');
}

function curlSection(record: RunRecord, seq: Sequence): string {
  const steps = record.steps.flatMap((s, i) => (s.kind === 'http' ? [{ s, i }] : []));
  if (!steps.length) return '';
  const vars = new Set<string>();
  const blocks = steps.map(({ s, i }) => {
    for (const v of s.curl.match(/\$[A-Z][A-Z0-9_]*/g) ?? []) vars.add(v.slice(1));
    const m = seq.byStep.get(i)?.[0];
    const title = `${m ? `${m.number}. ` : ''}${m?.title ?? s.request.method} (${participantName(s.participant)})`;
    return (
      `<h3>${esc(title)}</h3>\n<div class="curl"><pre id="curl-${i}">${esc(s.curl)}</pre>` +
      `<button type="button" class="copy" data-for="curl-${i}">copy</button></div>`
    );
  });
  const names = [...vars].map((v) => `<code>${esc(v)}</code>`).join(', ');
  const note =
    (vars.size ? `Secrets are shell variables, never values: set ${names} first. ` : 'No secret was sent. ') +
    'A code or a single-use token is spent already: replaying it shows the error, often what you want to ask about.';
  return ['<section id="curl"><h2>Back-channel requests as curl</h2>', `<p class="note-text">${note}</p>`, ...blocks]
    .concat('</section>')
    .join('\n');
}
