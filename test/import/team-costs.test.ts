/*
 * A company's own team costs through the generic source (docs/metrics.md
 * definition 10): a finance cost sheet with Japanese headers, team labels,
 * 年月 months and yen amounts, imported after the MA tool's exports into the
 * same store. Hand-counted: April-June 2025 hold marketing people ¥1.9 M
 * and overhead ¥0.4 M, sales people ¥3.45 M, inside sales people ¥1.6 M,
 * customer success people ¥0.85 M, field sales overhead ¥1.05 M; 総務 (not a
 * sales-and-marketing team) and 交際費 (not a cost type) are set aside with
 * their column and reason. CAC counts marketing, inside sales and sales:
 * ¥8.4 M in the 12 months to September 2025.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, importedAndServed } from './helpers';

describe('team costs through a mapping file', () => {
  const s = importedAndServed(async (area) => {
    const first = await area.run('generic', [path.join(FIXTURES, 'generic')], {
      mappingFile: path.join(FIXTURES, 'generic/mapping.yml'),
    });
    expect(first.exitCode).toBe(0);
    return area.run('generic', [path.join(FIXTURES, 'team-costs/部門別費用_2025.csv')], {
      mappingFile: path.join(FIXTURES, 'team-costs/mapping.yml'),
    });
  }, 180_000);

  it('writes the canonical team_costs table from Japanese labels, months and yen amounts', () => {
    expect(s.area.table(s.result, 'team_costs')).toEqual([
      { month: '2025-04-01', team: 'marketing', cost_type: 'overhead', cost: '400000' },
      { month: '2025-04-01', team: 'marketing', cost_type: 'people', cost: '1900000' },
      { month: '2025-04-01', team: 'sales', cost_type: 'people', cost: '3450000' },
      { month: '2025-05-01', team: 'customer_success', cost_type: 'people', cost: '850000' },
      { month: '2025-05-01', team: 'inside_sales', cost_type: 'people', cost: '1600000' },
      { month: '2025-06-01', team: 'sales', cost_type: 'overhead', cost: '1050000' },
    ]);
    // the earlier import's leads are kept in the store
    expect(s.area.table(s.result, 'leads')).toHaveLength(3);
  });

  it('sets aside an unknown team or cost type with file, line, column and reason', () => {
    const bad = s.area
      .quarantine(s.result)
      .filter((r) => path.basename(r.file!) === '部門別費用_2025.csv')
      .map((r) => [r.line, r.column, r.value, r.reason]);
    expect(bad).toEqual([
      ['8', '部門', '総務', 'unknown team'],
      ['9', '費目', '交際費', 'unknown cost type'],
    ]);
  });

  it('counts marketing, inside sales and sales (not customer success) in the fully loaded cost', async () => {
    const rows = await s.views.rows({
      measures: ['unit_economics.team_cost', 'unit_economics.program_cost', 'unit_economics.cost'],
      filters: [{ member: 'unit_economics.segment_type', operator: 'equals', values: ['all'] }],
      timeDimensions: [{ dimension: 'unit_economics.period', dateRange: ['2025-09-01', '2025-09-15'] }],
    });
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]!.team_cost)).toBe(1_900_000 + 400_000 + 3_450_000 + 1_600_000 + 1_050_000);
    expect(Number(rows[0]!.cost)).toBe(Number(rows[0]!.program_cost) + 8_400_000);
  });
});
