/*
 * Plan: the reverse plan from the revenue targets (the `plan` view) against
 * actuals — for each month of the period and each funnel stage, the volume
 * that had to arrive that month (requirements phased back by stage
 * velocity) and what did. Attainment is written out with ✓ / ▼, and
 * shortfalls are tinted; months after as_of have no actual yet. One query.
 */
import { PLAN } from '../api/views';
import { num, str } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { stageLabel, stageRank } from '../i18n/labels';
import { formatAttainment, formatCount, formatMonth } from '../lib/format';
import { pivotRows } from '../lib/pivot-rows';
import { CardTable, type Column } from '../components/data-table';
import { PeriodCard, usePeriodQuery } from './period-card';
import { compareKeys } from '../lib/compare-keys';

interface Cell {
  required: number;
  actual: number | null;
}

export function PlanAttainmentCard() {
  const { t, locale } = useI18n();
  // the plan is company-wide: the view takes no global filter, so the frame lists every one that is set
  const q = usePeriodQuery('plan', {
    measures: [PLAN.required, PLAN.actual],
    dimensions: [PLAN.stage],
    time: PLAN.fiscalMonth,
    granularity: 'month',
  });
  const monthKey = `${PLAN.fiscalMonth}.month`;
  const m = pivotRows<(typeof q.rows)[number], Cell>(
    q.rows,
    (r) => str(r, monthKey)?.slice(0, 7) ?? null,
    (r) => str(r, PLAN.stage),
    (r) => ({ required: num(r, PLAN.required) ?? 0, actual: num(r, PLAN.actual) }),
    { rows: compareKeys, cols: (a, b) => stageRank(a) - stageRank(b) },
  );
  const height = 472;
  return (
    <PeriodCard text="plan.attain" height={height} query={q} skeleton="table">
      <CardTable
        className="text-tremor-label"
        density="compact"
        rows={m.rowKeys}
        rowKey={(month) => month}
        columns={[
          {
            key: 'month',
            header: t('plan.attain.month'),
            rowHeader: true,
            className: 'whitespace-nowrap',
            cell: (month) => formatMonth(`${month}-01`, locale),
          },
          ...m.colKeys.map((s): Column<string> => ({
            key: s,
            header: (
              <>
                {stageLabel(s, locale)}
                <span className="block text-[10px] font-normal">{t('plan.attain.actualOfRequired')}</span>
              </>
            ),
            numeric: true,
            cell: (month) => <AttainmentCell cell={m.cell(month, s)} />,
            cellProps: (month) => {
              const c = m.cell(month, s);
              if (!c || (c.required === 0 && c.actual === null)) return { className: 'text-tremor-content' };
              return { className: c.actual !== null && c.required > 0 && c.actual < c.required ? 'bg-rose-50' : undefined };
            },
          })),
        ]}
      />
    </PeriodCard>
  );
}

/** Actual / required of one stage and month, and the attainment written out (✓ / ▼). */
function AttainmentCell({ cell: c }: { cell: Cell | undefined }) {
  const { locale } = useI18n();
  if (!c || (c.required === 0 && c.actual === null)) return <>–</>;
  const att = c.actual !== null && c.required > 0 ? c.actual / c.required : null;
  const short = att !== null && att < 1;
  return (
    <>
      <span className="text-tremor-content-strong">{c.actual === null ? '–' : formatCount(c.actual, locale)}</span>
      <span className="text-tremor-content-emphasis"> / {formatCount(Math.ceil(c.required - 1e-9), locale)}</span>
      {att !== null ? (
        <span
          className={`ml-1.5 inline-block min-w-[64px] text-[11px] font-semibold ${short ? 'text-rose-700' : 'text-emerald-700'}`}
        >
          {formatAttainment(att, locale, 'plan')}
        </span>
      ) : (
        <span className="ml-1.5 inline-block min-w-[64px]" />
      )}
    </>
  );
}
