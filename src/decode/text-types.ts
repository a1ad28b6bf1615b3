// Character, binary, ENUM/SET, JSON and UUID columns.
import type { ConnectValue } from '../connect/schema.js';
import type { ColumnDescriptor } from '../source/column-descriptor.js';
import { asBuffer, binaryEncoder, padRight, uuidText } from './bytes.js';
import { named, noDefault, plain, unexpected, type ColumnTypeBuilder } from './column-type.js';

/** CHAR, VARCHAR and the TEXT family; zongji has already decoded them in the column's charset. */
export const text: ColumnTypeBuilder = (column) => ({
  schema: plain('string'),
  convert: (raw) => {
    if (typeof raw === 'string') return raw;
    // zongji hands back the bytes when iconv-lite lacks the charset (dec8, hp8, keybcs2, swe7, geostd8).
    if (Buffer.isBuffer(raw)) return raw.toString('utf8');
    throw unexpected(column, raw);
  },
  fallback: '',
  parseDefault: (expression) => expression,
});

/**
 * JSON is an alias of LONGTEXT on MariaDB: INFORMATION_SCHEMA (and the SHOW CREATE TABLE Debezium
 * parses at start) report `longtext`, so MariaDB JSON columns arrive here as text, exactly as
 * Debezium reports them. Only a server reporting DATA_TYPE `json` gets io.debezium.data.Json.
 */
export const json: ColumnTypeBuilder = (column, modes) => ({
  ...text(column, modes),
  schema: named('string', 'io.debezium.data.Json'),
  fallback: '{}',
});

/** BINARY, VARBINARY and the BLOB family under binary.handling.mode. */
export const binary: ColumnTypeBuilder = (column, modes) => {
  const encode = binaryEncoder(modes.binaryHandlingMode);
  const fixed = column.type === 'binary' ? column.length ?? 0 : 0;
  const asBytes = modes.binaryHandlingMode === 'bytes';
  return {
    schema: plain(asBytes ? 'bytes' : 'string'),
    convert: (raw) => {
      const bytes = asBuffer(raw);
      if (bytes === undefined) throw unexpected(column, raw);
      return encode(fixed > 0 ? padRight(bytes, fixed) : bytes);
    },
    fallback: asBytes ? Buffer.alloc(0) : '',
    // Debezium turns the default's text into UTF-8 bytes as is: no padding, escapes kept.
    parseDefault: (expression) => encode(Buffer.from(expression, 'utf8')),
  };
};

/**
 * MariaDbAntlrDdlParser.escapeOption: how Debezium spells an ENUM/SET option, from the literal as
 * the DDL prints it. Commas become `\,`, `\'` and `''` become `'`; other escapes stay as printed.
 */
export function escapeOption(literal: string): string {
  return literal.replaceAll(',', '\\,').replaceAll("\\'", "'").replaceAll("''", "'");
}

/** Debezium's option texts, and the stored label -> option text map when any of them differ. */
function enumOptions(column: ColumnDescriptor): { options: string[]; relabel: Map<string, string> | undefined } {
  const labels = column.enumValues ?? [];
  const options = (column.enumLiterals ?? labels).map(escapeOption);
  const relabel = new Map<string, string>();
  labels.forEach((label, i) => {
    if (options[i] !== undefined && options[i] !== label) relabel.set(label, options[i]);
  });
  return { options, relabel: relabel.size > 0 ? relabel : undefined };
}

export const enumeration: ColumnTypeBuilder = (column) => {
  const { options, relabel } = enumOptions(column);
  return {
    schema: named('string', 'io.debezium.data.Enum', { allowed: options.join(',') }),
    convert: (raw) => {
      // Index 0 (the '' stored for an invalid value in non-strict mode) is the empty string.
      if (raw === undefined || raw === '') return '';
      if (typeof raw !== 'string') throw unexpected(column, raw);
      return relabel?.get(raw) ?? raw;
    },
    undefinedIsValue: true,
    fallback: '',
    parseDefault: (expression) => expression,
  };
};

export const set: ColumnTypeBuilder = (column) => {
  const { options, relabel } = enumOptions(column);
  return {
    schema: named('string', 'io.debezium.data.EnumSet', { allowed: options.join(',') }),
    convert: (raw): ConnectValue => {
      if (typeof raw !== 'string') throw unexpected(column, raw);
      // SET labels cannot contain commas, so the comma-joined value splits back into labels.
      if (relabel === undefined || raw === '') return raw;
      return raw.split(',').map((label) => relabel.get(label) ?? label).join(',');
    },
    fallback: '',
    parseDefault: (expression) => expression,
  };
};

/** MariaDB's UUID type (MariaDbValueConverters): io.debezium.data.Uuid text. Debezium cannot turn
 *  the default's text into a value, so UUID columns never carry a default. */
export const uuid: ColumnTypeBuilder = (column) => ({
  schema: named('string', 'io.debezium.data.Uuid'),
  convert: (raw) => {
    const text = uuidText(raw);
    if (text === undefined) throw unexpected(column, raw);
    return text;
  },
  fallback: '',
  parseDefault: noDefault,
});
