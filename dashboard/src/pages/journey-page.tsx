/*
 * A lead's journey (/leads/:leadId), opened from the stuck list and from
 * the account's other leads: who the lead is, and on one line in time order
 * its touches (channel, campaign, touch type), stage changes (with reason
 * and team) and opportunities — so the next team knows whom it is talking
 * to. Served by GET /api/leads/:leadId/journey, which only roles allowed
 * personal data may call; a refusal is shown as such.
 */
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { JourneyEvent, LeadJourney } from '../../../server/contract/journey';
import { ApiError, apiRequest } from '../api/revcycle-api';
import { DocumentSection, type SectionState } from '../components/document-section';
import { useI18n } from '../i18n/i18n-context';
import { channelLabel, codeLabel, stageLabel, touchTypeLabel } from '../i18n/labels';
import { globalSearch } from '../lib/build-filters';
import { formatYen, type Locale } from '../lib/format';

type Load = { state: SectionState; journey: LeadJourney | null };

const KIND_STYLE: Record<JourneyEvent['type'], string> = {
  touch: 'border-sky-300 bg-sky-50 text-sky-900',
  transition: 'border-violet-300 bg-violet-50 text-violet-900',
  opportunity_created: 'border-amber-300 bg-amber-50 text-amber-900',
  opportunity_closed: 'border-emerald-300 bg-emerald-50 text-emerald-900',
};

/** 'YYYY-MM-DDTHH:mm:ss' (wall clock in the settings' zone) → '2026/04/05 10:00'. */
const wallClock = (at: string) => `${at.slice(0, 10).replaceAll('-', '/')} ${at.slice(11, 16)}`;

export function useLeadJourney(leadId: string): Load {
  const { t } = useI18n();
  const [load, setLoad] = useState<Load>({ state: { status: 'loading' }, journey: null });
  useEffect(() => {
    const abort = new AbortController();
    setLoad({ state: { status: 'loading' }, journey: null });
    apiRequest<LeadJourney>(`/api/leads/${encodeURIComponent(leadId)}/journey`, { signal: abort.signal })
      .then((journey) => setLoad({ state: { status: 'ready' }, journey }))
      .catch((e: Error) => {
        if (abort.signal.aborted) return;
        const detail = e instanceof ApiError ? e.message.replace(/^[^:]*: /, '') : e.message;
        const error =
          e instanceof ApiError && e.status === 403
            ? t('journey.forbidden', { error: detail })
            : e instanceof ApiError && e.status === 404
              ? t('journey.notFound', { lead: leadId })
              : t('journey.error', { error: detail });
        setLoad({ state: { status: 'error', error }, journey: null });
      });
    return () => abort.abort();
  }, [leadId, t]);
  return load;
}

function describe(
  e: JourneyEvent,
  locale: Locale,
  t: ReturnType<typeof useI18n>['t'],
): { kind: string; what: string; detail: string[] } {
  switch (e.type) {
    case 'touch':
      return {
        kind: t('journey.kind.touch'),
        what: `${channelLabel(e.channel, locale)} · ${touchTypeLabel(e.touchType, locale)}`,
        detail: e.campaignName || e.campaignId ? [e.campaignName ?? e.campaignId ?? ''] : [],
      };
    case 'transition':
      return {
        kind: t('journey.kind.transition'),
        what: `${e.fromStage ? `${stageLabel(e.fromStage, locale)} → ` : ''}${stageLabel(e.toStage, locale)}`,
        detail: [
          e.reason ? t('journey.reason', { reason: codeLabel(e.reason, locale) }) : '',
          e.team ? t('journey.by', { team: codeLabel(e.team, locale) }) : '',
        ].filter(Boolean),
      };
    default:
      return {
        kind: t(e.type === 'opportunity_created' ? 'journey.kind.opportunity' : 'journey.kind.opportunityClosed'),
        what: `${e.opportunityId} · ${formatYen(e.amount, locale)} · ${codeLabel(e.dealType, locale)}`,
        detail: [
          codeLabel(e.status, locale),
          e.reason ? t('journey.reason', { reason: codeLabel(e.reason, locale) }) : '',
        ].filter(Boolean),
      };
  }
}

