import { describe, expect, it } from 'vitest';
import { weekOf } from './week-of';

describe('weekOf', () => {
  it('is the Monday-to-Sunday week holding the day', () => {
    expect(weekOf('2026-11-20')).toEqual(['2026-11-16', '2026-11-22']); // a Friday
    expect(weekOf('2026-11-16')).toEqual(['2026-11-16', '2026-11-22']); // a Monday
    expect(weekOf('2026-11-22')).toEqual(['2026-11-16', '2026-11-22']); // a Sunday
    expect(weekOf('2025-01-01')).toEqual(['2024-12-30', '2025-01-05']); // across a year
  });
});
