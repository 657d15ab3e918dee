import { describe, expect, it } from 'vitest';
import {
  DASH,
  fiscalQuarterOf,
  fiscalYearOf,
  formatCount,
  formatDate,
  formatDays,
  formatFiscalQuarter,
  formatFiscalYear,
  formatMonth,
  formatPercent,
  formatPeriodKey,
  formatSignedPercent,
  formatSignedYen,
  formatYen,
  formatByUnit,
  formatAttainment,
  formatSignedPoints,
} from './format';

describe('formatYen in Japanese (万 / 億)', () => {
  it.each([
    [0, '0円'],
    [9_800, '9,800円'],
    [12_345, '1.23万円'],
    [123_456, '12.3万円'],
    [1_234_567, '123万円'],
    [12_345_678, '1,235万円'],
    [99_999_999, '1億円'],
    [123_456_789, '1.23億円'],
    [1_234_567_890, '12.3億円'],
    [-5_000_000, '-500万円'],
  ])('%d → %s', (v, text) => expect(formatYen(v, 'ja')).toBe(text));

  it('gives the full figure when not compact', () => {
    expect(formatYen(123_456_789, 'ja', { compact: false })).toBe('123,456,789円');
  });
});

describe('formatYen in English (K / M / B)', () => {
  it.each([
    [980, '¥980'],
    [12_345, '¥12.3K'],
    [1_234_567, '¥1.23M'],
    [123_456_789, '¥123M'],
    [2_500_000_000, '¥2.5B'],
  ])('%d → %s', (v, text) => expect(formatYen(v, 'en')).toBe(text));
  it('full figure', () => expect(formatYen(1_234_567, 'en', { compact: false })).toBe('¥1,234,567'));
});

describe('missing values', () => {
  it('shows an en dash, never 0', () => {
    for (const v of [null, undefined, '', Number.NaN, Infinity]) {
      expect(formatYen(v, 'ja')).toBe(DASH);
      expect(formatPercent(v, 'en')).toBe(DASH);
      expect(formatCount(v)).toBe(DASH);
      expect(formatDays(v)).toBe(DASH);
    }
  });
  it('reads numeric strings as Cube sends them', () => expect(formatCount('1234.4', 'ja')).toBe('1,234'));
});

describe('percent, days and signed changes', () => {
  it('percent takes a ratio', () => {
    expect(formatPercent(0.1234, 'ja')).toBe('12.3%');
    expect(formatPercent(1, 'en', 0)).toBe('100%');
    expect(formatPercent(-0.0004, 'en', 0)).toBe('0%');
    expect(formatPercent(-0.004, 'en', 0)).toBe('0%');
    expect(formatPercent(-0.006, 'en', 0)).toBe('-1%');
  });
  it('signed percent and yen carry a sign', () => {
    expect(formatSignedPercent(0.05, 'en')).toBe('+5.0%');
    expect(formatSignedPercent(-0.05, 'en')).toBe('−5.0%');
    expect(formatSignedYen(-80_400_000, 'ja')).toBe('−8,040万円');
  });
  it('days in both languages', () => {
    expect(formatDays(12.34, 'ja')).toBe('12.3日');
    expect(formatDays(1, 'en')).toBe('1 day');
    expect(formatDays(2.5, 'en')).toBe('2.5 days');
  });
  it('formats by the unit a view declares', () => {
    expect(formatByUnit(0.5, 'ratio', 'en')).toBe('50.0%');
    expect(formatByUnit(30_000, 'JPY', 'ja')).toBe('3万円');
    expect(formatByUnit(3, 'count', 'en')).toBe('3');
  });
});

describe('a percentage of target never reads like a percentage change', () => {
  it('prints attainment unsigned, naming its basis, in both languages', () => {
    expect(formatAttainment(0.65, 'en')).toBe('65% of target');
    expect(formatAttainment(0.65, 'ja')).toBe('目標比 65%');
    expect(formatAttainment(1.2, 'en', 'plan')).toBe('120% of plan');
    expect(formatAttainment(0.5, 'ja', 'plan')).toBe('計画比 50%');
    expect(formatAttainment(null, 'en')).toBe('–');
  });

  it('prints changes and gaps signed', () => {
    expect(formatSignedPoints(0.012, 'en')).toBe('+1.2pt');
    expect(formatSignedPoints(-0.35, 'ja')).toBe('−35.0pt');
    expect(formatSignedPoints(0, 'en')).toBe('±0.0pt');
    expect(formatSignedYen(-120_000_000, 'ja')).toBe('−1.2億円');
  });

  it('the same ratio prints differently as attainment and as change, in both languages', () => {
    for (const locale of ['ja', 'en'] as const) {
      for (const v of [0.65, 1, 1.35, 0]) {
        const attainment = formatAttainment(v, locale);
        const change = formatSignedPercent(v - 1, locale);
        expect(attainment).not.toBe(change);
        expect(attainment).not.toMatch(/^[+−±-]/);
        expect(change).toMatch(/^[+−±]/);
      }
    }
  });
});

describe('fiscal periods (April start by default)', () => {
  it('names the fiscal year by the year it starts in', () => {
    expect(fiscalYearOf('2025-04-01')).toBe(2025);
    expect(fiscalYearOf('2026-03-31')).toBe(2025);
    expect(fiscalYearOf('2026-01-15', 1)).toBe(2026);
    expect(fiscalYearOf('2025-09-30', 10)).toBe(2024);
  });
  it('counts quarters from the start month', () => {
    expect(fiscalQuarterOf('2025-04-10')).toBe(1);
    expect(fiscalQuarterOf('2025-12-01')).toBe(3);
    expect(fiscalQuarterOf('2026-03-31')).toBe(4);
    expect(fiscalQuarterOf('2025-01-05', 1)).toBe(1);
  });
  it('labels years, quarters and months in both languages', () => {
    expect(formatFiscalYear(2025, 'ja')).toBe('2025年度');
    expect(formatFiscalYear(2025, 'en')).toBe('FY2025');
    expect(formatFiscalQuarter(2025, 2, 'ja')).toBe('2025年度 第2四半期');
    expect(formatPeriodKey('FY2025-Q3', 'en')).toBe('FY2025 Q3');
    expect(formatPeriodKey('2025-07', 'ja')).toBe('2025年7月');
    expect(formatPeriodKey('2025-07', 'en')).toBe('Jul 2025');
    expect(formatMonth('2026-01-01T00:00:00.000', 'ja', true)).toBe('26/1月');
    expect(formatDate('2026-11-20', 'ja')).toBe('2026/11/20');
    expect(formatDate('2026-11-20', 'en')).toBe('Nov 20, 2026');
  });
});
