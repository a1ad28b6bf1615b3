// Each captured table needs a topic of its own. Debezium replaces characters Kafka does not allow
// with "_", so `a$b` and `a_b` would share a topic and a registry subject, their changes and
// schemas mixed with nothing said: the second table to claim a topic is refused. Topics that
// differ only in "." versus "_" are refused by Kafka itself when the second one is created; that
// is warned about as soon as both tables are seen (a transform may still rename one).
import type { TableSchema } from '../envelope/table-schema.js';
import { collisionKey } from '../envelope/topic-names.js';
import { BinlogdError } from '../errors.js';
import type { Logger } from './logger.js';
import type { TableResolver } from './streaming-pipeline.js';

export function claimingTopics(resolver: TableResolver, log: Logger): TableResolver {
  const owners = new Map<string, string>();
  const lookalikes = new Map<string, { topic: string; table: string }>();
  const claim = (schema: TableSchema | null): TableSchema | null => {
    if (schema === null) return null;
    const table = `${schema.db}.${schema.table}`;
    const owner = owners.get(schema.topic);
    if (owner !== undefined && owner !== table) {
      throw new BinlogdError('TOPIC_NAME_INVALID',
        `the tables ${owner} and ${table} both map to topic ${schema.topic} (characters Kafka does not allow become "_", as in ` +
        'Debezium), so their changes and registry subjects would mix. Leave one of them out (table.exclude.list) or rename it; ' +
        'a RegexRouter cannot tell them apart, it sees one topic name',
        { details: { tables: [owner, table], topic: schema.topic } });
    }
    if (owner === undefined) {
      owners.set(schema.topic, table);
      const key = collisionKey(schema.topic);
      const similar = lookalikes.get(key);
      if (similar === undefined) lookalikes.set(key, { topic: schema.topic, table });
      else {
        log.warn({ tables: [similar.table, table], topics: [similar.topic, schema.topic] },
          `topics ${similar.topic} (table ${similar.table}) and ${schema.topic} (table ${table}) differ only in "." versus "_", ` +
          'which Kafka cannot tell apart: it refuses to create the second one. Rename one with a RegexRouter transform, or leave one table out');
      }
    }
    return schema;
  };
  return {
    resolve: async (map) => claim(await resolver.resolve(map)),
    resolveByName: async (db, table) => claim(await resolver.resolveByName(db, table)),
  };
}
