import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import * as metrics from '../../../src/metrics/registry.js';
import { createLogger } from '../../../src/runtime/logger.js';
import { createSummaryLogger } from '../../../src/runtime/summary.js';

test('the summary reports events and transactions since the last one and in total, with the connector\'s own fields', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger('info', { destination: new Writable({ write(chunk, _e, done) { for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l)); done(); } }) as never });
  const connector = { config: { name: 'summary-test' }, state: 'RUNNING', summary: () => ({ position: '0-1-9', queuedEvents: 0 }) };
  const summarize = createSummaryLogger(logger);
  metrics.eventsTotal.inc({ connector: 'summary-test', table: 'db.a', op: 'c' }, 5);
  metrics.eventsTotal.inc({ connector: 'summary-test', table: 'db.b', op: 'u' }, 2);
  metrics.eventsTotal.inc({ connector: 'another', table: 'db.a', op: 'c' }, 100);
  metrics.transactionsTotal.inc({ connector: 'summary-test' }, 3);
  await summarize([connector]);
  metrics.eventsTotal.inc({ connector: 'summary-test', table: 'db.a', op: 'd' }, 1);
  await summarize([connector]);
  assert.deepEqual(lines.map(({ connector: c, state, events, transactions, eventsTotal, transactionsTotal, position, msg }) =>
    ({ c, state, events, transactions, eventsTotal, transactionsTotal, position, msg })), [
    { c: 'summary-test', state: 'RUNNING', events: 7, transactions: 3, eventsTotal: 7, transactionsTotal: 3, position: '0-1-9', msg: 'summary' },
    { c: 'summary-test', state: 'RUNNING', events: 1, transactions: 0, eventsTotal: 8, transactionsTotal: 3, position: '0-1-9', msg: 'summary' },
  ]);
  assert.ok(!('lagSeconds' in lines[0]!), 'no lag before the first poll');
});
