/*
 * Who owns what, over real HTTP against the real server:
 *   - a running query belongs to its sender: another token cannot cancel it
 *     or read its SQL, nor reuse its request id; the sender can cancel it;
 *   - the anonymous local session is a read-only viewer without personal data;
 *   - the personal-data rule (security/policy.ts) per role and route: Cube
 *     queries and /meta, a lead's journey, the import's quarantine file;
 *   - an action belongs to a team or the company: a team reads and changes
 *     its own, executives and analysts the company's.
 * The warehouse is the security fixture plus 3 M generated leads (so that a
 * query runs long enough to be cancelled) and the few journey tables the
 * journey route reads, with the emails of the fixture's leads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LEADS, SECURITY_MODEL_DIR } from '../support/security-fixture';
import { buildHeavyWarehouse, HEAVY_QUERY as HEAVY } from './heavy-fixture';
import { startTestServer, type TestServer } from '../support/server';
import { tempDir } from '../support/browser';

let t: TestServer;
let warehouse: string;
let importsDir: string;
const ROLES = ['executive', 'analyst', 'team:east_team', 'agency:seo,ads'];
const IMPORT_ID = '20261201T000000000Z-hubspot';

beforeAll(async () => {
  warehouse = await buildHeavyWarehouse(3_000_000);
  importsDir = tempDir('revcycle-imports-');
  mkdirSync(path.join(importsDir, IMPORT_ID), { recursive: true });
  writeFileSync(
    path.join(importsDir, IMPORT_ID, 'quarantine.csv'),
    'file,line,reason,email\nleads.csv,3,bad date,aoki@example.com\n',
  );
  writeFileSync(
    path.join(importsDir, IMPORT_ID, 'manifest.json'),
    JSON.stringify({ id: IMPORT_ID, asOf: '2026-12-01', timeZone: 'UTC', tables: {}, sources: {}, complete: true }),
  );
  t = await startTestServer({
    warehousePath: warehouse,
    modelDir: SECURITY_MODEL_DIR,
    dashboardDist: '/nonexistent',
    timeZone: 'UTC',
    stateDir: tempDir('revcycle-ownership-state-'),
    importsDir,
  });
}, 240_000);
afterAll(async () => {
  await t?.server.close();
  rmSync(warehouse, { force: true });
});

describe('a running query belongs to its sender', () => {
  it('another token can neither cancel it, nor read its SQL, nor reuse its request id; its sender cancels it', async () => {
    const victim = t.token({ role: 'executive', sub: 'victim' });
    const requestId = `victim-${Date.now()}`;
    const running = t.request('/cubejs-api/v1/load', {
      method: 'POST',
      token: victim,
      headers: { 'x-request-id': requestId },
      body: JSON.stringify({
        query: { ...HEAVY, filters: [{ member: 'leads_view.channel', operator: 'notEquals', values: [requestId] }] },
      }),
    });
    await new Promise((r) => setTimeout(r, 400));
    const cancel = (token: string) => t.request(`/cubejs-api/v1/running-query/${requestId}`, { method: 'DELETE', token });
    const metaOnly = await cancel(t.token({ role: 'agency:seo', sub: 'attacker', scopes: ['meta'] }));
    expect(metaOnly.status).toBe(403);
    for (const attacker of [
      t.token({ role: 'agency:seo', sub: 'attacker' }),
      t.token({ role: 'executive', sub: 'another-executive' }),
    ]) {
      const res = await cancel(attacker);
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toMatch(/select|leads_view|victim/i);
    }
    const reuse = await t.request('/cubejs-api/v1/load', {
      method: 'POST',
      token: t.token({ role: 'agency:seo', sub: 'attacker' }),
      headers: { 'x-request-id': requestId },
      body: JSON.stringify({ query: { measures: ['leads_view.amount'] } }),
    });
    expect(reuse.status).toBe(409);
    const own = await cancel(victim);
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    const result = await running;
    expect(result.status).not.toBe(500);
    // a finished request's id is free again, and no one may cancel it
    expect((await cancel(victim)).status).toBe(404);
  });
});

describe('the anonymous local session', () => {
  it('is a read-only viewer without personal data, and stays so when exchanged', async () => {
    const session = await t.request('/api/session', { method: 'POST', token: null });
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({ role: 'executive', readOnly: true });
    const token = session.body.token as string;
    expect((await t.request('/api/actions', { token })).status).toBe(200);
    const write = await t.request('/api/actions', {
      method: 'POST',
      token,
      body: JSON.stringify({ hypothesis: 'h', action: 'a', owner: 'o' }),
    });
    expect(write.status).toBe(403);
    expect(write.body.error).toMatch(/read-only/);
    expect((await t.load({ dimensions: ['leads_view.email'] }, { token })).status).toBe(403);
    const journey = await t.request('/api/leads/L1/journey', { token });
    expect(journey.status).toBe(200);
    expect(journey.body.lead.email).toBeNull();
    const exchanged = await t.request('/api/session', { method: 'POST', token: `Bearer ${token}` });
    expect(exchanged.body.readOnly).toBe(true);
    const again = await t.request('/api/actions', {
      method: 'POST',
      token: exchanged.body.token,
      body: JSON.stringify({ hypothesis: 'h', action: 'a', owner: 'o' }),
    });
    expect(again.status).toBe(403);
  });
});

describe('personal data: one rule, every route', () => {
  // SECURITY.md's role table: only analysts see personal data.
  const allowed: Record<string, boolean> = {
    executive: false,
    analyst: true,
    'team:east_team': false,
    'agency:seo,ads': false,
  };
  for (const role of ROLES) {
    it(`${role}: Cube queries and /meta`, async () => {
      const token = t.token({ role });
      const res = await t.load(
        { dimensions: ['leads_view.email'], filters: [{ member: 'leads_view.lead_id', operator: 'startsWith', values: ['L'] }] },
        { token },
      );
      if (allowed[role]) {
        expect(res.status).toBe(200);
        expect(res.body.data.map((r: Record<string, string>) => r['leads_view.email']).sort()).toEqual(
          LEADS.map((l) => l.email).sort(),
        );
      } else {
        expect(res.status).toBe(403);
        expect(res.body.error).toMatch(/personal data/);
      }
      const meta = await t.request('/cubejs-api/v1/meta', { token });
      const members = meta.body.cubes.flatMap((c: { dimensions: { name: string }[] }) => c.dimensions.map((d) => d.name));
      expect(members.includes('leads_view.email')).toBe(allowed[role]);
    });
    it(`${role}: a lead's journey`, async () => {
      const res = await t.request('/api/leads/L1/journey', { token: t.token({ role }) });
      if (role.startsWith('team') || role.startsWith('agency')) {
        expect(res.status).toBe(403);
        expect(res.body.error).toMatch(/journey/);
        expect(res.body.error).not.toMatch(/action log/);
        return;
      }
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.lead.email).toBe(allowed[role] ? 'aoki@example.com' : null);
      for (const other of res.body.accountLeads) expect(other.email === null).toBe(!allowed[role]);
      expect(res.body.accountLeads.length).toBe(LEADS.length - 1);
    });
    it(`${role}: the import's quarantine file`, async () => {
      const res = await t.request(`/api/imports/${IMPORT_ID}/quarantine.csv`, { token: t.token({ role }) });
      if (allowed[role]) {
        expect(res.status).toBe(200);
        expect(String(res.body)).toContain('aoki@example.com');
      } else {
        expect(res.status).toBe(403);
        expect(JSON.stringify(res.body)).not.toContain('aoki');
      }
    });
  }
});

describe('actions have an owner', () => {
  const body = (hypothesis: string) => JSON.stringify({ hypothesis, action: 'a', owner: 'o' });
  const create = async (role: string, hypothesis: string) => {
    const res = await t.request('/api/actions', { method: 'POST', token: t.token({ role }), body: body(hypothesis) });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.action as { id: string; team: string | null };
  };
  it('a team reads and changes its own; executives the company’s', async () => {
    const company = await create('executive', 'company-wide');
    const east = await create('team:east_team', 'east only');
    const west = await create('team:west_team', 'west only');
    expect([company.team, east.team, west.team]).toEqual([null, 'east_team', 'west_team']);
    // the body cannot choose the owner
    const forged = await t.request('/api/actions', {
      method: 'POST',
      token: t.token({ role: 'team:east_team' }),
      body: JSON.stringify({ hypothesis: 'h', action: 'a', owner: 'o', team: null }),
    });
    expect(forged.status).toBe(400);

    const list = async (role: string) =>
      ((await t.request('/api/actions', { token: t.token({ role }) })).body.actions as { id: string }[]).map((a) => a.id);
    expect(await list('team:east_team')).toEqual([east.id]);
    expect(await list('team:west_team')).toEqual([west.id]);
    expect(await list('executive')).toEqual(expect.arrayContaining([company.id, east.id, west.id]));

    const east_ = t.token({ role: 'team:east_team' });
    const patch = (id: string, token: string) =>
      t.request(`/api/actions/${id}`, { method: 'PATCH', token, body: JSON.stringify({ status: 'done' }) });
    const del = (id: string, token: string) => t.request(`/api/actions/${id}`, { method: 'DELETE', token });
    for (const id of [company.id, west.id]) {
      expect((await t.request(`/api/actions/${id}`, { token: east_ })).status).toBe(404);
      expect((await patch(id, east_)).status).toBe(404);
      expect((await del(id, east_)).status).toBe(404);
    }
    const executive = t.token({ role: 'executive' });
    const refused = await patch(east.id, executive);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatch(/team east_team/);
    expect((await del(east.id, executive)).status).toBe(403);
    expect((await patch(east.id, east_)).status).toBe(200);
    expect((await patch(company.id, executive)).status).toBe(200);
    expect((await patch(company.id, t.token({ role: 'analyst' }))).status).toBe(200);
    expect((await del(east.id, east_)).status).toBe(204);
    expect(await list('executive')).not.toContain(east.id);
  });
});
