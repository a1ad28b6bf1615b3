// Per-column rewrites and schema parameters (masking, truncation, source type propagation). Their
// names carry parameters (`column.mask.with.<N>.chars`), so they are parsed here from the raw map.
// Belongs to the envelope/decode components.
import { z } from 'zod';
import { defineArea, type Report } from './area.js';
import { nodeDigest, SUPPORTED_DIGESTS } from '../envelope/column-mappers.js';
import { compilePatternList, regexList } from './values.js';

export const columnsSchema = z.object({
  'column.propagate.source.type': regexList('Regular expressions over <db>.<table>.<column> whose schemas get __debezium.source.column.type/length/scale parameters.'),
  'datatype.propagate.source.type': regexList('Regular expressions over MariaDB type names whose columns get those parameters.'),
});

export interface ColumnLengthRule {
  readonly length: number;
  readonly columns: readonly RegExp[];
}

export interface ColumnHashRule {
  readonly algorithm: string;
  readonly salt: string;
  /** v2 hashes the value's string form the way Debezium's `.v2.` variant does. */
  readonly version: 1 | 2;
  readonly columns: readonly RegExp[];
}

export interface ColumnsConfig {
  readonly propagateSourceType: readonly RegExp[];
  readonly datatypePropagateSourceType: readonly RegExp[];
  /** `column.mask.with.<N>.chars`: the value is replaced by N asterisks. */
  readonly maskWithChars: readonly ColumnLengthRule[];
  /** `column.mask.hash[.v2].<algorithm>.with.salt.<salt>`. */
  readonly maskHash: readonly ColumnHashRule[];
  /** `column.truncate.to.<N>.chars`. */
  readonly truncateToChars: readonly ColumnLengthRule[];
}

const MASK_WITH = /^column\.mask\.with\.(\d+)\.chars$/;
const MASK_HASH = /^column\.mask\.hash\.(v2\.)?([^.]+)\.with\.salt\.(.+)$/;
const TRUNCATE = /^column\.truncate\.to\.(\d+)\.chars$/;

function columnPatterns(property: string, value: string, report: Report): RegExp[] {
  const { patterns, errors } = compilePatternList(value);
  for (const message of errors) report({ property, message });
  return patterns;
}

export const columnsArea = defineArea({
  schema: columnsSchema,
  prefixes: ['column.mask.', 'column.truncate.'],
  build(v, raw, report): ColumnsConfig {
    const maskWithChars: ColumnLengthRule[] = [];
    const maskHash: ColumnHashRule[] = [];
    const truncateToChars: ColumnLengthRule[] = [];
    for (const [property, value] of Object.entries(raw)) {
      if (!property.startsWith('column.mask.') && !property.startsWith('column.truncate.')) continue;
      let m: RegExpExecArray | null;
      if ((m = MASK_WITH.exec(property))) {
        maskWithChars.push({ length: Number(m[1]), columns: columnPatterns(property, value, report) });
      } else if ((m = TRUNCATE.exec(property))) {
        const length = Number(m[1]);
        if (length < 1) report({ property, message: 'the length in the name must be a positive integer' });
        truncateToChars.push({ length, columns: columnPatterns(property, value, report) });
      } else if ((m = MASK_HASH.exec(property))) {
        if (nodeDigest(m[2]!) === undefined) report({ property, message: `unknown hash algorithm ${m[2]}; expected one of ${SUPPORTED_DIGESTS}` });
        maskHash.push({ algorithm: m[2]!, salt: m[3]!, version: m[1] ? 2 : 1, columns: columnPatterns(property, value, report) });
      } else {
        report({
          severity: 'warning',
          property,
          message:
            'unknown property; column rules are named column.mask.with.<N>.chars, column.mask.hash[.v2].<algorithm>.with.salt.<salt> or column.truncate.to.<N>.chars',
        });
      }
    }
    return {
      propagateSourceType: v['column.propagate.source.type'],
      datatypePropagateSourceType: v['datatype.propagate.source.type'],
      maskWithChars,
      maskHash,
      truncateToChars,
    };
  },
});
