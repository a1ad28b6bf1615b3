// Whether a connector runs incremental snapshots (signal.data.collection with the `source` channel),
// and with what stored progress.
import type { ConnectorConfig } from '../config/index.js';
import { BinlogdError } from '../errors.js';
import type { SourceOffset } from '../offsets/source-offset.js';
import { IncrementalSnapshot, type IncrementalSnapshotOptions } from './incremental-snapshot.js';
import { decodeIncrementalState } from './incremental-state.js';

export function incrementalSnapshotFor(
  config: ConnectorConfig,
  options: Omit<IncrementalSnapshotOptions, 'config' | 'initial'> & { stored: SourceOffset | undefined },
): IncrementalSnapshot | undefined {
  const { dataCollection, enabledChannels } = config.signals;
  if (dataCollection === undefined || !enabledChannels.includes('source')) return undefined;
  if (!/^[^.]+\.[^.]+$/.test(dataCollection)) {
    throw new BinlogdError('CONFIG_INVALID', `signal.data.collection must name the signal table as <database>.<table>, got '${dataCollection}'`,
      { details: { property: 'signal.data.collection' } });
  }
  let initial = null;
  try {
    initial = options.stored ? decodeIncrementalState(options.stored as unknown as Record<string, unknown>) : null;
  } catch (error) {
    throw new BinlogdError('CONFIG_INVALID',
      `the stored offset of connector ${config.name} has an incremental snapshot state binlogd cannot read (${(error as Error).message}): ` +
      'correct the offset, or write it again without the incremental_snapshot_* keys to drop the snapshot', { cause: error });
  }
  const { stored: _stored, ...rest } = options;
  return new IncrementalSnapshot({ ...rest, config, initial });
}
