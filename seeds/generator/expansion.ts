/*
 * Opportunities on existing customers: a renewal at every contract
 * anniversary (lost when the account churns, which sets churned_at), and
 * upsell / cross-sell deals while the account is a customer. The contract
 * value grows with won upsells, cross-sells and new-business wins of other
 * departments, so large customers grow larger (the Pareto shape of revenue).
 *
 * These need no stage transitions; their lead_id is a contact of the account
 * who existed when the opportunity was opened (mostly the contact who signed
 * the first deal); an installed-base renewal is opened once the account's
 * first contact is known, and when none is known a week before the renewal
 * date it happens silently and no opportunity is written.
 * Run after all leads are simulated: it reads each account's contacts.
 */

import type { Account, AccountBook, Cycle } from './accounts.js';
import { AS_OF, DAY, WINDOW_START, businessInstant } from './calendar.js';
import { CHURN_REASON_CUMULATIVE, CROSS_SELL_RATE_BY_BAND, LOST_REASONS, UPSELL_RATE_BY_BAND } from './company.js';
import { settleClose } from './lifecycle.js';
import { Random } from './random.js';

export type ExpansionType = 'renewal' | 'upsell' | 'cross_sell';

export interface ExpansionOpportunity {
  account: Account;
  leadIndex: number;
  dealType: ExpansionType;
  createdAt: number;
  /** NaN while open. */
  closedAt: number;
  status: 'open' | 'won' | 'lost';
  amount: number;
  lostReason: string;
}

interface Candidate {
  type: ExpansionType;
  due: number;
  renewalClose: number;
}

const EXPANSION_TERMS: Record<'upsell' | 'cross_sell', { win: number; share: [number, number]; days: [number, number] }> = {
  upsell: { win: 0.55, share: [0.15, 0.5], days: [35, 0.6] },
  cross_sell: { win: 0.4, share: [0.3, 0.8], days: [50, 0.6] },
};

function roundAmount(amount: number): number {
  return Math.max(100_000, Math.round(amount / 10_000) * 10_000);
}

function firstContactAt(acc: Account): number {
  return acc.contactTimes.length > 0 ? (acc.contactTimes[0] as number) : Infinity;
}

function contactAt(acc: Account, at: number, cycle: Cycle, rng: Random): number {
  let eligible = 0;
  while (eligible < acc.contactTimes.length && (acc.contactTimes[eligible] as number) <= at) eligible++;
  if (eligible === 0) return -1;
  const primary = cycle.wins[2] as number;
  const primaryPosition = primary >= 0 ? acc.contacts.indexOf(primary) : -1;
  if (primaryPosition >= 0 && primaryPosition < eligible && rng.chance(0.6)) return primary;
  return acc.contacts[rng.int(0, eligible - 1)] as number;
}

function* cycleOpportunities(acc: Account, cycle: Cycle, seed: number): Generator<ExpansionOpportunity> {
  const rng = Random.stream(seed, 'expansion', acc.index, cycle.ordinal);
  const changes: number[] = [];
  for (let i = 0; i < cycle.wins.length; i += 3) changes.push(cycle.wins[i] as number, cycle.wins[i + 1] as number);
  const arrAt = (at: number) => {
    let arr = 0;
    for (let i = 0; i < changes.length; i += 2) if ((changes[i] as number) <= at) arr += changes[i + 1] as number;
    return arr;
  };

  const candidates: Candidate[] = [];
  for (const close of cycle.renewals) {
    candidates.push({ type: 'renewal', due: close - rng.uniform(40, 90) * DAY, renewalClose: close });
  }
  const end = Math.min(cycle.churnAt - 120 * DAY, AS_OF);
  const from = Math.max(cycle.since, WINDOW_START) + 90 * DAY;
  for (const [type, rate] of [
    ['upsell', UPSELL_RATE_BY_BAND[acc.band]],
    ['cross_sell', CROSS_SELL_RATE_BY_BAND[acc.band]],
  ] as const) {
    for (
      let t = from + rng.exponential(365 / (rate as number)) * DAY;
      t < end;
      t += rng.exponential(365 / (rate as number)) * DAY
    ) {
      candidates.push({ type, due: t, renewalClose: NaN });
    }
  }
  candidates.sort((a, b) => a.due - b.due);

  for (const c of candidates) {
    if (c.type === 'renewal') c.due = Math.max(c.due, firstContactAt(acc) + rng.uniform(1, 5) * DAY);
    if (c.due < WINDOW_START || c.due > AS_OF) continue;
    const createdAt = businessInstant(c.due, c.due - 1, rng);
    if (createdAt > AS_OF || (c.type === 'renewal' && createdAt >= c.renewalClose - 7 * DAY)) continue;
    const leadIndex = contactAt(acc, createdAt, cycle, rng);
    const arr = arrAt(createdAt);
    if (c.type === 'renewal') {
      const amount = roundAmount(arr * rng.uniform(0.98, 1.08));
      if (c.renewalClose !== cycle.churnAt && amount > arr) changes.push(c.renewalClose, amount - arr);
      if (leadIndex < 0) continue;
      // A renewal is open until its date, lost when the account churns then, else won.
      const status = c.renewalClose > AS_OF ? 'open' : c.renewalClose === cycle.churnAt ? 'lost' : 'won';
      const lostReason = status === 'lost' ? (LOST_REASONS[rng.weighted(CHURN_REASON_CUMULATIVE)] as string) : '';
      const closedAt = status === 'open' ? NaN : c.renewalClose;
      yield { account: acc, leadIndex, dealType: 'renewal', createdAt, closedAt, status, amount, lostReason };
      continue;
    }
    if (leadIndex < 0) continue;
    const terms = EXPANSION_TERMS[c.type];
    const amount = roundAmount(arr * rng.uniform(terms.share[0], terms.share[1]));
    let won = rng.chance(terms.win);
    const natural = createdAt + Math.max(3, rng.logNormal(terms.days[0], terms.days[1])) * DAY;
    const closedAt = settleClose(createdAt, natural, won, rng);
    if (closedAt > AS_OF) {
      yield { account: acc, leadIndex, dealType: c.type, createdAt, closedAt: NaN, status: 'open', amount, lostReason: '' };
      continue;
    }
    let lostReason = '';
    if (closedAt >= cycle.churnAt) won = false;
    if (won) changes.push(closedAt, amount);
    else
      lostReason =
        closedAt >= cycle.churnAt ? 'no_decision' : rng.pick(['price', 'timing', 'no_decision', 'price', 'feature_gap']);
    yield { account: acc, leadIndex, dealType: c.type, createdAt, closedAt, status: won ? 'won' : 'lost', amount, lostReason };
  }
}

/** Expansion opportunities of every customer account, account by account, each in time order. */
export function* expansionOpportunities(book: AccountBook, seed: number): Generator<ExpansionOpportunity> {
  for (const acc of book.accounts) {
    if (acc.wins.length === 0) continue;
    for (const cycle of book.cyclesOf(acc)) yield* cycleOpportunities(acc, cycle, seed);
  }
}
