// Rows events carry a bitmap of the columns present in each row image. With binlog_row_image=FULL
// (what binlogd needs, checked at start) every column is present; MINIMAL and NOBLOB leave out
// columns the server did not need, and zongji then reads them as null. A session that started
// before `SET GLOBAL binlog_row_image=…` changed keeps its old value, so the check is per event.

/** Names of the columns (in table order) that a row image bitmap leaves out; empty when all are present. */
export function missingColumns(columnCount: number, bitmaps: readonly Buffer[], names: readonly string[]): string[] {
  const missing: string[] = [];
  for (const bitmap of bitmaps) {
    if (isFull(bitmap, columnCount)) continue;
    for (let i = 0; i < columnCount; i++) {
      const present = (bitmap[i >> 3]! & (1 << (i & 7))) !== 0;
      const name = names[i] ?? `#${i + 1}`;
      if (!present && !missing.includes(name)) missing.push(name);
    }
  }
  return missing;
}

function isFull(bitmap: Buffer, columnCount: number): boolean {
  const fullBytes = columnCount >> 3;
  for (let i = 0; i < fullBytes; i++) if (bitmap[i] !== 0xff) return false;
  const rest = columnCount & 7;
  return rest === 0 || (bitmap[fullBytes]! & ((1 << rest) - 1)) === (1 << rest) - 1;
}

/** Why a partial row image cannot become change events, and how to fix the server. */
export function partialRowMessage(table: string, missing: readonly string[]): string {
  return `a rows event of the captured table ${table} lacks the columns ${missing.join(', ')}: the session that wrote it had ` +
    'binlog_row_image MINIMAL or NOBLOB, so their values are not in the binlog (binlogd would send them as null). Fix the server: ' +
    'SET GLOBAL binlog_row_image=FULL (and binlog_row_image=FULL in its config file), then make every client reconnect (a session ' +
    'keeps the binlog_row_image it started with). To get past this event, set event.processing.failure.handling.mode=warn (the event ' +
    'is skipped, logged and counted in binlogd_errors_total) and read the table again with an incremental snapshot (execute-snapshot signal)';
}
