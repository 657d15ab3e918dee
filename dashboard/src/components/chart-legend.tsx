/*
 * A chart's legend as a plain list. Tremor 3's built-in chart legend puts a
 * <div> between its <ol> and the <li> items, which assistive technology
 * reads as a broken list (axe rules `list`, `listitem`); charts therefore
 * pass `showLegend={false}` and render this above themselves, with the same
 * colours (Tremor's legend dot is the colour's 500 shade, as its bars and
 * lines are). `LegendChart` does both for a chart of ./charts (Tremor's bar
 * and line charts, drawn with their data), so the categories and colours are
 * said once.
 */
import type { ComponentType } from 'react';
import type { BarChartProps, LineChartProps } from './charts';

export function ChartLegend({ categories, colors }: { categories: string[]; colors: string[] }) {
  return (
    <ul className="flex flex-wrap justify-end gap-x-3 gap-y-1 text-tremor-label text-tremor-content-emphasis">
      {categories.map((c, i) => (
        <li key={c} className="inline-flex items-center gap-1.5">
          <span aria-hidden className={`h-2 w-2 shrink-0 rounded-full bg-${colors[i % colors.length]}-500`} />
          {c}
        </li>
      ))}
    </ul>
  );
}

type LegendChartProps<P> = P & {
  /** BarChart or LineChart of ./charts. */
  chart: ComponentType<P>;
  colors: string[];
  /** The chart fills the height the card body leaves under the legend; else `className` sizes it. */
  fill?: boolean;
};

/** A chart under its legend. */
export function LegendChart<P extends BarChartProps | LineChartProps>(props: LegendChartProps<P>) {
  const { chart: Chart, fill = false, className, ...rest } = props;
  const chart = { ...rest, className: fill ? 'min-h-0 flex-1' : className };
  return (
    <div className={fill ? 'flex h-full flex-col gap-1' : undefined}>
      <ChartLegend categories={props.categories} colors={props.colors} />
      <Chart {...(chart as unknown as P)} />
    </div>
  );
}
