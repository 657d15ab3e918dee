/*
 * Funnel: stage volume — leads (or accounts) whose reached(S) falls in the
 * period, per funnel stage, split into those that entered the stage and
 * those back-filled because they skipped it (docs/metrics.md, definition 1: the
 * funnel is monotonic and the skips are reported beside it). One query on
 * `stage_reach`. Under the chart, each stage's count and the flow ratio to
 * the next stage in words.
 */
import { BarChart } from '../components/charts';
import { STAGE_REACH } from '../api/views';
import { useGrain } from '../hooks/use-page-options';
import { num, str } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { stageLabel, stageRank } from '../i18n/labels';
import { formatCount, formatPercent } from '../lib/format';
import { LegendChart } from '../components/chart-legend';
import { PeriodCard, usePeriodQuery } from './period-card';

export function StageVolumeCard() {
  const { t, locale } = useI18n();
  const [grain] = useGrain();
  const measure = grain === 'account' ? STAGE_REACH.accounts : STAGE_REACH.leads;
  const q = usePeriodQuery('stage_reach', {
    measures: [measure],
    dimensions: [STAGE_REACH.stage, STAGE_REACH.stageOrder, STAGE_REACH.isSkipped],
    time: STAGE_REACH.reachedAt,
  });
  const stages = new Map<string, { order: number; entered: number; skipped: number }>();
  for (const r of q.rows) {
    const stage = str(r, STAGE_REACH.stage) ?? '';
    const s = stages.get(stage) ?? { order: num(r, STAGE_REACH.stageOrder) ?? stageRank(stage), entered: 0, skipped: 0 };
    const skipped = r[STAGE_REACH.isSkipped] === true || r[STAGE_REACH.isSkipped] === 'true';
    if (skipped) s.skipped += num(r, measure) ?? 0;
    else s.entered += num(r, measure) ?? 0;
    stages.set(stage, s);
  }
  const ordered = [...stages.entries()].sort((a, b) => a[1].order - b[1].order);
  const entered = t('funnel.volume.entered');
  const skipped = t('funnel.volume.skipped');
  const data = ordered.map(([stage, s]) => ({ stage: stageLabel(stage, locale), [entered]: s.entered, [skipped]: s.skipped }));
  const unit = grain === 'account' ? t('unit.accounts') : t('unit.leads');
  return (
    <PeriodCard text="funnel.volume" subtitle={{ unit }} height={340} growWhenNarrow query={q}>
      <LegendChart
        chart={BarChart}
        className="h-[250px]"
        data={data}
        index="stage"
        categories={[entered, skipped]}
        colors={['blue', 'sky']}
        stack
        valueFormatter={(v) => formatCount(v, locale)}
        yAxisWidth={64}
        yAxisLabel={unit}
        xAxisLabel={t('axis.stage')}
      />
      <ol
        className="mt-3 grid gap-2 text-tremor-label"
        style={{ gridTemplateColumns: `repeat(${Math.max(1, ordered.length)}, minmax(0, 1fr))` }}
        aria-label={t('funnel.volume.stepsLabel')}
      >
        {ordered.map(([stage, s], i) => {
          const total = s.entered + s.skipped;
          const next = ordered[i + 1]?.[1];
          const nextTotal = next ? next.entered + next.skipped : null;
          return (
            <li key={stage} className="rounded-tremor-small bg-tremor-background-muted px-2 py-1.5" data-stage={stage}>
              <span className="block font-medium text-tremor-content-emphasis">{stageLabel(stage, locale)}</span>
              <span
                className="block text-tremor-default font-semibold text-tremor-content-strong tabular-nums"
                data-figure={`volume-${stage}`}
              >
                {formatCount(total, locale)}
              </span>
              <span className="block text-tremor-content">
                {nextTotal !== null && total > 0
                  ? t('funnel.volume.flowNext', { pct: formatPercent(nextTotal / total, locale) })
                  : s.skipped > 0
                    ? t('funnel.volume.skippedCount', { n: formatCount(s.skipped, locale) })
                    : '\u00a0'}
              </span>
            </li>
          );
        })}
      </ol>
    </PeriodCard>
  );
}
