/*
 * Team costs in an import: a company's sales-and-marketing people and
 * overhead per team and month (canonical table team_costs, docs/metrics.md
 * definition 10), read through a mapping's `tables: team_costs:` entry like
 * any table of the generic source, kept in the import store and written
 * to team_costs.csv.
 *
 * Teams and cost types are read as the canonical names or the Japanese
 * labels a cost sheet uses (NFKC-folded; case, spaces, - and _ ignored):
 * マーケティング → marketing, インサイドセールス → inside_sales,
 * 営業 / フィールドセールス → sales, カスタマーサクセス → customer_success;
 * 人件費 → people, 間接費 / 経費 → overhead. Anything else sets the row
 * aside, naming the column and the values accepted. Months read as
 * `2025-04`, `2025/4/1` or `2025年4月`; costs as amounts (¥ and commas allowed).
 */
import { fold } from './text.js';
import type { ImportContext, Row } from './sources/common.js';

/** The store entity's columns (server/import/batch.ts). */
export const TEAM_COST_COLUMNS = ['source', 'month', 'team', 'cost_type', 'cost'] as const;
/** One cost per source, month, team and cost type; a later row of the same key wins (server/import/merge.ts). */
export const TEAM_COST_KEY = { key: ['source', 'month', 'team', 'cost_type'] };
/** The canonical table from the store: costs of the same month, team and type from several sources add up. */
export const TEAM_COSTS_TABLE_SQL =
  'select month::date as month, team, cost_type, sum(cost::bigint) as cost from s_team_costs group by all order by all';

const TEAMS: Record<string, string> = {
  marketing: 'marketing',
  マーケティング: 'marketing',
  マーケ: 'marketing',
  inside_sales: 'inside_sales',
  インサイドセールス: 'inside_sales',
  is: 'inside_sales',
  sales: 'sales',
  field_sales: 'sales',
  営業: 'sales',
  フィールドセールス: 'sales',
  customer_success: 'customer_success',
  カスタマーサクセス: 'customer_success',
  cs: 'customer_success',
};
const COST_TYPES: Record<string, string> = {
  people: 'people',
  人件費: 'people',
  overhead: 'overhead',
  間接費: 'overhead',
  経費: 'overhead',
};

const key = (v: string) =>
  fold(v)
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
const lookup = (table: Record<string, string>) => new Map(Object.entries(table).map(([k, v]) => [key(k), v]));
const TEAM_LOOKUP = lookup(TEAMS);
const COST_TYPE_LOOKUP = lookup(COST_TYPES);

/**
 * Reads one team-cost row; `c` names the source column of a canonical column,
 * `firstOfMonth` is the generic source's month reader (month start or undefined).
 */
export function readTeamCost(
  ctx: ImportContext,
  c: (canonical: string) => string,
  firstOfMonth: (raw: string) => string | undefined,
  r: Row,
): void {
  const rawMonth = r.required(c('month'));
  const month = firstOfMonth(rawMonth);
  if (!month && !r.rejected) r.reject(c('month'), rawMonth, 'unreadable month', 'write the month as 2025-04 or 2025年4月');
  const rawTeam = r.required(c('team'));
  const team = TEAM_LOOKUP.get(key(rawTeam));
  if (!team && !r.rejected)
    r.reject(
      c('team'),
      rawTeam,
      'unknown team',
      'use marketing, inside_sales, sales or customer_success (or マーケティング, インサイドセールス, 営業, カスタマーサクセス)',
    );
  const rawType = r.required(c('cost_type'));
  const costType = COST_TYPE_LOOKUP.get(key(rawType));
  if (!costType && !r.rejected)
    r.reject(c('cost_type'), rawType, 'unknown cost type', 'use people (人件費) or overhead (間接費)');
  const cost = r.amount(c('cost'));
  if (cost === undefined && !r.rejected) r.reject(c('cost'), '', 'missing cost');
  if (r.rejected) return;
  ctx.batch.add('team_costs', { source: ctx.source, month, team, cost_type: costType, cost }, r.origin);
}
