/*
 * A change against a comparison, carried by an arrow, a sign and words as
 * well as colour: ▲ +12.3% 前期比. `higherIsBetter: false` (cycle days,
 * CAC) turns the colour, never the arrow. A change only: an attainment
 * ("65% of target") is not a change and never goes in a badge
 * (lib/format.ts); `data-change` lets the browser tests hold that.
 */
import { ArrowDownIcon, ArrowUpIcon } from './icons';

export function DeltaBadge({
  change,
  text,
  label,
  higherIsBetter = true,
}: {
  change: number | null;
  text: string;
  label: string;
  higherIsBetter?: boolean;
}) {
  if (change === null || !Number.isFinite(change)) {
    return <span className="text-tremor-label text-tremor-content">{label} –</span>;
  }
  const up = change > 0;
  const flat = change === 0;
  const good = flat ? null : up === higherIsBetter;
  const colour =
    good === null ? 'bg-gray-100 text-gray-700' : good ? 'bg-emerald-50 text-emerald-800' : 'bg-rose-50 text-rose-800';
  return (
    <span className="inline-flex items-center gap-1.5 text-tremor-label">
      <span className={`inline-flex items-center gap-0.5 rounded-tremor-small px-1.5 py-0.5 font-semibold ${colour}`} data-change>
        {flat ? '→' : up ? <ArrowUpIcon /> : <ArrowDownIcon />}
        {text}
      </span>
      <span className="text-tremor-content">{label}</span>
    </span>
  );
}
