/*
 * The vocabulary has one owner (server/contract/vocabulary.ts): the bundled
 * seeds are the generator's output of its rows, its funnel list is its stage
 * table's, and the fiscal-year rule's TypeScript functions and their SQL
 * twins (the marts' macros) give the same answer for every month and start.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  CHANNEL_DEFINITIONS,
  DEFAULT_FISCAL_YEAR_START_MONTH,
  DEFAULT_TIME_ZONE,
  fiscalMonthNumber,
  fiscalMonthNumberSql,
  fiscalYearOfMonth,
  fiscalYearSql,
  FUNNEL_STAGES,
  SETTING_DEFAULTS,
  STAGE_DEFINITIONS,
  TOUCH_TYPE_DEFINITIONS,
} from '../../server/contract/vocabulary';
import { projectRoot } from '../../server/config';

const seed = (name: string) =>
  parse(readFileSync(path.join(projectRoot, 'seeds', name), 'utf8'), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];

describe('the bundled seeds are the vocabulary', () => {
  it('stages.csv', () => {
    expect(seed('stages.csv')).toEqual(
      STAGE_DEFINITIONS.map((s) => ({
        stage: s.stage,
        stage_order: String(s.order),
        label_ja: s.labelJa,
        label_en: s.labelEn,
        team: s.team,
        sla_days: s.slaDays === null ? '' : String(s.slaDays),
        is_funnel: String(s.isFunnel),
      })),
    );
    expect(STAGE_DEFINITIONS.filter((s) => s.isFunnel).map((s) => s.stage)).toEqual([...FUNNEL_STAGES]);
  });

  it('channels.csv and touch_types.csv', () => {
    expect(seed('channels.csv')).toEqual(
      CHANNEL_DEFINITIONS.map((c) => ({
        channel: c.channel,
        label_ja: c.labelJa,
        label_en: c.labelEn,
        is_paid: String(c.isPaid),
      })),
    );
    expect(seed('touch_types.csv')).toEqual(
      TOUCH_TYPE_DEFINITIONS.map((t) => ({ touch_type: t.touchType, label_ja: t.labelJa, label_en: t.labelEn })),
    );
  });

  it('settings.csv holds the defaults, the zone and the April fiscal year among them', () => {
    const settings = Object.fromEntries(seed('settings.csv').map((r) => [r.key!, r.value!]));
    for (const [key, value] of Object.entries(SETTING_DEFAULTS)) {
      expect(settings[key === 'time_zone' ? 'timezone' : key], key).toBe(String(value));
    }
    expect([DEFAULT_TIME_ZONE, DEFAULT_FISCAL_YEAR_START_MONTH]).toEqual(['Asia/Tokyo', 4]);
  });
});

describe('the fiscal-year rule', () => {
  it('names a fiscal year for the calendar year it starts in', () => {
    expect(fiscalYearOfMonth(2026, 3, 4)).toBe(2025);
    expect(fiscalYearOfMonth(2026, 4, 4)).toBe(2026);
    expect(fiscalYearOfMonth(2026, 1, 1)).toBe(2026);
    expect(fiscalYearOfMonth(2026, 12, 1)).toBe(2026);
    expect([fiscalMonthNumber(4, 4), fiscalMonthNumber(3, 4), fiscalMonthNumber(1, 1)]).toEqual([1, 12, 1]);
  });

  it('its SQL twins answer as the functions do, for every month and start month (DuckDB)', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    try {
      const reader = await conn.runAndReadAll(
        `select start, month, cast(${fiscalYearSql('d', 'start')} as integer) as fy,
                cast(${fiscalMonthNumberSql('d', 'start')} as integer) as n
         from range(1, 13) as s(start), range(1, 13) as m(month),
              lateral (select make_date(2026, cast(month as integer), 15) as d)`,
      );
      const rows = reader.getRowObjectsJS();
      expect(rows).toHaveLength(144);
      for (const r of rows) {
        const [start, month] = [Number(r.start), Number(r.month)];
        expect([Number(r.fy), Number(r.n)], `${month}/${start}`).toEqual([
          fiscalYearOfMonth(2026, month, start),
          fiscalMonthNumber(month, start),
        ]);
      }
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });
});
