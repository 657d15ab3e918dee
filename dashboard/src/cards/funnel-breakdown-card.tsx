/*
 * Funnel: breakdown by lead source, persona or industry — stage volumes per
 * value in the period and the lead → won ratio, largest first. One query on
 * `stage_reach`. The breakdown is a page option (?by=).
 */
import { STAGE_REACH } from '../api/views';
import { CardFrame } from '../components/card-frame';
import { Segmented } from '../components/page-header';
import { useFilters } from '../hooks/use-filters';
import { BREAKDOWNS, useBreakdown, useGrain } from '../hooks/use-page-options';
import { num, str, useViewQuery } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { channelLabel, codeLabel, stageLabel, stageRank } from '../i18n/labels';
import { formatCount, formatPercent, formatPeriodKey } from '../lib/format';
import { pivotRows } from '../lib/pivot-rows';
import { DataTable, type Column } from '../components/data-table';

const DIMENSION = { lead_source: STAGE_REACH.leadSource, persona: STAGE_REACH.persona, industry: STAGE_REACH.industry } as const;

export function FunnelBreakdownCard() {
  const { t, locale } = useI18n();
  const { period, viewFilters } = useFilters();
  const [by, setBy] = useBreakdown();
  const [grain] = useGrain();
  const measure = grain === 'account' ? STAGE_REACH.accounts : STAGE_REACH.leads;
  const dim = DIMENSION[by];
  const f = viewFilters('stage_reach');
  const q = useViewQuery({
    measures: [measure],
    dimensions: [dim, STAGE_REACH.stage],
    timeDimensions: [{ dimension: STAGE_REACH.reachedAt, dateRange: [period.start, period.end] }],
    filters: f.filters,
  });
  const m = pivotRows<(typeof q.rows)[number], number>(
    q.rows,
    (r) => str(r, dim) ?? '(none)',
    (r) => str(r, STAGE_REACH.stage),
    (r, prev) => (prev ?? 0) + (num(r, measure) ?? 0),
    { cols: (a, b) => stageRank(a) - stageRank(b) },
  );
  const first = m.colKeys[0];
  const last = m.colKeys[m.colKeys.length - 1];
  const rows = [...m.rowKeys].sort((a, b) => (m.cell(b, first ?? '') ?? 0) - (m.cell(a, first ?? '') ?? 0));
  const label = (v: string) => (by === 'lead_source' ? channelLabel(v, locale) : codeLabel(v, locale));
  return (
    <CardFrame
      title={t('funnel.breakdown.title')}
      subtitle={t('funnel.breakdown.subtitle')}
      height={300}
      state={q}
      unapplied={f.unapplied}
      skeleton="table"
      emptyReason={t('funnel.breakdown.empty', { period: formatPeriodKey(period.key, locale) })}
      actions={
        <Segmented
          label={t('funnel.breakdown.by')}
          value={by}
          onChange={setBy}
          options={BREAKDOWNS.map((b) => ({ value: b, label: t(`breakdown.${b}` as const) }))}
        />
      }
    >
      <DataTable
        label={t('funnel.breakdown.title')}
        stickyHead
        scroll={{ className: 'h-full' }}
        rows={rows}
        rowKey={(r) => r}
        columns={[
          { key: 'value', header: t(`breakdown.${by}` as const), rowHeader: true, cell: label },
          ...m.colKeys.map((c): Column<string> => ({
            key: c,
            header: stageLabel(c, locale),
            numeric: true,
            cell: (r) => formatCount(m.cell(r, c) ?? 0, locale),
          })),
          {
            key: 'endToEnd',
            header: t('funnel.breakdown.endToEnd', { from: stageLabel(first, locale), to: stageLabel(last, locale) }),
            numeric: true,
            className: 'font-semibold text-tremor-content-strong',
            cell: (r) => {
              const top = first ? (m.cell(r, first) ?? 0) : 0;
              const bottom = last ? (m.cell(r, last) ?? 0) : 0;
              return top > 0 ? formatPercent(bottom / top, locale) : '–';
            },
          },
        ]}
      />
    </CardFrame>
  );
}
