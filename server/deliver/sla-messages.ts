/*
 * What the SLA schedules say (docs/metrics.md, backlog and SLA breaches, contract
 * metric 4), read from the backlog_leads view through the Cube API:
 *
 * - sla_alert: each lead past its stage's SLA (is_stuck) that no earlier
 *   delivery reported, keyed lead|stage|entered_at (entry time in UTC, so a
 *   change of zone does not make a breach new), one message per team that
 *   owns the stage (the stage's team in stages.csv), with the team's current
 *   stuck-lead count. A lead that leaves the stage and breaches again later
 *   is a new breach (a new entry time).
 * - sla_weekly_summary: per team, the leads in its SLA stages, how many are
 *   past the SLA and their mean aging, in total and per stage.
 *
 * A link to the lead's journey page is added only when the schedule's
 * audience may see personal data (personal-data-rule.ts); lead IDs, stages
 * and day counts are not personal data (the policy lets every role query
 * them in backlog_leads).
 */
import type { CubeLoad, CubeRow } from './cube-load.js';
import type { PlannedDelivery } from './delivery-log.js';
import { mayReceivePersonalData } from './personal-data-rule.js';
import type { Language, Schedule } from './schedules.js';

export interface ComposeContext {
  load: CubeLoad;
  /** The dashboard's address for links, without a trailing slash. */
  publicUrl: string;
  /** The zone dates are shown in (the schedule's). */
  zone: string;
}

/** Leads listed one by one in a message; the rest are counted. */
export const LISTED_BREACHES = 25;

const V = 'backlog_leads';
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

export interface Breach {
  key: string;
  leadId: string;
  stage: string;
  team: string;
  slaDays: number | null;
  daysOverSla: number | null;
  /** UTC, ISO. */
  enteredAt: string;
  breachAt: string;
  journeyUrl?: string;
}

async function stageLabels(load: CubeLoad, language: Language): Promise<Map<string, string>> {
  const rows = await load({ dimensions: ['stages.stage', `stages.label_${language}`] });
  return new Map(rows.map((r) => [str(r['stages.stage']), str(r[`stages.label_${language}`])]));
}

/** Cube answers times without a zone suffix, in the query's zone: asked in UTC, they are UTC. */
const utcIso = (v: unknown) => `${str(v).replace(/\.\d+$/, '')}Z`;

/** Every lead past its SLA now, oldest breach first. */
export async function currentBreaches(load: CubeLoad): Promise<Breach[]> {
  const rows = await load({
    dimensions: [
      `${V}.lead_id`,
      `${V}.stage`,
      `${V}.team`,
      `${V}.sla_days`,
      `${V}.days_over_sla`,
      `${V}.entered_at`,
      `${V}.breach_at`,
    ],
    filters: [{ member: `${V}.is_stuck`, operator: 'equals', values: ['true'] }],
    order: [
      [`${V}.breach_at`, 'asc'],
      [`${V}.lead_id`, 'asc'],
    ],
    timezone: 'UTC',
    limit: 50_000,
  });
  return rows.map((r) => {
    const enteredAt = utcIso(r[`${V}.entered_at`]);
    return {
      key: `${str(r[`${V}.lead_id`])}|${str(r[`${V}.stage`])}|${enteredAt}`,
      leadId: str(r[`${V}.lead_id`]),
      stage: str(r[`${V}.stage`]),
      team: str(r[`${V}.team`]),
      slaDays: num(r[`${V}.sla_days`]),
      daysOverSla: num(r[`${V}.days_over_sla`]),
      enteredAt,
      breachAt: utcIso(r[`${V}.breach_at`]),
    };
  });
}

export interface TeamBacklog {
  team: string;
  leads: number;
  stuckLeads: number;
  avgAgingDays: number | null;
}

const BACKLOG_MEASURES = ['leads', 'stuck_leads', 'avg_aging_days'];

const backlogFigures = (r: CubeRow) => ({
  leads: Number(r[`${V}.leads`] ?? 0),
  stuckLeads: Number(r[`${V}.stuck_leads`] ?? 0),
  avgAgingDays: num(r[`${V}.avg_aging_days`]),
});

/** Per team, the leads in its SLA stages now, how many are past SLA and their mean aging (the weekly summary's and the meeting pack's figures). */
export async function backlogByTeam(load: CubeLoad): Promise<TeamBacklog[]> {
  const rows = await byTeam(load, BACKLOG_MEASURES);
  return rows.map((r) => ({ team: str(r[`${V}.team`]), ...backlogFigures(r) })).sort((a, b) => a.team.localeCompare(b.team));
}

async function byTeam(load: CubeLoad, measures: string[], extraDims: string[] = [], sla = true): Promise<CubeRow[]> {
  return load({
    measures: measures.map((m) => `${V}.${m}`),
    dimensions: [`${V}.team`, ...extraDims.map((d) => `${V}.${d}`)],
    filters: sla ? [{ member: `${V}.is_sla_stage`, operator: 'equals', values: ['true'] }] : [],
  });
}

