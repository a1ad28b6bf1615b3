// Every MariaDB column type, described two ways: from the TABLE_MAP event binlogd's source reads
// (binlog_row_metadata=FULL) annotated by INFORMATION_SCHEMA, and from INFORMATION_SCHEMA alone (the
// snapshot's way). With the table unchanged in between, both must give the same descriptors, with
// no column where the binlog and the definition disagree; the TABLE_MAP's own nullability and key
// must be the table's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBinlogClient, type BinlogClient, type TableMap } from '../../src/source/binlog-client.js';
import { describeColumns } from '../../src/source/column-descriptor.js';
import { createCurrentTableDefinitions } from '../../src/source/current-table-definitions.js';
import { openSqlClient } from '../../src/source/sql-client.js';
import { annotateTableMap } from '../../src/source/table-map.js';
import { DB, defaultsRows, defaultsTable, typesRows, typesTable } from '../support/column-types.js';
import { connectAsRoot, currentGtidPosition } from '../support/mariadb.js';
import { loadStackEnv, uniqueName } from '../support/stack-env.js';

test('every type: the TABLE_MAP path gives the INFORMATION_SCHEMA descriptors', { timeout: 120_000 }, async () => {
  const env = loadStackEnv();
  const root = await connectAsRoot();
  const sql = await openSqlClient(env.mariadb);
  const types = uniqueName('tm_types');
  const defaults = uniqueName('tm_defaults');
  // Character columns after a geometry column (the server lists geometries among them for charsets).
  const spatial = uniqueName('tm_spatial');
  const maps = new Map<string, TableMap>();
  const errors: unknown[] = [];
  let client: BinlogClient | undefined;
  try {
    await root.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
    await root.query(typesTable(types));
    await root.query(defaultsTable(defaults, true));
    await root.query(`CREATE TABLE ${DB}.${spatial} (id INT PRIMARY KEY, g POINT, v VARCHAR(10), t TEXT CHARACTER SET latin1, b VARBINARY(4))`);
    client = createBinlogClient({ endpoint: env.mariadb, serverId: 300_000 + Math.floor(Math.random() * 600_000), gtidPosition: await currentGtidPosition(root) });
    await client.start((event) => {
      if (event.kind === 'rows' && !maps.has(event.table.table)) maps.set(event.table.table, event.table);
    }, (error) => errors.push(error));
    for (const statement of [...typesRows(types), ...defaultsRows(defaults), `INSERT INTO ${DB}.${spatial} (id, v) VALUES (1, 'x')`]) await root.query(statement);
    const deadline = Date.now() + 30_000;
    while (maps.size < 3 && errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(errors, []);

    const definitions = createCurrentTableDefinitions(sql);
    for (const table of [types, defaults, spatial]) {
      const map = maps.get(table);
      assert.ok(map?.columns, `${table}: a TABLE_MAP with FULL metadata`);
      const definition = await definitions.definitionOf(DB, table);
      const expected = describeColumns(null, definition!.columns);
      const { columns, disagreements } = annotateTableMap({ ...map, columns: map.columns }, expected);
      assert.deepEqual(disagreements, [], `${table}: columns where the TABLE_MAP and INFORMATION_SCHEMA disagree`);
      assert.deepEqual(columns, expected, `${table}: descriptors`);
      assert.deepEqual(map.primaryKey, ['id']);
      assert.deepEqual(map.columns.map((c) => c.nullable), expected.map((c) => c.nullable), `${table}: the TABLE_MAP's nullability`);
    }
  } finally {
    await client?.stop();
    await root.query(`DROP TABLE IF EXISTS ${DB}.${types}, ${DB}.${defaults}, ${DB}.${spatial}`);
    await root.end();
    await sql.close();
  }
});
