/*
 * Board tile: LTV:CAC with CAC payback months, from `unit_economics`, for
 * the whole company or — when the global segment filter is set — for that
 * segment (the view is segmented by industry and company size itself).
 * The window is the 12 months ending with the period's reference month
 * (its last month, or the month of as_of while it runs). The target ratio
 * is settings.ltv_cac_target (3 by default). The ratio and payback use the
 * fully loaded CAC (program + people + overhead, docs/metrics.md definition
 * 10); both CACs are printed, each with its label.
 */
import { UNIT_ECONOMICS } from '../api/views';
import { KpiTile } from '../components/kpi-figure';
import { useFilters } from '../hooks/use-filters';
import { num, useViewQuery } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { formatMonth, formatMonths, formatNumber, formatYen } from '../lib/format';
import { referenceDay } from '../lib/resolve-period';
import { useSettings } from '../state/settings';

export function LtvCacTile() {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const { filters, period } = useFilters();
  const day = referenceDay(period, settings.asOf);
  const month = `${day.slice(0, 7)}-01`;
  const segmentFilters = filters.segment
    ? [
        { member: UNIT_ECONOMICS.segmentType, operator: 'equals' as const, values: [filters.segment.type] },
        { member: UNIT_ECONOMICS.segment, operator: 'equals' as const, values: [filters.segment.value] },
      ]
    : [{ member: UNIT_ECONOMICS.segmentType, operator: 'equals' as const, values: ['all'] }];
  const q = useViewQuery({
    measures: [
      UNIT_ECONOMICS.ltvToCac,
      UNIT_ECONOMICS.paybackMonths,
      UNIT_ECONOMICS.ltv,
      UNIT_ECONOMICS.cac,
      UNIT_ECONOMICS.programCac,
    ],
    timeDimensions: [{ dimension: UNIT_ECONOMICS.period, dateRange: [month, day] }],
    filters: segmentFilters,
  });
  const row = q.rows[0];
  const ratio = num(row, UNIT_ECONOMICS.ltvToCac);
  const target = settings.ltvCacTarget;
  const ok = ratio !== null && ratio >= target;
  const money = (v: number | null) => formatYen(v, locale, { currency: settings.currency });
  return (
    <KpiTile
      title={t('board.kpi.ltvCac')}
      height={132}
      state={q}
      nothing={ratio === null}
      unapplied={filters.channel ? ['channel'] : []}
      link="/channels"
      emptyReason={t('board.kpi.ltvCacEmpty')}
      value={ratio === null ? '–' : `${formatNumber(ratio, locale, 1)} : 1`}
      delta={
        <span
          className={`inline-flex items-center gap-1 rounded-tremor-small px-1.5 py-0.5 text-tremor-label font-semibold ${ok ? 'bg-emerald-50 text-emerald-800' : 'bg-amber-50 text-amber-900'}`}
        >
          {ok ? '✓' : '!'}{' '}
          {t(ok ? 'board.kpi.ltvCacAbove' : 'board.kpi.ltvCacBelow', { target: formatNumber(target, locale, 1) })}
        </span>
      }
      footnote={
        <>
          <span className="block" data-figure="cac">
            {t('cac.fullyLoaded')} {money(num(row, UNIT_ECONOMICS.cac))} · {t('cac.program')}{' '}
            {money(num(row, UNIT_ECONOMICS.programCac))}
          </span>
          <span className="block">
            {t('board.kpi.ltvCacFoot', {
              payback: formatMonths(num(row, UNIT_ECONOMICS.paybackMonths), locale),
              ltv: money(num(row, UNIT_ECONOMICS.ltv)),
              month: formatMonth(month, locale),
            })}
          </span>
        </>
      }
    />
  );
}
