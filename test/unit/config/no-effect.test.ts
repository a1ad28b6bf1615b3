import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configReference } from '../../../src/config/config-docs.js';
import { ALL_AREAS } from '../../../src/config/connector.js';
import { connectorJsonSchema, validateCommand } from '../../../src/config/index.js';
import { markedProperties } from '../../../src/config/no-effect.js';
import { pluginRoutes } from '../../../src/http/routes/plugins.js';
import type { RestContext } from '../../../src/http/context.js';
import { Router } from '../../../src/http/router.js';
import { propertyUses } from '../../support/property-reads.js';

const BASE = {
  'connector.class': 'io.debezium.connector.mariadb.MariaDbConnector', 'database.hostname': 'h', 'database.user': 'u',
  'database.password': 'p', 'database.server.id': '1', 'topic.prefix': 'p',
};

test('every connector property is read outside src/config/ or marked as accepted without effect', () => {
  const uses = propertyUses();
  assert.ok(uses.length > 100, 'the inventory found the properties');
  const neither = uses.filter((use) => use.readIn.length === 0 && use.noEffect === undefined).map((use) => use.property);
  assert.deepEqual(neither, [], 'implement these properties, or mark them in their schema with noEffect(…, reason)');
  const both = uses.filter((use) => use.readIn.length > 0 && use.noEffect !== undefined).map((use) => `${use.property} (${use.readIn.join(', ')})`);
  assert.deepEqual(both, [], 'these are marked as without effect but read: remove the mark');
});

test('validate lists every property without effect a file uses, as a warning naming it and why', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'no-effect-'));
  try {
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ name: 'c', config: { ...BASE, 'binlog.buffer.size': '100', 'schema.history.internal.kafka.bootstrap.servers': 'k:9092', 'poll.interval.ms': '100' } }));
    const lines: string[] = [];
    const code = await validateCommand({ paths: [file], env: {}, write: (line) => lines.push(line) });
    assert.equal(code, 0, lines.join('\n'));
    const warnings = lines.filter((line) => line.includes('accepted, no effect: '));
    assert.deepEqual(warnings.map((line) => /warning: ([^ ]+) =/.exec(line)?.[1]), ['binlog.buffer.size', 'schema.history.internal.kafka.bootstrap.servers', 'poll.interval.ms']);
    assert.match(warnings[0]!, /^.*c\.json: warning: binlog\.buffer\.size = "100": accepted, no effect: binlogd has no look-ahead buffer/);
    assert.match(lines.at(-1)!, /c\.json: valid \(3 warnings\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('docs/config.md marks each property without effect with its reason', () => {
  const reference = configReference();
  const { fixed, families } = markedProperties(ALL_AREAS);
  assert.ok(fixed.size > 30);
  for (const [property, reason] of fixed) {
    const row = reference.split('\n').find((line) => line.startsWith(`| \`${property}\` |`));
    assert.ok(row?.includes(`**Accepted, no effect: ${reason.replace(/\|/g, '\\|')}.**`), `${property}: ${row}`);
  }
  for (const [prefix, reason] of families) assert.ok(reference.includes(`\`${prefix}*\`: accepted, no effect: ${reason.toLowerCase()}`), prefix);
  assert.doesNotMatch(reference.split('\n').find((line) => line.startsWith('| `max.queue.size` |'))!, /no effect/);
});

test('the editor JSON Schema carries the same note', () => {
  const config = ((connectorJsonSchema()['properties'] as any).config.properties) as Record<string, { description?: string }>;
  assert.match(config['binlog.buffer.size']!.description!, /^Accepted, no effect: binlogd has no look-ahead buffer[^]*\. Look-ahead buffer/);
  assert.doesNotMatch(config['max.queue.size']!.description!, /no effect/);
});

function plugins(): Router {
  const router = new Router();
  pluginRoutes(router, { version: 'test', providers: {} } as unknown as RestContext);
  return router;
}

async function call(router: Router, method: string, path: string, body?: unknown): Promise<any> {
  const { handler, params } = router.match(method, path);
  const response = await handler({ method, path, params, query: new URLSearchParams(), headers: {}, json: async () => body });
  return response.body;
}

test('REST plugin config and validate say so in the documentation field, and it is no error', async () => {
  const router = plugins();
  const definitions: any[] = await call(router, 'GET', '/connector-plugins/MariaDbConnector/config');
  const documentation = (name: string): string => definitions.find((d) => d.name === name)?.documentation;
  assert.match(documentation('binlog.buffer.size'), /^Accepted, no effect: binlogd has no look-ahead buffer/);
  assert.match(documentation('schema.history.internal'), /^Accepted, no effect: binlogd keeps its own schema history by replaying each DDL/);
  assert.doesNotMatch(documentation('max.queue.size'), /no effect/);
  const validated = await call(router, 'PUT', '/connector-plugins/MariaDbConnector/config/validate', { name: 'c', ...BASE, 'binlog.buffer.size': '100' });
  assert.equal(validated.error_count, 0);
  const entry = validated.configs.find((c: any) => c.definition.name === 'binlog.buffer.size');
  assert.equal(entry.value.value, '100');
  assert.match(entry.definition.documentation, /^Accepted, no effect: /);
});