function dateIn(iso: string, zone: string, language: Language): string {
  return new Intl.DateTimeFormat(language === 'ja' ? 'ja-JP' : 'en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(iso));
}

const days = (n: number | null, language: Language) =>
  n === null
    ? '–'
    : new Intl.NumberFormat(language === 'ja' ? 'ja-JP' : 'en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(
        n,
      );
const count = (n: number, language: Language) => new Intl.NumberFormat(language === 'ja' ? 'ja-JP' : 'en-US').format(n);

const target = (schedule: Schedule, team: string) => schedule.target.replaceAll('{team}', team);

/** One delivery per team with breaches no earlier delivery reported. */
export async function planSlaAlert(
  ctx: ComposeContext,
  schedule: Schedule,
  run: string,
  alerted: ReadonlySet<string>,
): Promise<PlannedDelivery[]> {
  const { language, audience } = schedule;
  const links = mayReceivePersonalData(audience);
  const [breaches, totals, labels] = await Promise.all([
    currentBreaches(ctx.load),
    byTeam(ctx.load, ['stuck_leads'], [], false),
    stageLabels(ctx.load, language),
  ]);
  const stuckByTeam = new Map(totals.map((r) => [str(r[`${V}.team`]), Number(r[`${V}.stuck_leads`] ?? 0)]));
  const fresh = breaches.filter((b) => !alerted.has(b.key));
  const teams = [...new Set(fresh.map((b) => b.team))].sort();
  return teams.map((team) => {
    const list = fresh
      .filter((b) => b.team === team)
      .map((b) => (links ? { ...b, journeyUrl: `${ctx.publicUrl}/leads/${encodeURIComponent(b.leadId)}` } : b));
    const total = stuckByTeam.get(team) ?? list.length;
    const ja = language === 'ja';
    const subject = ja
      ? `【SLA超過】${team}: 新規 ${count(list.length, language)} 件 (超過中 計 ${count(total, language)} 件)`
      : `[SLA breach] ${team}: ${count(list.length, language)} new (${count(total, language)} past SLA in all)`;
    const lines = [
      ja
        ? `${team} が担当するステージで SLA を新たに超えたリード ${count(list.length, language)} 件。現在 SLA 超過中のリードは計 ${count(total, language)} 件です。`
        : `${count(list.length, language)} leads newly past the SLA of a stage ${team} owns; ${count(total, language)} leads are past SLA now.`,
      ...list.slice(0, LISTED_BREACHES).map((b) => {
        const stage = labels.get(b.stage) || b.stage;
        const due = dateIn(b.breachAt, ctx.zone, language);
        const text = ja
          ? `・${b.leadId} ${stage}: SLA ${b.slaDays ?? '–'} 日、${days(b.daysOverSla, language)} 日超過 (期限 ${due})`
          : `- ${b.leadId} ${stage}: SLA ${b.slaDays ?? '–'} days, ${days(b.daysOverSla, language)} days over (due ${due})`;
        return b.journeyUrl ? `${text} ${b.journeyUrl}` : text;
      }),
    ];
    const rest = list.length - LISTED_BREACHES;
    if (rest > 0) lines.push(ja ? `ほか ${count(rest, language)} 件` : `and ${count(rest, language)} more`);
    return {
      key: `${run}#${team}`,
      target: target(schedule, team),
      team,
      breaches: list.map((b) => b.key),
      message: {
        subject,
        lines,
        data: {
          kind: 'sla_alert',
          team,
          newBreaches: list.length,
          stuckLeads: total,
          breaches: list.map(({ key: _k, ...b }) => b),
        },
      },
    };
  });
}

/** One delivery per team: its SLA stages' backlog, past-SLA count and mean aging, in total and per stage. */
export async function planWeeklySummary(ctx: ComposeContext, schedule: Schedule, run: string): Promise<PlannedDelivery[]> {
  const { language } = schedule;
  const [totals, stages, labels] = await Promise.all([
    backlogByTeam(ctx.load),
    byTeam(ctx.load, BACKLOG_MEASURES, ['stage', 'stage_order']),
    stageLabels(ctx.load, language),
  ]);
  const ja = language === 'ja';
  return totals.map((t) => {
    const perStage = stages
      .filter((r) => str(r[`${V}.team`]) === t.team)
      .sort((a, b) => Number(a[`${V}.stage_order`]) - Number(b[`${V}.stage_order`]))
      .map((r) => ({ stage: str(r[`${V}.stage`]), ...backlogFigures(r) }));
    const subject = ja
      ? `【週次】${t.team} の滞留: SLA 超過 ${count(t.stuckLeads, language)} 件 / 滞留 ${count(t.leads, language)} 件`
      : `[Weekly] ${t.team} backlog: ${count(t.stuckLeads, language)} past SLA of ${count(t.leads, language)} leads`;
    const lines = [
      ja
        ? `${t.team} の SLA ステージに滞留中 ${count(t.leads, language)} 件、うち SLA 超過 ${count(t.stuckLeads, language)} 件、平均滞留 ${days(t.avgAgingDays, language)} 日。`
        : `${count(t.leads, language)} leads in ${t.team}'s SLA stages, ${count(t.stuckLeads, language)} past SLA, mean aging ${days(t.avgAgingDays, language)} days.`,
      ...perStage.map((s) => {
        const stage = labels.get(s.stage) || s.stage;
        return ja
          ? `・${stage}: 滞留 ${count(s.leads, language)} 件、SLA 超過 ${count(s.stuckLeads, language)} 件、平均 ${days(s.avgAgingDays, language)} 日`
          : `- ${stage}: ${count(s.leads, language)} leads, ${count(s.stuckLeads, language)} past SLA, mean ${days(s.avgAgingDays, language)} days`;
      }),
    ];
    return {
      key: `${run}#${t.team}`,
      target: target(schedule, t.team),
      team: t.team,
      message: { subject, lines, data: { kind: 'sla_weekly_summary', ...t, stages: perStage } },
    };
  });
}
