import { describe, expect, it } from 'vitest';
import { formatDateTime } from './format-date-time';

describe('formatDateTime', () => {
  it('shows the moment in the zone given, in either language', () => {
    // 00:00 UTC is 09:00 in Tokyo, the same day.
    expect(formatDateTime('2026-12-07T00:00:00.000Z', 'Asia/Tokyo', 'ja')).toBe('2026/12/07 09:00');
    expect(formatDateTime('2026-12-07T00:00:00.000Z', 'Asia/Tokyo', 'en')).toBe('Dec 7, 2026 09:00');
    // 23:30 UTC on Dec 6 is already Dec 7 in Tokyo, still Dec 6 in UTC.
    expect(formatDateTime('2026-12-06T23:30:00.000Z', 'Asia/Tokyo', 'ja')).toBe('2026/12/07 08:30');
    expect(formatDateTime('2026-12-06T23:30:00.000Z', 'UTC', 'ja')).toBe('2026/12/06 23:30');
    expect(formatDateTime(null, 'UTC')).toBe('–');
  });
});
