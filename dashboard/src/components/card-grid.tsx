/*
 * The pages' card layout: a column of cards (`CardStack`) whose rows
 * (`CardRow`) set cards side by side from the `xl` breakpoint and stack them
 * below it, so a phone never scrolls sideways. A row's `spans` give each
 * card's share of the row (a wide chart beside a narrow list); `columns`
 * fixes the row's width where the number of cards varies. Tailwind finds
 * only class names written out whole, hence the two tables.
 */
import { Children, type ReactNode } from 'react';

const COLUMNS: Record<number, string> = { 2: 'xl:grid-cols-2', 3: 'xl:grid-cols-3', 5: 'xl:grid-cols-5' };
const SPAN: Record<number, string> = { 2: 'xl:col-span-2', 3: 'xl:col-span-3' };

export function CardStack({ children }: { children: ReactNode }) {
  return <div className="grid grid-cols-1 gap-5">{children}</div>;
}

export function CardRow({ spans, columns, children }: { spans?: number[]; columns?: number; children: ReactNode }) {
  const cards = Children.toArray(children);
  const widths = cards.map((_, i) => spans?.[i] ?? 1);
  const width = columns ?? widths.reduce((a, b) => a + b, 0);
  return (
    <div className={`grid grid-cols-1 gap-5 ${COLUMNS[width] ?? ''}`}>
      {cards.map((card, i) =>
        SPAN[widths[i]!] ? (
          <div key={i} className={SPAN[widths[i]!]}>
            {card}
          </div>
        ) : (
          card
        ),
      )}
    </div>
  );
}
