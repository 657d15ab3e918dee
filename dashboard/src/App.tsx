/*
 * Routes: the pages inside the shared shell (header, navigation, global
 * filters). Unknown paths fall back to the board.
 *
 * Each page is its own chunk (React.lazy), so a visit downloads the shell
 * and the page it opens, not every page's cards. One line per page in
 * ROUTES: a new page is one added line. While a page's chunk loads, the
 * shell's queries wait to go out with the page's (api/lazy-page.ts).
 */
import { Suspense, type ComponentType, type LazyExoticComponent } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { AppShell } from './components/app-shell';
import { lazyPage } from './api/lazy-page';

/** A page module's named export as a lazily loaded component. */
function page<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K): LazyExoticComponent<ComponentType> {
  return lazyPage(load, name);
}

const ROUTES: { path: string | null; Page: LazyExoticComponent<ComponentType> }[] = [
  { path: null, Page: page(() => import('./pages/board-page'), 'BoardPage') },
  { path: 'funnel', Page: page(() => import('./pages/funnel-page'), 'FunnelPage') },
  { path: 'backlog', Page: page(() => import('./pages/backlog-page'), 'BacklogPage') },
  { path: 'channels', Page: page(() => import('./pages/channels-page'), 'ChannelsPage') },
  { path: 'plan', Page: page(() => import('./pages/plan-page'), 'PlanPage') },
  { path: 'review', Page: page(() => import('./pages/review-page'), 'ReviewPage') },
  { path: 'definitions', Page: page(() => import('./pages/definitions-page'), 'DefinitionsPage') },
  { path: 'data', Page: page(() => import('./pages/data-page'), 'DataPage') },
  { path: 'leads/:leadId', Page: page(() => import('./pages/journey-page'), 'JourneyPage') },
];

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
