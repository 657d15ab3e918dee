/*
 * The dashboard's bar and line charts: Tremor 3's BarChart and LineChart as
 * the cards use them (same recharts elements, class names, margins, axes and
 * tooltip, with Tremor's legend and animation off), drawn in the commit that
 * mounts them.
 *
 * Why not Tremor's own: its charts wrap recharts' ResponsiveContainer, which
 * renders nothing on mount, measures its box in an effect and draws the
 * chart a render later, in another task after the browser has painted the
 * card without it. recharts' `initialDimension` draws at once at a size known
 * beforehand, and Tremor does not pass it. Here the chart's box is measured
 * in a layout effect (same commit as the card's data, before the browser
 * paints or runs anything else) and handed to ResponsiveContainer as its
 * initial dimension; ResponsiveContainer's effect then finds the same size
 * and renders nothing again, and its ResizeObserver keeps the chart
 * following its box when the window resizes.
 *
 * Limits: only the props the cards pass are kept (no click selection,
 * Tremor's legend, animation, custom tooltip, rotated labels or min/max
 * values). The box's default height is Tremor's `h-80`, dropped when
 * `className` sets a height (as Tremor's class merge does).
 */
import { Fragment, useLayoutEffect, useRef, useState, type HTMLAttributes, type ReactElement } from 'react';
import {
  Bar,
  BarChart as RechartsBarChart,
  CartesianGrid,
  Dot,
  Label,
  Line,
  LineChart as RechartsLineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type DotProps,
} from 'recharts';
import ChartTooltip from '@tremor/react/dist/components/chart-elements/common/ChartTooltip';

type Row = Record<string, unknown>;

export interface ChartProps extends Omit<HTMLAttributes<HTMLDivElement>, 'color'> {
  data: Row[];
  index: string;
  categories: string[];
  /** Tremor colour names, one per category (the 500 shade is drawn). */
  colors: string[];
  valueFormatter?: (value: number) => string;
  yAxisWidth?: number;
  xAxisLabel?: string;
  yAxisLabel?: string;
}

export interface BarChartProps extends ChartProps {
  layout?: 'horizontal' | 'vertical';
  stack?: boolean;
  barCategoryGap?: string | number;
}

export interface LineChartProps extends ChartProps {
  connectNulls?: boolean;
}

const AXIS_TEXT = 'text-tremor-label fill-tremor-content dark:fill-dark-tremor-content';
const AXIS_LABEL = 'fill-tremor-content-emphasis text-tremor-default font-medium dark:fill-dark-tremor-content-emphasis';
const GRID = 'stroke-1 stroke-tremor-border dark:stroke-dark-tremor-border';
const DOT = 'stroke-tremor-background dark:stroke-dark-tremor-background';
/** Tremor's value axis starts at zero and ends where the data does. */
const VALUE_DOMAIN: [number, 'auto'] = [0, 'auto'];
const PADDING = { left: 20, right: 20 };

const defaultFormatter = (v: number) => v.toString();

/**
 * The chart's box, and its size once measured: null in the render that mounts it, then (layout effect) the
 * size in whole pixels, as ResponsiveContainer rounds what it measures.
 */
function useBoxSize() {
  const box = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  useLayoutEffect(() => {
    const r = box.current!.getBoundingClientRect();
    setSize({ width: Math.round(r.width), height: Math.round(r.height) });
  }, []);
  return [box, size] as const;
}

/** The box every chart sits in: full width, Tremor's height unless `className` sets one; the chart once measured. */
function ChartBox({
  className,
  rest,
  children,
}: {
  className?: string;
  rest: HTMLAttributes<HTMLDivElement>;
  children: ReactElement;
}) {
  const [box, size] = useBoxSize();
  const classes = className ?? '';
  const height = /(^|\s)([a-z]+:)*h-/.test(classes) ? '' : 'h-80 ';
  return (
    <div ref={box} className={`w-full ${height}${classes}`} {...rest}>
      {size ? (
        <ResponsiveContainer className="h-full w-full" initialDimension={size}>
          {children}
        </ResponsiveContainer>
      ) : null}
    </div>
  );
}

