// Kafka topic names (org.apache.kafka.common.internals.Topic): 1 to 249 of [a-zA-Z0-9._-], not "."
// or "..". Debezium's topic naming strategies replace other characters with "_" and cut a longer
// name at 249 characters (AbstractTopicNamingStrategy.sanitizedTopicName), with a warning. Cutting
// can send two tables to one topic and one registry subject, so binlogd replaces characters as
// Debezium does but refuses a name that would need cutting.
export const MAX_TOPIC_NAME_LENGTH = 249;

const INVALID_CHARACTER = /[^a-zA-Z0-9._-]/g;

/** Debezium's replacements: invalid characters become "_", and "." / ".." become "_" / "__". */
export function sanitizeTopicName(name: string): string {
  const replaced = name.replace(INVALID_CHARACTER, '_');
  return replaced === '.' ? '_' : replaced === '..' ? '__' : replaced;
}

/** What makes `name` unusable as a Kafka topic, or undefined when Kafka takes it. */
export function topicNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name === '.' || name === '..') return `cannot be "${name}"`;
  if (name.length > MAX_TOPIC_NAME_LENGTH) return `is ${name.length} characters long, over Kafka's limit of ${MAX_TOPIC_NAME_LENGTH}`;
  const invalid = name.match(INVALID_CHARACTER);
  if (invalid) return `contains ${[...new Set(invalid)].map((c) => JSON.stringify(c)).join(', ')}; Kafka allows letters, digits, ".", "_" and "-" only`;
  return undefined;
}

/**
 * Kafka's metrics put "." and "_" in one place, so topics differing only there collide: Kafka
 * refuses to create the second one (and its tools warn about names with either character).
 */
export function collisionKey(topic: string): string {
  return topic.replace(/\./g, '_');
}
