/*
 * A seeded fuzz of the query routes, as an attacker and a careless client
 * would send: queries built from /meta's members, then mutated — every
 * Object.prototype property name wherever a name goes (view, member,
 * granularity, operator, order direction, time zone, query and filter keys),
 * wrong types, missing values, SQL-API-only fields — sent to /v1/load,
 * /v1/sql, /v1/dry-run and GraphQL for every role. No answer may be a 5xx or
 * show internals (a JavaScript error name, a stack, database text), and after
 * each batch a plain, uncached query still answers 200 for every role: one
 * request must never break the server for everyone. The seed is printed on
 * failure; REVCYCLE_FUZZ_SEED replays one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/server';
import { sharedFixtureServer } from '../support/shared-server';

const SEED = Number(process.env.REVCYCLE_FUZZ_SEED ?? 20261206);
const ROLES = ['executive', 'analyst', 'team:east_team', 'agency:seo,ads'];
const PER_ROLE_AND_ROUTE = 130; // 4 roles × 4 routes × 130 = 2,080 requests
const BATCH = 80;
const CONCURRENCY = 6;

/** Every name of Object.prototype (and Function.prototype): each once sat where Cube looked a name up. */
const PROTO = [
  ...new Set([...Object.getOwnPropertyNames(Object.prototype), ...Object.getOwnPropertyNames(Function.prototype), 'prototype']),
];
const GRANULARITIES = ['day', 'week', 'month', 'quarter', 'year', 'hour'];
const OPERATORS = ['equals', 'notEquals', 'contains', 'gt', 'lt', 'set', 'notSet', 'inDateRange', 'beforeDate', 'measureFilter'];

function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Meta {
  views: string[];
  measures: string[];
  dimensions: string[];
  times: string[];
}

let t: TestServer;
let meta: Meta;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await sharedFixtureServer('security'); // the run's shared server: this file only asks
  for (const role of ROLES) tokens[role] = t.token({ role, sub: `fuzz-${role}` });
  const res = await t.request('/cubejs-api/v1/meta', { token: tokens.analyst });
  const views = res.body.cubes.filter((c: any) => c.type === 'view');
  meta = {
    views: views.map((v: any) => v.name),
    measures: views.flatMap((v: any) => v.measures.map((m: any) => m.name)),
    dimensions: views.flatMap((v: any) => v.dimensions.filter((d: any) => d.type !== 'time').map((d: any) => d.name)),
    times: views.flatMap((v: any) => v.dimensions.filter((d: any) => d.type === 'time').map((d: any) => d.name)),
  };
});
afterAll(async () => {
  await t?.server.close();
});

type Rand = () => number;
const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

/** A well-formed query of one view, from /meta. */
function baseQuery(r: Rand): Record<string, any> {
  const view = pick(r, meta.views);
  const of = (list: string[]) => list.filter((m) => m.startsWith(`${view}.`));
  const q: Record<string, any> = {};
  if (of(meta.measures).length) q.measures = [pick(r, of(meta.measures))];
  if (of(meta.dimensions).length && r() < 0.6) q.dimensions = [pick(r, of(meta.dimensions))];
  if (of(meta.times).length && r() < 0.5)
    q.timeDimensions = [
      { dimension: pick(r, of(meta.times)), granularity: pick(r, GRANULARITIES), dateRange: ['2025-01-01', '2025-12-31'] },
    ];
  if (of(meta.dimensions).length && r() < 0.4)
    q.filters = [{ member: pick(r, of(meta.dimensions)), operator: 'equals', values: ['seo'] }];
  if (q.measures && r() < 0.3) q.order = { [q.measures[0]]: 'desc' };
  if (!q.measures && !q.dimensions) q.dimensions = [pick(r, meta.dimensions)];
  return q;
}

