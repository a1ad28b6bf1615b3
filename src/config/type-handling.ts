// How column values are represented (JdbcValueConverters, BinlogValueConverters). Belongs to the
// decode component; its converter table is chosen from these modes once per table.
import { z } from 'zod';
import { noEffect } from './no-effect.js';
import { defineArea, propertiesUnder } from './area.js';
import { bool, choice, list, splitList } from './values.js';

export const decimalHandlingModes = ['precise', 'double', 'string'] as const;
export const timePrecisionModes = ['adaptive_time_microseconds', 'connect', 'isostring', 'microseconds', 'nanoseconds'] as const;
export const bigintUnsignedHandlingModes = ['long', 'precise'] as const;
export const binaryHandlingModes = ['bytes', 'base64', 'base64-url-safe', 'hex'] as const;

export const typeHandlingSchema = z.object({
  'decimal.handling.mode': choice(
    decimalHandlingModes,
    'precise',
    'DECIMAL/NUMERIC as: precise (Connect Decimal, exact), double (float64, may lose precision), string.',
  ),
  'time.precision.mode': choice(
    timePrecisionModes,
    'adaptive_time_microseconds',
    'Temporal precision: adaptive_time_microseconds (dates and timestamps follow the column precision, TIME in microseconds), ' +
      'connect (Connect logical types, milliseconds), isostring, microseconds, nanoseconds.',
    { removed: { adaptive: '"adaptive" is no longer supported by the MariaDB connector; use adaptive_time_microseconds' } },
  ),
  'bigint.unsigned.handling.mode': choice(bigintUnsignedHandlingModes, 'long', 'BIGINT UNSIGNED as: long (int64, values above 2^63-1 wrap), precise (Connect Decimal).'),
  'binary.handling.mode': choice(binaryHandlingModes, 'bytes', 'BINARY/VARBINARY/BLOB as: bytes, base64, base64-url-safe, hex (the last three as strings).'),
  'enable.time.adjuster': bool(true, 'Whether two-digit years are mapped to 1970-2069 by the connector (true) or left to the server (false).'),
  'include.schema.comments': noEffect(bool(false, 'Whether table and column comments are added to the schemas as doc.'), 'Debezium 3.5 writes column comments as field docs exactly when include.schema.changes=true, whatever this property says, and binlogd does the same'),
  'converters': noEffect(list('Aliases of custom converters; each is configured with <alias>.type and <alias>.<option>.'), 'custom converters are Java classes binlogd cannot run'),
});

export interface TypeHandlingConfig {
  readonly decimalHandlingMode: (typeof decimalHandlingModes)[number];
  readonly timePrecisionMode: (typeof timePrecisionModes)[number];
  readonly bigintUnsignedHandlingMode: (typeof bigintUnsignedHandlingModes)[number];
  readonly binaryHandlingMode: (typeof binaryHandlingModes)[number];
  readonly enableTimeAdjuster: boolean;
  readonly includeSchemaComments: boolean;
  /** Custom converters: alias, class and options (`<alias>.<option>`). */
  readonly converters: readonly { alias: string; type: string | undefined; options: Readonly<Record<string, string>> }[];
}

export const typeHandlingArea = defineArea({
  schema: typeHandlingSchema,
  dynamicPrefixes: (raw) => splitList(raw['converters'] ?? '').map((alias) => `${alias}.`),
  build(v, raw, report): TypeHandlingConfig {
    const converters = v['converters'].map((alias) => {
      const type = raw[`${alias}.type`]?.trim() || undefined;
      if (type === undefined) report({ property: `${alias}.type`, message: `is required for the converter "${alias}" listed in converters` });
      return { alias, type, options: propertiesUnder(raw, `${alias}.`, ['type']) };
    });
    return {
      decimalHandlingMode: v['decimal.handling.mode'],
      timePrecisionMode: v['time.precision.mode'],
      bigintUnsignedHandlingMode: v['bigint.unsigned.handling.mode'],
      binaryHandlingMode: v['binary.handling.mode'],
      enableTimeAdjuster: v['enable.time.adjuster'],
      includeSchemaComments: v['include.schema.comments'],
      converters,
    };
  },
});
