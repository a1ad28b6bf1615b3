// Every metric binlogd exports, declared once. Labels are fixed and low-cardinality: `connector`,
// `table`, `op`; never keys, GTIDs or positions.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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

// Lag, backlog and retention: read at scrape time from each running connector's probe
// (runtime/source-lag.ts), so a paused connector's lag keeps rising between polls.
export interface ConnectorProbe {
  lagSeconds(): number | undefined;
  behindSourceBytes(): number | undefined;
  queueEvents(): number | undefined;
  retentionFiles(): number | undefined;
  headroomBytes(): number | undefined;
  headroomSeconds(): number | undefined;
}

const probes = new Map<string, ConnectorProbe>();

/** Registers a connector's probe; the returned function removes it and its series. */
export function registerProbe(connector: string, probe: ConnectorProbe): () => void {
  probes.set(connector, probe);
  return () => {
    if (probes.get(connector) !== probe) return;
    probes.delete(connector);
    for (const gauge of probeGauges) gauge.remove({ connector });
  };
}

function probeGauge(name: string, help: string, read: (probe: ConnectorProbe) => number | undefined): Gauge<'connector'> {
  return new Gauge({
    name, help, labelNames: ['connector'] as const, registers: [registry],
    collect() {
      for (const [connector, probe] of probes) {
        const value = read(probe);
        if (value === undefined) this.remove({ connector }); else this.set({ connector }, value);
      }
    },
  });
}

export const lagSeconds = probeGauge('binlogd_lag_seconds',
  'Seconds the connector is behind the source: 0 once it has read the binlog end the server reported at the last poll (every 5 s); else now - the earliest commit time the first unread transaction can have.',
  (p) => p.lagSeconds());
export const behindSourceBytes = probeGauge('binlogd_behind_source_bytes',
  'Binlog bytes between the connector\'s read position and the server\'s binlog end (SHOW BINARY LOGS sizes); 0 when caught up.',
  (p) => p.behindSourceBytes());
export const queueEvents = probeGauge('binlogd_queue_events',
  'Change events read from the binlog and not yet handed to the Kafka sink.',
  (p) => p.queueEvents());
export const binlogRetentionFiles = probeGauge('binlogd_binlog_retention_files',
  'Binlog files the source server keeps (SHOW BINARY LOGS).',
  (p) => p.retentionFiles());
export const storedPositionHeadroomBytes = probeGauge('binlogd_stored_position_headroom_bytes',
  'Binlog bytes the server keeps before the connector\'s stored position: how much can be purged before the position is lost; 0 when it was purged.',
  (p) => p.headroomBytes());
export const storedPositionHeadroomSeconds = probeGauge('binlogd_stored_position_headroom_seconds',
  'Seconds until time-based binlog expiry may purge the file holding the connector\'s stored position (lower bound); +Inf when the server expires nothing by time.',
  (p) => p.headroomSeconds());
const probeGauges = [lagSeconds, behindSourceBytes, queueEvents, binlogRetentionFiles, storedPositionHeadroomBytes, storedPositionHeadroomSeconds];

export const endToEndSeconds = new Histogram({
  name: 'binlogd_end_to_end_seconds',
  help: 'Source commit (binlog event header, 1 s resolution) to Kafka acknowledgement, per binlog rows event.',
  labelNames: ['connector'] as const, registers: [registry],
  buckets: [0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 30, 60, 300, 1800],
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

export const snapshotEstimatedRows = new Gauge({
  name: 'binlogd_snapshot_estimated_rows', help: 'Rows of each table the snapshot reads, as InnoDB estimated them at its start (against binlogd_snapshot_rows_total: progress).',
  labelNames: ['connector', 'table'] as const, registers: [registry],
});

export const snapshotRemainingTables = new Gauge({
  name: 'binlogd_snapshot_remaining_tables', help: 'Tables the running snapshot has not finished yet (0 when none runs).',
  labelNames: ['connector'] as const, registers: [registry],
});

export const schemaHistoryReplayFailuresTotal = new Counter({
  name: 'binlogd_schema_history_replay_failures_total',
  help: 'DDL statements MariaDB could not replay on the schema history\'s temporary tables (the previous definition stays; rows keep their TABLE_MAP structure).',
  labelNames: ['connector'] as const, registers: [registry],
});
