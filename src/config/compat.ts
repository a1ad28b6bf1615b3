// Debezium properties binlogd accepts so existing connector files load unchanged, but that have no
// effect on it (schema history storage, OpenLineage, JMX-only settings, Java class hooks), and the
// names older Debezium releases used, so a warning can say what replaced them.
import { z } from 'zod';
import { defineArea } from './area.js';
import { bool, choice, int, list, splitList, text } from './values.js';

export const compatSchema = z.object({
  'schema.history.internal': text('Schema history class (Java). binlogd keeps its own schema history in the topic schema.history.internal.kafka.topic names; accepted and ignored.'),
  'schema.history.internal.skip.unparseable.ddl': bool(false, 'Accepted and ignored (binlogd replays DDL on the server instead of parsing it, and keeps every table of the captured databases).'),
  'schema.history.internal.store.only.captured.tables.ddl': bool(false, 'Accepted and ignored (binlogd replays DDL on the server instead of parsing it, and keeps every table of the captured databases).'),
  'schema.history.internal.store.only.captured.databases.ddl': bool(false, 'Accepted and ignored (binlogd replays DDL on the server instead of parsing it, and keeps every table of the captured databases).'),
  'post.processors': list('Aliases of Debezium post processors (Java classes); accepted and ignored.'),
  'custom.metric.tags': text('Extra JMX MBean tags (k=v,…); accepted and ignored (binlogd labels metrics by connector).'),
  'custom.sanitize.pattern': text('Debezium\'s pattern of secret property names; binlogd hides passwords, secrets, tokens and provider references.'),
  'guardrail.collections.max': int(0, 'Most tables the connector may capture; 0 disables the guardrail. Accepted and ignored.', { min: 0 }),
  'guardrail.collections.limit.action': choice(['warn', 'fail'], 'warn', 'Action when the guardrail is exceeded. Accepted and ignored.'),
  'openlineage.integration.enabled': bool(false, 'OpenLineage integration; accepted and ignored.'),
  'sourceinfo.struct.maker': text('Java class building the source block; accepted and ignored.'),
  'transaction.metadata.factory': text('Java class building transaction metadata; accepted and ignored.'),
  'executor.shutdown.timeout.ms': int(4000, 'Accepted and ignored.', { min: 0 }),
  'statistics.metrics.enabled': bool(true, 'Accepted and ignored (binlogd metrics are always on).'),
  'internal.log.position.check.enable': bool(true, 'Accepted and ignored.'),
  'internal.advanced.metrics.enable': bool(false, 'Accepted and ignored.'),
  'internal.legacy.snapshot.max.threads': bool(false, 'Accepted and ignored.'),
  'internal.snapshot.scan.all.columns.force': bool(false, 'Accepted and ignored.'),
});

export const compatArea = defineArea({
  schema: compatSchema,
  prefixes: ['schema.history.internal.', 'openlineage.integration.'],
  dynamicPrefixes: (raw) => splitList(raw['post.processors'] ?? '').map((alias) => `${alias}.`),
  build(): undefined {
    return undefined;
  },
});

/** Names from Debezium 1.x (and the MySQL connector's MariaDB adapter) and what replaced them. */
const RENAMED: Readonly<Record<string, string>> = {
  'database.server.name': 'topic.prefix',
  'database.whitelist': 'database.include.list',
  'database.blacklist': 'database.exclude.list',
  'table.whitelist': 'table.include.list',
  'table.blacklist': 'table.exclude.list',
  'column.whitelist': 'column.include.list',
  'column.blacklist': 'column.exclude.list',
  'sanitize.field.names': 'field.name.adjustment.mode',
};

/** A warning text for a property an older Debezium release knew, or undefined. */
export function legacyProperty(property: string): string | undefined {
  const renamed = RENAMED[property];
  if (renamed !== undefined) return `is no longer read (Debezium 2.0 replaced it with ${renamed})`;
  if (property.startsWith('database.history.')) {
    return `is no longer read (Debezium 2.0 renamed database.history.* to schema.history.internal.*)`;
  }
  if (property === 'connector.adapter') return 'is not needed: this is the dedicated MariaDB connector';
  return undefined;
}
