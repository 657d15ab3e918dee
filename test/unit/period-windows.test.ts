/*
 * The like-window rule of docs/metrics.md, definition 17
 * (server/contract/period-windows.ts), on hand-worked dates: the bundled
 * sample's as-of day, month ends, February and leap years, closed periods.
 */
import { describe, expect, it } from 'vitest';
import { periodWindows, planToDate, shiftElapsedDay } from '../../server/contract/period-windows';

describe('periodWindows', () => {
  it('FY2026 as of 2026-11-20: the same days a year earlier, the plan through 20/30 of November', () => {
    const w = periodWindows('year', '2026-04-01', '2026-11-20');
    expect(w.isPartial).toBe(true);
    expect(w.current).toEqual({ start: '2026-04-01', end: '2026-11-20' });
    expect(w.previous).toEqual({ start: '2025-04-01', end: '2025-11-20' });
    expect(w.yearAgo).toEqual(w.previous);
    expect(w.full).toEqual({ start: '2026-04-01', end: '2027-03-31' });
    expect(w.planMonths.map((m) => m.month)).toEqual([
      '2026-04-01',
      '2026-05-01',
      '2026-06-01',
      '2026-07-01',
      '2026-08-01',
      '2026-09-01',
      '2026-10-01',
      '2026-11-01',
    ]);
    expect(w.planMonths.at(-1)!.share).toBeCloseTo(20 / 30, 12);
    expect(w.fullPlanMonths).toHaveLength(12);
    expect([w.elapsedDays, w.totalDays]).toEqual([234, 365]);
    expect(planToDate(w, () => 30)).toBeCloseTo(7 * 30 + 20, 9);
  });

  it('the quarter and the month: previous to the same elapsed point, year ago the same days', () => {
    const q = periodWindows('quarter', '2026-10-01', '2026-11-20');
    expect(q.previous).toEqual({ start: '2026-07-01', end: '2026-08-20' });
    expect(q.yearAgo).toEqual({ start: '2025-10-01', end: '2025-11-20' });
    const m = periodWindows('month', '2026-11-01', '2026-11-20');
    expect(m.previous).toEqual({ start: '2026-10-01', end: '2026-10-20' });
    expect(m.yearAgo).toEqual({ start: '2025-11-01', end: '2025-11-20' });
    expect(m.planMonths).toEqual([{ month: '2026-11-01', share: 20 / 30 }]);
  });

  it('month ends map to month ends; a missing day takes the month’s last day', () => {
    expect(shiftElapsedDay('2026-03-31', -1)).toBe('2026-02-28');
    expect(shiftElapsedDay('2026-02-28', -1)).toBe('2026-01-31');
    expect(shiftElapsedDay('2028-02-29', -12)).toBe('2027-02-28');
    expect(shiftElapsedDay('2027-02-28', -12)).toBe('2026-02-28');
    expect(shiftElapsedDay('2029-02-28', -12)).toBe('2028-02-29');
    expect(shiftElapsedDay('2026-11-30', -3)).toBe('2026-08-31');
    expect(periodWindows('month', '2026-03-01', '2026-03-30').previous).toEqual({ start: '2026-02-01', end: '2026-02-28' });
  });

  it('a closed period compares whole windows and its whole plan', () => {
    const w = periodWindows('year', '2025-04-01', '2026-11-20');
    expect(w.isPartial).toBe(false);
    expect(w.current).toEqual(w.full);
    expect(w.previous).toEqual({ start: '2024-04-01', end: '2025-03-31' });
    expect(w.planMonths.every((m) => m.share === 1)).toBe(true);
    expect(w.planMonths).toHaveLength(12);
    // as-of on the period's last day closes it
    expect(periodWindows('month', '2026-11-01', '2026-11-30T23:59:59+09:00').isPartial).toBe(false);
  });

  it('a period not begun counts nothing', () => {
    const w = periodWindows('month', '2026-12-01', '2026-11-20');
    expect(w.elapsedDays).toBe(0);
    expect(w.planMonths).toEqual([]);
    expect(w.current.end < w.current.start).toBe(true);
  });
});
