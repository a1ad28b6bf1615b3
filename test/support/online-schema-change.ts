// Online schema changes as the tools run them, while a writer keeps changing the table:
// pt-online-schema-change itself (Debian's percona-toolkit: triggers copy the writer's changes into
// `_t_new`, then `RENAME TABLE t TO _t_old, _t_new TO t`), and gh-ost's statements reproduced in SQL
// (gh-ost is not packaged here): a `_t_ghc` changelog, a `_t_gho` shadow filled in chunks while the
// writer's changes are applied to it as gh-ost applies what it reads from the binlog, and the atomic
// cut-over (a `_t_del` sentry, LOCK TABLES, a RENAME waiting on the lock, the sentry dropped, UNLOCK).
// The SQL texts, comments included, are gh-ost's own (go/logic/applier.go).
import { execFile } from 'node:child_process';
import type mysql from 'mysql2/promise';
import { connectAsRoot } from './mariadb.js';
import { loadStackEnv } from './stack-env.js';

export interface OnlineChange {
  db: string;
  /** The changed table (columns `id` INT key and `c` integer among others). */
  table: string;
  /** What follows `ALTER TABLE t`, e.g. `ADD COLUMN x INT, MODIFY c BIGINT`. */
  alter: string;
}

/**
 * Inserts, updates and deletes rows of `t` (only `id` and `c`, which the change keeps), one
 * autocommitted statement at a time. `mirror` applies the same change elsewhere (gh-ost's shadow).
 */
export class TableWriter {
  /** Applies each change elsewhere too, while set (gh-ost's shadow table). */
  mirror: ((change: { kind: 'insert' | 'update' | 'delete'; id: number; c: number }) => Promise<void>) | undefined;
  private nextId = 1000;
  private readonly live: number[] = [];
  private step = 0;
  /** Statements that reached the server. */
  written = 0;

  /** `conn` writes to `name` (`db`.`table`); ids of new rows start at 1000. */
  constructor(readonly conn: mysql.Connection, private readonly name: string) {}

  async write(): Promise<void> {
    const kind = this.step++ % 4;
    if (kind === 3 && this.live.length > 2) {
      const id = this.live.splice(Math.floor(this.live.length / 2), 1)[0]!;
      await this.conn.query(`DELETE FROM ${this.name} WHERE id = ?`, [id]);
      this.written++;
      await this.mirror?.({ kind: 'delete', id, c: 0 });
    } else if (kind === 1 && this.live.length > 0) {
      const id = this.live[this.step % this.live.length]!;
      const c = this.step * 7;
      await this.conn.query(`UPDATE ${this.name} SET c = ? WHERE id = ?`, [c, id]);
      this.written++;
      await this.mirror?.({ kind: 'update', id, c });
    } else {
      const id = this.nextId++;
      const c = this.step;
      await this.conn.query(`INSERT INTO ${this.name} (id, c) VALUES (?, ?)`, [id, c]);
      this.written++;
      this.live.push(id);
      await this.mirror?.({ kind: 'insert', id, c });
    }
  }

  /** Writes until `work` settles (at least `minimum` statements), and returns what `work` returned. */
  async writeWhile<T>(work: Promise<T>, minimum = 5): Promise<T> {
    let done = false;
    const finished = work.finally(() => { done = true; });
    let count = 0;
    while (!done || count < minimum) {
      await this.write();
      count++;
      await sleep(15);
    }
    return finished;
  }
}

