/*
 * The planning and attribution engine: pure functions over plain data (no
 * database, no I/O), shared by the warehouse build and the HTTP API.
 */
export * from './funnel.js';
export * from './attribution-weights.js';
export * from './markov.js';
export * from './unit-economics.js';
export * from './reverse-plan.js';
export * from './kpi-tree.js';
