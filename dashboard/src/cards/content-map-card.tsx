/*
 * The content map (docs/metrics.md, definition 15): which content moves
 * leads from each stage to the next. Rows are the adjacent stage pairs,
 * columns the campaigns (or touch types) with the most credit under the
 * chosen attribution model, cells the stage conversions of the period
 * credited to them; a pair with little or no credit on content is marked
 * "missing content" (server/contract/content-map.ts). Three queries on
 * `content_map`: the pairs' conversions, their content credit, and the
 * pair × content cells.
 *
 * A campaign cell links to ?campaign=<id>, which opens CampaignFiguresCard:
 * that campaign's attributed pipeline, revenue and wins (`attribution`) and
 * its credit per stage pair. The axis is kept in the URL as ?content=.
 * Two more axes draw the map by the buyer's process (docs/metrics.md
 * definition 20, content-coverage-table.tsx): stage pair × buyer-journey
 * step, and buyer-journey step × persona, with the cells no content serves
 * marked.
 *
 * Limits: the columns shown are the top COLUMNS by credit; the rest add up
 * in "Other".
 */
import { Link, useSearchParams } from 'react-router-dom';
import { contentVerdict, MISSING_CONTENT_SHARE } from '../../../server/contract/content-map';
import { ATTRIBUTION, CONTENT_MAP } from '../api/views';
import { CardFrame } from '../components/card-frame';
import { combineStates, DocumentSection } from '../components/document-section';
import { Segmented } from '../components/page-header';
import { useFilters } from '../hooks/use-filters';
import { useModel } from '../hooks/use-page-options';
import { num, str, useViewQuery, type Row } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { modelLabel, pairLabel, touchTypeLabel } from '../i18n/labels';
import { formatCount, formatNumber, formatPercent, formatPeriodKey, formatYen } from '../lib/format';
import { DataTable, type Column } from '../components/data-table';
import { ContentCoverageTable, coverageGrid, creditShade, useContentCoverage, type CoverageAxis } from './content-coverage-table';

const COLUMNS = 8;
const OTHER = '__other__';
const AXES = ['campaign', 'touch_type', 'journey_step', 'persona'] as const;
type Axis = (typeof AXES)[number];
const isCoverage = (a: Axis): a is CoverageAxis => a === 'journey_step' || a === 'persona';

export function useContentAxis(): [Axis, (a: Axis) => void] {
  const { option, setOption } = useFilters();
  const axis: Axis = AXES.find((a) => a === option('content')) ?? 'campaign';
  return [axis, (a) => setOption('content', a === 'campaign' ? null : a)];
}

