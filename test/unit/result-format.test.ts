/*
 * The pure-JS REST result shaping (server/cube/result-format.ts) on
 * hand-built inputs, each expected output written out by hand from Cube's
 * documented REST format and its Rust implementation's rules.
 */
import { describe, expect, it } from 'vitest';
import {
  getFinalQueryResult,
  getFinalQueryResultMulti,
  transformData,
  transformValue,
  type TransformData,
} from '../../server/cube/result-format';

const annotation = {
  'deals.won_amount': { title: 'Won amount', shortTitle: 'Won amount', type: 'number' },
  'deals.lead_source': { title: 'Lead source', shortTitle: 'Lead source', type: 'string' },
  'deals.closed_at': { title: 'Closed at', shortTitle: 'Closed at', type: 'time' },
  'deals.closed_at.month': { title: 'Closed at', shortTitle: 'Closed at', type: 'time' },
  'deals.closed_at.day': { title: 'Closed at', shortTitle: 'Closed at', type: 'time' },
};
const aliases = {
  deals__won_amount: 'deals.won_amount',
  deals__lead_source: 'deals.lead_source',
  deals__closed_at: 'deals.closed_at',
  deals__closed_at_month: 'deals.closed_at.month',
  deals__closed_at_day: 'deals.closed_at.day',
};
const td = (query: TransformData['query'], extra: Partial<TransformData> = {}): TransformData => ({
  aliasToMemberNameMap: aliases,
  annotation,
  query,
  queryType: 'regularQuery',
  resType: 'default',
  ...extra,
});
const decode = (bytes: Uint8Array) => JSON.parse(Buffer.from(bytes).toString('utf8'));

describe('transformValue', () => {
  it('formats time members as YYYY-MM-DDTHH:mm:ss.SSS without a zone', () => {
    expect(transformValue('2025-04-01T00:00:00.000Z', 'time')).toBe('2025-04-01T00:00:00.000');
    expect(transformValue('2025-04-01 09:30:05', 'time')).toBe('2025-04-01T09:30:05.000');
    expect(transformValue('2025-04-01 09:30:05.120', 'time')).toBe('2025-04-01T09:30:05.120');
    expect(transformValue('2025-04-01T09:30:05', 'time')).toBe('2025-04-01T09:30:05.000');
    expect(transformValue(new Date(Date.UTC(2025, 3, 1, 12)), 'time')).toBe('2025-04-01T12:00:00.000');
  });
  it('keeps the wall time of an RFC 3339 offset, as Cube does', () => {
    expect(transformValue('2025-04-01T09:00:00.123456+09:00', 'time')).toBe('2025-04-01T09:00:00.123');
  });
  it('passes other values through as the driver gave them', () => {
    expect(transformValue('12.50', 'number')).toBe('12.50');
    expect(transformValue('not a time', 'time')).toBe('not a time');
    expect(transformValue('2025-02-30 00:00:00', 'time')).toBe('2025-02-30 00:00:00');
    expect(transformValue(null, 'time')).toBe(null);
    expect(transformValue(true, 'boolean')).toBe(true);
  });
});

