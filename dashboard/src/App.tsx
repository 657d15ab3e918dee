/*
 * Routes: the pages inside the shared shell (header, navigation, global
 * filters). Unknown paths fall back to the board.
 *
 * Each page is its own chunk (React.lazy), so a visit downloads the shell
 * and the page it opens, not every page's cards. The pages and their paths
 * are listed in routes.ts. While a page's chunk loads, the shell's queries
 * wait to go out with the page's (api/lazy-page.ts). The opened page's
 * chunks are preloaded by index.html (the build writes which: vite.config.ts)
 * and asked for again as this module loads (the same download, or the first
 * where index.html's was not built); main.tsx waits for them (a while)
 * before React's first render, and a page whose code is in when its route
 * mounts renders at once, with the shell: no suspended render and no second
 * pass for the page (nor a hold of the batches: both ask in one commit).
 */
import { createElement, Suspense, useState, type ComponentType, type LazyExoticComponent } from 'react';
import { matchPath, Navigate, Route, Routes } from 'react-router-dom';
import { AppShell } from './components/app-shell';
import { lazyPage } from './api/lazy-page';
import { PAGE_ROUTES } from './routes';

interface PageRoute {
  path: string | null;
  /** The page: drawn at once when its code is in as the route mounts, else loaded on demand (React.lazy). */
  Page: ComponentType;
  /** Starts loading the page's code (once; React's first render of the page awaits the same load); settles when in. */
  preload: () => Promise<void>;
}

/** A page module's named export as a component that loads its code on demand, unless it is in already. */
function page<K extends string>(path: string | null, load: () => Promise<Record<K, ComponentType>>, name: K): PageRoute {
  let loading: Promise<Record<K, ComponentType>> | undefined;
  let loaded: ComponentType | undefined;
  const once = () =>
    (loading ??= load().then((module) => {
      loaded = module[name];
      return module;
    }));
  const Lazy: LazyExoticComponent<ComponentType> = lazyPage(once, name);
  function Page() {
    // Decided once per mount: a page that came in later keeps its lazy wrapper (no remount, no second ask).
    const [ready] = useState(() => loaded);
    if (ready) return createElement(ready);
    // Nothing while a page's chunk loads: the shell stays, and it takes one round trip.
    return (
      <Suspense fallback={null}>
        <Lazy />
      </Suspense>
    );
  }
  return { path, Page, preload: () => once().then(() => undefined) };
}

/** Each page module's loader, by file (one dynamic import, so one chunk, per page). */
const PAGE_MODULES = import.meta.glob<Record<string, ComponentType>>('./pages/*-page.tsx');

const ROUTES: PageRoute[] = PAGE_ROUTES.map(({ path, module, name }) => {
  const load = PAGE_MODULES[`./pages/${module}.tsx`];
  if (!load) throw new Error(`routes.ts names the page module ${module}, which src/pages/ lacks`);
  return page(path, load, name);
});

/**
 * The opened page's code, asked for now, as this module loads, not once React has rendered the shell: its download
 * overlaps the session's round trip (api/cube-client.ts). Settles when it is in (main.tsx waits for it); rejects when
 * it failed to load (the page's lazy render then reports it).
 */
export const openedPageLoaded: Promise<void> =
  ROUTES.find(({ path }) => matchPath({ path: `/${path ?? ''}`, end: true }, window.location.pathname))?.preload() ??
  Promise.resolve();

export function App() {
  return (
    <Routes>
      <Route element={<AppShell />}>
        {ROUTES.map(({ path, Page }) => {
          const element = <Page />;
          return path === null ? (
            <Route key="index" index element={element} />
          ) : (
            <Route key={path} path={path} element={element} />
          );
        })}
        <Route path="*" element={<Navigate to="/" replace />} />
      </Route>
    </Routes>
  );
}
