/*
 * The landing forecast (docs/metrics.md, definition 18): components, point,
 * backtest and interval. Used by the marts forecast_backtest and
 * forecast_landing and by `npm run backtest`; imports nothing from model/.
 */
export * from './components.js';
export * from './landing.js';
export * from './settings.js';
