import { describe, expect, it } from 'vitest';
import { buildPlanRequest, countOverrides, monthTargets, normaliseMix, scaleTargets } from './build-plan-request';

const months = [
  { month: '2026-04-01', revenueTarget: 100 },
  { month: '2026-05-01', revenueTarget: 300 },
];

describe('monthTargets', () => {
  it('pairs each month’s revenue target with its new-business target, and scales both alike', () => {
    const m = monthTargets([
      { month: '2026-05-01', metric: 'revenue', target: 300 },
      { month: '2026-04-01', metric: 'new_revenue', target: 40 },
      { month: '2026-04-01', metric: 'revenue', target: 100 },
    ]);
    expect(m).toEqual([
      { month: '2026-04-01', revenueTarget: 100, newRevenueTarget: 40 },
      { month: '2026-05-01', revenueTarget: 300 },
    ]);
    // 400 → 800: × 2 on both
    expect(scaleTargets(m, 800)).toEqual([
      { month: '2026-04-01', revenueTarget: 200, newRevenueTarget: 80 },
      { month: '2026-05-01', revenueTarget: 600 },
    ]);
  });
});

describe('buildPlanRequest', () => {
  it('sends only the period’s targets when nothing changed', () => {
    expect(buildPlanRequest(months, {})).toEqual({ fiscalMonths: months });
  });
  it('scales each month in proportion to a new period target', () => {
    expect(scaleTargets(months, 800)).toEqual([
      { month: '2026-04-01', revenueTarget: 200 },
      { month: '2026-05-01', revenueTarget: 600 },
    ]);
    expect(
      scaleTargets(
        [
          { month: '2026-04-01', revenueTarget: 0 },
          { month: '2026-05-01', revenueTarget: 0 },
        ],
        10,
      )[1]!.revenueTarget,
    ).toBe(5);
  });
  it('passes overrides and normalises an edited mix to 1', () => {
    const body = buildPlanRequest(months, {
      averageDealSize: 5e6,
      conversionRates: { 'lead->mql': 0.4 },
      channelMix: { seo: 3, webinar: 1 },
      ltvCacTarget: 4,
    });
    expect(body).toMatchObject({
      averageDealSize: 5e6,
      conversionRates: { 'lead->mql': 0.4 },
      channelMix: { seo: 0.75, webinar: 0.25 },
      ltvCacTarget: 4,
    });
    expect(normaliseMix({ a: 0, b: 0 })).toEqual({ a: 0, b: 0 });
  });
  it('counts the changed assumptions', () => {
    expect(countOverrides({})).toBe(0);
    expect(
      countOverrides({ revenueTarget: 1, conversionRates: { 'lead->mql': 0.3, 'mql->sal': 0.5 }, channelMix: { seo: 1 } }),
    ).toBe(4);
  });
});
