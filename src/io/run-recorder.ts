// The edge that keeps the run record (--diagram, --report): it is told about every HTTP exchange by
// the HTTP layer (io/exchange-observers.ts, as --har is) and about each front-channel hop by
// the flows, stamps the time, and hands it to the pure builders of src/protocol/run-record.ts, which
// redact as they record. One recorder per run, found by the run's context.
import {
  appendExchange,
  appendFrontChannelRequest,
  appendFrontChannelResponse,
  newRunRecord,
  type ObservedExchange,
  type RunRecord,
} from '../protocol/run-record.js';
import { observeExchanges } from './exchange-observers.js';

export interface RunRecorder {
  readonly record: RunRecord;
  readonly startedAt: Date;
  /** An HTTP observer (src/io/http.ts). */
  exchange(e: ObservedExchange): void;
  /** The front-channel request was handed to the user agent (a browser opened, or the URL printed). */
  frontChannelRequest(url: string, opts: { openBrowser: boolean; purpose: string }): void;
  /** The response arrived at the loopback listener on this channel. */
  frontChannelResponse(channel: 'query' | 'fragment' | 'form_post', params: Record<string, string>): void;
}

const recorders = new WeakMap<object, RunRecorder>();

export function startRunRecorder(run: object, opts: { command: string; showSecrets: boolean }): RunRecorder {
  const startedAt = new Date();
  const record = newRunRecord(opts.command, startedAt, opts.showSecrets);
  const recorder: RunRecorder = {
    record,
    startedAt,
    exchange: (e) => {
      appendExchange(record, e, startedAt);
    },
    frontChannelRequest: (url, o) => {
      appendFrontChannelRequest(record, url, {
        purpose: o.purpose === 'sign out' ? 'logout' : 'authorization',
        openBrowser: o.openBrowser,
        at: new Date(),
        runStart: startedAt,
      });
    },
    frontChannelResponse: (channel, params) => {
      appendFrontChannelResponse(record, channel, params, { at: new Date(), runStart: startedAt });
    },
  };
  recorders.set(run, recorder);
  observeExchanges(run, recorder.exchange);
  return recorder;
}

/** The run's recorder, when --diagram or --report asked for one. */
export function runRecorderFor(run: object): RunRecorder | undefined {
  return recorders.get(run);
}
