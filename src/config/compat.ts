// Debezium properties binlogd accepts so existing connector files load unchanged, but that have no
// effect on it (schema history storage, OpenLineage, JMX-only settings, Java class hooks), and the
// names older Debezium releases used, so a warning can say what replaced them.
import { z } from 'zod';
import { defineArea } from './area.js';
import { noEffect } from './no-effect.js';
import { bool, choice, int, list, splitList, text } from './values.js';

export const compatSchema = z.object({
  'schema.history.internal': noEffect(text('Schema history class.'), 'binlogd keeps its own schema history by replaying each DDL on the server, and of this family reads only schema.history.internal.kafka.topic'),
  'schema.history.internal.skip.unparseable.ddl': noEffect(bool(false, 'Whether DDL the history parser cannot read is skipped.'), 'binlogd parses no DDL: MariaDB replays each statement for its schema history'),
  'schema.history.internal.store.only.captured.tables.ddl': noEffect(bool(false, 'Whether the history keeps only DDL of captured tables.'), 'binlogd\'s schema history keeps every table of the captured databases (online schema change tools rename helper tables into place)'),
  'schema.history.internal.store.only.captured.databases.ddl': noEffect(bool(false, 'Whether the history keeps only DDL of captured databases.'), 'binlogd\'s schema history keeps the captured databases only'),
  'post.processors': noEffect(list('Aliases of Debezium post processors (Java classes).'), 'post processors are Java classes; binlogd runs none'),
  'custom.metric.tags': noEffect(text('Extra JMX MBean tags (k=v,…).'), 'binlogd labels its Prometheus metrics by connector; there are no JMX MBeans to tag'),
  'custom.sanitize.pattern': noEffect(text('Debezium\'s pattern of property names whose values are hidden.'), 'binlogd hides every property named like a password, secret or token and every ${…} reference; the pattern is not read'),
  'guardrail.collections.max': noEffect(int(0, 'Most tables the connector may capture; 0 disables the guardrail.', { min: 0 }), 'binlogd has no table-count guardrail'),
  'guardrail.collections.limit.action': noEffect(choice(['warn', 'fail'], 'warn', 'Action when the guardrail is exceeded.'), 'binlogd has no table-count guardrail'),
  'openlineage.integration.enabled': noEffect(bool(false, 'OpenLineage integration.'), 'binlogd has no OpenLineage integration'),
  'sourceinfo.struct.maker': noEffect(text('Java class building the source block.'), "a Java class; binlogd builds the source block as Debezium's default does"),
  'transaction.metadata.factory': noEffect(text('Java class building transaction metadata.'), "a Java class; binlogd builds transaction metadata as Debezium's default does"),
  'executor.shutdown.timeout.ms': noEffect(int(4000, 'Time to wait for the connector\'s executors to stop.', { min: 0 }), 'binlogd has no executor thread pool to shut down'),
  'statistics.metrics.enabled': noEffect(bool(true, 'Whether statistics metrics are collected.'), "binlogd's Prometheus metrics are always on"),
  'internal.log.position.check.enable': noEffect(bool(true, 'Internal Debezium switch.'), 'an internal Debezium switch with no counterpart in binlogd'),
  'internal.advanced.metrics.enable': noEffect(bool(false, 'Internal Debezium switch.'), 'an internal Debezium switch with no counterpart in binlogd'),
  'internal.legacy.snapshot.max.threads': noEffect(bool(false, 'Internal Debezium switch.'), 'an internal Debezium switch with no counterpart in binlogd'),
  'internal.snapshot.scan.all.columns.force': noEffect(bool(false, 'Internal Debezium switch.'), 'an internal Debezium switch with no counterpart in binlogd'),
});

export const compatArea = defineArea({
  schema: compatSchema,
  prefixes: ['schema.history.internal.', 'openlineage.integration.'],
  noEffectPrefixes: {
    'schema.history.internal.': 'binlogd keeps its own schema history by replaying each DDL on the server, and of this family reads only schema.history.internal.kafka.topic',
    'openlineage.integration.': 'binlogd has no OpenLineage integration',
  },
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
