/*
 * Funnel: breakdown by lead source, persona or industry — stage volumes per
 * value in the period and the lead → won ratio, largest first. One query on
 * `stage_reach`. The breakdown is a page option (?by=).
 */
import { STAGE_REACH } from '../api/views';
import { Segmented } from '../components/page-header';
import { BREAKDOWNS, useBreakdown, useGrain } from '../hooks/use-page-options';
import { num, str } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { channelLabel, codeLabel, stageLabel, stageRank } from '../i18n/labels';
import { formatCount, formatPercent } from '../lib/format';
import { pivotSum } from '../lib/pivot-rows';
import { CardTable, type Column } from '../components/data-table';
import { PeriodCard, usePeriodQuery } from './period-card';

const DIMENSION = { lead_source: STAGE_REACH.leadSource, persona: STAGE_REACH.persona, industry: STAGE_REACH.industry } as const;

export function FunnelBreakdownCard() {
  const { t, locale } = useI18n();
  const [by, setBy] = useBreakdown();
  const [grain] = useGrain();
  const measure = grain === 'account' ? STAGE_REACH.accounts : STAGE_REACH.leads;
  const dim = DIMENSION[by];
  const q = usePeriodQuery('stage_reach', {
    measures: [measure],
    dimensions: [dim, STAGE_REACH.stage],
    time: STAGE_REACH.reachedAt,
  });
  const m = pivotSum(
    q.rows,
    (r) => str(r, dim) ?? '(none)',
    (r) => str(r, STAGE_REACH.stage),
    (r) => num(r, measure),
    { cols: (a, b) => stageRank(a) - stageRank(b) },
  );
  const first = m.colKeys[0];
  const last = m.colKeys[m.colKeys.length - 1];
  const rows = [...m.rowKeys].sort((a, b) => (m.cell(b, first ?? '') ?? 0) - (m.cell(a, first ?? '') ?? 0));
  const label = (v: string) => (by === 'lead_source' ? channelLabel(v, locale) : codeLabel(v, locale));
  return (
    <PeriodCard
      text="funnel.breakdown"
      height={300}
      query={q}
      skeleton="table"
      actions={
        <Segmented
          label={t('funnel.breakdown.by')}
          value={by}
          onChange={setBy}
          options={BREAKDOWNS.map((b) => ({ value: b, label: t(`breakdown.${b}` as const) }))}
        />
      }
    >
      <CardTable
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
    </PeriodCard>
  );
}
