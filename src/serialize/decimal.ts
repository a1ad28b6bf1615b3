// Connect's Decimal travels as the unscaled value in big-endian two's complement, exactly the bytes of
// Java's BigDecimal.unscaledValue().toByteArray() (minimal length, sign bit included), with the scale
// kept in the schema. Our Decimal values are exact decimal texts, so the conversion is pure integer
// work on BigInt: never through a float.

import { BinlogdError } from '../errors.js';

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** The unscaled integer of `text` at `scale`; trailing zeros may be added or dropped, digits never lost. */
export function unscaledValue(text: string, scale: number): bigint {
  const match = DECIMAL_TEXT.exec(text);
  const intDigits = match?.[2] ?? '';
  const fracDigits = match?.[3] ?? '';
  if (match === null || intDigits.length + fracDigits.length === 0) {
    throw new BinlogdError('INTERNAL', `not a decimal number: ${JSON.stringify(text)}`);
  }
  const exponent = match[4] === undefined ? 0 : Number(match[4]);
  let unscaled = BigInt(intDigits + fracDigits);
  // value = unscaled * 10^(exponent - fracDigits.length); we want value * 10^scale.
  const shift = exponent - fracDigits.length + scale;
  if (shift >= 0) {
    unscaled *= 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    if (unscaled % divisor !== 0n) {
      throw new BinlogdError('INTERNAL', `decimal ${text} does not fit scale ${scale} without rounding`);
    }
    unscaled /= divisor;
  }
  return match[1] === '-' ? -unscaled : unscaled;
}

/** BigInteger.toByteArray(): the shortest big-endian two's complement holding the sign bit. */
export function twosComplementBytes(n: bigint): Buffer {
  const negative = n < 0n;
  const magnitudeHex = (negative ? ~n : n).toString(16);
  const bitLength = magnitudeHex === '0'
    ? 0
    : (magnitudeHex.length - 1) * 4 + (32 - Math.clz32(parseInt(magnitudeHex[0] as string, 16)));
  const length = (bitLength >>> 3) + 1;
  const unsigned = negative ? BigInt.asUintN(length * 8, n) : n;
  return Buffer.from(unsigned.toString(16).padStart(length * 2, '0'), 'hex');
}

export function fromTwosComplementBytes(bytes: Buffer): bigint {
  if (bytes.length === 0) return 0n;
  const unsigned = BigInt('0x' + bytes.toString('hex'));
  return BigInt.asIntN(bytes.length * 8, unsigned);
}

export function decimalToBytes(text: string, scale: number): Buffer {
  const small = smallUnscaled(text, scale);
  return Number.isNaN(small) ? twosComplementBytes(unscaledValue(text, scale)) : smallTwosComplement(small);
}

// Hot path: most DECIMAL columns hold at most 15 digits, which a double carries exactly, so the
// common case needs no regex and no BigInt.

/** The unscaled value when `text` is plain `[-]digits[.digits]` and stays exact in a double; NaN otherwise. */
function smallUnscaled(text: string, scale: number): number {
  let i = 0;
  let negative = false;
  const first = text.charCodeAt(0);
  if (first === 0x2d) { negative = true; i = 1; } else if (first === 0x2b) { i = 1; }
  let n = 0;
  let digits = 0;
  let fraction = -1;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e && fraction < 0) { fraction = 0; continue; }
    const d = c - 0x30;
    if (d < 0 || d > 9 || ++digits > 15) return Number.NaN;
    n = n * 10 + d;
    if (fraction >= 0) fraction += 1;
  }
  if (digits === 0) return Number.NaN;
  const shift = scale - Math.max(fraction, 0);
  if (shift > 0) {
    n *= 10 ** shift;
    if (!(n <= Number.MAX_SAFE_INTEGER)) return Number.NaN;
  } else if (shift < 0) {
    const divisor = 10 ** -shift;
    if (-shift > 15 || n % divisor !== 0) return Number.NaN;
    n /= divisor;
  }
  return negative ? -n : n;
}

function smallTwosComplement(n: number): Buffer {
  let length = 1;
  for (let limit = 128; n >= limit || n < -limit; limit *= 256) length += 1;
  const out = Buffer.allocUnsafe(length);
  // A negative n is the bitwise complement of -n - 1, byte by byte.
  let rest = n >= 0 ? n : -n - 1;
  for (let i = length - 1; i >= 0; i--) {
    const byte = rest % 256;
    out[i] = n >= 0 ? byte : 255 - byte;
    rest = Math.floor(rest / 256);
  }
  return out;
}

/** The decimal text with exactly `scale` fraction digits, as BigDecimal.toPlainString() gives it. */
export function decimalFromBytes(bytes: Buffer, scale: number): string {
  const unscaled = fromTwosComplementBytes(bytes);
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale <= 0) {
    if (unscaled !== 0n) digits += '0'.repeat(-scale);
  } else {
    digits = digits.padStart(scale + 1, '0');
    digits = digits.slice(0, -scale) + '.' + digits.slice(-scale);
  }
  return (negative ? '-' : '') + digits;
}
