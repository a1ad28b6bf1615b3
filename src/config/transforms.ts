// Single message transforms and predicates, Kafka Connect style: `transforms=a,b`,
// `transforms.a.type=<class>`, `transforms.a.<option>`, `transforms.a.predicate`/`.negate`.
// Here only the chain is read and option names are checked against the SMTs Debezium users
// bring (reference §8); each transform parses its own options with its own schema.
import { z } from 'zod';
import { defineArea, propertiesUnder, type Report } from './area.js';
import { closestName } from './closest.js';
import { list, regexProblem } from './values.js';

interface KnownTransform {
  readonly options: readonly string[];
  readonly required?: readonly string[];
  /** Options a Debezium release removed, with what to use instead. */
  readonly removed?: Readonly<Record<string, string>>;
}

const KNOWN_TRANSFORMS: Readonly<Record<string, KnownTransform>> = {
  'io.debezium.transforms.ExtractNewRecordState': {
    options: [
      'delete.tombstone.handling.mode', 'route.by.field', 'add.fields', 'add.fields.prefix', 'add.headers', 'add.headers.prefix',
      'drop.fields.header.name', 'drop.fields.from.key', 'drop.fields.keep.schema.compatible', 'replace.null.with.default',
    ],
    removed: {
      'drop.tombstones': 'was removed in Debezium 3.2 and is ignored; use delete.tombstone.handling.mode',
      'delete.handling.mode': 'was removed in Debezium 3.2 and is ignored; use delete.tombstone.handling.mode (e.g. rewrite or rewrite-with-tombstone)',
    },
  },
  'io.debezium.transforms.outbox.EventRouter': {
    options: [
      'table.field.event.id', 'table.field.event.key', 'table.field.event.type', 'table.field.event.payload', 'table.field.event.timestamp',
      'table.field.event.schema.version', 'table.fields.additional.placement', 'table.fields.additional.error.on.missing',
      'table.field.additional.missing', 'table.op.invalid.behavior', 'table.expand.json.payload', 'table.json.payload.null.behavior',
      'route.by.field', 'route.topic.regex', 'route.topic.replacement', 'route.tombstone.on.empty.payload',
      'tracing.span.context.field', 'tracing.operation.name', 'tracing.with.context.field.only',
    ],
  },
  'org.apache.kafka.connect.transforms.RegexRouter': { options: ['regex', 'replacement'], required: ['regex', 'replacement'] },
  'io.debezium.transforms.ByLogicalTableRouter': {
    options: [
      'topic.regex', 'topic.replacement', 'key.enforce.uniqueness', 'key.field.name', 'key.field.regex', 'key.field.replacement',
      'schema.name.adjustment.mode', 'logical.table.cache.size',
    ],
    required: ['topic.regex', 'topic.replacement'],
  },
};

export interface PredicateConfig {
  readonly alias: string;
  readonly type: string;
  readonly options: Readonly<Record<string, string>>;
}

export interface TransformConfig {
  readonly alias: string;
  /** The SMT class, e.g. `io.debezium.transforms.ExtractNewRecordState`. */
  readonly type: string;
  /** `transforms.<alias>.<option>` keyed by option. */
  readonly options: Readonly<Record<string, string>>;
  readonly predicate?: PredicateConfig;
  /** Apply the transform when the predicate does NOT match. */
  readonly negate: boolean;
}

export const transformsSchema = z.object({
  transforms: list('Aliases of the transforms applied to each record, in order; each needs transforms.<alias>.type.'),
  predicates: list('Aliases of predicates that transforms can be conditioned on (transforms.<alias>.predicate).'),
});

function checkOptions(alias: string, type: string, options: Readonly<Record<string, string>>, report: Report): void {
  const known = KNOWN_TRANSFORMS[type];
  if (!known) return;
  for (const option of Object.keys(options)) {
    if (known.options.includes(option)) continue;
    const property = `transforms.${alias}.${option}`;
    const removed = known.removed?.[option];
    const near = closestName(option, known.options);
    const message = removed ?? (near ? `unknown option of ${type}; did you mean transforms.${alias}.${near}?` : `unknown option of ${type}`);
    report({ severity: 'warning', property, message });
  }
  for (const option of known.required ?? []) {
    if (!options[option]?.trim()) report({ property: `transforms.${alias}.${option}`, message: `is required by ${type}` });
  }
  const regex = type === 'org.apache.kafka.connect.transforms.RegexRouter' ? options['regex'] : undefined;
  const problem = regex ? regexProblem(regex) : undefined;
  if (problem !== undefined) report({ property: `transforms.${alias}.regex`, message: problem });
}

/** Aliases listed twice, and properties of aliases that are not listed (Kafka Connect ignores those). */
function checkAliases(kind: 'transforms' | 'predicates', aliases: readonly string[], raw: Readonly<Record<string, string>>, report: Report): void {
  const seen = new Set<string>();
  for (const alias of aliases) {
    if (seen.has(alias)) report({ property: kind, message: `lists "${alias}" more than once` });
    seen.add(alias);
  }
  for (const property of Object.keys(raw)) {
    if (!property.startsWith(`${kind}.`)) continue;
    const alias = aliases.find((a) => property.startsWith(`${kind}.${a}.`));
    if (alias === undefined) report({ severity: 'warning', property, message: `is ignored: its alias is not listed in ${kind}` });
  }
}

function aliasType(kind: 'transforms' | 'predicates', alias: string, raw: Readonly<Record<string, string>>, report: Report): string {
  const type = raw[`${kind}.${alias}.type`]?.trim() ?? '';
  if (type === '') report({ property: `${kind}.${alias}.type`, message: `is required: "${alias}" is listed in ${kind}` });
  return type;
}

export const transformsArea = defineArea({
  schema: transformsSchema,
  prefixes: ['transforms.', 'predicates.'],
  build(v, raw, report): readonly TransformConfig[] {
    checkAliases('transforms', v.transforms, raw, report);
    checkAliases('predicates', v.predicates, raw, report);
    const predicates = new Map<string, PredicateConfig>();
    for (const alias of v.predicates) {
      predicates.set(alias, { alias, type: aliasType('predicates', alias, raw, report), options: propertiesUnder(raw, `predicates.${alias}.`, ['type']) });
    }
    return v.transforms.map((alias): TransformConfig => {
      const prefix = `transforms.${alias}.`;
      const type = aliasType('transforms', alias, raw, report);
      const options = propertiesUnder(raw, prefix, ['type', 'predicate', 'negate']);
      checkOptions(alias, type, options, report);
      const predicateAlias = raw[`${prefix}predicate`]?.trim() || undefined;
      const predicate = predicateAlias === undefined ? undefined : predicates.get(predicateAlias);
      if (predicateAlias !== undefined && predicate === undefined) {
        report({ property: `${prefix}predicate`, message: `names "${predicateAlias}", which is not listed in predicates` });
      }
      const negateText = raw[`${prefix}negate`]?.trim().toLowerCase() || 'false';
      if (negateText !== 'true' && negateText !== 'false') report({ property: `${prefix}negate`, message: 'expected true or false' });
      return { alias, type, options, predicate, negate: negateText === 'true' };
    });
  },
});