export function ContentMapCard() {
  const { t, locale } = useI18n();
  const { period, periodKey, viewFilters } = useFilters();
  const [model] = useModel();
  const [axis, setAxis] = useContentAxis();
  const [params] = useSearchParams();
  const f = viewFilters('content_map');
  const cf = viewFilters('content_coverage');
  const coverage = useContentCoverage(isCoverage(axis) ? axis : null, model, [period.start, period.end], cf.filters);
  const base = {
    timeDimensions: [{ dimension: CONTENT_MAP.convertedAt, dateRange: [period.start, period.end] as [string, string] }],
    filters: [...f.filters, { member: CONTENT_MAP.model, operator: 'equals' as const, values: [model] }],
  };
  // The pair totals in two queries, each served by its own rollup: conversions counts the content map's conversions
  // (content_conversions), content_credit sums its credit rows; in one query Cube would count the conversions
  // distinct over the credit rows, which no rollup serves.
  const pairs = useViewQuery({
    ...base,
    measures: [CONTENT_MAP.conversions],
    dimensions: [CONTENT_MAP.stagePair, CONTENT_MAP.pairPosition],
  });
  const pairCredit = useViewQuery({
    ...base,
    measures: [CONTENT_MAP.contentCredit],
    dimensions: [CONTENT_MAP.stagePair],
  });
  const axisMember = axis === 'campaign' ? CONTENT_MAP.campaign : CONTENT_MAP.touchType;
  const cells = useViewQuery(
    {
      ...base,
      measures: [CONTENT_MAP.credit],
      dimensions:
        axis === 'campaign'
          ? [CONTENT_MAP.stagePair, CONTENT_MAP.campaign, CONTENT_MAP.campaignName]
          : [CONTENT_MAP.stagePair, CONTENT_MAP.touchType],
      // campaigns are the content; touch types include untracked touches and '(none)'
      filters: axis === 'campaign' ? [...base.filters, { member: CONTENT_MAP.campaign, operator: 'set' }] : base.filters,
    },
    { skip: isCoverage(axis) },
  );
  const state = isCoverage(axis) ? coverage : combineStates([pairs, pairCredit, cells]);

  const totals = new Map<string, number>();
  const names = new Map<string, string>();
  for (const r of cells.rows) {
    const key = str(r, axisMember) ?? '';
    totals.set(key, (totals.get(key) ?? 0) + (num(r, CONTENT_MAP.credit) ?? 0));
    names.set(key, axis === 'campaign' ? (str(r, CONTENT_MAP.campaignName) ?? key) : touchTypeLabel(key, locale));
  }
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const shown = ranked.slice(0, COLUMNS);
  const others = ranked.length - shown.length;
  const columns = others > 0 ? [...shown, OTHER] : shown;
  const cell = new Map<string, number>();
  for (const r of cells.rows) {
    const key = str(r, axisMember) ?? '';
    const column = shown.includes(key) ? key : OTHER;
    const at = `${str(r, CONTENT_MAP.stagePair)}|${column}`;
    cell.set(at, (cell.get(at) ?? 0) + (num(r, CONTENT_MAP.credit) ?? 0));
  }
  const rows = withContentCredit(pairs.rows, pairCredit.rows).sort(
    (a, b) => (num(a, CONTENT_MAP.pairPosition) ?? 0) - (num(b, CONTENT_MAP.pairPosition) ?? 0),
  );
  // shade against the named columns: 'Other' adds many campaigns up and would wash them out
  const max = Math.max(0, ...[...cell.entries()].filter(([k]) => !k.endsWith(`|${OTHER}`)).map(([, v]) => v));
  const verdictOf = (r: Row) => contentVerdict(num(r, CONTENT_MAP.contentCredit), num(r, CONTENT_MAP.conversions));
  const missingHelp = t('contentMap.missingHelp', { share: formatPercent(MISSING_CONTENT_SHARE, locale, 0) });
  const campaignLink = (campaign: string) => {
    const next = new URLSearchParams(params);
    next.set('campaign', campaign);
    return `?${next.toString()}`;
  };

  return (
    <CardFrame
      title={t('contentMap.title')}
      subtitle={t(isCoverage(axis) ? 'contentCoverage.subtitle' : 'contentMap.subtitle', {
        axis: t(`contentMap.axis.${axis}`),
        model: modelLabel(model, locale),
        period: formatPeriodKey(periodKey, locale),
      })}
      height={300}
      state={state}
      unapplied={isCoverage(axis) ? cf.unapplied : f.unapplied}
      skeleton="table"
      emptyReason={t('contentMap.empty', { period: formatPeriodKey(periodKey, locale) })}
      actions={
        <Segmented
          label={t('contentMap.axis.label')}
          value={axis}
          onChange={setAxis}
          options={AXES.map((a) => ({ value: a, label: t(`contentMap.axis.${a}`) }))}
        />
      }
    >
      {isCoverage(axis) ? (
        <ContentCoverageTable axis={axis} grid={coverageGrid(axis, coverage.rows, locale, t('contentCoverage.unmapped'))} />
      ) : (
        <DataTable
          label={t('contentMap.title')}
          stickyHead
          scroll={{ className: 'h-full' }}
          className="text-tremor-default"
          rows={rows}
          rowKey={(r) => str(r, CONTENT_MAP.stagePair) ?? ''}
          rowProps={(r) => {
            const verdict = verdictOf(r);
            return {
              'data-pair': str(r, CONTENT_MAP.stagePair) ?? '',
              'data-verdict': verdict,
              className: verdict === 'missing' ? 'bg-amber-50/60' : undefined,
            };
          }}
          columns={[
            {
              key: 'pair',
              header: t('contentMap.col.pair'),
              headerClassName: 'align-bottom',
              rowHeader: true,
              cell: (r) => {
                const verdict = verdictOf(r);
                return (
                  <>
                    {pairLabel(str(r, CONTENT_MAP.stagePair) ?? '', locale)}
                    {verdict === 'missing' ? (
                      <span
                        className="ml-2 whitespace-nowrap rounded-full border border-amber-300 bg-amber-100 px-2 py-0.5 text-[11px] font-semibold text-amber-900"
                        title={missingHelp}
                      >
                        {t('contentMap.missing')}
                      </span>
                    ) : verdict === 'no_conversions' ? (
                      <span className="ml-2 text-[11px] text-tremor-content">{t('contentMap.noConversions')}</span>
                    ) : null}
                  </>
                );
              },
            },
            {
              key: 'conversions',
              header: t('contentMap.col.conversions'),
              headerClassName: 'align-bottom',
              numeric: true,
              cellProps: (r) => ({ 'data-figure': `conversions-${str(r, CONTENT_MAP.stagePair)}` }),
              cell: (r) => formatCount(num(r, CONTENT_MAP.conversions), locale),
            },
            {
              key: 'share',
              header: t('contentMap.col.share'),
              headerClassName: 'align-bottom',
              headerProps: { title: missingHelp },
              numeric: true,
              cellProps: (r) => ({ 'data-figure': `content-share-${str(r, CONTENT_MAP.stagePair)}` }),
              cell: (r) => {
                const conversions = num(r, CONTENT_MAP.conversions);
                return formatPercent(conversions ? (num(r, CONTENT_MAP.contentCredit) ?? 0) / conversions : null, locale);
              },
            },
            ...columns.map((c): Column<Row> => ({
              key: c,
              header: (
                <span className="line-clamp-2">{c === OTHER ? t('contentMap.col.other', { n: others }) : names.get(c)}</span>
              ),
              headerClassName: 'max-w-[120px] align-bottom',
              headerProps: { title: c === OTHER ? undefined : names.get(c) },
              numeric: true,
              cellProps: (r) => {
                const pair = str(r, CONTENT_MAP.stagePair) ?? '';
                return {
                  className: 'text-tremor-content-strong',
                  style: creditShade(cell.get(`${pair}|${c}`) ?? 0, max),
                  'data-cell': `${pair}|${c}`,
                };
              },
              cell: (r) => {
                const pair = str(r, CONTENT_MAP.stagePair) ?? '';
                const v = cell.get(`${pair}|${c}`) ?? 0;
                const text = v > 0 ? formatNumber(v, locale, 1) : '·';
                return axis === 'campaign' && c !== OTHER && v > 0 ? (
                  <Link
                    to={campaignLink(c)}
                    className="hover:underline"
                    title={t('contentMap.cellTitle', {
                      campaign: names.get(c) ?? c,
                      pair: pairLabel(pair, locale),
                      credit: text,
                    })}
                  >
                    {text}
                  </Link>
                ) : (
                  text
                );
              },
            })),
          ]}
        />
      )}
    </CardFrame>
  );
}

