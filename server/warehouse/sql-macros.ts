/*
 * The template vocabulary of the warehouse's SQL models, like dbt's macros
 * (jaffle-shop's macros/cents_to_dollars.sql): an expression written in many
 * marts is written here once, and a fact the contract holds (the stage list,
 * the settings' defaults, the fiscal-year rule: server/contract/vocabulary.ts)
 * reaches SQL from there instead of being copied.
 *
 * Time: warehouse times are naive UTC timestamps; the company's calendar is
 * the settings' zone (marts.settings.time_zone, docs/metrics.md "Time zone and
 * fiscal year"). A mart cuts days and months with
 *   {{ local_time(col) }}   the local wall-clock time of a UTC time
 *   {{ local_day(col) }}    its local day (a naive timestamp at 00:00)
 *   {{ local_month(col) }}  its local month's first day (naive, 00:00)
 *   {{ local_date(col) }}   its local calendar date
 *   {{ utc_time(expr) }}    the UTC time of a local wall-clock time
 *   {{ utc_instant(col) }}  a UTC time as a timestamp with time zone (the same
 *                           instant), for a view's time that Cube's time
 *                           dimension reads: Cube converts it to the query's
 *                           zone as `col::timestamptz`, a cast per row read
 *                           (per credit row and model: 8.7 M at 200 k leads)
 *                           that this column, converted once per row of the
 *                           view's input, spares
 * each reading the zone from a `settings` relation in scope (the mart's
 * `settings` CTE or marts.settings), or from a second argument:
 * `{{ local_month(col, bounds.time_zone) }}`. `timezone()` means the same in
 * DuckDB and PostgreSQL, so the macros need no dialect.
 * A mart that converts many rows joins marts.zone_hours (each hour's offset,
 * converted once per build) and writes the `hourly_` twins, with the join's
 * alias as second argument (the zone, if not settings.time_zone, third):
 *   left join zone_hours as hours on hours.hour_at = date_trunc('hour', col)
 *   {{ hourly_local_day(col, hours) }}
 * They give the same values (an hour the table leaves out is converted
 * directly); on DuckDB a conversion whose zone is a column costs ~10 µs a row.
 *
 * Durations: {{ days_between(start, end) }} is the days from one UTC time to
 * another, to the second, as a double (NULL when either is NULL).
 *
 * Fiscal calendar: {{ fiscal_year(date, start_month) }} and
 * {{ fiscal_month_number(date, start_month) }}, the SQL twins of the
 * contract's functions.
 *
 * Staging: {{ staging_model('leads') }} is the whole staging model of a
 * canonical table, written from its columns in server/contract/canonical-tables.ts (the one place
 * for a column's type): each text cell trimmed and empty made NULL, cast to
 * its type, codes lower-cased, times with an offset kept as their UTC instant.
 *
 * Limits: arguments are split on top-level commas (parentheses and quoted
 * strings respected); a macro cannot hold `}}`.
 */
import {
  BUYER_JOURNEY_STEPS,
  DEAL_TYPES,
  DEFAULT_FISCAL_YEAR_START_MONTH,
  DEFAULT_TIME_ZONE,
  fiscalMonthNumberSql,
  fiscalYearSql,
  FUNNEL_STAGES,
  MIDDLE_FUNNEL_STAGES,
  SETTING_DEFAULTS,
  UNMAPPED_JOURNEY_STEP,
} from '../contract/vocabulary.js';
import { canonicalTable, type CanonicalColumn } from '../contract/canonical-tables.js';

const sqlString = (value: string) => `'${value.replaceAll("'", "''")}'`;
export const sqlList = (values: readonly string[]) => `[${values.map(sqlString).join(', ')}]`;

/** The contract's lists a data test may name as `accepted_values: '{{ funnel_stages }}'` (data-tests.ts). */
export const VOCABULARY_LISTS: Readonly<Record<string, readonly string[]>> = {
  funnel_stages: FUNNEL_STAGES,
  middle_funnel_stages: MIDDLE_FUNNEL_STAGES,
  deal_types: DEAL_TYPES,
};

