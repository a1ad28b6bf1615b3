// A small JSON tree that keeps what JavaScript's JSON loses, so a schema can be written byte for byte
// as Java Avro (Jackson) writes it: key order (Maps, even for integer-like keys) and the Java type of
// each number. Jackson writes a Double default `0` as `0.0` and a Float with Float.toString, and Avro
// compares defaults by Jackson node type, so `0` and `0.0` are different schemas to the registry.

export type JavaNumberKind = 'int' | 'long' | 'float' | 'double';

export class JavaNumber {
  constructor(readonly kind: JavaNumberKind, readonly value: number | bigint) {}
}

export type JTree = null | boolean | string | JavaNumber | JTree[] | Map<string, JTree>;

/** Plain JSON value: what JSON.parse of the text gives, except int64 values beyond 2^53 (strings). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function toPlainJson(tree: JTree): JsonValue {
  if (tree instanceof JavaNumber) {
    const n = Number(tree.value);
    // A JS number cannot hold every int64: beyond 2^53 the exact digits go as a string (our long
    // type reads both). Jackson quotes non-finite numbers (QUOTE_NON_NUMERIC_NUMBERS is on by default).
    if (typeof tree.value === 'bigint' && !Number.isSafeInteger(n)) return tree.value.toString();
    return Number.isFinite(n) ? n : javaNumberText(tree).slice(1, -1);
  }
  if (tree instanceof Map) {
    const out: { [key: string]: JsonValue } = {};
    for (const [key, value] of tree) out[key] = toPlainJson(value);
    return out;
  }
  if (Array.isArray(tree)) return tree.map(toPlainJson);
  return tree;
}

export function toJsonText(tree: JTree): string {
  if (tree === null) return 'null';
  if (typeof tree === 'boolean') return tree ? 'true' : 'false';
  if (typeof tree === 'string') return javaQuote(tree);
  if (tree instanceof JavaNumber) return javaNumberText(tree);
  if (Array.isArray(tree)) return '[' + tree.map(toJsonText).join(',') + ']';
  let out = '{';
  let first = true;
  for (const [key, value] of tree) {
    out += (first ? '' : ',') + javaQuote(key) + ':' + toJsonText(value);
    first = false;
  }
  return out + '}';
}

/** Jackson's string escaping: short escapes for \b \t \n \f \r, `\u00XX` (upper-case hex) for other controls. */
export function javaQuote(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) continue;
    out += s.slice(start, i);
    start = i + 1;
    switch (c) {
      case 0x22: out += '\\"'; break;
      case 0x5c: out += '\\\\'; break;
      case 0x08: out += '\\b'; break;
      case 0x09: out += '\\t'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0c: out += '\\f'; break;
      case 0x0d: out += '\\r'; break;
      default: out += '\\u00' + c.toString(16).toUpperCase().padStart(2, '0');
    }
  }
  return out + s.slice(start) + '"';
}

export function javaNumberText(n: JavaNumber): string {
  if (n.kind === 'int' || n.kind === 'long') {
    return typeof n.value === 'bigint' ? n.value.toString() : BigInt(Math.trunc(n.value)).toString();
  }
  const v = Number(n.value);
  if (Number.isNaN(v)) return '"NaN"';
  if (!Number.isFinite(v)) return v > 0 ? '"Infinity"' : '"-Infinity"';
  return n.kind === 'float' ? javaFloatToString(v) : javaDoubleToString(v);
}

/** Double.toString as specified since JDK 19 (shortest digits that round-trip; closest of 1–2 digits). */
export function javaDoubleToString(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(v);
  let sci = abs.toExponential();
  if (!sci.includes('.')) {
    // One significant digit: Java picks the closest decimal of length 1 or 2.
    const two = abs.toExponential(1);
    if (Number(two) === abs) sci = two;
  }
  return javaFormat(v < 0, sci, abs);
}

/** Float.toString as specified since JDK 19, for a value already rounded to float32. */
export function javaFloatToString(v: number): string {
  const f = Math.fround(v);
  if (f === 0) return Object.is(f, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(f);
  let sci = '';
  for (let p = 1; p <= 9; p++) {
    const candidate = abs.toExponential(p - 1);
    if (Math.fround(Number(candidate)) === abs) {
      sci = candidate;
      if (p === 1) {
        const two = abs.toExponential(1);
        if (Math.fround(Number(two)) === abs) sci = two;
      }
      break;
    }
  }
  return javaFormat(f < 0, sci, abs);
}

/** Lays out `d.ddde±x` digits the way Java does: plain for 1e-3 <= |v| < 1e7, else `d.dddEx`. */
function javaFormat(negative: boolean, sci: string, abs: number): string {
  const [mantissa = '', expText = '0'] = sci.split('e');
  const exp = Number(expText);
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  const sign = negative ? '-' : '';
  if (abs >= 1e-3 && abs < 1e7) {
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      return sign + intPart + '.' + (digits.slice(exp + 1) || '0');
    }
    return sign + '0.' + '0'.repeat(-exp - 1) + digits;
  }
  return sign + digits[0] + '.' + (digits.slice(1) || '0') + 'E' + exp;
}
