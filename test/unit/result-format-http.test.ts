/*
 * `responseFormat: 'columnar'` end to end: the real server (Cube over DuckDB,
 * our result shaping in place of Cube's native module) answering over HTTP on
 * the tiny runtime warehouse of test/support/runtime-fixture.ts, whose figures
 * are written out by hand there (April: 100 + 250 over 2 sales, May: 400 over 1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APRIL_AGAINST_MAY, SALES_BY_MONTH } from '../support/runtime-fixture';
import type { TestServer } from '../support/server';
import { sharedFixtureServer } from '../support/shared-server';

let t: TestServer;
beforeAll(async () => {
  t = await sharedFixtureServer('runtime'); // the run's shared server: this file only asks
});
afterAll(async () => {
  await t?.server.close();
});

const byMonth = SALES_BY_MONTH;

describe('columnar response format over HTTP', () => {
  it('answers { members, columns }, one column per member', async () => {
    const res = await t.load({ ...byMonth, responseFormat: 'columnar' });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      members: ['sales_view.sold_at.month', 'sales_view.amount', 'sales_view.sales', 'sales_view.sold_at'],
      columns: [
        ['2025-04-01T00:00:00.000', '2025-05-01T00:00:00.000'],
        ['350', '400'],
        ['2', '1'],
        ['2025-04-01T00:00:00.000', '2025-05-01T00:00:00.000'],
      ],
    });
  });
  it('labels a compareDateRange result with its range in the last column (multi request)', async () => {
    const res = await t.load({ ...APRIL_AGAINST_MAY, responseFormat: 'columnar' }, { queryType: 'multi' });
    expect(res.status).toBe(200);
    expect(res.body.queryType).toBe('compareDateRangeQuery');
    const [april, may] = res.body.results.map((r: any) => r.data);
    expect(april.members).toEqual(['sales_view.amount', 'compareDateRange']);
    expect(april.columns).toEqual([['350'], ['2025-04-01T00:00:00.000 - 2025-04-30T23:59:59.999']]);
    expect(may.columns).toEqual([['400'], ['2025-05-01T00:00:00.000 - 2025-05-31T23:59:59.999']]);
  });
});
