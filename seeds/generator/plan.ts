/*
 * The company's money plan: monthly channel costs and monthly targets.
 *
 * Costs: each channel's monthly budget is its expected leads times its cost
 * per lead, with budget noise; campaign channels are split by campaign (event
 * costs are booked in the event's month), tool subscriptions (webinar
 * platform, MA tool) sit on rows without a campaign, and every channel has at
 * least one row in every month from 2024-04 to the as_of month (0 when it
 * spent nothing). Costs scale with the number of simulated leads.
 *
 * Targets: leads created, opportunities created, wins and won revenue by
 * close month (every deal type, as the warehouse mart `targets` counts them),
 * and new_revenue, the won revenue of `new` deals: the part of the revenue
 * target the funnel must win (a sales plan splits its target into new
 * business and the installed base's renewals and expansion), for
 * every month of FY2024-FY2026. A year's plan is what the company achieves that year (FY2026
 * projected from its year-to-date growth over FY2025) times a stretch of
 * 7-12 %, phased 40 % by a standard monthly shape (fiscal-year-end peaks in
 * March and September for wins, tilted by the year's growth) and 60 % by the
 * achieved shape, so some months beat the plan and most miss it.
 */

import type { ArrivalPlan } from './arrivals.js';
import type { CampaignCalendar } from './campaigns.js';
import { AS_OF_DAY, AS_OF_MONTH, FIRST_MONTH, FISCAL_YEARS, PLAN_END_MONTH, civilFromDay, daysInMonth } from './calendar.js';
import { CHANNELS, CHANNEL_CPL, CH, PLAN_STRETCH } from './company.js';
import { Random } from './random.js';

export interface CostRow {
  month: number;
  channel: number;
  campaign: number;
  cost: number;
}

const TOOL_COST_PER_MONTH: Partial<Record<number, number>> = { [CH.webinar]: 180_000, [CH.email]: 260_000 };

export function channelCosts(arrivals: ArrivalPlan, calendar: CampaignCalendar, totalLeads: number, seed: number): CostRow[] {
  const rng = Random.stream(seed, 'costs');
  const volume = totalLeads / 20_000;
  const rows: CostRow[] = [];
  const byMonthChannel = new Map<string, typeof arrivals.expected>();
  for (const e of arrivals.expected) {
    const key = `${e.month}:${e.channel}`;
    const list = byMonthChannel.get(key) ?? [];
    list.push(e);
    byMonthChannel.set(key, list);
  }
  for (let month = FIRST_MONTH; month <= AS_OF_MONTH; month++) {
    for (let channel = 0; channel < CHANNELS.length; channel++) {
      const list = byMonthChannel.get(`${month}:${channel}`) ?? [];
      const tool = TOOL_COST_PER_MONTH[channel];
      let organicCost = tool === undefined ? 0 : Math.round((tool * volume * rng.uniform(0.97, 1.03)) / 1000) * 1000;
      let wroteAny = false;
      for (const e of list) {
        const cost = Math.round((e.leads * (CHANNEL_CPL[channel] as number) * rng.logNormal(1, 0.12)) / 1000) * 1000;
        if (e.campaign < 0) {
          organicCost += cost;
          continue;
        }
        if (calendar.get(e.campaign).id === '') continue;
        rows.push({ month, channel, campaign: e.campaign, cost });
        wroteAny = true;
      }
      if (organicCost > 0 || !wroteAny) rows.push({ month, channel, campaign: -1, cost: organicCost });
    }
  }
  return rows;
}

// new_revenue last, so that the random draws of the other metrics' targets stay as they were.
export const TARGET_METRICS = ['revenue', 'wins', 'opportunities', 'leads', 'new_revenue'] as const;
export type TargetMetric = (typeof TARGET_METRICS)[number];

/** What the company achieved per month index (created or closed in that month, up to as_of). */
export class Achievements {
  readonly byMetric: Record<TargetMetric, Map<number, number>> = {
    revenue: new Map(),
    new_revenue: new Map(),
    wins: new Map(),
    opportunities: new Map(),
    leads: new Map(),
  };

