// Double.toString and Float.toString as Java 8-18 print them (OpenJDK's FloatingDecimal), which is
// what Kafka Connect's JsonConverter writes through Jackson on the Java 17 that Connect 3.9 runs on.
// That algorithm is not the shortest round-trip text JavaScript prints (JDK-4511638, fixed in Java 19):
// Float.MIN_NORMAL is 1.17549435E-38 there and 1.1754944e-38 here, and 2.0E-3 style slips exist for
// doubles. Its digit loop runs in int, long or big-integer arithmetic depending on estimated sizes,
// with a stopping test that differs between them and int/long overflow that changes the digits: the
// same choices are made here, with the fixed-width arithmetic emulated on BigInt.

const EXP_SHIFT = 52n;
const SIGNIFICAND_MASK = (1n << 52n) - 1n;
const HIDDEN_BIT = 1n << 52n;
const EXP_OF_ONE = 1023n << 52n;
// Binary exponents whose values FloatingDecimal prints straight from a long (no fraction bits left).
const MAX_SMALL_BIN_EXP = 62;
const MIN_SMALL_BIN_EXP = -21;
// About ceil(log2(5^i)), FloatingDecimal's own table: it picks the arithmetic, so it must be the same.
const FIVE_POW_BITS = [0, 3, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28, 31, 33, 35, 38, 40, 42, 45, 47, 49, 52, 54, 56, 59, 61];
// Decimal digits of 2^i that are below the value's precision, for integers printed from a long.
const INSIGNIFICANT_DIGITS_OF_POW2 = [
  0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9, 9, 10, 10, 10, 11, 11, 11,
  12, 12, 12, 12, 13, 13, 13, 14, 14, 14, 15, 15, 15, 15, 16, 16, 16, 17, 17, 17, 18, 18, 18, 19,
];

interface Decimal {
  /** Significant digits, the first one non-zero (except after a carry out of all nines). */
  digits: string;
  /** The value is 0.digits × 10^exponent. */
  exponent: number;
}

const view = new DataView(new ArrayBuffer(8));

/** Java's Double.toString (Java 17). */
export function javaDoubleText(value: number): string {
  const special = specialText(value);
  if (special !== undefined) return special;
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  let fraction = bits & SIGNIFICAND_MASK;
  let biased = Number((bits >> EXP_SHIFT) & 0x7ffn);
  let significantBits = 53;
  if (biased === 0) {
    const leadingZeros = 64 - fraction.toString(2).length;
    const shift = leadingZeros - 11;
    fraction <<= BigInt(shift);
    biased = 1 - shift;
    significantBits = 64 - leadingZeros;
  } else {
    fraction |= HIDDEN_BIT;
  }
  return layout(value < 0, toDecimal(biased - 1023, fraction, significantBits));
}

/** Java's Float.toString (Java 17), of the value rounded to float32. */
export function javaFloatText(value: number): string {
  const single = Math.fround(value);
  const special = specialText(single);
  if (special !== undefined) return special;
  view.setFloat32(0, single);
  const bits = view.getUint32(0);
  let fraction = bits & 0x7fffff;
  let biased = (bits >>> 23) & 0xff;
  let significantBits = 24;
  if (biased === 0) {
    const leadingZeros = Math.clz32(fraction);
    const shift = leadingZeros - 8;
    fraction <<= shift;
    biased = 1 - shift;
    significantBits = 32 - leadingZeros;
  } else {
    fraction |= 0x800000;
  }
  return layout(single < 0, toDecimal(biased - 127, BigInt(fraction) << 29n, significantBits));
}

function specialText(value: number): string | undefined {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  return undefined;
}

function trailingZeroBits(n: bigint): number {
  let count = 0;
  while ((n & 1n) === 0n) { n >>= 1n; count++; }
  return count;
}

/**
 * The digits of `fraction × 2^(binaryExponent - 52)`, `fraction` holding the significand with its
 * top bit at bit 52 and `significantBits` of precision (fewer for subnormal values).
 */
