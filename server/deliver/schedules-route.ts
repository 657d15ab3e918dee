/*
 * GET /api/schedules (server/contract/schedules.ts): the schedules file as
 * read now, each schedule's next due time and its last runs with every
 * delivery's outcome, from the delivery log. Any instance answers (the log
 * is in the shared state directory), not only the runner's. Targets are shown
 * as mail addresses or a channel's name, kind and host: no webhook URL, key
 * or SMTP password reaches this answer.
 */
import path from 'node:path';
import type express from 'express';
import { ConfigError, type Config } from '../config.js';
import type { ScheduleRunStatus, ScheduleStatus, SchedulesStatus } from '../contract/schedules.js';
import { describeTargetPublic, parseTarget } from './channels.js';
import { loadDeliverConfig, type DeliverConfig } from './deliver-config.js';
import { DeliveryLog, type RunState } from './delivery-log.js';
import { nextDue } from './runner.js';
import { loadSchedules, ScheduleFileError, type Schedule } from './schedules.js';

/** Runs shown per schedule, newest first. */
const RUNS_SHOWN = 5;

function runStatus(run: RunState, describe: (target: string) => string): ScheduleRunStatus {
  const deliveries = run.deliveries.map((d) => ({
    team: d.delivery.team ?? null,
    target: describe(d.delivery.target),
    outcome: d.status,
    attempts: d.attempts,
    lastAttemptAt: d.lastAttemptAt ?? null,
    lastError: d.lastError ?? null,
    nextAttemptAt: d.status === 'pending' ? (d.nextAt ?? null) : null,
  }));
  const outcomes = new Set(deliveries.map((d) => d.outcome));
  const outcome: ScheduleRunStatus['outcome'] = run.error
    ? 'error'
    : !deliveries.length
      ? 'nothing'
      : outcomes.has('pending')
        ? 'pending' // still being sent: its final outcome is not known yet
        : outcomes.has('failed')
          ? 'failed'
          : 'sent';
  return { dueAt: run.dueAt, recordedAt: run.at, outcome, error: run.error ?? null, deliveries };
}

export function schedulesStatus(config: Config, env: NodeJS.ProcessEnv = process.env): SchedulesStatus {
  let deliver: DeliverConfig;
  try {
    deliver = loadDeliverConfig(config, env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { file: '', error: `Delivery settings: ${e.message}`, schedules: [] };
  }
  let schedules: Schedule[] = [];
  let error: string | null = null;
  try {
    schedules = loadSchedules(deliver.schedulesFile);
  } catch (e) {
    if (!(e instanceof ScheduleFileError)) throw e;
    error = e.message.split(deliver.schedulesFile).join(path.basename(deliver.schedulesFile));
  }
  const state = new DeliveryLog(config.stateDir).state();
  const describe = (target: string) => describeTargetPublic(parseTarget(target), deliver);
  const out: ScheduleStatus[] = schedules.map((s) => {
    const zone = s.zone ?? config.timeZone;
    const runs = state.runs.filter((r) => r.schedule === s.id);
    const after = runs.at(-1)?.dueAt ?? state.armedAt.get(s.id);
    const next = nextDue(s, zone, after && new Date(after) > new Date() ? new Date(after) : new Date());
    return {
      id: s.id,
      rule: s.rule,
      zone,
      kind: s.kind,
      target: s.target.includes('{team}') ? s.target : describe(s.target),
      language: s.language,
      audience: s.audience,
      nextDueAt: next?.toISOString() ?? null,
      runs: runs
        .slice(-RUNS_SHOWN)
        .reverse()
        .map((r) => runStatus(r, describe)),
    };
  });
  return { file: path.basename(deliver.schedulesFile), error, schedules: out };
}

export function schedulesHandler(config: Config): express.RequestHandler {
  return (_req, res) => {
    res.json(schedulesStatus(config));
  };
}
