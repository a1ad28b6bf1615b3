// Properties binlogd accepts (so Debezium connector files validate unchanged) but does not act on
// yet. Each connector says so once at start, so nobody mistakes silence for support.
import { connectorNoEffectUses, type ConnectorConfig } from '../config/index.js';

export function notYetApplied(config: ConnectorConfig): string[] {
  const gaps: string[] = [];
  if (config.snapshot.mode === 'custom') {
    gaps.push('snapshot.mode=custom: custom snapshotters are not supported; no data snapshot is taken (as no_data)');
  }
  if (!config.delivery.exactlyOnce) {
    gaps.push('delivery is at-least-once, as configured (exactly.once.support=false): after a crash, records since the last stored offset (about a second) are written again');
  }
  return gaps;
}

/**
 * The properties of this connector that binlogd accepts without effect, with why, as one line
 * (empty when there are none): said once at start, so nobody mistakes silence for support.
 */
export function acceptedWithoutEffect(config: ConnectorConfig): string[] {
  const uses = connectorNoEffectUses(Object.keys(config.written ?? config.raw));
  if (uses.length === 0) return [];
  const byReason = new Map<string, string[]>();
  for (const { property, reason } of uses) byReason.set(reason, [...(byReason.get(reason) ?? []), property]);
  return [`accepted without effect: ${[...byReason].map(([reason, properties]) => `${properties.join(', ')} (${reason})`).join('; ')}`];
}
