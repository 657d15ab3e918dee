/*
 * The access policy, written once: what a principal (security/roles.ts) may
 * query, which rows, and which members. Cube's queryRewrite (REST /load,
 * GraphQL, /sql, /dry-run, /subscribe) and its /meta go through it; so do
 * revcycle's own routes (routeRefusal).
 *
 * Which view can be scoped how is read off the compiled model (Cube's
 * metaConfig), never from a hand-kept list:
 *   - a view exposing `owner_team` can be scoped to a team;
 *   - a view exposing `channel` can be scoped to channels;
 *   - a member is personal data when its meta says `personal: true` (or
 *     `pii: true`) or its name is one of PERSONAL_NAMES (email, names, phone).
 * A view gaining `owner_team` through a join becomes team-scopable with no
 * change here. A query on a view the role cannot be scoped on is refused
 * (403), never answered company-wide — unless the view's meta declares it
 * `reference: true`: definitions (stage labels, channel names, settings)
 * that hold no one's figures, readable by every role as they are.
 *
 * Scoping adds one top-level filter per view touched; Cube ANDs top-level
 * filters, so nothing in the caller's own filters (`or`, `notSet`, …) can
 * widen it.
 */
import type { Principal, Role } from './roles.js';

export const PERSONAL_NAMES = [
  'email',
  'email_address',
  'first_name',
  'last_name',
  'full_name',
  'person_name',
  'contact_name',
  'phone',
  'phone_number',
];
export const TEAM_MEMBER = 'owner_team';
export const CHANNEL_MEMBER = 'channel';

/** What each role may do beyond the row scope. */
const ROLE_RULES: Record<Role, { personalData: boolean; scope: 'none' | 'team' | 'channels'; routes: ReadonlyArray<Route> }> = {
  executive: { personalData: false, scope: 'none', routes: ['plan', 'actions', 'imports', 'journey', 'report'] },
  analyst: { personalData: true, scope: 'none', routes: ['plan', 'actions', 'imports', 'journey', 'report'] },
  team: { personalData: false, scope: 'team', routes: ['actions'] },
  agency: { personalData: false, scope: 'channels', routes: [] },
};

/** revcycle's own routes: the what-if plan works on company-wide inputs; the action log is the company's. */
export type Route = 'plan' | 'actions' | 'imports' | 'journey' | 'report';

interface MetaMember {
  name: string;
  type?: string;
  meta?: Record<string, unknown>;
  /** Custom granularities of a time dimension. */
  granularities?: { name?: unknown }[];
}
export interface MetaCube {
  meta?: Record<string, unknown>;
  name: string;
  type?: string;
  measures?: MetaMember[];
  dimensions?: MetaMember[];
  segments?: MetaMember[];
}

/** What the query grammar (security/query-guard.ts) needs to know of a member. */
export interface MemberInfo {
  kind: 'measure' | 'dimension' | 'segment';
  /** string, number, boolean or time (a measure's aggregation reads as number unless it says otherwise). */
  type: 'string' | 'number' | 'boolean' | 'time';
  /** A time dimension's custom granularities. */
  granularities: string[];
}

export interface ViewInfo {
  name: string;
  members: Set<string>;
  info: Map<string, MemberInfo>;
  teamMember?: string;
  channelMember?: string;
  personal: Set<string>;
  /** Declared `meta: { reference: true }`: definitions, no one's figures. */
  reference: boolean;
}
export type Catalog = Map<string, ViewInfo>;

/** Thrown for a query or route the principal may not use (answered 403). */
export class AccessDenied extends Error {}
/** Thrown for a query naming what does not exist or is not public (answered 400). */
export class UnknownMember extends Error {}

const shortName = (member: string) => member.slice(member.indexOf('.') + 1);

function isPersonal(m: MetaMember): boolean {
  return m.meta?.personal === true || m.meta?.pii === true || PERSONAL_NAMES.includes(shortName(m.name));
}

