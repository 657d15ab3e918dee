import { describe, expect, it } from 'vitest';
import { buildViewFilters, globalSearch, parseFilters, parseSegment, writeFilters } from './build-filters';

describe('global filters in the URL', () => {
  it('parses period, segment and channel', () => {
    const f = parseFilters(new URLSearchParams('period=FY2025-Q2&segment=industry:manufacturing&channel=webinar&grain=account'));
    expect(f).toEqual({ period: 'FY2025-Q2', segment: { type: 'industry', value: 'manufacturing' }, channel: 'webinar' });
  });
  it('ignores a malformed or unknown segment', () => {
    expect(parseSegment('region:kanto')).toBeNull();
    expect(parseSegment('industry:')).toBeNull();
    expect(parseSegment('employee_band:1000+')).toEqual({ type: 'employee_band', value: '1000+' });
  });
  it('writes filters and keeps page options', () => {
    const next = writeFilters(new URLSearchParams('grain=account&channel=seo'), {
      channel: null,
      segment: { type: 'industry', value: 'retail' },
    });
    expect(next.toString()).toBe('grain=account&segment=industry%3Aretail');
  });
  it('carries only the global keys between pages', () => {
    expect(globalSearch(new URLSearchParams('period=FY2025&model=linear&lang=en'))).toBe('?period=FY2025&lang=en');
    expect(globalSearch(new URLSearchParams('model=linear'))).toBe('');
  });
});

describe('buildViewFilters', () => {
  const filters = { period: null, segment: { type: 'industry' as const, value: 'retail' }, channel: 'seo' };
  it('maps the filters onto the view members', () => {
    const r = buildViewFilters(filters, { segment: { industry: 'deals.industry' }, channel: 'deals.lead_source' });
    expect(r.filters).toEqual([
      { member: 'deals.industry', operator: 'equals', values: ['retail'] },
      { member: 'deals.lead_source', operator: 'equals', values: ['seo'] },
    ]);
    expect(r.unapplied).toEqual([]);
  });
  it('reports the filters a view cannot apply', () => {
    const r = buildViewFilters(filters, { segment: { employee_band: 'x.band' } });
    expect(r.filters).toEqual([]);
    expect(r.unapplied).toEqual(['segment', 'channel']);
  });
});
