/*
 * The schedules on the Data page: each schedule of schedules.csv, when it is
 * due next, and its last runs with how each message fared (sent, retrying,
 * failed with the reason). One request to GET /api/schedules
 * (server/contract/schedules.ts), which carries no secret: a channel shows
 * its kind and host only. Schedules are configured in the file, not here.
 */
import { useEffect, useState } from 'react';
import { Card } from '@tremor/react';
import { apiRequest } from '../api/revcycle-api';
import { CardFrame, type CardState } from '../components/card-frame';
import { DataTable } from '../components/data-table';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/messages';
import { formatDateTime } from '../lib/format-date-time';
import type { ScheduleRunStatus, SchedulesStatus } from '../../../server/contract/schedules';

const OUTCOME_CLASS: Record<ScheduleRunStatus['outcome'], string> = {
  sent: 'text-emerald-700',
  pending: 'text-amber-700',
  failed: 'text-red-700',
  nothing: 'text-tremor-content',
  error: 'text-red-700',
};

function useSchedules(): { state: CardState; data: SchedulesStatus | null } {
  const [data, setData] = useState<SchedulesStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    apiRequest<SchedulesStatus>('/api/schedules', { signal: abort.signal }).then(setData, (e: Error) => {
      if (!abort.signal.aborted) setError(e.message);
    });
    return () => abort.abort();
  }, []);
  const status = error ? 'error' : !data ? 'loading' : data.schedules.length || data.error ? 'ready' : 'empty';
  return { state: { status, error }, data };
}

function Run({ run, zone }: { run: ScheduleRunStatus; zone: string }) {
  const { t, locale } = useI18n();
  return (
    <li data-run-outcome={run.outcome}>
      <span className="tabular-nums">{formatDateTime(run.dueAt, zone, locale)}</span>{' '}
      <span className={`font-medium ${OUTCOME_CLASS[run.outcome]}`}>{t(`schedules.outcome.${run.outcome}` as MessageKey)}</span>
      {run.error && <span className="block text-red-700">{run.error}</span>}
      {run.deliveries.length > 0 && (
        <ul className="ml-3 text-tremor-label text-tremor-content">
          {run.deliveries.map((d, i) => (
            <li key={i}>
              {d.team ? `${d.team} → ` : ''}
              {d.target}: <span className={OUTCOME_CLASS[d.outcome]}>{t(`schedules.outcome.${d.outcome}` as MessageKey)}</span>
              {d.attempts > 1 && ` (${t('schedules.attempts', { n: d.attempts })})`}
              {d.nextAttemptAt && ` · ${t('schedules.nextAttempt', { when: formatDateTime(d.nextAttemptAt, zone, locale) })}`}
              {d.lastError && d.outcome !== 'sent' && <span className="block text-red-700">{d.lastError}</span>}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

export function SchedulesCard() {
  const { t, locale } = useI18n();
  const { state, data } = useSchedules();
  if (state.status !== 'ready' || !data) {
    return (
      <CardFrame title={t('schedules.title')} height={96} state={state} emptyReason={t('schedules.empty')} skeleton="table" />
    );
  }
  return (
    // A plain card, like an import source's: as long as its schedules and runs.
    <Card className="p-5">
      <section aria-labelledby="schedules-title" data-card-state="ready" className="grid gap-3 text-tremor-default">
        <header>
          <h3 id="schedules-title" className="font-semibold text-tremor-content-strong">
            {t('schedules.title')}
          </h3>
          <p className="text-tremor-label text-tremor-content">{t('schedules.subtitle', { file: data.file })}</p>
        </header>
        {data.error && (
          <div role="alert" className="text-red-700">
            <p>{t('schedules.fileError')}</p>
            <pre className="whitespace-pre-wrap text-tremor-label">{data.error}</pre>
          </div>
        )}
        {data.schedules.length > 0 && (
          <DataTable
            label={t('schedules.title')}
            rows={data.schedules}
            rowKey={(s) => s.id}
            rowProps={(s) => ({ className: 'align-top', 'data-schedule': s.id })}
            columns={[
              {
                key: 'id',
                header: t('schedules.col.id'),
                className: 'font-medium text-tremor-content-strong',
                cell: (s) => s.id,
              },
              { key: 'kind', header: t('schedules.col.kind'), cell: (s) => t(`schedules.kind.${s.kind}` as MessageKey) },
              {
                key: 'rule',
                header: t('schedules.col.rule'),
                cell: (s) => (
                  <>
                    <code>{s.rule}</code> ({s.zone})
                  </>
                ),
              },
              { key: 'target', header: t('schedules.col.target'), className: 'break-all', cell: (s) => s.target },
              {
                key: 'next',
                header: t('schedules.col.next'),
                className: 'tabular-nums',
                cell: (s) => formatDateTime(s.nextDueAt, s.zone, locale),
              },
              {
                key: 'lastRuns',
                header: t('schedules.col.lastRuns'),
                cell: (s) =>
                  s.runs.length === 0 ? (
                    <span className="text-tremor-content">{t('schedules.noRuns')}</span>
                  ) : (
                    <ul className="grid gap-1">
                      {s.runs.map((r) => (
                        <Run key={r.dueAt} run={r} zone={s.zone} />
                      ))}
                    </ul>
                  ),
              },
            ]}
          />
        )}
      </section>
    </Card>
  );
}