/** The public views of the compiled model and how each can be scoped. */
export function catalogFromMeta(cubes: MetaCube[]): Catalog {
  const catalog: Catalog = new Map();
  for (const cube of cubes) {
    if (cube.type !== 'view') continue;
    const all = [...(cube.measures ?? []), ...(cube.dimensions ?? []), ...(cube.segments ?? [])];
    const members = new Set(all.map((m) => m.name));
    const dims = new Set((cube.dimensions ?? []).map((m) => m.name));
    const info = new Map<string, MemberInfo>();
    const typeOf = (m: MetaMember): MemberInfo['type'] =>
      m.type === 'string' || m.type === 'boolean' || m.type === 'time' ? m.type : 'number';
    for (const m of cube.measures ?? []) info.set(m.name, { kind: 'measure', type: typeOf(m), granularities: [] });
    for (const m of cube.dimensions ?? [])
      info.set(m.name, {
        kind: 'dimension',
        type: typeOf(m),
        granularities: (m.granularities ?? []).map((g) => g.name).filter((g): g is string => typeof g === 'string'),
      });
    for (const m of cube.segments ?? []) info.set(m.name, { kind: 'segment', type: 'boolean', granularities: [] });
    catalog.set(cube.name, {
      name: cube.name,
      members,
      info,
      teamMember: dims.has(`${cube.name}.${TEAM_MEMBER}`) ? `${cube.name}.${TEAM_MEMBER}` : undefined,
      channelMember: dims.has(`${cube.name}.${CHANNEL_MEMBER}`) ? `${cube.name}.${CHANNEL_MEMBER}` : undefined,
      personal: new Set(all.filter(isPersonal).map((m) => m.name)),
      reference: cube.meta?.reference === true,
    });
  }
  return catalog;
}

export interface CubeQuery {
  measures?: unknown[];
  dimensions?: unknown[];
  segments?: unknown[];
  timeDimensions?: { dimension?: unknown }[];
  filters?: unknown[];
  order?: unknown;
  [key: string]: unknown;
}

function filterMembers(filters: unknown): string[] {
  if (!Array.isArray(filters)) return [];
  return filters.flatMap((f) => {
    const o = (f ?? {}) as { member?: unknown; dimension?: unknown; and?: unknown; or?: unknown };
    return [o.member, o.dimension]
      .filter((m): m is string => typeof m === 'string')
      .concat(filterMembers(o.and), filterMembers(o.or));
  });
}

function orderMembers(order: unknown): string[] {
  if (Array.isArray(order))
    return order
      .map((o) => (Array.isArray(o) ? o[0] : (o as { id?: unknown })?.id))
      .filter((m): m is string => typeof m === 'string');
  if (order && typeof order === 'object') return Object.keys(order);
  return [];
}

/** Every member a query names, wherever it names it. */
export function queryMembers(q: CubeQuery): string[] {
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  return [
    ...list(q.measures),
    ...list(q.dimensions),
    ...list(q.segments),
    ...list(q.timeDimensions).map((t) => (t as { dimension?: unknown })?.dimension),
    ...filterMembers(q.filters),
    ...orderMembers(q.order),
  ].filter((m): m is string => typeof m === 'string');
}

/** The view a member belongs to (GraphQL capitalises view names in orderBy). */
function viewOf(member: string, catalog: Catalog): ViewInfo | undefined {
  const name = member.split('.')[0]!;
  return catalog.get(name) ?? catalog.get(name.charAt(0).toLowerCase() + name.slice(1));
}

/**
 * The query the principal may run: the caller's query with the row scope
 * added. Throws UnknownMember for members outside the public views and
 * AccessDenied for what the role may not see.
 */
