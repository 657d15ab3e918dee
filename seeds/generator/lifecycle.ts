/*
 * One lead's path through the revenue cycle: its entry (a plain lead, an
 * inquiry straight to sql, a business card or partner introduction straight
 * to opportunity), then competing outcomes out of each stage (next stage,
 * skip, recycled, disqualified, or stall in place) with probabilities and
 * log-normal delays shaped by channel, persona, industry, company size and
 * time; opportunities close as won or lost with fiscal-period-end pulls
 * (March, September, month ends); lost and recycled leads may come back.
 *
 * Everything after as_of is cut: a lead whose next step falls later simply
 * stays where it is (the open backlog). Transitions of a lead strictly
 * increase in time. A lead has at most one opportunity: a lead recycled after
 * a lost deal can come back, but goes no further than sql. Account-level
 * rules: contacts of a current customer are excluded as `existing_customer`,
 * and a lead whose account already has an open new-business deal waits at sql
 * until that deal closes.
 */

import type { Account, AccountBook } from './accounts.js';
import { dealAmount } from './accounts.js';
import {
  AS_OF,
  DAY,
  HOUR,
  MINUTE,
  businessInstant,
  civilFromDay,
  dayStart,
  daysInMonth,
  dayFromCivil,
  jstDay,
  jstInstant,
  monthIndex,
  placeInDay,
  previousBusinessDay,
  FIRST_DAY,
} from './calendar.js';
import {
  BAND_FACTORS,
  BASE_WIN_RATE,
  CH,
  CHANNEL_FACTORS,
  DISQUALIFIED,
  INDUSTRY_FACTORS,
  INQUIRY_SHARE,
  LEAD,
  LONG_STALL_SHARE,
  LOST,
  LOST_DAYS,
  LOST_REASONS,
  LOST_REASON_CUMULATIVE,
  LOST_TO_RECYCLED,
  MQL,
  MQL_DAYS_BY_CHANNEL,
  OPPORTUNITY,
  OPPORTUNITY_ENTRY_SHARE,
  PERSONA_FACTORS,
  PERSONA_SPEED,
  RECYCLED,
  RECYCLE_RETURN,
  RECYCLE_RETURN_DAYS,
  SAL,
  SAL_ENTRY_SHARE,
  SQL,
  STAGE_OUTCOMES,
  STAGE_ROWS,
  STAGE_VELOCITY,
  WON,
  WON_DAYS,
} from './company.js';
import { cumulative, type Random } from './random.js';

