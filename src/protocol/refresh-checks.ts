// OIDC Core 12.2: an ID token from a refresh must name the same iss, sub and aud as the original,
// and keep its auth_time (the user did not authenticate again).
import { fail, pass, skip, type Check } from './checks.js';
import { NO_ID_TOKEN_ON_REFRESH } from './provider-quirks.js';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function checkRefreshedIdToken(
  original: Record<string, unknown> | undefined,
  refreshed: Record<string, unknown>,
): Check[] {
  if (!original) return [skip('refresh_id_token', 'no earlier ID token to compare the refreshed one with (Core 12.2)')];
  const rows: Check[] = [];
  for (const claim of ['iss', 'sub', 'aud'] as const) {
    rows.push(
      same(original[claim], refreshed[claim])
        ? pass(`refresh_${claim}`, `${claim} is the same as in the original ID token (Core 12.2)`)
        : fail(`refresh_${claim}`, `${claim} changed on refresh: Core 12.2 requires the same value`, {
            expected: original[claim],
            actual: refreshed[claim],
          }),
    );
  }
  if (original.auth_time === undefined && refreshed.auth_time === undefined)
    rows.push(skip('refresh_auth_time', 'no auth_time in either ID token'));
  else
    rows.push(
      same(original.auth_time, refreshed.auth_time)
        ? pass('refresh_auth_time', 'auth_time unchanged: the refresh did not pretend to re-authenticate the user')
        : fail(
            'refresh_auth_time',
            'auth_time changed on refresh (Core 12.2: it must be the time of the original authentication)',
            { expected: original.auth_time, actual: refreshed.auth_time },
          ),
    );
  return rows;
}

/** Core 12.2: a refresh answer may leave the ID token out; the original one stands. */
export function refreshWithoutIdToken(): Check {
  return skip(
    'refresh_id_token',
    `${NO_ID_TOKEN_ON_REFRESH} (Core 12.2 allows leaving it out): the original ID token and its claims stand`,
  );
}
