/*
 * When leads arrive and through which channel: a daily intensity per channel
 * (growth trend × month seasonality × weekday/holiday activity × noise; the
 * channel mix drifts from trade shows and seminars to webinars and online
 * channels), event channels concentrated on their events' registration
 * windows and show days. The intensities are scaled so that exactly N leads
 * arrive between 2024-04-01 and as_of, and turned into whole counts by
 * systematic sampling (each count is the floor or ceiling of its expectation).
 *
 * The same expectations, without noise and extended to the end of FY2026,
 * give the lead plan and each channel's monthly budget (cost ≈ expected leads
 * × the channel's cost per lead, with budget noise).
 */

import { ORGANIC_SHARE, type CampaignCalendar } from './campaigns.js';
import { AS_OF_DAY, FIRST_DAY, PLAN_END_DAY, civilFromDay, dayActivity, monthIndex } from './calendar.js';
import {
  CHANNELS,
  CHANNEL_SHARE_END,
  CHANNEL_SHARE_START,
  EVENT_CHANNELS,
  LEAD_GROWTH_PER_YEAR,
  LEAD_MONTH_SEASON,
  STEADY_CHANNELS,
} from './company.js';
import { Random } from './random.js';

export interface ArrivalGroup {
  channel: number;
  /** Event campaign the leads registered for, or -1 (a campaign is picked per lead). */
  campaign: number;
  count: number;
}

/** Expected leads of one month, channel and campaign (-1: none), for budgets. */
export interface ExpectedLeads {
  month: number;
  channel: number;
  campaign: number;
  leads: number;
}

function channelShares(day: number): number[] {
  const x = Math.min(1, Math.max(0, (day - FIRST_DAY) / (PLAN_END_DAY - FIRST_DAY)));
  const raw = CHANNEL_SHARE_START.map((s, i) => s * Math.pow((CHANNEL_SHARE_END[i] as number) / s, x));
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((v) => v / total);
}

function baseLevel(day: number): number {
  const c = civilFromDay(day);
  const years = (day - FIRST_DAY) / 365.25;
  return Math.pow(1 + LEAD_GROWTH_PER_YEAR, years) * (LEAD_MONTH_SEASON[c.month - 1] as number) * dayActivity(day);
}

function fiscalYearOfDay(day: number): number {
  const c = civilFromDay(day);
  return c.month >= 4 ? c.year : c.year - 1;
}

export class ArrivalPlan {
  /** Arrival groups per day index (day - FIRST_DAY), up to as_of. */
  readonly byDay: ArrivalGroup[][];
  /** Planned (noise-free) leads per month index, to the end of FY2026. */
  readonly plannedLeadsByMonth = new Map<number, number>();
  /** Expected leads per month/channel/campaign up to as_of, for channel costs. */
  readonly expected: ExpectedLeads[] = [];
  readonly scale: number;

