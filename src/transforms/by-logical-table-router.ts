// io.debezium.transforms.ByLogicalTableRouter: several physical tables routed to one logical topic.
// Unlike RegexRouter it renames the key, value and envelope schemas after the new topic, and adds
// a key field naming the physical table so keys stay unique across the merged tables.
import { z } from 'zod';
import type { ConnectSchema, ConnectStruct } from '../connect/schema.js';
import { bool, requiredText, text, textOr } from '../config/values.js';
import { compileWhole, javaReplacement, routeWhole } from './java-regex.js';
import { fieldOf, getWithDefault, isEnvelope, SchemaCache, type Transform, type TransformContext } from './record.js';

export const BY_LOGICAL_TABLE_ROUTER = 'io.debezium.transforms.ByLogicalTableRouter';

export const byLogicalTableRouterOptions = z.object({
  'topic.regex': requiredText('Regex matched against the whole topic name.'),
  'topic.replacement': requiredText('The logical topic; $1 or ${name} refer to groups of topic.regex.'),
  'key.enforce.uniqueness': bool(true, 'Whether the key gets a field naming the physical table.'),
  'key.field.name': textOr('__dbz__physicalTableIdentifier', 'Name of that key field.'),
  'key.field.regex': text('Regex over the original topic for the key field value.'),
  'key.field.replacement': text('The key field value; groups of key.field.regex may be referred to.'),
  'schema.name.adjustment.mode': text('Accepted; schema names are used as they are.'),
  'logical.table.cache.size': text('Accepted; binlogd caches per schema.'),
});

type Options = z.infer<typeof byLogicalTableRouterOptions>;

/** copySchemaExcludingName with a new name: version, doc, parameters, optionality and fields kept. */
function renamed(schema: ConnectSchema, name: string, fields = schema.fields): ConnectSchema {
  const { defaultValue: _default, name: _name, ...rest } = schema;
  return { ...rest, name, fields };
}

export function createByLogicalTableRouter(options: Options, context: TransformContext): Transform {
  const regex = compileWhole(options['topic.regex']);
  const replacement = javaReplacement(options['topic.replacement']);
  const keyRegex = options['key.field.regex'] ? compileWhole(options['key.field.regex']) : undefined;
  const keyReplacement = javaReplacement(options['key.field.replacement'] ?? '');
  const keyField = options['key.field.name'];
  const unique = options['key.enforce.uniqueness'];
  const keySchemas = new SchemaCache<ConnectSchema, ConnectSchema>();
  const envelopeSchemas = new SchemaCache<ConnectSchema, ConnectSchema>();
  const topics = new Map<string, string | null>();

  const copy = (schema: ConnectSchema, row: ConnectStruct): ConnectStruct => {
    const out: ConnectStruct = {};
    for (const f of schema.fields!) out[f.name] = getWithDefault(row, f);
    return out;
  };

  return (record) => {
    let topic = topics.get(record.topic);
    if (topic === undefined) {
      topic = routeWhole(regex, replacement, record.topic) ?? null;
      if (topics.size < 10_000) topics.set(record.topic, topic);
    }
    if (topic === null) return record;
    if (topic === '') {
      context.warn('ByLogicalTableRouter: the routing regex gave an empty topic name; the record keeps its topic');
      return record;
    }
    const newTopic = topic;
    let keySchema = record.keySchema;
    let key = record.key;
    if (key !== null && keySchema !== null) {
      keySchema = keySchemas.get(keySchema, newTopic, () => renamed(record.keySchema!, `${newTopic}.Key`,
        unique ? [...record.keySchema!.fields!, { name: keyField, schema: { type: 'string', optional: false } }] : record.keySchema!.fields));
      const newKey = copy(record.keySchema!, key as ConnectStruct);
      if (unique) newKey[keyField] = (keyRegex && routeWhole(keyRegex, keyReplacement, record.topic)) || record.topic;
      key = newKey;
    }
    if (record.value === null || !isEnvelope(record)) return { ...record, topic: newTopic, keySchema, key };
    const old = record.valueSchema!;
    const valueSchema = envelopeSchemas.get(old, newTopic, () => {
      const row = renamed(fieldOf(old, 'before')!.schema, `${newTopic}.Value`);
      return renamed(old, `${newTopic}.Envelope`, old.fields!.map((f) => (f.name === 'before' || f.name === 'after' ? { name: f.name, schema: row } : f)));
    });
    const rowSchema = fieldOf(old, 'before')!.schema;
    const envelope = record.value as ConnectStruct;
    const value: ConnectStruct = { ...envelope };
    for (const name of ['before', 'after']) {
      const row = envelope[name] as ConnectStruct | null;
      if (row) value[name] = copy(rowSchema, row);
    }
    return { ...record, topic: newTopic, keySchema, key, valueSchema, value };
  };
}
