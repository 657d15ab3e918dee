import { describe, expect, it } from 'vitest';
import { compareKeys } from './compare-keys';

describe('compareKeys', () => {
  it('orders the dashboard keys as localeCompare does, without it', () => {
    const keys = [
      '2025-10',
      '2024-04',
      '2025-01',
      'mql->sal',
      'lead->mql',
      'field_staff',
      'executive',
      'it_admin',
      'department_head',
    ];
    expect([...keys].sort(compareKeys)).toEqual([...keys].sort((a, b) => a.localeCompare(b, 'en')));
    expect(compareKeys('a', 'a')).toBe(0);
    expect(compareKeys('2025-01', '2025-02')).toBeLessThan(0);
    expect(compareKeys('sal', 'mql')).toBeGreaterThan(0);
  });
});
