/*
 * The stage definitions document (ステージ定義書, docs/metrics.md "Stage
 * definitions document"): per funnel stage its names, owning team, SLA (or
 * inventory stage), the agreed definition, entry criteria and hand-off
 * condition, and this period's volume (definition 1) and cohort conversion
 * to the next stage (definition 2), above them the live path shares of the
 * period's new leads (success, fast, detour). Four queries:
 * stage_definitions, stage_reach, conversions, paths.
 *
 * Laid out as a document, not a fixed-height card: one block per stage that
 * grows with its text and is kept whole on a printed page (index.css).
 */
import { CONVERSIONS, PATHS, STAGE_DEFINITIONS, STAGE_REACH } from '../api/views';
import { DocumentSection, combineStates } from '../components/document-section';
import { useFilters } from '../hooks/use-filters';
import { num, str, useViewQuery, type Row } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { codeLabel, stageLabel } from '../i18n/labels';
import { formatCount, formatDate, formatPercent, formatPeriodKey } from '../lib/format';

const truthy = (v: Row[string] | undefined) => v === true || v === 'true';

export function StageDefinitionsCard() {
  const { t, locale } = useI18n();
  const { period, periodKey, viewFilters } = useFilters();
  const defs = useViewQuery({
    dimensions: Object.values(STAGE_DEFINITIONS),
    filters: [{ member: STAGE_DEFINITIONS.isFunnel, operator: 'equals', values: ['true'] }],
    order: [[STAGE_DEFINITIONS.stageOrder, 'asc']],
  });
  const reach = useViewQuery({
    measures: [STAGE_REACH.leads],
    dimensions: [STAGE_REACH.stage],
    timeDimensions: [{ dimension: STAGE_REACH.reachedAt, dateRange: [period.start, period.end] }],
    filters: viewFilters('stage_reach').filters,
  });
  const conv = useViewQuery({
    measures: [CONVERSIONS.conversionRate],
    dimensions: [CONVERSIONS.fromStage, CONVERSIONS.toStage],
    timeDimensions: [{ dimension: CONVERSIONS.cohortAt, dateRange: [period.start, period.end] }],
    filters: [...viewFilters('conversions').filters, { member: CONVERSIONS.isAdjacent, operator: 'equals', values: ['true'] }],
  });
  const paths = useViewQuery({
    measures: [PATHS.leads, PATHS.successLeads, PATHS.fastLeads, PATHS.detourLeads],
    timeDimensions: [{ dimension: PATHS.createdAt, dateRange: [period.start, period.end] }],
    filters: viewFilters('paths').filters,
  });
  const newLeads = num(paths.rows[0], PATHS.leads);
  const pathShare = (member: string) => (newLeads ? (num(paths.rows[0], member) ?? 0) / newLeads : null);
  const volume = new Map(reach.rows.map((r) => [str(r, STAGE_REACH.stage), num(r, STAGE_REACH.leads)]));
  const conversion = new Map(
    conv.rows.map((r) => [
      `${str(r, CONVERSIONS.fromStage)}->${str(r, CONVERSIONS.toStage)}`,
      num(r, CONVERSIONS.conversionRate),
    ]),
  );
  // stage_reach and conversions may rightly be empty for a period; the document is empty only without stages (only the
  // first state's emptiness counts)
  const state = combineStates([defs, reach, conv]);
  const text = (r: Row, ja: string, en: string) => (locale === 'ja' ? (str(r, ja) ?? str(r, en)) : (str(r, en) ?? str(r, ja)));

  return (
    <DocumentSection
      title={t('definitions.doc.title')}
      subtitle={t('definitions.doc.subtitle', { period: formatPeriodKey(periodKey, locale) })}
      state={state}
      emptyReason={t('definitions.doc.empty')}
    >
      <div className="mb-3 flex flex-wrap items-baseline gap-x-6 gap-y-1 text-tremor-default">
        <p className="text-tremor-label text-tremor-content">
          {t('definitions.paths', { period: formatPeriodKey(periodKey, locale) })}
        </p>
        <dl className="contents">
          {(
            [
              ['funnel.paths.success', PATHS.successLeads, 'success'],
              ['funnel.paths.fast', PATHS.fastLeads, 'fast'],
              ['funnel.paths.detour', PATHS.detourLeads, 'detour'],
            ] as const
          ).map(([label, member, key]) => (
            <div key={key} className="flex gap-1.5">
              <dt className="text-tremor-content">{t(label)}</dt>
              <dd className="font-semibold tabular-nums" data-figure={`path-${key}`}>
                {formatPercent(pathShare(member), locale)}
              </dd>
            </div>
          ))}
        </dl>
      </div>
      <ol className="grid gap-4">
        {defs.rows.map((r) => {
          const stage = str(r, STAGE_DEFINITIONS.stage) ?? '';
          const next = str(r, STAGE_DEFINITIONS.nextStage);
          const sla = num(r, STAGE_DEFINITIONS.slaDays);
          const changed = str(r, STAGE_DEFINITIONS.lastChangedOn);
          const definition = text(r, STAGE_DEFINITIONS.definitionJa, STAGE_DEFINITIONS.definitionEn);
          return (
            <li
              key={stage}
              data-stage={stage}
              className="stage-definition rounded-tremor-default border border-tremor-border bg-white p-4"
            >
              <div className="flex flex-wrap items-baseline justify-between gap-3">
                <h4 className="text-lg font-bold text-tremor-content-strong">
                  {str(r, STAGE_DEFINITIONS.labelJa)}{' '}
                  <span className="font-medium text-tremor-content">/ {str(r, STAGE_DEFINITIONS.labelEn)}</span>
                  <code className="ml-2 text-tremor-label font-normal text-tremor-content">{stage}</code>
                </h4>
                <dl className="flex flex-wrap gap-x-5 gap-y-1 text-tremor-default">
                  <div className="flex gap-1.5">
                    <dt className="text-tremor-content">{t('definitions.team')}</dt>
                    <dd className="font-semibold">{codeLabel(str(r, STAGE_DEFINITIONS.team), locale)}</dd>
                  </div>
                  <div className="flex gap-1.5">
                    <dt className="text-tremor-content">{t('definitions.sla')}</dt>
                    <dd className="font-semibold" data-figure={`sla-${stage}`}>
                      {sla !== null
                        ? t('definitions.slaDays', { days: sla })
                        : truthy(r[STAGE_DEFINITIONS.isInventory])
                          ? t('definitions.inventory')
                          : t('definitions.final')}
                    </dd>
                  </div>
                  <div className="flex gap-1.5">
                    <dt className="text-tremor-content">{t('definitions.volume')}</dt>
                    <dd className="font-semibold tabular-nums" data-figure={`volume-${stage}`}>
                      {formatCount(volume.get(stage) ?? 0, locale)}
                    </dd>
                  </div>
                  {next ? (
                    <div className="flex gap-1.5" title={t('definitions.conversionHelp')}>
                      <dt className="text-tremor-content">{t('definitions.conversion', { stage: stageLabel(next, locale) })}</dt>
                      <dd className="font-semibold tabular-nums" data-figure={`conversion-${stage}`}>
                        {formatPercent(conversion.get(`${stage}->${next}`) ?? null, locale)}
                      </dd>
                    </div>
                  ) : null}
                </dl>
              </div>
              {truthy(r[STAGE_DEFINITIONS.hasDefinition]) ? (
                <dl className="mt-3 grid gap-3 text-tremor-default md:grid-cols-3">
                  <Clause term={t('definitions.definition')} text={definition} />
                  <Clause term={t('definitions.entry')} text={text(r, STAGE_DEFINITIONS.entryJa, STAGE_DEFINITIONS.entryEn)} />
                  <Clause
                    term={t('definitions.handoff')}
                    text={text(r, STAGE_DEFINITIONS.handoffJa, STAGE_DEFINITIONS.handoffEn)}
                  />
                </dl>
              ) : (
                <p className="mt-3 rounded-tremor-small border border-dashed border-amber-300 bg-amber-50 px-3 py-2 text-tremor-default text-amber-900">
                  {t('definitions.notAgreed')}
                </p>
              )}
              <p className="mt-2 flex flex-wrap justify-between gap-2 text-tremor-label text-tremor-content">
                {truthy(r[STAGE_DEFINITIONS.isHandoff]) && next ? (
                  <span className="font-semibold text-tremor-brand-emphasis">
                    {t('definitions.handoffTo', {
                      from: codeLabel(str(r, STAGE_DEFINITIONS.team), locale),
                      to: codeLabel(str(r, STAGE_DEFINITIONS.nextTeam), locale),
                    })}
                    {' · '}
                    <a href={`#handoff-${stage}`} className="underline">
                      {t('handoff.title')}
                    </a>
                  </span>
                ) : (
                  <span />
                )}
                {changed ? <span>{t('definitions.lastChanged', { date: formatDate(changed, locale) })}</span> : null}
              </p>
            </li>
          );
        })}
      </ol>
    </DocumentSection>
  );
}

function Clause({ term, text }: { term: string; text: string | null }) {
  return (
    <div>
      <dt className="text-tremor-label font-semibold uppercase tracking-wide text-tremor-content">{term}</dt>
      <dd className="mt-0.5 whitespace-pre-line text-tremor-content-strong">{text ?? '–'}</dd>
    </div>
  );
}
