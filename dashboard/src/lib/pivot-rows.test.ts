import { describe, expect, it } from 'vitest';
import { pivotRows } from './pivot-rows';

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
});
