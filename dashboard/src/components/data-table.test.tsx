// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { I18nProvider } from '../i18n/i18n-context';
import { CardTable, DataTable, type Column } from './data-table';
import { CardTitle } from './scroll-region';

afterEach(cleanup);

interface Row {
  channel: string;
  leads: number;
}

const columns: Column<Row>[] = [
  { key: 'channel', header: 'Channel', rowHeader: true, cell: (r) => r.channel, footer: 'Total' },
  {
    key: 'leads',
    header: 'Leads',
    numeric: true,
    sortable: true,
    cell: (r) => r.leads.toLocaleString('en'),
    cellProps: (r) => ({ 'data-figure': `leads-${r.channel}` }),
    footer: '1,300',
  },
];
const rows: Row[] = [
  { channel: 'webinar', leads: 1200 },
  { channel: 'ads', leads: 100 },
];

describe('DataTable', () => {
  it('names the table and its scroll region, heads rows and columns, aligns figures right in tabular digits', () => {
    render(
      <I18nProvider initial="en">
        <DataTable label="Leads per channel" columns={columns} rows={rows} rowKey={(r) => r.channel} />
      </I18nProvider>,
    );
    const region = screen.getByRole('region', { name: 'Leads per channel (scrolls)' });
    expect(region.getAttribute('tabindex')).toBe('0');
    const table = within(region).getByRole('table', { name: 'Leads per channel' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['Channel', 'Leads']);
    expect(
      within(table)
        .getAllByRole('rowheader')
        .map((h) => h.textContent),
    ).toEqual(['webinar', 'ads', 'Total']);
    const cell = table.querySelector('[data-figure="leads-webinar"]')!;
    expect(cell.tagName).toBe('TD');
    expect(cell.textContent).toBe('1,200');
    expect(cell.className).toContain('text-right');
    expect(cell.className).toContain('tabular-nums');
    expect(table.querySelector('tfoot')!.textContent).toBe('Total1,300');
  });

  it('takes the enclosing card’s title for its scroll region, and none where the caller scrolls', () => {
    const { unmount } = render(
      <I18nProvider initial="ja">
        <CardTitle.Provider value="チャネル別">
          <DataTable label="表" columns={columns} rows={rows} />
        </CardTitle.Provider>
      </I18nProvider>,
    );
    expect(screen.getByRole('region', { name: 'チャネル別 (スクロール可)' })).toBeTruthy();
    unmount();
    render(
      <I18nProvider initial="en">
        <DataTable label="Leads" columns={columns} rows={rows} scroll={false} />
      </I18nProvider>,
    );
    expect(screen.queryByRole('region')).toBeNull();
    expect(screen.getByRole('table', { name: 'Leads' })).toBeTruthy();
  });

  it('says there are no rows, in the user’s language', () => {
    for (const [locale, text] of [
      ['ja', '表示する行はありません。'],
      ['en', 'No rows to show.'],
    ] as const) {
      render(
        <I18nProvider initial={locale}>
          <DataTable label="Leads" columns={columns} rows={[]} />
        </I18nProvider>,
      );
      const cell = screen.getByRole('cell', { name: text });
      expect(cell.getAttribute('colspan')).toBe('2');
      cleanup();
    }
  });

  it('lets a header span the columns under it, and a sortable header ask the caller to sort', () => {
    const sorted: string[] = [];
    const spanned: Column<Row>[] = [
      { key: 'channel', header: 'Channel', rowHeader: true, cell: (r) => r.channel },
      { key: 'value', header: 'Previous', headerSpan: 2, numeric: true, cell: (r) => String(r.leads) },
      { key: 'change', header: null, numeric: true, cell: () => '+1 %' },
    ];
    render(
      <I18nProvider initial="en">
        <DataTable label="Spans" columns={spanned} rows={rows} />
        <DataTable
          label="Sorted"
          columns={columns}
          rows={rows}
          sort={{ key: 'leads', dir: 'desc' }}
          onSort={(k) => sorted.push(k)}
        />
      </I18nProvider>,
    );
    const heads = within(screen.getByRole('table', { name: 'Spans' })).getAllByRole('columnheader');
    expect(heads.map((h) => [h.textContent, h.getAttribute('colspan')])).toEqual([
      ['Channel', null],
      ['Previous', '2'],
    ]);
    const sortedHead = within(screen.getByRole('table', { name: 'Sorted' })).getAllByRole('columnheader')[1]!;
    expect(sortedHead.getAttribute('aria-sort')).toBe('descending');
    fireEvent.click(within(sortedHead).getByRole('button'));
    expect(sorted).toEqual(['leads']);
  });

  it('names a card table after its card, fills the card body and keeps its header in view', () => {
    render(
      <I18nProvider initial="en">
        <CardTitle.Provider value="Channel economics">
          <CardTable columns={columns} rows={rows} />
        </CardTitle.Provider>
      </I18nProvider>,
    );
    const region = screen.getByRole('region', { name: 'Channel economics (scrolls)' });
    expect(region.className).toContain('h-full');
    const table = within(region).getByRole('table', { name: 'Channel economics' });
    expect(table.querySelector('thead')!.className).toContain('sticky');
  });
});
