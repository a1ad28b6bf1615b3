import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { parseConnector, parseWorkerConfig, redactWorker } from '../../../src/config/index.js';
import { createLogger } from '../../../src/runtime/logger.js';

const SECRETS = ['s3cr3t-db', 'from-env-user', 'sasl-pw', 'registry-pw', 'bearer-tok', 'tls-key-pem', 'tls-pass'];

function capture(level = 'trace') {
  const lines: string[] = [];
  const destination = new Writable({ write(chunk, _enc, done) { lines.push(...chunk.toString().split('\n').filter(Boolean)); done(); } });
  return { logger: createLogger(level, { destination: destination as never }), lines };
}

function assertNoSecrets(lines: string[]): void {
  for (const line of lines) for (const secret of SECRETS) assert.ok(!line.includes(secret), `${secret} leaked in ${line}`);
}

const connector = parseConnector({
  name: 'inventory',
  config: {
    'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector',
    'database.hostname': 'db', 'database.port': '3306', 'database.server.id': '1', 'topic.prefix': 'p',
    'database.user': '${env:DB_USER}',
    'database.password': 's3cr3t-db',
  },
}, { env: { DB_USER: 'from-env-user' }, providers: { env: { type: 'env' } } }).config!;

const worker = parseWorkerConfig({
  kafka: { brokers: ['k:9092'], sasl: { mechanism: 'plain', username: 'u', password: 'sasl-pw' }, ssl: { key: 'tls-key-pem', passphrase: 'tls-pass' } },
  schemaRegistry: { url: 'http://r:8081', auth: { username: 'u', password: 'registry-pw' } },
  http: { authToken: 'bearer-tok' },
}, { env: {} }).config!;

test('connector configs logged whole or in part never show the password or resolved ${…} values', () => {
  assert.ok(connector && worker);
  const { logger, lines } = capture();
  logger.info({ config: connector }, 'whole config');
  logger.info({ database: { ...connector.database, user: 'u' } }, 'a typed section');
  logger.info({ config: { 'database.password': 's3cr3t-db', 'database.hostname': 'db' } }, 'a property map');
  logger.child({ connector: 'inventory', database: { ...connector.database, user: 'u' } }).warn('child bindings');
  assert.equal(lines.length, 4);
  assertNoSecrets(lines);
  const whole = JSON.parse(lines[0]!) as { config: { name: string; config: Record<string, string> } };
  assert.equal(whole.config.name, 'inventory');
  assert.equal(whole.config.config['database.password'], '[hidden]');
  assert.equal(whole.config.config['database.user'], '[hidden]');
  assert.equal(whole.config.config['database.hostname'], 'db', 'ordinary properties stay readable');
  assert.equal((JSON.parse(lines[1]!) as { database: Record<string, unknown> }).database['password'], '[hidden]');
  assert.equal((JSON.parse(lines[2]!) as { config: Record<string, string> }).config['database.hostname'], 'db');
});

test('worker credentials are hidden: SASL, registry auth, REST token, TLS key and passphrase', () => {
  const { logger, lines } = capture();
  logger.info({ worker }, 'unredacted worker (a mistake the logger still catches)');
  logger.info({ worker: redactWorker(worker) }, 'redacted worker');
  logger.info({ kafka: { sasl: worker.kafka.sasl } }, 'nested');
  logger.info({ headers: { Authorization: 'Bearer bearer-tok' } }, 'request headers');
  assertNoSecrets(lines);
  const logged = JSON.parse(lines[0]!) as { worker: { kafka: { brokers: string[]; sasl: { username: string } } } };
  assert.deepEqual(logged.worker.kafka.brokers, ['k:9092']);
  assert.equal(logged.worker.kafka.sasl.username, 'u');
});

test('log level filters and errors keep their message and code', () => {
  const { logger, lines } = capture('warn');
  logger.info('dropped');
  logger.warn({ err: Object.assign(new Error('boom'), { code: 'X' }) }, 'kept');
  assert.equal(lines.length, 1);
  const entry = JSON.parse(lines[0]!) as { level: number; msg: string; service: string; time: string; err: { message: string; code: string } };
  assert.equal(entry.msg, 'kept');
  assert.equal(entry.service, 'binlogd');
  assert.equal(entry.err.message, 'boom');
  assert.equal(entry.err.code, 'X');
  assert.match(entry.time, /^\d{4}-\d\d-\d\dT/);
});

test('BINLOGD_LOG_LEVEL overrides log.level', () => {
  const parsed = parseWorkerConfig({ kafka: { brokers: ['k:9092'] }, schemaRegistry: { url: 'http://r' }, log: { level: 'info' } }, { env: { BINLOGD_LOG_LEVEL: 'debug' } });
  assert.equal(parsed.config?.log.level, 'debug');
});
