// Every metric binlogd exports, declared once. Labels are fixed and low-cardinality: `connector`,
// `table`, `op`; never keys, GTIDs or positions.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const eventsTotal = new Counter({
  name: 'binlogd_events_total', help: 'Change events read from the binlog, by table and op (c, u, d).',
  labelNames: ['connector', 'table', 'op'] as const, registers: [registry],
});

export const transactionsTotal = new Counter({
  name: 'binlogd_transactions_total', help: 'Committed source transactions read from the binlog.',
  labelNames: ['connector'] as const, registers: [registry],
});

export const lastEventTimestamp = new Gauge({
  name: 'binlogd_last_event_timestamp_seconds', help: 'Commit time (binlog event header) of the last event read.',
  labelNames: ['connector'] as const, registers: [registry],
});

export const connected = new Gauge({
  name: 'binlogd_connected', help: '1 while the binlog connection to MariaDB is up.',
  labelNames: ['connector'] as const, registers: [registry],
});

export const queueCapacity = new Gauge({
  name: 'binlogd_queue_capacity', help: 'Events the queue holds before binlogd stops reading the binlog (max.queue.size).',
  labelNames: ['connector'] as const, registers: [registry],
});

export const errorsTotal = new Counter({
  name: 'binlogd_errors_total', help: 'Errors by kind (the error code).',
  labelNames: ['connector', 'kind'] as const, registers: [registry],
});

export const connectorUp = new Gauge({
  name: 'binlogd_connector_up', help: '1 while the connector is RUNNING, else 0.',
  labelNames: ['connector'] as const, registers: [registry],
});

export const connectorState = new Gauge({
  name: 'binlogd_connector_state', help: 'The connector\'s state: 1 for the current state, 0 for the others.',
  labelNames: ['connector', 'state'] as const, registers: [registry],
});

export const snapshotRowsTotal = new Counter({
  name: 'binlogd_snapshot_rows_total', help: 'Rows read and emitted by the initial snapshot, by table.',
  labelNames: ['connector', 'table'] as const, registers: [registry],
});

export const snapshotRemainingTables = new Gauge({
  name: 'binlogd_snapshot_remaining_tables', help: 'Tables the running snapshot has not finished yet (0 when none runs).',
  labelNames: ['connector'] as const, registers: [registry],
});
