/*
 * Unit economics (docs/metrics.md, definition 10), worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { allowableCac } from '../../../server/engine/index.js';
import { cacPaybackMonths, customerLifetimeYears, ltv, ltvToCac } from '../../reference/unit-economics.js';

describe('ltv', () => {
  it('ARPA × margin ÷ churn while the lifetime is under the cap', () => {
    // 1,200,000 × 0.75 ÷ 0.2 = 900,000 × 5 years = 4,500,000
    expect(ltv({ arpa: 1_200_000, grossMargin: 0.75, annualChurn: 0.2 })).toBeCloseTo(4_500_000, 6);
  });
  it('caps the lifetime at 10 years (zero or very low churn)', () => {
    // churn 0 → 10 years: 900,000 × 10 = 9,000,000
    expect(ltv({ arpa: 1_200_000, grossMargin: 0.75, annualChurn: 0 })).toBeCloseTo(9_000_000, 6);
    // churn 0.05 → 20 years, capped at 10 → 9,000,000
    expect(ltv({ arpa: 1_200_000, grossMargin: 0.75, annualChurn: 0.05 })).toBeCloseTo(9_000_000, 6);
    expect(customerLifetimeYears(0.05)).toBe(10);
  });
  it('uncapped on request', () => {
    // 900,000 ÷ 0.05 = 18,000,000
    expect(ltv({ arpa: 1_200_000, grossMargin: 0.75, annualChurn: 0.05, maxLifetimeYears: Infinity })).toBeCloseTo(18_000_000, 6);
    expect(ltv({ arpa: 1_200_000, grossMargin: 0.75, annualChurn: 0, maxLifetimeYears: Infinity })).toBe(Infinity);
  });
  it('rejects invalid input', () => {
    expect(() => ltv({ arpa: -1, grossMargin: 0.75, annualChurn: 0.2 })).toThrow(RangeError);
    expect(() => ltv({ arpa: 1, grossMargin: 1.5, annualChurn: 0.2 })).toThrow(RangeError);
    expect(() => ltv({ arpa: 1, grossMargin: 0.5, annualChurn: -0.1 })).toThrow(RangeError);
  });
});

describe('cacPaybackMonths', () => {
  it('CAC ÷ (ARPA × margin ÷ 12)', () => {
    // monthly margin = 1,200,000 × 0.75 ÷ 12 = 75,000; 900,000 ÷ 75,000 = 12
    expect(cacPaybackMonths(900_000, 1_200_000, 0.75)).toBeCloseTo(12, 12);
  });
  it('never pays back without margin', () => {
    expect(cacPaybackMonths(900_000, 0, 0.75)).toBe(Infinity);
    expect(cacPaybackMonths(0, 0, 0.75)).toBe(0);
  });
});

describe('ltvToCac and allowableCac', () => {
  it('ratios', () => {
    expect(ltvToCac(4_500_000, 1_500_000)).toBeCloseTo(3, 12);
    expect(ltvToCac(4_500_000, 0)).toBe(Infinity);
    expect(ltvToCac(0, 0)).toBeNaN();
    // 3,000,000 ÷ 3 = 1,000,000
    expect(allowableCac(3_000_000, 3)).toBe(1_000_000);
    expect(() => allowableCac(3_000_000, 0)).toThrow(RangeError);
  });
});
