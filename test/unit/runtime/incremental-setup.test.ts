import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { parseConnector, type ConnectorConfig } from '../../../src/config/index.js';
import { BinlogdError } from '../../../src/errors.js';
import { incrementalSnapshotFor, kafkaSignalsFor } from '../../../src/runtime/incremental-setup.js';
import type { IncrementalSnapshotOptions } from '../../../src/runtime/incremental-snapshot.js';

function connector(extra: Record<string, string>): ConnectorConfig {
  const { config, problems } = parseConnector({
    name: 'c',
    config: {
      'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector', 'database.hostname': 'h', 'database.user': 'u',
      'database.password': 'p', 'database.server.id': '1', 'topic.prefix': 'p', ...extra,
    },
  });
  assert.ok(config, JSON.stringify(problems));
  return config;
}

// Only the decision is under test: nothing here is called.
const stages = {
  endpoint: {}, tables: {}, records: {}, sink: {}, envelope: {}, offsetRecord: () => ({}), onError: () => undefined,
  log: pino({ level: 'silent' }), stored: undefined,
} as unknown as Omit<IncrementalSnapshotOptions, 'config' | 'initial'> & { stored: undefined };

test('which connectors run incremental snapshots', () => {
  const cases: Array<[string, Record<string, string>, boolean]> = [
    ['no signal settings', {}, false],
    ['signal table (source channel)', { 'signal.data.collection': 'db.sig' }, true],
    ['read.only with only the default source channel and no signal table: nothing can signal', { 'read.only': 'true' }, false],
    ['read.only with the Kafka channel, no signal table', { 'read.only': 'true', 'signal.enabled.channels': 'kafka', 'signal.kafka.topic': 's' }, true],
    ['read.only with a signal table someone else writes to', { 'read.only': 'true', 'signal.data.collection': 'db.sig' }, true],
    ['Kafka channel without read.only and without a table for the watermarks', { 'signal.enabled.channels': 'kafka', 'signal.kafka.topic': 's' }, false],
  ];
  for (const [name, extra, expected] of cases) assert.equal(incrementalSnapshotFor(connector(extra), stages) !== undefined, expected, name);
});

test('signals from Kafka with nowhere to write watermarks: the error names signal.data.collection and read.only', () => {
  const config = connector({ 'signal.enabled.channels': 'kafka', 'signal.kafka.topic': 's' });
  const kafka = { connection: { brokers: ['127.0.0.1:1'], clientId: 't' }, log: () => undefined };
  assert.throws(() => kafkaSignalsFor(config, { incremental: undefined, kafka, log: stages.log, blocking: () => undefined }), (error: unknown) => {
    assert.ok(error instanceof BinlogdError);
    assert.match(error.message, /signal\.data\.collection/);
    assert.match(error.message, /read\.only=true/);
    return true;
  });
});
