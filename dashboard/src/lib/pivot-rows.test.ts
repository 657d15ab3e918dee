import { describe, expect, it } from 'vitest';
import { byCodeUnits, pivotRows, pivotSum } from './pivot-rows';

describe('pivotRows', () => {
  const rows = [
    { m: '2025-05', s: 'b', v: 2 },
    { m: '2025-04', s: 'a', v: 1 },
    { m: '2025-04', s: 'a', v: 10 },
    { m: '2025-04', s: null, v: 99 },
  ];
  it('builds row and column keys and accumulates cells', () => {
    const p = pivotRows(
      rows,
      (r) => r.m,
      (r) => r.s,
      (r, prev: number | undefined) => (prev ?? 0) + r.v,
      { rows: (a, b) => a.localeCompare(b) },
    );
    expect(p.rowKeys).toEqual(['2025-04', '2025-05']);
    expect(p.colKeys).toEqual(['b', 'a']);
    expect(p.cell('2025-04', 'a')).toBe(11);
    expect(p.cell('2025-05', 'a')).toBeUndefined();
  });

  it('adds up a figure per cell, skipping nulls, with row and column totals', () => {
    const p = pivotSum(
      [...rows, { m: '2025-05', s: 'a', v: null }],
      (r) => r.m,
      (r) => r.s,
      (r) => r.v,
    );
    // worked by hand: 2025-04 has a = 1 + 10 (the null-stage row is left out), 2025-05 has b = 2 and a null a
    expect(p.cell('2025-04', 'a')).toBe(11);
    expect(p.cell('2025-05', 'a')).toBe(0);
    expect(p.rowTotal('2025-04')).toBe(11);
    expect(p.rowTotal('2025-05')).toBe(2);
    expect(p.colTotal('a')).toBe(11);
    expect(p.colTotal('b')).toBe(2);
    expect(p.colTotal('none')).toBe(0);
  });
});

describe('byCodeUnits', () => {
  it('orders keys as Array.prototype.sort does without a comparator', () => {
    const keys = ['2025-10', '2025-02', '', '2024-12', 'b', 'B', 'ä', '2025-10'];
    expect([...keys].sort(byCodeUnits)).toEqual([...keys].sort());
    expect(byCodeUnits('2025-10', '2025-10')).toBe(0);
  });
});