/** Runs pt-online-schema-change on `t` as root while `writer` keeps writing; returns its output. */
export async function runPtOnlineSchemaChange(change: OnlineChange, writer: TableWriter): Promise<string> {
  const { mariadbRoot: root } = loadStackEnv();
  const dsn = `h=${root.host},P=${root.port},u=${root.user},p=${root.password},D=${change.db},t=${change.table}`;
  const run = new Promise<string>((resolve, reject) => {
    // Small paced chunks so the copy overlaps the writer; the load limits are raised because the
    // shared test server runs other suites at the same time.
    execFile('pt-online-schema-change', [
      '--alter', change.alter, dsn, '--execute', '--recursion-method=none', '--no-check-replication-filters',
      '--chunk-size=25', '--chunk-time=0', '--sleep=0.05', '--max-load=Threads_running=1000', '--critical-load=Threads_running=2000',
      '--set-vars=lock_wait_timeout=30',
    ], { timeout: 180_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`pt-online-schema-change failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
  return writer.writeWhile(run);
}

/**
 * gh-ost's migration of `t`, step by step, while `writer` keeps writing to `t` (and, as gh-ost
 * would, to the shadow). `columns`: those the shadow keeps, copied by the chunks.
 */
export async function runGhostMigration(change: OnlineChange, writer: TableWriter, columns: readonly string[]): Promise<void> {
  const q = (name: string) => `\`${change.db}\`.\`${name}\``;
  const t = q(change.table);
  const gho = q(`_${change.table}_gho`);
  const ghc = q(`_${change.table}_ghc`);
  const del = q(`_${change.table}_del`);
  const migrator = await connectAsRoot();
  const locker = await connectAsRoot();
  let cutOver = false;
  const mirror: TableWriter['mirror'] = async ({ kind, id, c }) => {
    try {
      if (kind === 'delete') await writer.conn.query(`delete /* gh-ost ${gho} */ from ${gho} where ((\`id\` = ?))`, [id]);
      else if (kind === 'update') await writer.conn.query(`update /* gh-ost ${gho} */ ${gho} set \`c\` = ? where ((\`id\` = ?))`, [c, id]);
      else await writer.conn.query(`replace /* gh-ost ${gho} */ into ${gho} (\`id\`, \`c\`) values (?, ?)`, [id, c]);
    } catch (error) {
      // A write that waited for the cut-over's lock lands in the new `t`; the shadow is gone by then.
      if (!(cutOver && (error as { errno?: number }).errno === 1146)) throw error;
    }
  };
  try {
    await migrator.query(`drop /* gh-ost */ table if exists ${gho}`);
    await migrator.query(`drop /* gh-ost */ table if exists ${ghc}`);
    await migrator.query(`create /* gh-ost */ table ${ghc} (
      id bigint unsigned auto_increment, last_update timestamp not null DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
      hint varchar(64) charset ascii not null, value varchar(4096) charset ascii not null,
      primary key(id), unique key hint_uidx(hint)) auto_increment=256 comment='gh-ost changelog'`);
    const changelog = (hint: string, value: string) => migrator.query(
      `insert /* gh-ost */ into ${ghc} (id, hint, value) values (NULLIF(?, 0), ?, ?) on duplicate key update last_update=NOW(), value=VALUES(value)`,
      [hint === 'heartbeat' ? 1 : 0, hint, value]);
    await changelog('state', 'GhostTableMigrated');
    await migrator.query(`create /* gh-ost */ table ${gho} like ${t}`);
    await migrator.query(`alter /* gh-ost */ table ${gho} ${change.alter}`);
    writer.mirror = mirror;

    // The row copy in chunks of the key range, with heartbeats, while the writer goes on.
    const copy = async () => {
      const [[range]] = await migrator.query(`select min(id) as lo, max(id) as hi from ${t}`) as unknown as [[{ lo: number; hi: number }]];
      const list = columns.map((c) => `\`${c}\``).join(', ');
      for (let lo = range.lo; lo <= range.hi; lo += 25) {
        await migrator.query(`insert /* gh-ost ${t} */ ignore into ${gho} (${list}) (select ${list} from ${t} force index (\`PRIMARY\`)
          where (((\`id\` > ?)) or ((\`id\` = ?))) and (((\`id\` < ?)) or ((\`id\` = ?))) lock in share mode)`, [lo, lo, lo + 24, lo + 24]);
        await changelog('heartbeat', new Date().toISOString());
        await sleep(40);
      }
      await changelog('state', 'AllEventsUpToLockProcessed:1');
    };
    await writer.writeWhile(copy());

    // The atomic cut-over: the sentry holds the old name until the lock owner drops it, so the
    // RENAME waiting on the lock swaps both tables at once when UNLOCK lets it go.
    const atomicCutOver = async () => {
      await migrator.query(`create /* gh-ost */ table ${del} (id int auto_increment primary key) engine=InnoDB comment='ghost-cut-over-sentry'`);
      await locker.query(`lock /* gh-ost */ tables ${t} write, ${del} write`);
      cutOver = true;
      const rename = migrator.query(`rename /* gh-ost */ table ${t} to ${del}, ${gho} to ${t}`);
      await waitForRenameToBlock(locker, change.db);
      await locker.query(`drop /* gh-ost */ table if exists ${del}`);
      await locker.query('unlock tables');
      await rename;
    };
    await writer.writeWhile(atomicCutOver());
    writer.mirror = undefined;
    await migrator.query(`drop /* gh-ost */ table if exists ${ghc}`);
    await migrator.query(`drop /* gh-ost */ table if exists ${del}`);
  } finally {
    writer.mirror = undefined;
    await locker.query('unlock tables').catch(() => undefined);
    await migrator.end();
    await locker.end();
  }
}

/** gh-ost checks the processlist until its RENAME waits on the metadata lock. */
async function waitForRenameToBlock(conn: mysql.Connection, db: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [rows] = await conn.query(`select id from information_schema.processlist where info like 'rename /* gh-ost */ table %' and info like ? and state like 'Waiting for table metadata lock'`, [`%${db}%`]);
    if ((rows as unknown[]).length > 0) return;
    if (Date.now() > deadline) throw new Error('the cut-over RENAME never waited on the lock');
    await sleep(20);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
