/*
 * The schedule runner, inside every server process (started by app.ts); the
 * one holding the runner lock (runner-lock.ts) runs due schedules and sends,
 * the others stand by. Each pass:
 *
 *   1. reads the schedules file (schedules.ts) and the delivery log;
 *   2. for each schedule whose next due time (after its last run, or after it
 *      was first seen) has come, plans the run's messages and writes them to
 *      the log as `due` BEFORE sending. Several due times missed while no
 *      server ran make one catch-up run, for the latest of them;
 *   3. sends every pending delivery whose retry time has come; a failure is
 *      logged with the next retry, REVCYCLE_DELIVERY_BACKOFF_MS doubling per
 *      attempt, until REVCYCLE_DELIVERY_ATTEMPTS have failed.
 *
 * It wakes at the next due time, the next retry, or every
 * REVCYCLE_SCHEDULE_TICK_SECONDS (to renew the lock and see a changed file),
 * whichever comes first. Log lines name schedules, keys, targets and errors
 * (channels.ts cuts secrets from errors), never a URL or key.
 */
import { existsSync } from 'node:fs';
import { ConfigError, type Config } from '../config.js';
import { parseTarget, send } from './channels.js';
import { cubeLoader, warehouseZone, type CubeLoad } from './cube-load.js';
import { loadDeliverConfig, type DeliverConfig } from './deliver-config.js';
import { DeliveryLog, type DeliveryState, type LogState, type PlannedDelivery } from './delivery-log.js';
import { leaseFileLock, pgAdvisoryLock, type RunnerLock } from './runner-lock.js';
import { cronOf, loadSchedules, ScheduleFileError, type Schedule } from './schedules.js';
import { planSlaAlert, planWeeklySummary } from './sla-messages.js';
import { ActionStore } from '../api/actions.js';
import { planPack } from '../report/pack-delivery.js';

