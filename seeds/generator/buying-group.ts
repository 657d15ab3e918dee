/*
 * The buying group's effect on winning (docs/metrics.md definition 19): the
 * one relationship between who engaged at an account and a deal's outcome
 * that the generator plants, so that the buying-group analysis has something
 * real to find and something to not find.
 *
 * Planted: a new-business deal whose account had an executive (経営層)
 * contact engage in the BUYING_GROUP_WINDOW_DAYS before the opportunity was
 * created wins EXECUTIVE_WIN_FACTOR times as often as its base rate;
 * every other deal wins OTHER_WIN_FACTOR times its base rate (the two keep
 * the overall win rate near the generator's calibrated ~27 %). This factor
 * takes the place of the primary contact's persona win factor (company.ts
 * PERSONA_FACTORS, third column) for new business, so no other persona's
 * presence changes the win rate. Company size still does (BAND_FACTORS), and
 * the persona mix differs by size (PERSONA_BY_BAND): a persona common in
 * large companies looks worse across all deals without being a cause, which
 * is why the analysis is read per segment and with executive engagement held
 * fixed.
 *
 * Limits: the generator simulates each lead's whole life when the lead
 * arrives, so it sees the contacts that arrived before the deal's primary
 * contact (and the primary itself), not those who arrive between the primary
 * contact and the opportunity. The analysis, which reads the finished data,
 * sees those too, so the effect it measures is slightly diluted, never
 * inflated. Engagement here is the contact's arrival (its first stage entry),
 * the analysis's engagement also counts later touches.
 *
 * Memory: two numbers per lead, kept per account.
 */

import { DAY } from './calendar.js';
import { PERSONAS } from './company.js';

/** The window before an opportunity in which a contact counts as engaged (the attribution lookback, settings). */
export const BUYING_GROUP_WINDOW_DAYS = 180;
export const EXECUTIVE_WIN_FACTOR = 1.45;
export const OTHER_WIN_FACTOR = 0.8;

const EXECUTIVE = PERSONAS.indexOf('executive');

export class BuyingGroups {
  /** Per account index: flat [arrival instant, persona] of its contacts, in arrival order. */
  private readonly contacts = new Map<number, number[]>();

  add(account: number, persona: number, at: number): void {
    const list = this.contacts.get(account);
    if (list) list.push(at, persona);
    else this.contacts.set(account, [at, persona]);
  }

  /** Whether an executive contact of the account engaged in the window before `at`. */
  executiveEngaged(account: number, at: number): boolean {
    const list = this.contacts.get(account);
    if (!list) return false;
    const from = at - BUYING_GROUP_WINDOW_DAYS * DAY;
    for (let i = 0; i < list.length; i += 2) {
      const t = list[i] as number;
      if (t >= from && t <= at && list[i + 1] === EXECUTIVE) return true;
    }
    return false;
  }

  /** The factor on a new deal's base win probability for an opportunity of the account created at `at`. */
  winFactor(account: number, at: number): number {
    return this.executiveEngaged(account, at) ? EXECUTIVE_WIN_FACTOR : OTHER_WIN_FACTOR;
  }
}
