/*
 * Reverse plan 受注から逆算 (docs/metrics.md, definition 11), worked by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CHANNELS,
  type PlanInput,
  PlanInputError,
  reversePlan,
  validatePlanInput,
} from '../../../server/engine/index.js';

function baseInput(): PlanInput {
  return {
    fiscalMonths: [{ month: '2025-06-01', revenueTarget: 10_000_000 }],
    averageDealSize: 2_000_000,
    conversionRates: {
      'lead->mql': 0.2,
      'mql->sal': 0.5,
      'sal->sql': 0.8,
      'sql->opportunity': 0.5,
      'opportunity->won': 0.25,
    },
    velocityDays: {
      'lead->mql': 10,
      'mql->sal': 3,
      'sal->sql': 5,
      'sql->opportunity': 14,
      'opportunity->won': 60,
    },
    channelMix: { seo: 0.5, web_ads: 0.3, webinar: 0.2 },
    channelCpl: { seo: 5_000, web_ads: 20_000, webinar: 15_000 },
    ltv: 3_000_000,
    ltvCacTarget: 3,
    channelCac: { seo: 400_000, web_ads: 1_500_000, webinar: 900_000 },
  };
}

const req = (r: ReturnType<typeof reversePlan>, month: string, stage: string) =>
  r.requirements.find((x) => x.targetMonth === month && x.stage === stage)!;

describe('reversePlan: the new-business target, by hand (definition 11)', () => {
  // Two target months on the base input (deal size 2,000,000; rates 0.2, 0.5, 0.8, 0.5, 0.25).
  // Renewal rate 0.9, expansion 500,000 a month.
  //   June: revenue target 30,000,000, no new_revenue target, renewals due 20,000,000:
  //     expected renewals = 20,000,000 × 0.9 = 18,000,000; recurring forecast = 18,500,000;
  //     new-business target = 30,000,000 − 18,500,000 = 11,500,000;
  //     wins = ⌈11,500,000 ÷ 2,000,000⌉ = ⌈5.75⌉ = 6; opportunities = 6 ÷ 0.25 = 24;
  //     sql = 24 ÷ 0.5 = 48; sal = 48 ÷ 0.8 = 60; mql = 60 ÷ 0.5 = 120; leads = 120 ÷ 0.2 = 600.
  //   July: revenue target 30,000,000 with a new_revenue target 8,000,000 (renewals due 10,000,000):
  //     the given target wins: wins = 8,000,000 ÷ 2,000,000 = 4; … leads = 4 ÷ 0.25 ÷ 0.5 ÷ 0.8 ÷ 0.5 ÷ 0.2 = 400;
  //     the recurring forecast is still its own line: 10,000,000 × 0.9 + 500,000 = 9,500,000;
  //     recurring plan = 30,000,000 − 8,000,000 = 22,000,000.
  const input: PlanInput = {
    ...baseInput(),
    renewalRate: 0.9,
    expansionPerMonth: 500_000,
    fiscalMonths: [
      { month: '2025-06-01', revenueTarget: 30_000_000, renewalsDue: 20_000_000 },
      { month: '2025-07-01', revenueTarget: 30_000_000, newRevenueTarget: 8_000_000, renewalsDue: 10_000_000 },
    ],
  };
  const r = reversePlan(input);

  it('splits each target month into recurring forecast and new-business target', () => {
    const [june, july] = r.targets;
    expect(june).toEqual({
      month: '2025-06-01',
      revenueTarget: 30_000_000,
      newRevenueTarget: null,
      renewalsDue: 20_000_000,
      expectedRenewals: 18_000_000,
      expectedExpansion: 500_000,
      recurringForecast: 18_500_000,
      newBusinessTarget: 11_500_000,
      recurringPlan: 18_500_000,
      source: 'revenue_minus_recurring',
    });
    expect(july).toMatchObject({
      newRevenueTarget: 8_000_000,
      recurringForecast: 9_500_000,
      newBusinessTarget: 8_000_000,
      recurringPlan: 22_000_000,
      source: 'new_revenue_target',
    });
    expect(r.totals).toMatchObject({
      revenueTarget: 60_000_000,
      newBusinessTarget: 19_500_000,
      recurringForecast: 28_000_000,
      recurringPlan: 40_500_000,
    });
  });

  it('plans each stage from the new-business target only', () => {
    const june = { won: 6, opportunity: 24, sql: 48, sal: 60, mql: 120, lead: 600 };
    const july = { won: 4, opportunity: 16, sql: 32, sal: 40, mql: 80, lead: 400 };
    for (const [stage, n] of Object.entries(june)) expect(req(r, '2025-06-01', stage).required).toBeCloseTo(n, 9);
    for (const [stage, n] of Object.entries(july)) expect(req(r, '2025-07-01', stage).required).toBeCloseTo(n, 9);
  });

  it('a recurring forecast above the revenue target leaves no new business to plan, not a negative one', () => {
    const over = reversePlan({
      ...input,
      fiscalMonths: [{ month: '2025-06-01', revenueTarget: 10_000_000, renewalsDue: 20_000_000 }],
    });
    expect(over.targets[0]).toMatchObject({ recurringForecast: 18_500_000, newBusinessTarget: 0, recurringPlan: 10_000_000 });
    expect(req(over, '2025-06-01', 'lead').required).toBe(0);
  });

  it('names a bad new-business field', () => {
    const bad = validatePlanInput({
      ...input,
      renewalRate: -1,
      fiscalMonths: [{ month: '2025-06-01', revenueTarget: 1, newRevenueTarget: 'x' }],
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.errors).toEqual(
        expect.arrayContaining([
          { field: 'renewalRate', message: 'must be a finite number ≥ 0' },
          { field: 'fiscalMonths[0].newRevenueTarget', message: 'must be a finite number ≥ 0' },
        ]),
      );
    }
  });
});

describe('reversePlan: one month by hand', () => {
  const r = reversePlan(baseInput());

  it('chains requirements back from the revenue target', () => {
    // wins = ⌈10,000,000 ÷ 2,000,000⌉ = 5
    // opportunities = 5 ÷ 0.25 = 20; sql = 20 ÷ 0.5 = 40; sal = 40 ÷ 0.8 = 50;
    // mql = 50 ÷ 0.5 = 100; leads = 100 ÷ 0.2 = 500.
    const expected = { won: 5, opportunity: 20, sql: 40, sal: 50, mql: 100, lead: 500 };
    for (const [stage, n] of Object.entries(expected)) {
      expect(req(r, '2025-06-01', stage).required).toBeCloseTo(n, 9);
      expect(req(r, '2025-06-01', stage).requiredDisplay).toBe(n);
    }
  });

  it('phases each requirement back by the cumulative velocity', () => {
    // cumulative days to won: opportunity 60, sql 60+14 = 74, sal 74+5 = 79,
    // mql 79+3 = 82, lead 82+10 = 92.
    // months = round(days ÷ 30.4): 60/30.4 = 1.97 → 2; 74/30.4 = 2.43 → 2;
    // 79/30.4 = 2.60 → 3; 82/30.4 = 2.70 → 3; 92/30.4 = 3.03 → 3.
    const expected = {
      won: [0, 0, '2025-06-01'],
      opportunity: [60, 2, '2025-04-01'],
      sql: [74, 2, '2025-04-01'],
      sal: [79, 3, '2025-03-01'],
      mql: [82, 3, '2025-03-01'],
      lead: [92, 3, '2025-03-01'],
    } as const;
    for (const [stage, [days, offset, month]] of Object.entries(expected)) {
      const row = req(r, '2025-06-01', stage);
      expect(row.cumulativeVelocityDays).toBe(days);
      expect(row.offsetMonths).toBe(offset);
      expect(row.neededByMonth).toBe(month);
    }
    expect(r.assumptions.offsetMonths).toEqual({ lead: 3, mql: 3, sal: 3, sql: 2, opportunity: 2, won: 0 });
  });

  it('splits leads by channel mix and prices them at CPL', () => {
    // seo 500 × 0.5 = 250 leads × 5,000 = 1,250,000
    // web_ads 500 × 0.3 = 150 × 20,000 = 3,000,000
    // webinar 500 × 0.2 = 100 × 15,000 = 1,500,000;  total 5,750,000
    const by = Object.fromEntries(r.channels.map((c) => [c.channel, c]));
    expect(by.seo!.leads).toBeCloseTo(250, 9);
    expect(by.seo!.budget).toBeCloseTo(1_250_000, 6);
    expect(by.web_ads!.leads).toBeCloseTo(150, 9);
    expect(by.web_ads!.budget).toBeCloseTo(3_000_000, 6);
    expect(by.webinar!.budget).toBeCloseTo(1_500_000, 6);
    expect(by.seo!.neededByMonth).toBe('2025-03-01');
    expect(r.totals.budget).toBeCloseTo(5_750_000, 6);
  });

  it('flags channels whose CAC exceeds LTV ÷ target, without changing the mix by default', () => {
    // allowable CAC = 3,000,000 ÷ 3 = 1,000,000; web_ads 1,500,000 > 1,000,000.
    expect(r.ltvBound.allowableCac).toBe(1_000_000);
    expect(r.ltvBound.flagged).toEqual(['web_ads']);
    expect(r.ltvBound.channels.find((c) => c.channel === 'seo')!.withinBound).toBe(true);
    expect(r.ltvBound.applied).toBe(false);
    expect(r.assumptions.channelMix).toEqual({ seo: 0.5, web_ads: 0.3, webinar: 0.2 });
  });

  it('holds channel program CACs against what the fully loaded bound leaves after people and overhead', () => {
    // allowable CAC 1,000,000 (fully loaded); people and overhead 450,000 per new customer
    // → allowable program CAC 550,000: webinar 900,000 and web_ads 1,500,000 over it, seo 400,000 within.
    const withTeam = reversePlan({ ...baseInput(), teamCostPerCustomer: 450_000 });
    expect(withTeam.ltvBound.allowableCac).toBe(1_000_000);
    expect(withTeam.ltvBound.teamCostPerCustomer).toBe(450_000);
    expect(withTeam.ltvBound.allowableProgramCac).toBe(550_000);
    expect(withTeam.ltvBound.flagged).toEqual(['web_ads', 'webinar']);
    expect(withTeam.ltvBound.channels.find((c) => c.channel === 'seo')).toEqual({
      channel: 'seo',
      cac: 400_000,
      allowableCac: 550_000,
      withinBound: true,
    });
    // people and overhead above the whole bound leave nothing for program spend
    const over = reversePlan({ ...baseInput(), teamCostPerCustomer: 1_200_000 });
    expect(over.ltvBound.allowableProgramCac).toBe(0);
    expect(over.ltvBound.flagged).toEqual(['seo', 'web_ads', 'webinar']);
  });

  it('exposes the rates used', () => {
    expect(r.assumptions.conversionRates['opportunity->won']).toBe(0.25);
    expect(r.assumptions.velocityDays['sql->opportunity']).toBe(14);
    expect(r.assumptions.daysPerMonth).toBe(30.4);
  });
});

describe('reversePlan: fractional requirements', () => {
  it('keeps fractions through the chain and rounds each value up only for display', () => {
    const input = baseInput();
    input.conversionRates['opportunity->won'] = 0.3;
    input.fiscalMonths = [{ month: '2025-06-01', revenueTarget: 9_000_000 }];
    const r = reversePlan(input);
    // wins = ⌈9,000,000 ÷ 2,000,000⌉ = ⌈4.5⌉ = 5
    // opp = 5 ÷ 0.3 = 16.667 (display 17); sql = 16.667 ÷ 0.5 = 33.333 (34);
    // sal = 33.333 ÷ 0.8 = 41.667 (42); mql = 41.667 ÷ 0.5 = 83.333 (84);
    // leads = 83.333 ÷ 0.2 = 416.667 (417)
    // (chaining rounded values would give 17, 34, 43, 86, 430 instead).
    const expected: Record<string, [number, number]> = {
      won: [5, 5],
      opportunity: [50 / 3, 17],
      sql: [100 / 3, 34],
      sal: [125 / 3, 42],
      mql: [250 / 3, 84],
      lead: [1250 / 3, 417],
    };
    for (const [stage, [v, display]] of Object.entries(expected)) {
      expect(req(r, '2025-06-01', stage).required).toBeCloseTo(v, 9);
      expect(req(r, '2025-06-01', stage).requiredDisplay).toBe(display);
    }
  });

  it('a zero target needs nothing', () => {
    const input = baseInput();
    input.fiscalMonths = [{ month: '2025-06-01', revenueTarget: 0 }];
    const r = reversePlan(input);
    expect(r.totals.byStage.lead).toEqual({ required: 0, requiredDisplay: 0 });
    expect(r.totals.budget).toBe(0);
  });
});

describe('reversePlan: several months, schedule and gaps', () => {
  const input = baseInput();
  input.fiscalMonths = [
    { month: '2025-07-01', revenueTarget: 6_000_000 },
    { month: '2025-06-01', revenueTarget: 10_000_000 },
  ];
  input.actuals = [
    { month: '2025-03-01', stage: 'lead', value: 450 },
    { month: '2025-04-01', stage: 'lead', value: 320 },
    { month: '2025-02-01', stage: 'lead', value: 10 },
  ];
  const r = reversePlan(input);

  it('sums requirements by the month they are needed in', () => {
    // July: wins 6,000,000 ÷ 2,000,000 = 3; opp 12; sql 24; sal 30; mql 60; leads 300.
    // June (above): wins 5; opp 20; sql 40; sal 50; mql 100; leads 500.
    // June's sal/mql/lead are needed in March, opp/sql in April;
    // July's sal/mql/lead in April, opp/sql in May.
    const s = (month: string, stage: string) => r.schedule.find((x) => x.month === month && x.stage === stage);
    expect(s('2025-03-01', 'lead')!.required).toBeCloseTo(500, 9);
    expect(s('2025-04-01', 'lead')!.required).toBeCloseTo(300, 9);
    expect(s('2025-04-01', 'opportunity')!.required).toBeCloseTo(20, 9);
    expect(s('2025-04-01', 'sal')!.required).toBeCloseTo(30, 9);
    expect(s('2025-05-01', 'sql')!.required).toBeCloseTo(24, 9);
    expect(s('2025-06-01', 'won')!.required).toBe(5);
    expect(s('2025-07-01', 'won')!.required).toBe(3);
    expect(r.schedule[0]!.month).toBe('2025-02-01');
  });

  it('compares actuals with what was needed that month', () => {
    const s = (month: string) => r.schedule.find((x) => x.month === month && x.stage === 'lead')!;
    // March: 450 − 500 = −50, attainment 450 ÷ 500 = 0.9.
    expect(s('2025-03-01').gap).toBeCloseTo(-50, 9);
    expect(s('2025-03-01').attainment).toBeCloseTo(0.9, 12);
    // April: 320 − 300 = +20, attainment 320 ÷ 300.
    expect(s('2025-04-01').gap).toBeCloseTo(20, 9);
    expect(s('2025-04-01').attainment).toBeCloseTo(320 / 300, 12);
    // February needs nothing: gap = actual, no attainment.
    expect(s('2025-02-01').required).toBe(0);
    expect(s('2025-02-01').gap).toBe(10);
    expect(s('2025-02-01').attainment).toBeNull();
    expect(r.schedule.find((x) => x.month === '2025-04-01' && x.stage === 'mql')!.actual).toBeNull();
  });

  it('schedules channel leads and budget by arrival month', () => {
    // April leads 300: seo 150 × 5,000 = 750,000; web_ads 90 × 20,000 = 1,800,000;
    // webinar 60 × 15,000 = 900,000.
    const c = (channel: string) => r.channelSchedule.find((x) => x.month === '2025-04-01' && x.channel === channel)!;
    expect(c('seo').leads).toBeCloseTo(150, 9);
    expect(c('seo').budget).toBeCloseTo(750_000, 6);
    expect(c('web_ads').budget).toBeCloseTo(1_800_000, 6);
    expect(c('webinar').budget).toBeCloseTo(900_000, 6);
    // totals: wins 8, leads 800, budget 5,750,000 + 3,450,000 = 9,200,000.
    expect(r.totals.byStage.won.required).toBe(8);
    expect(r.totals.byStage.lead.requiredDisplay).toBe(800);
    expect(r.totals.budget).toBeCloseTo(9_200_000, 6);
    expect(r.totals.revenueTarget).toBe(16_000_000);
  });
});

describe('reversePlan: solving within the LTV bound', () => {
  it('exclude: drops flagged channels and spreads their share proportionally', () => {
    const r = reversePlan({ ...baseInput(), solveWithinLtvBound: true });
    // web_ads (0.3) excluded; seo 0.5 ÷ 0.7 = 5/7, webinar 0.2 ÷ 0.7 = 2/7.
    // seo 500 × 5/7 = 357.14 leads × 5,000 = 12,500,000/7 = 1,785,714.29
    // webinar 500 × 2/7 = 142.86 × 15,000 = 15,000,000/7 = 2,142,857.14
    // total 27,500,000/7 = 3,928,571.43 (was 5,750,000); leads stay 500.
    expect(r.ltvBound.applied).toBe(true);
    expect(r.assumptions.channelMix.seo).toBeCloseTo(5 / 7, 12);
    expect(r.assumptions.channelMix.webinar).toBeCloseTo(2 / 7, 12);
    expect(r.assumptions.channelMix.web_ads).toBe(0);
    const by = Object.fromEntries(r.channels.map((c) => [c.channel, c]));
    expect(by.seo!.leads).toBeCloseTo(2500 / 7, 9);
    expect(by.seo!.leadsDisplay).toBe(358);
    expect(by.seo!.budget).toBeCloseTo(12_500_000 / 7, 6);
    expect(by.webinar!.budget).toBeCloseTo(15_000_000 / 7, 6);
    expect(by.web_ads!.budget).toBe(0);
    expect(r.totals.budget).toBeCloseTo(27_500_000 / 7, 6);
    expect(r.totals.byStage.lead.required).toBeCloseTo(500, 9);
  });

  it('reduce: scales flagged shares by allowable ÷ CAC', () => {
    const r = reversePlan({ ...baseInput(), solveWithinLtvBound: true, ltvBoundMode: 'reduce' });
    // web_ads 0.3 × 1,000,000/1,500,000 = 0.2; freed 0.1 over seo/webinar (0.5 : 0.2):
    // seo 0.5 + 0.1 × 5/7 = 4/7; webinar 0.2 + 0.1 × 2/7 = 8/35.
    // budget: seo 500 × 4/7 × 5,000 = 10,000,000/7; web_ads 100 × 20,000 = 2,000,000;
    // webinar 500 × 8/35 × 15,000 = 12,000,000/7.
    expect(r.assumptions.channelMix.web_ads).toBeCloseTo(0.2, 12);
    expect(r.assumptions.channelMix.seo).toBeCloseTo(4 / 7, 12);
    expect(r.assumptions.channelMix.webinar).toBeCloseTo(8 / 35, 12);
    expect(r.totals.budgetByChannel.seo).toBeCloseTo(10_000_000 / 7, 6);
    expect(r.totals.budgetByChannel.web_ads).toBeCloseTo(2_000_000, 6);
    expect(r.totals.budgetByChannel.webinar).toBeCloseTo(12_000_000 / 7, 6);
  });

  it('reports infeasible when every channel is over the bound', () => {
    const input = { ...baseInput(), solveWithinLtvBound: true, ltvCacTarget: 10 };
    // allowable = 3,000,000 ÷ 10 = 300,000 < every CAC.
    const r = reversePlan(input);
    expect(r.ltvBound.flagged).toEqual(['seo', 'web_ads', 'webinar']);
    expect(r.ltvBound.feasible).toBe(false);
    expect(r.ltvBound.applied).toBe(false);
    expect(r.assumptions.channelMix.seo).toBeCloseTo(0.5, 12);
  });

  it('treats a channel without observed CAC as unknown, not flagged', () => {
    const input = baseInput();
    delete input.channelCac!.webinar;
    const r = reversePlan(input);
    expect(r.ltvBound.channels.find((c) => c.channel === 'webinar')).toEqual({
      channel: 'webinar',
      cac: null,
      allowableCac: 1_000_000,
      withinBound: null,
    });
  });
});

describe('validatePlanInput', () => {
  const fields = (raw: unknown, known?: readonly string[]) => {
    const v = validatePlanInput(raw, known ? { knownChannels: known } : {});
    return v.ok ? [] : v.errors.map((e) => e.field);
  };

  it('accepts a valid input and returns it typed', () => {
    const v = validatePlanInput(JSON.parse(JSON.stringify(baseInput())), { knownChannels: DEFAULT_CHANNELS });
    expect(v.ok).toBe(true);
    if (v.ok) expect(v.value).toEqual(baseInput());
  });

  it('names the field of each error', () => {
    expect(fields({ ...baseInput(), fiscalMonths: [{ month: '2025-06-01', revenueTarget: -1 }] })).toEqual([
      'fiscalMonths[0].revenueTarget',
    ]);
    expect(fields({ ...baseInput(), fiscalMonths: [{ month: '2025-06-01', revenueTarget: Infinity }] })).toEqual([
      'fiscalMonths[0].revenueTarget',
    ]);
    expect(fields({ ...baseInput(), fiscalMonths: [{ month: '2025-06-15', revenueTarget: 1 }] })).toEqual([
      'fiscalMonths[0].month',
    ]);
    const rates = { ...baseInput().conversionRates, 'mql->sal': 1.2 };
    expect(fields({ ...baseInput(), conversionRates: rates })).toEqual(['conversionRates.mql->sal']);
    expect(fields({ ...baseInput(), conversionRates: { ...rates, 'mql->sal': 0 } })).toEqual(['conversionRates.mql->sal']);
    expect(fields({ ...baseInput(), conversionRates: { ...baseInput().conversionRates, 'mql->sql': 0.5 } })).toEqual([
      'conversionRates.mql->sql',
    ]);
    const { 'sal->sql': _drop, ...missing } = baseInput().velocityDays;
    expect(fields({ ...baseInput(), velocityDays: missing })).toEqual(['velocityDays.sal->sql']);
    expect(
      fields({ ...baseInput(), channelMix: { seo: 0.5, tiktok: 0.5 }, channelCpl: { seo: 1, tiktok: 1 } }, DEFAULT_CHANNELS),
    ).toEqual(['channelMix.tiktok', 'channelCpl.tiktok']);
    expect(fields({ ...baseInput(), channelMix: { seo: 0.5, web_ads: 0.28, webinar: 0.2 } })).toEqual(['channelMix']);
    expect(fields({ ...baseInput(), channelCpl: { ...baseInput().channelCpl, seo: -5 } })).toEqual(['channelCpl.seo']);
    expect(fields({ ...baseInput(), ltvCacTarget: 0 })).toEqual(['ltvCacTarget']);
    expect(fields({ ...baseInput(), ltvCacTarget: -3 })).toEqual(['ltvCacTarget']);
    expect(fields({ ...baseInput(), averageDealSize: 0 })).toEqual(['averageDealSize']);
    expect(fields({ ...baseInput(), actuals: [{ month: '2025-03-01', stage: 'customer', value: 1 }] })).toEqual([
      'actuals[0].stage',
    ]);
    expect(fields({ ...baseInput(), budget: 1 })).toEqual(['budget']);
    expect(fields('not an object')).toEqual(['']);
  });

  it('accepts a mix within ±0.001 of 1 and normalises it', () => {
    const input = { ...baseInput(), channelMix: { seo: 0.5, web_ads: 0.3, webinar: 0.2005 } };
    expect(fields(input)).toEqual([]);
    const r = reversePlan(input);
    // 0.5 ÷ 1.0005
    expect(r.assumptions.channelMix.seo).toBeCloseTo(0.5 / 1.0005, 12);
  });

  it('requires a CPL for every channel with a share', () => {
    expect(fields({ ...baseInput(), channelCpl: { seo: 5_000, web_ads: 20_000 } })).toEqual(['channelCpl.webinar']);
  });

  it('collects several errors at once', () => {
    expect(fields({ ...baseInput(), ltvCacTarget: 0, averageDealSize: -1 })).toEqual(['averageDealSize', 'ltvCacTarget']);
  });

  it('reversePlan throws PlanInputError carrying the errors', () => {
    try {
      reversePlan({ ...baseInput(), ltvCacTarget: 0 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PlanInputError);
      expect((e as PlanInputError).errors).toEqual([{ field: 'ltvCacTarget', message: 'must be a finite number > 0' }]);
    }
  });
});
