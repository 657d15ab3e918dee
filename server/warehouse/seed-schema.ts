/*
 * The seed loader's checks on the canonical input tables, whose columns,
 * value types, required values and keys the contract declares
 * (server/contract/canonical-tables.ts; README.md, "The canonical tables").
 *
 * The loader checks every seed row against this and sets a row aside when a
 * value cannot be read as its type or a required value is empty. Everything
 * that needs more than one row (uniqueness, references between tables,
 * ordering) is a data test beside the staging model, not a rule here.
 * Every listed column must be present in a seed file's header; extra columns
 * are allowed and kept in `raw`.
 *
 * The staging models are written from the same columns (`{{ staging_model('leads') }}`,
 * sql-macros.ts), and the value checks accept exactly what the staging casts
 * accept: a row that passes here cannot break a staging model.
 */

import { CANONICAL_TABLES, type CanonicalColumn, type CanonicalTable, type ColumnType } from '../contract/canonical-tables.js';

export type { ColumnType };
export type SeedColumn = CanonicalColumn;

export interface SeedTable extends CanonicalTable {
  /** Extra per-row rule: returns [column, reason] for a row to set aside, or undefined. */
  checkRow?: (row: Record<string, string>, context: RowContext) => [column: string, reason: string] | undefined;
}

export interface RowContext {
  /** Time zone names DuckDB knows (for settings.time_zone). */
  timeZones: ReadonlySet<string>;
}

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2})(?::?(\d{2}))?)?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INTEGER = /^[+-]?\d{1,18}$/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const BOOLEANS = new Set(['true', 'false', 't', 'f', '1', '0', 'yes', 'no', 'y', 'n']);

function validDay(y: number, m: number, d: number): boolean {
  if (!(m >= 1 && m <= 12 && d >= 1)) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

const digit = (s: string, i: number) => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -100;
};
const two = (s: string, i: number) => digit(s, i) * 10 + digit(s, i + 1);

/** `YYYY-MM-DDTHH:MM:SS±HH:MM`, the common case, without a regular expression; false when it is another shape. */
export function isPlainIsoTime(v: string): boolean {
  if (v.length !== 25 || v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45 || v.charCodeAt(10) !== 84) return false;
  if (v.charCodeAt(13) !== 58 || v.charCodeAt(16) !== 58 || v.charCodeAt(22) !== 58) return false;
  const sign = v.charCodeAt(19);
  if (sign !== 43 && sign !== 45) return false;
  const year = two(v, 0) * 100 + two(v, 2);
  const hour = two(v, 11);
  const minute = two(v, 14);
  const second = two(v, 17);
  const offsetHour = two(v, 20);
  const offsetMinute = two(v, 23);
  return (
    year >= 0 &&
    validDay(year, two(v, 5), two(v, 8)) &&
    hour >= 0 &&
    hour <= 23 &&
    minute >= 0 &&
    minute <= 59 &&
    second >= 0 &&
    second <= 59 &&
    offsetHour >= 0 &&
    offsetHour <= 14 &&
    offsetMinute >= 0 &&
    offsetMinute <= 59
  );
}

/** Returns undefined when `value` (already trimmed, non-empty) reads as `type`, else the reason. */
export function checkValue(type: ColumnType, value: string): string | undefined {
  switch (type) {
    case 'string':
      return undefined;
    case 'timestamp': {
      if (isPlainIsoTime(value)) return undefined;
      const m = ISO_TIME.exec(value);
      if (
        !m ||
        !validDay(+m[1]!, +m[2]!, +m[3]!) ||
        (m[4] !== undefined && (+m[4] > 23 || +m[5]! > 59 || +m[6]! > 59)) ||
        (m[7] !== undefined && (+m[7] > 14 || +(m[8] ?? 0) > 59))
      ) {
        return 'is not an ISO 8601 time';
      }
      return undefined;
    }
    case 'date': {
      const m = ISO_DATE.exec(value);
      return m && validDay(+m[1]!, +m[2]!, +m[3]!) ? undefined : 'is not an ISO 8601 date (YYYY-MM-DD)';
    }
    case 'integer':
      return INTEGER.test(value) ? undefined : 'is not an integer';
    case 'number':
      return NUMBER.test(value) && Number.isFinite(Number(value)) ? undefined : 'is not a number';
    case 'boolean':
      return BOOLEANS.has(value.toLowerCase()) ? undefined : 'is not a boolean (true/false)';
  }
}

const SETTING_TYPES: Record<string, ColumnType> = {
  fiscal_year_start_month: 'integer',
  gross_margin: 'number',
  ltv_cac_target: 'number',
  attribution_lookback_days: 'integer',
  time_decay_half_life_days: 'number',
  as_of: 'timestamp',
};

function checkSetting(row: Record<string, string>, context: RowContext): [string, string] | undefined {
  const key = (row.key ?? '').trim().toLowerCase();
  const value = (row.value ?? '').trim();
  const type = SETTING_TYPES[key];
  if (type) {
    const reason = checkValue(type, value);
    if (reason) return ['value', `${reason} (setting ${key})`];
  }
  if (key === 'fiscal_year_start_month' && (+value < 1 || +value > 12)) {
    return ['value', 'is not a month number 1-12 (setting fiscal_year_start_month)'];
  }
  // the meeting pack's default language (docs/schedules.md)
  if (key === 'language' && !['ja', 'en'].includes(value)) {
    return ['value', 'is not ja or en (setting language)'];
  }
  if ((key === 'time_zone' || key === 'timezone') && !context.timeZones.has(value)) {
    return ['value', `is not a known time zone name such as Asia/Tokyo (setting ${key})`];
  }
  return undefined;
}

/** The contract's tables (server/contract/canonical-tables.ts), with the per-row rule of settings. */
export const SEED_TABLES: readonly SeedTable[] = CANONICAL_TABLES.map((table) =>
  table.name === 'settings' ? { ...table, checkRow: checkSetting } : table,
);

export function seedTable(name: string): SeedTable {
  const table = SEED_TABLES.find((t) => t.name === name);
  if (!table) throw new Error(`Unknown seed table "${name}"`);
  return table;
}
