/*
 * A box that scrolls its content (a wide table on a phone, a long list in a
 * fixed-height card) and can be reached and scrolled from the keyboard: a
 * focusable, named region (WAI-ARIA: a scrollable element needs a
 * keyboard path, axe rule `scrollable-region-focusable`). Its name is the
 * enclosing card's title (or `label`) with "(scrolls)".
 *
 * On a narrow screen this is the only place content may reach past the
 * viewport: the phone and tablet browser test allows it inside a box that
 * scrolls sideways, nowhere else.
 */
import { createContext, useContext, type ReactNode } from 'react';
import { useI18n } from '../i18n/i18n-context';

/** The enclosing card's title (CardFrame provides it). */
export const CardTitle = createContext<string | null>(null);

export function ScrollRegion({ label, className = '', children }: { label?: string; className?: string; children: ReactNode }) {
  const { t } = useI18n();
  const cardTitle = useContext(CardTitle);
  const title = label ?? cardTitle;
  return (
    // tabIndex 0: a scrolling box must take focus to be scrolled by keyboard
    <div
      role="region"
      tabIndex={0}
      data-scroll-region
      // its own name, not the card's: two landmarks of one name cannot be told apart
      aria-label={title ? t('region.scroll', { title }) : undefined}
      className={`relative overflow-auto focus:outline-none focus-visible:ring-2 focus-visible:ring-tremor-brand-muted ${className}`}
    >
      {children}
    </div>
  );
}
