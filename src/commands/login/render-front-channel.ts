// The authorization response as a person reads it: each parameter, the channel it came by, and
// its value (codes and tokens redacted unless --show-secrets); then, if the code was held back, why.
import { channelName } from '../../protocol/front-channel-checks.js';
import type { Channel } from '../../protocol/response-type.js';
import { escapeForTerminal } from '../../render/escape.js';
import type { Style } from '../../render/style.js';
import { renderTable } from '../../render/table.js';
import { namedValue } from '../../render/text.js';

export function renderAuthorizationResponse(
  response: { channel: Channel; parameters: { name: string; channel: Channel; value: string }[] },
  style: Style,
  opts: { showSecrets: boolean; width?: number | undefined },
): string {
  // Names and values are whatever reached the redirect URI; codes and tokens by the one secret rule.
  const rows = response.parameters.map((p) => [
    escapeForTerminal(p.name),
    p.channel,
    namedValue(p.name, p.value, opts.showSecrets, 60),
  ]);
  const table = renderTable({ head: ['parameter', 'channel', 'value'], rows, width: opts.width }, style);
  return `${style.bold('Authorization response')} ${style.dim(`(by ${channelName(response.channel)})`)}\n${table}`;
}

export function renderNotRedeemed(reason: string, style: Style): string {
  return style.red.bold(`✗ ${escapeForTerminal(reason)}`);
}
