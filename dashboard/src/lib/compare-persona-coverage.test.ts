import { describe, expect, it } from 'vitest';
import { comparePersonaCoverage, type CoverageCell } from './compare-persona-coverage';

const cell = (won: number, closed: number, low: number | null, high: number | null): CoverageCell => ({
  won,
  closed,
  winRate: closed ? won / closed : null,
  low,
  high,
});

describe('persona coverage', () => {
  it('pairs engaged and missing per persona and reads only non-overlapping intervals as a difference', () => {
    const out = comparePersonaCoverage([
      { persona: 'executive', isEngaged: true, cell: cell(175, 471, 0.329, 0.417) },
      { persona: 'executive', isEngaged: false, cell: cell(213, 977, 0.194, 0.245) },
      { persona: 'it_admin', isEngaged: 'true', cell: cell(164, 633, 0.226, 0.294) },
      { persona: 'it_admin', isEngaged: 'false', cell: cell(224, 815, 0.246, 0.306) },
      { persona: 'field_staff', isEngaged: true, cell: cell(1, 10, 0.02, 0.4) },
      { persona: 'field_staff', isEngaged: false, cell: cell(300, 400, 0.7, 0.79) },
    ]);
    expect(out.map((p) => [p.persona, p.verdict])).toEqual([
      ['executive', 'higher'],
      ['field_staff', 'lower'],
      ['it_admin', 'none'],
    ]);
    expect(out[0]!.engaged!.won).toBe(175);
    expect(out[0]!.missing!.closed).toBe(977);
  });

  it('finds nothing when a side is missing or empty', () => {
    const out = comparePersonaCoverage([
      { persona: 'procurement', isEngaged: true, cell: cell(2, 2, 0.34, 1) },
      { persona: 'executive', isEngaged: true, cell: cell(0, 0, null, null) },
      { persona: 'executive', isEngaged: false, cell: cell(1, 2, 0.09, 0.91) },
    ]);
    expect(out.map((p) => [p.persona, p.verdict, p.missing === null])).toEqual([
      ['executive', 'none', false],
      ['procurement', 'none', true],
    ]);
  });
});
