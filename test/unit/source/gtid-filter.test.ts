import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileAnchored } from '../../../src/config/values.js';
import { filterResumePosition, gtidSourceFilter, sourceOf } from '../../../src/source/gtid-filter.js';
import { formatGtid, GtidPosition, parseGtid } from '../../../src/source/gtid-position.js';

const filterOf = (includes: string[], excludes: string[]) =>
  gtidSourceFilter({ includes: includes.map(compileAnchored), excludes: excludes.map(compileAnchored) });

test('sources are <domain>-<server>, matched whole, includes before excludes', () => {
  assert.equal(sourceOf(parseGtid('1-42-1000')), '1-42');
  assert.equal(filterOf([], []), undefined, 'no filter lets everything through');
  const include = filterOf(['1-.*', '0-7'], [])!;
  assert.deepEqual(['1-1', '1-42', '0-7', '0-1', '0-77', '10-1'].map(include), [true, true, true, false, false, false]);
  const exclude = filterOf([], ['0-2'])!;
  assert.deepEqual(['0-1', '0-2', '0-22', '10-2'].map(exclude), [true, false, true, true]);
});

test('resume: excluded stored GTIDs are dropped only where the server lacks their domain', () => {
  const stored = GtidPosition.parse('0-1-100,1-5-30,5-9-7');
  const server = GtidPosition.parse('0-1-250,1-5-31');
  const result = filterResumePosition(stored, filterOf([], ['5-9', '1-5']), server);
  // Domain 5 is gone from this server (say, after a failover): not asked for.
  assert.deepEqual(result.dropped.map(formatGtid), ['5-9-7']);
  // Domain 1 is still there: dropping it would make the server send the whole domain again.
  assert.deepEqual(result.keptExcluded.map(formatGtid), ['1-5-30']);
  assert.equal(result.position.toString(), '0-1-100,1-5-30');
  // Without a filter the stored position is asked for unchanged, unknown domains included.
  assert.equal(filterResumePosition(stored, undefined, server).position.toString(), '0-1-100,1-5-30,5-9-7');
});
