// When and how the initial snapshot runs (BinlogConnectorConfig.SnapshotMode,
// MariaDbConnectorConfig.SnapshotLockingMode, RelationalDatabaseConnectorConfig). Belongs to the
// source component's snapshot reader.
import { z } from 'zod';
import { noEffect } from './no-effect.js';
import { crossCheck, defineArea, propertiesUnder, type Finding } from './area.js';
import { bool, choice, int, list, optionalInt, regexList, text } from './values.js';

export const snapshotModes = ['initial', 'initial_only', 'when_needed', 'no_data', 'always', 'recovery', 'configuration_based', 'custom'] as const;
export const snapshotLockingModes = ['minimal', 'extended', 'none', 'custom'] as const;

const OVERRIDES = 'snapshot.select.statement.overrides';

const shape = z.object({
  'snapshot.mode': choice(
    snapshotModes,
    'initial',
    'When to snapshot: initial (schema and data when there is no offset, then stream), initial_only (no streaming), ' +
      'when_needed (also when the stored position is gone), no_data (schema only, then stream), always, ' +
      'recovery (rebuild the schema history, then stream from the offset), configuration_based, custom.',
    {
      removed: {
        schema_only: '"schema_only" was removed in Debezium 3.3; use no_data',
        schema_only_recovery: '"schema_only_recovery" was removed in Debezium 3.3; use recovery',
        never: '"never" was removed in Debezium 3.6; use no_data to stream without a data snapshot',
      },
    },
  ),
  'snapshot.mode.custom.name': noEffect(text('Name of the custom snapshotter when snapshot.mode=custom.'), 'custom snapshotters are Java classes binlogd cannot run (snapshot.mode=custom takes no data snapshot)'),
  'snapshot.mode.configuration.based.snapshot.data': bool(false, 'With snapshot.mode=configuration_based: snapshot the data.'),
  'snapshot.mode.configuration.based.snapshot.schema': noEffect(bool(false, 'With snapshot.mode=configuration_based: snapshot the schema.'), 'binlogd\'s schema history comes from the binlog metadata and DDL replayed on the server, never from a snapshot of the schema'),
  'snapshot.mode.configuration.based.start.stream': bool(false, 'With snapshot.mode=configuration_based: stream after the snapshot.'),
  'snapshot.mode.configuration.based.snapshot.on.schema.error': noEffect(bool(false, 'With snapshot.mode=configuration_based: snapshot the schema when the history is unusable.'), 'binlogd\'s schema history is rebuilt from the server, so it has no schema error to recover from'),
  'snapshot.mode.configuration.based.snapshot.on.data.error': bool(false, 'With snapshot.mode=configuration_based: snapshot the data when the stored position is gone.'),
  'snapshot.locking.mode': choice(
    snapshotLockingModes,
    'minimal',
    'Global read lock during the snapshot: minimal (only while reading positions and schemas), extended (until all rows are read), none, custom.',
  ),
  'snapshot.locking.mode.custom.name': noEffect(text('Name of the custom lock implementation when snapshot.locking.mode=custom.'), 'custom locking is a Java class binlogd cannot run'),
  'snapshot.query.mode': noEffect(choice(['select_all', 'custom'], 'select_all', 'How snapshot queries are built: select_all or custom.'), 'snapshot queries are always SELECT * (select_all); use snapshot.select.statement.overrides to change one table\'s query'),
  'snapshot.query.mode.custom.name': noEffect(text('Name of the custom query builder when snapshot.query.mode=custom.'), 'custom query builders are Java classes binlogd cannot run'),
  'snapshot.include.collection.list': regexList('Regular expressions over <db>.<table>: the captured tables whose data is snapshotted (default: all captured tables).'),
  [OVERRIDES]: list('Tables (<db>.<table>) whose snapshot uses the SELECT in snapshot.select.statement.overrides.<db>.<table>.'),
  'snapshot.delay.ms': int(0, 'Delay before the snapshot starts.', { min: 0 }),
  'snapshot.fetch.size': optionalInt('Rows fetched per round trip while snapshotting.', { min: 1 }),
  'snapshot.lock.timeout.ms': int(10000, 'Time to wait for the table locks at the start of a snapshot.', { min: 0 }),
  'snapshot.max.threads': int(1, 'Tables snapshotted in parallel.', { min: 1 }),
  'snapshot.max.threads.multiplier': noEffect(int(1, 'Chunks per table and thread in a parallel snapshot.', { min: 1 }), 'snapshot.max.threads readers read keyed tables in primary-key chunks of snapshot.fetch.size rows'),
  'snapshot.tables.order.by.row.count': choice(['disabled', 'ascending', 'descending'], 'disabled', 'Order of the tables in the snapshot.'),
  'min.row.count.to.stream.results': noEffect(int(1000, 'Tables with more rows are read with a streaming result set; 0 streams all.', { min: 0 }), 'keyed tables are read in primary-key chunks of snapshot.fetch.size rows and keyless tables streamed, whatever their size'),
});

