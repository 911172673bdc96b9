#!/usr/bin/env node
'use strict';
// Version gate first, in syntax every Node understands, so an old Node gets a sentence, not a SyntaxError.
var v = process.versions.node.split('.').map(Number);
if (v[0] < 20 || (v[0] === 20 && v[1] < 18)) {
  process.stderr.write('oidc-probe needs Node.js 20.18 or newer; this is Node.js ' + process.versions.node + '.\n');
  process.exit(2);
}
// CommonJS on purpose: Node starts its ES module loader only when something needs it.
var start = require('../dist/bundle/start.cjs');
var args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Fast path: the version needs neither commander nor the command modules, nor a stdout stream.
  try {
    require('node:fs').writeSync(1, start.VERSION + '\n');
  } catch (err) {
    if (err.code !== 'EPIPE') throw err;
  }
} else {
  // A reader that went away (`oidc-probe … | head`) ends the run quietly, without a stack trace.
  process.stdout.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode || 0);
  });
  start.start(process.argv);
}