/** `{{ name }}` → SQL text: the contract's vocabulary and the settings' defaults. */
export const VOCABULARY_VARIABLES: Readonly<Record<string, string>> = {
  /** `['lead', 'mql', …, 'won']` */
  funnel_stages: sqlList(FUNNEL_STAGES),
  /** `['mql', 'sal', 'sql']`: the stage volumes between lead and opportunity. */
  middle_funnel_stages: sqlList(MIDDLE_FUNNEL_STAGES),
  deal_types: sqlList(DEAL_TYPES),
  default_time_zone: sqlString(DEFAULT_TIME_ZONE),
  default_fiscal_year_start_month: String(DEFAULT_FISCAL_YEAR_START_MONTH),
  default_currency: sqlString(SETTING_DEFAULTS.currency),
  default_gross_margin: String(SETTING_DEFAULTS.gross_margin),
  default_ltv_cac_target: String(SETTING_DEFAULTS.ltv_cac_target),
  default_attribution_lookback_days: String(SETTING_DEFAULTS.attribution_lookback_days),
  default_time_decay_half_life_days: String(SETTING_DEFAULTS.time_decay_half_life_days),
  /** `(1, 'status_quo', '現状維持', 'Status quo'), …`: rows of a VALUES list (order, step, label_ja, label_en). */
  buyer_journey_step_rows: BUYER_JOURNEY_STEPS.map(
    (s) => `(${s.order}, ${sqlString(s.step)}, ${sqlString(s.labelJa)}, ${sqlString(s.labelEn)})`,
  ).join(', '),
  unmapped_journey_step: sqlString(UNMAPPED_JOURNEY_STEP),
};

const ZONE = 'settings.time_zone';

const exactLocalTime = (column: string, zone = ZONE) => `timezone(${zone}, timezone('UTC', ${column}))`;

/**
 * The local time through the mart's join to marts.zone_hours (`hours` is its alias, joined on
 * `hours.hour_at = date_trunc('hour', column)`): the hour's offset added, or, for an hour the table
 * leaves out (outside its range, or one in which the offset changes), the exact conversion. The same
 * value as `exactLocalTime`; DuckDB's conversion costs ~10 µs a row when the zone is a column
 * rather than a constant, an addition almost nothing.
 */
const hourlyLocalTime = (column: string, hours: string, zone = ZONE) =>
  `case when ${hours}.utc_offset is null then ${exactLocalTime(column, zone)} else ${column} + ${hours}.utc_offset end`;

const localTime = (column: string, zone?: string) => exactLocalTime(column, zone);
const dayOf = (local: string) => `date_trunc('day', ${local})`;
const monthOf = (local: string) => `date_trunc('month', ${local})`;
const dateOf = (local: string) => `cast(${local} as date)`;

/**
 * A canonical column as staging gives it: the trimmed text (empty is NULL) read as the column's type. A time
 * with an offset keeps its instant, one without is read in the session's zone (the build sets it to the
 * settings' zone), and is stored as naive UTC.
 */
function stagingColumn(column: CanonicalColumn): string {
  const text = `nullif(trim(${column.name}), '')`;
  const folded = column.lowerCase || column.type === 'boolean' ? `lower(${text})` : text;
  const typed = {
    string: folded,
    timestamp: `cast(${folded} as timestamptz) at time zone 'UTC'`,
    date: `cast(${folded} as date)`,
    integer: `cast(${folded} as ${column.int32 ? 'integer' : 'bigint'})`,
    number: `cast(${folded} as double)`,
    boolean: `cast(${folded} as boolean)`,
  }[column.type];
  const value = column.emptyAs === undefined ? typed : `coalesce(${typed}, ${column.emptyAs})`;
  return `${value} as ${column.stagingName ?? column.name}`;
}

