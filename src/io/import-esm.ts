// The ES-module-only dependencies (open, @inquirer/prompts) are imported through here, not with
// import() in place. On Node 20 the bundle runs as a vm.Script compiled from a V8 code cache
// (src/io/code-cache.ts), and a script compiled from a cache loses the callback Node needs for
// import() ("A dynamic import callback was not specified"). src/start.ts, a module Node loaded
// itself, hands in an import() of its own before the CLI runs.
type Importer = (specifier: string) => Promise<unknown>;

let importer: Importer = (specifier) => import(specifier);

export function setEsmImporter(importEsm: Importer): void {
  importer = importEsm;
}

export function importEsm<T>(specifier: string): Promise<T> {
  return importer(specifier) as Promise<T>;
}
