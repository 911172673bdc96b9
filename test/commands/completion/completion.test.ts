import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/cli.js';
import { buildProgram, processEdges } from '../../../src/main.js';
import { describeCommand } from '../../../src/commands/completion/options.js';
import { completionScript, type CompletionCommand } from '../../../src/commands/completion/render.js';

const hasShell = (shell: string) => spawnSync(shell, ['-c', 'exit 0']).status === 0;

/** Run fn with the script written to a temporary file. */
function withScriptFile<T>(script: string, fn: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'oidc-probe-completion-'));
  try {
    const file = join(dir, 'completion');
    writeFileSync(file, script);
    return fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Source a bash completion script, fill COMP_WORDS as bash would, call the function, return COMPREPLY. */
function bashComplete(script: string, words: string[], cwd?: string): string[] {
  return withScriptFile(script, (file) => {
    const fn = /complete -o default -F (\S+)/.exec(script)![1]!;
    const r = spawnSync(
      'bash',
      [
        '--norc',
        '--noprofile',
        '-c',
        `source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); ${fn}; printf '%s\\n' "\${COMPREPLY[@]}"`,
        file,
        ...words,
      ],
      { encoding: 'utf8', ...(cwd ? { cwd } : {}) },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    return r.stdout.split('\n').filter(Boolean).sort();
  });
}

async function scriptFor(shell: string): Promise<string> {
  const r = await runCli(['completion', shell]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  return r.stdout;
}

const program = describeCommand(buildProgram(undefined, async () => {}, processEdges()));
const longFlags = (cmd: CompletionCommand) => cmd.options.flatMap((o) => o.flags).filter((f) => f.startsWith('--'));

test('completion bash offers every command of the program after the program name', async () => {
  const script = await scriptFor('bash');
  const names = program.commands.map((c) => c.name).sort();
  assert.ok(names.includes('decode') && names.includes('completion') && names.includes('help'));
  assert.deepEqual(bashComplete(script, ['oidc-probe', '']), names);
});

test('completion bash completes a command prefix, also after a global option', async () => {
  const script = await scriptFor('bash');
  assert.deepEqual(bashComplete(script, ['oidc-probe', 'dec']), ['decode']);
  assert.deepEqual(bashComplete(script, ['oidc-probe', '--json', 'dec']), ['decode']);
});

test(
  'completion bash offers each command its own options plus the global ones, and not another ' + "command's",
  async () => {
    const script = await scriptFor('bash');
    for (const cmd of program.commands) {
      const offered = bashComplete(script, ['oidc-probe', cmd.name, '--']);
      for (const flag of [...longFlags(cmd), ...longFlags(program)])
        assert.ok(offered.includes(flag), `${cmd.name}: ${flag} missing`);
      const others = program.commands
        .filter((c) => c !== cmd)
        .flatMap(longFlags)
        .filter((f) => !longFlags(cmd).includes(f) && !longFlags(program).includes(f));
      for (const flag of others) assert.ok(!offered.includes(flag), `${cmd.name} offers ${flag}`);
    }
  },
);

test('completion bash completes an option prefix and the values of a choices option', async () => {
  const script = await scriptFor('bash');
  const verify = program.commands.find((c) => c.name === 'verify');
  if (!verify) return; // verify lands from another branch; nothing to complete without it
  assert.deepEqual(bashComplete(script, ['oidc-probe', 'verify', '--jw']), ['--jwks']);
  const type = verify.options.find((o) => o.flags.includes('--type'))!;
  assert.deepEqual(bashComplete(script, ['oidc-probe', 'verify', 'x.y.z', '--type', '']), [...type.choices!].sort());
});

test('completion bash completes file names for a file option', async () => {
  const script = await scriptFor('bash');
  if (!program.commands.some((c) => c.name === 'verify')) return;
  const dir = mkdtempSync(join(tmpdir(), 'oidc-probe-files-'));
  try {
    writeFileSync(join(dir, 'keys.json'), '{}');
    writeFileSync(join(dir, 'other.txt'), '');
    assert.deepEqual(bashComplete(script, ['oidc-probe', 'verify', '--jwks', 'ke'], dir), ['keys.json']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('completion bash completes command names after help', async () => {
  const script = await scriptFor('bash');
  const names = program.commands
    .map((c) => c.name)
    .filter((n) => n !== 'help')
    .sort();
  assert.deepEqual(bashComplete(script, ['oidc-probe', 'help', '']), names);
  assert.deepEqual(bashComplete(script, ['oidc-probe', 'help', 've']), ['verify']);
});

test('completion bash completes the shell names of the completion command', async () => {
  const script = await scriptFor('bash');
  assert.deepEqual(bashComplete(script, ['oidc-probe', 'completion', '']), ['bash', 'fish', 'zsh']);
  assert.deepEqual(bashComplete(script, ['oidc-probe', 'completion', 'z']), ['zsh']);
});

test('the generators descend into nested commands, and a quote in a description keeps every script valid', () => {
  const tree: CompletionCommand = {
    name: 'tool',
    description: 'a tool',
    argChoices: undefined,
    options: [{ flags: ['--json'], description: 'json', takesValue: false }],
    commands: [
      {
        name: 'cache',
        description: "the cache's entries",
        options: [],
        commands: [
          {
            name: 'list',
            description: 'list',
            options: [{ flags: ['--all'], description: 'all', takesValue: false }],
            commands: [],
          },
          {
            name: 'clear',
            description: 'clear',
            options: [{ flags: ['--older-than'], description: 'age', takesValue: true }],
            commands: [],
          },
        ],
      },
    ],
  };
  const script = completionScript('bash', tree);
  assert.deepEqual(bashComplete(script, ['tool', 'cache', '']), ['clear', 'list']);
  assert.deepEqual(bashComplete(script, ['tool', 'cache', 'list', '--']), ['--all', '--json']);
  assert.deepEqual(bashComplete(script, ['tool', 'cache', 'clear', '--older-than', '']), []);
  if (hasShell('zsh'))
    withScriptFile(completionScript('zsh', tree), (file) => assert.equal(spawnSync('zsh', ['-n', file]).status, 0));
  if (hasShell('fish')) {
    withScriptFile(completionScript('fish', tree), (file) => {
      const r = spawnSync('fish', ['--no-config', '-c', 'source $argv[1]; complete -C "tool cache "', file], {
        encoding: 'utf8',
      });
      assert.deepEqual(
        r.stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split('\t')[0])
          .sort(),
        ['clear', 'list'],
      );
    });
  }
});

test('completion zsh and fish scripts name every command and every long option', async () => {
  for (const shell of ['zsh', 'fish']) {
    const script = await scriptFor(shell);
    const all = [program, ...program.commands];
    for (const cmd of program.commands) assert.match(script, new RegExp(`'${cmd.name}[:']`), `${shell}: ${cmd.name}`);
    for (const flag of all.flatMap(longFlags)) {
      const needle = shell === 'zsh' ? `'${flag}[` : ` -l ${flag.slice(2)} `;
      assert.ok(script.includes(needle), `${shell}: ${flag} missing`);
    }
  }
});

test('completion zsh passes zsh -n', { skip: !hasShell('zsh') && 'zsh is not installed' }, async () => {
  const r = withScriptFile(await scriptFor('zsh'), (file) => spawnSync('zsh', ['-n', file], { encoding: 'utf8' }));
  assert.equal(r.status, 0, r.stderr);
});

test('completion fish passes fish --no-execute and completes commands and choices', {
  skip: !hasShell('fish') && 'fish is not installed',
}, async () => {
  withScriptFile(await scriptFor('fish'), (file) => {
    const syntax = spawnSync('fish', ['--no-execute', file], { encoding: 'utf8' });
    assert.equal(syntax.status, 0, syntax.stderr);
    const complete = (line: string) => {
      const r = spawnSync('fish', ['--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', file, line], {
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]!)
        .sort();
    };
    assert.deepEqual(complete('oidc-probe dec'), ['decode']);
    assert.deepEqual(complete('oidc-probe completion '), ['bash', 'fish', 'zsh']);
  });
});

test('completion with an unknown shell is a usage error naming the choices', async () => {
  const r = await runCli(['completion', 'tcsh']);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /tcsh/);
  assert.match(r.stderr, /bash, zsh, fish/);
});

test('completion --json prints the script inside one JSON document', async () => {
  const r = await runCli(['completion', 'bash', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { shell: string; script: string };
  assert.equal(doc.shell, 'bash');
  assert.match(doc.script, /complete -o default -F _oidc_probe oidc-probe/);
});