describe('vanilla rows', () => {
  const rows = [
    { deals__closed_at_month: '2025-04-01T00:00:00.000Z', deals__won_amount: '3000000' },
    { deals__closed_at_month: '2025-05-01T00:00:00.000Z', deals__won_amount: null },
  ];
  it('keys a time dimension by granularity and also un-suffixed', () => {
    const q = { measures: ['deals.won_amount'], timeDimensions: [{ dimension: 'deals.closed_at', granularity: 'month' }] };
    expect(transformData(td(q), rows)).toEqual([
      {
        'deals.closed_at.month': '2025-04-01T00:00:00.000',
        'deals.won_amount': '3000000',
        'deals.closed_at': '2025-04-01T00:00:00.000',
      },
      {
        'deals.closed_at.month': '2025-05-01T00:00:00.000',
        'deals.won_amount': null,
        'deals.closed_at': '2025-05-01T00:00:00.000',
      },
    ]);
  });
  it('gives the un-suffixed key the finest granularity requested', () => {
    const q = {
      measures: ['deals.won_amount'],
      timeDimensions: [
        { dimension: 'deals.closed_at', granularity: 'month' },
        { dimension: 'deals.closed_at', granularity: 'day' },
      ],
    };
    const raw = [
      {
        deals__closed_at_month: '2025-04-01T00:00:00.000',
        deals__closed_at_day: '2025-04-17T00:00:00.000',
        deals__won_amount: '1',
      },
    ];
    expect(transformData(td(q), raw)).toEqual([
      {
        'deals.closed_at.month': '2025-04-01T00:00:00.000',
        'deals.closed_at.day': '2025-04-17T00:00:00.000',
        'deals.won_amount': '1',
        'deals.closed_at': '2025-04-17T00:00:00.000',
      },
    ]);
  });
  it('does not override a time dimension that is also requested plainly', () => {
    const q = {
      dimensions: ['deals.closed_at'],
      timeDimensions: [{ dimension: 'deals.closed_at', granularity: 'month' }],
    };
    const raw = [{ deals__closed_at: '2025-04-17T10:00:00.000', deals__closed_at_month: '2025-04-01T00:00:00.000' }];
    expect(transformData(td(q), raw)).toEqual([
      {
        'deals.closed_at': '2025-04-17T10:00:00.000',
        'deals.closed_at.month': '2025-04-01T00:00:00.000',
      },
    ]);
  });
  it('accepts columnar input (what Cube hands over) as well as row objects', () => {
    const q = { measures: ['deals.won_amount'], dimensions: ['deals.lead_source'] };
    const columnar = {
      members: ['deals__lead_source', 'deals__won_amount'],
      columns: [
        ['seo', 'webinar'],
        ['10', '20'],
      ],
    };
    const bytes = Buffer.from(JSON.stringify(columnar));
    const expected = [
      { 'deals.lead_source': 'seo', 'deals.won_amount': '10' },
      { 'deals.lead_source': 'webinar', 'deals.won_amount': '20' },
    ];
    expect(transformData(td(q), columnar)).toEqual(expected);
    expect(transformData(td(q), bytes)).toEqual(expected);
  });
  it('refuses a member missing from the annotation (a hidden member)', () => {
    const q = { measures: ['deals.secret'] };
    const t = td(q, { aliasToMemberNameMap: { ...aliases, deals__secret: 'deals.secret' } });
    expect(() => transformData(t, [{ deals__secret: '1' }])).toThrow(/hidden member: 'deals.secret'/);
    expect(() => transformData(t, [])).toThrow(/hidden member: 'deals.secret'/);
  });
  it('answers an empty result with an empty array', () => {
    expect(transformData(td({ measures: ['deals.won_amount'] }), [])).toEqual([]);
  });
  it('answers an empty result of a date-range-only query (no granularity, no annotation) with an empty array', () => {
    const q = {
      measures: ['deals.won_amount'],
      timeDimensions: [{ dimension: 'deals.other_time', dateRange: ['2026-11-22', '2026-11-22'] }],
    };
    expect(transformData(td(q), [])).toEqual([]);
  });
});

