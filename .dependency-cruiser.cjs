// Import rules of the layout, checked on the compiled tree (npm run check:deps after the build) (STYLE.md "The shape of the house"), checked in CI:
//   main → commands → {protocol, io, render};  io → protocol;  render → protocol;  protocol → nothing.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'protocol-is-pure',
      comment: 'src/protocol holds pure rules: it imports only itself (and the error classes).',
      severity: 'error',
      from: { path: '^dist/src/protocol/' },
      to: { path: '^dist/src/', pathNot: ['^dist/src/protocol/', '^dist/src/errors\\.js$'] },
    },
    {
      name: 'render-imports-protocol-only',
      severity: 'error',
      from: { path: '^dist/src/render/' },
      to: { path: '^dist/src/', pathNot: ['^dist/src/render/', '^dist/src/protocol/', '^dist/src/errors\\.js$'] },
    },
    {
      name: 'io-imports-protocol-only',
      severity: 'error',
      from: { path: '^dist/src/io/' },
      to: { path: '^dist/src/', pathNot: ['^dist/src/io/', '^dist/src/protocol/', '^dist/src/errors\\.js$', '^dist/src/version\\.js$'] },
    },
    {
      name: 'commands-never-import-the-program',
      severity: 'error',
      from: { path: '^dist/src/commands/' },
      to: { path: '^dist/src/(main|run-command|start|command-word)\\.js$' },
    },
    {
      name: 'one-folder-per-command',
      comment: 'A command imports its own folder and commands/shared, never another command.',
      severity: 'error',
      from: { path: '^dist/src/commands/([^/]+)/' },
      to: { path: '^dist/src/commands/', pathNot: ['^dist/src/commands/$1/', '^dist/src/commands/shared/'] },
    },
    {
      name: 'commander-only-in-options',
      comment: 'Commander is the CLI edge: main.ts and the options.ts files only.',
      severity: 'error',
      from: { path: '^dist/src/', pathNot: ['^dist/src/main\\.js$', '^dist/src/commands/[^/]+/options\\.js$'] },
      to: { path: '(^|/)node_modules/commander/' },
    },
    {
      name: 'no-process-outside-edges',
      comment: 'Only main.ts, start.ts and io/ touch process-level modules that talk to the terminal.',
      severity: 'error',
      from: { path: '^dist/src/(protocol|render)/' },
      to: { path: '^(node:)?(child_process|readline|tty)$', dependencyTypes: ['core'] },
    },
    { name: 'src-never-imports-tests', severity: 'error', from: { path: '^dist/src/' }, to: { path: '^dist/test/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // The compiled JavaScript is cruised (TypeScript 7 has no JS API for the cruiser to parse
    // with); type-only imports vanish there, which is what the runtime layering is about.
    enhancedResolveOptions: { extensions: ['.js'] },
  },
};
