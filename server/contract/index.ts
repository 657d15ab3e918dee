/*
 * The contract every layer shares — engine, warehouse marts, HTTP API and
 * dashboard: funnel stages and links, attribution models, unit-economics
 * constants, the plan request schema and the action log. Browser-safe (no
 * Node imports), so the dashboard bundles it; it imports nothing else from
 * the project.
 */
export * from './vocabulary.js';
export * from './canonical-tables.js';
export * from './funnel.js';
export * from './attribution.js';
export * from './unit-economics.js';
export * from './plan.js';
export * from './plan-result.js';
export * from './actions.js';
export * from './imports.js';
export * from './content-map.js';
export * from './journey.js';
export * from './period-windows.js';
