/*
 * The dashboard's one data table: a card describes its columns (header,
 * cell, alignment, which column names the row) and its rows; this draws the
 * `<table>` with the dashboard's look, so a card says what it shows and not
 * how a table is drawn.
 *
 * - Numbers (`numeric`) are right-aligned with tabular figures, so digits
 *   line up down a column.
 * - The `rowHeader` column is a `<th scope="row">`: a screen reader names
 *   each cell by its row and column header.
 * - Every table is named (`label`, its accessible name; `caption` adds a
 *   visible caption) and sits in a ScrollRegion (focusable, named) unless
 *   the caller already scrolls it (`scroll={false}`): a wide table on a
 *   phone scrolls sideways inside the card, never the page.
 * - No rows: one row saying so (`empty`, or "No rows to show." in the
 *   user's language), so the table never stands headless and silent.
 * - Sortable columns (`sortable` with `sort`/`onSort`) get a button in the
 *   header and `aria-sort`; the caller sorts (the server pages the rows).
 *
 * Two looks: `list` (ruled rows, the default) and `matrix` (a heat map of
 * spaced, centred cells the caller shades through `cellProps`).
 *
 * Why not Tremor's `Table` primitives (@tremor/react 3.18): its `Table`
 * wraps the `<table>` in an `overflow-auto` box that takes no focus (axe
 * `scrollable-region-focusable` once it scrolls, and a second scroll box
 * inside the card's own), and its cells fix `p-4 whitespace-nowrap` and a
 * `divide-y` body that every card would have to override; what is left is a
 * plain `<th>`/`<td>`. The column model here is the part the cards share.
 */
import { useContext, type HTMLAttributes, type Key, type ReactNode, type TdHTMLAttributes, type ThHTMLAttributes } from 'react';
import { useI18n } from '../i18n/i18n-context';
import { CardTitle, ScrollRegion } from './scroll-region';

type DataAttributes = { [k: `data-${string}`]: string | number | boolean | null | undefined };
export type CellAttributes = TdHTMLAttributes<HTMLTableCellElement> & DataAttributes;
export type RowAttributes = HTMLAttributes<HTMLTableRowElement> & DataAttributes;
export type Align = 'left' | 'center' | 'right';
export type SortDirection = 'asc' | 'desc';

export interface Column<R> {
  /** React key of the column (unique within the table). */
  key: string;
  header: ReactNode;
  /** The header spans this many columns; the columns it covers draw no header of their own. */
  headerSpan?: number;
  headerClassName?: string;
  /** Other attributes of the header cell (title, data-*). */
  headerProps?: ThHTMLAttributes<HTMLTableCellElement> & DataAttributes;
  cell: (row: R, index: number) => ReactNode;
  /** A figure: right-aligned (unless `align` says otherwise) with tabular figures. */
  numeric?: boolean;
  align?: Align;
  /** This column names the row (`<th scope="row">`). */
  rowHeader?: boolean;
  /** Classes of every body cell of the column. */
  className?: string;
  /** Per-cell attributes: classes, style, title, aria-label, data-*. */
  cellProps?: (row: R, index: number) => CellAttributes;
  /** The column's cell in the table's one footer row. */
  footer?: ReactNode;
  /** The header is a button that asks the caller to sort by this column. */
  sortable?: boolean;
}

export interface DataTableProps<R> {
  /** The table's accessible name. */
  label: string;
  /** A visible caption above the table. */
  caption?: ReactNode;
  columns: readonly Column<R>[];
  rows: readonly R[];
  rowKey?: (row: R, index: number) => Key;
  rowProps?: (row: R, index: number) => RowAttributes;
  variant?: 'list' | 'matrix';
  /** Vertical padding of body cells. */
  density?: 'tight' | 'compact' | 'normal' | 'roomy';
  /** The header row stays in view while the body scrolls. */
  stickyHead?: boolean;
  /** Text of the single row shown when there are no rows. */
  empty?: ReactNode;
  /** The enclosing ScrollRegion (its class names and name), or false where the caller scrolls. */
  scroll?: false | { className?: string; label?: string };
  /** Classes of the `<table>` (its text size, a minimum width). */
  className?: string;
  /** Other attributes of the `<table>` (data-*). */
  tableProps?: DataAttributes;
  sort?: { key: string; dir: SortDirection };
  onSort?: (key: string) => void;
}

const ALIGN: Record<Align, string> = { left: 'text-left', center: 'text-center', right: 'text-right' };
const PAD_Y: Record<NonNullable<DataTableProps<unknown>['density']>, string> = {
  tight: 'py-0.5',
  compact: 'py-1',
  normal: 'py-1.5',
  roomy: 'py-2',
};

const LOOK = {
  list: {
    table: 'w-full',
    head: 'text-tremor-label text-tremor-content',
    headRow: 'border-b border-tremor-border',
    th: 'px-2 py-1.5 font-medium first:pl-0 last:pr-0',
    row: 'border-b border-tremor-border/60',
    td: 'px-2 first:pl-0 last:pr-0',
    rowHeader: 'font-medium text-tremor-content-emphasis',
  },
  matrix: {
    table: 'w-full border-separate border-spacing-0.5 text-tremor-label',
    head: 'text-tremor-content',
    headRow: '',
    th: 'px-2 py-1 font-medium',
    row: '',
    td: 'rounded-sm px-2',
    rowHeader: 'whitespace-nowrap font-medium text-tremor-content-emphasis',
  },
} as const;