function toDecimal(binaryExponent: number, fraction: bigint, significantBits: number): Decimal {
  const tailZeros = trailingZeroBits(fraction);
  const fractionBits = 53 - tailZeros;
  const tinyBits = Math.max(0, fractionBits - binaryExponent - 1);
  if (binaryExponent <= MAX_SMALL_BIN_EXP && binaryExponent >= MIN_SMALL_BIN_EXP
    && tinyBits === 0 && fractionBits < 64) {
    // An integer that fits a long: its digits, rounded to the value's precision.
    const insignificant = binaryExponent > significantBits ? insignificantDigitsOfPow2(binaryExponent - significantBits - 1) : 0;
    const whole = binaryExponent >= 52 ? fraction << BigInt(binaryExponent - 52) : fraction >> BigInt(52 - binaryExponent);
    return integerDigits(whole, insignificant);
  }
  let decimalExponent = estimateDecimalExponent(fraction, binaryExponent);
  const b5 = Math.max(0, -decimalExponent);
  let b2 = b5 + tinyBits + binaryExponent;
  const s5 = Math.max(0, decimalExponent);
  let s2 = s5 + tinyBits;
  const m5 = b5;
  let m2 = b2 - significantBits;
  const significand = fraction >> BigInt(tailZeros);
  b2 -= fractionBits - 1;
  const common = Math.min(b2, s2);
  b2 -= common;
  s2 -= common;
  m2 -= common;
  // At a power of two the next value down is half as far: FloatingDecimal's own correction.
  if (fractionBits === 1) m2 -= 1;
  if (m2 < 0) {
    b2 -= m2;
    s2 -= m2;
    m2 = 0;
  }
  const bBits = fractionBits + b2 + (b5 < FIVE_POW_BITS.length ? FIVE_POW_BITS[b5]! : b5 * 3);
  const tenSBits = s2 + 1 + (s5 + 1 < FIVE_POW_BITS.length ? FIVE_POW_BITS[s5 + 1]! : (s5 + 1) * 3);
  const arithmetic: Arithmetic = bBits < 64 && tenSBits < 64 ? (bBits < 32 && tenSBits < 32 ? INT : LONG) : BIG;
  const w = arithmetic.wrap;
  let b = w(w(w(significand) * 5n ** BigInt(b5)) << BigInt(b2));
  const s = w(5n ** BigInt(s5) << BigInt(s2));
  let m = w(5n ** BigInt(m5) << BigInt(m2));
  const tenS = w(s * 10n);

  let digits = '';
  let q = b / s;
  b = w(10n * (b % s));
  m = w(m * 10n);
  let low = b < m;
  let high = arithmetic.reachesNext(w(b + m), tenS);
  // An estimate one too high gives a leading zero: dropped, unless that zero rounds up.
  if (q === 0n && !high) decimalExponent--;
  else digits += String.fromCharCode(48 + Number(q));
  // E notation needs a digit after the point, so a single digit never ends the loop there.
  if (decimalExponent < -3 || decimalExponent >= 8) high = low = false;
  while (!low && !high) {
    q = b / s;
    b = w(10n * (b % s));
    m = w(m * 10n);
    if (m > 0n) {
      low = b < m;
      high = arithmetic.reachesNext(w(b + m), tenS);
    } else {
      // FloatingDecimal treats a product that overflowed int/long as "both bounds reached".
      low = true;
      high = true;
    }
    digits += String.fromCharCode(48 + Number(q));
  }
  const decimal: Decimal = { digits, exponent: decimalExponent + 1 };
  if (high) {
    if (!low) return roundUp(decimal);
    const lowDigitDifference = w(w(b << 1n) - tenS);
    const lastOdd = (digits.charCodeAt(digits.length - 1) & 1) !== 0;
    if (lowDigitDifference > 0n || (lowDigitDifference === 0n && lastOdd)) return roundUp(decimal);
  }
  return decimal;
}

interface Arithmetic {
  wrap(n: bigint): bigint;
  /** Whether remainder + margin reaches 10·S: the int and long loops test `>`, the big one `>=`. */
  reachesNext(sum: bigint, tenS: bigint): boolean;
}

const INT: Arithmetic = { wrap: (n) => BigInt.asIntN(32, n), reachesNext: (sum, tenS) => sum > tenS };
const LONG: Arithmetic = { wrap: (n) => BigInt.asIntN(64, n), reachesNext: (sum, tenS) => sum > tenS };
const BIG: Arithmetic = { wrap: (n) => n, reachesNext: (sum, tenS) => sum >= tenS };

function insignificantDigitsOfPow2(power: number): number {
  return power > 1 && power < INSIGNIFICANT_DIGITS_OF_POW2.length ? INSIGNIFICANT_DIGITS_OF_POW2[power]! : 0;
}

function integerDigits(whole: bigint, insignificant: number): Decimal {
  let exponent = 0;
  if (insignificant !== 0) {
    const pow10 = 10n ** BigInt(insignificant);
    const residue = whole % pow10;
    whole /= pow10;
    exponent += insignificant;
    if (residue >= pow10 >> 1n) whole++;
  }
  const text = whole.toString();
  return { digits: text.replace(/0+$/, ''), exponent: exponent + text.length };
}

/** FloatingDecimal.estimateDecExp: floor(log10(value)), possibly one too high, in double arithmetic. */
function estimateDecimalExponent(fraction: bigint, binaryExponent: number): number {
  view.setBigUint64(0, EXP_OF_ONE | (fraction & SIGNIFICAND_MASK));
  const mantissa = view.getFloat64(0);
  const estimate = (mantissa - 1.5) * 0.289529654 + 0.176091259 + binaryExponent * 0.301029995663981;
  return Math.floor(estimate);
}

/** Adds one to the last digit; all nines carry out to a 1 followed by as many zeros. */
function roundUp(decimal: Decimal): Decimal {
  const { digits } = decimal;
  let i = digits.length - 1;
  while (i >= 0 && digits[i] === '9') i--;
  if (i < 0) return { digits: '1' + '0'.repeat(digits.length - 1), exponent: decimal.exponent + 1 };
  return { digits: digits.slice(0, i) + String.fromCharCode(digits.charCodeAt(i) + 1) + '0'.repeat(digits.length - 1 - i), exponent: decimal.exponent };
}

/** Plain for 10^-3 <= |x| < 10^7 with at least one fraction digit, else d.dddE±n. */
function layout(negative: boolean, { digits, exponent }: Decimal): string {
  const sign = negative ? '-' : '';
  if (exponent > 0 && exponent < 8) {
    if (digits.length <= exponent) return `${sign}${digits.padEnd(exponent, '0')}.0`;
    return `${sign}${digits.slice(0, exponent)}.${digits.slice(exponent)}`;
  }
  if (exponent <= 0 && exponent > -3) return `${sign}0.${'0'.repeat(-exponent)}${digits}`;
  return `${sign}${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}E${exponent - 1}`;
}
