/*
 * Schedules as data: a CSV file (REVCYCLE_SCHEDULES, default schedules.csv in
 * the seeds directory; docs/schedules.md), one schedule a row:
 *
 *   id        letters, digits, - and _; unique (the idempotency keys use it)
 *   rule      a cron rule (5 fields, or 6 with seconds first), read by croner
 *   zone      an IANA zone the rule is read in; empty = the warehouse
 *             settings' zone (settings.csv `timezone`)
 *   kind      sla_alert (new SLA breaches, per team) | sla_weekly_summary
 *             (the backlog per team) | pack (the meeting pack's PDF,
 *             server/report/)
 *   target    mail addresses (a@x; b@y) or a channel name, whose webhook
 *             comes from REVCYCLE_CHANNEL_<NAME>_URL; `{team}` is replaced by
 *             the team a message is for (channel `{team}` → inside_sales)
 *   language  ja (default) | en
 *   audience  the role of the people the target reaches (executive, analyst,
 *             team, agency; default team): whether a message may link to a
 *             lead's journey is decided by that role's personal-data rule
 *   period    pack only (optional): the period the pack is for, a key
 *             (FY2026, FY2026-Q3, 2026-11) or month | quarter | year, the
 *             one holding as-of when the pack is made (default year)
 *
 * A bad row is named by file, line, column and reason; the whole file is
 * refused then (a half-read schedule list would silently drop a send).
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { Cron } from 'croner';
import { isPackPeriod } from '../contract/meeting-pack.js';
import { ROLES, type Role } from '../security/roles.js';

export const SCHEDULE_KINDS = ['sla_alert', 'sla_weekly_summary', 'pack'] as const;
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];
export const LANGUAGES = ['ja', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface Schedule {
  id: string;
  rule: string;
  /** Undefined: the warehouse settings' zone. */
  zone?: string;
  kind: ScheduleKind;
  target: string;
  language: Language;
  audience: Role;
  /** The pack's period (kind pack): a key or month | quarter | year. */
  period?: string;
}

export class ScheduleFileError extends Error {}

const COLUMNS = ['id', 'rule', 'zone', 'kind', 'target', 'language', 'audience', 'period'] as const;
const REQUIRED = ['id', 'rule', 'kind', 'target'] as const;

function validZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A croner job that never runs by itself: only used to compute due times. */
export function cronOf(rule: string, zone: string): Cron {
  return new Cron(rule, { timezone: zone, paused: true });
}

/** The schedules in `file`; [] when the file does not exist. Throws ScheduleFileError naming file, line, column. */
export function loadSchedules(file: string): Schedule[] {
  if (!existsSync(file)) return [];
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  try {
    rows = parse(readFileSync(file, 'utf8'), {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      info: true,
      bom: true,
    }) as typeof rows;
  } catch (e) {
    throw new ScheduleFileError(`${file}: ${(e as Error).message}`);
  }
  const header = rows.length ? Object.keys(rows[0]!.record) : [];
  for (const c of REQUIRED) {
    if (rows.length && !header.includes(c)) throw new ScheduleFileError(`${file}, line 1: the column "${c}" is missing`);
  }
  const unknown = header.filter((h) => !(COLUMNS as readonly string[]).includes(h));
  if (unknown.length) {
    throw new ScheduleFileError(`${file}, line 1: unknown column "${unknown[0]}" (columns: ${COLUMNS.join(', ')})`);
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  const out: Schedule[] = [];
  for (const { record: r, info } of rows) {
    const at = (column: string, reason: string) => problems.push(`${file}, line ${info.lines}, column ${column}: ${reason}`);
    const id = r.id ?? '';
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) at('id', `"${id}" must be 1–64 letters, digits, - or _`);
    else if (seen.has(id)) at('id', `"${id}" appears twice`);
    seen.add(id);
    const zone = r.zone || undefined;
    if (zone && !validZone(zone)) at('zone', `"${zone}" is not an IANA time zone such as Asia/Tokyo`);
    try {
      cronOf(r.rule ?? '', zone && validZone(zone) ? zone : 'UTC');
    } catch (e) {
      at('rule', `"${r.rule}" is not a cron rule (${(e as Error).message})`);
    }
    const kind = r.kind ?? '';
    if (!(SCHEDULE_KINDS as readonly string[]).includes(kind)) {
      at('kind', `"${kind}" is not one of ${SCHEDULE_KINDS.join(', ')}`);
    }
    const period = r.period || undefined;
    if (period && kind !== 'pack') at('period', `is for kind pack only (this row is ${kind})`);
    else if (period && !isPackPeriod(period))
      at('period', `"${period}" is not a period: FY2026, FY2026-Q3, 2026-11, or month, quarter or year`);
    if (!r.target) at('target', 'is empty: give mail addresses or a channel name');
    const language = r.language || 'ja';
    if (!(LANGUAGES as readonly string[]).includes(language)) at('language', `"${language}" is not ja or en`);
    const audience = r.audience || 'team';
    if (!(ROLES as readonly string[]).includes(audience)) at('audience', `"${audience}" is not one of ${ROLES.join(', ')}`);
    out.push({
      id,
      rule: r.rule ?? '',
      zone,
      kind: kind as ScheduleKind,
      target: r.target ?? '',
      language: language as Language,
      audience: audience as Role,
      period: kind === 'pack' ? (period ?? 'year') : undefined,
    });
  }
  if (problems.length) throw new ScheduleFileError(problems.join('\n'));
  return out;
}
