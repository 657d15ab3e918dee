/*
 * A lead's marketing and sales touchpoints: anonymous research visits before
 * it identifies itself (tracked by cookie and joined to the lead later), the
 * lead-creation touch at exactly created_at, engagement that fades while the
 * lead sits in nurture, bursts of engagement before it becomes an MQL or comes
 * back from recycling, inside-sales calls before sal/sql, and a trickle of
 * newsletter clicks and webinar visits afterwards (customers included).
 *
 * Every touch lies in [2024-04-01, as_of]; a touch with a campaign lies
 * inside that campaign's run (webinar attendance on the webinar's day, booth
 * visits on show days). Leads of "untracked" accounts (met only offline,
 * never logged in the MA tool) get no touchpoints at all, so some
 * opportunities have none to attribute. Touches are returned sorted by time.
 */

import type { CampaignCalendar } from './campaigns.js';
import {
  AS_OF,
  DAY,
  FIRST_DAY,
  MINUTE,
  WINDOW_START,
  type DayProfile,
  isBusinessDay,
  jstDay,
  nextBusinessDay,
  placeInDay,
} from './calendar.js';
import { CH, MQL, OPPORTUNITY, SAL, SQL, WON } from './company.js';
import type { EntryKind, LeadDraft, Lifecycle } from './lifecycle.js';
import { cumulative, type Random } from './random.js';
import { TOUCH_TYPE_DEFINITIONS, TOUCH_TYPES, type TouchType } from '../../server/contract/vocabulary.js';

/** The contract's touch types (server/contract/vocabulary.ts), in its order. */
export { TOUCH_TYPES };
/** Names of the touch types, written to touch_types.csv (same order as TOUCH_TYPES). */
export const TOUCH_TYPE_LABELS = Object.fromEntries(
  TOUCH_TYPE_DEFINITIONS.map((t) => [t.touchType, [t.labelJa, t.labelEn]]),
) as Record<(typeof TOUCH_TYPES)[number], [ja: string, en: string]>;
/** A touch type's index in TOUCH_TYPES, by name: the generator's touches carry the index, the CSV the name. */
const TYPE = Object.fromEntries(TOUCH_TYPES.map((t, i) => [t, i])) as Record<TouchType, number>;

export interface Touch {
  at: number;
  channel: number;
  campaign: number;
  type: number;
}

const CREATION_TYPE: Record<EntryKind, number> = {
  form: TYPE.form_submit,
  download: TYPE.download,
  webinar: TYPE.webinar_register,
  seminar: TYPE.form_submit,
  booth: TYPE.event_visit,
  call: TYPE.sales_call,
  card: TYPE.sales_call,
  referral: TYPE.form_submit,
  email: TYPE.email_click,
};

/** Mean anonymous visits before identification, by lead source. */
const PRE_TOUCH_MEAN = [0.8, 0.8, 0.5, 0.5, 0.2, 0.35, 0.25, 0.15, 0.2, 0.1, 0.6];
const RESEARCH_CHANNELS = [CH.seo, CH.content, CH.web_ads, CH.social, CH.direct];
const RESEARCH_CUMULATIVE = cumulative([0.45, 0.17, 0.18, 0.08, 0.12]);

type Mix = readonly (readonly [number, number])[];
const NURTURE_MIX: Mix = [
  [CH.email, 0.4],
  [CH.webinar, 0.14],
  [CH.content, 0.12],
  [CH.seo, 0.1],
  [CH.direct, 0.09],
  [CH.web_ads, 0.06],
  [CH.social, 0.03],
  [CH.seminar, 0.025],
  [CH.trade_show, 0.015],
  [CH.inside_sales, 0.02],
];
const ACTIVE_MIX: Mix = [
  [CH.direct, 0.3],
  [CH.email, 0.25],
  [CH.webinar, 0.15],
  [CH.content, 0.12],
  [CH.seo, 0.08],
  [CH.inside_sales, 0.1],
];
const CUSTOMER_MIX: Mix = [
  [CH.email, 0.5],
  [CH.webinar, 0.35],
  [CH.direct, 0.15],
];
const BURST_MIX: Mix = [
  [CH.content, 0.35],
  [CH.direct, 0.3],
  [CH.email, 0.25],
  [CH.seo, 0.1],
];

