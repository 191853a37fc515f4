/**
 * Value conversions for the filter compiler: SCIM dateTime, lenient booleans, pattern escaping.
 * Pure functions; they return undefined for a value they cannot accept and let the caller word the error.
 */

export interface ParsedDateTime {
  /** `YYYY-MM-DDTHH:mm:ss.sssZ`, the format of the stored `created_at` / `updated_at`. */
  iso: string;
  /** The value had sub-millisecond digits that the stored millisecond precision cannot represent. */
  inexact: boolean;
}

// xsd:dateTime (RFC 7643 §2.3.5), plus a date alone (midnight) and a space instead of "T".
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * Parses a filter's dateTime value. Stricter than `new Date(v)`, which rolls 2015-02-30 over to March and
 * reads a value without an offset in the server's time zone: here every field is range-checked and a value
 * without an offset is UTC, so the result never depends on where the server runs.
 */
export function parseDateTime(value: string): ParsedDateTime | undefined {
  const m = DATE_TIME.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const fraction = m[7] ?? '';
  const monthDays = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (monthDays === undefined || day < 1 || day > monthDays || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const offsetMinutes = parseOffset(m[8]);
  if (offsetMinutes === undefined) return undefined;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offsetMinutes, second, Number(fraction.padEnd(3, '0').slice(0, 3)));
  const iso = date.toISOString();
  // An offset can push 9999-12-31 into year 10000 ("+010000-…"), which would not sort as a string.
  if (!/^\d{4}-/.test(iso)) return undefined;
  return { iso, inexact: /[1-9]/.test(fraction.slice(3)) };
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function parseOffset(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? '0');
  if (hours > 23 || minutes > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/**
 * Entra sends booleans as the strings "True"/"False" (idp-clients.md 2.5), so a boolean attribute accepts
 * true/false in any case, quoted or not.
 */
export function coerceBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

/** For `LIKE … ESCAPE '\'`: `%`, `_` and the escape character itself match literally (quality.md). */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, '\\$&');
}

/** For SQLite's case-sensitive GLOB: `*`, `?` and `[` match literally when put in brackets. */
export function escapeGlob(value: string): string {
  return value.replace(/[*?[]/g, '[$&]');
}
