// Converters per connector (`key.converter` / `value.converter` and their `*.converter.*` options),
// as Kafka Connect configures them: the Confluent AvroConverter (default; through the worker's
// schema registry unless `*.converter.schema.registry.url` names another) or Kafka's JsonConverter.
// Each converter is synchronous once the (topic, schema) pair is prepared; only Avro prepares
// (registers) anything, once per pair.
import type { ConnectSchema, ConnectValue } from '../connect/schema.js';
import { BinlogdError } from '../errors.js';
import { defaultsApplier } from './connect-defaults.js';
import { createJsonConverter } from './json-converter.js';
import type { AvroSerializer } from './serializer.js';

export const AVRO_CONVERTER = 'io.confluent.connect.avro.AvroConverter';
export const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';

export type ConverterConfig =
  | {
    readonly class: typeof AVRO_CONVERTER; readonly registryUrl?: string; readonly auth?: { readonly username: string; readonly password: string };
    /** AvroData's ignore.default.for.nullables: a null stays null instead of becoming the field's default. */
    readonly ignoreDefaultForNullables?: boolean;
  }
  | { readonly class: typeof JSON_CONVERTER; readonly schemasEnable: boolean; readonly decimalFormat: 'BASE64' | 'NUMERIC'; readonly replaceNullWithDefault: boolean };

export interface ConverterFinding {
  readonly severity?: 'error' | 'warning';
  readonly property: string;
  readonly message: string;
}

const AVRO_OPTIONS = new Set(['schema.registry.url', 'basic.auth.credentials.source', 'basic.auth.user.info', 'auto.register.schemas',
  'key.subject.name.strategy', 'value.subject.name.strategy', 'connect.meta.data', 'enhanced.avro.schema.support', 'schemas.cache.config',
  'scrub.invalid.names', 'discard.type.doc.default', 'ignore.default.for.nullables']);
const JSON_OPTIONS = new Set(['schemas.enable', 'decimal.format', 'replace.null.with.default', 'schemas.cache.size']);
const TOPIC_NAME_STRATEGY = 'io.confluent.kafka.serializers.subject.TopicNameStrategy';

/**
 * Reads `<kind>.converter` and its `<kind>.converter.<option>` properties. Options that would change
 * the bytes in a way binlogd does not implement are errors, so nothing is written in a format
 * the user did not ask for.
 */
export function parseConverter(kind: 'key' | 'value', raw: Readonly<Record<string, string>>, report: (finding: ConverterFinding) => void): ConverterConfig {
  const property = `${kind}.converter`;
  const className = raw[property]?.trim() || AVRO_CONVERTER;
  const option = (name: string): string | undefined => raw[`${property}.${name}`]?.trim() || undefined;
  const prefix = `${property}.`;
  const options = Object.keys(raw).filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
  const bool = (name: string, fallback: boolean): boolean => {
    const text = option(name)?.toLowerCase();
    if (text === undefined) return fallback;
    if (text !== 'true' && text !== 'false') report({ property: `${prefix}${name}`, message: 'expected true or false' });
    return text === 'true';
  };
  if (className === AVRO_CONVERTER) {
    for (const name of options.filter((o) => !AVRO_OPTIONS.has(o))) report({ severity: 'warning', property: `${prefix}${name}`, message: `is not an option binlogd reads for ${AVRO_CONVERTER}; ignored` });
    if (!bool('auto.register.schemas', true)) report({ property: `${prefix}auto.register.schemas`, message: 'binlogd always registers schemas (true)' });
    for (const strategy of ['key.subject.name.strategy', 'value.subject.name.strategy']) {
      const value = option(strategy);
      if (value !== undefined && value !== TOPIC_NAME_STRATEGY) report({ property: `${prefix}${strategy}`, message: `binlogd uses ${TOPIC_NAME_STRATEGY} (subjects <topic>-key and <topic>-value)` });
    }
    if (bool('enhanced.avro.schema.support', false) || !bool('connect.meta.data', true)) {
      report({ severity: 'warning', property: prefix + 'connect.meta.data', message: 'binlogd writes the AvroConverter\'s default schemas (connect.meta.data=true, enhanced.avro.schema.support=false)' });
    }
    const url = option('schema.registry.url')?.split(',')[0]?.trim();
    if (url !== undefined && !/^https?:\/\/[^\s/]+/.test(url)) report({ property: `${prefix}schema.registry.url`, message: 'expected an http:// or https:// URL' });
    const source = (option('basic.auth.credentials.source') ?? 'URL').toUpperCase();
    const userInfo = option('basic.auth.user.info');
    let auth: { username: string; password: string } | undefined;
    if (source === 'USER_INFO' && userInfo !== undefined) {
      const colon = userInfo.indexOf(':');
      if (colon < 0) report({ property: `${prefix}basic.auth.user.info`, message: 'expected user:password' });
      else auth = { username: userInfo.slice(0, colon), password: userInfo.slice(colon + 1) };
    }
    return {
      class: AVRO_CONVERTER, ...(url === undefined ? {} : { registryUrl: url }), ...(auth === undefined ? {} : { auth }),
      ignoreDefaultForNullables: bool('ignore.default.for.nullables', false),
    };
  }
  if (className === JSON_CONVERTER) {
    for (const name of options.filter((o) => !JSON_OPTIONS.has(o))) report({ severity: 'warning', property: `${prefix}${name}`, message: `is not an option of ${JSON_CONVERTER}; ignored` });
    const format = (option('decimal.format') ?? 'BASE64').toUpperCase();
    if (format !== 'BASE64' && format !== 'NUMERIC') report({ property: `${prefix}decimal.format`, message: 'expected BASE64 or NUMERIC' });
    return {
      class: JSON_CONVERTER,
      schemasEnable: bool('schemas.enable', true),
      decimalFormat: format === 'NUMERIC' ? 'NUMERIC' : 'BASE64',
      replaceNullWithDefault: bool('replace.null.with.default', true),
    };
  }
  report({ property, message: `expected ${AVRO_CONVERTER} or ${JSON_CONVERTER}` });
  return { class: AVRO_CONVERTER };
}

