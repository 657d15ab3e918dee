/*
 * The inside of a KPI tile: the figure, its comparison and a footnote.
 */
import type { ReactNode } from 'react';

export function KpiFigure({
  value,
  label,
  delta,
  footnote,
}: {
  value: string;
  label?: string;
  delta?: ReactNode;
  footnote?: ReactNode;
}) {
  return (
    <div className="flex h-full flex-col">
      <p
        className="text-[28px] font-semibold leading-9 tracking-tight text-tremor-content-strong tabular-nums"
        aria-label={label ? `${label}: ${value}` : undefined}
        data-figure
      >
        {value}
      </p>
      {delta ? <div className="mt-1.5">{delta}</div> : null}
      {footnote ? <div className="mt-auto text-tremor-label text-tremor-content">{footnote}</div> : null}
    </div>
  );
}