describe('compact rows', () => {
  it('gives members once and a dataset of arrays in the same order', () => {
    const q = { measures: ['deals.won_amount'], timeDimensions: [{ dimension: 'deals.closed_at', granularity: 'month' }] };
    const raw = [{ deals__closed_at_month: '2025-04-01 00:00:00', deals__won_amount: '5' }];
    expect(transformData(td(q, { resType: 'compact' }), raw)).toEqual({
      members: ['deals.closed_at.month', 'deals.won_amount', 'deals.closed_at'],
      dataset: [['2025-04-01T00:00:00.000', '5', '2025-04-01T00:00:00.000']],
    });
  });
  it('adds compareDateRange as the last member of a comparison query', () => {
    const q = {
      measures: ['deals.won_amount'],
      timeDimensions: [{ dimension: 'deals.closed_at', dateRange: ['2025-04-01T00:00:00.000', '2025-04-30T23:59:59.999'] }],
    };
    const raw = [{ deals__won_amount: '7' }];
    expect(transformData(td(q, { resType: 'compact', queryType: 'compareDateRangeQuery' }), raw)).toEqual({
      members: ['deals.won_amount', 'compareDateRange'],
      dataset: [['7', '2025-04-01T00:00:00.000 - 2025-04-30T23:59:59.999']],
    });
  });
});

describe('query types', () => {
  it('labels every row of a compareDateRange result with its range', () => {
    const q = {
      measures: ['deals.won_amount'],
      timeDimensions: [
        { dimension: 'deals.closed_at', granularity: 'month', dateRange: ['2025-04-01T00:00:00.000', '2025-04-30T23:59:59.999'] },
      ],
    };
    const raw = [{ deals__closed_at_month: '2025-04-01T00:00:00.000', deals__won_amount: '9' }];
    expect(transformData(td(q, { queryType: 'compareDateRangeQuery' }), raw)).toEqual([
      {
        'deals.closed_at.month': '2025-04-01T00:00:00.000',
        'deals.won_amount': '9',
        'deals.closed_at': '2025-04-01T00:00:00.000',
        compareDateRange: '2025-04-01T00:00:00.000 - 2025-04-30T23:59:59.999',
      },
    ]);
  });
  it('refuses a comparison whose range has one bound', () => {
    const q = { measures: ['deals.won_amount'], timeDimensions: [{ dimension: 'deals.closed_at', dateRange: ['2025-04-01'] }] };
    expect(() => transformData(td(q, { queryType: 'compareDateRangeQuery' }), [{ deals__won_amount: '1' }])).toThrow(
      /Inconsistent dateRange configuration/,
    );
  });
  it('adds time.<granularity> to every row of a blending query', () => {
    const q = { measures: ['deals.won_amount'], timeDimensions: [{ dimension: 'deals.closed_at', granularity: 'month' }] };
    const raw = [{ deals__closed_at_month: '2025-06-01T00:00:00.000', deals__won_amount: '4' }];
    expect(transformData(td(q, { queryType: 'blendingQuery' }), raw)).toEqual([
      {
        'deals.closed_at.month': '2025-06-01T00:00:00.000',
        'deals.won_amount': '4',
        'deals.closed_at': '2025-06-01T00:00:00.000',
        'time.month': '2025-06-01T00:00:00.000',
      },
    ]);
  });
});