function margin(xAxisLabel?: string, yAxisLabel?: string) {
  return { bottom: xAxisLabel ? 30 : undefined, left: yAxisLabel ? 20 : undefined, right: yAxisLabel ? 5 : undefined, top: 5 };
}

const xLabel = (text?: string) =>
  text ? <Label position="insideBottom" offset={-20} className={AXIS_LABEL} value={text} /> : null;
const yLabel = (text?: string) =>
  text ? (
    <Label position="insideLeft" style={{ textAnchor: 'middle' }} angle={-90} offset={-15} className={AXIS_LABEL} value={text} />
  ) : null;

/** Tremor's tooltip: its own frame and rows, at the top of the plot, with a cursor (a band for bars, a line for lines). */
function chartTooltip(cursor: object, categories: string[], colors: string[], valueFormatter: (v: number) => string) {
  const categoryColors = new Map(categories.map((c, i) => [c, colors[i % colors.length]]));
  return (
    <Tooltip
      wrapperStyle={{ outline: 'none' }}
      isAnimationActive={false}
      cursor={cursor}
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- recharts' tooltip content props
      content={({ active, payload, label }: any) => (
        <ChartTooltip
          active={active}
          payload={payload}
          label={label}
          valueFormatter={valueFormatter}
          categoryColors={categoryColors}
        />
      )}
      position={{ y: 0 }}
    />
  );
}

/** The category axis along the bottom (bars standing up, lines). */
function categoryXAxis(index: string, label: string | undefined, className: string) {
  return (
    <XAxis
      padding={PADDING}
      dataKey={index}
      interval="equidistantPreserveStart"
      tick={{ transform: 'translate(0, 6)' }}
      fill=""
      stroke=""
      className={className}
      tickLine={false}
      axisLine={false}
      minTickGap={5}
    >
      {xLabel(label)}
    </XAxis>
  );
}

/** The value axis on the left, from zero. */
function valueYAxis(width: number, valueFormatter: (v: number) => string, label: string | undefined) {
  return (
    <YAxis
      width={width}
      axisLine={false}
      tickLine={false}
      type="number"
      domain={VALUE_DOMAIN}
      tick={{ transform: 'translate(-3, 0)' }}
      fill=""
      stroke=""
      className={AXIS_TEXT}
      tickFormatter={valueFormatter}
      allowDecimals
    >
      {yLabel(label)}
    </YAxis>
  );
}

export function BarChart(props: BarChartProps) {
  const {
    data,
    index,
    categories,
    colors,
    valueFormatter = defaultFormatter,
    yAxisWidth = 56,
    xAxisLabel,
    yAxisLabel,
    layout = 'horizontal',
    stack = false,
    barCategoryGap,
    className,
    ...rest
  } = props;
  const vertical = layout === 'vertical';
  return (
    <ChartBox className={className} rest={rest}>
      <RechartsBarChart
        barCategoryGap={barCategoryGap}
        data={data}
        stackOffset={stack ? 'sign' : 'none'}
        layout={layout}
        margin={margin(xAxisLabel, yAxisLabel)}
      >
        <CartesianGrid className={GRID} horizontal={!vertical} vertical={vertical} />
        {vertical ? (
          <XAxis
            type="number"
            tick={{ transform: 'translate(-3, 0)' }}
            domain={VALUE_DOMAIN}
            fill=""
            stroke=""
            className={AXIS_TEXT}
            tickLine={false}
            axisLine={false}
            tickFormatter={valueFormatter}
            minTickGap={5}
            allowDecimals
          >
            {xLabel(xAxisLabel)}
          </XAxis>
        ) : (
          categoryXAxis(index, xAxisLabel, `mt-4 ${AXIS_TEXT}`)
        )}
        {vertical ? (
          <YAxis
            width={yAxisWidth}
            dataKey={index}
            axisLine={false}
            tickLine={false}
            type="category"
            interval="preserveStartEnd"
            tick={{ transform: 'translate(0, 6)' }}
            fill=""
            stroke=""
            className={AXIS_TEXT}
          >
            {yLabel(yAxisLabel)}
          </YAxis>
        ) : (
          valueYAxis(yAxisWidth, valueFormatter, yAxisLabel)
        )}
        {chartTooltip({ fill: '#d1d5db', opacity: '0.15' }, categories, colors, valueFormatter)}
        {categories.map((c, i) => (
          <Bar
            key={c}
            className={`fill-${colors[i % colors.length]}-500`}
            name={c}
            stackId={stack ? 'a' : undefined}
            dataKey={c}
            fill=""
            isAnimationActive={false}
            shape={barShape(layout)}
          />
        ))}
      </RechartsBarChart>
    </ChartBox>
  );
}

