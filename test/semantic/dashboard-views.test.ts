/*
 * dashboard/src/api/views.ts names every view member the dashboard queries;
 * it is kept by hand, so this test holds it to the model: each member it
 * names must be published by the real server's /meta (the views of model/),
 * and each view it lists filters for must exist. It asks the run's shared
 * server over the bundled data (test/support/shared-server.ts), whose /meta
 * is the one the dashboard reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as views from '../../dashboard/src/api/views';
import type { TestServer } from '../support/server';
import { sharedTestServer } from '../support/shared-server';

let t: TestServer;
let published: Set<string>;
let publishedViews: Set<string>;

beforeAll(async () => {
  t = await sharedTestServer(); // the run's shared server: this file only reads /meta
  const res = await t.request('/cubejs-api/v1/meta');
  expect(res.status).toBe(200);
  const cubes = res.body.cubes as {
    name: string;
    measures: { name: string }[];
    dimensions: { name: string }[];
    segments: { name: string }[];
  }[];
  published = new Set(cubes.flatMap((c) => [...c.measures, ...c.dimensions, ...c.segments].map((m) => m.name)));
  publishedViews = new Set(cubes.map((c) => c.name));
  // The shared server's start (the bundled data's build and rollups) comes first when no file has started it.
}, 1_200_000);

afterAll(async () => {
  await t?.server.close();
});

/** Every 'view.member' string the module's member maps hold (FILTERS reuses them). */
const named = Object.entries(views)
  .filter(([name, value]) => name !== 'FILTERS' && typeof value === 'object' && value !== null)
  .flatMap(([name, value]) =>
    Object.entries(value as Record<string, unknown>).map(([key, member]) => ({ at: `${name}.${key}`, member })),
  );

describe('dashboard/src/api/views.ts against /meta', () => {
  it('names members at all (the module is read)', () => {
    expect(named.length).toBeGreaterThan(100);
    expect(named.every((n) => typeof n.member === 'string' && /^[a-z_]+\.[a-z0-9_]+$/.test(n.member))).toBe(true);
  });

  it('every member it names is published by the server', () => {
    expect(named.filter((n) => !published.has(n.member as string)).map((n) => `${n.at} = ${String(n.member)}`)).toEqual([]);
  });

  it('every view it maps filters for exists', () => {
    expect(Object.keys(views.FILTERS).filter((v) => !publishedViews.has(v))).toEqual([]);
  });
});
