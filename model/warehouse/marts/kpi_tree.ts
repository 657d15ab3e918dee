/*
 * marts.kpi_tree, behind the `kpi_tree` view: the KPI tree (KPIツリー,
 * docs/metrics.md, definition 12) with the revenue gap decomposition
 * (definition 14) per month, fiscal quarter and fiscal year. The rows are
 * laid out by model/warehouse/marts/kpi_tree/tree-rows.ts, which says how.
 */
import { KPI_TREE_COLUMNS, type KpiTreeRow, kpiTreeRows } from './kpi_tree/tree-rows.js';
import type { ModelContext } from '../../../server/warehouse/run-models.js';

export const dependsOn = ['kpi_actuals', 'plan_requirements', 'fiscal_calendar', 'settings'];
export const columns = KPI_TREE_COLUMNS;

export function model(ctx: ModelContext): Promise<Partial<KpiTreeRow>[]> {
  return kpiTreeRows(ctx.query, ctx.log);
}