/** Tremor's bar: a plain rect, its colour from the bars' class; a negative length drawn from its end. */
function barShape(layout: 'horizontal' | 'vertical') {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- recharts' shape props
  return ({ x, y, width, height, fillOpacity }: any) => {
    if (layout === 'horizontal' && height < 0)
      return <rect x={x} y={y + height} width={width} height={-height} opacity={fillOpacity} />;
    if (layout === 'vertical' && width < 0)
      return <rect x={x + width} y={y} width={-width} height={height} opacity={fillOpacity} />;
    return <rect x={x} y={y} width={width} height={height} opacity={fillOpacity} />;
  };
}

/** True when the data holds one value of `key` at most: Tremor then marks it with a dot, a line of one point being invisible. */
function onlyOneValue(data: Row[], key: string): boolean {
  return data.filter((r) => Object.prototype.hasOwnProperty.call(r, key)).length <= 1;
}

export function LineChart(props: LineChartProps) {
  const {
    data,
    index,
    categories,
    colors,
    valueFormatter = defaultFormatter,
    yAxisWidth = 56,
    xAxisLabel,
    yAxisLabel,
    connectNulls = false,
    className,
    ...rest
  } = props;
  return (
    <ChartBox className={className} rest={rest}>
      <RechartsLineChart data={data} margin={margin(xAxisLabel, yAxisLabel)}>
        <CartesianGrid className={GRID} horizontal vertical={false} />
        {categoryXAxis(index, xAxisLabel, AXIS_TEXT)}
        {valueYAxis(yAxisWidth, valueFormatter, yAxisLabel)}
        {chartTooltip({ stroke: '#d1d5db', strokeWidth: 1 }, categories, colors, valueFormatter)}
        {categories.map((c, i) => {
          const fill = `fill-${colors[i % colors.length]}-500`;
          const single = onlyOneValue(data, c);
          return (
            <Line
              key={c}
              className={`stroke-${colors[i % colors.length]}-500`}
              strokeOpacity={1}
              activeDot={(p: DotProps) => <TremorDot {...p} className={`${DOT} ${fill}`} />}
              dot={(p: DotProps & { index: number }) =>
                single ? <TremorDot key={p.index} {...p} className={`${DOT} ${fill}`} /> : <Fragment key={p.index} />
              }
              name={c}
              type="linear"
              dataKey={c}
              stroke=""
              strokeWidth={2}
              strokeLinejoin="round"
              strokeLinecap="round"
              isAnimationActive={false}
              connectNulls={connectNulls}
            />
          );
        })}
      </RechartsLineChart>
    </ChartBox>
  );
}

/** Tremor's line dot: radius 5, the line's colour as fill, the background's as stroke. */
function TremorDot({ cx, cy, stroke, strokeLinecap, strokeLinejoin, strokeWidth, className }: DotProps) {
  return (
    <Dot
      cx={cx}
      cy={cy}
      r={5}
      fill=""
      stroke={stroke}
      strokeLinecap={strokeLinecap}
      strokeLinejoin={strokeLinejoin}
      strokeWidth={strokeWidth}
      className={className}
    />
  );
}
