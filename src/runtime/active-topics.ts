// KIP-558 active topics: the topics each connector has written records to since it was created
// or since its set was last reset (PUT /connectors/{n}/topics/reset). Like Connect, the set
// outlives restarts of the connector (Connect keeps it in the status topic; binlogd for the life
// of the process) and leaves out what the worker writes for it (offsets, dead letter records).
const byConnector = new Map<string, Set<string>>();

export interface TopicTracker {
  /** After an acknowledgement: each record's topic (the hot path: one Set lookup per topic change). */
  written(records: readonly { topic: string }[]): void;
}

/** A tracker for one connector; `internal` topics (the offsets topic, the schema history, the DLQ) are not counted. */
export function trackTopics(connector: string, internal: readonly string[]): TopicTracker {
  const skip = new Set(internal);
  return {
    written(records) {
      let topics = byConnector.get(connector);
      let last: string | undefined;
      for (const { topic } of records) {
        if (topic === last) continue;
        last = topic;
        if (skip.has(topic)) continue;
        if (!topics) byConnector.set(connector, (topics = new Set()));
        topics.add(topic);
      }
    },
  };
}

/** The connector's active topics, sorted. */
export function activeTopics(connector: string): string[] {
  return [...(byConnector.get(connector) ?? [])].sort();
}

/** Empties the set; a running connector adds topics again as it writes to them. */
export function resetActiveTopics(connector: string): void {
  byConnector.delete(connector);
}
