#!/usr/bin/env node
// Version gate first, in syntax every Node understands, so an old Node gets a sentence, not a SyntaxError.
var v = process.versions.node.split('.').map(Number);
if (v[0] < 20 || (v[0] === 20 && v[1] < 18)) {
  process.stderr.write('oidc-probe needs Node.js 20.18 or newer; this is Node.js ' + process.versions.node + '.\n');
  process.exit(2);
}
// Node >= 22.1 keeps the compiled code of our modules and dependencies between runs (in the OS
// temp directory): a few ms less start-up per run; older Nodes skip it.
var nodeModule = process.getBuiltinModule && process.getBuiltinModule('node:module');
if (nodeModule && nodeModule.enableCompileCache) nodeModule.enableCompileCache();
// A reader that went away (`oidc-probe … | head`) ends the run quietly, without a stack trace.
process.stdout.on('error', function (err) {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode || 0);
});
var args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Fast path: the version needs neither commander nor the command modules.
  import('../dist/bundle/version.js').then(function (m) { process.stdout.write(m.VERSION + '\n'); });
} else {
  import('../dist/bundle/cli/main.js').then(function (m) { return m.main(process.argv); });
}
