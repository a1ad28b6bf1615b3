// A model of Java Avro's Schema objects and of Schema.toString(), which is what the Confluent serializer
// registers. What matters for byte equality: properties in insertion order; a named type is written in
// full once and then referenced by name (short when in the enclosing namespace); "namespace" is written
// only when it differs from the enclosing one ("" for a null namespace inside a non-null one); field
// keys in the order name, type, doc, default.

import { BinlogdError } from '../errors.js';
import { type JTree, toJsonText } from './avro-json.js';

export type AvroProps = Map<string, JTree>;

export type AvroNode = AvroPrimitive | AvroRecord | AvroArray | AvroMap | AvroUnion;

export interface AvroPrimitive {
  readonly kind: 'primitive';
  readonly type: 'int' | 'long' | 'float' | 'double' | 'boolean' | 'string' | 'bytes' | 'null';
  readonly props: AvroProps;
}

export interface AvroRecord {
  readonly kind: 'record';
  readonly name: string;
  readonly space: string | null;
  readonly doc: string | null;
  fields: AvroField[];
  readonly props: AvroProps;
}

export interface AvroField {
  readonly name: string;
  readonly type: AvroNode;
  readonly doc: string | null;
  /** `undefined`: the field has no default; `null`: the JSON null default. */
  readonly defaultValue: JTree | undefined;
}

export interface AvroArray {
  readonly kind: 'array';
  readonly items: AvroNode;
  readonly props: AvroProps;
}

export interface AvroMap {
  readonly kind: 'map';
  readonly values: AvroNode;
  readonly props: AvroProps;
}

export interface AvroUnion {
  readonly kind: 'union';
  readonly types: readonly AvroNode[];
}

/** Schema.Type names: a type whose simple name is one of them is always referenced by full name. */
const TYPE_NAMES = new Set([
  'record', 'enum', 'array', 'map', 'union', 'fixed',
  'string', 'bytes', 'int', 'long', 'float', 'double', 'boolean', 'null',
]);

export function fullName(record: AvroRecord): string {
  return record.space === null ? record.name : `${record.space}.${record.name}`;
}

interface RenderState {
  space: string | null;
  readonly names: Map<string, AvroRecord>;
}

/** Schema.toJson(new Names(), gen) as a JTree. */
export function renderAvro(node: AvroNode): JTree {
  return render(node, { space: null, names: new Map() });
}

function render(node: AvroNode, state: RenderState): JTree {
  switch (node.kind) {
    case 'primitive':
      return node.props.size === 0 ? node.type : withProps(new Map([['type', node.type]]), node.props);
    case 'array':
      return withProps(new Map<string, JTree>([['type', 'array'], ['items', render(node.items, state)]]), node.props);
    case 'map':
      return withProps(new Map<string, JTree>([['type', 'map'], ['values', render(node.values, state)]]), node.props);
    case 'union':
      return node.types.map((type) => render(type, state));
    case 'record':
      return renderRecord(node, state);
  }
}

function renderRecord(record: AvroRecord, state: RenderState): JTree {
  const full = fullName(record);
  const known = state.names.get(full);
  if (known !== undefined) {
    if (known !== record && !sameRecord(known, record)) {
      // Java Avro refuses this too (SchemaParseException "Can't redefine").
      throw new BinlogdError('INTERNAL', `two different Avro records are named ${full}`);
    }
    const short = record.space !== null && record.space === state.space && !TYPE_NAMES.has(record.name);
    return short ? record.name : full;
  }
  state.names.set(full, record);
  const out = new Map<string, JTree>([['type', 'record'], ['name', record.name]]);
  if (record.space !== null) {
    if (record.space !== state.space) out.set('namespace', record.space);
  } else if (state.space !== null) {
    out.set('namespace', '');
  }
  const savedSpace = state.space;
  state.space = record.space;
  if (record.doc !== null) out.set('doc', record.doc);
  out.set('fields', record.fields.map((field) => {
    const json = new Map<string, JTree>([['name', field.name], ['type', render(field.type, state)]]);
    if (field.doc !== null) json.set('doc', field.doc);
    if (field.defaultValue !== undefined) json.set('default', field.defaultValue);
    return json;
  }));
  withProps(out, record.props);
  state.space = savedSpace;
  return out;
}

function withProps(out: Map<string, JTree>, props: AvroProps): Map<string, JTree> {
  for (const [key, value] of props) out.set(key, value);
  return out;
}

function sameRecord(a: AvroRecord, b: AvroRecord): boolean {
  return toJsonText(renderAvro(a)) === toJsonText(renderAvro(b));
}
