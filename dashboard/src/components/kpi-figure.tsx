/*
 * A KPI tile (`KpiTile`): a small card whose title names its one figure,
 * with the figure's comparison and a footnote (`KpiFigure`, its inside).
 * Below `lg` the tile grows to what its parts need.
 */
import type { ReactNode } from 'react';
import { CardFrame, type CardFrameProps } from './card-frame';

type FigureProps = { value: string; delta?: ReactNode; footnote?: ReactNode };

export function KpiTile({
  value,
  delta,
  footnote,
  height = 112,
  ...frame
}: FigureProps & Omit<CardFrameProps, 'height' | 'growWhenNarrow' | 'skeleton' | 'children'> & { height?: number }) {
  return (
    <CardFrame {...frame} height={height} growWhenNarrow skeleton="tile">
      <KpiFigure label={frame.title} value={value} delta={delta} footnote={footnote} />
    </CardFrame>
  );
}

export function KpiFigure({ value, label, delta, footnote }: FigureProps & { label?: string }) {
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
