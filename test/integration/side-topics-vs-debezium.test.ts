// Side topics and column mappers against Debezium itself: the same writes and DDL captured by
// binlogd and by the oracle with the same options (schema changes, transaction metadata,
// heartbeats, masking, hashing, truncation, source type propagation, truncate events, include.query),
// compared record by record, payloads and registered schemas. The server is shared with other
// tests, so only records about this test's tables (and transactions) are compared.
// Tables are declared the way SHOW CREATE TABLE prints them (`int(11)`), which is how Debezium
// reads a table it did not see created and how binlogd always reads tables (INFORMATION_SCHEMA).
// On every MariaDB line of the stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { captureWithDebezium, type DebeziumRecord } from '../oracle/debezium.js';
import { connectAsRoot } from '../support/mariadb.js';
import { mariadbLines, uniqueName, type MariaDbLine } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';
import { asJsonPayload, readAvroTopic, registeredSchema, type DecodedRecord } from '../support/avro-topic.js';
import { fromJsonConverterSchema, type JsonConverterSchema } from '../support/connect-from-json.js';
import { buildAvroSchema } from '../../src/serialize/avro-schema.js';

const DB = 'binlogd_test';

for (const server of mariadbLines()) {
  test(`${server.label}: schema changes, transactions, heartbeats, truncates and column mappers as Debezium writes them`, { timeout: 300_000 }, () => compareSideTopics(server));
}

