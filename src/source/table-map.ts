// A row's structure as its TABLE_MAP event tells it (binlog_row_metadata=FULL): the binlog writes
// one before each table's rows, as the table was when they were written, so it is authoritative for
// names, order, types and their parameters, signedness, charsets, ENUM/SET labels, nullability and
// the primary key. What it lacks (defaults, comments, AUTO_INCREMENT, generated columns, display
// widths) is taken from a table definition whose column agrees with it. Pure: no zongji, no I/O.
import { describeColumn, type ColumnDescriptor, type InformationSchemaColumn } from './column-descriptor.js';

/** One column of a TABLE_MAP event, in table order. */
export interface TableMapColumn {
  readonly name: string;
  /**
   * The type written from the binlog metadata the way the server prints COLUMN_TYPE, without the
   * display widths it does not carry: `int unsigned`, `varchar(20)`, `decimal(10,2)`, `datetime(6)`,
   * `bit(12)`, `mediumtext`, `point`.
   */
  readonly columnType: string;
  /** null for binary strings and non-text columns. */
  readonly charset: string | null;
  readonly nullable: boolean;
  /** ENUM/SET labels as stored. */
  readonly labels?: readonly string[];
}

/** A table as one TABLE_MAP event describes it. */
export interface TableMap {
  readonly db: string;
  readonly table: string;
  /** Absent when the event carries no column names (written with binlog_row_metadata other than FULL). */
  readonly columns?: readonly TableMapColumn[];
  /** Primary key column names in key order; empty when the table had none. */
  readonly primaryKey: readonly string[];
  /** Equal for events describing the same structure: what a schema cached per table id is checked against. */
  readonly signature: string;
  /** Where the event was read, for messages. */
  readonly at?: { readonly file: string; readonly position: number };
}

/** A TABLE_MAP column as a descriptor: what the binlog alone knows (no defaults, comments or display widths). */
export function describeTableMapColumn(column: TableMapColumn, position: number, primaryKey: readonly string[]): ColumnDescriptor {
  const lower = column.columnType.toLowerCase();
  const word = /^\w+/.exec(lower)?.[0] ?? '';
  // zongji names Field_geom::GEOM_GEOMETRYCOLLECTION `geomcollection`; INFORMATION_SCHEMA spells it out.
  const dataType = word === 'geomcollection' ? 'geometrycollection' : word;
  const numbers = /^\w+\((\d+)(?:,(\d+))?\)/.exec(lower);
  const labels = column.labels;
  const columnType = labels && (dataType === 'enum' || dataType === 'set')
    ? `${dataType}(${labels.map((label) => `'${escapeLiteral(label)}'`).join(',')})`
    : dataType === word ? column.columnType : column.columnType.replace(/^\w+/, dataType);
  const row: InformationSchemaColumn = {
    COLUMN_NAME: column.name,
    ORDINAL_POSITION: position,
    IS_NULLABLE: column.nullable ? 'YES' : 'NO',
    COLUMN_DEFAULT: null,
    COLUMN_TYPE: columnType,
    DATA_TYPE: dataType,
    NUMERIC_PRECISION: dataType === 'decimal' ? numbers?.[1] ?? null : null,
    NUMERIC_SCALE: dataType === 'decimal' ? numbers?.[2] ?? '0' : null,
    DATETIME_PRECISION: dataType === 'time' || dataType === 'datetime' || dataType === 'timestamp' ? numbers?.[1] ?? '0' : null,
    CHARACTER_SET_NAME: column.charset,
    COLUMN_KEY: primaryKey.includes(column.name) ? 'PRI' : '',
  };
  const described = describeColumn(row);
  return labels ? { ...described, enumValues: [...labels] } : described;
}

export interface AnnotatedColumns {
  readonly columns: ColumnDescriptor[];
  /** Columns described from the TABLE_MAP alone: missing from the definition, or described differently there. */
  readonly disagreements: string[];
}

