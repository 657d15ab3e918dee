import { describe, expect, it } from 'vitest';
import { actionWindows, movement, windowMean } from './compare-action-windows';

describe('actionWindows', () => {
  it('starts after the start’s month when the action starts mid-month, before ends the month before it', () => {
    // started 15 Sep; as_of 20 Nov: October is the only complete month after the start
    expect(actionWindows('2026-09-15', '2026-11-20T23:59:59+09:00')).toEqual({
      before: { months: ['2026-08-01'], start: '2026-08-01', end: '2026-08-31' },
      after: { months: ['2026-10-01'], start: '2026-10-01', end: '2026-10-31' },
    });
  });
  it('counts the start’s month as after when it starts on the 1st, and caps the length', () => {
    const w = actionWindows('2026-05-01', '2026-11-30', 3)!;
    expect(w.after.months).toEqual(['2026-05-01', '2026-06-01', '2026-07-01']);
    expect(w.before.months).toEqual(['2026-02-01', '2026-03-01', '2026-04-01']);
  });
  it('takes the as_of month when as_of is its last day, and crosses year ends', () => {
    const w = actionWindows('2026-01-01', '2026-02-28')!;
    expect(w.after.months).toEqual(['2026-01-01', '2026-02-01']);
    expect(w.before).toEqual({ months: ['2025-11-01', '2025-12-01'], start: '2025-11-01', end: '2025-12-31' });
  });
  it('is null while no month after the start is complete', () => {
    expect(actionWindows('2026-11-02', '2026-11-20')).toBeNull();
    expect(actionWindows('2026-11-01', '2026-11-29')).toBeNull();
  });
});

describe('windowMean and movement', () => {
  it('averages the months that have a value', () => {
    const values: Record<string, number | null> = { '2026-08-01': 10, '2026-09-01': null, '2026-10-01': 20 };
    expect(windowMean({ months: Object.keys(values), start: '', end: '' }, (m) => values[m] ?? null)).toBe(15);
    expect(windowMean({ months: ['2026-01-01'], start: '', end: '' }, () => null)).toBeNull();
  });
  it('calls a rise better, except for days', () => {
    expect(movement(0.5, 0.6, 'ratio')).toBe('better');
    expect(movement(40, 35, 'days')).toBe('better');
    expect(movement(100, 90, 'JPY')).toBe('worse');
    expect(movement(3, 3, 'count')).toBe('flat');
    expect(movement(null, 3, 'count')).toBeNull();
  });
});