export const ENTRY_KINDS = ['form', 'download', 'webinar', 'seminar', 'booth', 'call', 'card', 'referral', 'email'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

const ENTRY_REASON: Record<EntryKind, string> = {
  form: 'form_submit',
  download: 'content_download',
  webinar: 'webinar_registration',
  seminar: 'seminar_registration',
  booth: 'event_badge_scan',
  call: 'outbound_call',
  card: 'business_card',
  referral: 'referral_intro',
  email: 'email_response',
};

/** How a lead of each channel identifies itself: [kind, weight][]. */
const KIND_BY_CHANNEL: readonly (readonly [EntryKind, number][])[] = [
  [
    ['form', 0.45],
    ['download', 0.55],
  ],
  [
    ['download', 0.85],
    ['form', 0.15],
  ],
  [
    ['form', 0.55],
    ['download', 0.45],
  ],
  [
    ['form', 0.4],
    ['download', 0.6],
  ],
  [
    ['email', 0.6],
    ['download', 0.4],
  ],
  [['webinar', 1]],
  [['seminar', 1]],
  [['booth', 1]],
  [['referral', 1]],
  [['call', 1]],
  [
    ['form', 0.6],
    ['card', 0.4],
  ],
];
const KIND_CUMULATIVE = KIND_BY_CHANNEL.map((list) => cumulative(list.map(([, w]) => w)));

export interface LeadDraft {
  index: number;
  createdAt: number;
  channel: number;
  campaign: number;
  persona: number;
  account: Account;
  kind: EntryKind;
  /** Factor on the base win probability of a new deal created at the instant (the buying group, buying-group.ts). */
  winFactor?: (createdAt: number) => number;
}

export interface Transition {
  from: number;
  to: number;
  at: number;
  reason: string;
}

export interface OpportunityOutcome {
  createdAt: number;
  /** NaN while open. */
  closedAt: number;
  status: 'open' | 'won' | 'lost';
  amount: number;
  lostReason: string;
}

export interface Lifecycle {
  transitions: Transition[];
  opportunity: OpportunityOutcome | null;
}

export function transitionTeam(from: number, to: number): string {
  if (to <= WON) return STAGE_ROWS[to]!.team;
  if (from >= 0 && from <= WON) return STAGE_ROWS[from]!.team;
  return STAGE_ROWS[to]!.team;
}

const IS_DIP_START = jstInstant(2026, 4, 1);
const IS_DIP_END = jstInstant(2026, 10, 1);
const YEAR = 365.25 * DAY;

/** Executives and department heads call or send inquiries more than field staff do. */
const PERSONA_FAST_PATH = [1.3, 1.1, 0.9, 0.7, 1.0];

const REASONS = {
  mqlRecycle: ['not_ready', 'not_ready', 'no_response'],
  salRecycle: ['no_response', 'no_response', 'timing', 'timing', 'no_budget'],
  sqlRecycle: ['no_budget', 'timing', 'timing', 'competitor'],
  leadDisqualify: ['not_target', 'not_target', 'not_target', 'invalid_contact', 'duplicate', 'competitor'],
  laterDisqualify: ['not_target', 'not_target', 'competitor', 'no_budget'],
};

function add(transitions: Transition[], from: number, to: number, at: number, reason: string): void {
  transitions.push({ from, to, at, reason });
}

function delay(rng: Random, velocity: readonly [number, number], speed: number, median = velocity[0]): number {
  return rng.logNormal(median * speed, velocity[1]);
}

export class LifecycleSimulator {
  constructor(private readonly book: AccountBook) {}

  simulate(lead: LeadDraft, rng: Random): Lifecycle {
    const acc = lead.account;
    const transitions: Transition[] = [];

    const entry = this.decideEntry(lead, rng);
    if (
      entry.stage === OPPORTUNITY &&
      (this.book.isCustomerAt(acc, lead.createdAt) || this.book.openDealAt(acc, lead.createdAt))
    ) {
      entry.stage = SQL;
    }
    let stage = entry.stage;
    let t = lead.createdAt;
    add(transitions, -1, stage, t, entry.reason);

    let opportunity: OpportunityOutcome | null = null;
    let hadOpportunity = false;
    let recycles = 0;
    let returned = false;

    if (stage < OPPORTUNITY && this.book.isCustomerAt(acc, t) && rng.chance(0.6)) {
      const at = businessInstant(t + rng.logNormal(3, 0.8) * DAY, t, rng);
      if (at <= AS_OF) add(transitions, stage, DISQUALIFIED, at, 'existing_customer');
      return { transitions, opportunity };
    }

    for (let guard = 0; guard < 40; guard++) {
      if (stage <= SQL) {
        const outcome = this.drawOutcome(stage, lead, t, returned, rng);
        if (!outcome) break;
        let { to, reason } = outcome;
        if (hadOpportunity && to >= OPPORTUNITY) break;
        const due = t + outcome.days * DAY;
        const at = to === MQL ? Math.max(t + MINUTE, placeInDay(jstDay(due), 'web', rng)) : businessInstant(due, t, rng);
        if (at > AS_OF) break;
        if (to <= WON && this.book.isCustomerAt(acc, at)) {
          to = DISQUALIFIED;
          reason = 'existing_customer';
        } else if (to === OPPORTUNITY) {
          const deal = this.book.openDealAt(acc, at);
          if (deal) {
            const [closedAt, won] = deal;
            if (closedAt > AS_OF) break;
            const after = businessInstant(closedAt + rng.logNormal(4, 0.6) * DAY, Math.max(t, closedAt), rng);
            if (after > AS_OF) break;
            const next = won ? DISQUALIFIED : RECYCLED;
            add(transitions, stage, next, after, won ? 'existing_customer' : 'timing');
            if (next === RECYCLED) recycles++;
            stage = next;
            t = after;
            continue;
          }
        }
        add(transitions, stage, to, at, reason);
        if (to === RECYCLED) recycles++;
        stage = to;
        t = at;
        continue;
      }

      if (stage === OPPORTUNITY) {
        hadOpportunity = true;
        opportunity = this.closeOpportunity(lead, t, rng);
        if (opportunity.status === 'open') {
          this.book.registerDeal(acc, t, Infinity, false);
          break;
        }
        this.book.registerDeal(acc, t, opportunity.closedAt, opportunity.status === 'won');
        if (opportunity.status === 'won') {
          add(transitions, OPPORTUNITY, WON, opportunity.closedAt, 'contract_signed');
          this.book.registerWin(acc, opportunity.closedAt, opportunity.amount, lead.index);
          break;
        }
        add(transitions, OPPORTUNITY, LOST, opportunity.closedAt, opportunity.lostReason);
        stage = LOST;
        t = opportunity.closedAt;
        continue;
      }

      if (stage === LOST) {
        if (!rng.chance(LOST_TO_RECYCLED)) break;
        const at = businessInstant(t + rng.logNormal(20, 0.6) * DAY, t, rng);
        if (at > AS_OF) break;
        add(transitions, LOST, RECYCLED, at, 'nurture');
        recycles++;
        stage = RECYCLED;
        t = at;
        continue;
      }

      if (stage === RECYCLED) {
        const chance = RECYCLE_RETURN[Math.min(recycles, RECYCLE_RETURN.length) - 1];
        if (chance === undefined || recycles > 3 || !rng.chance(chance)) break;
        const due = t + rng.logNormal(RECYCLE_RETURN_DAYS[0], RECYCLE_RETURN_DAYS[1]) * DAY;
        const at = Math.max(t + MINUTE, placeInDay(jstDay(due), 'web', rng));
        if (at > AS_OF) break;
        let to = rng.chance(0.75) ? MQL : LEAD;
        let reason = 'reactivated';
        if (this.book.isCustomerAt(acc, at)) {
          to = DISQUALIFIED;
          reason = 'existing_customer';
        }
        add(transitions, RECYCLED, to, at, reason);
        stage = to;
        t = at;
        returned = true;
        continue;
      }
      break;
    }
    return { transitions, opportunity };
  }

  private decideEntry(lead: LeadDraft, rng: Random): { stage: number; reason: string } {
    const ch = lead.channel;
    const personaBoost = PERSONA_FAST_PATH[lead.persona] as number;
    const pOpportunity = (OPPORTUNITY_ENTRY_SHARE[ch] as number) * personaBoost;
    const pSql = (INQUIRY_SHARE[ch] as number) * personaBoost;
    const pSal = SAL_ENTRY_SHARE[ch] as number;
    const r = rng.next();
    const list = KIND_BY_CHANNEL[ch]!;
    lead.kind = list[rng.weighted(KIND_CUMULATIVE[ch]!)]![0];
    if (r < pOpportunity) {
      if (ch === CH.direct) lead.kind = 'card';
      return { stage: OPPORTUNITY, reason: ch === CH.referral ? 'referral_intro' : 'business_card' };
    }
    if (r < pOpportunity + pSql) {
      if (lead.kind === 'download' || lead.kind === 'email' || lead.kind === 'card') lead.kind = 'form';
      return { stage: SQL, reason: ch === CH.inside_sales ? 'appointment_set' : 'form_inquiry' };
    }
    if (r < pOpportunity + pSql + pSal) return { stage: SAL, reason: 'hot_lead' };
    return { stage: LEAD, reason: ENTRY_REASON[lead.kind] };
  }

  private drawOutcome(
    stage: number,
    lead: LeadDraft,
    t: number,
    returned: boolean,
    rng: Random,
  ): { to: number; days: number; reason: string } | null {
    const acc = lead.account;
    const ch = CHANNEL_FACTORS[lead.channel]!;
    const persona = PERSONA_FACTORS[lead.persona]!;
    const speed = PERSONA_SPEED[lead.persona] as number;
    let factor: number;
    if (stage === LEAD) {
      factor = ch[0] * persona[0];
    } else {
      factor = ch[1] * persona[1] * INDUSTRY_FACTORS[acc.industry]![0] * BAND_FACTORS[acc.band]![0];
      if (returned) factor *= 1.1;
      if (stage === SAL && t >= IS_DIP_START && t < IS_DIP_END) factor *= 0.82;
    }
    const base = STAGE_OUTCOMES[stage]!;
    const pUp = Math.min(0.93, base[0] * factor);
    const pSkip = Math.min(0.2, base[1] * factor);
    const others = base[2] + base[3] + base[4];
    const rest = Math.max(0, 1 - pUp - pSkip) / others;
    const velocity = STAGE_VELOCITY[stage]!;
    const r = rng.next();
    if (r < pUp) {
      const median = stage === LEAD ? (MQL_DAYS_BY_CHANNEL[lead.channel] as number) : velocity[0]![0];
      const reason = ['score_threshold', 'is_accepted', 'appointment_set', 'meeting_held'][stage] as string;
      return { to: stage + 1, days: delay(rng, velocity[0]!, speed, median), reason };
    }
    if (r < pUp + pSkip) {
      if (stage === LEAD && rng.chance(0.4)) return { to: SAL, days: delay(rng, velocity[1]!, speed), reason: 'hot_lead' };
      return { to: SQL, days: delay(rng, velocity[1]!, speed), reason: 'form_inquiry' };
    }
    const x = (r - pUp - pSkip) / rest;
    if (x < base[2]) {
      const list = stage === MQL ? REASONS.mqlRecycle : stage === SAL ? REASONS.salRecycle : REASONS.sqlRecycle;
      return { to: RECYCLED, days: delay(rng, velocity[2]!, speed), reason: rng.pick(list) };
    }
    if (x < base[2] + base[3]) {
      const list = stage === LEAD ? REASONS.leadDisqualify : REASONS.laterDisqualify;
      return { to: DISQUALIFIED, days: delay(rng, velocity[3]!, speed), reason: rng.pick(list) };
    }
    if (stage !== LEAD) return { to: RECYCLED, days: rng.logNormal(40, 0.8), reason: 'stale' };
    return null;
  }

  private closeOpportunity(lead: LeadDraft, createdAt: number, rng: Random): OpportunityOutcome {
    const acc = lead.account;
    const years = (createdAt - dayStart(FIRST_DAY)) / YEAR;
    const pWin = Math.min(
      0.8,
      BASE_WIN_RATE *
        CHANNEL_FACTORS[lead.channel]![2] *
        // the buying group, when given, stands in for the primary contact's persona (buying-group.ts)
        (lead.winFactor ? lead.winFactor(createdAt) : PERSONA_FACTORS[lead.persona]![2]) *
        INDUSTRY_FACTORS[acc.industry]![1] *
        BAND_FACTORS[acc.band]![1] *
        (1 + 0.05 * years),
    );
    const won = rng.chance(pWin);
    const cycle = BAND_FACTORS[acc.band]![2] * (PERSONA_SPEED[lead.persona] as number);
    const [median, sigma] = won ? WON_DAYS : LOST_DAYS;
    let days = Math.max(2, rng.logNormal(median * cycle, sigma));
    if (rng.chance(LONG_STALL_SHARE)) days += rng.uniform(120, 400);
    const closedAt = settleClose(createdAt, createdAt + days * DAY, won, rng);
    const amount = dealAmount(acc.band, acc.industry, rng, won ? 1 : 1.08);
    if (closedAt > AS_OF) return { createdAt, closedAt: NaN, status: 'open', amount, lostReason: '' };
    if (won) return { createdAt, closedAt, status: 'won', amount, lostReason: '' };
    const lostReason = acc.band === 3 && rng.chance(0.15) ? 'no_decision' : LOST_REASONS[rng.weighted(LOST_REASON_CUMULATIVE)]!;
    return { createdAt, closedAt, status: 'lost', amount, lostReason };
  }
}

/**
 * The close instant of a deal whose natural decision falls at `natural`:
 * wins are pulled to the second half of March or September (fiscal year and
 * half-year ends) or to the last week of the month; lost deals are cleaned up
 * at month ends. Always a business instant after `createdAt`.
 */
export function settleClose(createdAt: number, natural: number, won: boolean, rng: Random): number {
  const day = jstDay(natural);
  const c = civilFromDay(day);
  let target = -1;
  if (won) {
    if ((c.month === 2 || c.month === 3 || (c.month === 4 && c.day <= 20)) && rng.chance(0.45)) {
      target = dayFromCivil(c.year, 3, rng.int(16, 31));
    } else if ((c.month === 8 || c.month === 9 || (c.month === 10 && c.day <= 15)) && rng.chance(0.35)) {
      target = dayFromCivil(c.year, 9, rng.int(16, 30));
    } else if (c.month === 12 && c.day <= 26 && rng.chance(0.25)) {
      target = dayFromCivil(c.year, 12, rng.int(18, 26));
    } else if (rng.chance(0.3)) {
      const month = monthIndex(day);
      target = day - c.day + daysInMonth(month) - rng.int(0, 6);
    }
  } else if (rng.chance(0.2)) {
    const month = monthIndex(day);
    target = day - c.day + daysInMonth(month) - rng.int(0, 4);
  }
  let chosen = day;
  if (target >= 0) {
    const business = previousBusinessDay(target);
    if (dayStart(business) > createdAt + 2 * DAY) chosen = business;
  }
  return businessInstant(dayStart(chosen), createdAt + HOUR, rng);
}
