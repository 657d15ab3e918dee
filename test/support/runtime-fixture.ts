/*
 * A tiny warehouse and model for the runtime tests, with figures small enough
 * to check by hand:
 *   sale 1  seo      east_team  2025-04-03 10:00 UTC  100
 *   sale 2  seo      west_team  2025-04-20 12:00 UTC  250
 *   sale 3  webinar  east_team  2025-05-02 09:30 UTC  400
 *   targets: 2025-04 → 300, 2025-05 → 500
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { DuckDBInstance } from '@duckdb/node-api';

const here = path.dirname(fileURLToPath(import.meta.url));

export const RUNTIME_MODEL_DIR = path.resolve(here, '../fixtures/model-runtime');

/** Writes the runtime warehouse to `file` (by default in a new temporary directory) and answers its path. */
export async function buildRuntimeWarehouse(
  file = path.join(mkdtempSync(path.join(os.tmpdir(), 'revcycle-runtime-')), 'warehouse.duckdb'),
): Promise<string> {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = await DuckDBInstance.create(file);
  const conn = await db.connect();
  await conn.run(`
    create table sales as select * from (values
      (1, 'seo', 'east_team', timestamp '2025-04-03 10:00:00', 100),
      (2, 'seo', 'west_team', timestamp '2025-04-20 12:00:00', 250),
      (3, 'webinar', 'east_team', timestamp '2025-05-02 09:30:00', 400)
    ) t(sale_id, channel, owner_team, sold_at, amount);
    create table monthly_targets as select * from (values
      (timestamp '2025-04-01 00:00:00', 300), (timestamp '2025-05-01 00:00:00', 500)
    ) t(month, target);
  `);
  conn.closeSync();
  db.closeSync();
  return file;
}

/** Amount and sales per month of sale, oldest first. */
export const SALES_BY_MONTH = {
  measures: ['sales_view.amount', 'sales_view.sales'],
  timeDimensions: [{ dimension: 'sales_view.sold_at', granularity: 'month' }],
  order: { 'sales_view.sold_at': 'asc' },
};

/** Amount in April 2025 against May 2025 (compareDateRange: one result set per range). */
export const APRIL_AGAINST_MAY = {
  measures: ['sales_view.amount'],
  timeDimensions: [
    {
      dimension: 'sales_view.sold_at',
      compareDateRange: [
        ['2025-04-01', '2025-04-30'],
        ['2025-05-01', '2025-05-31'],
      ],
    },
  ],
};
