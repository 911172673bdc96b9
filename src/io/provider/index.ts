// The provider as `oidc-probe serve` loads it: the entry of dist/bundle/serve.cjs (see
// scripts/bundle.mjs). Only plain values cross between the bundles: options, a log callback, the
// handle; a failure to listen is a ListenError told apart by its name and code, not its class.
export { generateKeyMaterial } from './keys.js';
export { startProvider } from './server.js';
