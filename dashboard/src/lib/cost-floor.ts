/*
 * Which channels' cost ratios are too small to compare (docs/metrics.md,
 * definition 9): CPL, CAC, ROI and ROAS divide by the channel's program
 * spend, so a channel with almost none (direct traffic, referrals) reads as
 * an ROI of tens of thousands of percent beside channels that carry the
 * budget. A meeting would rank it first. Below a floor the dashboard shows
 * the spend and the counts but not the quotients; the API still returns them.
 *
 * The floor is a share of the spend of the channels shown in the same table
 * and period, so it scales with the company and the window, and a scoped
 * token's table judges among the channels it sees.
 */

/** A channel below this share of the table's total spend gets no cost ratio. */
export const MIN_COST_SHARE = 0.01;

/**
 * For each row's cost, true when its ratios must not be compared: a positive
 * cost under MIN_COST_SHARE of the positive total. A zero or missing cost is
 * not "small": its ratios are already empty (division by zero), shown as such.
 */
export function belowCostFloor(costs: readonly (number | null)[]): boolean[] {
  const total = costs.reduce<number>((s, c) => s + (c !== null && c > 0 ? c : 0), 0);
  return costs.map((c) => c !== null && c > 0 && total > 0 && c < MIN_COST_SHARE * total);
}