const cx = (...parts: (string | false | null | undefined)[]) => parts.filter(Boolean).join(' ');

function alignOf<R>(c: Column<R>): Align {
  return c.align ?? (c.numeric ? 'right' : 'left');
}

export function DataTable<R>(props: DataTableProps<R>) {
  const { t } = useI18n();
  const cardTitle = useContext(CardTitle);
  const {
    label,
    caption,
    columns,
    rows,
    rowKey = (_r: R, i: number) => i,
    rowProps,
    variant = 'list',
    density = variant === 'matrix' ? 'compact' : 'normal',
    stickyHead = false,
    empty,
    scroll = {},
    className,
    tableProps,
    sort,
    onSort,
  } = props;
  const look = LOOK[variant];
  const padY = PAD_Y[density];
  const hasFooter = columns.some((c) => c.footer !== undefined);

  let covered = 0;
  const headers = columns.map((c) => {
    if (covered > 0) {
      covered--;
      return null;
    }
    covered = (c.headerSpan ?? 1) - 1;
    const active = sort?.key === c.key;
    const ariaSort: ThHTMLAttributes<HTMLTableCellElement>['aria-sort'] = c.sortable
      ? active
        ? sort.dir === 'asc'
          ? 'ascending'
          : 'descending'
        : 'none'
      : undefined;
    return (
      <th
        key={c.key}
        scope="col"
        colSpan={c.headerSpan}
        aria-sort={ariaSort}
        {...c.headerProps}
        className={cx(look.th, ALIGN[alignOf(c)], c.headerClassName)}
      >
        {c.sortable && onSort ? (
          <button
            type="button"
            onClick={() => onSort(c.key)}
            className="inline-flex items-center gap-1 hover:text-tremor-content-strong"
          >
            {c.header}
            <span aria-hidden className={active ? 'text-tremor-brand' : 'text-tremor-content'}>
              {active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
            </span>
          </button>
        ) : (
          c.header
        )}
      </th>
    );
  });

  const cellClass = (c: Column<R>, extra?: string) =>
    cx(look.td, padY, ALIGN[alignOf(c)], c.numeric && 'tabular-nums', c.rowHeader && look.rowHeader, c.className, extra);

  const table = (
    <table className={cx(look.table, className)} aria-label={label} {...tableProps}>
      {caption ? <caption className="mb-1 text-left text-tremor-label text-tremor-content">{caption}</caption> : null}
      <thead className={cx(look.head, stickyHead && 'sticky top-0 z-10 bg-white')}>
        <tr className={look.headRow || undefined}>{headers}</tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr className={look.row || undefined}>
            <td colSpan={columns.length} className="py-3 text-center text-tremor-content" data-table-empty>
              {empty ?? t('table.empty')}
            </td>
          </tr>
        ) : (
          rows.map((row, i) => {
            const { className: rowClass, ...rowRest } = rowProps?.(row, i) ?? {};
            return (
              <tr key={rowKey(row, i)} className={cx(look.row, rowClass) || undefined} {...rowRest}>
                {columns.map((c) => {
                  const { className: extra, ...rest } = c.cellProps?.(row, i) ?? {};
                  return c.rowHeader ? (
                    <th
                      key={c.key}
                      scope="row"
                      className={cellClass(c, extra)}
                      {...(rest as ThHTMLAttributes<HTMLTableCellElement>)}
                    >
                      {c.cell(row, i)}
                    </th>
                  ) : (
                    <td key={c.key} className={cellClass(c, extra)} {...rest}>
                      {c.cell(row, i)}
                    </td>
                  );
                })}
              </tr>
            );
          })
        )}
      </tbody>
      {hasFooter ? (
        <tfoot className="text-tremor-label text-tremor-content">
          <tr>
            {columns.map((c) =>
              c.rowHeader ? (
                <th key={c.key} scope="row" className={cx(look.td, padY, ALIGN[alignOf(c)], 'font-medium')}>
                  {c.footer}
                </th>
              ) : (
                <td key={c.key} className={cx(look.td, padY, ALIGN[alignOf(c)], c.numeric && 'tabular-nums')}>
                  {c.footer}
                </td>
              ),
            )}
          </tr>
        </tfoot>
      ) : null}
    </table>
  );
  if (scroll === false) return table;
  return (
    // named after the card, or after the table where no card encloses it
    <ScrollRegion className={scroll.className} label={scroll.label ?? (cardTitle ? undefined : label)}>
      {table}
    </ScrollRegion>
  );
}

/**
 * A table that is its card's whole body: named after the card (CardFrame's title), scrolling within the body's
 * full height with its header row in view.
 */
export function CardTable<R>(props: Omit<DataTableProps<R>, 'label'> & { label?: string }) {
  const cardTitle = useContext(CardTitle);
  return <DataTable stickyHead scroll={{ className: 'h-full' }} {...props} label={props.label ?? cardTitle ?? ''} />;
}
