// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { I18nProvider } from '../i18n/i18n-context';
import type { KpiTreeNode } from '../lib/build-kpi-tree';
import { KpiTree } from './kpi-tree';

afterEach(cleanup);

const n = (
  key: string,
  parent: string | null,
  label: string,
  unit: KpiTreeNode['unit'],
  actual: number,
  plan: number,
  effect: number | null,
  extra: Partial<KpiTreeNode> = {},
): KpiTreeNode => ({
  key,
  parent,
  label,
  unit,
  actual,
  plan,
  previous: null,
  yearAgo: null,
  effect: { plan: effect },
  shareOfGap: { plan: effect === null ? null : effect / -20_000_000 },
  ...extra,
});

const nodes: KpiTreeNode[] = [
  n('revenue', null, 'Revenue', 'JPY', 180_000_000, 200_000_000, -20_000_000, { sortOrder: 1 }),
  n('average_deal_size', 'revenue', 'Average deal size', 'JPY', 6_000_000, 5_000_000, 30_000_000, { sortOrder: 2 }),
  n('wins', 'revenue', 'Wins', 'count', 30, 40, -50_000_000, { sortOrder: 3 }),
  n('conversion:opportunity->won', 'wins', 'Win rate', 'ratio', 0.25, 0.3, -10_000_000, { sortOrder: 4 }),
  n('opportunities', 'wins', 'Opportunities', 'count', 120, 133, -40_000_000, { sortOrder: 5 }),
];

describe('KpiTree', () => {
  it('renders the tree top-down with actual, plan, change and revenue effect', () => {
    render(
      <I18nProvider initial="en">
        <KpiTree nodes={nodes} comparison="plan" />
      </I18nProvider>,
    );
    const table = screen.getByRole('table', { name: 'KPI tree, compared with Plan' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toEqual([
      'Revenue',
      '└Average deal size',
      '└Wins',
      '└Win rate',
      '└OpportunitiesWeakest link',
    ]);
    const revenue = rows[0]!;
    expect(revenue.textContent).toContain('¥180M');
    expect(revenue.textContent).toContain('¥200M');
    expect(revenue.textContent).toContain('−10.0%');
    const winRate = rows[3]!;
    expect(winRate.textContent).toContain('25.0%');
    expect(winRate.textContent).toContain('−5.0pt');
    expect(winRate.textContent).toContain('−¥10M');
    expect(rows.map((r) => r.getAttribute('data-level'))).toEqual(['1', '2', '2', '3', '3']);
  });

  it('marks the weakest link with words, not only colour', () => {
    render(
      <I18nProvider initial="ja">
        <KpiTree nodes={nodes} comparison="plan" />
      </I18nProvider>,
    );
    const flagged = document.querySelector('[data-weakest]');
    expect(flagged?.getAttribute('data-node')).toBe('opportunities');
    expect(flagged?.textContent).toContain('最弱リンク');
    expect(screen.getAllByText('最弱リンク')).toHaveLength(1);
  });

  it('shows an en dash where a comparison is missing', () => {
    render(
      <I18nProvider initial="en">
        <KpiTree nodes={nodes} comparison="previous" />
      </I18nProvider>,
    );
    const rows = screen.getAllByRole('row').slice(1);
    expect(within(rows[2]!).getAllByRole('cell')[1]!.textContent).toBe('–');
    expect(document.querySelector('[data-weakest]')).toBeNull();
  });

  it('shows the landing forecast with its interval on the nodes that have one, a dash elsewhere', () => {
    render(
      <I18nProvider initial="ja">
        <KpiTree
          nodes={nodes}
          comparison="plan"
          fullPlanLabel="通期計画"
          landing={{
            revenue: { forecast: 350_000_000, low: 311_000_000, high: 401_000_000 },
            wins: { forecast: 234, low: 219, high: 252 },
          }}
        />
      </I18nProvider>,
    );
    expect(screen.getByRole('columnheader', { name: '着地見込み' })).toBeTruthy();
    const cell = (node: string) => document.querySelector(`[data-node="${node}"] [data-col="landing"]`)?.textContent;
    expect(cell('revenue')).toBe('3.5億円80% 区間 3.11億円 〜 4.01億円');
    expect(cell('wins')).toBe('23480% 区間 219 〜 252');
    expect(cell('opportunities')).toBe('–');
  });

  it('has no landing column for a closed period', () => {
    render(
      <I18nProvider initial="en">
        <KpiTree nodes={nodes} comparison="plan" />
      </I18nProvider>,
    );
    expect(screen.queryByRole('columnheader', { name: 'Landing forecast' })).toBeNull();
  });
});
