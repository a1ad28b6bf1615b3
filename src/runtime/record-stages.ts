// What every part of a session that reads rows and sends records needs (the initial, blocking and
// incremental snapshots): the connector, its server, and the way out (envelope → record path → sink).
import type { ConnectorConfig } from '../config/index.js';
import type { EnvelopeOptions } from '../envelope/change-events.js';
import type { SourceOffset } from '../offsets/source-offset.js';
import type { SqlEndpoint } from '../source/sql-client.js';
import type { Logger } from './logger.js';
import type { OutgoingRecord, RecordConversion, RecordSink, TableResolver } from './streaming-pipeline.js';

export interface RecordStages {
  config: ConnectorConfig;
  endpoint: SqlEndpoint;
  tables: TableResolver;
  records: RecordConversion;
  sink: RecordSink;
  envelope: EnvelopeOptions;
  /** The offsets-topic record storing an offset that no record carries. */
  offsetRecord: (offset: SourceOffset) => OutgoingRecord;
  log: Logger;
}
