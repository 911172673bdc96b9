// Runs the CLI and captures exit code, stdout and stderr: `runCli` in this process (fast; what most
// tests use), `runBinary` as the built binary exactly as a user would (test/e2e/).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isolatedEnv, runInProcess, type CliRun } from './in-process.js';

export type { CliRun } from './in-process.js';

export const BIN = fileURLToPath(new URL('../../../bin/oidc-probe.cjs', import.meta.url));

export function runCli(
  args: string[],
  opts: {
    input?: string;
    env?: Record<string, string | undefined>;
    timeoutMs?: number;
    ttyColumns?: number;
    /** Run as another user: only a real process can (then the built binary runs). */
    uid?: number;
    gid?: number;
  } = {},
): Promise<CliRun> {
  if (opts.uid !== undefined || opts.gid !== undefined) return runBinary(args, opts);
  return runInProcess(args, opts);
}

export function runBinary(
  args: string[],
  opts: {
    input?: string;
    env?: Record<string, string | undefined>;
    timeoutMs?: number;
    /** Run as another user (the test must be root). */
    uid?: number;
    gid?: number;
  } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: isolatedEnv(opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
      ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`oidc-probe ${args.join(' ')} did not finish in time\n${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

export const ANSI = /\u001b\[[0-9;]*m/;
