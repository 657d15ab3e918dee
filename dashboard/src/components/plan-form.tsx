/*
 * The what-if plan form: every assumption of the reverse plan, shown with
 * the observed value and editable. Only what the user changes becomes an
 * override (lib/build-plan-request.ts); clearing a field returns it to the
 * observed value; "reset" clears them all. A changed field is marked with
 * the word "changed" and a bar, not only a colour. Errors from the server's
 * validation (a 400 naming the field) are shown under the field they concern.
 *
 * Rates and shares are typed in percent, money in yen, velocity in days.
 */
import { useEffect, useId, useState, type ReactNode } from 'react';
import { STAGE_LINKS, type PlanResultBody } from '../api/plan-api';
import type { ApiFieldError } from '../api/revcycle-api';
import { useI18n } from '../i18n/i18n-context';
import { channelLabel, pairLabel } from '../i18n/labels';
import { countOverrides, normaliseMix, type PlanOverrides } from '../lib/build-plan-request';
import { formatNumber, formatPercent, formatYen } from '../lib/format';
import { ResetIcon } from './icons';

/** What the form starts from: the observed plan's own assumptions (the server's), its target and LTV:CAC target. */
export interface PlanBaseline extends Pick<
  PlanResultBody['assumptions'],
  'averageDealSize' | 'conversionRates' | 'velocityDays' | 'channelCpl'
> {
  revenueTarget: number;
  /** The channel mix as the plan was given it (`channelMixInput`), before it is normalised. */
  channelMix: Record<string, number>;
  ltvCacTarget: number;
}

export interface PlanFormProps {
  baseline: PlanBaseline;
  overrides: PlanOverrides;
  onChange(next: PlanOverrides): void;
  onReset(): void;
  errors?: ApiFieldError[];
  currency?: string;
}