interface CompiledMix {
  channels: number[];
  cumulative: number[][];
}

/** Webinars gain and seminars lose share year by year (one table per fiscal year). */
function compile(mix: Mix): CompiledMix {
  const channels = mix.map(([c]) => c);
  const tables = [0, 1, 2].map((year) =>
    cumulative(
      mix.map(([c, w]) =>
        c === CH.webinar ? w * (1 + 0.35 * year) : c === CH.seminar || c === CH.trade_show ? w * (1 - 0.25 * year) : w,
      ),
    ),
  );
  return { channels, cumulative: tables };
}

const MIXES = {
  nurture: compile(NURTURE_MIX),
  active: compile(ACTIVE_MIX),
  customer: compile(CUSTOMER_MIX),
  burst: compile(BURST_MIX),
};

/** Engagement per stage (in stage order): [initial touches/day, decay days, floor touches/day]. */
const ENGAGEMENT: readonly (readonly [number, number, number])[] = [
  [0.1, 25, 0.008],
  [0, 1, 0.1],
  [0, 1, 0.1],
  [0, 1, 0.08],
  [0, 1, 0.05],
  [0, 1, 0.01],
  [0.05, 20, 0.01],
  [0, 1, 0.002],
  [0, 1, 0.004],
];

/** Insertion sort: a lead has a handful of touches, mostly generated in order. Stable. */
function sortByTime(touches: Touch[]): void {
  for (let i = 1; i < touches.length; i++) {
    const t = touches[i] as Touch;
    let j = i - 1;
    while (j >= 0 && (touches[j] as Touch).at > t.at) {
      touches[j + 1] = touches[j] as Touch;
      j--;
    }
    touches[j + 1] = t;
  }
}

function fiscalYearSlot(at: number): number {
  return Math.min(2, Math.max(0, Math.floor((jstDay(at) - FIRST_DAY) / 365)));
}

export class TouchGenerator {
  private out: Touch[] = [];
  private rng!: Random;

  constructor(private readonly calendar: CampaignCalendar) {}

  generate(lead: LeadDraft, life: Lifecycle, rng: Random): Touch[] {
    this.out = [];
    this.rng = rng;
    if (lead.account.untracked) return this.out;
    const created = lead.createdAt;

    const pre = rng.poisson(PRE_TOUCH_MEAN[lead.channel] as number);
    for (let i = 0; i < pre; i++) {
      const guess = created - (rng.exponential(9) + rng.uniform(0.01, 0.3)) * DAY;
      let at = placeInDay(jstDay(guess), 'web', rng);
      if (at >= created) at = created - Math.floor(rng.uniform(1, 120) * MINUTE);
      if (at < WINDOW_START) continue;
      const channel = RESEARCH_CHANNELS[rng.weighted(RESEARCH_CUMULATIVE)] as number;
      if (channel === CH.web_ads || channel === CH.social) {
        const campaign = this.calendar.pickActive(channel, jstDay(at), rng, false);
        if (campaign >= 0) this.add(at, channel, campaign, TYPE.ad_click);
        else this.add(at, CH.seo, -1, TYPE.page_view);
      } else {
        this.add(at, channel, -1, TYPE.page_view);
      }
    }
    if ((lead.channel === CH.web_ads || lead.channel === CH.social) && lead.campaign >= 0 && rng.chance(0.85)) {
      const at = created - Math.floor(rng.uniform(1, 20) * MINUTE);
      if (at >= Math.max(WINDOW_START, this.calendar.get(lead.campaign).start))
        this.add(at, lead.channel, lead.campaign, TYPE.ad_click);
    }

    this.add(created, lead.channel, lead.campaign, CREATION_TYPE[lead.kind]);
    if (lead.campaign >= 0) {
      const c = this.calendar.get(lead.campaign);
      if (lead.channel === CH.webinar && rng.chance(0.55)) {
        this.addIfInRange(
          c.eventStart + Math.floor(rng.uniform(0, 10) * MINUTE),
          created,
          CH.webinar,
          c.index,
          TYPE.webinar_attend,
        );
      } else if (lead.channel === CH.seminar && rng.chance(0.7)) {
        this.addIfInRange(c.eventStart - Math.floor(rng.uniform(0, 30) * MINUTE), created, CH.seminar, c.index, TYPE.event_visit);
      }
    }

    const transitions = life.transitions;
    for (let i = 0; i < transitions.length; i++) {
      const tr = transitions[i]!;
      const end = i + 1 < transitions.length ? transitions[i + 1]!.at : AS_OF;
      this.engage(tr.to, tr.at, Math.min(end, AS_OF), created);
      if (i > 0) this.burst(transitions[i - 1]!.at, tr.to, tr.at, tr.reason);
    }

    sortByTime(this.out);
    return this.out;
  }

