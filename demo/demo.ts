// `npm run demo`: an embedded OpenID Provider on 127.0.0.1 and the real `oidc-probe login` against
// it, end to end. The demo plays the user (its HTTP user agent signs in through the provider's real
// pages); `login` runs exactly as a user would run it, with --no-browser.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEMO_CLIENT_SECRET, DEMO_CONFIDENTIAL_CLIENT, DEMO_USER, startDemoProvider } from './provider.js';
import { signInThroughForms } from './http-user-agent.js';

const BIN = fileURLToPath(new URL('../../bin/oidc-probe.cjs', import.meta.url));

async function main(): Promise<number> {
  const op = await startDemoProvider();
  process.stderr.write(
    `demo: OpenID Provider (oidc-provider) at ${op.issuer}; client ${DEMO_CONFIDENTIAL_CLIENT}; user "${DEMO_USER}"\n`,
  );
  const args = [
    'login',
    '--issuer',
    op.issuer,
    '--client-id',
    DEMO_CONFIDENTIAL_CLIENT,
    '--no-browser',
    '--redirect-uri',
    'http://127.0.0.1:0/callback',
    '--timeout',
    '60',
    ...process.argv.slice(2),
  ];
  process.stderr.write(`demo: running oidc-probe ${args.join(' ')}\n\n`);
  const child = spawn(process.execPath, [BIN, ...args], {
    // The secret travels in the environment, not in argv where `ps` would show it.
    env: { ...process.env, OIDC_PROBE_CLIENT_SECRET: DEMO_CLIENT_SECRET },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  let stderr = '';
  let signedIn = false;
  child.stderr.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    stderr += chunk.toString();
    const url = stderr
      .split('\n')
      .map((l) => l.trim())
      .find((l) => /^http:\/\/127\.0\.0\.1:\d+\/auth\?/.test(l));
    if (url && !signedIn) {
      signedIn = true;
      process.stderr.write(`demo: signing in as "${DEMO_USER}" through the provider's login and consent pages\n`);
      signInThroughForms(url, DEMO_USER).catch((err: Error) => {
        process.stderr.write(`demo: the sign-in failed: ${err.message}\n`);
        child.kill('SIGINT');
      });
    }
  });
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  await op.close();
  return code;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    process.stderr.write(`demo: ${err.message}\n`);
    process.exitCode = 1;
  },
);
