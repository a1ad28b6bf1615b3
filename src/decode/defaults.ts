// Column defaults as Debezium derives them. Debezium parses the default out of `SHOW CREATE TABLE`
// (MariaDB's DefaultValueParserListener); INFORMATION_SCHEMA.COLUMNS.COLUMN_DEFAULT prints it the
// same way, so the same rules apply to it: string literals lose their outer quotes but keep their
// escapes ('it''s' stays it''s), CURRENT_TIMESTAMP becomes the epoch, expressions give no default.
// The per-type parsing of the resulting text (BinlogDefaultValueConverter) lives with each type.

/** CURRENT_TIMESTAMP and NOW, with or without a precision, as MariaDB prints them. */
const CURRENT_TIMESTAMP = /^(?:current_timestamp|now|localtimestamp|localtime)\s*(?:\(\s*\d*\s*\))?$/i;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const CHARSET_INTRODUCER = /^_[A-Za-z0-9]+'(.*)'$/s;
const BIT_STRING = /^b'([01]*)'$/i;

/** What the DDL parser keeps of a default; `undefined` when the column gets no default. */
export function defaultExpression(columnDefault: string | undefined): string | undefined {
  if (columnDefault === undefined) return undefined;
  const text = columnDefault.trim();
  if (text.length >= 2 && text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1);
  const introduced = CHARSET_INTRODUCER.exec(text);
  if (introduced) return introduced[1];
  const bits = BIT_STRING.exec(text);
  if (bits) return bits[1];
  if (NUMBER.test(text)) return text;
  // DefaultValueParserListener maps CURRENT_TIMESTAMP/NOW to the epoch literal.
  if (CURRENT_TIMESTAMP.test(text)) return EPOCH_DATETIME;
  // A calculated default, e.g. (1 + 2) or uuid(): "we thus handle it as NULL".
  return undefined;
}

export const EPOCH_DATETIME = '1970-01-01 00:00:00';

// BinlogDefaultValueConverter's EPOCH_EQUIVALENT_DATE / EPOCH_EQUIVALENT_TIMESTAMP, plus "0".
const ZERO_DATE = /^(?:\d{4}-\d{2}-00|\d{4}-00-\d{2}|0000-\d{2}-\d{2})$/;
const ZERO_DATETIME = /^(?:\d{4}-\d{2}-00|\d{4}-00-\d{2}|0000-\d{2}-\d{2}) 00:00:00(?:\.\d{1,6})?$/;

/** True for defaults Debezium reads as the zero date (null when nullable, else the epoch). */
export function isZeroDateDefault(expression: string, withTime: boolean): boolean {
  return expression === '0' || ZERO_DATETIME.test(expression) || (!withTime && ZERO_DATE.test(expression));
}

/** java.lang.Math.round(Double.parseDouble(text)) as a long, which is how BinlogValueConverters
 *  reads integer defaults (so `1.5` gives 2 and values beyond 2^53 are rounded through a double). */
export function roundedLong(text: string): bigint | undefined {
  const value = Number(text);
  if (Number.isNaN(value) || text.trim() === '') return undefined;
  const rounded = Math.floor(value + 0.5);
  // Math.round saturates at Long.MIN_VALUE/MAX_VALUE.
  if (rounded >= 2 ** 63) return 2n ** 63n - 1n;
  if (rounded <= -(2 ** 63)) return -(2n ** 63n);
  return BigInt(rounded);
}

/**
 * A decimal text rescaled to `scale` fraction digits with HALF_UP rounding (BigDecimal.setScale),
 * written as BigDecimal.toPlainString would; undefined when the text is not a number.
 */
export function rescaleDecimal(text: string, scale: number): string | undefined {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return undefined;
  const negative = match[1] === '-';
  // The value is (integer and fraction digits) * 10^shift; bring it to `scale` fraction digits.
  const shift = Number(match[4] ?? 0) - (match[3] ?? '').length + scale;
  let unscaled = BigInt((match[2] ?? '') + (match[3] ?? '') || '0');
  if (shift >= 0) {
    unscaled *= 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    const quotient = unscaled / divisor;
    unscaled = (unscaled % divisor) * 2n >= divisor ? quotient + 1n : quotient;
  }
  let digits = unscaled.toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = digits.slice(0, digits.length - scale) + '.' + digits.slice(digits.length - scale);
  }
  return negative && unscaled !== 0n ? '-' + digits : digits;
}
