// Who watches a run's HTTP exchanges besides --verbose: the --har file and the run picture
// (--diagram, --report) add their observer here when they start. The HTTP setup every command loads
// reads the list, so that it need not load them (nor the run record they build) for a run without them.
import type { HttpExchange } from './http.js';

type ExchangeObserver = (e: HttpExchange) => void;

const observersByRun = new WeakMap<object, ExchangeObserver[]>();

export function observeExchanges(run: object, observer: ExchangeObserver): void {
  const list = observersByRun.get(run);
  if (list) list.push(observer);
  else observersByRun.set(run, [observer]);
}

export function exchangeObserversOf(run: object): readonly ExchangeObserver[] {
  return observersByRun.get(run) ?? [];
}