  private add(at: number, channel: number, campaign: number, type: number): void {
    this.out.push({ at, channel, campaign, type });
  }

  private addIfInRange(at: number, after: number, channel: number, campaign: number, type: number): void {
    if (at > after && at <= AS_OF) this.add(at, channel, campaign, type);
  }

  private engage(stage: number, start: number, end: number, created: number): void {
    const rng = this.rng;
    const [initial, decay, floor] = ENGAGEMENT[stage]!;
    const length = (end - start) / DAY;
    if (length <= 0) return;
    const decayMass = initial * decay * (1 - Math.exp(-length / decay));
    const expected = decayMass + floor * length;
    const n = Math.min(60, rng.poisson(expected));
    const mix = stage === WON ? MIXES.customer : stage >= MQL && stage <= OPPORTUNITY ? MIXES.active : MIXES.nurture;
    for (let i = 0; i < n; i++) {
      const age =
        rng.next() * expected < decayMass
          ? -decay * Math.log(1 - rng.next() * (1 - Math.exp(-length / decay)))
          : rng.next() * length;
      const guess = start + age * DAY;
      const channel = mix.channels[rng.weighted(mix.cumulative[fiscalYearSlot(guess)]!)] as number;
      this.touch(channel, guess, Math.max(start, created), rng);
    }
  }

  /** Engagement right before a step up: what the MA score or inside sales reacted to. */
  private burst(previous: number, to: number, at: number, reason: string): void {
    const rng = this.rng;
    if (to === MQL && (reason === 'score_threshold' || reason === 'reactivated')) {
      const k = 1 + rng.poisson(1.0);
      for (let i = 0; i < k; i++) {
        const when = i === 0 ? at - Math.floor(rng.uniform(1, 30) * MINUTE) : at - Math.floor(rng.uniform(0.05, 6) * DAY);
        if (when <= previous) continue;
        const channel = MIXES.burst.channels[rng.weighted(MIXES.burst.cumulative[fiscalYearSlot(when)]!)] as number;
        this.exactTouch(channel, when, rng);
      }
    } else if (to === SAL && rng.chance(0.5)) {
      const when = at - Math.floor(rng.uniform(0.01, 1) * DAY);
      if (when > previous) this.add(when, CH.inside_sales, this.outbound(when, rng), TYPE.sales_call);
    } else if (to === SQL && reason === 'appointment_set') {
      const when = at - Math.floor(rng.uniform(5, 60) * MINUTE);
      if (when > previous) this.add(when, CH.inside_sales, this.outbound(when, rng), TYPE.sales_call);
    } else if (to === SQL && reason === 'form_inquiry') {
      const when = at - Math.floor(rng.uniform(1, 10) * MINUTE);
      if (when > previous) this.add(when, rng.chance(0.6) ? CH.direct : CH.seo, -1, TYPE.form_submit);
    } else if (to === OPPORTUNITY && reason === 'meeting_held' && rng.chance(0.4)) {
      const when = at - Math.floor(rng.uniform(0.05, 3) * DAY);
      if (when > previous) this.add(when, CH.direct, -1, TYPE.page_view);
    }
  }

  private outbound(at: number, rng: Random): number {
    return rng.chance(0.5) ? this.calendar.pickActive(CH.inside_sales, jstDay(at), rng, false) : -1;
  }

