import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KNOWN_PROPERTIES } from '../../../src/config/connector.js';
import { connectorJsonSchema, workerJsonSchema } from '../../../src/config/json-schema.js';

type Json = Record<string, any>;

test('the connector JSON Schema lists every known property with its description', () => {
  const schema = connectorJsonSchema() as Json;
  const properties = schema['properties']['config']['properties'] as Json;
  for (const name of KNOWN_PROPERTIES) {
    if (name === 'name') continue;
    assert.ok(properties[name], name);
    assert.equal(typeof properties[name]['description'], 'string', name);
  }
  assert.deepEqual(schema['required'], ['name', 'config']);
  assert.deepEqual(schema['properties']['config']['required'], ['database.hostname', 'database.user', 'topic.prefix']);
  assert.deepEqual(properties['snapshot.mode']['enum'], ['initial', 'initial_only', 'when_needed', 'no_data', 'always', 'recovery', 'configuration_based', 'custom']);
  // Numbers and booleans may be written as text, as in Kafka Connect.
  const port = properties['database.port'];
  assert.equal(port['default'], 3306);
  assert.deepEqual(port['anyOf'][0], { type: 'integer', minimum: 1, maximum: 65535 });
  assert.equal(port['anyOf'][1]['type'], 'string');
  assert.equal(properties['tombstones.on.delete']['anyOf'][0]['type'], 'boolean');
});

test('the worker JSON Schema describes the worker file', () => {
  const schema = workerJsonSchema() as Json;
  assert.deepEqual(Object.keys(schema['properties']), ['kafka', 'schemaRegistry', 'offsets', 'http', 'log', 'configProviders']);
  assert.equal(schema['properties']['http']['properties']['port']['default'], 8083);
});
