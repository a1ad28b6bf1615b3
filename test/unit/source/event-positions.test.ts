import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventPositions } from '../../../src/source/event-positions.js';

// Sizes are bodies; each event is 23 bytes longer (header and checksum).
test('an event starts where its end_log_pos minus its length says', () => {
  const positions = new EventPositions();
  assert.deepEqual(positions.of({ nextPosition: 4180, size: 19 }, true), { position: 4138, nextPosition: 4180 });
  assert.deepEqual(positions.of({ nextPosition: 4716, size: 8 }), { position: 4685, nextPosition: 4716 });
});

test('MariaDB 11.4+ events without end_log_pos get their transaction start, as Debezium gives them', () => {
  // SHOW BINLOG EVENTS of 11.4.5: Gtid at 4138 (end 4180), Annotate_rows, Table_map and Write_rows with
  // end_log_pos 0, Xid at 4685 (end 4716).
  const positions = new EventPositions();
  assert.deepEqual(positions.of({ nextPosition: 4180, size: 19 }, true), { position: 4138, nextPosition: 4180 });
  for (const size of [217, 127, 92]) assert.deepEqual(positions.of({ nextPosition: 0, size }), { position: 4138, nextPosition: 4180 });
  assert.deepEqual(positions.of({ nextPosition: 4716, size: 8 }), { position: 4685, nextPosition: 4716 });
  // The next transaction starts its own count.
  assert.deepEqual(positions.of({ nextPosition: 4758, size: 19 }, true), { position: 4716, nextPosition: 4758 });
  assert.deepEqual(positions.of({ nextPosition: 0, size: 70 }), { position: 4716, nextPosition: 4758 });
});
