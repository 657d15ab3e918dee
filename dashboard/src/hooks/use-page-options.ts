/*
 * Page options kept in the URL beside the global filters: funnel grain
 * (?grain=account), funnel breakdown (?by=persona), attribution model
 * (?model=linear) and the review comparison (?compare=previous). Defaults
 * are left out of the URL so plain links stay short.
 */
import { MODELS } from '../i18n/labels';
import type { Comparison } from '../lib/build-kpi-tree';
import { useFilters } from './use-filters';

export type Grain = 'lead' | 'account';
export const BREAKDOWNS = ['lead_source', 'persona', 'industry'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];
export type Model = (typeof MODELS)[number];

function useOption<T extends string>(key: string, allowed: readonly T[], fallback: T): [T, (v: T) => void] {
  const { option, setOption } = useFilters();
  const raw = option(key) as T | null;
  const value = raw && allowed.includes(raw) ? raw : fallback;
  return [value, (v: T) => setOption(key, v === fallback ? null : v)];
}

export const useGrain = () => useOption<Grain>('grain', ['lead', 'account'], 'lead');
export const useBreakdown = () => useOption<Breakdown>('by', BREAKDOWNS, 'lead_source');
export const useModel = () => useOption<Model>('model', MODELS, 'linear');
export const useComparison = () => useOption<Comparison>('compare', ['plan', 'previous', 'yearAgo'], 'plan');
