import { describe, expect, it } from 'vitest';
import { formatDecimal } from './format-decimal';

/** What the dashboard formatted with before (and what formatDecimal must equal): Intl in both locales. */
const formats = new Map<string, Intl.NumberFormat>();
function byIntl(tag: string, n: number, max: number, min: number): string {
  const key = `${tag}|${max}|${min}`;
  if (!formats.has(key)) formats.set(key, new Intl.NumberFormat(tag, { maximumFractionDigits: max, minimumFractionDigits: min }));
  return formats.get(key)!.format(n);
}

/** A small deterministic generator (no seed dependency on Math.random). */
function* numbers(count: number): Generator<number> {
  let s = 12345;
  const next = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < count; i++) {
    const magnitude = 10 ** Math.floor(next() * 16 - 4);
    const sign = next() < 0.3 ? -1 : 1;
    yield sign * next() * magnitude;
  }
}

const EDGES = [
  0,
  -0,
  1,
  -1,
  0.5,
  1.5,
  2.5,
  -0.5,
  -2.5,
  0.125,
  0.375,
  1.005,
  1.015,
  1.045,
  2.675,
  9.995,
  99.95,
  999.5,
  999.95,
  1000,
  -1000,
  999_999.5,
  1_234_567.891,
  12_345_678.9,
  123_456_789,
  1e15,
  123_456_789_012_345.6,
  2 ** 53 + 2,
  0.0004,
  -0.0004,
  -0.04,
  -0.05,
  0.049999,
  1e-7,
  5e-7,
  0.1 + 0.2,
  1 / 3,
  2 / 3,
  1e20,
  1e21,
  -1e21,
  1.23e25,
];

describe('formatDecimal equals Intl.NumberFormat in ja-JP and en-US', () => {
  const options: [number, number][] = [
    [0, 0],
    [1, 0],
    [2, 0],
    [3, 0],
    [1, 1],
    [2, 2],
    [2, 1],
    [5, 0],
  ];
  it.each(options)('max %i, min %i: edge values', (max, min) => {
    for (const n of EDGES)
      for (const tag of ['ja-JP', 'en-US']) expect([n, formatDecimal(n, max, min)]).toEqual([n, byIntl(tag, n, max, min)]);
  });

  it.each(options)('max %i, min %i: 5,000 numbers from 1e-4 to 1e12, both signs', (max, min) => {
    for (const n of numbers(5000)) expect([n, formatDecimal(n, max, min)]).toEqual([n, byIntl('ja-JP', n, max, min)]);
  });

  it('formats non-finite values as Intl does', () => {
    expect(formatDecimal(Number.POSITIVE_INFINITY)).toBe(byIntl('en-US', Number.POSITIVE_INFINITY, 0, 0));
    expect(formatDecimal(Number.NaN)).toBe(byIntl('en-US', Number.NaN, 0, 0));
  });
});