/** The staging model of canonical table `name` (quoted or bare): import CTE, one cleaning step, `select * from final`. */
export function stagingModel(name: string): string {
  const table = canonicalTable(name.replace(/^'(.*)'$/, '$1'));
  return [
    'with',
    '',
    'source as (',
    '',
    `    select * from raw.${table.name}`,
    '',
    '),',
    '',
    'final as (',
    '',
    '    select',
    ...table.columns.map((c) => `        ${stagingColumn(c)},`),
    '',
    '    from source',
    '',
    ')',
    '',
    'select * from final',
  ].join('\n');
}

/**
 * A stable integer key of `bits` bits (1 to 60) from a text: the leading bits of its MD5, its first 15 hex digits
 * read as one integer (DuckDB casts '0x…' text to an integer; dialect-postgres.ts reads the same digits as a bit
 * string on PostgreSQL, so both give the same key) and shifted right to `bits`. Reading the 15 digits one by one
 * (strpos and substr per digit) gave the same numbers at about three times the cost. A row keeps its key whatever
 * other rows there are, which a row_number() over all rows does not give; n keys collide with a chance of about
 * n² / 2^(bits + 1), so the key wants a unique test.
 */
function stableNumber(text: string, bits: string): string {
  const n = Number(bits);
  if (!Number.isInteger(n) || n < 1 || n > 60) throw new Error(`stable_number: bits must be 1 to 60, not ${bits}`);
  return `(cast('0x' || substr(md5(${text}), 1, 15) as bigint) >> ${60 - n})`;
}

/** `{{ name(args) }}` → SQL text. `arity` is [least, most] arguments. */
export const SQL_MACROS: Readonly<Record<string, { arity: [number, number]; expand: (...args: string[]) => string }>> = {
  local_time: { arity: [1, 2], expand: localTime },
  local_day: { arity: [1, 2], expand: (c, z) => dayOf(localTime(c, z)) },
  local_month: { arity: [1, 2], expand: (c, z) => monthOf(localTime(c, z)) },
  local_date: { arity: [1, 2], expand: (c, z) => dateOf(localTime(c, z)) },
  hourly_local_time: { arity: [2, 3], expand: (c, h, z) => hourlyLocalTime(c, h!, z) },
  hourly_local_day: { arity: [2, 3], expand: (c, h, z) => dayOf(hourlyLocalTime(c, h!, z)) },
  hourly_local_month: { arity: [2, 3], expand: (c, h, z) => monthOf(hourlyLocalTime(c, h!, z)) },
  hourly_local_date: { arity: [2, 3], expand: (c, h, z) => dateOf(hourlyLocalTime(c, h!, z)) },
  utc_time: { arity: [1, 2], expand: (local, zone = ZONE) => `timezone('UTC', timezone(${zone}, ${local}))` },
  utc_instant: { arity: [1, 1], expand: (utc) => `timezone('UTC', ${utc})` },
  days_between: { arity: [2, 2], expand: (start, end) => `(date_diff('second', ${start}, ${end}) / 86400.0)` },
  fiscal_year: { arity: [2, 2], expand: (date, start) => fiscalYearSql(date!, start!) },
  fiscal_month_number: { arity: [2, 2], expand: (date, start) => fiscalMonthNumberSql(date!, start!) },
  staging_model: { arity: [1, 1], expand: (name) => stagingModel(name!) },
  stable_number: { arity: [2, 2], expand: (text, bits) => stableNumber(text!, bits!) },
};

/** The arguments of a macro call, split on top-level commas; null when the parentheses do not balance. */
export function splitArguments(text: string): string[] | null {
  const args: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return null;
      current += text.slice(i, end + 1);
      i = end;
      continue;
    }
    if (c === '(') depth++;
    if (c === ')' && --depth < 0) return null;
    if (c === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
    } else current += c;
  }
  if (depth !== 0) return null;
  args.push(current.trim());
  return args;
}
