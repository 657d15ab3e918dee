/*
 * The canonical input tables of the product contract (README.md, "The
 * canonical tables"; docs/metrics.md): their columns, value types, which
 * values a row cannot do without, their keys, and how staging reads each
 * column. One place for a column: the seed loader checks rows against it
 * (server/warehouse/seed-schema.ts), the staging models are written from it
 * (`{{ staging_model('leads') }}`, server/warehouse/sql-macros.ts) and the
 * sample generator writes its files' headers from it (seeds/generator/).
 * Browser-safe: data and types only.
 */

export type ColumnType = 'string' | 'timestamp' | 'date' | 'integer' | 'number' | 'boolean';

export interface CanonicalColumn {
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

export interface CanonicalTable {
  name: string;
  columns: readonly CanonicalColumn[];
  /** Columns that identify a row; used in reports of rejected rows and failing tests. */
  key: readonly string[];
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
}

const col = (name: string, type: ColumnType, required = false): CanonicalColumn => ({ name, type, required });
/** A string compared without case (see `lowerCase`). */
const code = (name: string, required = false): CanonicalColumn => ({ name, type: 'string', required, lowerCase: true });
/** A flag an empty cell leaves false. */
const flag = (name: string): CanonicalColumn => ({ name, type: 'boolean', emptyAs: 'false' });

export const CANONICAL_TABLES = [
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
  },
] as const satisfies readonly CanonicalTable[];

export type CanonicalTableName = (typeof CANONICAL_TABLES)[number]['name'];

/** The canonical table `name`; throws for a name the contract does not list. */
export function canonicalTable(name: string): CanonicalTable {
  const table = (CANONICAL_TABLES as readonly CanonicalTable[]).find((t) => t.name === name);
  if (!table) throw new Error(`Unknown seed table "${name}"`);
  return table;
}
