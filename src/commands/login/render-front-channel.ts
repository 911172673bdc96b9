// The authorization response as a person reads it: each parameter, the channel it came by, and
// its value (codes and tokens redacted unless --show-secrets); then, if the code was held back, why.
import { channelName } from '../../protocol/front-channel-checks.js';
import type { Channel } from '../../protocol/response-type.js';
import type { Style } from '../../render/style.js';
import { renderTable } from '../../render/table.js';
import { redactSecret, shortenMiddle } from '../../render/text.js';

/** Parameters whose value is a credential (cli-contract "Secrets"). */
const SECRET_PARAMS = new Set(['code', 'access_token', 'id_token', 'refresh_token']);

export function renderAuthorizationResponse(
  response: { channel: Channel; parameters: { name: string; channel: Channel; value: string }[] },
  style: Style,
  opts: { showSecrets: boolean },
): string {
  const rows = response.parameters.map((p) => [
    p.name,
    p.channel,
    SECRET_PARAMS.has(p.name) ? redactSecret(p.value, opts.showSecrets) : shortenMiddle(p.value, 60),
  ]);
  return `${style.bold('Authorization response')} ${style.dim(`(by ${channelName(response.channel)})`)}\n${renderTable({ head: ['parameter', 'channel', 'value'], rows }, style)}`;
}

export function renderNotRedeemed(reason: string, style: Style): string {
  return style.red.bold(`✗ ${reason}`);
}
