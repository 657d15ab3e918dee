/*
 * Plan: the reverse plan from the revenue targets (the `plan` view) against
 * actuals — for each month of the period and each funnel stage, the volume
 * that had to arrive that month (requirements phased back by stage
 * velocity) and what did. Attainment is written out with ✓ / ▼, and
 * shortfalls are tinted; months after as_of have no actual yet. One query.
 */
import { PLAN } from '../api/views';
import { CardFrame } from '../components/card-frame';
import { useFilters } from '../hooks/use-filters';
import { num, str, useViewQuery } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { stageLabel, stageRank } from '../i18n/labels';
import { formatAttainment, formatCount, formatMonth, formatPeriodKey } from '../lib/format';
import { pivotRows } from '../lib/pivot-rows';
import { ScrollRegion } from '../components/scroll-region';

interface Cell {
  required: number;
  actual: number | null;
}

export function PlanAttainmentCard() {
  const { t, locale } = useI18n();
  const { period, filters } = useFilters();
  const q = useViewQuery({
    measures: [PLAN.required, PLAN.actual],
    dimensions: [PLAN.stage],
    timeDimensions: [{ dimension: PLAN.fiscalMonth, granularity: 'month', dateRange: [period.start, period.end] }],
  });
  const monthKey = `${PLAN.fiscalMonth}.month`;
  const m = pivotRows<(typeof q.rows)[number], Cell>(
    q.rows,
    (r) => str(r, monthKey)?.slice(0, 7) ?? null,
    (r) => str(r, PLAN.stage),
    (r) => ({ required: num(r, PLAN.required) ?? 0, actual: num(r, PLAN.actual) }),
    { rows: (a, b) => a.localeCompare(b), cols: (a, b) => stageRank(a) - stageRank(b) },
  );
  const height = 472;
  return (
    <CardFrame
      title={t('plan.attain.title')}
      subtitle={t('plan.attain.subtitle')}
      height={height}
      state={q}
      skeleton="table"
      unapplied={[...(filters.segment ? ['segment' as const] : []), ...(filters.channel ? ['channel' as const] : [])]}
      emptyReason={t('plan.attain.empty', { period: formatPeriodKey(period.key, locale) })}
    >
      <ScrollRegion className="h-full">
        <table className="w-full text-tremor-label" aria-label={t('plan.attain.title')}>
          <thead className="sticky top-0 bg-white text-tremor-content">
            <tr className="border-b border-tremor-border">
              <th scope="col" className="py-1.5 pr-2 text-left font-medium">
                {t('plan.attain.month')}
              </th>
              {m.colKeys.map((s) => (
                <th key={s} scope="col" className="px-2 py-1.5 text-right font-medium">
                  {stageLabel(s, locale)}
                  <span className="block text-[10px] font-normal">{t('plan.attain.actualOfRequired')}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {m.rowKeys.map((month) => (
              <tr key={month} className="border-b border-tremor-border/60">
                <th scope="row" className="whitespace-nowrap py-1 pr-2 text-left font-medium text-tremor-content-emphasis">
                  {formatMonth(`${month}-01`, locale)}
                </th>
                {m.colKeys.map((s) => {
                  const c = m.cell(month, s);
                  if (!c || (c.required === 0 && c.actual === null))
                    return (
                      <td key={s} className="px-2 py-1 text-right text-tremor-content">
                        –
                      </td>
                    );
                  const att = c.actual !== null && c.required > 0 ? c.actual / c.required : null;
                  const short = att !== null && att < 1;
                  return (
                    <td key={s} className={`px-2 py-1 text-right tabular-nums ${short ? 'bg-rose-50' : ''}`}>
                      <span className="text-tremor-content-strong">
                        {c.actual === null ? '–' : formatCount(c.actual, locale)}
                      </span>
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
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
    </CardFrame>
  );
}
