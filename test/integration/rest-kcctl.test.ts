// A Connect client's session, with the request bodies exactly as the Kafka Connect and Debezium
// documentation show them (only hosts and names changed for the local stack), and the calls kcctl
// makes for info, get, apply, describe, pause/resume/restart/stop, offsets and delete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectAsRoot } from '../support/mariadb.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';
import { startBinlogd } from '../support/binlogd-process.js';
import { readAvroTopic } from '../support/avro-topic.js';
import { inState, rest, waitForStatus } from '../support/rest-client.js';

test('a kcctl-style session with the JSON from the Connect and Debezium docs', { timeout: 180_000 }, async () => {
  const env = loadStackEnv();
  const db = await connectAsRoot();
  const suffix = uniqueName('kc');
  const database = `inv_${suffix}`;
  const name = `inventory-connector-${suffix}`;
  const prefix = `dbserver1_${suffix}`;
  await db.query(`CREATE DATABASE ${database}; CREATE TABLE ${database}.customers (id INT PRIMARY KEY, first_name VARCHAR(255))`);
  const daemon = await startBinlogd({ name });
  const api = daemon.url;
  try {
    // Debezium MariaDB connector docs, "MariaDB connector configuration example" (POST /connectors).
    const registration = `{
      "name": "${name}",
      "config": {
        "connector.class": "io.debezium.connector.mariadb.MariaDbConnector",
        "tasks.max": "1",
        "database.hostname": "${env.mariadb.host}",
        "database.port": "${env.mariadb.port}",
        "database.user": "${env.mariadb.user}",
        "database.password": "${env.mariadb.password}",
        "database.server.id": "${184054 + Math.floor(Math.random() * 100000)}",
        "topic.prefix": "${prefix}",
        "database.include.list": "${database}",
        "schema.history.internal.kafka.bootstrap.servers": "${env.kafkaBrokers[0]}",
        "schema.history.internal.kafka.topic": "schemahistory.${database}"
      }
    }`;

    // kcctl info / get plugins / get connectors
    const info = await rest(api, 'GET', '/');
    assert.equal(typeof info.body.version, 'string');
    assert.equal((await rest(api, 'GET', '/connector-plugins')).body[0].class, 'io.debezium.connector.mariadb.MariaDbConnector');
    assert.deepEqual((await rest(api, 'GET', '/connectors?expand=status&expand=info')).body, {});

    const created = await rest(api, 'POST', '/connectors', { raw: registration });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.config['database.password'], '[hidden]');
    await waitForStatus(api, name, inState('RUNNING'));

    // kcctl describe connector: info, status, topics
    const listed = (await rest(api, 'GET', '/connectors?expand=status&expand=info')).body[name];
    assert.equal(listed.status.tasks[0].state, 'RUNNING');
    assert.equal(listed.info.type, 'source');
    assert.deepEqual((await rest(api, 'GET', `/connectors/${name}/topics`)).body, { [name]: { topics: [] } });

    await db.query(`INSERT INTO ${database}.customers VALUES (1001, 'Sally')`);
    const topic = `${prefix}.${database}.customers`;
    assert.equal((await readAvroTopic(topic, 1, 60_000)).length, 1);

    // kcctl apply -f: PUT /connectors/{name}/config with the flat map (Connect docs example shape)
    const flat = JSON.parse(registration).config as Record<string, string>;
    const applied = await rest(api, 'PUT', `/connectors/${name}/config`, { raw: JSON.stringify({ ...flat, 'tombstones.on.delete': 'true' }, null, 2) });
    assert.equal(applied.status, 200, applied.text);

    // kcctl pause / resume / restart
    assert.equal((await rest(api, 'PUT', `/connectors/${name}/pause`)).status, 202);
    await waitForStatus(api, name, inState('PAUSED'));
    assert.equal((await rest(api, 'PUT', `/connectors/${name}/resume`)).status, 202);
    await waitForStatus(api, name, inState('RUNNING'));
    const restarted = await rest(api, 'POST', `/connectors/${name}/restart?includeTasks=true&onlyFailed=false`);
    assert.equal(restarted.status, 202);
    assert.equal(restarted.body.tasks[0].state, 'RESTARTING');
    await waitForStatus(api, name, inState('RUNNING'));

    // kcctl stop connector, get offsets, patch offsets (KIP-875 body as in the Connect docs), delete offsets
    assert.equal((await rest(api, 'PUT', `/connectors/${name}/stop`)).status, 204);
    await waitForStatus(api, name, inState('STOPPED'));
    const offsets = await rest(api, 'GET', `/connectors/${name}/offsets`);
    assert.deepEqual(offsets.body.offsets[0].partition, { server: prefix });
    const patch = `{
      "offsets": [
        {
          "partition": { "server": "${prefix}" },
          "offset": ${JSON.stringify(offsets.body.offsets[0].offset)}
        }
      ]
    }`;
    const patched = await rest(api, 'PATCH', `/connectors/${name}/offsets`, { raw: patch });
    assert.equal(patched.status, 200, patched.text);
    assert.match(patched.body.message, /altered successfully/);

    // Resume after the offset edit: continues from it.
    await db.query(`INSERT INTO ${database}.customers VALUES (1002, 'George')`);
    assert.equal((await rest(api, 'PUT', `/connectors/${name}/resume`)).status, 202);
    await waitForStatus(api, name, inState('RUNNING'));
    assert.equal((await readAvroTopic(topic, 2, 60_000)).length, 2);

    // kcctl delete connector
    assert.equal((await rest(api, 'DELETE', `/connectors/${name}`)).status, 204);
    assert.equal((await rest(api, 'GET', `/connectors/${name}`)).status, 404);
  } finally {
    assert.equal(await daemon.stop(), 0);
    await db.query(`DROP DATABASE IF EXISTS ${database}`);
    await db.end();
  }
});
