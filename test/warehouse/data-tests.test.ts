import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWarehouse, WarehouseBuildError, type DataTestResult } from '../../server/warehouse/index.js';
import { ownModels, removeTempDirs, replaceText, seedsWith, tempDir } from './helpers.js';

let models: string;

beforeAll(async () => {
  models = await ownModels(await tempDir());
});
afterAll(removeTempDirs);

async function buildWith(edits: Record<string, (text: string) => string>, modelsDir = models) {
  const dir = await tempDir();
  const seeds = await seedsWith(path.join(dir, 'seeds'), edits);
  return buildWarehouse({ seedsDir: seeds, warehousePath: path.join(dir, 'warehouse.duckdb'), modelsDir, log: () => {} });
}

async function failuresOf(edits: Record<string, (text: string) => string>) {
  const error = await buildWith(edits).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WarehouseBuildError);
  return error as WarehouseBuildError;
}

function failure(error: WarehouseBuildError, model: string, name: string): DataTestResult {
  const found = error.failures.find((f) => f.model === model && f.name === name);
  if (!found) {
    throw new Error(`no failure ${model}: ${name}; got ${error.failures.map((f) => `${f.model}: ${f.name}`).join('; ')}`);
  }
  return found;
}

describe('data tests', () => {
  it('all pass on the good fixture, covering every kind of test', async () => {
    const summary = await buildWith({});
    const kinds = new Set(summary.tests.results.map((r) => r.kind));
    expect([...kinds].sort()).toEqual(['accepted_values', 'expression', 'not_null', 'relationships', 'sql', 'unique']);
    expect(summary.tests.results.filter((r) => !r.passed)).toEqual([]);
    expect(summary.tests.run).toBeGreaterThan(80);
  });

  it('not_null fails on an empty owner_team', async () => {
    const error = await failuresOf({
      'leads.csv': replaceText(
        'hanako@acme.example,A1,2025-04-10T14:00:00+09:00,webinar,field_staff,east_team',
        'hanako@acme.example,A1,2025-04-10T14:00:00+09:00,webinar,field_staff,',
      ),
    });
    const f = failure(error, 'stg_leads', 'not_null(owner_team)');
    expect(f.failingRows).toBe(1);
    expect(f.sample).toEqual([{ lead_id: 'L2', owner_team: null }]);
    expect(error.message).toContain('✗ stg_leads: not_null(owner_team): 1 failing row\n    lead_id=L2, owner_team=null');
    expect(error.message).toMatch(/warehouse\.duckdb is unchanged/);
  });

  it('unique fails on an email that differs only in case', async () => {
    const error = await failuresOf({ 'leads.csv': replaceText('hanako@acme.example', 'TARO.yamada@acme.EXAMPLE') });
    const f = failure(error, 'stg_leads', 'unique(email)');
    expect(f.failingRows).toBe(2);
    expect(f.sample.map((r) => r.lead_id)).toEqual(['L1', 'L2']);
  });

  it('relationships fails on a touchpoint of an unknown lead', async () => {
    const error = await failuresOf({ 'touchpoints.csv': replaceText('P05,L2,', 'P05,L9,') });
    const f = failure(error, 'stg_touchpoints', 'relationships(lead_id → stg_leads.lead_id)');
    expect(f.sample).toEqual([{ touchpoint_id: 'P05', lead_id: 'L9' }]);
    expect(error.message).toContain('touchpoint_id=P05, lead_id=L9');
  });

  it('accepted_values fails on an unknown opportunity status', async () => {
    const error = await failuresOf({ 'opportunities.csv': replaceText(',,open,', ',,pending,') });
    expect(failure(error, 'stg_opportunities', 'accepted_values(status)').sample).toEqual([
      { opportunity_id: 'O2', status: 'pending' },
    ]);
  });

  it('an expression test fails on a negative amount and on a won deal without closed_at', async () => {
    const error = await failuresOf({
      'opportunities.csv': (t) => t.replace(',won,1200000,', ',won,-5,').replace('2025-07-10T17:00:00+09:00,lost', ',lost'),
    });
    const negative = failure(error, 'stg_opportunities', 'amount_not_negative');
    expect(negative.sample).toHaveLength(1);
    expect(negative.sample[0]).toMatchObject({ opportunity_id: 'O1', amount: '-5' });
    const unclosed = failure(error, 'stg_opportunities', 'closed_at_set_exactly_when_won_or_lost');
    expect(unclosed.sample[0]).toMatchObject({ opportunity_id: 'O3', status: 'lost', closed_at: null });
  });

  it('sql tests fail on two transitions of a lead at one instant and on a broken stage chain', async () => {
    const error = await failuresOf({
      'stage_transitions.csv': (t) =>
        t
          .replace('T03,L1,mql,sal,2025-04-12T09:00:00+09:00', 'T03,L1,mql,sal,2025-04-10T09:00:00+09:00')
          .replace('T10,L2,recycled,mql,', 'T10,L2,lead,mql,'),
    });
    const sameInstant = failure(error, 'stg_stage_transitions', 'no_two_transitions_of_a_lead_at_one_instant');
    expect(sameInstant.sample.map((r) => r.transition_id)).toEqual(['T02', 'T03']);
    const chain = failure(error, 'stg_stage_transitions', 'transition_leaves_the_stage_previously_entered');
    expect(chain.sample).toEqual([
      expect.objectContaining({ transition_id: 'T10', from_stage: 'lead', previous_to_stage: 'recycled' }),
    ]);
    expect(error.failures.map((f) => f.name).sort()).toEqual([
      'no_two_transitions_of_a_lead_at_one_instant',
      'transition_leaves_the_stage_previously_entered',
    ]);
  });

  it('a touch after the end of the as_of day fails; one late on that day passes', async () => {
    const error = await failuresOf({
      'touchpoints.csv': replaceText('P10,L1,2025-09-30T23:00:00+09:00', 'P10,L1,2025-10-01T00:00:00+09:00'),
    });
    expect(failure(error, 'stg_touchpoints', 'occurred_not_after_as_of').sample[0]).toMatchObject({
      touchpoint_id: 'P10',
      occurred_at: '2025-09-30 15:00:00',
    });
  });

  it('an unknown test kind in a YAML file stops the build, naming the file', async () => {
    const broken = await ownModels(await tempDir());
    await writeFile(path.join(broken, 'staging', 'stg_leads.yml'), 'model: stg_leads\ncolumns:\n  persona: [not_empty]\n');
    await expect(buildWith({}, broken)).rejects.toThrow(
      /staging\/stg_leads\.yml: columns\.persona has an unknown test "not_empty"/,
    );
  });

  it('a test query that errors counts as a failure', async () => {
    const broken = await ownModels(await tempDir());
    await writeFile(
      path.join(broken, 'staging', 'stg_leads.yml'),
      // Beside passing tests of the same table, which are counted in the same scan (data-tests.ts): the scan's
      // error must not fail them, and the broken one must report its own error.
      'model: stg_leads\ncolumns:\n  lead_id: [not_null, unique]\ntests:\n' +
        '  - {name: bad_column, expression: "no_such_column > 0"}\n' +
        '  - {name: created_at_set, expression: "created_at is not null"}\n',
    );
    const error = (await buildWith({}, broken).then(
      () => undefined,
      (e: unknown) => e,
    )) as WarehouseBuildError;
    expect(error).toBeInstanceOf(WarehouseBuildError);
    expect(error.message).toMatch(/✗ stg_leads: bad_column: the test query failed: .*no_such_column/);
    expect(error.failures.map((f) => `${f.model}: ${f.name}`)).toEqual(['stg_leads: bad_column']);
  });

  it('a relationships test counted in its table scan fails on a parent field that does not exist', async () => {
    // In the scan the parent's field is qualified: unqualified, a missing field would name the child's own column
    // and the test could never fail.
    const broken = await ownModels(await tempDir());
    const file = path.join(broken, 'staging', 'stg_touchpoints.yml');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace('{to: stg_leads, field: lead_id}', '{to: stg_accounts, field: lead_id}'),
    );
    const error = (await buildWith({}, broken).then(
      () => undefined,
      (e: unknown) => e,
    )) as WarehouseBuildError;
    expect(error).toBeInstanceOf(WarehouseBuildError);
    expect(error.failures.map((f) => `${f.model}: ${f.name}`)).toEqual([
      'stg_touchpoints: relationships(lead_id → stg_accounts.lead_id)',
    ]);
    expect(error.failures[0]!.error).toMatch(/lead_id/);
  });
});