describe('final result objects', () => {
  const root = {
    query: {
      measures: ['deals.won_amount'],
      dimensions: [],
      timeDimensions: [],
      limit: 10000,
      timezone: 'UTC',
      total: true,
      ungrouped: false,
      filters: [{ member: 'deals.lead_source', operator: 'equals', values: ['seo'] }],
      order: [{ id: 'deals.won_amount', desc: true }],
      rowLimit: 10000,
      queryType: undefined,
      notACubeField: 1,
    },
    lastRefreshTime: '2026-11-20T00:00:00.000Z',
    annotation: {
      measures: { 'deals.won_amount': { title: 'Won amount', shortTitle: 'Won amount', type: 'number', extra: 1 } },
      dimensions: {},
      segments: {},
      timeDimensions: {},
    },
    dataSource: 'default',
    dbType: 'duckdb',
    external: false,
    slowQuery: false,
    total: 42,
    refreshKeyValues: null,
  };
  it("carries Cube's fields in order, total included, unknown ones dropped", () => {
    const out = decode(getFinalQueryResult(td(root.query), [{ deals__won_amount: '100' }], root));
    expect(Object.keys(out)).toEqual([
      'query',
      'lastRefreshTime',
      'annotation',
      'dataSource',
      'dbType',
      'external',
      'slowQuery',
      'total',
      'data',
    ]);
    expect(out.total).toBe(42);
    expect(out.query).toEqual({
      measures: ['deals.won_amount'],
      dimensions: [],
      timeDimensions: [],
      limit: 10000,
      total: true,
      timezone: 'UTC',
      ungrouped: false,
      filters: [{ member: 'deals.lead_source', operator: 'equals', values: ['seo'] }],
      rowLimit: 10000,
      order: [{ id: 'deals.won_amount', desc: true }],
    });
    expect(out.annotation.measures['deals.won_amount']).toEqual({
      title: 'Won amount',
      shortTitle: 'Won amount',
      type: 'number',
    });
    expect(out.data).toEqual([{ 'deals.won_amount': '100' }]);
  });
  it('omits total when the query did not ask for it', () => {
    const out = decode(getFinalQueryResult(td(root.query), [], { ...root, total: null }));
    expect('total' in out).toBe(false);
  });
  it('wraps several results with a pivot query for multi requests', () => {
    const q1 = {
      measures: ['deals.won_amount'],
      timeDimensions: [
        { dimension: 'deals.closed_at', granularity: 'month', dateRange: ['2025-04-01T00:00:00.000', '2025-04-30T23:59:59.999'] },
      ],
    };
    const q2 = {
      ...q1,
      timeDimensions: [{ ...q1.timeDimensions[0], dateRange: ['2025-05-01T00:00:00.000', '2025-05-31T23:59:59.999'] }],
    };
    const tdArr = [td(q1, { queryType: 'compareDateRangeQuery' }), td(q2, { queryType: 'compareDateRangeQuery' })];
    const raws = [[{ deals__closed_at_month: '2025-04-01T00:00:00.000', deals__won_amount: '1' }], []];
    const out = decode(
      getFinalQueryResultMulti(tdArr, raws, {
        queryType: 'compareDateRangeQuery',
        results: [
          { ...root, query: q1, total: null },
          { ...root, query: q2, total: null },
        ],
        slowQuery: false,
      }),
    );
    expect(out.queryType).toBe('compareDateRangeQuery');
    expect(out.results).toHaveLength(2);
    expect(out.results[0].data[0].compareDateRange).toBe('2025-04-01T00:00:00.000 - 2025-04-30T23:59:59.999');
    expect(out.results[1].data).toEqual([]);
    expect(out.pivotQuery.dimensions).toEqual(['compareDateRange']);
    expect(out.pivotQuery.queryType).toBe('compareDateRangeQuery');
    expect(out.slowQuery).toBe(false);
  });
  it('merges members of blended queries into one pivot with a time dimension', () => {
    const q1 = { measures: ['deals.won_amount'], timeDimensions: [{ dimension: 'deals.closed_at', granularity: 'month' }] };
    const q2 = {
      measures: ['deals.count'],
      dimensions: ['deals.lead_source'],
      timeDimensions: [{ dimension: 'deals.closed_at', granularity: 'month' }],
    };
    const out = decode(
      getFinalQueryResultMulti(
        [
          td(q1, { queryType: 'blendingQuery' }),
          td(q2, {
            queryType: 'blendingQuery',
            annotation: { ...annotation, 'deals.count': { title: 'Deals', type: 'number' } },
          }),
        ],
        [[], []],
        {
          queryType: 'blendingQuery',
          results: [
            { ...root, query: q1 },
            { ...root, query: q2 },
          ],
        },
      ),
    );
    expect(out.pivotQuery.measures.sort()).toEqual(['deals.count', 'deals.won_amount']);
    expect(out.pivotQuery.dimensions).toEqual(['deals.lead_source']);
    expect(out.pivotQuery.timeDimensions).toEqual([{ dimension: 'time', granularity: 'month' }]);
  });
});
