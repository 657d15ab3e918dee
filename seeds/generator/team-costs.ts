/*
 * The company's sales-and-marketing people and overhead per team and month
 * (seeds/team_costs.csv): the cost beside program spend that a fully loaded
 * CAC counts (docs/metrics.md, definition 10).
 *
 * Assumptions, stated as such (published Japanese figures used as
 * assumptions, not as data of ours):
 * - Headcount follows the lead plan: each team is staffed for its fiscal
 *   year's planned leads per month (ArrivalPlan.plannedLeadsByMonth, no
 *   random draw) at LEADS_PER_HEAD, and hires towards it through the year
 *   (linear ramp from the previous year's level; FY2024 starts at 90 % of
 *   its level). At the 20,000-lead sample (about ¥3 B won in the 12 months
 *   to as_of) that is about 14 / 19 / 32 marketing / inside-sales /
 *   field-sales people in April 2024 and 22 / 34 / 54 in November 2026,
 *   some 110 people in acquisition and 18 in customer success: Japanese
 *   SaaS companies book roughly ¥12-20 M of revenue per employee (150-250
 *   people at ¥3 B), and a growing one puts about half of them in sales and
 *   marketing. Customer success is staffed on the same plan but acquires no
 *   one: it is written so the file looks like a real cost sheet, and CAC
 *   leaves it out.
 * - Loaded monthly cost per head (salary with bonus accrued monthly,
 *   employer social insurance ≈ 15 %, benefits), FY2024, rising 2.5 % every
 *   April (annual raise): marketing ¥0.95 M, inside sales ¥0.80 M, field
 *   sales ¥1.15 M, customer success ¥0.85 M.
 * - Overhead per head and month (office space in Tokyo, SFA/MA/CRM seats
 *   and other tools, recruiting fees, travel and entertainment): marketing
 *   ¥0.20 M, inside sales ¥0.18 M, field sales ¥0.35 M (travel, client
 *   entertainment), customer success ¥0.18 M, ±8 % month to month.
 * - Headcount drifts by one person now and then (a leaver, an early hire),
 *   at most two off the plan.
 * Result on the sample, 12 months to as_of: people and overhead ¥1.55 B
 * beside ¥0.17 B program spend, sales and marketing about 58 % of revenue,
 * fully loaded CAC ¥7.9 M, LTV:CAC about 5 : 1, payback about 22 months.
 * Everything scales with the number of simulated leads (headcount in whole
 * people, at least 2 per team). Rows run from the first month to the month
 * of as_of, whole months (payroll is monthly), one row per month, team and
 * cost type (people, overhead), yen rounded to ¥1,000.
 *
 * Its own random stream ('team_costs'), so adding this table changed no
 * byte of the other seed files.
 */

import type { ArrivalPlan } from './arrivals.js';
import { AS_OF_MONTH, FIRST_MONTH, fiscalYearOfMonth } from './calendar.js';
import { Random } from './random.js';

export const TEAM_COST_TEAMS = ['marketing', 'inside_sales', 'sales', 'customer_success'] as const;
export type CostTeam = (typeof TEAM_COST_TEAMS)[number];

/** Planned leads per month that one person of the team serves. */
const LEADS_PER_HEAD: Record<CostTeam, number> = { marketing: 32, inside_sales: 23, sales: 14, customer_success: 40 };
/** Loaded monthly cost per head in FY2024 (yen). */
const PEOPLE_COST_PER_HEAD: Record<CostTeam, number> = {
  marketing: 950_000,
  inside_sales: 800_000,
  sales: 1_150_000,
  customer_success: 850_000,
};
/** Overhead per head and month (yen). */
const OVERHEAD_PER_HEAD: Record<CostTeam, number> = {
  marketing: 200_000,
  inside_sales: 180_000,
  sales: 350_000,
  customer_success: 180_000,
};
const ANNUAL_RAISE = 0.025;
const FIRST_YEAR_START_LEVEL = 0.9;
const MIN_HEADCOUNT = 2;

export interface TeamCostRow {
  month: number;
  team: CostTeam;
  costType: 'people' | 'overhead';
  cost: number;
}

const thousand = (yen: number) => Math.round(yen / 1000) * 1000;

export function teamCosts(arrivals: ArrivalPlan, seed: number): TeamCostRow[] {
  const rng = Random.stream(seed, 'team_costs');
  const plannedByYear = new Map<number, number[]>();
  for (const [month, leads] of arrivals.plannedLeadsByMonth) {
    const fy = fiscalYearOfMonth(month);
    plannedByYear.set(fy, [...(plannedByYear.get(fy) ?? []), leads]);
  }
  const monthlyLeads = (fy: number) => {
    const list = plannedByYear.get(fy) ?? [];
    return list.reduce((a, b) => a + b, 0) / Math.max(1, list.length);
  };
  const firstYear = fiscalYearOfMonth(FIRST_MONTH);
  const rows: TeamCostRow[] = [];
  for (const team of TEAM_COST_TEAMS) {
    const level = (fy: number) => monthlyLeads(fy) / LEADS_PER_HEAD[team];
    let drift = 0;
    for (let month = FIRST_MONTH; month <= AS_OF_MONTH; month++) {
      const fy = fiscalYearOfMonth(month);
      const target = level(fy);
      const previous = fy === firstYear ? target * FIRST_YEAR_START_LEVEL : level(fy - 1);
      const monthOfYear = (month - FIRST_MONTH) % 12;
      const u = rng.next();
      if (u < 0.12) drift -= 1;
      else if (u > 0.88) drift += 1;
      drift = Math.max(-2, Math.min(2, drift));
      const headcount = Math.max(MIN_HEADCOUNT, Math.round(previous + ((target - previous) * (monthOfYear + 1)) / 12) + drift);
      const raise = (1 + ANNUAL_RAISE) ** (fy - firstYear);
      rows.push({ month, team, costType: 'people', cost: thousand(headcount * PEOPLE_COST_PER_HEAD[team] * raise) });
      rows.push({
        month,
        team,
        costType: 'overhead',
        cost: thousand(headcount * OVERHEAD_PER_HEAD[team] * rng.logNormal(1, 0.08)),
      });
    }
  }
  return rows.sort((a, b) => a.month - b.month);
}
