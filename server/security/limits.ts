/*
 * Cost limits (SECURITY.md, "Limits on cost"), so that one caller's queries
 * cannot take the server from the others:
 *   - heavy queries run in their own lane: at most `heavyConcurrency` at once
 *     on their own database connection(s), at most `heavyQueue` waiting, one
 *     more is answered 503 at once. Light queries (the dashboard's, mostly
 *     answered from rollups) keep the warehouse's default connection and
 *     never wait behind a heavy one. Heavy is: ungrouped; `heavyDimensions`
 *     or more dimensions (a time dimension with a granularity counts); a
 *     granularity finer than a day; a day over more than a year, or over no
 *     date range for more than 100 rows.
 *     A heavy result is shaped into JSON on the server's one JavaScript
 *     thread, where every other request waits meanwhile: so a heavy query
 *     returns at most `heavyRowLimit` rows per request (400 past it: page with
 *     offset), and its slot rests as long as the query ran (capped) before the next
 *     heavy query starts, so heavy work holds the thread at most about half
 *     the time.
 *   - a rate limit per token subject: a token bucket of `ratePerMinute`
 *     requests, refilled evenly over a minute (429 with Retry-After).
 * Limits: per process; the lane holds what this process runs.
 */
import type { CostLimits } from '../config.js';

/** Thrown when the heavy lane's queue is full (answered 503). */
export class HeavyLaneFull extends Error {
  constructor(limits: CostLimits) {
    super(
      `too many heavy queries: ${limits.heavyConcurrency} run and ${limits.heavyQueue} wait already (ungrouped, ` +
        `${limits.heavyDimensions} or more dimensions, or fine grains over long ranges); try again shortly or narrow the query`,
    );
  }
}

interface NormalizedQuery {
  ungrouped?: boolean;
  dimensions?: unknown[];
  timeDimensions?: { granularity?: string; dateRange?: unknown }[];
}

const FINER_THAN_DAY = ['second', 'minute', 'hour'];
const YEAR_MS = 366 * 24 * 3600 * 1000;
/** A query asking for at most this many rows reads few days, whatever its range. */
const SMALL_LIMIT = 100;

/** Null when a heavy query asks for few enough rows, else why not (a normalized query: `limit` is set). */
export function heavyRowProblem(q: NormalizedQuery & { limit?: number }, limits: CostLimits): string | null {
  if (!isHeavyQuery(q, limits) || (q.limit ?? 0) <= limits.heavyRowLimit) return null;
  return `a heavy query (ungrouped, ${limits.heavyDimensions} or more dimensions, or fine grains over long ranges) returns at most ${limits.heavyRowLimit} rows per request, not ${q.limit}: ask for the rest with offset`;
}

/**
 * Whether a (normalized) query goes to the heavy lane. The dashboard's own queries stay light: its widest (the KPI
 * tree's table) has 19 dimensions, and its only daily query without a range asks for one row.
 */
export function isHeavyQuery(q: NormalizedQuery & { limit?: number }, limits: CostLimits): boolean {
  if (q.ungrouped === true) return true;
  const grains = (q.timeDimensions ?? []).filter((t) => typeof t.granularity === 'string');
  if ((q.dimensions?.length ?? 0) + grains.length >= limits.heavyDimensions) return true;
  return grains.some((t) => {
    if (FINER_THAN_DAY.includes(t.granularity!)) return true;
    if (t.granularity !== 'day') return false;
    const range = Array.isArray(t.dateRange) ? t.dateRange.map((d) => Date.parse(String(d))) : [];
    if (range.length !== 2) return (q.limit ?? Infinity) > SMALL_LIMIT; // every day there is
    return !(range[1]! - range[0]! <= YEAR_MS);
  });
}

/** A semaphore with a bounded queue; a slot may rest after each task. */
export class Lane {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly slots: boolean[];

  constructor(
    private readonly concurrency: number,
    private readonly queue: number,
    private readonly full: () => Error,
    /** How long a slot rests after a task that took `ms` before the next task may take it. */
    private readonly rest: (ms: number) => number = () => 0,
  ) {
    this.slots = Array.from({ length: concurrency }, () => false);
  }

  /** Runs `task` in one of the lane's slots (`slot` is its index while it runs); throws `full()` when the queue is full. */
  async run<T>(task: (slot: number) => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queue) throw this.full();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running++;
    const slot = this.slots.findIndex((busy) => !busy);
    this.slots[slot] = true;
    const started = performance.now();
    try {
      return await task(slot);
    } finally {
      const release = () => {
        this.slots[slot] = false;
        const next = this.waiting.shift();
        if (next) next();
        else this.running--;
      };
      const rest = this.rest(performance.now() - started);
      if (rest > 0) setTimeout(release, rest).unref();
      else release();
    }
  }

  get busy(): number {
    return this.running;
  }
}

/** Token buckets per key. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly perMinute: number) {}

  /** 0 when `cost` requests may go (a batch's entries each count), else the seconds until they may. */
  take(key: string, cost = 1, now = Date.now()): number {
    if (this.perMinute <= 0) return 0;
    const rate = this.perMinute / 60_000;
    const b = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    b.tokens = Math.min(this.perMinute, b.tokens + (now - b.at) * rate);
    b.at = now;
    this.buckets.set(key, b);
    if (this.buckets.size > 10_000) this.prune(now);
    // A batch larger than the whole bucket waits for a full bucket, then goes.
    const need = Math.min(cost, this.perMinute);
    if (b.tokens >= need) {
      b.tokens -= need;
      return 0;
    }
    return Math.ceil((need - b.tokens) / rate / 1000);
  }

  private prune(now: number) {
    for (const [key, b] of this.buckets)
      if (b.tokens + (now - b.at) * (this.perMinute / 60_000) >= this.perMinute) this.buckets.delete(key);
  }
}
