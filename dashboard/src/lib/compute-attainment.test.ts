import { describe, expect, it } from 'vitest';
import { computeAttainment, sumMonths } from './compute-attainment';

const actuals = [
  { month: '2026-04-01T00:00:00.000', value: 100 },
  { month: '2026-05-01T00:00:00.000', value: 200 },
  { month: '2026-06-01T00:00:00.000', value: null },
];
const targets = [
  { month: '2026-04-01', value: 150 },
  { month: '2026-05-01', value: 150 },
  { month: '2026-06-01', value: 300 },
];

describe('computeAttainment', () => {
  it('sums the months of a window', () => {
    expect(sumMonths(actuals, '2026-04-01', '2026-05-20')).toEqual({ sum: 300, count: 2 });
  });
  it('compares the actual to date with the whole window’s target and forecasts by run rate', () => {
    const a = computeAttainment({
      actuals,
      targets,
      window: { start: '2026-04-01', end: '2026-05-15', totalDays: 91, elapsedDays: 45 },
      windowEnd: '2026-06-30',
    });
    expect(a.actual).toBe(300);
    expect(a.target).toBe(600);
    expect(a.attainment).toBeCloseTo(0.5);
    expect(a.forecast).toBeCloseTo((300 * 91) / 45);
    expect(a.forecastAttainment).toBeCloseTo((300 * 91) / 45 / 600);
  });
  it('has no attainment without a target, and forecasts the actual once the window ended', () => {
    const a = computeAttainment({
      actuals,
      targets: [],
      window: { start: '2026-04-01', end: '2026-04-30', totalDays: 30, elapsedDays: 30 },
      windowEnd: '2026-04-30',
    });
    expect(a.target).toBeNull();
    expect(a.attainment).toBeNull();
    expect(a.forecast).toBe(100);
  });
});
