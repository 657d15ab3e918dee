/*
 * The delivery log: one JSON line per event in <state dir>/deliveries.jsonl,
 * appended and fsynced before the runner acts on it. It is what makes
 * delivery reliable across restarts (docs/schedules.md, "Reliability"):
 *
 *   armed    a schedule was first seen: due times after this count
 *   due      a due time was reached: the run's planned deliveries (target,
 *            message, breaches covered), written BEFORE anything is sent
 *   attempt  one send of one delivery and its outcome, and when to try
 *            next; a failed attempt without a next try is the last (given up)
 *
 * A run is never planned twice: a schedule's next due time is computed after
 * its last `due` (or `armed`) line. A delivery with no successful attempt is
 * pending, and a restarted server sends it with the same idempotency key
 * (the delivery's key, schedule@due#part). The one window left is a send
 * that arrived but whose `attempt` line was not written (a kill between the
 * two): the receiver sees the same key twice, which is what the key is for.
 *
 * A line cut short by a kill is skipped on reading, and the next append
 * starts on a new line. No secret is written here: targets are channel names
 * or mail addresses, never URLs or keys.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Message } from './channels.js';

export interface PlannedDelivery {
  /** Idempotency key: `<schedule>@<due ISO>#<part>`. */
  key: string;
  /** The target as written in the schedule with {team} filled in (a channel name or mail addresses). */
  target: string;
  team?: string;
  message: Message;
  /** SLA breaches this delivery reports (lead|stage|entered_at), so a later run does not report them again. */
  breaches?: string[];
}

export type LogRecord =
  | { t: 'armed'; schedule: string; at: string }
  | { t: 'due'; run: string; schedule: string; dueAt: string; at: string; deliveries: PlannedDelivery[]; error?: string }
  | { t: 'attempt'; key: string; attempt: number; ok: boolean; at: string; error?: string; nextAt?: string };

export const DELIVERY_LOG = 'deliveries.jsonl';

export interface DeliveryState {
  delivery: PlannedDelivery;
  run: string;
  schedule: string;
  attempts: number;
  status: 'pending' | 'sent' | 'failed';
  lastError?: string;
  lastAttemptAt?: string;
  nextAt?: string;
}

export interface RunState {
  run: string;
  schedule: string;
  dueAt: string;
  at: string;
  error?: string;
  deliveries: DeliveryState[];
}

/** The log replayed: per schedule its cursor (last due time or arming), runs and deliveries. */
export interface LogState {
  armedAt: Map<string, string>;
  runs: RunState[];
  deliveries: Map<string, DeliveryState>;
  /** Per schedule, the breach keys already reported by a delivery of it that did not finally fail. */
  alerted: Map<string, Set<string>>;
}

export class DeliveryLog {
  readonly file: string;
  constructor(stateDir: string) {
    this.file = path.join(stateDir, DELIVERY_LOG);
  }

  append(record: LogRecord): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const fd = openSync(this.file, 'a+');
    try {
      // A line torn by a kill has no newline: start the next record on its own line.
      const size = fstatSync(fd).size;
      const last = Buffer.alloc(1);
      if (size > 0) readSync(fd, last, 0, 1, size - 1);
      const prefix = size > 0 && last.toString() !== '\n' ? '\n' : '';
      writeSync(fd, `${prefix}${JSON.stringify(record)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  records(): LogRecord[] {
    if (!existsSync(this.file)) return [];
    const out: LogRecord[] = [];
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as LogRecord);
      } catch {
        // a line cut short by a kill: its event did not happen as far as the runner knows
      }
    }
    return out;
  }

  state(): LogState {
    const state: LogState = { armedAt: new Map(), runs: [], deliveries: new Map(), alerted: new Map() };
    for (const r of this.records()) {
      if (r.t === 'armed') {
        if (!state.armedAt.has(r.schedule)) state.armedAt.set(r.schedule, r.at);
      } else if (r.t === 'due') {
        const run: RunState = { run: r.run, schedule: r.schedule, dueAt: r.dueAt, at: r.at, error: r.error, deliveries: [] };
        for (const d of r.deliveries) {
          const ds: DeliveryState = { delivery: d, run: r.run, schedule: r.schedule, attempts: 0, status: 'pending' };
          state.deliveries.set(d.key, ds);
          run.deliveries.push(ds);
        }
        state.runs.push(run);
      } else if (r.t === 'attempt') {
        const d = state.deliveries.get(r.key);
        if (!d || d.status === 'sent') continue;
        d.attempts = Math.max(d.attempts, r.attempt);
        d.lastAttemptAt = r.at;
        d.nextAt = r.nextAt;
        if (r.ok) {
          d.status = 'sent';
          d.lastError = undefined;
        } else {
          d.lastError = r.error;
          // The runner writes no next try on the attempt it gives up after.
          if (!r.nextAt) d.status = 'failed';
        }
      }
    }
    for (const d of state.deliveries.values()) {
      if (d.status === 'failed' || !d.delivery.breaches?.length) continue;
      const set = state.alerted.get(d.schedule) ?? new Set<string>();
      for (const b of d.delivery.breaches) set.add(b);
      state.alerted.set(d.schedule, set);
    }
    return state;
  }
}
