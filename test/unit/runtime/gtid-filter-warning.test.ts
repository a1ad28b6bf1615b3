import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileAnchored } from '../../../src/config/values.js';
import { gtidSourceFilter } from '../../../src/source/gtid-filter.js';
import { gtidFilterWarning } from '../../../src/runtime/gtid-filter-warning.js';

function warning(includes: string[], excludes: string[], gtidBinlogPos: string, filterDmlEvents = true): string | undefined {
  const inc = includes.map(compileAnchored);
  const exc = excludes.map(compileAnchored);
  return gtidFilterWarning({ filter: gtidSourceFilter({ includes: inc, excludes: exc }), filterDmlEvents, includes: inc, excludes: exc, gtidBinlogPos, serverId: 1 });
}

test("the users' gtid.source.includes=1 on a domain 1 server: every source left out, said once with a fix", () => {
  const text = warning(['1'], [], '1-1-42');
  assert.match(text ?? '', /^gtid\.source\.includes=1 leaves out every GTID source this server has written \(1-1\)/);
  assert.match(text ?? '', /gtid\.source\.includes=1-\.\*/);
});

test('no warning when a source is kept, without a filter, without DML filtering, or before any GTID', () => {
  assert.equal(warning(['1-.*'], [], '1-1-42'), undefined);
  assert.equal(warning(['0-1', '1-1'], [], '0-1-5,1-1-42'), undefined);
  assert.equal(warning([], [], '1-1-42'), undefined);
  assert.equal(warning(['1'], [], '1-1-42', false), undefined);
  assert.equal(warning(['1'], [], ''), undefined);
  assert.match(warning([], ['1-.*'], '1-1-42') ?? '', /^gtid\.source\.excludes=1-\.\* leaves out/);
});
