import { describe, expect, it } from 'vitest';
import { checkValue, SEED_TABLES } from '../../server/warehouse/index.js';

describe('checkValue', () => {
  it.each([
    '2025-04-03T10:15:00+09:00',
    '2025-04-03T10:15:00.123456+09:00',
    '2025-04-03T10:15:00Z',
    '2025-04-03T10:15:00-03:30',
    '2025-04-03T10:15:00+0900',
    '2025-04-03 10:15:00',
    '2025-04-03',
    '2024-02-29T00:00:00+09:00',
  ])('reads %s as a time', (value) => {
    expect(checkValue('timestamp', value)).toBeUndefined();
  });

  it.each([
    '2025-13-01',
    '2025-02-29T00:00:00+09:00',
    '2025-04-31T00:00:00+09:00',
    '2025-04-03T24:00:00+09:00',
    '2025-04-03T10:60:00+09:00',
    '2025-04-03T10:15+09:00',
    '2025-04-03T10:15:00 +09:00',
    '2025/04/03',
    '03.04.2025',
    'yesterday',
  ])('refuses %s as a time', (value) => {
    expect(checkValue('timestamp', value)).toBe('is not an ISO 8601 time');
  });

  it('checks dates, integers, numbers and booleans', () => {
    expect(checkValue('date', '2025-04-01')).toBeUndefined();
    expect(checkValue('date', '2025-04-01T00:00:00+09:00')).toMatch(/not an ISO 8601 date/);
    expect(checkValue('integer', '-1200000')).toBeUndefined();
    for (const bad of ['1,200', '12.5', '1e3', '¥100', '9999999999999999999']) {
      expect(checkValue('integer', bad)).toBe('is not an integer');
    }
    expect(checkValue('number', '0.75')).toBeUndefined();
    expect(checkValue('number', '75%')).toBe('is not a number');
    for (const ok of ['true', 'FALSE', 't', '0', 'yes', 'N']) expect(checkValue('boolean', ok)).toBeUndefined();
    expect(checkValue('boolean', 'on')).toMatch(/not a boolean/);
  });
});

describe('SEED_TABLES', () => {
  it('lists the contract tables with their keys among their columns', () => {
    expect(SEED_TABLES.map((t) => t.name)).toEqual([
      'stages',
      'stage_definitions',
      'stage_definition_changes',
      'channels',
      'touch_types',
      'accounts',
      'leads',
      'stage_transitions',
      'opportunities',
      'touchpoints',
      'campaigns',
      'channel_costs',
      'team_costs',
      'opportunity_contact_roles',
      'targets',
      'settings',
    ]);
    for (const table of SEED_TABLES) {
      const names = table.columns.map((c) => c.name);
      for (const key of table.key) expect(names).toContain(key);
    }
  });
});
