// binlogd against a Kafka broker set up the way production ones are (test/stack/secure-kafka.sh):
// TLS with a private CA, SASL/SCRAM-SHA-512, mutual TLS, and an authorizer that allows nothing an
// ACL does not grant. binlogd's principal holds exactly the ACLs docs/security.md lists; with one
// removed the connector fails naming the permission; a wrong password and an unknown CA fail clearly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs, { type Kafka } from 'kafkajs';
import { startBinlogd, type BinlogdProcess } from '../support/binlogd-process.js';
import { connectAsRoot } from '../support/mariadb.js';
import { inState, waitForStatus } from '../support/rest-client.js';
import { MTLS_PRINCIPAL, SECURE_KAFKA_USERS, startSecureKafka, type SecureKafka } from '../support/secure-kafka.js';
import { uniqueName } from '../support/stack-env.js';

const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;
type AclOperationTypes = kafkajs.AclOperationTypes;
type AclResourceTypes = kafkajs.AclResourceTypes;
type ResourcePatternTypes = kafkajs.ResourcePatternTypes;

const DB = 'binlogd_security';
const CLIENT_ID = 'binlogd';

interface Acl {
  resourceType: AclResourceTypes;
  resourceName: string;
  resourcePatternType: ResourcePatternTypes;
  operation: AclOperationTypes;
  /** `<resource type>:<name>:<operation>`, as docs/security.md lists it. */
  label: string;
}

/** Each connector its own offsets topic here, so that each case's ACLs are its own. */
const offsetsTopic = (name: string): string => `${name}-offsets`;

/** The ACLs docs/security.md lists for a connector `name` writing topics under `prefix`. */
function binlogdAcls(name: string, prefix: string): Acl[] {
  const acl = (type: 'TOPIC' | 'TRANSACTIONAL_ID' | 'GROUP', resourceName: string, pattern: ResourcePatternTypes, operations: Array<keyof typeof AclOperationTypes>): Acl[] =>
    operations.map((op) => ({ resourceType: AclResourceTypes[type], resourceName, resourcePatternType: pattern, operation: AclOperationTypes[op], label: `${type}:${resourceName}:${op}` }));
  return [
    ...acl('TOPIC', prefix, ResourcePatternTypes.PREFIXED, ['CREATE', 'WRITE', 'DESCRIBE']),
    ...acl('TOPIC', offsetsTopic(name), ResourcePatternTypes.LITERAL, ['CREATE', 'READ', 'WRITE', 'DESCRIBE', 'DESCRIBE_CONFIGS']),
    ...acl('TRANSACTIONAL_ID', `binlogd-${name}`, ResourcePatternTypes.LITERAL, ['WRITE', 'DESCRIBE']),
    ...acl('GROUP', `${CLIENT_ID}-reader-`, ResourcePatternTypes.PREFIXED, ['READ']),
  ];
}

async function grant(kafka: Kafka, principal: string, acls: readonly Acl[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createAcls({
      acl: acls.map(({ label: _label, ...acl }) => ({ ...acl, principal, host: '*', permissionType: AclPermissionTypes.ALLOW })),
    });
  } finally {
    await admin.disconnect();
  }
}

async function countRecords(kafka: Kafka, topic: string, expected: number): Promise<number> {
  // binlogd creates its topics (the broker does not auto-create); a consumer that asks before the
  // new partition has a leader is told it does not exist: ask again.
  for (let attempt = 1; ; attempt++) {
    const consumer = kafka.consumer({ groupId: uniqueName('security-check') });
    let count = 0;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ eachMessage: async () => { count += 1; } });
      for (let i = 0; i < 150 && count < expected; i++) await new Promise((resolve) => setTimeout(resolve, 200));
      return count;
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      await consumer.disconnect();
    }
  }
}