async function compareSideTopics(server: MariaDbLine): Promise<void> {
  const db = await connectAsRoot(server.port);
  const n = { main: uniqueName('main'), second: uniqueName('second'), later: uniqueName('later'), other: uniqueName('other'), x1: uniqueName('x1'), x2: uniqueName('x2'),
    x3: uniqueName('x3'), x4: uniqueName('x4'), x5: uniqueName('x5'), db: uniqueName('db') };
  const t = (name: keyof typeof n) => `${DB}.${n[name]}`;
  const re = (name: keyof typeof n) => t(name).replace('.', '\\.');
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
  await db.query(`CREATE TABLE ${t('main')} (id int(11) NOT NULL AUTO_INCREMENT, name varchar(20) NOT NULL DEFAULT 'x' COMMENT 'the name',
    secret varchar(30) DEFAULT NULL, card char(16) DEFAULT NULL, h varchar(10) DEFAULT NULL, note text DEFAULT NULL,
    price decimal(10,2) DEFAULT NULL, e enum('a','b') DEFAULT 'a', d double DEFAULT NULL, PRIMARY KEY (id)) COMMENT='main table'`);
  await db.query(`CREATE TABLE ${t('second')} (a bigint(20) NOT NULL, b varchar(5) DEFAULT NULL, UNIQUE KEY ua (a))`);
  await db.query(`CREATE TABLE ${t('other')} (id int(11) NOT NULL, PRIMARY KEY (id))`);
  await db.query(`CREATE TABLE ${t('x1')} (id int(11)); CREATE TABLE ${t('x2')} (id int(11)); CREATE TABLE ${t('x3')} (id int(11) NOT NULL, UNIQUE KEY (id))`);
  const captured = [t('main'), t('second'), t('later')];
  const config: Record<string, string> = {
    'include.schema.changes': 'true',
    'provide.transaction.metadata': 'true',
    'heartbeat.interval.ms': '1000',
    'skipped.operations': 'none',
    'include.query': 'true',
    'column.mask.with.5.chars': `${re('main')}\\.secret`,
    'column.mask.hash.SHA-256.with.salt.CzQMA0cB5K': `${re('main')}\\.card`,
    'column.mask.hash.v2.MD5.with.salt.salty': `${re('main')}\\.h`,
    'column.truncate.to.4.chars': `${re('main')}\\.note`,
    'column.propagate.source.type': `${re('main')}\\.(name|price|e|id)`,
    'datatype.propagate.source.type': '.+\\.DOUBLE',
  };
  const prefix = uniqueName('bd');
  let uncapturedGtid = '';
  const binlogd = await startBinlogd({ name: prefix, config: { ...config, 'table.include.list': captured.map((c) => c.replace('.', '\\.')).join(','), 'topic.prefix': prefix, 'database.port': String(server.port) } });
  try {
    const capture = await captureWithDebezium({
      tables: captured,
      config,
      mariadbPort: server.port,
      topics: (p) => [p, `${p}.transaction`, `__debezium-heartbeat.${p}`],
      timeoutMs: 120_000,
      write: async () => {
        await db.query(`INSERT INTO ${t('main')} (name, secret, card, h, note, price, d) VALUES
          ('n1', 'topsecret', '1234567890123456', 'hashme', 'truncate me', 1.5, 2.5), ('n2', NULL, NULL, '', NULL, NULL, NULL)`);
        await db.query(`BEGIN; INSERT INTO ${t('second')} VALUES (1, 'x'), (2, 'y'); UPDATE ${t('main')} SET note = 'changed text' WHERE id = 1;
          INSERT INTO ${t('other')} VALUES (1); DELETE FROM ${t('main')} WHERE id = 2; INSERT INTO ${t('second')} VALUES (3, 'z'); COMMIT`);
        await db.query(`INSERT INTO ${t('other')} VALUES (2)`);
        // A transaction of an uncaptured table only: BEGIN and an END counting no event.
        const [rows] = await db.query('SELECT @@last_gtid AS gtid');
        uncapturedGtid = String((rows as Array<{ gtid: string }>)[0]!.gtid);
        await db.query(`ALTER TABLE ${t('main')} ADD COLUMN extra varchar(10) CHARACTER SET latin1 DEFAULT 'added' COMMENT 'c2' AFTER name`);
        await db.query(`INSERT INTO ${t('main')} (name, extra, secret) VALUES ('n3', 'e', 's')`);
        await db.query(`CREATE TABLE ${t('later')} (id int(11) NOT NULL, v varchar(8) DEFAULT 'z', PRIMARY KEY (id))`);
        await db.query(`INSERT INTO ${t('later')} VALUES (1, 'v')`);
        await db.query(`TRUNCATE TABLE ${t('second')}`);
        await db.query(`DROP TABLE ${t('x1')}, ${t('x2')}`);
        await db.query(`CREATE INDEX ix ON ${t('main')} (price)`);
        await db.query(`RENAME TABLE ${t('x3')} TO ${t('x4')}, ${t('x4')} TO ${t('x5')}`);
        await db.query(`CREATE DATABASE ${n.db}; ALTER DATABASE ${n.db} CHARACTER SET latin1; DROP DATABASE ${n.db}`);
        await new Promise((resolve) => setTimeout(resolve, 2500)); // a heartbeat or two
      },
    });
    const rename = <T>(value: T): T => JSON.parse(JSON.stringify(value).replaceAll(capture.topicPrefix, prefix)) as T;
    const theirs = capture.records.map(rename);
    const mine = (text: string) => Object.values(n).some((name) => text.includes(name));

    // Change records of the captured tables, truncate included, with mapped columns and queries.
    const gtids = new Set<string>();
    for (const table of captured) {
      const expected = theirs.filter((r) => r.topic === `${prefix}.${table}`);
      const actual = await readAvroTopic(`${prefix}.${table}`, expected.length);
      assert.equal(actual.length, expected.length, `${table}: record count`);
      for (let i = 0; i < expected.length; i++) {
        const where = `${table} record ${i}`;
        await compareRecord(where, actual[i]!, expected[i]!, (v) => ({ ...v, ts_ms: 0, ts_us: 0, ts_ns: 0, source: { ...v['source'], version: '' } }));
        const gtid = (expected[i]!.value?.payload as { source?: { gtid?: string } } | undefined)?.source?.gtid;
        if (gtid) gtids.add(gtid);
      }
    }

    // Schema changes of this test's tables (after Debezium's own snapshot of the schema).
    const expectedChanges = theirs.filter((r) => r.topic === prefix && r.value?.payload.source.snapshot === 'false' && mine(r.value.payload.ddl));
    assert.equal(expectedChanges.length, 10, `Debezium wrote ${expectedChanges.length} schema changes`);
    const actualChanges = await readMatching(prefix, (r) => mine(String((r.value as { ddl?: string }).ddl)), expectedChanges.length);
    for (let i = 0; i < expectedChanges.length; i++) {
      await compareRecord(`schema change ${i} (${expectedChanges[i]!.value!.payload.ddl})`, actualChanges[i]!, expectedChanges[i]!,
        (v) => ({ ...v, ts_ms: 0, source: { ...v['source'], version: '' } }));
      gtids.add(expectedChanges[i]!.value!.payload.source.gtid);
    }

    // BEGIN/END of the transactions that wrote them.
    gtids.add(uncapturedGtid);
    const isOurs = (id: unknown) => gtids.has(String(id));
    const expectedTx = theirs.filter((r) => r.topic === `${prefix}.transaction` && isOurs(r.key?.payload.id));
    const withoutXid = new Set(expectedChanges.map((r) => r.value!.payload.source.gtid)).size + 1;
    assert.deepEqual(expectedTx.map((r) => r.value!.payload.status).sort(), [...Array(gtids.size).fill('BEGIN'), ...Array(gtids.size - withoutXid).fill('END')].sort(),
      'a BEGIN per transaction; an END for each but the DDL statements and the TRUNCATE (no XID)');
    const actualTx = await readMatching(`${prefix}.transaction`, (r) => isOurs((r.key as { id: string }).id), expectedTx.length);
    for (let i = 0; i < expectedTx.length; i++) await compareRecord(`transaction record ${i}`, actualTx[i]!, expectedTx[i]!, (v) => v);

    // Heartbeats: the same key and schemas.
    const expectedBeat = theirs.find((r) => r.topic === `__debezium-heartbeat.${prefix}`);
    assert.ok(expectedBeat, 'Debezium wrote heartbeats');
    const [beat] = await readAvroTopic(`__debezium-heartbeat.${prefix}`, 1);
    await compareRecord('heartbeat', beat!, expectedBeat, (v) => ({ ...v, ts_ms: 0 }));
  } finally {
    const code = await binlogd.stop();
    if (code !== 0) console.error(JSON.stringify(binlogd.logs.slice(-8), null, 1), binlogd.stderr.join(''));
    await db.query(`DROP TABLE IF EXISTS ${[...captured, t('other'), t('x1'), t('x2'), t('x3'), t('x5')].join(', ')}; DROP DATABASE IF EXISTS ${n.db}`);
    await db.end();
    assert.equal(code, 0, 'binlogd exits 0 on SIGTERM');
  }
}

