/*
 * Which columns of an input a model reads (server/warehouse/incremental.ts,
 * columnsRead): a day's import moves as_of in `settings` and changes the
 * open deals' pipeline_at, and a mart that reads neither is still updated by
 * lead. A column the SQL could read without naming it must count as read,
 * or the incremental build would keep rows a full build changes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../server/config';
import { columnsRead } from '../../server/warehouse/incremental';

const SETTINGS = ['time_zone', 'as_of_at', 'as_of_date', 'attribution_lookback_days', 'time_decay_half_life_days'];
const read = (sql: string) => columnsRead({ kind: 'sql', sql }, SETTINGS);
const mart = (name: string) => readFileSync(path.join(projectRoot, 'model/warehouse/marts', `${name}.sql`), 'utf8');

describe('the columns a model reads', () => {
  it('are those it names, through import CTEs and selects of CTEs that name their columns', () => {
    expect(read('with settings as (select * from settings) select settings.as_of_at from settings')).toEqual(['as_of_at']);
    expect(
      read(
        'with settings as (select * from settings), f as (select time_zone, 1 as n from settings) ' +
          'select *, n + 1 as m from f union all select *, 0 from f',
      ),
    ).toEqual(['time_zone']);
    expect(read('select count(*) as n from settings')).toEqual([]);
    // comments and strings are not names
    expect(read("-- as_of_at\nselect 'as_of_date' as label, time_zone from settings")).toEqual(['time_zone']);
  });

  it('are all of them when a star could carry a column out unnamed', () => {
    for (const sql of [
      'with settings as (select * from settings) select * from settings',
      'select * from settings',
      'select *, 1 as one from settings',
      'with a as (select * from settings where time_zone is not null) select * from a',
      'with f as (select time_zone from settings) select * from f cross join settings',
      'select s.* from settings as s',
      'select columns(*) from settings',
      'unpivot settings on time_zone into name key value v',
    ])
      expect(read(sql), sql).toEqual(SETTINGS);
    expect(columnsRead({ kind: 'ts', sql: undefined }, SETTINGS)).toEqual(SETTINGS);
  });

  it('leave out as_of for the conversions and their credit rows, which a day keeps by lead', () => {
    expect(read(mart('attribution_conversions'))).toEqual(['attribution_lookback_days']);
    expect(read(mart('attribution_credit_rows'))).toEqual(['time_decay_half_life_days']);
    expect(read(mart('backlog_stints'))).toContain('as_of_at');
  });
});
