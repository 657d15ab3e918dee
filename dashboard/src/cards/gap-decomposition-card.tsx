/*
 * Review: where the revenue gap against the chosen comparison comes from —
 * a waterfall from the comparison's revenue through the volume,
 * conversion, velocity and deal-size effects to the actual revenue
 * (docs/metrics.md, definition 14), from the `kpi_tree` view's gap effects. Bars
 * are labelled with signed amounts; decreases are hatched as well as red.
 * For the period holding as_of the base is the plan to date, or the earlier
 * period to the same elapsed point (definition 17), so the effects add up to
 * actual to date − that base, not to months that have not happened.
 */
import { CardFrame } from '../components/card-frame';
import { useFilters } from '../hooks/use-filters';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/messages';
import { formatDate, formatPeriodKey, formatSignedYen, formatYen } from '../lib/format';
import { periodWindowsOf } from '../lib/resolve-period';
import { sumByLever, waterfall } from '../lib/sum-levers';
import { useSettings } from '../state/settings';
import { useKpiTreeNodes } from './kpi-tree-card';

const W = 640;
const H = 300;
const PAD = { top: 28, bottom: 44, left: 8, right: 8 };

export function GapDecompositionCard() {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const { period } = useFilters();
  const q = useKpiTreeNodes();
  const { nodes, comparison, comparisonLabel: compLabel } = q;
  const revenue = nodes.find((n) => n.key === 'revenue');
  const base = revenue?.[comparison] ?? null;
  const steps = base !== null ? waterfall(base, sumByLever(nodes, comparison)) : [];
  // The running total can dip below zero (a large negative effect before a positive one): scale over both signs.
  const max = Math.max(1, ...steps.map((s) => Math.max(s.from, s.to)));
  const min = Math.min(0, ...steps.map((s) => Math.min(s.from, s.to)));
  const y = (v: number) => PAD.top + ((H - PAD.top - PAD.bottom) * (max - v)) / (max - min);
  const band = (W - PAD.left - PAD.right) / Math.max(1, steps.length);
  const money = (v: number) => formatYen(v, locale, { currency: settings.currency });
  const gap = revenue && base !== null && revenue.actual !== null ? revenue.actual - base : null;
  const windows = periodWindowsOf(period, settings.asOf);

  return (
    <CardFrame
      title={t('review.gap.title')}
      subtitle={t('review.gap.subtitle', {
        comparison: compLabel,
        gap: gap === null ? '–' : formatSignedYen(gap, locale, { currency: settings.currency }),
      })}
      height={H}
      state={q}
      nothing={base === null || revenue?.actual === null}
      note={windows.isPartial ? t('kpiTree.partial', { through: formatDate(windows.through, locale) }) : null}
      emptyReason={t('review.gap.empty', { period: formatPeriodKey(period.key, locale), comparison: compLabel })}
    >
      <svg
        viewBox={`0 0 ${W} ${H}`}
        className="h-full w-full"
        role="img"
        aria-label={t('review.gap.chartLabel', { comparison: compLabel })}
      >
        <defs>
          <pattern id="hatch-neg" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="6" height="6" fill="#fb7185" />
            <line x1="0" y1="0" x2="0" y2="6" stroke="#fff" strokeWidth="2" strokeOpacity="0.6" />
          </pattern>
        </defs>
        <line x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} stroke="#d1d5db" />
        {steps.map((s, i) => {
          const x = PAD.left + i * band + band * 0.18;
          const w = band * 0.64;
          const top = y(Math.max(s.from, s.to));
          const h = Math.max(1, Math.abs(y(s.from) - y(s.to)));
          const total = s.key === 'base' || s.key === 'actual';
          const fill = total ? (s.key === 'base' ? '#94a3b8' : '#2563eb') : s.value < 0 ? 'url(#hatch-neg)' : '#10b981';
          const label = total ? money(s.value) : formatSignedYen(s.value, locale, { currency: settings.currency });
          const name =
            s.key === 'base' ? compLabel : s.key === 'actual' ? t('kpiTree.col.actual') : t(`lever.${s.key}` as MessageKey);
          return (
            <g key={s.key} data-step={s.key}>
              <rect x={x} y={top} width={w} height={h} fill={fill} rx={2}>
                <title>{`${name}: ${label}`}</title>
              </rect>
              {i < steps.length - 1 ? (
                <line x1={x + w} x2={x + band} y1={y(s.to)} y2={y(s.to)} stroke="#9ca3af" strokeDasharray="3 3" />
              ) : null}
              <text
                x={x + w / 2}
                y={top - 6}
                textAnchor="middle"
                fontSize="12"
                fontWeight="600"
                fill={!total && s.value < 0 ? '#be123c' : '#111827'}
              >
                {label}
              </text>
              <text x={x + w / 2} y={H - PAD.bottom + 18} textAnchor="middle" fontSize="12" fill="#374151">
                {name}
              </text>
            </g>
          );
        })}
      </svg>
    </CardFrame>
  );
}
