// The transforms chain (`transforms=a,b`, `transforms.<alias>.type`, options, `predicate`/`negate`):
// each transform is built from its class name and its own option schema, and the chain applies
// them in order; a null from any transform drops the record, as in Kafka Connect.
import type { z } from 'zod';
import type { PredicateConfig, TransformConfig } from '../config/transforms.js';
import { compileWhole } from './java-regex.js';
import { BY_LOGICAL_TABLE_ROUTER, byLogicalTableRouterOptions, createByLogicalTableRouter } from './by-logical-table-router.js';
import { createEventRouter, EVENT_ROUTER, eventRouterOptions } from './event-router.js';
import { createExtractNewRecordState, EXTRACT_NEW_RECORD_STATE, extractNewRecordStateOptions } from './extract-new-record-state.js';
import type { ConnectRecord, Transform, TransformContext } from './record.js';
import { createRegexRouter, REGEX_ROUTER, regexRouterOptions } from './regex-router.js';

interface TransformType {
  readonly options: z.ZodObject;
  readonly create: (options: never, context: TransformContext) => Transform;
}

/** Every SMT class binlogd runs, with the schema of its options. */
export const TRANSFORM_TYPES: Readonly<Record<string, TransformType>> = {
  [EXTRACT_NEW_RECORD_STATE]: { options: extractNewRecordStateOptions, create: createExtractNewRecordState },
  [EVENT_ROUTER]: { options: eventRouterOptions, create: createEventRouter },
  [REGEX_ROUTER]: { options: regexRouterOptions, create: createRegexRouter },
  [BY_LOGICAL_TABLE_ROUTER]: { options: byLogicalTableRouterOptions, create: createByLogicalTableRouter },
};

/** Kafka's predicates (org.apache.kafka.connect.transforms.predicates.*). */
export const PREDICATE_TYPES: Readonly<Record<string, readonly string[]>> = {
  'org.apache.kafka.connect.transforms.predicates.TopicNameMatches': ['pattern'],
  'org.apache.kafka.connect.transforms.predicates.HasHeaderKey': ['name'],
  'org.apache.kafka.connect.transforms.predicates.RecordIsTombstone': [],
};

function predicate(config: PredicateConfig): (record: ConnectRecord) => boolean {
  switch (config.type) {
    case 'org.apache.kafka.connect.transforms.predicates.TopicNameMatches': {
      const regex = compileWhole(config.options['pattern'] ?? '');
      return (record) => regex.test(record.topic);
    }
    case 'org.apache.kafka.connect.transforms.predicates.HasHeaderKey': {
      const name = config.options['name'] ?? '';
      return (record) => name in record.headers;
    }
    default:
      return (record) => record.value === null;
  }
}

export interface ChainStep {
  readonly alias: string;
  /** The SMT class: named in error reports (`__connect.errors.class.name`). */
  readonly type: string;
  readonly apply: Transform;
}

/** Builds each configured transform; the config was validated, so a failure here is a bug. */
export function buildChain(configs: readonly TransformConfig[], context: TransformContext): ChainStep[] {
  return configs.map((config) => {
    const type = TRANSFORM_TYPES[config.type];
    if (type === undefined) throw new Error(`transform ${config.alias}: unsupported type ${config.type}`);
    const options = type.options.parse(config.options);
    const transform = type.create(options as never, context);
    if (config.predicate === undefined) return { alias: config.alias, type: config.type, apply: transform };
    const test = predicate(config.predicate);
    const negate = config.negate;
    return { alias: config.alias, type: config.type, apply: (record) => (test(record) !== negate ? transform(record) : record) };
  });
}
