/*
 * The key under a heat map whose hatched cells mean something the shade
 * alone must not carry (over SLA, an immature cohort): a hatched swatch and
 * the words, so the mark is never read by colour alone.
 */
import type { ReactNode } from 'react';

export function HatchLegend({ pattern, className, children }: { pattern: string; className: string; children: ReactNode }) {
  return (
    <p className="mt-2 flex items-center gap-2 text-tremor-label text-tremor-content">
      <span aria-hidden className={`inline-block h-3 w-5 rounded-sm border ${className}`} style={{ backgroundImage: pattern }} />
      {children}
    </p>
  );
}