async function withTable(run: (table: string, name: string) => Promise<void>): Promise<void> {
  const db = await connectAsRoot();
  const name = uniqueName('sec');
  const table = `${DB}.${name}`;
  try {
    await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${table} (id INT PRIMARY KEY, v VARCHAR(20))`);
    await run(table, name);
  } finally {
    await db.end();
  }
}

async function insertRows(table: string, count: number): Promise<void> {
  const db = await connectAsRoot();
  try {
    for (let i = 1; i <= count; i++) await db.query(`INSERT INTO ${table} VALUES (${i}, 'row ${i}')`);
  } finally {
    await db.end();
  }
}

function connectorConfig(table: string, name: string): Record<string, string> {
  return { 'topic.prefix': name, 'table.include.list': table.replace('.', '\\.'), 'snapshot.mode': 'no_data' };
}

test('Kafka with TLS, SASL/SCRAM-SHA-512, mutual TLS and ACLs', { timeout: 420_000 }, async (t) => {
  const kafka: SecureKafka = await startSecureKafka();
  const daemons: BinlogdProcess[] = [];
  const start = async (name: string, table: string, kafkaSettings: Record<string, unknown>, brokers: string[]) => {
    const daemon = await startBinlogd({
      name, config: connectorConfig(table, name), kafkaBrokers: brokers, readyMessage: /^REST API listening/,
      worker: { kafka: { brokers, clientId: CLIENT_ID, ...kafkaSettings }, offsets: { topic: offsetsTopic(name) } },
    });
    daemons.push(daemon);
    return daemon;
  };
  const sasl = (password: string) => ({ ssl: { ca: kafka.ca }, sasl: { mechanism: 'scram-sha-512', username: SECURE_KAFKA_USERS.binlogd.username, password } });
  try {
    await t.test('SASL_SSL with the listed ACLs: every row arrives', () => withTable(async (table, name) => {
      await grant(kafka.admin(), `User:${SECURE_KAFKA_USERS.binlogd.username}`, binlogdAcls(name, name));
      const daemon = await start(name, table, sasl(SECURE_KAFKA_USERS.binlogd.password), kafka.saslBrokers);
      await waitForStatus(daemon.url, name, inState('RUNNING'));
      await insertRows(table, 5);
      assert.equal(await countRecords(kafka.admin(), `${name}.${table}`, 5), 5);
    }));

    await t.test('mutual TLS with the listed ACLs for the certificate principal: every row arrives', () => withTable(async (table, name) => {
      await grant(kafka.admin(), MTLS_PRINCIPAL, binlogdAcls(name, name));
      const daemon = await start(name, table, { ssl: { ca: kafka.ca, cert: kafka.clientCert, key: kafka.clientKey } }, kafka.mtlsBrokers);
      await waitForStatus(daemon.url, name, inState('RUNNING'));
      await insertRows(table, 3);
      assert.equal(await countRecords(kafka.admin(), `${name}.${table}`, 3), 3);
    }));

    const resourceWords = { TOPIC: 'Topic ACL', TRANSACTIONAL_ID: 'TransactionalId ACL', GROUP: 'Group ACL' } as const;
    for (const missing of ['TRANSACTIONAL_ID:WRITE', 'TOPIC:CREATE', 'TOPIC:DESCRIBE_CONFIGS']) {
      await t.test(`one ACL missing (${missing}): FAILED, naming the permission`, () => withTable(async (table, name) => {
        const all = binlogdAcls(name, name);
        const [resource, operation] = missing.split(':') as [keyof typeof resourceWords, string];
        const removed = all.find((acl) => acl.label.startsWith(`${resource}:`) && acl.label.endsWith(`:${operation}`))!;
        await grant(kafka.admin(), `User:${SECURE_KAFKA_USERS.binlogd.username}`, all.filter((acl) => acl !== removed));
        const daemon = await start(name, table, sasl(SECURE_KAFKA_USERS.binlogd.password), kafka.saslBrokers);
        await insertRows(table, 1);
        const status = await waitForStatus(daemon.url, name, inState('FAILED'), { timeoutMs: 60_000 });
        const trace = String(status.connector.trace);
        assert.ok(trace.includes(resourceWords[resource]), `trace names the ${resource} ACL: ${trace}`);
        assert.ok(trace.includes(operation), `trace names the operation ${operation}: ${trace}`);
      }));
    }

    await t.test('the Group ACL missing at a restart (reading the stored offsets): FAILED, naming it', () => withTable(async (table, name) => {
      const all = binlogdAcls(name, name);
      const principal = `User:${SECURE_KAFKA_USERS.binlogd.username}`;
      await grant(kafka.admin(), principal, all);
      const first = await start(name, table, sasl(SECURE_KAFKA_USERS.binlogd.password), kafka.saslBrokers);
      await waitForStatus(first.url, name, inState('RUNNING'));
      await insertRows(table, 2);
      assert.equal(await countRecords(kafka.admin(), `${name}.${table}`, 2), 2);
      assert.equal(await first.stop(), 0);
      const group = all.find((acl) => acl.label.startsWith('GROUP:'))!;
      const admin = kafka.admin().admin();
      await admin.connect();
      try {
        await admin.deleteAcls({ filters: [{ resourceType: group.resourceType, resourceName: group.resourceName, resourcePatternType: group.resourcePatternType,
          principal, host: '*', operation: group.operation, permissionType: AclPermissionTypes.ALLOW }] });
      } finally {
        await admin.disconnect();
      }
      const second = await start(name, table, sasl(SECURE_KAFKA_USERS.binlogd.password), kafka.saslBrokers);
      const status = await waitForStatus(second.url, name, inState('FAILED'), { timeoutMs: 60_000 });
      const trace = String(status.connector.trace);
      assert.ok(trace.includes('Group ACL') && trace.includes('READ'), trace);
    }));

    await t.test('a wrong SASL password: FAILED, naming the SASL settings, never the password', () => withTable(async (table, name) => {
      const daemon = await start(name, table, sasl('not-the-password-5e1'), kafka.saslBrokers);
      const status = await waitForStatus(daemon.url, name, inState('FAILED'), { timeoutMs: 90_000 });
      const trace = String(status.connector.trace);
      assert.match(trace, /SASL/, trace);
      assert.match(trace, /kafka\.sasl/, trace);
      assert.ok(!trace.includes('not-the-password-5e1'));
    }));

    await t.test('a broker certificate from an unknown CA: FAILED, naming kafka.ssl.ca', () => withTable(async (table, name) => {
      const daemon = await start(name, table, { ssl: true, sasl: sasl(SECURE_KAFKA_USERS.binlogd.password).sasl }, kafka.saslBrokers);
      const status = await waitForStatus(daemon.url, name, (s) => s?.connector?.state === 'FAILED' || /certificate/i.test(String(s?.connector?.trace ?? '')), { timeoutMs: 90_000 });
      const trace = String(status.connector.trace);
      assert.match(trace, /certificate/i, trace);
      assert.match(trace, /kafka\.ssl\.ca/, trace);
    }));
  } finally {
    await Promise.all(daemons.map((d) => d.stop()));
    await kafka.down();
  }
});
