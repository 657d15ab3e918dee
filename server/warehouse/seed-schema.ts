/*
 * The canonical input tables of the product contract
 * (README.md, "The canonical tables"; docs/metrics.md): their columns, value types, which
 * values a row cannot do without, and their keys.
 *
 * The loader checks every seed row against this and sets a row aside when a
 * value cannot be read as its type or a required value is empty. Everything
 * that needs more than one row (uniqueness, references between tables,
 * ordering) is a data test beside the staging model, not a rule here.
 * Every listed column must be present in a seed file's header; extra columns
 * are allowed and kept in `raw`.
 *
 * The staging models are written from these columns (`{{ staging_model('leads') }}`,
 * sql-macros.ts), so a column's type is declared here only, and the value
 * checks accept exactly what the staging casts accept: a row that passes here
 * cannot break a staging model.
 */

export type ColumnType = 'string' | 'timestamp' | 'date' | 'integer' | 'number' | 'boolean';

export interface SeedColumn {
  name: string;
  type: ColumnType;
  /** An empty value sets the row aside. */
  required?: boolean;
  /** The header may leave the column out: it then loads as empty (NULL) on every row. */
  optional?: boolean;
  /** Values are compared without case (codes such as a stage or channel, emails): staging lower-cases them. */
  lowerCase?: boolean;
  /** An integer that staging keeps as a 32-bit `integer` (an order, a day count) rather than `bigint` (money). */
  int32?: boolean;
  /** Staging's value (SQL) for an empty cell, where empty means a default such as `false` for a flag. */
  emptyAs?: string;
  /** Staging's name for the column, where the file's name is a SQL keyword (`date`). */
  stagingName?: string;
}

export interface SeedTable {
  name: string;
  columns: SeedColumn[];
  /** Columns that identify a row; used in reports of rejected rows and failing tests. */
  key: string[];
  /**
   * The file may be left out of a seed directory: the project's bundled
   * seeds/<name>.csv is loaded instead (reference tables with a sensible
   * default, such as the channel list).
   */
  bundledDefault?: boolean;
  /**
   * The file may be left out of a seed directory: the table is then empty
   * (data a company may not have, such as its team costs; the bundled
   * sample's must not stand in for them).
   */
  optional?: boolean;
  /** Extra per-row rule: returns [column, reason] for a row to set aside, or undefined. */
  checkRow?: (row: Record<string, string>, context: RowContext) => [column: string, reason: string] | undefined;
}

export interface RowContext {
  /** Time zone names DuckDB knows (for settings.time_zone). */
  timeZones: ReadonlySet<string>;
}

const col = (name: string, type: ColumnType, required = false): SeedColumn => ({ name, type, required });
/** A string compared without case (see `lowerCase`). */
const code = (name: string, required = false): SeedColumn => ({ name, type: 'string', required, lowerCase: true });
/** A flag an empty cell leaves false. */
const flag = (name: string): SeedColumn => ({ name, type: 'boolean', emptyAs: 'false' });

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

