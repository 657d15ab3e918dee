/*
 * Plan: the what-if reverse plan. The period's monthly revenue targets come
 * from the `targets` view (one query); the plan itself from POST /api/plan,
 * the same engine as the `plan` view. The first plan, without overrides,
 * asks for the period's months by range (fiscalPeriod: the warehouse's
 * targets, which the `targets` view reads too) and goes in the cards' batch. Every assumption is editable in the
 * form (components/plan-form.tsx); each edit recomputes the plan on the
 * server after a short pause (250 ms), and "reset" returns to the observed
 * rates. The first answer without overrides is the baseline the form shows
 * as "observed" and the results compare against.
 *
 * Results: required volume per stage for the period (what-if vs observed),
 * required leads per month against actual leads, the budget per channel and
 * the LTV-based allowable CAC with the channels over it. With "within the
 * LTV bound" on, the mix re-solved within the bound (channels over it
 * excluded) is shown instead.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { BarChart } from '../components/charts';
import { FUNNEL_STAGES, requestPlan, type PlanResponse, type PlanResultBody } from '../api/plan-api';
import { ApiError, batchedApiRequest, type ApiFieldError } from '../api/revcycle-api';
import { TARGETS } from '../api/views';
import { BudgetTable, type BudgetRow } from '../components/budget-table';
import { PlanForm, type PlanBaseline } from '../components/plan-form';
import { useFilters } from '../hooks/use-filters';
import { num, str, useQueriesReady, useViewQuery } from '../hooks/use-view-query';
import { useI18n } from '../i18n/i18n-context';
import { stageLabel } from '../i18n/labels';
import { buildPlanRequest, monthTargets, type MonthTarget, type PlanOverrides } from '../lib/build-plan-request';
import { formatCount, formatMonth, formatSignedPercent, formatYen } from '../lib/format';
import { useSettings } from '../state/settings';
import { ScrollRegion } from '../components/scroll-region';
import { LegendChart } from '../components/chart-legend';
import { PeriodCard } from './period-card';

const DEBOUNCE_MS = 250;
/**
 * No field errors: one array, so that setting it again is no change of state. The reset below runs whenever the
 * targets arrive, after the first answer has set the same values; a new [] each time re-rendered the whole card
 * (form, tables, chart) once more, a task after the page had shown it.
 */
const NO_FIELD_ERRORS: ApiFieldError[] = [];