/**
 * The TABLE_MAP's columns with what only the definition knows, column by column: a definition
 * column of the same name that describes the same stored structure lends its defaults, comment,
 * AUTO_INCREMENT, generated flag, display width and printed type; otherwise the TABLE_MAP's
 * description stands alone and the column is reported, since a definition that disagrees with
 * the binlog is not the table as of this point.
 */
export function annotateTableMap(map: TableMap & { columns: readonly TableMapColumn[] }, definition: readonly ColumnDescriptor[]): AnnotatedColumns {
  const byName = new Map(definition.map((column) => [column.name, column]));
  const disagreements: string[] = [];
  const columns = map.columns.map((column, i) => {
    const binlog = describeTableMapColumn(column, i + 1, map.primaryKey);
    const defined = byName.get(column.name);
    const difference = defined ? differenceOf(binlog, defined) : 'not in the table definition';
    if (difference !== undefined) {
      disagreements.push(`${column.name} (${difference})`);
      return binlog;
    }
    return { ...defined!, position: binlog.position, primaryKey: binlog.primaryKey, nullable: binlog.nullable };
  });
  return { columns, disagreements };
}

/** What makes two descriptions of a column describe different stored values; undefined when they agree. */
export function differenceOf(binlog: ColumnDescriptor, defined: ColumnDescriptor): string | undefined {
  // MariaDB binlogs a UUID as the 16 bytes it stores (BINARY(16)).
  const uuid = defined.type === 'uuid' && binlog.type === 'binary' && binlog.length === 16;
  if (!uuid && binlog.type !== defined.type) return `${binlog.columnType} in the binlog, ${defined.columnType} in the definition`;
  if (binlog.nullable !== defined.nullable) return `${binlog.nullable ? 'NULL' : 'NOT NULL'} in the binlog, ${defined.nullable ? 'NULL' : 'NOT NULL'} in the definition`;
  if (binlog.unsigned !== defined.unsigned) return `${binlog.columnType} in the binlog, ${defined.columnType} in the definition`;
  if (!uuid && hasStoredLength(binlog) && binlog.length !== defined.length) return `${binlog.columnType} in the binlog, ${defined.columnType} in the definition`;
  if (binlog.precision !== defined.precision || binlog.scale !== undefined && binlog.scale !== defined.scale) {
    return `${binlog.columnType} in the binlog, ${defined.columnType} in the definition`;
  }
  if (binlog.fsp !== defined.fsp) return `${binlog.columnType} in the binlog, ${defined.columnType} in the definition`;
  if (binlog.charset !== undefined && defined.charset !== undefined && !sameCharset(binlog.charset, defined.charset)) {
    return `charset ${binlog.charset} in the binlog, ${defined.charset} in the definition`;
  }
  if (!sameLabels(binlog.enumValues, defined.enumValues)) return `${binlog.columnType} in the binlog, ${defined.columnType} in the definition`;
  return undefined;
}

/** Types whose length the binlog carries (the others' parenthesised number is a display width). */
function hasStoredLength(column: ColumnDescriptor): boolean {
  return column.type === 'char' || column.type === 'varchar' || column.type === 'binary' || column.type === 'varbinary' || column.type === 'bit';
}

// MariaDB 10.6+ reports utf8 as utf8mb3; older clients and charset maps still say utf8.
function sameCharset(a: string, b: string): boolean {
  const norm = (name: string) => (name.toLowerCase() === 'utf8' ? 'utf8mb3' : name.toLowerCase());
  return norm(a) === norm(b);
}

function sameLabels(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((label, i) => label === b[i]);
}

// How the server prints a label inside COLUMN_TYPE's quotes (sql/sql_string.cc append_unescaped).
const PRINTED_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\0': '\\0', '\n': '\\n', '\r': '\\r', '\x1a': '\\Z', "'": "''" };

/** A stored ENUM/SET label as the server prints it in COLUMN_TYPE: `it's` → `it''s`, `a\b` → `a\\b`. */
export function escapeLiteral(label: string): string {
  return label.replace(/[\\\0\n\r\x1a']/g, (c) => PRINTED_ESCAPES[c] ?? c);
}
