// Parsing of MariaDB's temporal text forms (what zongji yields with dateStrings, what mysql2 yields
// for the snapshot with dateStrings, and what INFORMATION_SCHEMA prints for defaults) and the
// arithmetic Debezium applies to them. No Date objects: they cannot hold microseconds, years
// below 1000 or TIME values beyond 24 hours, and would allocate per value.

/** Seconds and microseconds of the last parseDateTime call: returned through module state so the
 *  hot path allocates nothing (every caller reads them synchronously right after the call). */
export let parsedSeconds = 0;
export let parsedMicros = 0;

/** The same for parseTime: signed total microseconds (|value| < 2^42, so a Number is exact). */
export let parsedTimeMicros = 0;

const MICROS_PER_DAY = 86_400_000_000;

/** Reads the decimal digits s[from, to); NaN when any is not a digit. */
export function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    n = n * 10 + d;
  }
  return n;
}

/** Microseconds of a fraction written after a '.', padded or truncated to six digits. */
function fractionMicros(s: string, from: number): number {
  let micros = 0;
  let scale = 100_000;
  for (let i = from; i < s.length && scale >= 1; i++, scale /= 10) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    micros += d * scale;
  }
  return micros;
}

/**
 * BinlogValueConverters.adjustTemporal (enable.time.adjuster): MariaDB's reading of two-digit years,
 * 00-69 as 2000-2069 and 70-99 as 1970-1999, applied to any year below 100.
 */
export function adjustYear(year: number): number {
  return year < 70 ? year + 2000 : year < 100 ? year + 1900 : year;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (java.time.LocalDate.toEpochDay). */
export function epochDay(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function isValidDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  if (month === 2) return day <= (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28);
  return day <= (month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31);
}

/**
 * 'YYYY-MM-DD' to days since epoch. null for zero dates and dates with a zero part ('2024-00-10'),
 * which Debezium's row deserializer turns into null; undefined when the text is not a valid date.
 */
export function parseDate(s: string, adjust: boolean): number | null | undefined {
  let year = digits(s, 0, 4);
  const month = digits(s, 5, 7);
  const day = digits(s, 8, 10);
  if (year === 0 || month === 0 || day === 0) return null;
  if (adjust) year = adjustYear(year);
  return isValidDate(year, month, day) ? epochDay(year, month, day) : undefined;
}

/**
 * 'YYYY-MM-DD[ HH:MM:SS[.ffffff]]' (space or 'T') into parsedSeconds/parsedMicros since the epoch,
 * the wall clock read as UTC as Debezium does for DATETIME. Returns false for zero dates, true when
 * parsed; undefined when the text is not a valid date-time.
 */
export function parseDateTime(s: string, adjust: boolean): boolean | undefined {
  const date = parseDate(s, adjust);
  if (date === null) return false;
  if (date === undefined) return undefined;
  let seconds = 0;
  let micros = 0;
  if (s.length > 10) {
    const hour = digits(s, 11, 13);
    const minute = digits(s, 14, 16);
    const second = digits(s, 17, 19);
    if (!(hour < 24 && minute < 60 && second < 60)) return undefined;
    seconds = hour * 3600 + minute * 60 + second;
    if (s.charCodeAt(19) === 46 /* . */) micros = fractionMicros(s, 20);
  }
  parsedSeconds = date * 86_400 + seconds;
  parsedMicros = micros;
  return true;
}

/**
 * '[-]H[HH]:MM:SS[.ffffff]' (MariaDB TIME, -838:59:59.999999..838:59:59.999999) into
 * parsedTimeMicros. Also accepts 'HH:MM' as BinlogValueConverters.stringToDuration does.
 * Returns false when the text is not a time.
 */
export function parseTime(s: string): boolean {
  const negative = s.charCodeAt(0) === 45; /* - */
  const start = negative ? 1 : 0;
  const colon = s.indexOf(':', start);
  if (colon < 0) return false;
  const hours = digits(s, start, colon);
  const minutes = digits(s, colon + 1, colon + 3);
  let seconds = 0;
  let micros = 0;
  if (s.charCodeAt(colon + 3) === 58 /* : */) {
    seconds = digits(s, colon + 4, colon + 6);
    if (s.charCodeAt(colon + 6) === 46 /* . */) micros = fractionMicros(s, colon + 7);
  }
  const total = (hours * 3600 + minutes * 60 + seconds) * 1_000_000 + micros;
  if (Number.isNaN(total)) return false;
  parsedTimeMicros = negative ? -total : total;
  return true;
}

/** True when parsedTimeMicros fits a time of day, the only TIME values Kafka Connect's Time and
 *  Debezium's IsoTime can hold (JdbcValueConverters.supportsLargeTimeValues is false for them). */
export function isTimeOfDay(micros: number): boolean {
  return micros >= 0 && micros < MICROS_PER_DAY;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** The fraction as ISO_LOCAL_TIME prints it: '' for zero, else '.' and the digits without trailing zeros. */
export function isoFraction(micros: number): string {
  if (micros === 0) return '';
  let text = String(micros + 1_000_000).slice(1);
  let end = text.length;
  while (text.charCodeAt(end - 1) === 48) end--;
  text = text.slice(0, end);
  return '.' + text;
}

/** 'HH:MM:SS[.f]' of a time of day in microseconds (ISO_LOCAL_TIME). */
export function isoTimeOfDay(micros: number): string {
  const seconds = Math.floor(micros / 1_000_000);
  return pad2(Math.floor(seconds / 3600)) + ':' + pad2(Math.floor(seconds / 60) % 60) + ':' + pad2(seconds % 60) +
    isoFraction(micros % 1_000_000);
}

/** 'YYYY-MM-DD' of a day since the epoch (ISO_LOCAL_DATE, years 0..9999). */
export function isoDate(day: number): string {
  // Inverse of epochDay (Howard Hinnant's civil_from_days).
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return String(y).padStart(4, '0') + '-' + pad2(m) + '-' + pad2(d);
}

/** 'YYYY-MM-DDTHH:MM:SS[.f]' of seconds and microseconds since the epoch. */
export function isoDateTime(seconds: number, micros: number): string {
  const day = Math.floor(seconds / 86_400);
  return isoDate(day) + 'T' + isoTimeOfDay((seconds - day * 86_400) * 1_000_000 + micros);
}

/** The fraction with exactly `fsp` digits, as ZonedTimestamp prints a column of that precision. */
export function fixedFraction(micros: number, fsp: number): string {
  if (fsp <= 0) return '';
  return '.' + String(micros + 1_000_000).slice(1, 1 + fsp);
}
