/*
 * Board tiles over the `deals` view: new wins, win rate, average deal size
 * and sales cycle for the selected period (to as_of), against the same days
 * a year earlier (docs/metrics.md, definition 17: the windows of the
 * contract's period-windows module, which the review's 前年同期 column uses
 * too, so both pages print the same change). Year over year rather than
 * the previous period: it is the one comparison every period kind shares
 * with the review, and it holds the season. One query for all the tiles
 * (one round trip), with Cube's compareDateRange on closed_at. A separate tile shows the open
 * pipeline, which is a stock at as_of, not a flow in the period.
 */
import { DEALS } from '../api/views';
import { DeltaBadge } from '../components/delta-badge';
import { KpiTile } from '../components/kpi-figure';
import { useFilters } from '../hooks/use-filters';
import type { FilterName } from '../lib/build-filters';
import { num, useViewQuery, type ViewQueryResult } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/messages';
import { formatByUnit, formatDate, formatPeriodKey, formatSignedPercent, formatSignedPoints, type Unit } from '../lib/format';
import { comparableRanges } from '../lib/resolve-period';
import { useSettings } from '../state/settings';

export type DealFlowMeasure =
  | typeof DEALS.won
  | typeof DEALS.newWon
  | typeof DEALS.winRate
  | typeof DEALS.newWinRate
  | typeof DEALS.avgDealSize
  | typeof DEALS.avgSalesCycleDays
  | typeof DEALS.newAvgSalesCycleDays
  | typeof DEALS.wonAmount;

export interface DealKpiTileProps {
  measure: DealFlowMeasure;
  title: MessageKey;
  unit: Unit;
  link: string;
  higherIsBetter?: boolean;
}

/** The tiles, in order, from one query that asks for every tile's measure. */
export function DealKpiTiles({ tiles }: { tiles: DealKpiTileProps[] }) {
  const settings = useSettings();
  const { period, viewFilters } = useFilters();
  const ranges = comparableRanges(period, settings.asOf);
  const f = viewFilters('deals');
  const q = useViewQuery({
    measures: tiles.map((tile) => tile.measure),
    timeDimensions: [
      {
        dimension: DEALS.closedAt,
        compareDateRange: [
          [ranges.current.start, ranges.current.end],
          [ranges.yearAgo.start, ranges.yearAgo.end],
        ],
      },
    ],
    filters: f.filters,
  });
  return (
    <>
      {tiles.map((tile) => (
        <DealKpiTile key={tile.measure} {...tile} q={q} unapplied={f.unapplied} />
      ))}
    </>
  );
}

function DealKpiTile({
  measure,
  title,
  unit,
  link,
  higherIsBetter = true,
  q,
  unapplied,
}: DealKpiTileProps & { q: ViewQueryResult; unapplied: FilterName[] }) {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const { period } = useFilters();
  const ranges = comparableRanges(period, settings.asOf);
  const current = num(q.parts[0]?.[0], measure);
  const yearAgo = num(q.parts[1]?.[0], measure);
  // Ratios compare in points, amounts and counts in percent.
  const change =
    current === null || yearAgo === null
      ? null
      : unit === 'ratio'
        ? current - yearAgo
        : yearAgo === 0
          ? null
          : current / yearAgo - 1;
  return (
    <KpiTile
      title={t(title)}
      state={q}
      nothing={current === null}
      unapplied={unapplied}
      link={link}
      emptyReason={t('board.kpi.empty', { period: formatPeriodKey(period.key, locale) })}
      value={formatByUnit(current, unit, locale, settings.currency)}
      delta={
        <DeltaBadge
          change={change}
          higherIsBetter={higherIsBetter}
          text={
            change === null ? '–' : unit === 'ratio' ? formatSignedPoints(change, locale) : formatSignedPercent(change, locale)
          }
          label={ranges.complete ? t('windows.vsYearAgo') : t('windows.vsYearAgoToDate')}
        />
      }
      footnote={t('board.kpi.range', {
        from: formatDate(ranges.current.start, locale),
        to: formatDate(ranges.current.end, locale),
      })}
    />
  );
}

export function PipelineTile() {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const { viewFilters } = useFilters();
  const f = viewFilters('deals');
  const q = useViewQuery({ measures: [DEALS.openPipeline, DEALS.pipelineVelocity], filters: f.filters });
  const row = q.rows[0];
  const pipeline = num(row, DEALS.openPipeline);
  const velocity = num(row, DEALS.pipelineVelocity);
  return (
    <KpiTile
      title={t('board.kpi.pipeline')}
      state={q}
      unapplied={f.unapplied}
      link="/backlog"
      emptyReason={t('board.kpi.pipelineEmpty')}
      value={formatByUnit(pipeline, 'JPY', locale, settings.currency)}
      delta={
        <span className="text-tremor-label text-tremor-content">
          {t('board.kpi.pipelineVelocity', { value: formatByUnit(velocity, 'JPY', locale, settings.currency) })}
        </span>
      }
      footnote={t('board.kpi.asOf', { date: formatDate(settings.asOf, locale) })}
    />
  );
}
