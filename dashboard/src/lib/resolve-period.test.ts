import { describe, expect, it } from 'vitest';
import {
  comparableRanges,
  currentFiscalYearKey,
  isPeriodKey,
  periodOptions,
  referenceDay,
  resolvePeriod,
  toDateWindows,
} from './resolve-period';

describe('resolvePeriod', () => {
  it('resolves a fiscal year with an April start', () => {
    const p = resolvePeriod('FY2025');
    expect(p).toMatchObject({
      kind: 'year',
      start: '2025-04-01',
      end: '2026-03-31',
      previousKey: 'FY2024',
      yearAgoKey: 'FY2024',
    });
    expect(p.months).toHaveLength(12);
    expect(p.months[11]).toBe('2026-03-01');
  });
  it('resolves quarters, with the previous quarter across the year boundary', () => {
    const q1 = resolvePeriod('FY2025-Q1');
    expect(q1).toMatchObject({ start: '2025-04-01', end: '2025-06-30', previousKey: 'FY2024-Q4', yearAgoKey: 'FY2024-Q1' });
    expect(q1.previous).toEqual({ start: '2025-01-01', end: '2025-03-31' });
    expect(resolvePeriod('FY2025-Q4')).toMatchObject({ start: '2026-01-01', end: '2026-03-31' });
  });
  it('resolves months, including February of a leap year', () => {
    expect(resolvePeriod('2024-02')).toMatchObject({
      kind: 'month',
      start: '2024-02-01',
      end: '2024-02-29',
      fiscalYear: 2023,
      previousKey: '2024-01',
      yearAgoKey: '2023-02',
    });
  });
  it('follows another fiscal start month', () => {
    expect(resolvePeriod('FY2025', 1)).toMatchObject({ start: '2025-01-01', end: '2025-12-31' });
    expect(resolvePeriod('FY2025-Q2', 10)).toMatchObject({ start: '2026-01-01', end: '2026-03-31' });
  });
  it('refuses what is not a key', () => {
    expect(isPeriodKey('FY2025-Q5')).toBe(false);
    expect(isPeriodKey('2025-13')).toBe(false);
    expect(() => resolvePeriod('2025')).toThrow();
  });
});

describe('windows relative to as_of', () => {
  it('gives month, quarter and year to date for a running year', () => {
    const w = toDateWindows(resolvePeriod('FY2026'), '2026-11-20');
    expect(w.reference).toBe('2026-11-20');
    expect(w.month).toMatchObject({
      key: '2026-11',
      start: '2026-11-01',
      end: '2026-11-20',
      periodEnd: '2026-11-30',
      totalDays: 30,
      elapsedDays: 20,
    });
    expect(w.quarter).toMatchObject({
      key: 'FY2026-Q3',
      start: '2026-10-01',
      periodEnd: '2026-12-31',
      totalDays: 92,
      elapsedDays: 51,
    });
    expect(w.year).toMatchObject({ key: 'FY2026', start: '2026-04-01', totalDays: 365 });
  });
  it('ends a finished period at its last day', () => {
    const w = toDateWindows(resolvePeriod('FY2024'), '2026-11-20');
    expect(w.reference).toBe('2025-03-31');
    expect(w.month.elapsedDays).toBe(w.month.totalDays);
  });
  it('compares a running period with the same span of the previous one', () => {
    const r = comparableRanges(resolvePeriod('FY2026'), '2026-11-20');
    expect(r.complete).toBe(false);
    expect(r.current).toEqual({ start: '2026-04-01', end: '2026-11-20' });
    expect(r.previous).toEqual({ start: '2025-04-01', end: '2025-11-20' });
    const done = comparableRanges(resolvePeriod('2026-02'), '2026-11-20');
    expect(done.previous).toEqual({ start: '2026-01-01', end: '2026-01-31' });
  });
  it('reads stocks at the period end or as_of', () => {
    expect(referenceDay(resolvePeriod('FY2026'), '2026-11-20')).toBe('2026-11-20');
    expect(referenceDay(resolvePeriod('FY2025'), '2026-11-20')).toBe('2026-03-31');
  });
  it('lists periods up to as_of, newest first', () => {
    const o = periodOptions('2024-04-03', '2026-11-20');
    expect(o.years).toEqual(['FY2026', 'FY2025', 'FY2024']);
    expect(o.quarters[0]).toBe('FY2026-Q3');
    expect(o.months[0]).toBe('2026-11');
    expect(o.months.at(-1)).toBe('2024-04');
    expect(currentFiscalYearKey('2026-02-01')).toBe('FY2025');
  });
});
