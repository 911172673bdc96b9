// What the HTML and Markdown reports both say: each decoded token's title, each participant's
// name, a value as text, what a failed or warned check compared, and the message behind a step.
import type { Check } from '../protocol/checks.js';
import { isTimeClaim } from '../protocol/claim-registry.js';
import { type Message, PARTICIPANTS, type Sequence } from '../protocol/run-record.js';
import { isoUtc } from './time.js';

export const TOKEN_TITLES: Record<string, string> = {
  id_token: 'ID token',
  access_token: 'Access token',
  refresh_token: 'Refresh token',
  logout_token: 'Logout token',
  userinfo: 'Userinfo response (JWT)',
  introspection: 'Introspection response (JWT)',
};

const PARTICIPANT_NAMES = new Map(PARTICIPANTS.map((p) => [p.id as string, p.name]));

export const participantName = (id: string): string => PARTICIPANT_NAMES.get(id) ?? id;

/** A value as text: a string as it is, anything else as JSON. */
export const shown = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** A claim's value, a time claim with its date. */
export const claimValueText = (name: string, value: unknown): string =>
  isTimeClaim(name) && typeof value === 'number' ? `${value} (${isoUtc(value)})` : shown(value);

/** What a failed or warned check compared; a pass or a skip says enough in its message. */
export function comparedValues(c: Check): string[] {
  if (c.status !== 'fail' && c.status !== 'warn') return [];
  return [
    ...(c.expected !== undefined ? [`expected: ${shown(c.expected)}`] : []),
    ...(c.actual !== undefined ? [`actual: ${shown(c.actual)}`] : []),
  ];
}

/** The message that carried a step's value: the answer of an exchange, else the hop itself. */
export function messageFor(seq: Sequence, step: number | undefined): Message | undefined {
  return step === undefined ? undefined : seq.byStep.get(step)?.at(-1);
}
