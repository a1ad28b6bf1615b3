// Single message transforms and predicates, Kafka Connect style: `transforms=a,b`,
// `transforms.a.type=<class>`, `transforms.a.<option>`, `transforms.a.predicate`/`.negate`.
// The chain is read here and each transform's options are checked with the transform's own
// schema (src/transforms), so a bad value is reported at validation with the property's name.
import { z } from 'zod';
import { defineArea, propertiesUnder, type Report } from './area.js';
import { closestName } from './closest.js';
import { PREDICATE_TYPES, TRANSFORM_TYPES } from '../transforms/chain.js';
import { patternProblem } from '../transforms/java-regex.js';
import { list } from './values.js';

/** Options a Debezium release removed that binlogd still applies, with what to tell the user. */
const LEGACY_OPTIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'io.debezium.transforms.ExtractNewRecordState': {
    'drop.tombstones': 'was removed in Debezium 3.2 (which ignores it); binlogd applies it as Debezium 3.1 did. Prefer delete.tombstone.handling.mode',
    'delete.handling.mode': 'was removed in Debezium 3.2 (which ignores it); binlogd applies it as Debezium 3.1 did. Prefer delete.tombstone.handling.mode (rewrite, rewrite-with-tombstone, …)',
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
  const known = TRANSFORM_TYPES[type];
  if (!known) {
    report({ property: `transforms.${alias}.type`, message: `is not a transform binlogd runs; supported: ${Object.keys(TRANSFORM_TYPES).join(', ')}` });
    return;
  }
  const names = Object.keys(known.options.shape);
  for (const option of Object.keys(options)) {
    const property = `transforms.${alias}.${option}`;
    const legacy = LEGACY_OPTIONS[type]?.[option];
    if (legacy !== undefined) report({ severity: 'warning', property, message: legacy });
    if (names.includes(option)) continue;
    const near = closestName(option, names);
    report({ severity: 'warning', property, message: near ? `unknown option of ${type}; did you mean transforms.${alias}.${near}?` : `unknown option of ${type}` });
  }
  const parsed = known.options.safeParse(options);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) report({ property: `transforms.${alias}.${String(issue.path[0] ?? '')}`, message: issue.message });
  }
  for (const option of ['regex', 'route.topic.regex', 'topic.regex', 'key.field.regex']) {
    const pattern = options[option];
    if (!names.includes(option) || pattern === undefined || pattern.trim() === '') continue;
    const problem = patternProblem(pattern);
    if (problem !== undefined) report({ property: `transforms.${alias}.${option}`, message: problem });
  }
}

function checkPredicate(alias: string, type: string, options: Readonly<Record<string, string>>, report: Report): void {
  const known = PREDICATE_TYPES[type];
  if (known === undefined) {
    report({ property: `predicates.${alias}.type`, message: `is not a predicate binlogd runs; supported: ${Object.keys(PREDICATE_TYPES).join(', ')}` });
    return;
  }
  for (const option of known) {
    if (!options[option]?.trim()) report({ property: `predicates.${alias}.${option}`, message: `is required by ${type}` });
  }
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
      const type = aliasType('predicates', alias, raw, report);
      const options = propertiesUnder(raw, `predicates.${alias}.`, ['type']);
      if (type !== '') checkPredicate(alias, type, options, report);
      predicates.set(alias, { alias, type, options });
    }
    return v.transforms.map((alias): TransformConfig => {
      const prefix = `transforms.${alias}.`;
      const type = aliasType('transforms', alias, raw, report);
      const options = propertiesUnder(raw, prefix, ['type', 'predicate', 'negate']);
      if (type !== '') checkOptions(alias, type, options, report);
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
