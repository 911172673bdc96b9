// The command line of a login against a test provider: its issuer and client, any free loopback
// port, and a timeout long enough for a loaded machine; the test adds what it is about.

export function loginArgs(op: { issuer: string; clientId: string }, ...extra: string[]): string[] {
  return [
    'login',
    '--issuer',
    op.issuer,
    '--client-id',
    op.clientId,
    '--redirect-uri',
    'http://127.0.0.1:0/callback',
    '--timeout',
    '30',
    ...extra,
  ];
}
