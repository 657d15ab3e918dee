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
 * where index.html's was not built).
 */
import { Suspense, type ComponentType, type LazyExoticComponent } from 'react';
import { matchPath, Navigate, Route, Routes } from 'react-router-dom';
import { AppShell } from './components/app-shell';
import { lazyPage } from './api/lazy-page';
import { PAGE_ROUTES } from './routes';

interface PageRoute {
  path: string | null;
  Page: LazyExoticComponent<ComponentType>;
  /** Starts loading the page's code (once; React's first render of the page awaits the same load). */
  preload: () => void;
}

/** A page module's named export as a lazily loaded component. */
function page<K extends string>(path: string | null, load: () => Promise<Record<K, ComponentType>>, name: K): PageRoute {
  let loading: Promise<Record<K, ComponentType>> | undefined;
  const once = () => (loading ??= load());
  return { path, Page: lazyPage(once, name), preload: () => void once().catch(() => undefined) };
}

/** Each page module's loader, by file (one dynamic import, so one chunk, per page). */
const PAGE_MODULES = import.meta.glob<Record<string, ComponentType>>('./pages/*-page.tsx');

const ROUTES: PageRoute[] = PAGE_ROUTES.map(({ path, module, name }) => {
  const load = PAGE_MODULES[`./pages/${module}.tsx`];
  if (!load) throw new Error(`routes.ts names the page module ${module}, which src/pages/ lacks`);
  return page(path, load, name);
});

// The opened page's code is asked for now, as this module loads, not once React has rendered the shell: its download
// overlaps that render and the session's round trip (api/cube-client.ts).
ROUTES.find(({ path }) => matchPath({ path: `/${path ?? ''}`, end: true }, window.location.pathname))?.preload();

export function App() {
  return (
    <Routes>
      <Route element={<AppShell />}>
        {ROUTES.map(({ path, Page }) => {
          // Nothing while a page's chunk loads: the shell stays, and it takes one round trip.
          const element = (
            <Suspense fallback={null}>
              <Page />
            </Suspense>
          );
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
