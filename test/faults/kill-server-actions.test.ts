/*
 * kill -9 of the server in the middle of action-log writes loses no entry that
 * was acknowledged: a real `npm start` process gets concurrent POST
 * /api/actions from 12 writers, is killed with SIGKILL while writes are in
 * flight, and a second server on the same state directory must list every
 * action whose 201 came back — and keep working (a write cut short must not
 * block the next one).
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signToken } from '../../server/auth';
import { buildRuntimeWarehouse, RUNTIME_MODEL_DIR } from '../support/runtime-fixture';
import { ROOT, sandbox, SECRET, startServerProcess, type CliProcess } from './processes';

const SEEDS = path.join(ROOT, 'test/fixtures/seeds-semantic');
const box = sandbox(SEEDS);
// The action log lives in the state directory, apart from the warehouse and the model: the servers serve the runtime
// tests' one-table warehouse and model (in UTC), so neither start builds the project model's 34 rollups.
const env = () => box.env({ REVCYCLE_MODEL: RUNTIME_MODEL_DIR, REVCYCLE_TIMEZONE: 'UTC' });
const running: CliProcess[] = [];
afterAll(async () => {
  for (const p of running) await p.kill9();
  rmSync(box.dir, { recursive: true, force: true });
});

const token = signToken(SECRET, { sub: 'faults', role: 'executive' }, 600);
const post = (url: string, body: unknown) =>
  fetch(`${url}/api/actions`, {
    method: 'POST',
    headers: { authorization: token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('kill -9 of the server during action-log writes', () => {
  it('keeps every acknowledged action', async () => {
    // Newer than the seeds: `start` finds it up to date and builds none.
    await buildRuntimeWarehouse(box.warehouse);
    const first = await startServerProcess(env());
    running.push(first);
    const acked: string[] = [];
    let sent = 0;
    let killed = false;
    const writer = async (w: number) => {
      for (let i = 0; !killed; i++) {
        sent++;
        try {
          const res = await post(first.url, { hypothesis: `writer ${w} entry ${i}`, action: 'load the log', owner: `w${w}` });
          if (res.status === 201) acked.push(((await res.json()) as { action: { id: string } }).action.id);
          else expect.fail(`POST answered ${res.status}: ${await res.text()}`);
        } catch (e) {
          if (!killed) throw e; // a connection cut by the kill is expected, nothing else is
        }
      }
    };
    const writers = Array.from({ length: 12 }, (_, w) => writer(w));
    while (acked.length < 60) await new Promise((r) => setTimeout(r, 5));
    killed = true;
    await first.kill9();
    await Promise.all(writers);
    expect(first.child.signalCode).toBe('SIGKILL');
    const inFlight = sent - acked.length;
    console.log(`acknowledged ${acked.length}, cut by the kill ${inFlight}`);

    // The log on disk is whole and holds every acknowledged entry.
    const onDisk = JSON.parse(readFileSync(path.join(box.stateDir, 'actions.json'), 'utf8')) as { actions: { id: string }[] };
    const diskIds = new Set(onDisk.actions.map((a) => a.id));
    expect(acked.filter((id) => !diskIds.has(id))).toEqual([]);
    expect(onDisk.actions.length).toBeLessThanOrEqual(acked.length + inFlight);

    // A new server on the same state directory lists them all and accepts new writes.
    const second = await startServerProcess(env());
    running.push(second);
    const listed = await fetch(`${second.url}/api/actions`, { headers: { authorization: token } });
    expect(listed.status).toBe(200);
    const ids = new Set(((await listed.json()) as { actions: { id: string }[] }).actions.map((a) => a.id));
    expect(acked.filter((id) => !ids.has(id))).toEqual([]);
    const after = await post(second.url, { hypothesis: 'after the crash', action: 'write again', owner: 'w0' });
    expect(after.status).toBe(201);
    const leftovers = readdirSync(box.stateDir).filter((f) => f !== 'actions.json');
    console.log(`files beside the log after the crash: ${leftovers.length ? leftovers.join(', ') : 'none'}`);
    await second.kill9();
  }, 180_000);
});
