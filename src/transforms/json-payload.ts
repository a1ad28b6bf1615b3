// EventRouter's `table.expand.json.payload`: a JSON text payload becomes a Connect struct, with the
// schema inferred as Debezium's JsonSchemaData does (ints stay int32 or int64, fractions are
// float64, nulls left out or optional bytes, arrays typed by their first element, object elements
// merged). Number literals are read from the text itself: JSON.parse would lose int vs long vs
// double. Equal inferred schemas are one object, so the converters prepare each shape once.
import type { ConnectField, ConnectSchema, ConnectStruct, ConnectValue } from '../connect/schema.js';

type Node =
  | { kind: 'null' } | { kind: 'boolean'; value: boolean } | { kind: 'string'; value: string }
  | { kind: 'number'; text: string } | { kind: 'array'; items: Node[] } | { kind: 'object'; entries: Array<[string, Node]> };

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const interned = new Map<string, ConnectSchema>();

function intern(schema: ConnectSchema): ConnectSchema {
  const key = JSON.stringify(schema);
  const found = interned.get(key);
  if (found) return found;
  if (interned.size < 10_000) interned.set(key, schema);
  return schema;
}

/** The struct a JSON object text becomes, or undefined when it is not an object Debezium expands. */
export function jsonToConnect(name: string, text: string, nulls: 'ignore' | 'optional_bytes'): { schema: ConnectSchema; value: ConnectValue } | undefined {
  if (!text.startsWith('{')) return undefined; // arrays and scalars stay text, as in Debezium
  let node: Node;
  try {
    node = new Parser(text).document();
    const schema = schemaOf(name, node, nulls);
    if (schema === null || schema.type !== 'struct') return undefined;
    const stable = intern(schema);
    return { schema: stable, value: valueOf(node, stable) };
  } catch {
    return undefined;
  }
}

function numberSchema(text: string): ConnectSchema {
  if (/^-?\d+$/.test(text)) {
    const n = BigInt(text);
    if (n >= INT32_MIN && n <= INT32_MAX) return { type: 'int32', optional: true };
    if (n >= INT64_MIN && n <= INT64_MAX) return { type: 'int64', optional: true };
  }
  return { type: 'float64', optional: true };
}

function schemaOf(key: string | null, node: Node, nulls: 'ignore' | 'optional_bytes'): ConnectSchema | null {
  switch (node.kind) {
    case 'string': return { type: 'string', optional: true };
    case 'boolean': return { type: 'boolean', optional: true };
    case 'number': return numberSchema(node.text);
    case 'null': return nulls === 'optional_bytes' ? { type: 'bytes', optional: true } : null;
    case 'array': {
      if (node.items.length === 0) return null;
      return { type: 'array', optional: true, items: arrayItems(key, node.items, nulls) };
    }
    case 'object': {
      const fields: ConnectField[] = [];
      for (const [name, value] of node.entries) {
        const schema = schemaOf(`${key ? `${key}.` : ''}${name}`, value, nulls);
        if (schema !== null && !fields.some((f) => f.name === name)) fields.push({ name, schema });
      }
      return { type: 'struct', optional: true, ...(key ? { name: key } : {}), fields };
    }
  }
}

function arrayItems(key: string | null, items: Node[], nulls: 'ignore' | 'optional_bytes'): ConnectSchema {
  const present = items.filter((n) => n.kind !== 'null');
  const first = present[0];
  if (first === undefined) throw new Error('array of nulls');
  for (const item of present) {
    if (item.kind !== first.kind) throw new Error('Field is not a homogenous array');
    if (item.kind === 'number' && numberSchema(item.text).type !== numberSchema((first as { text: string }).text).type) throw new Error('different number types');
  }
  if (first.kind !== 'object') {
    const schema = schemaOf(null, first, nulls);
    if (schema === null) throw new Error('unrecognized member schema');
    return schema;
  }
  let merged: ConnectSchema | null = null;
  for (const item of present) {
    const schema = schemaOf(key, item, nulls)!;
    if (merged === null) { merged = schema; continue; }
    const fields: ConnectField[] = [...merged.fields!];
    for (const f of schema.fields!) {
      const at = fields.findIndex((g: ConnectField) => g.name === f.name);
      if (at < 0) fields.push(f);
      else if (fields[at]!.schema.type === 'bytes' && f.schema.type !== 'bytes') fields[at] = f;
    }
    merged = { ...merged, optional: false, fields };
  }
  return merged!;
}

function valueOf(node: Node, schema: ConnectSchema): ConnectValue {
  switch (node.kind) {
    case 'null': return null;
    case 'string': return node.value;
    case 'boolean': return node.value;
    case 'number':
      if (schema.type === 'int64') return BigInt(node.text);
      return Number(node.text);
    case 'array': return node.items.map((item) => valueOf(item, schema.items!));
    case 'object': {
      const out: ConnectStruct = {};
      for (const f of schema.fields ?? []) {
        const entry = node.entries.find(([name]) => name === f.name);
        out[f.name] = entry === undefined ? null : valueOf(entry[1], f.schema);
      }
      return out;
    }
  }
}

/** A strict JSON reader that keeps number literals as text. */
class Parser {
  private at = 0;
  constructor(private readonly text: string) {}

  document(): Node {
    const node = this.value();
    this.space();
    if (this.at !== this.text.length) throw new Error('trailing characters');
    return node;
  }

  private space(): void {
    while (/\s/.test(this.text[this.at] ?? '')) this.at++;
  }

  private value(): Node {
    this.space();
    const c = this.text[this.at];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return { kind: 'string', value: this.string() };
    for (const [word, node] of [['true', { kind: 'boolean', value: true }], ['false', { kind: 'boolean', value: false }], ['null', { kind: 'null' }]] as const) {
      if (this.text.startsWith(word, this.at)) { this.at += word.length; return node; }
    }
    const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.at));
    if (!number) throw new Error(`unexpected character at ${this.at}`);
    this.at += number[0].length;
    return { kind: 'number', text: number[0] };
  }

  private string(): string {
    const match = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(this.text.slice(this.at));
    if (!match) throw new Error(`bad string at ${this.at}`);
    this.at += match[0].length;
    return JSON.parse(match[0]) as string;
  }

  private array(): Node {
    this.at++;
    const items: Node[] = [];
    this.space();
    if (this.text[this.at] === ']') { this.at++; return { kind: 'array', items }; }
    for (;;) {
      items.push(this.value());
      this.space();
      const c = this.text[this.at++];
      if (c === ']') return { kind: 'array', items };
      if (c !== ',') throw new Error(`expected , or ] at ${this.at - 1}`);
    }
  }

  private object(): Node {
    this.at++;
    const entries: Array<[string, Node]> = [];
    this.space();
    if (this.text[this.at] === '}') { this.at++; return { kind: 'object', entries }; }
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') throw new Error(`expected a name at ${this.at}`);
      const name = this.string();
      this.space();
      if (this.text[this.at++] !== ':') throw new Error(`expected : at ${this.at - 1}`);
      entries.push([name, this.value()]);
      this.space();
      const c = this.text[this.at++];
      if (c === '}') return { kind: 'object', entries };
      if (c !== ',') throw new Error(`expected , or } at ${this.at - 1}`);
    }
  }
}