/** Encodes one key or value; synchronous. */
export type Encoder = (value: ConnectValue) => Buffer | null;

export interface RecordConverter {
  readonly className: string;
  /** The encoder for a topic and schema once prepared, else undefined (call prepare). */
  ready(topic: string, schema: ConnectSchema | null): Encoder | undefined;
  prepare(topic: string, schema: ConnectSchema): Promise<Encoder>;
}

const nullOnly: Encoder = (value) => {
  if (value !== null) throw new BinlogdError('INTERNAL', 'a record has a value but no schema');
  return null;
};

export function createConverter(kind: 'key' | 'value', config: ConverterConfig, avro: () => AvroSerializer): RecordConverter {
  if (config.class === JSON_CONVERTER) {
    const json = createJsonConverter(config);
    const encoders = new WeakMap<ConnectSchema, Encoder>();
    const schemaless: Encoder = (value) => json(null, value);
    const ready = (_topic: string, schema: ConnectSchema | null): Encoder => {
      if (schema === null) return schemaless;
      let encoder = encoders.get(schema);
      if (encoder === undefined) {
        encoder = (value) => json(schema, value);
        encoders.set(schema, encoder);
      }
      return encoder;
    };
    return { className: JSON_CONVERTER, ready, prepare: async (topic, schema) => ready(topic, schema) };
  }
  const serializer = avro();
  const appliers = new WeakMap<ConnectSchema, ((value: ConnectValue) => ConnectValue) | null>();
  const wrapped = new WeakMap<Encoder, Encoder>();
  // The registry's serializer encodes the struct as it is; the converter decides what a null reads as.
  const encoder = (schema: ConnectSchema, serialize: Encoder): Encoder => {
    if (config.ignoreDefaultForNullables) return serialize;
    let found = wrapped.get(serialize);
    if (found === undefined) {
      let apply = appliers.get(schema);
      if (apply === undefined) {
        apply = defaultsApplier(schema) ?? null;
        appliers.set(schema, apply);
      }
      const fill = apply;
      found = fill === null ? serialize : (value) => serialize(fill(value));
      wrapped.set(serialize, found);
    }
    return found;
  };
  return {
    className: AVRO_CONVERTER,
    ready(topic, schema) {
      if (schema === null) return nullOnly;
      const prepared = serializer.ready(kind, topic, schema);
      return prepared && encoder(schema, prepared.serialize);
    },
    async prepare(topic, schema) {
      const prepared = kind === 'key' ? await serializer.prepareKey(topic, schema) : await serializer.prepareValue(topic, schema);
      return encoder(schema, prepared.serialize);
    },
  };
}
