/*
 * Channels and touch types come from the data (channels.csv, touch_types.csv),
 * not from fixed lists: a channel the table does not list fails the build's
 * relationships test naming the value, the same channel listed in the
 * table builds, and a seed directory without the two files gets the bundled
 * lists (seeds/channels.csv, seeds/touch_types.csv).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWarehouse, WarehouseBuildError } from '../../server/warehouse/index.js';
import { ownModels, query, removeTempDirs, REPO_ROOT, replaceText, seedsWith, tempDir } from './helpers.js';

let models: string;
let bundledChannels: string;

beforeAll(async () => {
  models = await ownModels(await tempDir());
  bundledChannels = await readFile(path.join(REPO_ROOT, 'seeds', 'channels.csv'), 'utf8');
});
afterAll(removeTempDirs);

async function build(edits: Record<string, (text: string) => string>, extraFiles: Record<string, string> = {}) {
  const dir = await tempDir();
  const seeds = await seedsWith(path.join(dir, 'seeds'), edits);
  for (const [name, text] of Object.entries(extraFiles)) await writeFile(path.join(seeds, name), text);
  const warehousePath = path.join(dir, 'warehouse.duckdb');
  const summary = await buildWarehouse({ seedsDir: seeds, warehousePath, modelsDir: models, log: () => {} });
  return { summary, warehousePath };
}

const podcastTouch = {
  'touchpoints.csv': replaceText('P06,L3,2025-05-01T09:30:00+09:00,direct,', 'P06,L3,2025-05-01T09:30:00+09:00,podcast,'),
};

describe('channels from the data', () => {
  it('an unknown channel fails the relationships test to stg_channels, naming the value', async () => {
    const error = await build(podcastTouch).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WarehouseBuildError);
    const failure = (error as WarehouseBuildError).failures.find(
      (f) => f.model === 'stg_touchpoints' && f.name === 'relationships(channel → stg_channels.channel)',
    );
    expect(failure?.sample).toEqual([{ touchpoint_id: 'P06', channel: 'podcast' }]);
    expect((error as WarehouseBuildError).message).toContain('touchpoint_id=P06, channel=podcast');
  });

  it('the same channel builds once channels.csv lists it, with its labels', async () => {
    const { summary, warehousePath } = await build(podcastTouch, {
      'channels.csv': `${bundledChannels}podcast,ポッドキャスト,Podcast,false\n`,
    });
    expect(summary.tests.failed).toBe(0);
    expect(
      await query(
        warehousePath,
        "select channel, label_ja, label_en, is_paid from staging.stg_channels where channel = 'podcast'",
      ),
    ).toEqual([{ channel: 'podcast', label_ja: 'ポッドキャスト', label_en: 'Podcast', is_paid: false }]);
    expect(await query(warehousePath, "select touchpoint_id from staging.stg_touchpoints where channel = 'podcast'")).toEqual([
      { touchpoint_id: 'P06' },
    ]);
  });

  it('an unknown touch type fails its relationships test; without the two files the bundled lists load', async () => {
    const error = await build({ 'touchpoints.csv': replaceText(',,sales_call', ',,podcast_listen') }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const failure = (error as WarehouseBuildError).failures.find(
      (f) => f.name === 'relationships(touch_type → stg_touch_types.touch_type)',
    );
    expect(failure?.sample).toEqual([{ touchpoint_id: 'P08', touch_type: 'podcast_listen' }]);

    const { warehousePath } = await build({});
    const bundled = bundledChannels
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',')[0]);
    expect(bundled).toHaveLength(11);
    expect(
      (await query(warehousePath, 'select channel from staging.stg_channels order by channel')).map((r) => r.channel),
    ).toEqual([...bundled].sort());
    expect(await query(warehousePath, 'select count(*)::integer as n from staging.stg_touch_types')).toEqual([{ n: 9 }]);
  });
});
