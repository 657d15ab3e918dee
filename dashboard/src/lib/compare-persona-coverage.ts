/*
 * Persona coverage (docs/metrics.md definition 19): per persona, the deals
 * where it engaged before the opportunity against those where it was
 * missing, each with its win rate and 95 % Wilson interval (computed by the
 * persona_coverage view), and whether the two differ beyond chance: the
 * intervals do not overlap. Overlapping intervals are read as "no finding",
 * so a small cell is never read as an effect. (Non-overlap is the stricter
 * reading; it errs towards no finding.)
 */
import { compareKeys } from './compare-keys';

export interface CoverageCell {
  won: number;
  closed: number;
  winRate: number | null;
  low: number | null;
  high: number | null;
}

export interface PersonaCoverage {
  persona: string;
  engaged: CoverageCell | null;
  missing: CoverageCell | null;
  /** higher / lower: engaged wins more / less than missing beyond chance; none: the intervals overlap or a side is empty. */
  verdict: 'higher' | 'lower' | 'none';
}

export interface CoverageRow {
  persona: string | null;
  /** The view's boolean (true / false, or its text). */
  isEngaged: unknown;
  cell: CoverageCell;
}

const truthy = (v: unknown) => v === true || v === 'true';

export function comparePersonaCoverage(rows: readonly CoverageRow[]): PersonaCoverage[] {
  const by = new Map<string, PersonaCoverage>();
  for (const r of rows) {
    if (!r.persona) continue;
    const entry = by.get(r.persona) ?? { persona: r.persona, engaged: null, missing: null, verdict: 'none' as const };
    if (truthy(r.isEngaged)) entry.engaged = r.cell;
    else entry.missing = r.cell;
    by.set(r.persona, entry);
  }
  for (const entry of by.values()) {
    const { engaged: e, missing: m } = entry;
    if (!e || !m || e.closed === 0 || m.closed === 0 || e.low === null || e.high === null || m.low === null || m.high === null)
      continue;
    if (e.low > m.high) entry.verdict = 'higher';
    else if (e.high < m.low) entry.verdict = 'lower';
  }
  return [...by.values()].sort((a, b) => compareKeys(a.persona, b.persona));
}