  add(metric: TargetMetric, month: number, value: number): void {
    const m = this.byMetric[metric];
    m.set(month, (m.get(month) ?? 0) + value);
  }

  get(metric: TargetMetric, month: number): number {
    return this.byMetric[metric].get(month) ?? 0;
  }
}

/** Standard phasing of wins and revenue over a fiscal year (April first). */
const CLOSE_SHAPE = [0.062, 0.058, 0.08, 0.08, 0.062, 0.118, 0.075, 0.08, 0.095, 0.065, 0.08, 0.145];

export interface TargetRow {
  month: number;
  metric: TargetMetric;
  target: number;
}

export function targets(achieved: Achievements, arrivals: ArrivalPlan, seed: number): TargetRow[] {
  const rng = Random.stream(seed, 'targets');
  const asOfFraction = civilFromDay(AS_OF_DAY).day / daysInMonth(AS_OF_MONTH);
  const rows: TargetRow[] = [];
  for (const metric of TARGET_METRICS) {
    const projected = new Map<number, number>();
    const fyStart = (fy: number) => fy * 12 + 3;
    const lastFy = FISCAL_YEARS[FISCAL_YEARS.length - 1] as number;
    let ytdNow = 0;
    let ytdBefore = 0;
    for (let m = fyStart(lastFy); m < AS_OF_MONTH; m++) {
      ytdNow += achieved.get(metric, m);
      ytdBefore += achieved.get(metric, m - 12);
    }
    const growth = ytdBefore > 0 ? Math.min(1.6, Math.max(0.9, ytdNow / ytdBefore)) : 1;
    for (let m = FIRST_MONTH; m <= PLAN_END_MONTH; m++) {
      const expectedLater =
        metric === 'leads' ? (arrivals.plannedLeadsByMonth.get(m) ?? 0) : achieved.get(metric, m - 12) * growth;
      if (m < AS_OF_MONTH) projected.set(m, achieved.get(metric, m));
      else if (m === AS_OF_MONTH) projected.set(m, achieved.get(metric, m) + expectedLater * (1 - asOfFraction));
      else projected.set(m, expectedLater);
    }
    let previousTotal = 0;
    for (const fy of FISCAL_YEARS) {
      const months = Array.from({ length: 12 }, (_, i) => fyStart(fy) + i);
      const values = months.map((m) => projected.get(m) ?? 0);
      const total = values.reduce((a, b) => a + b, 0);
      const smoothed = values.map((_, i) => {
        const window = values.slice(Math.max(0, i - 1), Math.min(12, i + 2));
        return window.reduce((a, b) => a + b, 0) / window.length;
      });
      const smoothedTotal = smoothed.reduce((a, b) => a + b, 0) || 1;
      const yearGrowth = previousTotal > 0 ? Math.min(0.8, Math.max(0, total / previousTotal - 1)) : 0.3;
      const standard =
        metric === 'leads' || metric === 'opportunities'
          ? months.map((m) => arrivals.plannedLeadsByMonth.get(m) ?? 0)
          : CLOSE_SHAPE.map((w, i) => w * (1 + (yearGrowth * (i - 5.5)) / 12));
      const standardTotal = standard.reduce((a, b) => a + b, 0) || 1;
      const plan = total * (PLAN_STRETCH[fy] as number) * rng.uniform(0.99, 1.02);
      months.forEach((m, i) => {
        const share = 0.4 * ((standard[i] as number) / standardTotal) + 0.6 * ((smoothed[i] as number) / smoothedTotal);
        const value = plan * share;
        const money = metric === 'revenue' || metric === 'new_revenue';
        const target = money ? Math.round(value / 100_000) * 100_000 : Math.max(1, Math.round(value));
        rows.push({ month: m, metric, target });
      });
      previousTotal = total;
    }
  }
  rows.sort((a, b) => a.month - b.month || TARGET_METRICS.indexOf(a.metric) - TARGET_METRICS.indexOf(b.metric));
  return rows;
}