/** The figures of the campaign a content-map cell links to (?campaign=), under the chosen model and period. */
export function CampaignFiguresCard() {
  const { t, locale } = useI18n();
  const { period, option, setOption } = useFilters();
  const [model] = useModel();
  const campaign = option('campaign');
  const range = [period.start, period.end] as [string, string];
  const money = useViewQuery(
    {
      measures: [ATTRIBUTION.attributedPipeline, ATTRIBUTION.attributedRevenue, ATTRIBUTION.credit],
      dimensions: [ATTRIBUTION.conversion, ATTRIBUTION.campaignName],
      timeDimensions: [{ dimension: ATTRIBUTION.convertedAt, dateRange: range }],
      filters: [
        { member: ATTRIBUTION.model, operator: 'equals', values: [model] },
        { member: ATTRIBUTION.campaign, operator: 'equals', values: [campaign ?? ''] },
        { member: ATTRIBUTION.conversion, operator: 'equals', values: ['opportunity', 'won'] },
      ],
    },
    { skip: !campaign },
  );
  const pairs = useViewQuery(
    {
      measures: [CONTENT_MAP.credit],
      dimensions: [CONTENT_MAP.stagePair, CONTENT_MAP.pairPosition, CONTENT_MAP.campaignName],
      timeDimensions: [{ dimension: CONTENT_MAP.convertedAt, dateRange: range }],
      filters: [
        { member: CONTENT_MAP.model, operator: 'equals', values: [model] },
        { member: CONTENT_MAP.campaign, operator: 'equals', values: [campaign ?? ''] },
      ],
    },
    { skip: !campaign },
  );
  if (!campaign) return null;
  const of = (conversion: string, member: string) =>
    num(
      money.rows.find((r) => str(r, ATTRIBUTION.conversion) === conversion),
      member,
    );
  const name = str(pairs.rows[0], CONTENT_MAP.campaignName) ?? str(money.rows[0], ATTRIBUTION.campaignName) ?? campaign;
  const state = combineStates([
    {
      ...pairs,
      status: pairs.status === 'empty' && money.status === 'empty' ? 'empty' : pairs.status === 'empty' ? 'ready' : pairs.status,
    },
    money,
  ]);
  return (
    <DocumentSection
      id="campaign-figures"
      title={t('contentMap.campaign.title', { name })}
      subtitle={`${modelLabel(model, locale)} · ${campaign}`}
      state={state}
      actions={
        <button
          type="button"
          onClick={() => setOption('campaign', null)}
          className="rounded-tremor-small border border-tremor-border px-2 py-0.5 text-tremor-label"
        >
          {t('contentMap.campaign.close')}
        </button>
      }
    >
      <dl className="grid grid-cols-3 gap-4">
        <Figure
          label={t('contentMap.campaign.pipeline')}
          value={formatYen(of('opportunity', ATTRIBUTION.attributedPipeline), locale)}
          name="campaign-pipeline"
        />
        <Figure
          label={t('contentMap.campaign.revenue')}
          value={formatYen(of('won', ATTRIBUTION.attributedRevenue), locale)}
          name="campaign-revenue"
        />
        <Figure
          label={t('contentMap.campaign.wins')}
          value={formatNumber(of('won', ATTRIBUTION.credit), locale, 1)}
          name="campaign-wins"
        />
      </dl>
      <h4 className="mb-1 mt-4 text-tremor-label font-semibold text-tremor-content">{t('contentMap.campaign.pairs')}</h4>
      <ul className="flex flex-wrap gap-2">
        {[...pairs.rows]
          .sort((a, b) => (num(a, CONTENT_MAP.pairPosition) ?? 0) - (num(b, CONTENT_MAP.pairPosition) ?? 0))
          .map((r) => (
            <li
              key={str(r, CONTENT_MAP.stagePair)}
              className="rounded-tremor-small border border-tremor-border px-2 py-1 text-tremor-default"
            >
              {pairLabel(str(r, CONTENT_MAP.stagePair) ?? '', locale)}{' '}
              <span className="font-semibold tabular-nums">{formatNumber(num(r, CONTENT_MAP.credit), locale, 1)}</span>
            </li>
          ))}
      </ul>
    </DocumentSection>
  );
}

/** The pairs' conversions, each with its pair's content credit. */
function withContentCredit(conversions: Row[], credit: Row[]): Row[] {
  const byPair = new Map(credit.map((r) => [str(r, CONTENT_MAP.stagePair), num(r, CONTENT_MAP.contentCredit)]));
  return conversions.map((r) => ({ ...r, [CONTENT_MAP.contentCredit]: byPair.get(str(r, CONTENT_MAP.stagePair)) ?? null }));
}

function Figure({ label, value, name }: { label: string; value: string; name: string }) {
  return (
    <div>
      <dt className="text-tremor-label text-tremor-content">{label}</dt>
      <dd className="text-xl font-semibold tabular-nums text-tremor-content-strong" data-figure={name}>
        {value}
      </dd>
    </div>
  );
}
