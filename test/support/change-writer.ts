// A steady write load on one table and the change records it must produce, in commit order:
// inserts, updates and deletes (each delete followed by its tombstone). Tests of pause/resume and
// shutdown compare a topic with `expected` exactly: nothing lost, nothing repeated.
import type { DecodedRecord } from './avro-topic.js';
import { asJsonPayload } from './avro-topic.js';
import type { connectAsRoot } from './mariadb.js';

type Db = Awaited<ReturnType<typeof connectAsRoot>>;

export class ChangeWriter {
  /** `id:op:v` per expected record; `id:t` for a tombstone. */
  readonly expected: string[] = [];
  transactions = 0;
  private nextId = 1;
  private live: number[] = [];

  constructor(private readonly db: Db, readonly table: string) {}

  /** One transaction: a few inserts, sometimes an update and a delete of earlier rows. */
  async transaction(): Promise<void> {
    const tx = ++this.transactions;
    const rows = 1 + (tx % 5);
    const changes: string[] = [];
    await this.db.beginTransaction();
    const ids = Array.from({ length: rows }, () => this.nextId++);
    await this.db.query(`INSERT INTO ${this.table} (id, v) VALUES ${ids.map((id) => `(${id}, 'c${tx}')`).join(', ')}`);
    for (const id of ids) changes.push(`${id}:c:c${tx}`);
    this.live.push(...ids);
    if (tx % 3 === 0 && this.live.length > 2) {
      const id = this.live[tx % this.live.length]!;
      await this.db.query(`UPDATE ${this.table} SET v = 'u${tx}' WHERE id = ${id}`);
      changes.push(`${id}:u:u${tx}`);
    }
    if (tx % 4 === 0 && this.live.length > 2) {
      const id = this.live.splice(0, 1)[0]!;
      await this.db.query(`DELETE FROM ${this.table} WHERE id = ${id}`);
      changes.push(`${id}:d:`, `${id}:t`);
    }
    await this.db.commit();
    this.expected.push(...changes);
  }

  /** One large transaction of `rows` inserts (multi-row statements of 1000). */
  async bulk(rows: number): Promise<void> {
    const tx = ++this.transactions;
    const changes: string[] = [];
    await this.db.beginTransaction();
    for (let done = 0; done < rows; done += 1000) {
      const ids = Array.from({ length: Math.min(1000, rows - done) }, () => this.nextId++);
      await this.db.query(`INSERT INTO ${this.table} (id, v) VALUES ${ids.map((id) => `(${id}, 'b${tx}')`).join(', ')}`);
      for (const id of ids) changes.push(`${id}:c:b${tx}`);
      this.live.push(...ids);
    }
    await this.db.commit();
    this.expected.push(...changes);
  }

  /** Writes transactions back to back (a pause of `gapMs` between them) until `stop` says so. */
  async run(stop: () => boolean, gapMs = 0): Promise<void> {
    while (!stop()) {
      await this.transaction();
      if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
  }
}

/** The records of a topic in ChangeWriter's notation. */
export function changesOf(records: readonly DecodedRecord[]): string[] {
  return records.map((r) => {
    const id = (asJsonPayload(r.key) as { id: number }).id;
    if (r.value === null) return `${id}:t`;
    const value = r.value as { op: string; after: { v: string } | null };
    return `${id}:${value.op}:${value.after?.v ?? ''}`;
  });
}
