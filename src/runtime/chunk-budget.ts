// max.queue.size.in.bytes for snapshot reads: a table is read in chunks, and a chunk is what the
// snapshot holds between the server and the sink, so the byte bound sets how many rows the next
// chunk may have, from the size of the rows just read (rows of one table are alike in size far
// more often than not; a single row larger than the bound is still read, alone).

/** Approximate memory of a row's values: text and bytes by length, anything else as a word. */
export function approximateRowBytes(row: Readonly<Record<string, unknown>>): number {
  let bytes = 0;
  for (const value of Object.values(row)) {
    if (typeof value === 'string' || Buffer.isBuffer(value)) bytes += value.length;
    else if (value !== null && value !== undefined) bytes += 8;
  }
  return bytes;
}

/**
 * Rows the next chunk may read: `maxRows`, or fewer so that rows the size of `rows` stay within
 * `budgetBytes` (0: no byte bound), and at least one.
 */
export function nextChunkRows(maxRows: number, budgetBytes: number, rows: readonly Readonly<Record<string, unknown>>[]): number {
  if (budgetBytes <= 0) return maxRows;
  if (rows.length === 0) return 1;
  const average = rows.reduce((sum, row) => sum + approximateRowBytes(row), 0) / rows.length;
  return Math.max(1, Math.min(maxRows, Math.floor(budgetBytes / Math.max(1, average))));
}

/**
 * Each reader's share of the byte bound: a keyed table's next chunk is read while the last one is
 * sent, so a reader holds two chunks at a time.
 */
export function readerBudgetBytes(maxQueueSizeInBytes: number, readers: number): number {
  return maxQueueSizeInBytes <= 0 ? 0 : Math.max(1, Math.floor(maxQueueSizeInBytes / Math.max(1, readers) / 2));
}
