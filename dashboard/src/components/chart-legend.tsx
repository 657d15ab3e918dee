/*
 * A chart's legend as a plain list. Tremor 3's built-in chart legend puts a
 * <div> between its <ol> and the <li> items, which assistive technology
 * reads as a broken list (axe rules `list`, `listitem`); charts therefore
 * pass `showLegend={false}` and render this above themselves, with the same
 * colours (Tremor's legend dot is the colour's 500 shade, as its bars and
 * lines are).
 */

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