export interface ScheduleRunner {
  /** One pass now (tests; the timer calls it too). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

const ZONE_CACHE_MS = 10 * 60_000;

/** The latest due time of `schedule` after `since` and not after `now`, or null. */
export function latestDue(schedule: Schedule, zone: string, since: Date, now: Date): Date | null {
  const cron = cronOf(schedule.rule, zone);
  let due = cron.nextRun(since);
  if (!due || due > now) return null;
  for (let next = cron.nextRun(due); next && next <= now; next = cron.nextRun(due)) due = next;
  return due;
}

export function nextDue(schedule: Schedule, zone: string, after: Date): Date | null {
  return cronOf(schedule.rule, zone).nextRun(after);
}

export function lastRunOf(state: LogState, scheduleId: string) {
  return state.runs.filter((r) => r.schedule === scheduleId).at(-1);
}

export function startScheduleRunner(config: Config, serverUrl: string, env: NodeJS.ProcessEnv = process.env): ScheduleRunner {
  let deliver: DeliverConfig;
  try {
    deliver = loadDeliverConfig(config, env);
  } catch (e) {
    // A delivery setting wrong in the environment stops the schedules, not the server: GET /api/schedules
    // and the Data page show the same reason.
    if (!(e instanceof ConfigError)) throw e;
    console.error(`[schedules] not started: ${e.message}`);
    return { tick: async () => {}, stop: async () => {} };
  }
  const log = new DeliveryLog(config.stateDir);
  const lock: RunnerLock = config.warehouseUrl
    ? pgAdvisoryLock(config.warehouseUrl)
    : leaseFileLock(config.stateDir, Math.max(60_000, 3 * deliver.tickSeconds * 1000));
  const load: CubeLoad = cubeLoader(config, serverUrl);
  const publicUrl = deliver.publicUrl ?? serverUrl;
  const say = (line: string) => console.log(`[schedules] ${line}`);
  let zoneCache: { zone: string; at: number } | undefined;
  let lastFileError = '';
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const defaultZone = async () => {
    if (zoneCache && Date.now() - zoneCache.at < ZONE_CACHE_MS) return zoneCache.zone;
    const zone = (await warehouseZone(load).catch(() => undefined)) ?? config.timeZone;
    zoneCache = { zone, at: Date.now() };
    return zone;
  };

  const readSchedules = (): Schedule[] => {
    try {
      const schedules = loadSchedules(deliver.schedulesFile);
      lastFileError = '';
      return schedules;
    } catch (e) {
      if (!(e instanceof ScheduleFileError)) throw e;
      if (e.message !== lastFileError) say(`schedules not read: ${e.message}`);
      lastFileError = e.message;
      return [];
    }
  };

  const plan = async (s: Schedule, run: string, zone: string, state: LogState, due: Date): Promise<PlannedDelivery[]> => {
    const ctx = { load, publicUrl, zone };
    if (s.kind === 'pack') return planPack(ctx, s, run, { actions: await new ActionStore(config.stateDir).list(), dueAt: due });
    return s.kind === 'sla_alert'
      ? planSlaAlert(ctx, s, run, state.alerted.get(s.id) ?? new Set())
      : planWeeklySummary(ctx, s, run);
  };

  const attempt = async (d: DeliveryState) => {
    const n = d.attempts + 1;
    const at = new Date();
    try {
      await send(deliver, parseTarget(d.delivery.target), d.delivery.message, d.delivery.key);
      log.append({ t: 'attempt', key: d.delivery.key, attempt: n, ok: true, at: at.toISOString() });
      say(`sent ${d.delivery.key} to ${d.delivery.target} (attempt ${n})`);
    } catch (e) {
      const error = (e as Error).message;
      const last = n >= deliver.attempts;
      const nextAt = last ? undefined : new Date(at.getTime() + deliver.backoffMs * 2 ** (n - 1)).toISOString();
      log.append({ t: 'attempt', key: d.delivery.key, attempt: n, ok: false, at: at.toISOString(), error, nextAt });
      say(
        `${last ? 'gave up on' : 'failed'} ${d.delivery.key} to ${d.delivery.target} (attempt ${n}): ${error}${nextAt ? `; next try ${nextAt}` : ''}`,
      );
    }
  };

  /** One pass; returns when to wake next (ms from now). */
  const pass = async (): Promise<number> => {
    const tickMs = deliver.tickSeconds * 1000;
    const schedules = readSchedules();
    let state = log.state();
    const pending = () => [...state.deliveries.values()].filter((d) => d.status === 'pending');
    if (!schedules.length && !pending().length) return tickMs;
    if (!(await lock.acquire())) return tickMs;
    const now = new Date();
    let wake = now.getTime() + tickMs;
    for (const s of schedules) {
      const armed = state.armedAt.get(s.id);
      if (!armed) {
        log.append({ t: 'armed', schedule: s.id, at: now.toISOString() });
        state = log.state();
      }
      const zone = s.zone ?? (await defaultZone());
      const since = new Date(lastRunOf(state, s.id)?.dueAt ?? state.armedAt.get(s.id)!);
      const due = latestDue(s, zone, since, now);
      if (due) {
        const run = `${s.id}@${due.toISOString()}`;
        let deliveries: PlannedDelivery[] = [];
        let error: string | undefined;
        try {
          deliveries = await plan(s, run, zone, state, due);
        } catch (e) {
          error = `the content could not be made: ${(e as Error).message}`;
        }
        log.append({ t: 'due', run, schedule: s.id, dueAt: due.toISOString(), at: new Date().toISOString(), deliveries, error });
        say(`${run} due: ${error ?? `${deliveries.length} message(s)`}`);
        state = log.state();
      }
      const next = nextDue(s, zone, due ?? now);
      if (next) wake = Math.min(wake, next.getTime());
    }
    for (const d of pending()) {
      if (stopped) break;
      if (d.nextAt && new Date(d.nextAt) > new Date()) {
        wake = Math.min(wake, new Date(d.nextAt).getTime());
        continue;
      }
      await attempt(d);
    }
    state = log.state();
    for (const d of pending()) if (d.nextAt) wake = Math.min(wake, new Date(d.nextAt).getTime());
    return Math.max(50, wake - Date.now());
  };

  const tick = async () => {
    if (running) return running;
    running = (async () => {
      let waitMs = deliver.tickSeconds * 1000;
      try {
        waitMs = await pass();
      } catch (e) {
        say(`pass failed: ${(e as Error).message}`);
      } finally {
        running = undefined;
      }
      if (!stopped) {
        clearTimeout(timer);
        timer = setTimeout(() => void tick(), waitMs);
        timer.unref();
      }
    })();
    return running;
  };

  if (deliver.enabled) {
    if (existsSync(deliver.schedulesFile)) say(`schedules from ${deliver.schedulesFile}; one runner per cluster (${lock.kind})`);
    timer = setTimeout(() => void tick(), 1000);
    timer.unref();
  }
  return {
    tick,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await lock.release();
    },
  };
}