export function JourneyPage() {
  const { leadId = '' } = useParams();
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const search = globalSearch(params);
  const { state, journey } = useLeadJourney(leadId);
  const lead = journey?.lead;
  const facts: [string, string][] = lead
    ? [
        [
          t('journey.account'),
          `${lead.accountName ?? lead.accountId ?? '–'}${lead.industry ? ` (${codeLabel(lead.industry, locale)})` : ''}`,
        ],
        [t('journey.created'), wallClock(lead.createdAt)],
        [t('journey.source'), channelLabel(lead.leadSource, locale)],
        [t('journey.persona'), codeLabel(lead.persona, locale)],
        [t('journey.owner'), codeLabel(lead.ownerTeam, locale)],
        [t('journey.current'), stageLabel(lead.currentStage, locale)],
      ]
    : [];
  return (
    <>
      <div className="mb-5 flex flex-wrap items-end justify-between gap-4">
        <div>
          <p className="text-tremor-label font-medium uppercase tracking-wide text-tremor-brand">{t('journey.title')}</p>
          <h1 className="text-2xl font-bold tracking-tight text-tremor-content-strong">{t('journey.lead', { lead: leadId })}</h1>
          {lead?.email ? <p className="mt-1 text-tremor-default text-tremor-content">{lead.email}</p> : null}
        </div>
        <button
          type="button"
          onClick={() => navigate(-1)}
          className="rounded-tremor-small border border-tremor-border bg-white px-3 py-1.5 text-tremor-label font-medium print:hidden"
        >
          {t('journey.back')}
        </button>
      </div>
      <div className="grid grid-cols-1 gap-5">
        <DocumentSection
          title={t('journey.timeline')}
          state={state.status === 'ready' && journey?.events.length === 0 ? { status: 'empty' } : state}
          emptyReason={t('journey.timelineEmpty')}
        >
          <dl className="mb-4 grid grid-cols-2 gap-x-6 gap-y-1 text-tremor-default md:grid-cols-3">
            {facts.map(([k, v]) => (
              <div key={k} className="flex gap-2">
                <dt className="text-tremor-content">{k}</dt>
                <dd className="font-medium text-tremor-content-strong">{v}</dd>
              </div>
            ))}
          </dl>
          <ol className="relative border-l border-tremor-border pl-4" aria-label={t('journey.timeline')}>
            {journey?.events.map((e) => {
              const d = describe(e, locale, t);
              return (
                <li key={e.number} data-event={e.type} className="mb-2 flex flex-wrap items-baseline gap-x-3 gap-y-0.5">
                  <time className="w-32 shrink-0 tabular-nums text-tremor-label text-tremor-content" dateTime={e.at}>
                    {wallClock(e.at)}
                  </time>
                  <span className={`rounded-full border px-2 py-0.5 text-[11px] font-semibold ${KIND_STYLE[e.type]}`}>
                    {d.kind}
                  </span>
                  <span className="font-medium text-tremor-content-strong">{d.what}</span>
                  {d.detail.length ? <span className="text-tremor-label text-tremor-content">{d.detail.join(' · ')}</span> : null}
                </li>
              );
            })}
          </ol>
        </DocumentSection>
        <DocumentSection
          title={t('journey.others')}
          state={state.status === 'ready' && journey?.accountLeads.length === 0 ? { status: 'empty' } : state}
          emptyReason={t('journey.othersEmpty')}
        >
          <ul className="grid gap-1 md:grid-cols-2">
            {journey?.accountLeads.map((o) => (
              <li key={o.leadId} className="flex flex-wrap items-baseline gap-x-3 text-tremor-default">
                <Link
                  to={`/leads/${encodeURIComponent(o.leadId)}${search}`}
                  className="font-medium text-tremor-brand hover:underline"
                  aria-label={t('journey.open', { lead: o.leadId })}
                >
                  {o.leadId}
                </Link>
                <span className="text-tremor-content">{o.email}</span>
                <span>{codeLabel(o.persona, locale)}</span>
                <span className="font-medium">{stageLabel(o.currentStage, locale)}</span>
              </li>
            ))}
          </ul>
        </DocumentSection>
      </div>
    </>
  );
}
