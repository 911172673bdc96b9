// rogue-op: the provider of `oidc-probe serve` (src/io/provider), started in-process the way the
// login tests want it: one confidential client taking any loopback redirect URI, the user alice,
// answers at once (no sign-in page), 127.0.0.1 only. Each defect is one of the OpenID Foundation's
// relying-party certification cases (src/protocol/provider-defects.ts says what each does). It
// counts every call, so tests can assert "code not redeemed" and "userinfo not called".
import { generateKeyMaterial, type KeyMaterial } from '../../src/io/provider/keys.js';
import { startProvider, type ProviderConfig, type ProviderHandle } from '../../src/io/provider/server.js';
import { DEFECTS as ALL_DEFECTS, type Defect as ProviderDefect } from '../../src/protocol/provider-defects.js';

export const DEFECTS = ALL_DEFECTS;
export type Defect = ProviderDefect;

export type RogueOpCalls = ProviderHandle['calls'];

export interface RogueOp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The subject the tokens name. */
  sub: string;
  calls: RogueOpCalls;
  /** Every code, access token and ID token handed out, so tests can look for leaks. */
  issued: string[];
  defects: Set<Defect>;
  close(): Promise<void>;
}

export interface RogueOpOptions {
  clientId?: string;
  clientSecret?: string;
  defects?: readonly Defect[];
  /** Anything else of the provider's configuration (sign-in page, more clients, …). */
  provider?: Partial<ProviderConfig>;
}

let material: Promise<KeyMaterial> | undefined;

/** Keys are shared by every rogue-op in a test process (RSA generation is slow on a loaded machine). */
export function sharedKeyMaterial(): Promise<KeyMaterial> {
  material ??= generateKeyMaterial();
  return material;
}

export async function startRogueOp(opts: RogueOpOptions = {}): Promise<RogueOp> {
  const clientId = opts.clientId ?? 'rogue-client';
  const clientSecret = opts.clientSecret ?? 'rogue-client-secret-0123456789abcdef';
  const sub = 'alice';
  const op = await startProvider({
    port: 0,
    hosts: ['127.0.0.1'],
    issuerPath: '/',
    // alsoPublic: the login tests also run the public-client path (PKCE, no secret) against it.
    clients: [{ clientId, clientSecret, redirectUris: [], alsoPublic: true }],
    user: { sub, name: 'Alice Rogue', email: 'alice@rogue.test' },
    autoApprove: true,
    defects: opts.defects ?? [],
    signingAlg: 'RS256',
    slowDelayMs: 3000,
    deviceIntervalSeconds: 1,
    keys: await sharedKeyMaterial(),
    ...opts.provider,
  });
  return {
    issuer: op.issuer,
    clientId,
    clientSecret,
    sub,
    calls: op.calls,
    issued: op.issued,
    defects: op.defects,
    close: () => op.close(),
  };
}
