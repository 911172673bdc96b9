// Human view of a decoded JWT.
import type { DecodedJwt } from '../protocol/jwt.js';
import type { Style } from './style.js';
import { renderTable } from './table.js';
import { formatValue } from './text.js';

export function renderDecoded(decoded: DecodedJwt, style: Style): string {
  const out: string[] = [];
  out.push(style.yellow.bold('⚠ signature not verified') + style.dim(' (decode only parses; use `oidc-probe verify` to check it)'));
  out.push(style.bold(`${decoded.format} header`));
  out.push(renderTable({ head: ['name', 'value'], rows: Object.entries(decoded.header).map(([k, v]) => [k, formatValue(v)]) }, style));
  if (decoded.format === 'JWS') {
    out.push(style.bold('claims'));
    out.push(renderTable({ head: ['claim', 'value'], rows: Object.entries(decoded.payload).map(([k, v]) => [k, formatValue(v)]) }, style));
  } else {
    out.push('The payload is encrypted (JWE); decrypting it needs the recipient\'s private key.');
  }
  return out.join('\n');
}
