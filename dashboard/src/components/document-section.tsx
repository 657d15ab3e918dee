/*
 * The frame of a document-like block (the stage definitions document, a
 * lead's journey): title, subtitle and a body that grows with its content —
 * unlike CardFrame's fixed height, because these are read and printed in
 * full. It carries `data-card-state` like every card, so the browser tests
 * and the benchmark wait for it the same way. `combineStates` folds the
 * states of several queries into the one the block shows.
 */
import { useId, type ReactNode } from 'react';
import { Card } from '@tremor/react';
import type { QueryStatus } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { AlertIcon, EmptyIcon, PuzzleIcon } from './icons';

export interface SectionState {
  status: QueryStatus;
  error?: string | null;
  missing?: string[];
}

/** The first error, else missing members, else loading, else empty when the first state is, else ready. */
export function combineStates(states: SectionState[]): SectionState {
  const failed = states.find((s) => s.status === 'error');
  if (failed) return failed;
  const missing = states.flatMap((s) => (s.status === 'missing' ? (s.missing ?? []) : []));
  if (missing.length > 0) return { status: 'missing', missing };
  if (states.some((s) => s.status === 'loading')) return { status: 'loading' };
  return { status: states[0]?.status === 'empty' ? 'empty' : 'ready' };
}

export function DocumentSection(props: {
  title: string;
  subtitle?: string;
  state: SectionState;
  emptyReason?: string;
  actions?: ReactNode;
  id?: string;
  children?: ReactNode;
}) {
  const { title, subtitle, state, emptyReason, actions, id, children } = props;
  const { t } = useI18n();
  const headingId = useId();
  return (
    <Card className="p-5" id={id}>
      <section
        aria-labelledby={headingId}
        aria-busy={state.status === 'loading'}
        data-card-state={state.status}
        className="document-section"
      >
        <header className="mb-3 flex items-start justify-between gap-3">
          <div className="min-w-0">
            <h3 id={headingId} className="text-tremor-default font-semibold text-tremor-content-strong">
              {title}
            </h3>
            {subtitle ? <p className="mt-0.5 text-tremor-label text-tremor-content">{subtitle}</p> : null}
          </div>
          {actions ? <div className="flex shrink-0 items-center gap-2 print:hidden">{actions}</div> : null}
        </header>
        {state.status === 'loading' ? (
          <div
            className="h-40 animate-pulse rounded-tremor-default bg-tremor-background-subtle"
            role="status"
            aria-label={t('state.loading')}
          />
        ) : state.status === 'error' ? (
          <p
            role="alert"
            className="flex items-center gap-2 rounded-tremor-default border border-red-200 bg-red-50 px-3 py-2 text-red-800"
          >
            <AlertIcon />
            {state.error}
          </p>
        ) : state.status === 'missing' ? (
          <p
            role="status"
            className="flex items-center gap-2 rounded-tremor-default border border-dashed border-tremor-border px-3 py-2"
          >
            <PuzzleIcon />
            {t('state.missing.body')} <code className="break-all text-[11px]">{(state.missing ?? []).join(', ')}</code>
          </p>
        ) : state.status === 'empty' ? (
          <p
            role="status"
            className="flex items-center gap-2 rounded-tremor-default border border-dashed border-tremor-border px-3 py-6 text-tremor-content"
          >
            <EmptyIcon />
            {emptyReason ?? t('state.empty.body')}
          </p>
        ) : (
          children
        )}
      </section>
    </Card>
  );
}
