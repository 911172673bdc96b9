// Package test: pack the package, install the tarball into an empty directory as a user would,
// and run the installed `oidc-probe` there with the node running this script.
// Usage: node scripts/pack-test.mjs [--tarball FILE]   (without --tarball: build, then npm pack)
// Exits non-zero on the first failed assertion.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync, statSync } from 'node:fs';
import nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandsInHelp, mintFixture } from './fixtures.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const tarballArg = process.argv.indexOf('--tarball');
const nodeLabel = `Node ${process.versions.node}`;
// npm, the installed bin's `#!/usr/bin/env node` and every child use this script's node.
const env = {
  ...process.env,
  PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
  CI: 'true',
  NO_COLOR: '1',
  npm_config_update_notifier: 'false',
};
delete env.FORCE_COLOR;

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function check(condition, what, detail = '') {
  if (!condition) {
    console.error(`pack-test (${nodeLabel}): FAILED: ${what}${detail ? `\n${detail}` : ''}`);
    process.exit(1);
  }
  console.log(`  ok  ${what}`);
}

const work = mkdtempSync(join(tmpdir(), 'oidc-probe-pack-'));
// The installed CLI's caches and settings stay in here, never in the real home.
env.XDG_CACHE_HOME = join(work, 'cache');
env.XDG_CONFIG_HOME = join(work, 'config');
try {
  let tarball;
  if (tarballArg > 0) {
    tarball = resolve(process.argv[tarballArg + 1]);
  } else {
    // A clean build, so no file of a deleted source can slip into the tarball.
    rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
    const build = sh('npm', ['run', 'build', '--silent'], { cwd: ROOT });
    check(build.code === 0, 'npm run build succeeds', build.stdout + build.stderr);
    const packed = sh('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT });
    check(packed.code === 0, 'npm pack succeeds', packed.stderr);
    const info = JSON.parse(packed.stdout)[0];
    tarball = join(work, info.filename);
    checkContents(info.files.map((f) => f.path));
    console.log(
      `  tarball ${info.filename}: ${kib(info.size)} packed, ${kib(info.unpackedSize)} unpacked, ` +
        `${info.entryCount} files`,
    );
  }
  console.log(`pack-test on ${nodeLabel} with ${tarball}`);

  // An empty directory, no package.json: exactly what `npx`/`npm install` sees.
  const app = join(work, 'app');
  const install = sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', app, tarball]);
  check(install.code === 0, 'npm install <tarball> into an empty directory succeeds', install.stderr);
  check(!existsSync(join(app, 'node_modules', 'oidc-provider')), 'devDependencies are not installed with the package');
  const bin = join(app, 'node_modules', '.bin', 'oidc-probe');
  const cli = (args, input, extraEnv = {}) =>
    sh(bin, args, { cwd: app, input: input ?? '', env: { ...env, ...extraEnv } });

  const version = cli(['--version']);
  check(
    version.code === 0 && version.stdout.trim() === pkg.version,
    `--version prints ${pkg.version} and exits 0`,
    JSON.stringify(version),
  );

  const help = cli(['--help']);
  check(help.code === 0 && /Usage: oidc-probe/.test(help.stdout), '--help prints the usage and exits 0', help.stderr);
  const commands = commandsInHelp(help.stdout);
  check(
    ['decode', 'verify', 'completion'].every((name) => commands.has(name)),
    '--help lists decode, verify and completion',
    help.stdout,
  );

  const { jwt, jwksPath, payload } = mintFixture(work);
  const decoded = cli(['decode', jwt]);
  check(
    decoded.code === 0 && decoded.stdout.includes(payload.sub) && /signature not verified/.test(decoded.stdout),
    'decode <jwt> shows the claims and the not-verified notice',
    decoded.stdout + decoded.stderr,
  );
  const decodedJson = cli(['decode', '--json', '-'], `Bearer ${jwt}\n`);
  check(
    decodedJson.code === 0 && JSON.parse(decodedJson.stdout).payload.sub === payload.sub,
    'decode --json - reads stdin and prints the payload as JSON',
    decodedJson.stdout + decodedJson.stderr,
  );
  // Colours load chalk on demand (src/render/style.ts): it must load on every supported Node.
  const coloured = cli(['decode', jwt], '', { FORCE_COLOR: '1', NO_COLOR: undefined });
  check(
    coloured.code === 0 && /\u001b\[\d+m/.test(coloured.stdout),
    'FORCE_COLOR=1 decode paints its output',
    coloured.stderr,
  );
  const garbage = cli(['decode', 'not.a+jwt.at-all']);
  check(
    garbage.code === 2 && garbage.stdout === '' && /^error: /m.test(garbage.stderr) && !/\n\s+at /.test(garbage.stderr),
    'decode of a non-JWT exits 2 with a one-line error and no stack trace',
    JSON.stringify(garbage),
  );

  const verified = cli(['verify', jwt, '--jwks', jwksPath, '--json']);
  check(
    verified.code === 0 && JSON.parse(verified.stdout).valid === true,
    'verify <jwt> --jwks <file> is valid and exits 0',
    verified.stdout + verified.stderr,
  );
  const [h, , s] = jwt.split('.');
  const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: 'mallory' })).toString('base64url')}.${s}`;
  const refused = cli(['verify', tampered, '--jwks', jwksPath]);
  check(
    refused.code === 1 && /signature/.test(refused.stdout),
    'verify of a tampered token exits 1 with a failed signature row',
    refused.stdout + refused.stderr,
  );

  const completion = cli(['completion', 'bash']);
  check(
    completion.code === 0 && /^complete .*-F _oidc_probe oidc-probe$/m.test(completion.stdout),
    'completion bash prints a bash completion script',
    completion.stderr,
  );

  // Node >= 22.8 keeps the compiled CLI in a private directory (src/start.ts); Node 20 has no compile cache.
  const codeCache = join(env.XDG_CACHE_HOME, 'oidc-probe', 'code-cache');
  if (typeof nodeModule.enableCompileCache === 'function')
    check(
      (statSync(codeCache).mode & 0o777) === 0o700 && readdirSync(codeCache, { recursive: true }).length > 0,
      'the runs above left a compile cache in a 0700 directory under XDG_CACHE_HOME',
    );
  else check(!existsSync(codeCache), 'no compile cache on a Node without one');

  if (commands.has('serve')) {
    const listed = cli(['serve', '--list-defects']);
    check(
      listed.code === 0 && /^ {2}at_hash +/m.test(listed.stdout),
      'serve --list-defects runs from the installed package (dist/bundle/serve.cjs)',
      listed.stdout + listed.stderr,
    );
    // Started, then stopped with SIGINT once the ready event is out: exit 130 after a clean close.
    // (spawnSync reports the timeout it was asked for as an error; the output is what counts.)
    const served = spawnSync(bin, ['serve', '--port', '0', '--json-log'], {
      cwd: app,
      env,
      encoding: 'utf8',
      timeout: 8000,
      killSignal: 'SIGINT',
    });
    let issuer;
    try {
      issuer = JSON.parse(served.stderr.split('\n')[0]).issuer; // the ready event comes first
    } catch {
      /* reported below */
    }
    check(
      /^http:\/\/127\.0\.0\.1:\d+$/.test(issuer ?? '') && served.status === 130,
      'serve starts a provider on loopback, prints its issuer and stops cleanly on SIGINT',
      served.stdout + served.stderr,
    );
  } else console.log('  skip serve: not in this build');

  console.log(`pack-test (${nodeLabel}): all checks passed`);
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** Only what runs ships: bin/, the bundled CLI, package.json and the docs. */
function checkContents(files) {
  const allowed = [
    /^package\.json$/,
    /^README\.md$/,
    /^CHANGELOG\.md$/,
    /^LICEN[CS]E(\.md|\.txt)?$/i,
    /^bin\/[^/]+\.cjs$/,
    /^dist\/bundle\/[^/]+\.cjs$/,
    /^dist\/bundle\/THIRD-PARTY-NOTICES\.txt$/,
  ];
  const stray = files.filter((f) => !allowed.some((re) => re.test(f)));
  check(
    stray.length === 0,
    'the tarball holds only bin/, dist/bundle/*.cjs and its third-party notices, package.json and the docs',
    `unexpected: ${stray.join(', ')}`,
  );
  check(
    files.includes('bin/oidc-probe.cjs') &&
      files.includes('dist/bundle/cli.cjs') &&
      files.includes('dist/bundle/start.cjs'),
    'the tarball holds the bin and the compiled CLI',
  );
  check(
    !files.some((f) => /(^|\/)(test|fixtures?)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts')),
    'no tests, fixtures, source maps or TypeScript sources in the tarball',
  );
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
