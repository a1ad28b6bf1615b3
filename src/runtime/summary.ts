// The periodic log summary of each connector (instead of a line per row): state, events and
// transactions since the last summary and in total, lag, backlog and position. Counts come from
// the metrics, so logs and /metrics never disagree.
import * as metrics from '../metrics/registry.js';
import type { Logger } from './logger.js';

export interface Summarized {
  readonly config: { readonly name: string };
  readonly state: string;
  summary(): Record<string, unknown>;
}

type Totals = { events: number; transactions: number };

/** Sums a metric's series for one connector (every table and op). */
async function total(metric: { get(): Promise<{ values: Array<{ labels: Record<string, unknown>; value: number }> }> }, connector: string): Promise<number | undefined> {
  const values = (await metric.get()).values.filter((v) => v.labels['connector'] === connector && !('le' in v.labels));
  return values.length === 0 ? undefined : values.reduce((sum, v) => sum + v.value, 0);
}

/** Returns the function to call every summary interval. */
export function createSummaryLogger(logger: Logger): (connectors: Iterable<Summarized>) => Promise<void> {
  const previous = new Map<string, Totals>();
  return async (connectors) => {
    for (const connector of connectors) {
      const name = connector.config.name;
      const events = (await total(metrics.eventsTotal, name)) ?? 0;
      const transactions = (await total(metrics.transactionsTotal, name)) ?? 0;
      const lagSeconds = await total(metrics.lagSeconds, name);
      const behindSourceBytes = await total(metrics.behindSourceBytes, name);
      const before = previous.get(name) ?? { events: 0, transactions: 0 };
      previous.set(name, { events, transactions });
      logger.info({
        connector: name,
        state: connector.state,
        events: events - before.events,
        transactions: transactions - before.transactions,
        eventsTotal: events,
        transactionsTotal: transactions,
        ...(lagSeconds === undefined ? {} : { lagSeconds: Math.round(lagSeconds * 10) / 10 }),
        ...(behindSourceBytes === undefined ? {} : { behindSourceBytes }),
        ...connector.summary(),
      }, 'summary');
    }
  };
}