  private exactTouch(channel: number, at: number, rng: Random): void {
    const day = jstDay(at);
    if (channel === CH.content) {
      const campaign = this.calendar.pickActive(CH.content, day, rng, false);
      if (campaign >= 0) this.add(at, CH.content, campaign, TYPE.download);
      else this.add(at, CH.content, -1, TYPE.page_view);
    } else if (channel === CH.email) {
      this.add(at, CH.email, this.calendar.pickEmail(day, rng), TYPE.email_click);
    } else {
      this.add(at, channel, -1, TYPE.page_view);
    }
  }

  /** A nurture touch of `channel` on the day of `guess`, after `after`. */
  private touch(channel: number, guess: number, after: number, rng: Random): void {
    const day = jstDay(guess);
    const profile: DayProfile = channel === CH.email ? 'email' : channel === CH.inside_sales ? 'calls' : 'web';
    if (profile !== 'web' && !isBusinessDay(day) && rng.chance(0.75)) return;
    let at = placeInDay(day, profile, rng);
    if (at <= after) at = after + Math.floor(rng.uniform(1, 180) * MINUTE);
    if (at > AS_OF) return;
    switch (channel) {
      case CH.email:
        this.add(at, CH.email, this.calendar.pickEmail(jstDay(at), rng), TYPE.email_click);
        return;
      case CH.webinar: {
        const webinar = this.calendar.openEvent(CH.webinar, at, rng);
        if (webinar < 0) {
          this.add(at, CH.email, this.calendar.pickEmail(jstDay(at), rng), TYPE.email_click);
          return;
        }
        this.add(at, CH.webinar, webinar, TYPE.webinar_register);
        if (rng.chance(0.5)) {
          this.addIfInRange(
            this.calendar.get(webinar).eventStart + Math.floor(rng.uniform(0, 10) * MINUTE),
            at,
            CH.webinar,
            webinar,
            TYPE.webinar_attend,
          );
        }
        return;
      }
      case CH.seminar: {
        const seminar = this.calendar.openEvent(CH.seminar, at, rng);
        if (seminar < 0) {
          this.add(at, CH.email, this.calendar.pickEmail(jstDay(at), rng), TYPE.email_click);
          return;
        }
        this.add(at, CH.seminar, seminar, TYPE.form_submit);
        if (rng.chance(0.65)) {
          this.addIfInRange(
            this.calendar.get(seminar).eventStart - Math.floor(rng.uniform(0, 30) * MINUTE),
            at,
            CH.seminar,
            seminar,
            TYPE.event_visit,
          );
        }
        return;
      }
      case CH.trade_show: {
        for (let d = day; d <= day + 60; d++) {
          const shows = this.calendar.events(CH.trade_show, d);
          if (shows.length === 0) continue;
          const show = this.calendar.get(shows[0] as number);
          const visit = placeInDay(show.eventDay + rng.int(0, show.eventDays - 1), 'booth', rng);
          this.addIfInRange(visit, after, CH.trade_show, show.index, TYPE.event_visit);
          return;
        }
        return;
      }
      case CH.content: {
        const campaign = this.calendar.pickActive(CH.content, jstDay(at), rng, false);
        if (campaign >= 0) this.add(at, CH.content, campaign, TYPE.download);
        else this.add(at, CH.content, -1, TYPE.page_view);
        return;
      }
      case CH.web_ads: {
        const campaign = this.calendar.pickActive(CH.web_ads, jstDay(at), rng, false);
        if (campaign >= 0) this.add(at, CH.web_ads, campaign, TYPE.ad_click);
        else this.add(at, CH.seo, -1, TYPE.page_view);
        return;
      }
      case CH.social: {
        const campaign = this.calendar.pickActive(CH.social, jstDay(at), rng);
        this.add(at, CH.social, campaign, campaign >= 0 ? TYPE.ad_click : TYPE.page_view);
        return;
      }
      case CH.inside_sales: {
        const callDay = nextBusinessDay(jstDay(at));
        const call = placeInDay(callDay, 'calls', rng);
        if (call > after && call <= AS_OF) this.add(call, CH.inside_sales, this.outbound(call, rng), TYPE.sales_call);
        return;
      }
      default:
        this.add(at, channel, -1, TYPE.page_view);
    }
  }
}