export function WhatIfPlanCard() {
  const { t, locale } = useI18n();
  const settings = useSettings();
  const { period } = useFilters();
  const targetsQ = useViewQuery({
    measures: [TARGETS.target],
    dimensions: [TARGETS.metric],
    timeDimensions: [{ dimension: TARGETS.fiscalMonth, granularity: 'month', dateRange: [period.start, period.end] }],
    filters: [{ member: TARGETS.metric, operator: 'equals', values: ['revenue', 'new_revenue'] }],
  });
  const months: MonthTarget[] = useMemo(
    () =>
      monthTargets(
        targetsQ.rows.map((r) => ({
          month: `${(str(r, `${TARGETS.fiscalMonth}.month`) ?? '').slice(0, 7)}-01`,
          metric: str(r, TARGETS.metric) ?? '',
          target: num(r, TARGETS.target),
        })),
      ).filter((m) => m.month.length === 10),
    [targetsQ.rows],
  );
  const [overrides, setOverrides] = useState<PlanOverrides>({});
  const [bounded, setBounded] = useState(false);
  const [baseline, setBaseline] = useState<PlanResponse | null>(null);
  const [current, setCurrent] = useState<PlanResponse | null>(null);
  const [status, setStatus] = useState<'idle' | 'loading' | 'error'>('idle');
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<ApiFieldError[]>(NO_FIELD_ERRORS);
  const seq = useRef(0);
  const monthsKey = JSON.stringify(months);

  const ready = useQueriesReady();
  const range = { start: `${period.start.slice(0, 7)}-01`, end: `${period.end.slice(0, 7)}-01` };
  const rangeKey = `${range.start}/${range.end}`;
  const overridesKey = JSON.stringify(overrides);
  const edited = Object.keys(overrides).length > 0;

  // New period: a new observed baseline, overrides cleared.
  useEffect(() => {
    setOverrides({});
    setBaseline(null);
    setCurrent(null);
  }, [rangeKey]);

  // The observed baseline: the warehouse's targets of the period's months (fiscalPeriod), asked when the cards ask,
  // so it goes in their batch instead of waiting for the targets query (one round trip fewer).
  useEffect(() => {
    if (!ready || edited || baseline) return;
    const id = ++seq.current;
    const controller = new AbortController();
    setStatus('loading');
    void planAnswer(id, controller, () =>
      batchedApiRequest<PlanResponse>({ route: 'plan', body: { fiscalPeriod: range } }, controller.signal),
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rangeKey, ready, edited, baseline]);

  // An edit: the what-if plan of the edited inputs, after a short pause; "reset" shows the baseline again.
  useEffect(() => {
    if (!edited) {
      if (baseline) {
        seq.current++;
        setCurrent(baseline);
        setFieldErrors(NO_FIELD_ERRORS);
        setError(null);
        setStatus('idle');
      }
      return;
    }
    if (targetsQ.status !== 'ready' || months.length === 0) return;
    const id = ++seq.current;
    const controller = new AbortController();
    setStatus('loading');
    const timer = setTimeout(
      () => void planAnswer(id, controller, () => requestPlan(buildPlanRequest(months, overrides), controller.signal)),
      DEBOUNCE_MS,
    );
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [monthsKey, overridesKey, targetsQ.status]);

  /** Shows a plan answer unless a later request or an abort overtook it. */
  async function planAnswer(id: number, controller: AbortController, ask: () => Promise<PlanResponse>) {
    try {
      const res = await ask();
      if (id !== seq.current) return;
      if (!edited) setBaseline(res);
      setCurrent(res);
      setFieldErrors(NO_FIELD_ERRORS);
      setError(null);
      setStatus('idle');
    } catch (e) {
      if (controller.signal.aborted || id !== seq.current) return;
      setFieldErrors(e instanceof ApiError ? e.fields : NO_FIELD_ERRORS);
      setError((e as Error).message);
      setStatus('error');
    }
  }

  const frameState =
    targetsQ.status !== 'ready'
      ? targetsQ
      : months.length === 0
        ? { status: 'empty' as const }
        : !baseline
          ? status === 'error'
            ? { status: 'error' as const, error }
            : { status: 'loading' as const }
          : { status: 'ready' as const };

  const base = baseline?.plan;
  const formBaseline: PlanBaseline | null = base
    ? {
        revenueTarget: base.totals.revenueTarget,
        averageDealSize: base.assumptions.averageDealSize,
        conversionRates: base.assumptions.conversionRates,
        velocityDays: base.assumptions.velocityDays,
        channelMix: base.assumptions.channelMixInput,
        channelCpl: base.assumptions.channelCpl,
        ltvCacTarget: baseline!.plan.ltvBound.ltvCacTarget,
      }
    : null;
  const shown: PlanResultBody | undefined = current ? (bounded ? current.ltvBoundedPlan : current.plan) : undefined;
  const money = (v: number | null | undefined) => formatYen(v, locale, { currency: settings.currency });

  return (
    <PeriodCard
      text="plan.whatIf"
      height={1080}
      growWhenNarrow
      query={frameState}
      companyWide
      skeleton="table"
      actions={
        <label className="inline-flex items-center gap-2 text-tremor-label font-medium text-tremor-content-emphasis">
          <input
            type="checkbox"
            checked={bounded}
            onChange={(e) => setBounded(e.target.checked)}
            className="h-4 w-4 rounded border-tremor-border"
          />
          {t('plan.whatIf.bounded')}
        </label>
      }
    >
      {formBaseline && shown && base ? (
        <div className="grid h-full grid-cols-1 gap-6 lg:grid-cols-[380px_minmax(0,1fr)]">
          <ScrollRegion className="pr-2">
            <PlanForm
              baseline={formBaseline}
              overrides={overrides}
              onChange={setOverrides}
              onReset={() => setOverrides({})}
              errors={fieldErrors}
              currency={settings.currency}
            />
          </ScrollRegion>
          <div className="flex min-w-0 flex-col gap-5" aria-live="polite" aria-busy={status === 'loading'}>
            <p
              className={`text-tremor-label ${status === 'error' ? 'font-medium text-red-700' : 'text-tremor-content'}`}
              role={status === 'error' ? 'alert' : 'status'}
            >
              {status === 'loading'
                ? t('plan.whatIf.recomputing')
                : status === 'error'
                  ? t('plan.whatIf.invalid', { error: error ?? '' })
                  : t('plan.whatIf.upToDate')}
            </p>
            <TargetSplit shown={shown} money={money} />
            <StageRequirements shown={shown} base={base} />
            <LeadSchedule shown={shown} />
            <ChannelBudget shown={shown} money={money} />
          </div>
        </div>
      ) : null}
    </PeriodCard>
  );
}

/** The revenue target split into the recurring forecast (its own line) and the new-business target the funnel is planned for (definition 11). */
function TargetSplit({ shown, money }: { shown: PlanResultBody; money: (v: number | null | undefined) => string }) {
  const { t } = useI18n();
  const fromNewRevenue = shown.targets.every((x) => x.source === 'new_revenue_target');
  const items = [
    { key: 'revenue-target', label: t('plan.whatIf.revenueTarget'), value: shown.totals.revenueTarget },
    { key: 'recurring-forecast', label: t('plan.whatIf.recurringForecast'), value: shown.totals.recurringForecast },
    { key: 'new-business-target', label: t('plan.whatIf.newBusinessTarget'), value: shown.totals.newBusinessTarget },
  ];
  return (
    <section aria-label={t('plan.whatIf.targetSplit')}>
      <h4 className="mb-2 text-tremor-default font-semibold text-tremor-content-strong">{t('plan.whatIf.targetSplit')}</h4>
      <dl className="grid grid-cols-3 gap-2">
        {items.map((it) => (
          <div key={it.key} className="rounded-tremor-default border border-tremor-border px-3 py-2">
            <dt className="text-tremor-label text-tremor-content">{it.label}</dt>
            <dd className="text-lg font-semibold tabular-nums text-tremor-content-strong" data-figure={`plan-${it.key}`}>
              {money(it.value)}
            </dd>
          </div>
        ))}
      </dl>
      <p className="mt-1 text-[11px] text-tremor-content">
        {fromNewRevenue ? t('plan.whatIf.fromNewRevenue') : t('plan.whatIf.fromRevenueMinusRecurring')}
      </p>
    </section>
  );
}

function StageRequirements({ shown, base }: { shown: PlanResultBody; base: PlanResultBody }) {
  const { t, locale } = useI18n();
  return (
    <section aria-label={t('plan.whatIf.requirements')}>
      <h4 className="mb-2 text-tremor-default font-semibold text-tremor-content-strong">{t('plan.whatIf.requirements')}</h4>
      <ol className="grid grid-cols-3 gap-2 md:grid-cols-6">
        {[...FUNNEL_STAGES].reverse().map((s) => {
          const v = shown.totals.byStage[s]?.requiredDisplay ?? null;
          const b = base.totals.byStage[s]?.requiredDisplay ?? null;
          const change = v !== null && b ? v / b - 1 : null;
          return (
            <li
              key={s}
              className="rounded-tremor-default border border-tremor-border bg-tremor-background-muted/60 px-3 py-2"
              data-stage={s}
            >
              <p className="text-tremor-label text-tremor-content">{stageLabel(s, locale)}</p>
              <p className="text-xl font-semibold tabular-nums text-tremor-content-strong" data-figure={`required-${s}`}>
                {formatCount(v, locale)}
              </p>
              <p className="text-[11px] text-tremor-content">
                {change === null || Math.abs(change) < 1e-9
                  ? t('plan.whatIf.asObserved')
                  : t('plan.whatIf.vsObserved', { change: formatSignedPercent(change, locale) })}
              </p>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function LeadSchedule({ shown }: { shown: PlanResultBody }) {
  const { t, locale } = useI18n();
  const required = t('plan.whatIf.requiredLeads');
  const actual = t('plan.whatIf.actualLeads');
  const data = shown.schedule
    .filter((r) => r.stage === 'lead' && (r.required > 0 || r.actual !== null))
    .map((r) => ({ month: formatMonth(r.month, locale, true), [required]: Math.ceil(r.required), [actual]: r.actual }));
  return (
    <section aria-label={t('plan.whatIf.schedule')}>
      <h4 className="text-tremor-default font-semibold text-tremor-content-strong">{t('plan.whatIf.schedule')}</h4>
      <p className="text-tremor-label text-tremor-content">
        {t('plan.whatIf.scheduleHint', { months: shown.assumptions.offsetMonths.lead })}
      </p>
      <LegendChart
        chart={BarChart}
        className="mt-2 h-56"
        data={data}
        index="month"
        categories={[required, actual]}
        colors={['indigo', 'emerald']}
        valueFormatter={(v) => formatCount(v, locale)}
        yAxisWidth={56}
        yAxisLabel={t('axis.leads')}
        xAxisLabel={t('axis.month')}
      />
    </section>
  );
}

function ChannelBudget({ shown, money }: { shown: PlanResultBody; money: (v: number | null | undefined) => string }) {
  const { t, locale } = useI18n();
  const checks = new Map(shown.ltvBound.channels.map((c) => [c.channel, c]));
  const rows = Object.entries(shown.totals.budgetByChannel).sort((a, b) => b[1] - a[1]);
  return (
    <section aria-label={t('plan.whatIf.budget')} className="min-h-0">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h4 className="text-tremor-default font-semibold text-tremor-content-strong">{t('plan.whatIf.budget')}</h4>
        <p className="text-tremor-label text-tremor-content">
          {t('plan.whatIf.budgetTotal')}{' '}
          <span className="font-semibold text-tremor-content-strong" data-figure="budget-total">
            {money(shown.totals.budget)}
          </span>
          <span className="mx-2">·</span>
          {t('plan.whatIf.allowableCac')}{' '}
          <span className="font-semibold text-tremor-content-strong" data-figure="allowable-cac">
            {money(shown.ltvBound.allowableProgramCac)}
          </span>
          <span className="ml-1">
            (LTV {money(shown.ltvBound.ltv)} ÷ {formatCount(shown.ltvBound.ltvCacTarget, locale)} −{' '}
            {money(shown.ltvBound.teamCostPerCustomer)})
          </span>
        </p>
      </div>
      {shown.ltvBound.note ? <p className="text-tremor-label text-amber-800">{shown.ltvBound.note}</p> : null}
      <BudgetTable
        label={t('plan.whatIf.budget')}
        scroll={{ className: 'mt-2', label: t('plan.whatIf.budget') }}
        money={money}
        rows={rows.map(([channel, budget]): BudgetRow => {
          const check = checks.get(channel);
          return {
            channel,
            share: shown.assumptions.channelMix[channel],
            leads: shown.totals.leadsByChannel[channel] ?? 0,
            cpl: shown.assumptions.channelCpl[channel],
            budget,
            cac: check?.cacUnbounded ? null : check?.cac,
            over: check?.withinBound == null ? null : !check.withinBound,
          };
        })}
      />
    </section>
  );
}
