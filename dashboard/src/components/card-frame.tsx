/*
 * The frame every card shares: title, optional definition line, a link to
 * the page that explains the figure, and one body of fixed height that
 * holds, in turn, a skeleton (loading), the figures (ready), or a message
 * that says why there is nothing (empty), what failed (error) or which view
 * member the semantic layer does not offer yet (missing). The height never
 * changes between these states, so nothing shifts when data arrives.
 *
 * `data-card-state` on the section is what the browser tests and the
 * benchmark wait for.
 */
import { useId, type CSSProperties, type ReactNode } from 'react';
import { Card } from '@tremor/react';
import { Link, useSearchParams } from 'react-router-dom';
import { useI18n } from '../i18n/i18n-context';
import type { QueryStatus } from '../hooks/use-view-query';
import type { FilterName } from '../lib/build-filters';
import { globalSearch } from '../lib/build-filters';
import { AlertIcon, ArrowRightIcon, EmptyIcon, InfoIcon, PuzzleIcon } from './icons';
import { CardTitle } from './scroll-region';

/** The set filters among segment and channel: what a card on a view that cannot cut by them lists as not applied. */
export function setFilters(filters: Partial<Record<FilterName, unknown>>): FilterName[] {
  return (['segment', 'channel'] as const).filter((name) => !!filters[name]);
}

export interface CardState {
  status: QueryStatus;
  error?: string | null;
  missing?: string[];
}

export interface CardFrameProps {
  title: string;
  subtitle?: string;
  /** Body height in px: the same in every state. */
  height: number;
  /**
   * Below the `lg` breakpoint (phones, tablets) the body is at least
   * `height` and grows to what its stacked parts need: for cards whose
   * side-by-side parts stack on a narrow screen.
   */
  growWhenNarrow?: boolean;
  state: CardState;
  /** The query answered, but nothing in the answer is for this card: the frame shows it as empty, not blank. */
  nothing?: boolean;
  /** Why the card can be empty, in words ("No deals closed in FY2025"). */
  emptyReason?: string;
  unapplied?: FilterName[];
  /** A caveat shown under the title (e.g. "targets are company-wide"). */
  note?: string | null;
  /** Route of the page that explains this figure. */
  link?: string;
  actions?: ReactNode;
  className?: string;
  children?: ReactNode;
  /** Skeleton shape: blocks for tiles, bars for charts, rows for tables. */
  skeleton?: 'tile' | 'chart' | 'table';
}

export function CardFrame(props: CardFrameProps) {
  const {
    title,
    subtitle,
    height,
    growWhenNarrow = false,
    state: answered,
    nothing = false,
    emptyReason,
    unapplied = [],
    note,
    link,
    actions,
    className,
    children,
    skeleton = 'chart',
  } = props;
  const { t } = useI18n();
  const id = useId();
  const [params] = useSearchParams();
  const state: CardState = answered.status === 'ready' && nothing ? { ...answered, status: 'empty' } : answered;
  const compact = height < 160;
  // Caveats live inside the fixed-height body (never above it), so their arrival does not move the page.
  const caveats = [
    ...(unapplied.length > 0 ? [t('card.unapplied', { filters: unapplied.map((f) => t(`filter.${f}`)).join(', ') })] : []),
    ...(note ? [note] : []),
  ];
  return (
    <Card className={`flex min-w-0 flex-col p-4 sm:p-5 ${className ?? ''}`}>
      <section
        aria-labelledby={id}
        aria-busy={state.status === 'loading'}
        data-card-state={state.status}
        className="flex h-full flex-col"
      >
        {/* A card's tools move under its title where both do not fit on one line; a small tile's one link stays beside it. */}
        <header className={`mb-3 flex items-start justify-between gap-x-3 gap-y-2 ${compact ? '' : 'flex-wrap'}`}>
          <div className={`flex-1 ${compact ? 'min-w-0' : 'min-w-[min(100%,12rem)]'}`}>
            <h3 id={id} className="text-tremor-default font-semibold text-tremor-content-strong">
              {title}
            </h3>
            {subtitle ? <p className="mt-0.5 text-tremor-label text-tremor-content">{subtitle}</p> : null}
          </div>
          <div className={`flex max-w-full flex-wrap items-center gap-2 print:hidden ${compact ? 'shrink-0' : ''}`}>
            {actions}
            {compact && caveats.length > 0 && state.status === 'ready' ? (
              <span className="text-amber-700" title={caveats.join('\n')} role="img" aria-label={caveats.join(' ')}>
                <InfoIcon />
              </span>
            ) : null}
            {link ? (
              <Link
                to={`${link}${globalSearch(params)}`}
                aria-label={height < 160 ? `${t('card.details')}: ${title}` : undefined}
                title={height < 160 ? t('card.details') : undefined}
                className="inline-flex items-center gap-1 rounded-tremor-small px-1.5 py-0.5 text-tremor-label font-medium text-tremor-brand hover:bg-tremor-brand-faint"
              >
                {height < 160 ? null : t('card.details')}
                <ArrowRightIcon />
              </Link>
            ) : null}
          </div>
        </header>
        <div
          style={{ '--body-h': `${height}px` } as CSSProperties}
          className={`relative ${growWhenNarrow ? 'min-h-[var(--body-h)] lg:h-[var(--body-h)]' : 'h-[var(--body-h)]'}`}
          data-card-body
        >
          <CardTitle.Provider value={title}>
            <CardBody
              state={state}
              emptyReason={emptyReason}
              skeleton={skeleton}
              compact={height < 160}
              caveats={compact ? [] : caveats}
            >
              {children}
            </CardBody>
          </CardTitle.Provider>
        </div>
      </section>
    </Card>
  );
}