/** A number input showing the observed value until the user types one. */
function NumberField(props: {
  label: string;
  unit: string;
  observed: number;
  value: number | undefined;
  /** Display factor: 100 for percent. */
  scale?: number;
  digits?: number;
  hint?: string;
  error?: string;
  compact?: boolean;
  onCommit(v: number | undefined): void;
}) {
  const { label, unit, observed, value, scale = 1, digits = 2, hint, error, compact, onCommit } = props;
  const { t } = useI18n();
  const id = useId();
  const show = (v: number) => String(Number((v * scale).toFixed(digits)));
  const [text, setText] = useState(value !== undefined ? show(value) : '');
  useEffect(() => {
    setText(value !== undefined ? show(value) : '');
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);
  const changed = value !== undefined;
  return (
    <div
      className={`relative ${compact ? 'py-0.5' : 'py-1'} ${changed ? 'pl-2 before:absolute before:inset-y-1 before:left-0 before:w-0.5 before:rounded before:bg-tremor-brand' : ''}`}
    >
      <label
        htmlFor={id}
        className={compact ? 'sr-only' : 'flex items-center justify-between gap-2 text-tremor-label text-tremor-content-emphasis'}
      >
        <span className="font-medium">{label}</span>
        {changed ? (
          <span className="rounded-tremor-small bg-tremor-brand-faint px-1 text-[10px] font-semibold text-tremor-brand-emphasis">
            {t('plan.form.changed')}
          </span>
        ) : null}
      </label>
      <div className="mt-0.5 flex items-center gap-1.5">
        <input
          id={id}
          inputMode="decimal"
          value={text}
          placeholder={show(observed)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-err` : undefined}
          onChange={(e) => {
            const raw = e.target.value;
            setText(raw);
            const trimmed = raw.replace(/,/g, '').trim();
            if (trimmed === '') return onCommit(undefined);
            const n = Number(trimmed);
            if (Number.isFinite(n)) onCommit(n / scale);
          }}
          className={`h-8 w-full rounded-tremor-small border bg-white px-2 text-right text-tremor-default tabular-nums shadow-tremor-input placeholder:text-tremor-content-subtle focus:outline-none focus:ring-2 focus:ring-tremor-brand-muted ${error ? 'border-red-400' : changed ? 'border-tremor-brand-subtle font-semibold text-tremor-brand-emphasis' : 'border-tremor-border text-tremor-content-strong'}`}
        />
        <span className="w-8 shrink-0 text-tremor-label text-tremor-content">{unit}</span>
      </div>
      {hint ? <p className="mt-0.5 text-[11px] text-tremor-content">{hint}</p> : null}
      {error ? (
        <p id={`${id}-err`} role="alert" className="mt-0.5 text-[11px] font-medium text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function PlanForm({ baseline, overrides, onChange, onReset, errors = [], currency = 'JPY' }: PlanFormProps) {
  const { t, locale } = useI18n();
  const errorFor = (field: string) => errors.find((e) => e.field === field || e.field.startsWith(`${field}[`))?.message;
  const set = <K extends keyof PlanOverrides>(key: K, v: PlanOverrides[K] | undefined) => {
    const next = { ...overrides };
    if (v === undefined) delete next[key];
    else next[key] = v;
    onChange(next);
  };
  const setIn = (key: 'conversionRates' | 'velocityDays' | 'channelCpl', k: string, v: number | undefined) => {
    const inner = { ...(overrides[key] ?? {}) } as Record<string, number>;
    if (v === undefined) delete inner[k];
    else inner[k] = v;
    set(key, Object.keys(inner).length > 0 ? (inner as never) : undefined);
  };
  const setMix = (channel: string, v: number | undefined) => {
    const mix = { ...(overrides.channelMix ?? baseline.channelMix) };
    mix[channel] = v ?? baseline.channelMix[channel] ?? 0;
    const same = Object.keys(baseline.channelMix).every((c) => Math.abs((mix[c] ?? 0) - (baseline.channelMix[c] ?? 0)) < 1e-12);
    set('channelMix', same ? undefined : mix);
  };
  const mixShown = normaliseMix(overrides.channelMix ?? baseline.channelMix);
  const channels = Object.keys(baseline.channelMix).sort((a, b) => (baseline.channelMix[b] ?? 0) - (baseline.channelMix[a] ?? 0));
  const changedCount = countOverrides(overrides);
  const money = (v: number) => formatYen(v, locale, { currency });
  const yenUnit = locale === 'ja' ? '円' : '¥';

  return (
    <form aria-label={t('plan.form.label')} onSubmit={(e) => e.preventDefault()} className="flex flex-col gap-4">
      <div className="flex items-center justify-between">
        <p className="text-tremor-label text-tremor-content">
          {changedCount > 0 ? t('plan.form.overrides', { n: changedCount }) : t('plan.form.observed')}
        </p>
        <button
          type="button"
          onClick={onReset}
          disabled={changedCount === 0}
          className="inline-flex items-center gap-1 rounded-tremor-small border border-tremor-border bg-white px-2 py-1 text-tremor-label font-medium text-tremor-content-emphasis hover:bg-tremor-background-subtle disabled:opacity-40"
        >
          <ResetIcon />
          {t('plan.form.reset')}
        </button>
      </div>

      <Group legend={t('plan.form.target')} columns>
        <NumberField
          label={t('plan.form.revenueTarget')}
          unit={yenUnit}
          digits={0}
          observed={baseline.revenueTarget}
          value={overrides.revenueTarget}
          hint={money(overrides.revenueTarget ?? baseline.revenueTarget)}
          error={errorFor('fiscalMonths')}
          onCommit={(v) => set('revenueTarget', v)}
        />
        <NumberField
          label={t('plan.form.dealSize')}
          unit={yenUnit}
          digits={0}
          observed={baseline.averageDealSize}
          value={overrides.averageDealSize}
          hint={money(overrides.averageDealSize ?? baseline.averageDealSize)}
          error={errorFor('averageDealSize')}
          onCommit={(v) => set('averageDealSize', v)}
        />
      </Group>

      <Group legend={t('plan.form.rates')}>
        <div className="grid grid-cols-[minmax(0,1fr)_88px_88px] items-end gap-x-2 text-[11px] text-tremor-content">
          <span />
          <span className="text-right">{t('plan.form.rate')}</span>
          <span className="text-right">{t('plan.form.velocity')}</span>
        </div>
        {STAGE_LINKS.map((link) => (
          <div key={link} className="grid grid-cols-[minmax(0,1fr)_88px_88px] items-start gap-x-2">
            <span className="pt-2 text-tremor-label font-medium text-tremor-content-emphasis">{pairLabel(link, locale)}</span>
            <NumberField
              compact
              label={t('plan.form.rateOf', { pair: pairLabel(link, locale) })}
              unit="%"
              scale={100}
              digits={1}
              observed={baseline.conversionRates[link]}
              value={overrides.conversionRates?.[link]}
              error={errorFor(`conversionRates.${link}`)}
              onCommit={(v) => setIn('conversionRates', link, v)}
            />
            <NumberField
              compact
              label={t('plan.form.velocityOf', { pair: pairLabel(link, locale) })}
              unit={t('plan.form.daysUnit')}
              digits={1}
              observed={baseline.velocityDays[link]}
              value={overrides.velocityDays?.[link]}
              error={errorFor(`velocityDays.${link}`)}
              onCommit={(v) => setIn('velocityDays', link, v)}
            />
          </div>
        ))}
      </Group>

      <Group legend={t('plan.form.channels')}>
        <p className="mb-1 text-[11px] text-tremor-content">{t('plan.form.mixHint')}</p>
        {errorFor('channelMix') ? (
          <p role="alert" className="text-[11px] font-medium text-red-700">
            {errorFor('channelMix')}
          </p>
        ) : null}
        <div className="grid grid-cols-[minmax(0,1fr)_88px_108px] items-end gap-x-2 text-[11px] text-tremor-content">
          <span />
          <span className="text-right">{t('plan.form.share')}</span>
          <span className="text-right">CPL</span>
        </div>
        {channels.map((c) => (
          <div key={c} className="grid grid-cols-[minmax(0,1fr)_88px_108px] items-start gap-x-2">
            <span className="pt-2 text-tremor-label font-medium text-tremor-content-emphasis">
              {channelLabel(c, locale)}
              {overrides.channelMix ? (
                <span className="ml-1 font-normal text-tremor-content">→ {formatPercent(mixShown[c], locale)}</span>
              ) : null}
            </span>
            <NumberField
              compact
              label={t('plan.form.shareOf', { channel: channelLabel(c, locale) })}
              unit="%"
              scale={100}
              digits={1}
              observed={baseline.channelMix[c] ?? 0}
              value={overrides.channelMix ? overrides.channelMix[c] : undefined}
              onCommit={(v) => setMix(c, v)}
            />
            <NumberField
              compact
              label={t('plan.form.cplOf', { channel: channelLabel(c, locale) })}
              unit={yenUnit}
              digits={0}
              observed={baseline.channelCpl[c] ?? 0}
              value={overrides.channelCpl?.[c]}
              error={errorFor(`channelCpl.${c}`)}
              onCommit={(v) => setIn('channelCpl', c, v)}
            />
          </div>
        ))}
      </Group>

      <Group legend={t('plan.form.ltv')} columns>
        <NumberField
          label={t('plan.form.ltvCacTarget')}
          unit=": 1"
          digits={2}
          observed={baseline.ltvCacTarget}
          value={overrides.ltvCacTarget}
          hint={t('plan.form.ltvCacHint', { value: formatNumber(overrides.ltvCacTarget ?? baseline.ltvCacTarget, locale, 2) })}
          error={errorFor('ltvCacTarget')}
          onCommit={(v) => set('ltvCacTarget', v)}
        />
      </Group>
    </form>
  );
}

/** A group of the form's fields under its legend; `columns`: two fields a row. */
function Group({ legend, columns = false, children }: { legend: string; columns?: boolean; children: ReactNode }) {
  return (
    <fieldset className={columns ? 'grid grid-cols-2 gap-x-3' : undefined}>
      <legend className="mb-1 text-tremor-label font-semibold uppercase tracking-wide text-tremor-content">{legend}</legend>
      {children}
    </fieldset>
  );
}