export const snapshotSchema = crossCheck(
  shape,
  ['snapshot.mode', 'snapshot.mode.custom.name', 'snapshot.locking.mode', 'snapshot.locking.mode.custom.name', 'snapshot.query.mode', 'snapshot.query.mode.custom.name'],
  (v) => {
    const findings: Finding[] = [];
    const needs = (mode: string, value: string, name: string | undefined, property: string): void => {
      if (value === 'custom' && name === undefined) findings.push({ property, message: `is required when ${mode}=custom` });
    };
    needs('snapshot.mode', v['snapshot.mode'], v['snapshot.mode.custom.name'], 'snapshot.mode.custom.name');
    needs('snapshot.locking.mode', v['snapshot.locking.mode'], v['snapshot.locking.mode.custom.name'], 'snapshot.locking.mode.custom.name');
    needs('snapshot.query.mode', v['snapshot.query.mode'], v['snapshot.query.mode.custom.name'], 'snapshot.query.mode.custom.name');
    return findings;
  },
);

export interface SnapshotConfig {
  readonly mode: (typeof snapshotModes)[number];
  readonly modeCustomName?: string;
  /** The five `snapshot.mode.configuration.based.*` switches. */
  readonly configurationBased: {
    readonly snapshotData: boolean;
    readonly snapshotSchema: boolean;
    readonly startStream: boolean;
    readonly snapshotOnSchemaError: boolean;
    readonly snapshotOnDataError: boolean;
  };
  readonly lockingMode: (typeof snapshotLockingModes)[number];
  readonly lockingModeCustomName?: string;
  readonly queryMode: 'select_all' | 'custom';
  readonly queryModeCustomName?: string;
  /** Empty: every captured table. */
  readonly includeCollections: readonly RegExp[];
  /** `<db>.<table>` → the SELECT that replaces `SELECT * FROM <table>`. */
  readonly selectOverrides: ReadonlyMap<string, string>;
  readonly delayMs: number;
  readonly fetchSize?: number;
  readonly lockTimeoutMs: number;
  readonly maxThreads: number;
  readonly maxThreadsMultiplier: number;
  readonly tablesOrderByRowCount: 'disabled' | 'ascending' | 'descending';
  readonly minRowCountToStreamResults: number;
}

export const snapshotArea = defineArea({
  schema: snapshotSchema,
  prefixes: [`${OVERRIDES}.`],
  build(v, raw, report): SnapshotConfig {
    const statements = propertiesUnder(raw, `${OVERRIDES}.`);
    const selectOverrides = new Map<string, string>();
    for (const table of v[OVERRIDES]) {
      const statement = statements[table]?.trim();
      if (statement) selectOverrides.set(table, statement);
      else report({ property: `${OVERRIDES}.${table}`, message: `is required: ${table} is listed in ${OVERRIDES}` });
    }
    for (const table of Object.keys(statements)) {
      if (!v[OVERRIDES].includes(table)) {
        report({ severity: 'warning', property: `${OVERRIDES}.${table}`, message: `is ignored: ${table} is not listed in ${OVERRIDES}` });
      }
    }
    return {
      mode: v['snapshot.mode'],
      modeCustomName: v['snapshot.mode.custom.name'],
      configurationBased: {
        snapshotData: v['snapshot.mode.configuration.based.snapshot.data'],
        snapshotSchema: v['snapshot.mode.configuration.based.snapshot.schema'],
        startStream: v['snapshot.mode.configuration.based.start.stream'],
        snapshotOnSchemaError: v['snapshot.mode.configuration.based.snapshot.on.schema.error'],
        snapshotOnDataError: v['snapshot.mode.configuration.based.snapshot.on.data.error'],
      },
      lockingMode: v['snapshot.locking.mode'],
      lockingModeCustomName: v['snapshot.locking.mode.custom.name'],
      queryMode: v['snapshot.query.mode'],
      queryModeCustomName: v['snapshot.query.mode.custom.name'],
      includeCollections: v['snapshot.include.collection.list'],
      selectOverrides,
      delayMs: v['snapshot.delay.ms'],
      fetchSize: v['snapshot.fetch.size'],
      lockTimeoutMs: v['snapshot.lock.timeout.ms'],
      maxThreads: v['snapshot.max.threads'],
      maxThreadsMultiplier: v['snapshot.max.threads.multiplier'],
      tablesOrderByRowCount: v['snapshot.tables.order.by.row.count'],
      minRowCountToStreamResults: v['min.row.count.to.stream.results'],
    };
  },
});