function CardBody({
  state,
  emptyReason,
  skeleton,
  compact,
  caveats,
  children,
}: {
  state: CardState;
  emptyReason?: string;
  skeleton: 'tile' | 'chart' | 'table';
  compact: boolean;
  caveats: string[];
  children?: ReactNode;
}) {
  const { t } = useI18n();
  switch (state.status) {
    case 'loading':
      return <Skeleton shape={skeleton} label={t('state.loading')} />;
    case 'missing': {
      const views = [...new Set((state.missing ?? []).map((m) => m.split('.')[0]))];
      const members = (state.missing ?? []).join(', ');
      return (
        <Message
          tone="neutral"
          icon={<PuzzleIcon />}
          title={t('state.missing.title', { views: views.join(', ') })}
          compact={compact}
          detail={members}
        >
          {t('state.missing.body')}
          <code className="mt-1 block break-all text-[11px] text-tremor-content">{members}</code>
        </Message>
      );
    }
    case 'error':
      return (
        <Message tone="error" icon={<AlertIcon />} title={t('state.error.title')} compact={compact} detail={state.error ?? ''}>
          <span className="break-words">{state.error}</span>
        </Message>
      );
    case 'empty':
      return (
        <Message tone="neutral" icon={<EmptyIcon />} title={t('state.empty.title')} compact={compact} detail={emptyReason}>
          {emptyReason ?? t('state.empty.body')}
        </Message>
      );
    default:
      if (caveats.length === 0) return <div className="h-full">{children}</div>;
      return (
        <div className="flex h-full flex-col">
          {caveats.map((c) => (
            <p
              key={c}
              className="mb-2 inline-flex items-center gap-1 self-start rounded-tremor-small bg-amber-50 px-2 py-0.5 text-tremor-label text-amber-800"
            >
              <InfoIcon />
              {c}
            </p>
          ))}
          <div className="min-h-0 flex-1 overflow-hidden">{children}</div>
        </div>
      );
  }
}

function Message({
  tone,
  icon,
  title,
  children,
  compact,
  detail,
}: {
  tone: 'neutral' | 'error';
  icon: ReactNode;
  title: string;
  children: ReactNode;
  compact?: boolean;
  detail?: string;
}) {
  const colours =
    tone === 'error'
      ? 'border-red-200 bg-red-50 text-red-800'
      : 'border-tremor-border bg-tremor-background-muted text-tremor-content-emphasis';
  if (compact) {
    // Small tiles: the headline in view, the detail on hover and for screen readers.
    return (
      <div
        role={tone === 'error' ? 'alert' : 'status'}
        title={detail}
        className={`flex h-full flex-col justify-center gap-1 overflow-hidden rounded-tremor-default border border-dashed px-3 ${colours}`}
      >
        <p className="flex items-start gap-1.5 text-tremor-label font-medium">
          <span className="mt-0.5 shrink-0">{icon}</span>
          <span className="line-clamp-3">{title}</span>
        </p>
        {detail ? <p className="line-clamp-2 break-all text-[11px] opacity-80">{detail}</p> : null}
      </div>
    );
  }
  return (
    <div
      role={tone === 'error' ? 'alert' : 'status'}
      className={`flex h-full flex-col items-center justify-center gap-1 rounded-tremor-default border border-dashed px-4 text-center ${colours}`}
    >
      <span className="text-xl">{icon}</span>
      <p className="text-tremor-default font-medium">{title}</p>
      <div className="max-w-md text-tremor-label">{children}</div>
    </div>
  );
}

function Skeleton({ shape, label }: { shape: 'tile' | 'chart' | 'table'; label: string }) {
  return (
    <div className="flex h-full animate-pulse flex-col gap-2 overflow-hidden" role="status" aria-label={label}>
      {shape === 'tile' ? (
        <>
          <div className="h-8 w-2/3 rounded bg-tremor-background-subtle" />
          <div className="h-3 w-1/2 rounded bg-tremor-background-subtle" />
          <div className="mt-auto h-2 w-full rounded bg-tremor-background-subtle" />
        </>
      ) : shape === 'table' ? (
        Array.from({ length: 8 }, (_, i) => <div key={i} className="h-5 w-full rounded bg-tremor-background-subtle" />)
      ) : (
        <div className="flex h-full items-end gap-2">
          {[45, 70, 55, 85, 60, 75, 40, 65, 80, 50].map((h, i) => (
            <div key={i} className="flex-1 rounded-t bg-tremor-background-subtle" style={{ height: `${h}%` }} />
          ))}
        </div>
      )}
    </div>
  );
}
