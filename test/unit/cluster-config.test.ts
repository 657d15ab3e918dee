/*
 * The settings that make a cluster (server/cluster/cluster.ts) serve its
 * pre-aggregations: the refresh worker builds them in the zone the API is
 * queried in, and an API instance told CUBEJS_PRE_AGGREGATIONS_BUILDER=false
 * says so to Cube itself (cube-server.ts), whatever NODE_ENV is.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { refreshTimeZones, servedTimeZone, TimeZoneMismatch } from '../../server/cube/warehouse-time';

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

  it("serves the warehouse's zone; REVCYCLE_TIMEZONE only checks it, and Cube's own variable is not read", () => {
    const none = { fiscalYearStartMonth: undefined, timeZone: undefined };
    const newYork = { fiscalYearStartMonth: 1, timeZone: 'America/New_York' };
    expect(servedTimeZone(config(), none)).toBe('Asia/Tokyo');
    expect(servedTimeZone(config(), newYork)).toBe('America/New_York');
    expect(servedTimeZone(config({ CUBEJS_DEFAULT_TIMEZONE: 'UTC' }), newYork)).toBe('America/New_York');
    expect(servedTimeZone(config({ REVCYCLE_TIMEZONE: 'America/New_York' }), newYork)).toBe('America/New_York');
    expect(servedTimeZone(config({ REVCYCLE_TIMEZONE: 'Europe/Paris' }), none)).toBe('Europe/Paris');
    expect(() => servedTimeZone(config({ REVCYCLE_TIMEZONE: 'Asia/Tokyo' }), newYork)).toThrow(TimeZoneMismatch);
    expect(() => config({ REVCYCLE_TIMEZONE: 'Mars/Olympus' })).toThrow(/REVCYCLE_TIMEZONE/);
  });

  it('the refresh worker builds in the served zone, and in the zones CUBEJS_SCHEDULED_REFRESH_TIMEZONES adds', () => {
    expect(refreshTimeZones(config(), 'America/New_York')).toEqual(['America/New_York']);
    expect(refreshTimeZones(config({ CUBEJS_SCHEDULED_REFRESH_TIMEZONES: 'UTC, America/New_York' }), 'America/New_York')).toEqual(
      ['America/New_York', 'UTC'],
    );
  });
});