/** Key, value (after `normalize` on both sides), registered schemas and headers (but the run id). */
async function compareRecord(where: string, ours: DecodedRecord, theirs: DebeziumRecord, normalize: (v: Record<string, any>) => unknown): Promise<void> {
  assert.ok(ours, `${where}: binlogd wrote it`);
  assert.deepEqual(asJsonPayload(ours.key), theirs.key?.payload ?? null, `${where}: key`);
  if (theirs.key) assert.deepEqual(JSON.parse(await registeredSchema(ours.keySchemaId!)), avroFor(theirs.key.schema), `${where}: key schema`);
  if (!theirs.value) {
    assert.equal(ours.value, null, `${where}: tombstone`);
  } else {
    assert.deepEqual(normalize(asJsonPayload(ours.value) as Record<string, any>), normalize(theirs.value.payload), `${where}: value`);
    assert.deepEqual(JSON.parse(await registeredSchema(ours.valueSchemaId!)), avroFor(theirs.value.schema), `${where}: value schema`);
  }
  const headers = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== '__debezium.context.runId'));
  assert.deepEqual(headers(ours.headers), headers(theirs.headers), `${where}: headers`);
}

/** The records of a shared topic that `mine` selects, once `count` of them arrived. */
async function readMatching(topic: string, mine: (r: DecodedRecord) => boolean, count: number): Promise<DecodedRecord[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const records = (await readAvroTopic(topic, 1)).filter((r) => r.value !== null && mine(r));
    if (records.length >= count || Date.now() > deadline) return records;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function avroFor(schema: unknown): unknown {
  return buildAvroSchema(fromJsonConverterSchema(schema as JsonConverterSchema)).json;
}
