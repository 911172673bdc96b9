// `--authorization-details JSON|@file` (RFC 9396): the JSON itself, or @ and a file holding it.
import { parseAuthorizationDetails, type AuthorizationDetail } from '../protocol/authorization-details.js';
import { readUserFile } from './input.js';
import { asUsage } from './protocol-input.js';

export async function readAuthorizationDetails(
  value: string,
  option = '--authorization-details',
): Promise<AuthorizationDetail[]> {
  const fromFile = value.startsWith('@');
  const text = fromFile ? await readUserFile(value.slice(1), option) : value;
  const origin = fromFile ? `${option} ${value.slice(1)}` : option;
  return asUsage(() => parseAuthorizationDetails(text, origin));
}
