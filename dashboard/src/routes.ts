/*
 * The dashboard's pages, in one table: the URL path of each (a react-router
 * pattern; null is the index) and the module under src/pages/ that draws it
 * (its named export). App.tsx routes them, each page its own chunk; the build
 * (vite.config.ts) reads the same table to have index.html preload the opened
 * page's chunks. A new page is one added line. Plain data: the build imports it.
 */
export interface PageRouteSpec {
  path: string | null;
  /** The file under src/pages/, without `.tsx`. */
  module: string;
  /** The component the module exports. */
  name: string;
}

export const PAGE_ROUTES: readonly PageRouteSpec[] = [
  { path: null, module: 'board-page', name: 'BoardPage' },
  { path: 'funnel', module: 'funnel-page', name: 'FunnelPage' },
  { path: 'backlog', module: 'backlog-page', name: 'BacklogPage' },
  { path: 'channels', module: 'channels-page', name: 'ChannelsPage' },
  { path: 'plan', module: 'plan-page', name: 'PlanPage' },
  { path: 'review', module: 'review-page', name: 'ReviewPage' },
  { path: 'definitions', module: 'definitions-page', name: 'DefinitionsPage' },
  { path: 'data', module: 'data-page', name: 'DataPage' },
  { path: 'leads/:leadId', module: 'journey-page', name: 'JourneyPage' },
];

/**
 * The route's path as a regular expression's source over `location.pathname`, as react-router matches it with
 * `end: true`: a `:param` segment is any one segment, a trailing slash is allowed.
 */
export function routePathSource(path: string | null): string {
  const segments = (path ?? '').split('/').filter(Boolean);
  const parts = segments.map((s) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return `^/${parts.join('/')}${parts.length ? '/?' : ''}$`;
}
