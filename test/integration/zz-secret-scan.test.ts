// Runs last among the integration tests: every log line of every daemon the suite started and every
// REST answer it read, searched for every secret the tests gave those daemons.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSuiteRecord } from '../support/suite-record.js';

test('no secret of the suite appears in any daemon log line or REST answer', () => {
  const { secrets, outputs } = readSuiteRecord();
  const hits: string[] = [];
  for (const secret of new Map(secrets.map((s) => [s.value, s])).values()) {
    for (const output of outputs) {
      const at = output.text.indexOf(secret.value);
      if (at < 0) continue;
      const line = output.text.slice(output.text.lastIndexOf('\n', at) + 1, output.text.indexOf('\n', at));
      hits.push(`${secret.origin} (${secret.value.slice(0, 3)}…) in ${output.file}: ${line.replaceAll(secret.value, '<SECRET>').slice(0, 300)}`);
    }
  }
  assert.deepEqual(hits, [], `${hits.length} leaks:\n${hits.slice(0, 30).join('\n')}`);
});
