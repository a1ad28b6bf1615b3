// The REST API of a running daemon on the real stack: every route with its success and error
// answers in Kafka Connect's shapes, secrets never shown, one failing connector not affecting
// another, delete and re-create, and bearer-token auth on and off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectAsRoot } from '../support/mariadb.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { connectorDefaults, startBinlogd, type BinlogdProcess } from '../support/binlogd-process.js';
import { asJsonPayload, readAvroTopic } from '../support/avro-topic.js';
import { inState, rest, waitForStatus } from '../support/rest-client.js';
import { withKafkaAdmin } from '../support/kafka-admin.js';

const DB = 'binlogd_test';
const PASSWORD_REFERENCE = '${env:BINLOGD_TEST_DB_PASSWORD}';

function errorShape(answer: { status: number; body: any }, status: number, message?: RegExp): void {
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  assert.deepEqual(Object.keys(answer.body).sort(), ['error_code', 'message']);
  assert.equal(answer.body.error_code, status);
  if (message) assert.match(answer.body.message, message);
}

test('every REST route, success and error cases, against a running daemon', { timeout: 240_000 }, async (t) => {
  const env = loadStackEnv();
  const db = await connectAsRoot();
  const name = uniqueName('rest');
  const table = `${DB}.${name}`;
  const topic = `${name}.${table}`;
  await db.query(`CREATE DATABASE IF NOT EXISTS ${DB}; CREATE TABLE ${table} (id INT PRIMARY KEY, v VARCHAR(20))`);
  const config = {
    ...connectorDefaults(),
    'database.password': PASSWORD_REFERENCE,
    'topic.prefix': name,
    'table.include.list': table.replace('.', '\\.'),
    'snapshot.mode': 'no_data',
  };
  const daemon: BinlogdProcess = await startBinlogd({
    name, worker: { configProviders: { env: { type: 'env', allowlist: ['BINLOGD_TEST_DB_PASSWORD'] } } }, env: { BINLOGD_TEST_DB_PASSWORD: env.mariadb.password },
  });
  const api = daemon.url;
  const answers: string[] = [];
  const call = async (method: string, path: string, options: { body?: unknown; raw?: string } = {}) => {
    const answer = await rest(api, method, path, options);
    answers.push(answer.text);
    return answer;
  };
  // A record is readable once committed; the daemon learns of it from the acknowledgement just after.
  const activeTopics = async (expected: string[]) => {
    let body = (await call('GET', `/connectors/${name}/topics`)).body;
    for (let i = 0; i < 100 && !expected.every((t) => body[name]?.topics.includes(t)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      body = (await call('GET', `/connectors/${name}/topics`)).body;
    }
    return body;
  };
  try {
    await t.test('worker routes: /, /health, /connector-plugins, /connectors', async () => {
      const root = await call('GET', '/');
      assert.equal(root.status, 200);
      assert.deepEqual(Object.keys(root.body).sort(), ['commit', 'kafka_cluster_id', 'version']);
      // Looked up in the background on first ask; the broker's own id once known.
      const expected = await withKafkaAdmin({ brokers: env.kafkaBrokers, clientId: 'rest-cluster-id' }, (admin) => admin.clusterId());
      let clusterId: unknown = root.body.kafka_cluster_id;
      for (let i = 0; i < 100 && clusterId !== expected; i++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        clusterId = (await call('GET', '/')).body.kafka_cluster_id;
      }
      assert.equal(clusterId, expected);
      const health = await call('GET', '/health');
      assert.equal(health.status, 200);
      assert.equal(health.body.status, 'healthy');
      const plugins = await call('GET', '/connector-plugins');
      assert.deepEqual(plugins.body.map((p: any) => [p.class, p.type]), [['io.debezium.connector.mariadb.MariaDbConnector', 'source']]);
      assert.deepEqual((await call('GET', '/connectors')).body, []);
      const definitions = await call('GET', '/connector-plugins/io.debezium.connector.mariadb.MariaDbConnector/config');
      const port = definitions.body.find((d: any) => d.name === 'database.port');
      assert.deepEqual([port.type, port.default_value], ['INT', '3306']);
      assert.equal(definitions.body.find((d: any) => d.name === 'database.password').type, 'PASSWORD');
      errorShape(await call('GET', '/connector-plugins/FileStreamSource/config'), 404, /Unknown plugin FileStreamSource/);
      const invalid = await call('PUT', '/connector-plugins/MariaDbConnector/config/validate', { body: { ...config, name, 'database.port': 'abc' } });
      assert.equal(invalid.body.error_count, 1);
      const portValue = invalid.body.configs.find((c: any) => c.definition.name === 'database.port').value;
      assert.deepEqual([portValue.value, portValue.errors.length], ['abc', 1]);
      assert.equal(invalid.body.configs.find((c: any) => c.definition.name === 'database.password').value.value, PASSWORD_REFERENCE);
      assert.equal((await call('PUT', '/connector-plugins/MariaDbConnector/config/validate', { body: { ...config, name } })).body.error_count, 0);
      errorShape(await call('GET', '/nothing'), 404, /HTTP 404 Not Found/);
      errorShape(await call('DELETE', '/connectors'), 405, /HTTP 405 Method Not Allowed/);
    });

    await t.test('POST /connectors: malformed JSON 500 as Connect, bad bodies 400 with every problem, then 201 and 409', async () => {
      errorShape(await call('POST', '/connectors', { raw: '{"name": "x", ' }), 500, /not valid JSON/);
      errorShape(await call('POST', '/connectors', { body: [1, 2] }), 400, /expected a JSON object/);
      errorShape(await call('POST', '/connectors', { body: { name: name, config: { ...config, 'database.port': 'abc', 'topic.prefix': '' } } }), 400,
        /Connector configuration is invalid and contains the following 2 error\(s\):\n.*database\.port.*\n.*topic\.prefix/);
      errorShape(await call('POST', '/connectors', { body: { name, config, initial_state: 'SLEEPING' } }), 400, /initial_state must be RUNNING, PAUSED or STOPPED/);
      const created = await call('POST', '/connectors', { body: { name, config } });
      assert.equal(created.status, 201, created.text);
      assert.deepEqual(created.body.tasks, [{ connector: name, task: 0 }]);
      assert.equal(created.body.type, 'source');
      assert.equal(created.body.config['database.password'], PASSWORD_REFERENCE, 'the reference is shown, never the secret');
      errorShape(await call('POST', '/connectors', { body: { name, config } }), 409, new RegExp(`Connector ${name} already exists`));
    });

    await t.test('status RUNNING with one task and this worker\'s id; records flow', async () => {
      const status = await waitForStatus(api, name, inState('RUNNING'));
      const workerId = `127.0.0.1:${new URL(api).port}`;
      assert.deepEqual(status, { name, connector: { state: 'RUNNING', worker_id: workerId }, tasks: [{ id: 0, state: 'RUNNING', worker_id: workerId }], type: 'source' });
      await db.query(`INSERT INTO ${table} VALUES (1, 'one'), (2, 'two')`);
      assert.equal((await readAvroTopic(topic, 2, 60_000)).length, 2);
      const task = await call('GET', `/connectors/${name}/tasks/0/status`);
      assert.deepEqual(task.body, { id: 0, state: 'RUNNING', worker_id: workerId });
      errorShape(await call('GET', `/connectors/${name}/tasks/1/status`), 404, new RegExp(`No status found for task ${name}-1`));
    });

    await t.test('KIP-558 active topics: the topics written (not the offsets topic); reset 202 empties them', async () => {
      // The table's topic, and the schema change topic when some DDL (other tests') was streamed;
      // never the offsets topic.
      const written: string[] = (await activeTopics([topic]))[name].topics;
      assert.ok(written.includes(topic), JSON.stringify(written));
      assert.deepEqual(written.filter((t) => t !== topic && t !== name), [], JSON.stringify(written));
      const reset = await call('PUT', `/connectors/${name}/topics/reset`);
      assert.equal(reset.status, 202);
      assert.deepEqual((await call('GET', `/connectors/${name}/topics`)).body, { [name]: { topics: [] } });
      // The next write adds it again: checked after the delete of the next test.
    });

    await t.test('GET info, config, tasks and the expanded list', async () => {
      const info = await call('GET', `/connectors/${name}`);
      assert.equal(info.body.name, name);
      assert.equal(info.body.config['topic.prefix'], name);
      const shown = await call('GET', `/connectors/${name}/config`);
      assert.equal(shown.body['database.password'], PASSWORD_REFERENCE);
      assert.equal(shown.body['name'], name);
      const tasks = await call('GET', `/connectors/${name}/tasks`);
      assert.deepEqual(tasks.body.map((task: any) => task.id), [{ connector: name, task: 0 }]);
      const expanded = await call('GET', '/connectors?expand=status&expand=info');
      assert.equal(expanded.body[name].status.connector.state, 'RUNNING');
      assert.equal(expanded.body[name].info.config['database.password'], PASSWORD_REFERENCE);
      const onlyStatus = await call('GET', '/connectors?expand=status');
      assert.deepEqual(Object.keys(onlyStatus.body[name]), ['status']);
    });

    await t.test('unknown connectors are 404 on every route', async () => {
      for (const [method, path] of [['GET', ''], ['GET', '/status'], ['GET', '/config'], ['PUT', '/pause'], ['PUT', '/resume'], ['PUT', '/stop'],
        ['POST', '/restart'], ['GET', '/offsets'], ['DELETE', '/offsets'], ['DELETE', ''], ['GET', '/tasks'], ['GET', '/topics'], ['PUT', '/topics/reset']] as const) {
        errorShape(await call(method, `/connectors/nope_${name}${path}`), 404, new RegExp(`Connector nope_${name} not found`));
      }
    });

    await t.test('a failing connector is FAILED with its trace and does not disturb the other', async () => {
      const broken = `${name}_broken`;
      const created = await call('PUT', `/connectors/${broken}/config`, { body: { ...config, 'topic.prefix': broken, 'database.port': '1', 'errors.max.retries': '0' } });
      assert.equal(created.status, 201, created.text);
      const status = await waitForStatus(api, broken, inState('FAILED'));
      assert.match(status.connector.trace, /SOURCE_UNREACHABLE: cannot reach MariaDB at 127\.0\.0\.1:1/);
      assert.equal(status.tasks[0].state, 'FAILED');
      assert.match(status.tasks[0].trace, /SOURCE_UNREACHABLE/);
      assert.equal((await call('GET', `/connectors/${name}/status`)).body.connector.state, 'RUNNING');
      const restart = await call('POST', `/connectors/${broken}/restart?includeTasks=true&onlyFailed=true`);
      assert.equal(restart.status, 202);
      assert.equal(restart.body.connector.state, 'RESTARTING');
      errorShape(await call('POST', `/connectors/${broken}/restart?onlyFailed=maybe`), 400, /onlyFailed must be true or false/);
      await waitForStatus(api, broken, inState('FAILED'));
      assert.equal((await call('DELETE', `/connectors/${broken}`)).status, 204);
    });

    await t.test('PUT config: 200 updates (new session), name mismatch 400, invalid 400', async () => {
      errorShape(await call('PUT', `/connectors/${name}/config`, { body: { ...config, name: 'other' } }), 400, /Connector name configuration \(other\) doesn't match connector name in the URL/);
      errorShape(await call('PUT', `/connectors/${name}/config`, { body: { ...config, 'database.server.id': '-5' } }), 400, /database\.server\.id/);
      errorShape(await call('PUT', `/connectors/${name}/config`, { raw: '' }), 400, /needs a JSON body/);
      const updated = await call('PUT', `/connectors/${name}/config`, { body: { ...config, 'tombstones.on.delete': 'false' } });
      assert.equal(updated.status, 200, updated.text);
      assert.equal(updated.body.config['tombstones.on.delete'], 'false');
      await waitForStatus(api, name, inState('RUNNING'));
      await db.query(`DELETE FROM ${table} WHERE id = 2`);
      const records = await readAvroTopic(topic, 3, 60_000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.equal((await readAvroTopic(topic, 3, 60_000)).length, 3, 'no tombstone after the delete: the new config applies');
      assert.ok((await activeTopics([topic]))[name].topics.includes(topic), 'written again after the reset');
      assert.equal((records[2]!.value as { op: string }).op, 'd');
    });

    await t.test('offsets: 400 unless STOPPED; GET/PATCH/DELETE in KIP-875 shapes', async () => {
      errorShape(await call('PATCH', `/connectors/${name}/offsets`, { body: { offsets: [] } }), 400, /must be in the STOPPED state/);
      errorShape(await call('DELETE', `/connectors/${name}/offsets`), 400, /must be in the STOPPED state .*\/connectors\/.*\/stop/);
      assert.equal((await call('PUT', `/connectors/${name}/stop`)).status, 204);
      const stopped = await waitForStatus(api, name, inState('STOPPED'));
      assert.deepEqual(stopped.tasks, []);
      assert.deepEqual((await call('GET', `/connectors/${name}`)).body.tasks, []);
      const offsets = await call('GET', `/connectors/${name}/offsets`);
      assert.equal(offsets.status, 200);
      assert.equal(offsets.body.offsets.length, 1);
      assert.deepEqual(offsets.body.offsets[0].partition, { server: name });
      const stored = offsets.body.offsets[0].offset;
      assert.match(stored.gtids, /^\d+-\d+-\d+/);
      errorShape(await call('PATCH', `/connectors/${name}/offsets`, { body: {} }), 400, /Partitions \/ offsets need to be provided/);
      errorShape(await call('PATCH', `/connectors/${name}/offsets`, { raw: '{oops' }), 500, /not valid JSON/);
      errorShape(await call('PATCH', `/connectors/${name}/offsets`, { body: { offsets: [{ partition: { server: 'elsewhere' }, offset: stored }] } }), 400, /unknown source partition/);
      errorShape(await call('PATCH', `/connectors/${name}/offsets`, { body: { offsets: [{ partition: { server: name }, offset: { file: 'x', pos: 4 } }] } }), 400, /no "gtids"/);
      const altered = await call('PATCH', `/connectors/${name}/offsets`, { body: { offsets: [{ partition: { server: name }, offset: { ...stored, ts_sec: 1 } }] } });
      assert.deepEqual(altered.body, { message: 'The offsets for this connector have been altered successfully' });
      assert.equal((await call('GET', `/connectors/${name}/offsets`)).body.offsets[0].offset.ts_sec, 1);
      const reset = await call('DELETE', `/connectors/${name}/offsets`);
      assert.deepEqual(reset.body, { message: 'The offsets for this connector have been reset successfully' });
      assert.deepEqual((await call('GET', `/connectors/${name}/offsets`)).body, { offsets: [] });
      // Put it back so the resumed connector continues where it stopped.
      assert.equal((await call('PATCH', `/connectors/${name}/offsets`, { body: { offsets: [{ partition: { server: name }, offset: stored }] } })).status, 200);
    });

    await t.test('resume from STOPPED continues from the stored offset; restart 204', async () => {
      await db.query(`INSERT INTO ${table} VALUES (3, 'three')`);
      assert.equal((await call('PUT', `/connectors/${name}/resume`)).status, 202);
      await waitForStatus(api, name, inState('RUNNING'));
      const records = await readAvroTopic(topic, 4, 60_000);
      assert.deepEqual(records.map((r) => (asJsonPayload(r.key) as { id: number }).id), [1, 2, 2, 3]);
      assert.equal((await call('POST', `/connectors/${name}/restart`)).status, 204);
      assert.equal((await call('GET', `/connectors/${name}/status`)).body.connector.state, 'RUNNING');
      assert.equal((await call('POST', `/connectors/${name}/tasks/0/restart`)).status, 204);
    });

    await t.test('/metrics: connector up and state series', async () => {
      await waitForStatus(api, name, inState('RUNNING'));
      const metrics = await rest(api, 'GET', '/metrics');
      assert.equal(metrics.status, 200);
      assert.match(metrics.headers.get('content-type') ?? '', /text\/plain/);
      assert.match(metrics.text, new RegExp(`binlogd_connector_up\\{connector="${name}"\\} 1`));
      assert.match(metrics.text, new RegExp(`binlogd_connector_state\\{connector="${name}",state="RUNNING"\\} 1`));
      assert.match(metrics.text, new RegExp(`binlogd_connector_state\\{connector="${name}",state="FAILED"\\} 0`));
      assert.doesNotMatch(metrics.text, new RegExp(`binlogd_connector_(up|state)\\{connector="${name}_broken"`), 'a deleted connector\'s series are gone');
    });

    await t.test('DELETE and re-create: the new connector continues from the stored offset', async () => {
      assert.equal((await call('DELETE', `/connectors/${name}`)).status, 204);
      errorShape(await call('GET', `/connectors/${name}/status`), 404);
      assert.deepEqual((await call('GET', '/connectors')).body, []);
      await db.query(`INSERT INTO ${table} VALUES (4, 'four')`);
      const again = await call('POST', '/connectors', { body: { name, config } });
      assert.equal(again.status, 201, again.text);
      await waitForStatus(api, name, inState('RUNNING'));
      await db.query(`INSERT INTO ${table} VALUES (5, 'five')`);
      const records = await readAvroTopic(topic, 6, 60_000);
      assert.deepEqual(records.map((r) => (asJsonPayload(r.key) as { id: number }).id), [1, 2, 2, 3, 4, 5], 'nothing lost or repeated');
    });

    await t.test('no answer ever held the resolved password', () => {
      for (const text of answers) assert.doesNotMatch(text, /"database\.password":"(?!\$\{env:)/, text);
    });
  } finally {
    assert.equal(await daemon.stop(), 0, 'SIGTERM: clean exit');
    await db.query(`DROP TABLE IF EXISTS ${table}`);
    await db.end();
  }
});

test('token auth (bearer or HTTP Basic): 401 without or with a wrong token, everything with it; /health open', { timeout: 60_000 }, async () => {
  const token = `t-${uniqueName('tok')}`;
  const daemon = await startBinlogd({ name: uniqueName('auth'), worker: { http: { authToken: '${env:BINLOGD_TEST_TOKEN}' } }, env: { BINLOGD_TEST_TOKEN: token } });
  try {
    const none = await rest(daemon.url, 'GET', '/connectors');
    errorShape(none, 401, /requires a token: send "Authorization: Bearer <token>", or HTTP Basic with the token as the password/);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
    errorShape(await rest(daemon.url, 'GET', '/connectors', { token: 'wrong' }), 401, /not the one/);
    errorShape(await rest(daemon.url, 'GET', '/metrics'), 401);
    errorShape(await rest(daemon.url, 'POST', '/connectors', { body: {} }), 401);
    assert.equal((await rest(daemon.url, 'GET', '/connectors', { token })).status, 200);
    assert.equal((await rest(daemon.url, 'GET', '/metrics', { token })).status, 200);
    const basic = (password: string) => ({ headers: { Authorization: `Basic ${Buffer.from(`kcctl:${password}`).toString('base64')}` } });
    assert.equal((await fetch(`${daemon.url}/connectors`, basic(token))).status, 200, 'HTTP Basic with the token as the password');
    assert.equal((await fetch(`${daemon.url}/connectors`, basic('wrong'))).status, 401);
    assert.equal((await rest(daemon.url, 'GET', '/health')).status, 200);
    assert.ok(!JSON.stringify(daemon.logs).includes(token), 'the token never reaches the log');
  } finally {
    assert.equal(await daemon.stop(), 0);
  }
  const open = await startBinlogd({ name: uniqueName('noauth') });
  try {
    assert.equal((await rest(open.url, 'GET', '/connectors')).status, 200, 'no token configured: open');
  } finally {
    assert.equal(await open.stop(), 0);
  }
});
