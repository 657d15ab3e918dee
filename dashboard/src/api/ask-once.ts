/*
 * Requests every page makes before its cards may ask — the semantic layer
 * (/meta, state/semantic-layer.tsx) and the settings' queries
 * (state/settings.tsx) — asked once per Cube client, from main.tsx as soon
 * as the entry runs, before React's first render: the session answered them
 * already (api/first-batch.ts), or their batch (batch-transport.ts) leaves
 * in the entry's own task, not after the shell has rendered and run its
 * effects. The providers read the answers
 * (`useAsked`); an answer that came before React's first render is read in
 * that render, so the cards ask in the first render's effects.
 *
 * Limits: one ask per client and key for the page's life, as a provider
 * mounted once would make it (no re-asking: a failed ask stays failed until
 * the page is loaded again).
 */
import { useContext, useEffect, useState } from 'react';
import type { CubeApi, Meta, Query, ResultSet } from '@cubejs-client/core';
import { CubeContext } from '@cubejs-client/react';

export type Asked<T> = { status: 'pending' } | { status: 'done'; value: T } | { status: 'failed'; error: Error };

/** One request's outcome, and who to tell when it settles. */
export class Ask<T> {
  private state: Asked<T> = { status: 'pending' };
  private readonly listeners = new Set<() => void>();

  constructor(promise: Promise<T>) {
    promise.then(
      (value) => this.settle({ status: 'done', value }),
      (error: unknown) => this.settle({ status: 'failed', error: error instanceof Error ? error : new Error(String(error)) }),
    );
  }

  get(): Asked<T> {
    return this.state;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private settle(state: Asked<T>) {
    this.state = state;
    for (const listener of [...this.listeners]) listener();
  }
}

const asked = new WeakMap<CubeApi, Map<string, Ask<unknown>>>();

function askOnce<T>(cubeApi: CubeApi, key: string, ask: () => Promise<T>): Ask<T> {
  let byKey = asked.get(cubeApi);
  if (!byKey) asked.set(cubeApi, (byKey = new Map()));
  let one = byKey.get(key) as Ask<T> | undefined;
  if (!one) byKey.set(key, (one = new Ask(ask())));
  return one;
}

/** The client's one /meta request (asked now unless it was). */
export const askMeta = (cubeApi: CubeApi): Ask<Meta> => askOnce(cubeApi, 'meta', () => cubeApi.meta());

/** The client's one load of `query` (asked now unless it was). */
export const askLoad = (cubeApi: CubeApi, query: Query | Query[]): Ask<ResultSet> =>
  askOnce(cubeApi, `load ${JSON.stringify(query)}`, () => cubeApi.load(query));

/**
 * The outcome of the CubeProvider's client's ask, as React state: read at once (an answer already in is read in this
 * render), then updated when it settles (a plain state update: answers settling in one task render once).
 */
export function useAsked<T>(ask: (cubeApi: CubeApi) => Ask<T>): Asked<T> {
  const { cubeApi } = useContext(CubeContext) ?? {};
  if (!cubeApi) throw new Error('useAsked outside CubeProvider');
  const one = ask(cubeApi);
  const [state, setState] = useState(() => one.get());
  useEffect(() => {
    const read = () => setState(one.get());
    read();
    return one.subscribe(read);
  }, [one]);
  return state;
}