export const SEED_TABLES: readonly SeedTable[] = [
  {
    name: 'stages',
    columns: [
      code('stage', true),
      { ...col('stage_order', 'integer', true), int32: true },
      col('label_ja', 'string'),
      col('label_en', 'string'),
      code('team'),
      { ...col('sla_days', 'integer'), int32: true },
      col('is_funnel', 'boolean', true),
    ],
    key: ['stage'],
  },
  {
    // The stage definitions document (ステージ定義書): what each stage means and its hand-off
    // condition, agreed between the teams; owning team and SLA stay in stages.csv.
    name: 'stage_definitions',
    columns: [
      code('stage', true),
      col('definition_ja', 'string'),
      col('definition_en', 'string'),
      col('entry_criteria_ja', 'string'),
      col('entry_criteria_en', 'string'),
      col('handoff_condition_ja', 'string'),
      col('handoff_condition_en', 'string'),
    ],
    key: ['stage'],
    bundledDefault: true,
  },
  {
    // The definitions' change log: the day the teams agreed a change, the stage it concerns
    // (empty: the whole document), the change and who agreed it.
    name: 'stage_definition_changes',
    columns: [
      { ...col('date', 'date', true), stagingName: 'changed_on' },
      code('stage'),
      col('change_ja', 'string'),
      col('change_en', 'string'),
      col('agreed_by', 'string', true),
    ],
    key: ['date', 'stage'],
    bundledDefault: true,
  },
  {
    // The channels the data may use (touchpoints, campaigns, costs, lead sources) and their names.
    name: 'channels',
    columns: [code('channel', true), col('label_ja', 'string'), col('label_en', 'string'), flag('is_paid')],
    key: ['channel'],
    bundledDefault: true,
  },
  {
    name: 'touch_types',
    columns: [code('touch_type', true), col('label_ja', 'string'), col('label_en', 'string')],
    key: ['touch_type'],
    bundledDefault: true,
  },
  {
    name: 'accounts',
    columns: [
      col('account_id', 'string', true),
      col('account_name', 'string'),
      col('industry', 'string'),
      col('employee_band', 'string'),
      col('region', 'string'),
      col('created_at', 'timestamp', true),
      col('churned_at', 'timestamp'),
    ],
    key: ['account_id'],
  },
  {
    name: 'leads',
    columns: [
      col('lead_id', 'string', true),
      code('email', true),
      col('account_id', 'string'),
      col('created_at', 'timestamp', true),
      code('lead_source'),
      col('persona', 'string'),
      code('owner_team'),
    ],
    key: ['lead_id'],
  },
  {
    name: 'stage_transitions',
    columns: [
      col('transition_id', 'string', true),
      col('lead_id', 'string', true),
      code('from_stage'),
      code('to_stage', true),
      col('transitioned_at', 'timestamp', true),
      col('reason', 'string'),
      code('team'),
    ],
    key: ['transition_id'],
  },
  {
    name: 'opportunities',
    columns: [
      col('opportunity_id', 'string', true),
      col('account_id', 'string'),
      col('lead_id', 'string'),
      col('created_at', 'timestamp', true),
      col('closed_at', 'timestamp'),
      code('status', true),
      col('amount', 'integer'),
      code('deal_type'),
      col('lost_reason', 'string'),
      code('owner_team'),
    ],
    key: ['opportunity_id'],
  },
  {
    name: 'touchpoints',
    columns: [
      col('touchpoint_id', 'string', true),
      col('lead_id', 'string', true),
      col('occurred_at', 'timestamp', true),
      code('channel', true),
      col('campaign_id', 'string'),
      code('touch_type'),
    ],
    key: ['touchpoint_id'],
  },
  {
    name: 'campaigns',
    columns: [
      col('campaign_id', 'string', true),
      col('campaign_name', 'string'),
      code('channel'),
      col('started_at', 'timestamp'),
      col('ended_at', 'timestamp'),
      // The buyer-journey step the campaign serves (docs/metrics.md definition 20); older files lack it.
      { ...code('buyer_journey_step'), optional: true },
    ],
    key: ['campaign_id'],
  },
  {
    name: 'channel_costs',
    columns: [col('month', 'date', true), code('channel', true), col('campaign_id', 'string'), col('cost', 'integer', true)],
    key: ['month', 'channel', 'campaign_id'],
  },
  {
    // Sales-and-marketing people and overhead per team and month, beside program spend (channel_costs):
    // the fully loaded CAC counts marketing, inside_sales and sales (docs/metrics.md definition 10).
    name: 'team_costs',
    columns: [col('month', 'date', true), code('team', true), code('cost_type', true), col('cost', 'integer', true)],
    key: ['month', 'team', 'cost_type'],
    optional: true,
  },
  {
    // The people a source names on a deal (Salesforce OpportunityContactRole, HubSpot deal–contact
    // associations), beside the buying group read from engagement (docs/metrics.md definition 19).
    // Without it a deal's buying group is its engaged contacts, persona from the lead only.
    name: 'opportunity_contact_roles',
    columns: [col('opportunity_id', 'string', true), col('lead_id', 'string', true), code('role'), flag('is_primary')],
    key: ['opportunity_id', 'lead_id'],
    optional: true,
  },
  {
    name: 'targets',
    columns: [col('fiscal_month', 'date', true), code('metric', true), col('target', 'number', true)],
    key: ['fiscal_month', 'metric'],
  },
  {
    name: 'settings',
    columns: [code('key', true), col('value', 'string', true)],
    key: ['key'],
    checkRow: checkSetting,
  },
];

export function seedTable(name: string): SeedTable {
  const table = SEED_TABLES.find((t) => t.name === name);
  if (!table) throw new Error(`Unknown seed table "${name}"`);
  return table;
}
