// MariaDB GTID positions: one `domain-server-sequence` per replication domain, comma-joined, as in
// @@gtid_binlog_pos and Debezium's offset `gtids`. A position names the last transaction applied
// in each domain; MariaDB resumes a replica from it (@slave_connect_state).

export interface Gtid {
  readonly domain: number;
  readonly server: number;
  /** Decimal text: sequence numbers are 64-bit unsigned. */
  readonly sequence: string;
}

const GTID = /^(\d+)-(\d+)-(\d+)$/;

export function parseGtid(text: string): Gtid {
  const match = GTID.exec(text.trim());
  if (!match) throw new Error(`not a MariaDB GTID (domain-server-sequence): '${text}'`);
  return { domain: Number(match[1]), server: Number(match[2]), sequence: match[3]! };
}

export function formatGtid(gtid: Gtid): string {
  return `${gtid.domain}-${gtid.server}-${gtid.sequence}`;
}

/** An immutable GTID position, at most one GTID per domain. */
export class GtidPosition {
  private constructor(private readonly byDomain: ReadonlyMap<number, Gtid>) {}

  static readonly EMPTY = new GtidPosition(new Map());

  static parse(text: string | undefined | null): GtidPosition {
    const byDomain = new Map<number, Gtid>();
    for (const part of (text ?? '').split(',')) {
      if (part.trim() === '') continue;
      const gtid = parseGtid(part);
      const known = byDomain.get(gtid.domain);
      if (!known || compareSequence(gtid.sequence, known.sequence) > 0) byDomain.set(gtid.domain, gtid);
    }
    return new GtidPosition(byDomain);
  }

  /** This position with `gtid` applied: it becomes the last transaction of its domain. */
  with(gtid: Gtid): GtidPosition {
    const byDomain = new Map(this.byDomain);
    byDomain.set(gtid.domain, gtid);
    return new GtidPosition(byDomain);
  }

  /** Whether the transaction `gtid` is at or before this position in its domain. */
  covers(gtid: Gtid): boolean {
    const known = this.byDomain.get(gtid.domain);
    return known !== undefined && compareSequence(gtid.sequence, known.sequence) <= 0;
  }

  /** Whether every domain's transaction of `other` is at or before this position (across all domains). */
  coversAll(other: GtidPosition): boolean {
    return other.domains().every((gtid) => this.covers(gtid));
  }

  get isEmpty(): boolean {
    return this.byDomain.size === 0;
  }

  domains(): Gtid[] {
    return [...this.byDomain.values()].sort((a, b) => a.domain - b.domain);
  }

  /** Domains ordered by number, so equal positions format equally. */
  toString(): string {
    return this.domains().map(formatGtid).join(',');
  }
}

function compareSequence(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
