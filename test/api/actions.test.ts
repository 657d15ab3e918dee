/*
 * The PDCA action log API (/api/actions) over HTTP against the real server:
 * auth, validation naming the field, CRUD, atomic persistence in the state
 * directory across a server restart and a warehouse rebuild (a new warehouse
 * file), concurrent writes, and a corrupt log that is reported, not
 * overwritten. The small runtime model stands in for the semantic layer: the
 * action log does not depend on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildRuntimeWarehouse, RUNTIME_MODEL_DIR } from '../support/runtime-fixture';
import { startTestServer, type TestServer } from '../support/server';
import { tempDir } from '../support/browser';

let stateDir: string;
let t: TestServer;

const start = async (warehousePath: string) =>
  startTestServer({ warehousePath, modelDir: RUNTIME_MODEL_DIR, dashboardDist: '/nonexistent', stateDir });

const valid = {
  hypothesis: 'MQL → SAL fell because follow-up is slow',
  action: 'Call every new MQL within 24 hours',
  owner: 'IS team',
  dueDate: '2026-12-15',
  linkedMetric: 'kpi_tree:conversion:mql->sal',
  period: 'FY2026-Q3',
};

const post = (body: unknown, token?: string | null) =>
  t.request('/api/actions', {
    method: 'POST',
    body: JSON.stringify(body),
    token: token === undefined ? `Bearer ${t.token()}` : token,
  });

beforeAll(async () => {
  stateDir = tempDir('revcycle-actions-');
  t = await start(await buildRuntimeWarehouse());
});
afterAll(async () => {
  await t?.server.close();
});

describe('auth', () => {
  it('refuses requests without a token (401)', async () => {
    expect((await t.request('/api/actions', { token: null })).status).toBe(401);
    expect((await post(valid, null)).status).toBe(401);
  });
  it('refuses a token signed with another secret (401)', async () => {
    const { signToken } = await import('../../server/auth');
    expect((await t.request('/api/actions', { token: signToken('another-secret-0123456789', {}, 60) })).status).toBe(401);
  });
  it('refuses a token whose scopes leave out data (403)', async () => {
    expect((await t.request('/api/actions', { token: t.token({ scopes: ['meta'] }) })).status).toBe(403);
  });
  it('accepts the dashboard’s session token, raw or as Bearer', async () => {
    const session = await t.request('/api/session', { method: 'POST', token: null });
    expect((await t.request('/api/actions', { token: session.body.token })).status).toBe(200);
    expect((await t.request('/api/actions', { token: `Bearer ${session.body.token}` })).status).toBe(200);
  });
});

describe('validation names the field (400)', () => {
  it.each([
    ['an empty hypothesis', { ...valid, hypothesis: '' }, 'hypothesis'],
    ['a missing hypothesis', { action: 'a', owner: 'o' }, 'hypothesis'],
    ['an owner that is not a string', { ...valid, owner: 42 }, 'owner'],
    ['a date that does not exist', { ...valid, dueDate: '2026-02-30' }, 'dueDate'],
    ['a start date that is not a day', { ...valid, startDate: '2026-13-01' }, 'startDate'],
    ['a KPI node that is not text', { ...valid, kpiNode: 7 }, 'kpiNode'],
    ['an unknown status', { ...valid, status: 'closed' }, 'status'],
    ['a result that is not text', { ...valid, result: ['x'] }, 'result'],
    ['an id chosen by the client', { ...valid, id: 'mine' }, 'id'],
    ['a timestamp set by the client', { ...valid, createdAt: '2020-01-01' }, 'createdAt'],
    ['a hypothesis over 2,000 characters', { ...valid, hypothesis: 'x'.repeat(2001) }, 'hypothesis'],
    ['an array instead of an object', [valid], 'body'],
  ])('%s → %s', async (_name, body, field) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
    expect(res.body.error).toMatch(new RegExp(field === 'body' ? 'object' : field));
  });
  it('refuses an empty or invalid patch', async () => {
    const created = (await post(valid)).body.action;
    const empty = await t.request(`/api/actions/${created.id}`, { method: 'PATCH', body: '{}', token: `Bearer ${t.token()}` });
    expect([empty.status, empty.body.field]).toEqual([400, 'body']);
    const bad = await t.request(`/api/actions/${created.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ status: 'finished' }),
      token: `Bearer ${t.token()}`,
    });
    expect([bad.status, bad.body.field]).toEqual([400, 'status']);
    await t.request(`/api/actions/${created.id}`, { method: 'DELETE', token: `Bearer ${t.token()}` });
  });
});

describe('create, read, edit, close, delete', () => {
  let id: string;
  it('creates with server-set id, status and timestamps (201)', async () => {
    const res = await post(valid);
    expect(res.status).toBe(201);
    expect(res.body.action).toMatchObject({ ...valid, status: 'open', result: null });
    expect(res.body.action.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.action.createdAt).toBe(res.body.action.updatedAt);
    id = res.body.action.id;
  });
  it('reads one and lists, newest first, filtered by status', async () => {
    expect((await t.request(`/api/actions/${id}`)).body.action.id).toBe(id);
    expect((await t.request('/api/actions/no-such-id')).status).toBe(404);
    const second = (await post({ ...valid, hypothesis: 'second', status: 'in_progress' })).body.action;
    const all = (await t.request('/api/actions')).body.actions;
    expect(all[0].id).toBe(second.id);
    expect((await t.request('/api/actions?status=in_progress')).body.actions.map((a: { id: string }) => a.id)).toEqual([
      second.id,
    ]);
    expect((await t.request('/api/actions?status=bogus')).body.field).toBe('status');
  });
  it('edits some fields and closes with a result', async () => {
    await new Promise((r) => setTimeout(r, 5));
    const res = await t.request(`/api/actions/${id}`, {
      method: 'PATCH',
      body: JSON.stringify({ status: 'done', result: 'MQL → SAL back to 70 %', dueDate: null }),
      token: `Bearer ${t.token()}`,
    });
    expect(res.status).toBe(200);
    expect(res.body.action).toMatchObject({
      id,
      hypothesis: valid.hypothesis,
      status: 'done',
      result: 'MQL → SAL back to 70 %',
      dueDate: null,
    });
    expect(res.body.action.updatedAt > res.body.action.createdAt).toBe(true);
  });
  it('deletes (204), then 404', async () => {
    const doomed = (await post({ ...valid, hypothesis: 'to delete' })).body.action;
    expect((await t.request(`/api/actions/${doomed.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await t.request(`/api/actions/${doomed.id}`, { method: 'DELETE' })).status).toBe(404);
  });
});

describe('the KPI an action aims at', () => {
  it('keeps the KPI tree node and the start date, and reads actions written before them as null', async () => {
    const created = (await post({ ...valid, kpiNode: 'conversion:mql->sal', startDate: '2026-09-01' })).body.action;
    expect(created).toMatchObject({ kpiNode: 'conversion:mql->sal', startDate: '2026-09-01' });
    const file = path.join(stateDir, 'actions.json');
    const data = JSON.parse(readFileSync(file, 'utf8'));
    const old = { ...data.actions[0], id: 'written-before-kpi-node' };
    delete old.kpiNode;
    delete old.startDate;
    writeFileSync(file, JSON.stringify({ ...data, actions: [...data.actions, old] }));
    const read = (await t.request('/api/actions/written-before-kpi-node')).body.action;
    expect([read.kpiNode, read.startDate]).toEqual([null, null]);
    const patched = await t.request(`/api/actions/${created.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ startDate: null }),
      token: `Bearer ${t.token()}`,
    });
    expect(patched.body.action).toMatchObject({ kpiNode: 'conversion:mql->sal', startDate: null });
    for (const id of [created.id, old.id])
      await t.request(`/api/actions/${id}`, { method: 'DELETE', token: `Bearer ${t.token()}` });
  });
});

describe('persistence', () => {
  it('keeps every one of concurrent writes', async () => {
    const before = (await t.request('/api/actions')).body.actions.length;
    await Promise.all(Array.from({ length: 20 }, (_, i) => post({ ...valid, hypothesis: `parallel ${i}` })));
    expect((await t.request('/api/actions')).body.actions.length).toBe(before + 20);
  });

  it('writes one JSON file atomically, leaving no temporary files', () => {
    const files = readdirSync(stateDir);
    expect(files.filter((f) => f.startsWith('actions.json'))).toEqual(['actions.json']);
    const onDisk = JSON.parse(readFileSync(path.join(stateDir, 'actions.json'), 'utf8'));
    expect(onDisk.version).toBe(1);
    expect(onDisk.actions.length).toBeGreaterThan(20);
  });

  it('survives a server restart and a warehouse rebuild (a new warehouse file)', async () => {
    const before = (await t.request('/api/actions')).body.actions;
    await t.server.close();
    t = await start(await buildRuntimeWarehouse());
    const after = (await t.request('/api/actions')).body.actions;
    expect(after).toEqual(before);
    expect(after.find((a: { status: string; result: string }) => a.status === 'done')?.result).toBe('MQL → SAL back to 70 %');
  });

  it('reports a corrupt log by name and never overwrites it', async () => {
    const file = path.join(stateDir, 'actions.json');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, '{"actions": [oops');
    try {
      const list = await t.request('/api/actions');
      expect(list.status).toBe(500);
      expect(list.body.error).toContain('actions.json');
      expect((await post(valid)).status).toBe(500);
      expect(readFileSync(file, 'utf8')).toBe('{"actions": [oops');
    } finally {
      writeFileSync(file, good);
    }
    expect((await t.request('/api/actions')).status).toBe(200);
  });
});
