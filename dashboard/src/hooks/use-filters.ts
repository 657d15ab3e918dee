/*
 * Global filters and page options, read from and written to the URL, so a
 * copied link reproduces the view. The period defaults to the fiscal year
 * that contains the data's as_of day.
 */
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { buildViewFilters, parseFilters, writeFilters, type FilterMapping, type GlobalFilters } from '../lib/build-filters';
import { currentFiscalYearKey, isPeriodKey, resolvePeriod, type ResolvedPeriod } from '../lib/resolve-period';
import { useSettings } from '../state/settings';
import { useSemanticLayer } from '../state/semantic-layer';
import { FILTERS } from '../api/views';

/** A view's filter mapping, without members the semantic layer does not publish. */
function availableMapping(mapping: FilterMapping, has: (m: string) => boolean): FilterMapping {
  const segment = Object.fromEntries(Object.entries(mapping.segment ?? {}).filter(([, m]) => m && has(m)));
  return { segment, channel: mapping.channel && has(mapping.channel) ? mapping.channel : undefined };
}

export function useFilters() {
  const [params, setParams] = useSearchParams();
  const settings = useSettings();
  const layer = useSemanticLayer();
  const filters = useMemo(() => parseFilters(params), [params]);
  const periodKey = isPeriodKey(filters.period) ? filters.period : currentFiscalYearKey(settings.asOf, settings.fiscalStartMonth);
  const period: ResolvedPeriod = useMemo(
    () => resolvePeriod(periodKey, settings.fiscalStartMonth),
    [periodKey, settings.fiscalStartMonth],
  );

  const setFilters = useCallback((next: Partial<GlobalFilters>) => setParams((prev) => writeFilters(prev, next)), [setParams]);
  const option = useCallback((key: string) => params.get(key), [params]);
  const setOption = useCallback(
    (key: string, value: string | null) =>
      setParams((prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      }),
    [setParams],
  );
  /** Cube filters for one view (by name, see api/views.ts) and the global filters it cannot apply. */
  const viewFilters = useCallback(
    (view: string) =>
      buildViewFilters(
        filters,
        availableMapping(FILTERS[view] ?? {}, (m) => layer.hasMember(m)),
      ),
    [filters, layer],
  );

  return { filters, period, periodKey, setFilters, option, setOption, viewFilters, params };
}
