/*
 * What the semantic layer offers, loaded once per page load from Cube's
 * /meta: which public views and members exist. Cards check their members
 * against it (hooks/use-view-query.ts) so a view that has not landed yet
 * shows as "missing" by name rather than as a failed request. /meta is
 * asked as the entry runs (main.tsx, api/ask-once.ts), not once this
 * provider has rendered.
 */
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { CubeApi } from '@cubejs-client/core';
import { askMeta, useAsked } from '../api/ask-once';

export interface SemanticLayer {
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  views: string[];
  hasView(name: string): boolean;
  hasMember(name: string): boolean;
  title(member: string): string | null;
}

const SemanticLayerContext = createContext<SemanticLayer | null>(null);

/** Asks /meta for the client now (main.tsx, as the entry runs): the provider reads that one answer. */
export const askSemanticLayer = (cubeApi: CubeApi): void => void askMeta(cubeApi);

export function SemanticLayerProvider({ children }: { children: ReactNode }) {
  const meta = useAsked(askMeta);
  const value = useMemo<SemanticLayer>(() => {
    if (meta.status === 'failed') {
      return {
        status: 'error',
        error: meta.error.message,
        views: [],
        hasView: () => false,
        hasMember: () => false,
        title: () => null,
      };
    }
    if (meta.status === 'pending') {
      return { status: 'loading', error: null, views: [], hasView: () => false, hasMember: () => false, title: () => null };
    }
    const members = new Map<string, string>();
    const views = new Set<string>();
    for (const cube of meta.value.cubes) {
      views.add(cube.name);
      for (const m of [...cube.measures, ...cube.dimensions, ...(cube.segments ?? [])]) members.set(m.name, m.title);
    }
    return {
      status: 'ready',
      error: null,
      views: [...views],
      hasView: (name) => views.has(name),
      hasMember: (name) => members.has(name),
      title: (name) => members.get(name) ?? null,
    };
  }, [meta]);
  return <SemanticLayerContext.Provider value={value}>{children}</SemanticLayerContext.Provider>;
}

export function useSemanticLayer(): SemanticLayer {
  const v = useContext(SemanticLayerContext);
  if (!v) throw new Error('useSemanticLayer outside SemanticLayerProvider');
  return v;
}
