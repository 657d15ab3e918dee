/*
 * The reverse plan (docs/metrics.md, definition 11): pure functions over
 * plain data (no database, no I/O), shared by the plan mart
 * (model/warehouse/marts/plan_requirements.ts, through server/plan/) and
 * POST /api/plan.
 */
export * from './funnel.js';
export * from './reverse-plan.js';
