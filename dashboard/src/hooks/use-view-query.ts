/*
 * The one way a card reads data: one Cube query (or one blended query of
 * several parts) against public views, through the Cube client the
 * CubeProvider holds (`useLoad`: one state change per answer, none when the
 * request goes out, so a page's cards render once more when their answers
 * arrive, not also while they ask — useCubeQuery sets four states as it
 * sends, a render of every card between the settings' answer and the cards'
 * batch).
 *
 * Before querying, the members are checked against /meta. A view or member
 * the semantic layer does not (yet) have gives status 'missing' with the
 * names, so a card can say exactly what is missing instead of failing with a
 * generic error or — worse — showing zeros. Measures come back as numbers
 * (Cube's REST API sends them as strings), nulls stay null.
 */
import { useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { Query, ResultSet } from '@cubejs-client/core';
import { CubeContext } from '@cubejs-client/react';
import { useSemanticLayer } from '../state/semantic-layer';
import { useSettings } from '../state/settings';

export type Row = Record<string, string | number | boolean | null>;

export type QueryStatus = 'loading' | 'error' | 'missing' | 'empty' | 'ready';

export interface ViewQueryResult {
  status: QueryStatus;
  /** Rows of the (first) query. */
  rows: Row[];
  /** Rows of each part of a blended query, in order. */
  parts: Row[][];
  error: string | null;
  missing: string[];
  /** Total row count when the query asked for it (`total: true`). */
  total: number | null;
}

/** Every member a query names. */
export function membersOf(query: Query): string[] {
  const out = new Set<string>();
  for (const m of query.measures ?? []) out.add(m);
  for (const d of query.dimensions ?? []) out.add(d);
  for (const td of query.timeDimensions ?? []) out.add(td.dimension);
  for (const s of query.segments ?? []) out.add(s);
  const walk = (filters: unknown[]) => {
    for (const f of filters as Array<Record<string, unknown>>) {
      if (typeof f.member === 'string') out.add(f.member);
      if (typeof f.dimension === 'string') out.add(f.dimension);
      if (Array.isArray(f.and)) walk(f.and);
      if (Array.isArray(f.or)) walk(f.or);
    }
  };
  walk(query.filters ?? []);
  const order = query.order;
  if (Array.isArray(order)) for (const [m] of order) out.add(m);
  else if (order) for (const m of Object.keys(order)) out.add(m);
  return [...out];
}

function castRows(rows: Record<string, unknown>[], measures: Set<string>): Row[] {
  return rows.map((r) => {
    const out: Row = {};
    for (const [k, v] of Object.entries(r)) {
      if (measures.has(k)) out[k] = v === null || v === undefined || v === '' ? null : Number(v);
      else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null) out[k] = v;
      else out[k] = v === undefined ? null : String(v);
    }
    return out;
  });
}

interface Answer {
  /** The query (JSON) this answer is for. */
  key: string;
  resultSet: ResultSet | null;
  error: Error | null;
}

/**
 * The answer to `query` (JSON, or null: not asked): loading until the answer for this very query is in; an answer
 * to a query asked before is never shown for a later one (the client's mutex also stops its "Continue wait" polling).
 */
function useLoad(key: string | null): { resultSet: ResultSet | null; error: Error | null; isLoading: boolean } {
  const { cubeApi } = useContext(CubeContext) ?? {};
  const mutex = useRef({});
  const [answer, setAnswer] = useState<Answer | null>(null);
  useEffect(() => {
    if (key === null) return;
    if (!cubeApi) throw new Error('useViewQuery outside CubeProvider');
    let current = true;
    cubeApi.load(JSON.parse(key) as Query | Query[], { mutexObj: mutex.current, mutexKey: 'query' }).then(
      (resultSet) => current && setAnswer({ key, resultSet, error: null }),
      (error: unknown) =>
        current && setAnswer({ key, resultSet: null, error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      current = false;
    };
  }, [key, cubeApi]);
  const answered = key !== null && answer?.key === key;
  return {
    resultSet: answered ? answer.resultSet : null,
    error: answered ? answer.error : null,
    isLoading: key !== null && !answered,
  };
}

/**
 * Whether the cards may ask now: the semantic layer (/meta) and the settings are in. A page's own reads that should
 * go with its cards' queries (batch-transport.ts) wait for the same moment.
 */
export function useQueriesReady(): boolean {
  const layer = useSemanticLayer();
  const settings = useSettings();
  return layer.status === 'ready' && settings.status !== 'loading';
}

export function useViewQuery(query: Query | Query[], options: { skip?: boolean } = {}): ViewQueryResult {
  const layer = useSemanticLayer();
  const settings = useSettings();
  // Every query is cut in the settings' time zone (months, fiscal periods, days).
  const queries = (Array.isArray(query) ? query : [query]).map((q) => ({ timezone: settings.timeZone, ...q }));
  const asked = JSON.stringify(queries.length === 1 ? queries[0]! : queries);
  const missing = useMemo(() => {
    if (layer.status !== 'ready') return [];
    return queries.flatMap((q) => membersOf(q)).filter((m, i, all) => all.indexOf(m) === i && !layer.hasMember(m));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [layer, asked]);
  const skip = options.skip || layer.status !== 'ready' || settings.status === 'loading' || missing.length > 0;
  const { resultSet, isLoading, error } = useLoad(skip ? null : asked);

  return useMemo<ViewQueryResult>(() => {
    const base = {
      rows: [] as Row[],
      parts: [] as Row[][],
      error: null as string | null,
      missing: [] as string[],
      total: null as number | null,
    };
    if (layer.status === 'error') return { ...base, status: 'error', error: layer.error };
    if (missing.length > 0) return { ...base, status: 'missing', missing };
    if (error) {
      // Say which view failed, not only how.
      const views = [...new Set(queries.flatMap((q) => membersOf(q)).map((m) => m.split('.')[0]))];
      return { ...base, status: 'error', error: `${views.join(', ')}: ${error.message || String(error)}` };
    }
    if (skip || isLoading || !resultSet) return { ...base, status: 'loading' };
    const compare =
      queries.length === 1 && (queries[0]!.timeDimensions ?? []).some((td) => 'compareDateRange' in td && td.compareDateRange);
    const sets = queries.length > 1 || compare ? resultSet.decompose() : [resultSet];
    const parts = sets.map((rs, i) =>
      castRows(rs.rawData() as Record<string, unknown>[], new Set((queries[i] ?? queries[0])?.measures ?? [])),
    );
    const rows = parts[0] ?? [];
    const empty = parts.every((p) => p.length === 0);
    const total = queries.length === 1 && queries[0]!.total ? (resultSet.totalRows() ?? null) : null;
    return { ...base, status: empty ? 'empty' : 'ready', rows, parts, total };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [layer, missing, error, isLoading, resultSet, skip]);
}

/** The value of a member in a row as a number, or null. */
export function num(row: Row | undefined, member: string): number | null {
  const v = row?.[member];
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

export function str(row: Row | undefined, member: string): string | null {
  const v = row?.[member];
  return v === null || v === undefined ? null : String(v);
}
