import { describe, expect, it } from 'vitest';
import { belowCostFloor, MIN_COST_SHARE } from './cost-floor';

describe('belowCostFloor', () => {
  it('marks a positive cost under 1 % of the total, worked by hand', () => {
    // total 10,000: the floor is 100; 99 is under it, 100 is not
    expect(MIN_COST_SHARE).toBe(0.01);
    expect(belowCostFloor([9_801, 99, 100, 0])).toEqual([false, true, false, false]);
  });

  it('leaves zero, negative and missing costs to their own empty ratios', () => {
    expect(belowCostFloor([null, 0, 5_000])).toEqual([false, false, false]);
    expect(belowCostFloor([])).toEqual([]);
    expect(belowCostFloor([0, 0])).toEqual([false, false]);
  });

  it("on the bundled sample's yearly spend marks direct alone", () => {
    // seeds/channel_costs.csv summed per channel (万円): direct is 0.44 % of the total, referral 1.7 %
    const costs = [12_638, 7_556, 4_269, 4_040, 3_674, 3_272, 2_434, 2_330, 1_252, 737, 188];
    expect(
      belowCostFloor(costs)
        .map((b, i) => (b ? i : -1))
        .filter((i) => i >= 0),
    ).toEqual([10]);
  });
});
