/*
 * The PostgreSQL dialect layer's rewrite table (server/warehouse/dialect-postgres.ts),
 * statement by statement, without a database: what each DuckDB construct of
 * the warehouse models becomes. The parity test then runs the results on
 * PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { inlineLateralAlias, maskSql, preludeFunctionNames, toPostgres } from '../../server/warehouse/dialect-postgres';

const squash = (sql: string) => sql.replace(/\s+/g, ' ').replace(/ \)/g, ')').trim();
const pg = (sql: string, schemas?: Record<string, string>) => squash(toPostgres(sql, schemas));

describe('toPostgres', () => {
  it('leaves string literals and comments alone', () => {
    const sql = "select 'group by all [x] interval 1 day' as t -- median(x)\nfrom a";
    expect(toPostgres(sql)).toBe(sql);
    expect(maskSql("a 'b''c' -- d\ne")).toBe("a '    '     \ne");
  });

  it('group by all → the positions of the non-aggregate items; none when all aggregate', () => {
    expect(pg('select a, count(*) as n, lower(b) as b, sum(x) filter (where y) as s, from t group by all')).toBe(
      'select a, count(*) as n, lower(b) as b, sum(x) filter (where y) as s from t group by 1, 3',
    );
    expect(pg('select count(*) from t group by all')).toBe('select count(*) from t');
    expect(pg('select a, (select max(x) from u) as m from t group by all')).toBe(
      'select a, (select max(x) from u) as m from t group by 1, 2',
    );
  });

  it('intervals, list literals, double, try_cast, median, mode, arg_max, unnest(generate_series)', () => {
    expect(pg('select d + interval 1 month - interval 30 day')).toBe("select d + interval '1 month' - interval '30 day'");
    expect(pg("select unnest(['a', 'b']), coalesce(p, [])")).toBe("select unnest(array['a', 'b']), coalesce(p, '{}')");
    expect(pg('select cast(x as double), (a = 1)::double')).toBe('select cast(x as double precision), rc_to_double(a = 1)');
    expect(pg('select try_cast(v as integer)')).toBe('select rc_try_cast_integer(cast(v as text))');
    expect(pg('select median(d) filter (where c), mode(t)')).toBe(
      'select percentile_cont(0.5) within group (order by d) filter (where c), mode() within group (order by t)',
    );
    expect(pg('select arg_max(s, n)')).toBe('select (array_agg(s order by n desc) filter (where n is not null))[1]');
    expect(pg('select cast(unnest(generate_series(a, b, interval 1 day)) as date)')).toBe(
      "select cast((generate_series(a, b, interval '1 day')) as date)",
    );
  });

  it('// is integer division with the precedence of /', () => {
    expect(pg('select (m - 1) // 3 + 1')).toBe('select cast(div((m - 1), 3) as bigint) + 1');
  });

  it('anti join, qualify, a FROM-less WHERE on aliases, unaliased subqueries, unpivot', () => {
    expect(pg('select b.x from b anti join t on t.x = b.x')).toBe(
      'select b.x from b where not exists (select 1 from t where t.x = b.x)',
    );
    expect(pg('select a from t qualify count(*) over (partition by a) > 1')).toBe(
      'select * from (select a, (count(*) over (partition by a) > 1) as rc_qualify from t) as rc_qualified where rc_qualify',
    );
    expect(pg('select 1 as a, 2 as b where a <> b')).toBe('select * from (select 1 as a, 2 as b) as rc_selected where a <> b');
    expect(pg('select * from (select 1) where true')).toBe('select * from (select 1) as rc_subquery_1 where true');
    expect(pg('unpivot n on a, b into name k value v')).toBe(
      "select rc_unpivoted.*, rc_cells.k, rc_cells.v from n as rc_unpivoted cross join lateral (values ('a', rc_unpivoted.a), ('b', rc_unpivoted.b)) as rc_cells(k, v) where rc_cells.v is not null",
    );
  });

  it('maps schema names to the build schemas, not aliases or strings', () => {
    expect(
      pg("select raw.x, 'raw.y' from raw.leads as r join marts.deals d on r.raw = d.id", {
        raw: 'rc_1_raw',
        marts: 'rc_1_marts',
      }),
    ).toBe(`select "rc_1_raw".x, 'raw.y' from "rc_1_raw".leads as r join "rc_1_marts".deals d on r.raw = d.id`);
  });
});

describe('inlineLateralAlias', () => {
  it('inlines an alias used later in the same select list, and only there', () => {
    const sql = 'select a + 1 as b, b * 2 as c, t.b from t';
    expect(inlineLateralAlias(sql, 'b')).toBe('select a + 1 as b, (a + 1) * 2 as c, t.b from t');
    expect(inlineLateralAlias('select x from t', 'b')).toBe('select x from t');
  });
});

describe('prelude', () => {
  it('supplies the DuckDB functions the models use', () => {
    expect(preludeFunctionNames()).toEqual(
      expect.arrayContaining([
        'any_value',
        'date_diff',
        'epoch',
        'list',
        'strftime',
        'to_days',
        'to_months',
        'year',
        'month',
        'day',
        'len',
      ]),
    );
  });
});
