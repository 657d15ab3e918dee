/*
 * channel_months counts the models in a group with one 0/1 maximum per
 * attribution model (model/cubes/channel_months.yml: additive, so its rollup
 * serves every query) instead of count(distinct model). The list of models
 * is written in three places that must agree: the cube's flags, the mart's
 * spine (model/warehouse/marts/channel_performance.sql crosses every channel
 * and month with the models) and the contract's ATTRIBUTION_MODELS. A model
 * missing from the cube would divide cost and leads by too few models.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ATTRIBUTION_MODELS } from '../../server/contract/attribution';
import { renderSql } from '../../server/warehouse/run-models';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface Measure {
  name: string;
  sql?: string;
  type: string;
}

const cube = (
  YAML.parse(readFileSync(path.join(ROOT, 'model/cubes/channel_months.yml'), 'utf8')) as {
    cubes: { name: string; measures: Measure[]; pre_aggregations?: { measures: string[] }[] }[];
  }
).cubes[0]!;

describe('channel_months counts the models with one flag per model', () => {
  const flags = cube.measures.filter((m) => m.name.startsWith('has_'));

  it('has a 0/1 maximum for each of the contract’s models, and model_count adds them all', () => {
    expect(flags.map((m) => m.name.slice('has_'.length)).sort()).toEqual([...ATTRIBUTION_MODELS].sort());
    for (const m of flags) {
      expect(m.type, m.name).toBe('max');
      expect(m.sql, m.name).toBe(`case when {CUBE}.model = '${m.name.slice('has_'.length)}' then 1 else 0 end`);
    }
    const modelCount = cube.measures.find((m) => m.name === 'model_count')!;
    expect(modelCount.type).toBe('number');
    expect(
      modelCount
        .sql!.split('+')
        .map((t) => t.trim())
        .sort(),
    ).toEqual(flags.map((m) => `{${m.name}}`).sort());
  });

  it('crosses the same models in the mart', () => {
    // as the model runner renders it: the spine names the contract's models through {{ attribution_models }}
    const sql = renderSql(
      readFileSync(path.join(ROOT, 'model/warehouse/marts/channel_performance.sql'), 'utf8'),
      'channel_performance.sql',
    );
    const spine = /attribution_models as \(\s*select unnest\(\[([^\]]*)\]\)/.exec(sql);
    expect(spine, 'the attribution_models spine of channel_performance.sql').not.toBeNull();
    const models = [...spine![1]!.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
    expect(models.sort()).toEqual([...ATTRIBUTION_MODELS].sort());
  });

  it('keeps every flag and sum in the rollup, and no distinct count', () => {
    const rollup = cube.pre_aggregations![0]!;
    const additive = cube.measures.filter((m) => m.type === 'max' || m.type === 'sum').map((m) => m.name);
    expect([...rollup.measures].sort()).toEqual(additive.sort());
    expect(cube.measures.filter((m) => m.type.startsWith('count_distinct'))).toEqual([]);
  });
});
