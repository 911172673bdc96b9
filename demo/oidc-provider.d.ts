// oidc-provider ships no type declarations; the demo uses a small, typed part of it.
declare module 'oidc-provider' {
  const Provider: new (
    issuer: string,
    configuration: unknown,
  ) => {
    callback(): (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;
    on(event: string, listener: (...args: unknown[]) => void): void;
  };
  export default Provider;
}