export function authorizeQuery(p: Principal, query: CubeQuery, catalog: Catalog): CubeQuery {
  const rules = ROLE_RULES[p.role];
  const views = new Map<string, ViewInfo>();
  for (const m of queryMembers(query)) {
    const view = viewOf(m, catalog);
    if (!view) {
      throw new UnknownMember(`'${m}' is not a public member: query the views (${[...catalog.keys()].sort().join(', ')})`);
    }
    views.set(view.name, view);
    // view.member, or view.time_member.granularity
    const canonical = `${view.name}.${shortName(m).split('.')[0]}`;
    if (!view.members.has(canonical)) throw new UnknownMember(`'${m}' is not a member of the view '${view.name}'`);
    if (!rules.personalData && view.personal.has(canonical)) {
      throw new AccessDenied(`'${canonical}' is personal data, which the ${p.role} role may not see`);
    }
  }
  const added: { member: string; operator: string; values: string[] }[] = [];
  for (const view of views.values()) {
    const scope = rowScope(p, view);
    if (typeof scope === 'string') throw new AccessDenied(scope);
    if (scope) added.push({ member: scope.member, operator: 'equals', values: scope.values });
  }
  return added.length ? { ...query, filters: [...(Array.isArray(query.filters) ? query.filters : []), ...added] } : query;
}

/**
 * The filter that limits a view to the principal's rows: null when none is
 * needed (unscoped roles, reference views), or the reason the view is refused.
 */
function rowScope(p: Principal, view: ViewInfo): { member: string; values: string[] } | null | string {
  const scope = ROLE_RULES[p.role].scope;
  if (scope === 'none') return null;
  const member = scope === 'team' ? view.teamMember : view.channelMember;
  if (member) return { member, values: scope === 'team' ? [p.team!] : p.channels! };
  if (view.reference) return null;
  return scope === 'team'
    ? `the view '${view.name}' has no ${TEAM_MEMBER}, so it cannot be limited to team ${p.team}; a team role may not query it`
    : `the view '${view.name}' has no ${CHANNEL_MEMBER}, so it cannot be limited to channels ${p.channels!.join(', ')}; an agency role may not query it`;
}

/** Whether the principal may query the view at all (its row scope applies, personal members aside). */
export function mayQueryView(p: Principal, view: ViewInfo): boolean {
  return typeof rowScope(p, view) !== 'string';
}

/** /meta for the principal: views it cannot query are hidden, and so are personal members it may not see. */
export function filterMeta<C extends MetaCube>(p: Principal, cubes: C[], catalog: Catalog): C[] {
  const personalData = ROLE_RULES[p.role].personalData;
  return cubes
    .filter((c) => c.type !== 'view' || (catalog.get(c.name) && mayQueryView(p, catalog.get(c.name)!)))
    .map((c) =>
      personalData
        ? c
        : {
            ...c,
            measures: c.measures?.filter((m) => !isPersonal(m)),
            dimensions: c.dimensions?.filter((m) => !isPersonal(m)),
            segments: c.segments?.filter((m) => !isPersonal(m)),
          },
    );
}

const ROUTE_REASONS: Record<Route, string> = {
  plan: 'the what-if plan works on company-wide inputs',
  actions: 'the action log is for the company and its teams',
  imports: "the import status holds the source systems' rows",
  journey: "a lead's journey is one lead's timeline, not an aggregate",
  report: 'the meeting pack holds the company-wide KGI, plan, landing forecast and every team’s backlog',
};

/** null when the principal may use one of revcycle's own routes, otherwise why not. */
export function routeRefusal(p: Principal, route: Route): string | null {
  if (ROLE_RULES[p.role].routes.includes(route)) return null;
  return `the ${p.role} role may not use /api/${route} (${ROUTE_REASONS[route]})`;
}

/**
 * The personal-data rule, the one every route reads (Cube's queries above, the journey, the import files): null
 * when the principal may see personal data (emails, names), otherwise why not. Only the analyst role may.
 */
export function personalDataRefusal(p: Principal): string | null {
  if (ROLE_RULES[p.role].personalData) return null;
  return `the ${p.role} role may not see personal data (emails, names); only the analyst role may`;
}

/**
 * null when the principal may change something (the action log), otherwise why not: a read-only token (the
 * anonymous local session) only reads; writes need a signed token of the caller's own.
 */
export function writeRefusal(p: Principal): string | null {
  if (!p.readOnly) return null;
  return "this session is read-only (the anonymous local session); writes need a token of your own (npm run token, or your identity provider's token sent to /api/session)";
}
