// Where the provider's control endpoint lives: the same for every issuer path, at the root.
export const CONTROL_DEFECTS_PATH = '/_oidc-probe/defects';
