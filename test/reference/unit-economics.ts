/*
 * Unit economics (docs/metrics.md, definition 10): LTV, CAC payback and
 * LTV:CAC, a reference the tests set against the unit_economics mart's SQL
 * (the allowable CAC of definition 11 is server/engine/reverse-plan.ts's).
 *
 * LTV = ARPA × gross margin × customer lifetime, lifetime = 1 ÷ annual churn
 * capped at `maxLifetimeYears` (default MAX_LIFETIME_YEARS, 10 years, in
 * server/contract/unit-economics.ts). The cap makes zero churn (a young customer base, or a segment with no churn yet) give a finite LTV
 * instead of Infinity, and it also bounds very low churn: for churn below
 * 1 ÷ cap (10 % by default) the result is lower than the contract's plain
 * ARPA × margin ÷ churn. Pass `maxLifetimeYears: Infinity` for the uncapped
 * formula (zero churn then gives Infinity).
 *
 * Degenerate cases, chosen so callers never get an exception from data:
 * - CAC payback with no monthly margin (ARPA or margin 0): Infinity, or 0
 *   when CAC is 0 as well;
 * - LTV:CAC with CAC 0: Infinity when LTV > 0, NaN when both are 0 (no
 *   ratio exists; JSON turns it into null).
 * Invalid inputs (negative money, margin outside [0, 1], negative churn)
 * throw RangeError.
 */

import { MAX_LIFETIME_YEARS } from '../../server/contract/unit-economics.js';

export interface LtvInput {
  /** Annual revenue per customer account (JPY). */
  arpa: number;
  /** In [0, 1]. */
  grossMargin: number;
  /** Accounts churned in the last 12 months ÷ customers at its start; ≥ 0. */
  annualChurn: number;
  maxLifetimeYears?: number;
}

function nonNegative(name: string, v: number): void {
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a finite number ≥ 0, got ${v}`);
}

function margin(v: number): void {
  if (!Number.isFinite(v) || v < 0 || v > 1) throw new RangeError(`grossMargin must be in [0, 1], got ${v}`);
}

export function customerLifetimeYears(annualChurn: number, maxLifetimeYears = MAX_LIFETIME_YEARS): number {
  nonNegative('annualChurn', annualChurn);
  if (!(maxLifetimeYears > 0)) throw new RangeError(`maxLifetimeYears must be > 0, got ${maxLifetimeYears}`);
  return annualChurn > 0 ? Math.min(1 / annualChurn, maxLifetimeYears) : maxLifetimeYears;
}

export function ltv({ arpa, grossMargin, annualChurn, maxLifetimeYears }: LtvInput): number {
  nonNegative('arpa', arpa);
  margin(grossMargin);
  const years = customerLifetimeYears(annualChurn, maxLifetimeYears);
  if (arpa === 0 || grossMargin === 0) return 0;
  return arpa * grossMargin * years;
}

export function cacPaybackMonths(cac: number, arpa: number, grossMargin: number): number {
  nonNegative('cac', cac);
  nonNegative('arpa', arpa);
  margin(grossMargin);
  const monthlyMargin = (arpa * grossMargin) / 12;
  if (monthlyMargin === 0) return cac === 0 ? 0 : Infinity;
  return cac / monthlyMargin;
}

export function ltvToCac(ltvValue: number, cac: number): number {
  if (Number.isNaN(ltvValue) || ltvValue < 0) throw new RangeError(`ltv must be ≥ 0, got ${ltvValue}`);
  nonNegative('cac', cac);
  if (cac === 0) return ltvValue > 0 ? Infinity : NaN;
  return ltvValue / cac;
}
