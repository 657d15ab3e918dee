/*
 * The reverse plan around the engine: observed inputs from the warehouse,
 * the API's overrides, and the rows of marts.plan_requirements. Used by the
 * plan mart and POST /api/plan; imports nothing from model/.
 */
export * from './observed.js';
export * from './overrides.js';
export * from './rows.js';
