// The key files a command's settings name, read before any request (a bad file is exit 2 in one
// sentence), and the HTTP client that proves possession of a DPoP key. Their modules load on use:
// most runs name no key.
import type { HttpClient } from '../../io/http.js';
import type { DpopKey } from '../../protocol/dpop.js';
import { settingValue, type Settings } from './settings.js';

/** --dpop-key (or OIDC_PROBE_DPOP_KEY, a profile's dpop_key). */
export async function dpopKeySetting(settings: Settings): Promise<DpopKey | undefined> {
  const path = settingValue(settings, 'dpop-key');
  return path !== undefined ? (await import('../../io/dpop-key.js')).loadDpopKey(path) : undefined;
}

/** --decryption-key is repeatable; OIDC_PROBE_DECRYPTION_KEY or a profile's decryption_key names one file. */
export async function decryptionKeysSetting(flag: string[] | undefined, settings: Settings) {
  const setting = settingValue(settings, 'decryption-key');
  const paths = flag?.length ? flag : setting !== undefined ? [setting] : [];
  return paths.length ? (await import('../../io/decryption-keys.js')).loadDecryptionKeys(paths) : [];
}

/** RFC 9449: every request carries a proof made with the key (nonce challenges answered, §8/§9). */
export async function withDpopProofs(http: HttpClient, key: DpopKey | undefined): Promise<HttpClient> {
  if (!key) return http;
  const { createDpopSession, withDpop } = await import('../../io/dpop-client.js');
  return withDpop(http, createDpopSession(key));
}