describe('data tests in an incremental build', () => {
  async function previousAndNext(edits: Record<string, (text: string) => string>) {
    const dir = await tempDir();
    const warehousePath = path.join(dir, 'warehouse.duckdb');
    await buildWarehouse({ seedsDir: await seedsWith(path.join(dir, 'seeds')), warehousePath, modelsDir: models, log: () => {} });
    const next = await seedsWith(path.join(dir, 'next'), edits);
    return buildWarehouse({ seedsDir: next, warehousePath, modelsDir: models, incremental: true, log: () => {} });
  }

  it('runs the tests that read a changed table and reuses those whose tables are the previous build’s', async () => {
    // One lead's persona changes: stg_leads differs, stg_touchpoints (its own file unchanged) does not.
    const summary = await previousAndNext({ 'leads.csv': replaceText('webinar,field_staff,east_team', 'webinar,it,east_team') });
    expect(summary.incremental!.changedStaging).toEqual(['stg_leads']);
    const result = (model: string, name: string) => summary.tests.results.find((r) => r.model === model && r.name === name)!;
    expect(result('stg_leads', 'unique(lead_id)').reused).toBeUndefined();
    expect(result('stg_touchpoints', 'not_null(touchpoint_id)').reused).toBe(true);
    // stg_touchpoints is unchanged, but the test reads stg_leads too
    expect(result('stg_touchpoints', 'relationships(lead_id → stg_leads.lead_id)').reused).toBeUndefined();
    expect(result('stg_opportunities', 'not_null(opportunity_id)').reused).toBe(true);
    const reused = summary.tests.results.filter((r) => r.reused);
    expect(reused.every((r) => r.passed && r.model !== 'stg_leads')).toBe(true);
    expect(summary.tests.reused).toBe(reused.length);
    expect(summary.report).toContain(
      `data tests: ${summary.tests.run} of ${summary.tests.run} passed, ${reused.length} of them as the previous build passed them`,
    );
  });

  it('fails on a changed table that breaks a test of an unchanged one, naming the rows', async () => {
    // L2 renamed: touchpoint P05 (in an unchanged file) now names a lead that is gone
    const error = (await previousAndNext({ 'leads.csv': replaceText('L2,hanako@', 'L7,hanako@') }).then(
      () => undefined,
      (e: unknown) => e,
    )) as WarehouseBuildError;
    expect(error).toBeInstanceOf(WarehouseBuildError);
    const f = failure(error, 'stg_touchpoints', 'relationships(lead_id → stg_leads.lead_id)');
    expect(f.sample).toContainEqual({ touchpoint_id: 'P05', lead_id: 'L2' });
    expect(error.message).toMatch(/warehouse\.duckdb is unchanged/);
  });
});
