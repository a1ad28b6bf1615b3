// Heartbeat records on `__debezium-heartbeat.<topic.prefix>` (heartbeat.interval.ms): Debezium's
// ServerNameKey / Heartbeat schemas (io.debezium.heartbeat), written to partition 0.
import { field, struct, type ConnectSchema, type ConnectStruct } from '../connect/schema.js';

export const HEARTBEAT_KEY_SCHEMA: ConnectSchema = struct('io.debezium.connector.common.ServerNameKey', [
  field('serverName', { type: 'string', optional: false }),
], { version: 1 });

export const HEARTBEAT_VALUE_SCHEMA: ConnectSchema = struct('io.debezium.connector.common.Heartbeat', [
  field('ts_ms', { type: 'int64', optional: false }),
], { version: 1 });

/** `topic.heartbeat.prefix` + `topic.delimiter` + `topic.prefix`. */
export function heartbeatTopic(heartbeatPrefix: string, delimiter: string, prefix: string): string {
  return `${heartbeatPrefix}${delimiter}${prefix}`;
}

/** The value carries the wall-clock time the heartbeat was written. */
export function heartbeatRecord(serverName: string, nowMs: number): { key: ConnectStruct; value: ConnectStruct } {
  return { key: { serverName }, value: { ts_ms: BigInt(nowMs) } };
}