/** One mutation of a well-formed query: a hostile name or shape somewhere a name or value goes. */
function mutate(r: Rand, q: Record<string, any>): unknown {
  const proto = pick(r, PROTO);
  const member = pick(r, [...meta.measures, ...meta.dimensions]);
  const time = pick(r, meta.times);
  const [view, name] = member.split('.');
  const mutations: (() => unknown)[] = [
    () => ({ ...q, timeDimensions: [{ dimension: time, granularity: proto }] }),
    () => ({ ...q, timeDimensions: [{ dimension: time, granularity: proto, compareDateRange: ['last week', 'this week'] }] }),
    () => ({ ...q, dimensions: [`${time}.${proto}`] }),
    () => ({ ...q, measures: [`${view}.${proto}`] }),
    () => ({ ...q, dimensions: [`${proto}.${name}`] }),
    () => ({ ...q, dimensions: [`${member}.${proto}`] }),
    () => ({ ...q, filters: [{ member, operator: proto, values: ['x'] }] }),
    () => ({ ...q, filters: [{ member: `${view}.${proto}`, operator: 'equals', values: ['x'] }] }),
    () => ({ ...q, filters: [{ member, operator: pick(r, OPERATORS) }] }),
    () => ({
      ...q,
      filters: [{ member, operator: pick(r, OPERATORS), values: [pick(r, ['abc', '', '1e400', 'NaN', 'true', proto])] }],
    }),
    () => ({ ...q, filters: [{ member, operator: 'equals', values: [proto], [proto]: 1 }] }),
    () => ({ ...q, filters: [{ [pick(r, ['and', 'or'])]: [{ member, operator: 'equals', values: [proto] }, {}] }] }),
    () => ({ ...q, order: { [member]: proto } }),
    () => ({ ...q, order: { [`${view}.${proto}`]: 'asc' } }),
    () => ({ ...q, order: [[`${time}.${proto}`, 'asc']] }),
    () => ({ ...q, timezone: proto }),
    () => ({ ...q, timezone: pick(r, ['Mars/Olympus', 'UTC', 'Asia/Tokyo', '', 42]) }),
    () => ({ ...q, [proto]: [member] }),
    () => JSON.parse(JSON.stringify(q).replace(/^\{/, `{"__proto__":{"measures":["${member}"]},`)),
    () => ({ ...q, subqueryJoins: [pick(r, [{}, { sql: 'select 1', on: '1=1', joinType: 'LEFT', alias: 'x' }])] }),
    () => ({ ...q, joinHints: [[view, proto]] }),
    () => ({
      ...q,
      timeDimensions: [
        { dimension: time, granularity: 'day', dateRange: pick(r, [proto, ['x', 'y'], [1, 2], 'last 7 days', ['2025-13-45']]) },
      ],
    }),
    () => ({
      ...q,
      timeDimensions: [
        { dimension: time, compareDateRange: pick(r, [[], [proto], 'x', [['2025-01-01', '2025-02-01'], 'last week']]) },
      ],
    }),
    () => ({ ...q, limit: pick(r, [0, -1, 1.5, '10', 1e12, null, proto]) }),
    () => ({ ...q, offset: pick(r, [-1, 'x', 1e12]) }),
    () => ({ ...q, ungrouped: pick(r, [true, 'yes', proto]), total: pick(r, [true, proto]) }),
    () => ({ ...q, measures: pick(r, [[member, 42], 'x', [{ sql: '1' }], [null]]) }),
    () => ({ ...q, segments: [pick(r, [`${view}.${proto}`, member])] }),
    () => ({ ...q, responseFormat: pick(r, ['compact', 'columnar', proto]) }),
    () => [q, { ...q, timeDimensions: [{ dimension: time, granularity: proto }] }],
  ];
  return pick(r, mutations)();
}

/** A GraphQL query from /meta with a hostile name somewhere. */
function graphqlQuery(r: Rand): string {
  const view = pick(r, meta.views);
  const field = (m: string) => m.slice(m.indexOf('.') + 1);
  const dims = meta.dimensions.filter((m) => m.startsWith(`${view}.`)).map(field);
  const measures = meta.measures.filter((m) => m.startsWith(`${view}.`)).map(field);
  const times = meta.times.filter((m) => m.startsWith(`${view}.`)).map(field);
  const proto = pick(r, PROTO).replace(/[^A-Za-z0-9_]/g, '_');
  const fields = [...dims.slice(0, 1), ...measures.slice(0, 1)];
  const other = pick(r, meta.views);
  const variants = [
    () => `{ cube { ${view} { ${fields.join(' ')} ${times[0] ? `${times[0]} { ${proto} }` : ''} } } }`,
    () => `{ cube { ${view} { ${fields.join(' ')} ${proto} } } }`,
    () => `{ cube(where: { ${view}: { ${dims[0] ?? proto}: { ${proto}: "x" } } }) { ${view} { ${fields.join(' ')} } } }`,
    () => `{ cube(orderBy: { ${view}: { ${fields[0] ?? proto}: ${proto} } }) { ${view} { ${fields.join(' ')} } } }`,
    () => `{ cube(timezone: "${proto}") { ${view} { ${fields.join(' ')} } } }`,
    () =>
      `{ cube { ${view} { ${fields.join(' ')} } ${other} { ${field(pick(r, meta.dimensions.filter((m) => m.startsWith(`${other}.`)).concat([`x.${proto}`])))} } } }`,
    () => `{ cube(limit: ${pick(r, [0, -1, 100000000])}) { ${view} { ${fields.join(' ')} } } }`,
    () => `{ ${proto} { ${view} { ${fields.join(' ')} } } }`,
  ];
  return pick(r, variants)();
}

const INTERNALS =
  /TypeError|ReferenceError|Cannot read propert|is not a function|\n\s+at |Conversion Error|Binder Error|LINE \d+:/;

async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

let plainCount = 0;
/** A plain query per role that no cache can answer (its filter differs every time). */
async function plainQueriesAnswer(): Promise<string[]> {
  const failures: string[] = [];
  for (const role of ROLES) {
    const member = role.startsWith('agency') ? 'leads_view.channel' : 'leads_view.owner_team';
    const res = await t.load(
      { measures: ['leads_view.leads'], filters: [{ member, operator: 'notEquals', values: [`plain-${plainCount++}`] }] },
      { token: tokens[role] },
    );
    if (res.status !== 200) failures.push(`${role}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
  }
  return failures;
}

describe(`fuzzed queries (seed ${SEED})`, () => {
  it('get no 5xx and no internals, and never break later queries', { timeout: 240_000 }, async () => {
    const r = prng(SEED);
    type Req = { role: string; path: string; body: string; label: string };
    const requests: Req[] = [];
    for (const role of ROLES) {
      for (const route of ['/cubejs-api/v1/load', '/cubejs-api/v1/sql', '/cubejs-api/v1/dry-run', '/cubejs-api/graphql']) {
        for (let i = 0; i < PER_ROLE_AND_ROUTE; i++) {
          if (route.endsWith('graphql')) {
            const query = graphqlQuery(r);
            requests.push({ role, path: route, body: JSON.stringify({ query }), label: query });
          } else {
            const query = r() < 0.9 ? mutate(r, baseQuery(r)) : baseQuery(r);
            const body = JSON.stringify({ query, queryType: 'multi' });
            requests.push({ role, path: route, body, label: body });
          }
        }
      }
    }
    // shuffle, so that every batch mixes roles and routes
    for (let i = requests.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [requests[i], requests[j]] = [requests[j]!, requests[i]!];
    }
    expect(requests.length).toBeGreaterThanOrEqual(2000);
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    for (let b = 0; b < requests.length; b += BATCH) {
      await inParallel(requests.slice(b, b + BATCH), CONCURRENCY, async (req) => {
        const res = await t.request(req.path, { method: 'POST', token: tokens[req.role], body: req.body });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
        if (res.status >= 500 || (res.status >= 400 && INTERNALS.test(text)))
          problems.push(`${req.role} ${req.path} ${req.label.slice(0, 300)} → ${res.status} ${text.slice(0, 300)}`);
      });
      const broken = await plainQueriesAnswer();
      if (broken.length) problems.push(`after batch ${b / BATCH + 1}: plain queries failed: ${broken.join('; ')}`);
      expect(problems.slice(0, 10), `seed ${SEED}`).toEqual([]);
    }
    const ready = await t.request('/readyz', {});
    expect(ready.status, JSON.stringify(ready.body)).toBe(200);
    // Not a vacuous run: both refusals and answers happened.
    expect([...statuses.keys()].some((s) => s === 200)).toBe(true);
    expect([...statuses.keys()].some((s) => s === 400)).toBe(true);
  });
});

describe('our /api routes', () => {
  it('refuse keys named like Object.prototype properties (400), and keep answering', async () => {
    const token = t.token({ role: 'executive', sub: 'fuzz-api' });
    for (const name of PROTO) {
      for (const [method, path] of [
        ['POST', '/api/actions'],
        ['PATCH', '/api/actions/some-id'],
        ['POST', '/api/plan'],
      ]) {
        const body = `{"hypothesis":"h","action":"a","owner":"o","nested":{"${name}":{"polluted":true}},"${name}":{"polluted":true}}`;
        const res = await t.request(path!, { method, token, body });
        expect(res.status, `${method} ${path} ${name}: ${JSON.stringify(res.body)}`).toBe(400);
        expect(res.body.error).toMatch(/reserved/);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await t.request('/api/actions', { token })).status).toBe(200);
    expect((await plainQueriesAnswer()).join('; ')).toBe('');
  });
});
