/*
 * The settings that make a cluster (server/cluster/cluster.ts) serve its
 * pre-aggregations: the refresh worker builds them in the zone the API is
 * queried in, and an API instance told CUBEJS_PRE_AGGREGATIONS_BUILDER=false
 * says so to Cube itself (cube-server.ts), whatever NODE_ENV is.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';

const config = (env: Record<string, string> = {}) =>
  loadConfig({ CUBEJS_API_SECRET: 'test-secret-0123456789abcdef', NODE_ENV: 'test', ...env });

describe('cluster settings', () => {
  it('the refresh worker builds in the API time zone unless CUBEJS_SCHEDULED_REFRESH_TIMEZONES lists others', () => {
    expect(config().scheduledRefreshTimeZones).toEqual(['Asia/Tokyo']);
    expect(config({ REVCYCLE_TIMEZONE: 'Europe/Paris' }).scheduledRefreshTimeZones).toEqual(['Europe/Paris']);
    expect(config({ CUBEJS_SCHEDULED_REFRESH_TIMEZONES: 'Asia/Tokyo, UTC' }).scheduledRefreshTimeZones).toEqual([
      'Asia/Tokyo',
      'UTC',
    ]);
    expect(() => config({ CUBEJS_SCHEDULED_REFRESH_TIMEZONES: 'Asia/Tokyo,Mars/Olympus' })).toThrow(
      /CUBEJS_SCHEDULED_REFRESH_TIMEZONES/,
    );
  });

  it('CUBEJS_PRE_AGGREGATIONS_BUILDER is read only when set', () => {
    expect(config().preAggregationsBuilder).toBeUndefined();
    expect(config({ CUBEJS_PRE_AGGREGATIONS_BUILDER: 'false' }).preAggregationsBuilder).toBe(false);
    expect(config({ CUBEJS_PRE_AGGREGATIONS_BUILDER: 'true' }).preAggregationsBuilder).toBe(true);
    expect(() => config({ CUBEJS_PRE_AGGREGATIONS_BUILDER: 'maybe' })).toThrow(/CUBEJS_PRE_AGGREGATIONS_BUILDER/);
  });
});
