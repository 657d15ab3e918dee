/*
 * A page loaded on demand (React.lazy) that holds the Cube batches while it
 * loads: the shell's queries issued meanwhile (the filter bar's options) go
 * out with the page's cards, in one request (batch-transport.ts). The hold
 * ends when the page has mounted — its cards have issued their queries by
 * then (effects run child first) — or a second after its code arrived, so a
 * page that never mounts holds nothing.
 */
import { createElement, lazy, useEffect, type ComponentType, type LazyExoticComponent } from 'react';
import { holdBatches } from './batch-transport';

const RELEASE_AFTER_MS = 1000;

export function lazyPage<K extends string>(
  load: () => Promise<Record<K, ComponentType>>,
  name: K,
): LazyExoticComponent<ComponentType> {
  return lazy(async () => {
    const release = holdBatches();
    try {
      const Page = (await load())[name];
      setTimeout(release, RELEASE_AFTER_MS);
      function Loaded() {
        useEffect(release, []);
        return createElement(Page);
      }
      return { default: Loaded };
    } catch (e) {
      release();
      throw e;
    }
  });
}
