/*
 * Which time zone the server serves: the warehouse's (docs/metrics.md, "Time
 * zone and fiscal year"). The zone in the built warehouse's settings
 * (marts.settings.time_zone; settings.csv `timezone`, Asia/Tokyo by default)
 * cuts the marts' months, the dashboard's queries (it reads the same setting)
 * and so must cut Cube's queries without a zone and the rollups the warm-up
 * and the refresh worker build: a rollup serves only queries in its own zone.
 *
 * The environment (REVCYCLE_TIMEZONE) does not choose another zone: when
 * set, it must name the warehouse's, and the
 * server refuses to start otherwise (a dashboard in one zone and rollups in
 * another would serve no tile from a rollup). It is the zone served only while
 * the warehouse has none (no warehouse yet, or one without settings).
 * Cube's own CUBEJS_DEFAULT_TIMEZONE is not read: the server sets it to the
 * zone it serves.
 * CUBEJS_SCHEDULED_REFRESH_TIMEZONES, when set, lists the refresh worker's
 * zones itself (for analysts querying in further zones); the served zone is
 * added to it.
 *
 * The fiscal year's start month follows the warehouse the same way, in the
 * model's fiscal granularities (model-files.ts).
 */
import { ConfigError, type Config } from '../config.js';
import type { WarehouseSettings } from './model-files.js';

export class TimeZoneMismatch extends ConfigError {}

/** The zone to serve for a warehouse's settings; throws TimeZoneMismatch when an explicit environment zone differs. */
export function servedTimeZone(config: Pick<Config, 'timeZone' | 'envTimeZone'>, settings: WarehouseSettings): string {
  const warehouse = settings.timeZone;
  if (!warehouse) return config.timeZone;
  if (config.envTimeZone && config.envTimeZone !== warehouse) {
    throw new TimeZoneMismatch(
      `REVCYCLE_TIMEZONE sets the time zone ${config.envTimeZone}, but the ` +
        `warehouse's settings say ${warehouse}: the warehouse's zone rules (its months, the dashboard's queries and the ` +
        `rollups must agree). Unset the variable, or set it to ${warehouse}, or change settings.csv and rebuild.`,
    );
  }
  return warehouse;
}

/** The refresh worker's zones: CUBEJS_SCHEDULED_REFRESH_TIMEZONES when set, with the served zone first. */
export function refreshTimeZones(config: Pick<Config, 'scheduledRefreshTimeZones' | 'refreshTimeZonesFromEnv'>, served: string) {
  if (!config.refreshTimeZonesFromEnv) return [served];
  return [served, ...config.scheduledRefreshTimeZones.filter((zone) => zone !== served)];
}
