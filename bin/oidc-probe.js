#!/usr/bin/env node
// Version gate first, in syntax every Node understands, so an old Node gets a sentence, not a SyntaxError.
var v = process.versions.node.split('.').map(Number);
if (v[0] < 20 || (v[0] === 20 && v[1] < 18)) {
  process.stderr.write('oidc-probe needs Node.js 20.18 or newer; this is Node.js ' + process.versions.node + '.\n');
  process.exit(2);
}
import('../dist/src/cli/main.js').then(function (m) { return m.main(process.argv); });
