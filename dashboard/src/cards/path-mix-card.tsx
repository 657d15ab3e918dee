/*
 * Funnel: path mix — the share of the period's new leads on the success
 * path, a fast path (skipped a stage) and a detour path (recycled and came
 * back), and the recycle return rate. A lead can be fast and detour at once,
 * so the shares need not add up to 100%; the notes say so. One query on
 * `paths` (leads created in the period). Bars carry a pattern per path as
 * well as a colour, and the figures are written.
 */
import { PATHS } from '../api/views';
import { num } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/messages';
import { formatCount, formatPercent } from '../lib/format';
import { PeriodCard, usePeriodQuery } from './period-card';

const PATTERNS: Record<string, string> = {
  success: 'bg-emerald-500',
  fast: 'bg-sky-500 [background-image:repeating-linear-gradient(90deg,transparent_0_6px,rgba(255,255,255,.45)_6px_8px)]',
  detour: 'bg-amber-500 [background-image:repeating-linear-gradient(45deg,transparent_0_4px,rgba(255,255,255,.45)_4px_7px)]',
};

export function PathMixCard() {
  const { t, locale } = useI18n();
  const q = usePeriodQuery('paths', {
    measures: [PATHS.leads, PATHS.successLeads, PATHS.fastLeads, PATHS.detourLeads, PATHS.recycledLeads, PATHS.recycleReturnRate],
    time: PATHS.createdAt,
  });
  const row = q.rows[0];
  const total = num(row, PATHS.leads) ?? 0;
  const items: { key: 'success' | 'fast' | 'detour'; label: MessageKey; note: MessageKey; value: number | null }[] = [
    { key: 'success', label: 'funnel.paths.success', note: 'funnel.paths.successNote', value: num(row, PATHS.successLeads) },
    { key: 'fast', label: 'funnel.paths.fast', note: 'funnel.paths.fastNote', value: num(row, PATHS.fastLeads) },
    { key: 'detour', label: 'funnel.paths.detour', note: 'funnel.paths.detourNote', value: num(row, PATHS.detourLeads) },
  ];
  const recycled = num(row, PATHS.recycledLeads);
  return (
    <PeriodCard
      text="funnel.paths"
      subtitle={{ n: formatCount(total, locale) }}
      height={340}
      query={q}
      nothing={total === 0}
      skeleton="tile"
    >
      <div className="flex h-full flex-col gap-3">
        <ul className="space-y-3">
          {items.map((it) => {
            const share = total > 0 && it.value !== null ? it.value / total : null;
            return (
              <li key={it.key} data-path={it.key}>
                <div className="flex items-baseline justify-between text-tremor-default">
                  <span className="font-medium text-tremor-content-strong">{t(it.label)}</span>
                  <span className="tabular-nums">
                    <span className="font-semibold text-tremor-content-strong" data-figure={`path-${it.key}`}>
                      {formatPercent(share, locale)}
                    </span>
                    <span className="ml-2 text-tremor-label text-tremor-content">{formatCount(it.value, locale)}</span>
                  </span>
                </div>
                <div className="mt-1 h-2.5 w-full overflow-hidden rounded-full bg-tremor-background-subtle" aria-hidden>
                  <div
                    className={`h-full rounded-full ${PATTERNS[it.key]}`}
                    style={{ width: `${Math.min(100, (share ?? 0) * 100)}%` }}
                  />
                </div>
                <p className="mt-0.5 text-[11px] text-tremor-content">{t(it.note)}</p>
              </li>
            );
          })}
        </ul>
        <div className="mt-auto grid grid-cols-2 gap-3 border-t border-tremor-border pt-3">
          <div>
            <p className="text-tremor-label text-tremor-content">{t('funnel.paths.recycledLeads')}</p>
            <p className="text-lg font-semibold tabular-nums text-tremor-content-strong">
              {formatPercent(total > 0 && recycled !== null ? recycled / total : null, locale)}
              <span className="ml-1.5 text-tremor-label font-normal text-tremor-content">{formatCount(recycled, locale)}</span>
            </p>
          </div>
          <div>
            <p className="text-tremor-label text-tremor-content">{t('funnel.paths.returnRate')}</p>
            <p className="text-lg font-semibold tabular-nums text-tremor-content-strong">
              {formatPercent(num(row, PATHS.recycleReturnRate), locale)}
            </p>
          </div>
        </div>
      </div>
    </PeriodCard>
  );
}