  constructor(totalLeads: number, seed: number, calendar: CampaignCalendar) {
    const rng = Random.stream(seed, 'arrivals');
    const days = AS_OF_DAY - FIRST_DAY + 1;
    const monthNoise = new Map<number, number[]>();
    const noiseOf = (month: number): number[] => {
      let n = monthNoise.get(month);
      if (!n) {
        n = CHANNELS.map(() => rng.logNormal(1, 0.1));
        monthNoise.set(month, n);
      }
      return n;
    };

    const entries: { day: number; channel: number; campaign: number; weight: number }[] = [];
    for (let d = FIRST_DAY; d <= AS_OF_DAY; d++) {
      const base = baseLevel(d) * rng.logNormal(1, 0.12);
      const shares = channelShares(d);
      const noise = noiseOf(monthIndex(d));
      for (const ch of STEADY_CHANNELS) {
        const w = base * (shares[ch] as number) * (noise[ch] as number) * rng.logNormal(1, 0.15);
        entries.push({ day: d, channel: ch, campaign: -1, weight: w });
      }
    }

    // Event channels: each event (of all planned in its fiscal year) draws its
    // weight's share of the channel's yearly leads, spread over its
    // registration window; events after as_of contribute nothing yet.
    const fyLevel = new Map<string, { sum: number }>();
    for (let d = FIRST_DAY; d <= PLAN_END_DAY; d++) {
      const shares = channelShares(d);
      const base = baseLevel(d);
      for (const ch of EVENT_CHANNELS) {
        const key = `${fiscalYearOfDay(d)}:${ch}`;
        const v = fyLevel.get(key) ?? { sum: 0 };
        v.sum += base * (shares[ch] as number);
        fyLevel.set(key, v);
      }
    }
    const weightPerFy = new Map<string, number>();
    for (const c of calendar.all) {
      if (c.eventDay < 0) continue;
      const key = `${fiscalYearOfDay(c.eventDay)}:${c.channel}`;
      weightPerFy.set(key, (weightPerFy.get(key) ?? 0) + c.weight);
    }
    const eventEntries: { campaign: number; day: number; weight: number }[] = [];
    for (const c of calendar.all) {
      if (c.eventDay < 0) continue;
      const key = `${fiscalYearOfDay(c.eventDay)}:${c.channel}`;
      const level = fyLevel.get(key);
      if (!level) continue;
      const size = level.sum * (c.weight / (weightPerFy.get(key) as number));
      const curve: { day: number; w: number }[] = [];
      if (c.registrationDays > 0) {
        for (let k = 0; k <= c.registrationDays; k++) {
          const day = c.eventDay - k;
          let w = (1 + 3 * Math.exp(-k / 4)) * (k >= c.registrationDays - 1 ? 1.8 : 1) * Math.max(0.15, dayActivity(day));
          if (k === 0) w *= 0.4;
          curve.push({ day, w });
        }
      } else {
        for (let k = 0; k < c.eventDays; k++) curve.push({ day: c.eventDay + k, w: [1, 1.15, 0.8][k] ?? 1 });
      }
      const total = curve.reduce((a, b) => a + b.w, 0);
      for (const p of curve) {
        if (p.day < FIRST_DAY || p.day > AS_OF_DAY) continue;
        eventEntries.push({ campaign: c.index, day: p.day, weight: size * (p.w / total) * rng.logNormal(1, 0.1) });
      }
    }
    for (const e of eventEntries) {
      entries.push({ day: e.day, channel: calendar.get(e.campaign).channel, campaign: e.campaign, weight: e.weight });
    }
    entries.sort((a, b) => a.day - b.day || a.channel - b.channel || a.campaign - b.campaign);

    const sum = entries.reduce((a, e) => a + e.weight, 0);
    this.scale = totalLeads / sum;

    this.byDay = Array.from({ length: days }, () => [] as ArrivalGroup[]);
    const offset = rng.next();
    let cumulative = 0;
    let previous = Math.floor(offset);
    let assigned = 0;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      cumulative += e.weight * this.scale;
      const next = i === entries.length - 1 ? totalLeads + Math.floor(offset) : Math.floor(cumulative + offset);
      const count = Math.max(0, next - previous);
      previous = next;
      assigned += count;
      if (count > 0) this.byDay[e.day - FIRST_DAY]!.push({ channel: e.channel, campaign: e.campaign, count });
    }
    if (assigned !== totalLeads) throw new Error(`arrival plan assigned ${assigned} leads, expected ${totalLeads}`);

    for (let d = FIRST_DAY; d <= PLAN_END_DAY; d++) {
      const m = monthIndex(d);
      this.plannedLeadsByMonth.set(m, (this.plannedLeadsByMonth.get(m) ?? 0) + baseLevel(d) * this.scale);
    }

    const expected = new Map<string, ExpectedLeads>();
    const add = (month: number, channel: number, campaign: number, leads: number) => {
      const key = `${month}:${channel}:${campaign}`;
      const v = expected.get(key);
      if (v) v.leads += leads;
      else expected.set(key, { month, channel, campaign, leads });
    };
    for (const e of entries) {
      const leads = e.weight * this.scale;
      if (e.campaign >= 0) {
        const c = calendar.get(e.campaign);
        if (c.eventDay <= AS_OF_DAY) add(monthIndex(c.eventDay), e.channel, e.campaign, leads);
        continue;
      }
      const list = calendar.active(e.channel, e.day);
      const organic = list.length === 0 ? 1 : (ORGANIC_SHARE[e.channel] as number);
      if (organic > 0) add(monthIndex(e.day), e.channel, -1, leads * organic);
      if (list.length > 0 && organic < 1) {
        let total = 0;
        for (const i of list) total += calendar.get(i).weight;
        for (const i of list) add(monthIndex(e.day), e.channel, i, leads * (1 - organic) * (calendar.get(i).weight / total));
      }
    }
    this.expected = [...expected.values()].sort((a, b) => a.month - b.month || a.channel - b.channel || a.campaign - b.campaign);
  }
}
