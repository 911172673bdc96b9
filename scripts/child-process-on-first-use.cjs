// node:child_process as the CLI bundle gives it to commander: loaded on first use. Commander
// requires it when it loads, for git-style executable subcommands, which oidc-probe has none of;
// loading it also loads node:net, node:stream and node:dgram (~8 ms of every start-up on Node 26).
// scripts/bundle.mjs aliases node:child_process to this file; process.getBuiltinModule, not
// require, so that the alias does not point this file at itself.
'use strict';
let childProcess;
module.exports = new Proxy(
  {},
  {
    get: (_, name) => {
      childProcess ??= process.getBuiltinModule('node:child_process');
      return childProcess[name];
    },
  },
);
