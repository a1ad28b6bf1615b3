import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { parseConnector } from '../../../src/config/connector.js';
import type { ChangeRecord } from '../../../src/envelope/change-events.js';
import type { BinlogdError } from '../../../src/errors.js';
import { createRecordPath } from '../../../src/runtime/record-path-factory.js';
import { createAvroSerializer } from '../../../src/serialize/serializer.js';
import { change } from '../transforms/fixtures.js';

const base = {
  'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector', 'database.hostname': 'h', 'database.user': 'u',
  'database.password': 'p', 'database.server.id': '1', 'topic.prefix': 'p',
};
const origin = { table: 'db.t', gtid: '0-1-1', file: 'f', pos: 4 };

function setup(extra: Record<string, string>) {
  const { config, problems } = parseConnector({ name: 'c', config: { ...base, ...extra } }, { env: {} });
  assert.ok(config, JSON.stringify(problems));
  const workerSubjects: string[] = [];
  const serializer = createAvroSerializer({ registerText: async (subject) => { workerSubjects.push(subject); return 1; } });
  return { ...createRecordPath(config, { serializer, log: pino({ level: 'silent' }) }), workerSubjects };
}

test("without *.converter.schema.registry.url the worker's registry is used", async () => {
  const { path, close, workerSubjects } = setup({});
  await path.convert([change('c', null, { id: 1, name: 'a' }) as ChangeRecord], origin);
  assert.deepEqual(workerSubjects.sort(), ['p.db.t-key', 'p.db.t-value']);
  close();
});

test('value.converter.schema.registry.url gives the connector its own registry (here: nothing listening)', async () => {
  const { path, close, workerSubjects } = setup({ 'value.converter.schema.registry.url': 'http://127.0.0.1:9' });
  await assert.rejects(Promise.resolve().then(() => path.convert([change('c', null, { id: 1, name: 'a' }) as ChangeRecord], origin)),
    (error: BinlogdError) => error.code === 'REGISTRY_UNREACHABLE' && /p\.db\.t-value/.test(error.message));
  assert.deepEqual(workerSubjects, ['p.db.t-key'], 'the key still goes through the worker registry');
  close();
});
