/*
 * Attribution marts on the hand-made fixture (test/fixtures/seeds-attribution):
 *
 * 1. hand-worked weights for U-shaped, W-shaped, time decay and the other
 *    rule-based models on three opportunities (5, 2 and 2 touches, the
 *    lead-creation touch in the middle, first and last), a conversion
 *    without touches, and a Markov chain solved by hand;
 * 2. the SQL mart against the engine's reference implementation
 *    (model/warehouse/marts/attribution_lead_weights/attribution-weights.ts, attribution_markov/markov.ts) for every conversion
 *    of the fixture, with touches, windows, reaches and Markov paths taken
 *    from the raw CSVs, not from the warehouse;
 * 3. the invariants (weights sum to 1, pipeline adds up, (none) credit).
 *
 * Fixture: lookback 30 days, half-life 7 days, as_of 2026-07-05 12:00 JST.
 *   O1 (account A1, created 2025-06-02 10:00, 3 000 000 JPY, won): touches
 *      in the window, two leads of the account (L1 primary, L2):
 *        TP02 seo 05-04 10:00 (29 d before)       first
 *        TP03 webinar 05-05 11:00 (27 d 23 h)     (L2)
 *        TP04 content 05-10 09:30 (23 d 0.5 h)    lead creation (L1 created 05-10 10:00)
 *        TP05 email 05-20 10:00 (13 d)
 *        TP06 web_ads 06-01 10:00 (1 d)           last (L2)
 *      TP01 seo 05-01 is 32 days before (out of the window), TP07 is after.
 *   O5 (A5, 2025-08-01, lost): TP09 trade_show 07-05 (27 d, lead creation =
 *      first: L5 created 07-10), TP10 email 07-25 (7 d).
 *   O3 (A3, 2026-05-01, open): TP11 seo 04-05, TP12 content 04-08 (lead
 *      creation = last: L6 created 04-10).
 *   O4, O6 (A4) and O8 (A0, touch 2024) have no touch in their window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ATTRIBUTION_MODELS,
  attributionWeights,
  NONE_CHANNEL,
  type AttributionModel,
  type Touch,
} from '../../model/warehouse/marts/attribution_lead_weights/attribution-weights.js';
import { markovAttribution, type ChannelPath } from '../../model/warehouse/marts/attribution_markov/markov.js';
import { ATTRIBUTION_SEEDS, buildTempWarehouse, DAY_MS, ms, query, readSeed, removeTempWarehouses, setting } from './helpers.js';

let warehouse: string;

beforeAll(async () => {
  warehouse = await buildTempWarehouse(ATTRIBUTION_SEEDS);
});
afterAll(removeTempWarehouses);

type Credits = Record<string, number>;

/** Weight per channel of one conversion under one model, from the mart. */
async function credits(conversion: string, id: string, model: AttributionModel): Promise<Credits> {
  const rows = await query(
    warehouse,
    `select channel, sum(weight) as weight from marts.attribution_credits
      where conversion_type = '${conversion}' and conversion_id = '${id}' and model = '${model}'
      group by channel`,
  );
  return Object.fromEntries(rows.map((r) => [r.channel, r.weight]));
}

function expectCredits(actual: Credits, expected: Credits) {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [channel, w] of Object.entries(expected)) expect(actual[channel]).toBeCloseTo(w, 12);
}

describe('hand-worked rule-based weights', () => {
  it('O1, five touches, lead creation in the middle', async () => {
    expectCredits(await credits('opportunity', 'O1', 'first_touch'), { seo: 1 });
    expectCredits(await credits('opportunity', 'O1', 'last_touch'), { web_ads: 1 });
    expectCredits(await credits('opportunity', 'O1', 'linear'), {
      seo: 0.2,
      webinar: 0.2,
      content: 0.2,
      email: 0.2,
      web_ads: 0.2,
    });
    // U: 40 % first (seo), 40 % lead creation (content), 20 % over the other three
    expectCredits(await credits('opportunity', 'O1', 'u_shaped'), {
      seo: 0.4,
      content: 0.4,
      webinar: 0.2 / 3,
      email: 0.2 / 3,
      web_ads: 0.2 / 3,
    });
    // W: 30 % first, 30 % lead creation, 30 % opportunity creation (web_ads), 10 % over the other two
    expectCredits(await credits('opportunity', 'O1', 'w_shaped'), {
      seo: 0.3,
      content: 0.3,
      web_ads: 0.3,
      webinar: 0.05,
      email: 0.05,
    });
  });

  it('O1, time decay with a 7-day half-life', async () => {
    const days = { seo: 29, webinar: 27 + 23 / 24, content: 23 + 0.5 / 24, email: 13, web_ads: 1 };
    const raw = Object.fromEntries(Object.entries(days).map(([c, d]) => [c, 2 ** (-d / 7)]));
    const sum = Object.values(raw).reduce((s, v) => s + v, 0);
    expectCredits(
      await credits('opportunity', 'O1', 'time_decay'),
      Object.fromEntries(Object.entries(raw).map(([c, v]) => [c, v / sum])),
    );
    // spelled out: the last touch, one day before, takes 2^(-1/7) ÷ Σ ≈ 64.5 %
    expect((await credits('opportunity', 'O1', 'time_decay')).web_ads).toBeCloseTo(0.6453584589, 9);
  });

  it('O5, two touches with the lead-creation touch first: positions merge', async () => {
    // U: first + lead creation = 80 % on trade_show, the other touch 20 %
    expectCredits(await credits('opportunity', 'O5', 'u_shaped'), { trade_show: 0.8, email: 0.2 });
    // W: 60 % + 30 %, no other touch: spread in proportion, 60/90 and 30/90
    expectCredits(await credits('opportunity', 'O5', 'w_shaped'), { trade_show: 2 / 3, email: 1 / 3 });
    // time decay: 27 and 7 days before: ratio 2^(-20/7)
    const r = 2 ** (-20 / 7);
    expectCredits(await credits('opportunity', 'O5', 'time_decay'), { trade_show: r / (1 + r), email: 1 / (1 + r) });
  });

  it('O3, two touches with the lead-creation touch last', async () => {
    expectCredits(await credits('opportunity', 'O3', 'u_shaped'), { seo: 0.5, content: 0.5 });
    expectCredits(await credits('opportunity', 'O3', 'w_shaped'), { seo: 1 / 3, content: 2 / 3 });
  });

  it('credits (none) with weight 1 under every model when the window holds no touch', async () => {
    for (const model of ATTRIBUTION_MODELS) {
      expectCredits(await credits('opportunity', 'O4', model), { [NONE_CHANNEL]: 1 });
      expectCredits(await credits('opportunity', 'O8', model), { [NONE_CHANNEL]: 1 });
      expectCredits(await credits('won', 'O6', model), { [NONE_CHANNEL]: 1 });
    }
  });

  it('gives a won deal the weights of its opportunity, dated at the win', async () => {
    for (const model of ATTRIBUTION_MODELS) {
      expectCredits(await credits('won', 'O1', model), await credits('opportunity', 'O1', model));
    }
    const [won] = await query(
      warehouse,
      "select min(converted_at)::varchar as at, sum(attributed_revenue) as revenue from marts.attribution_credits where conversion_type = 'won' and conversion_id = 'O1' and model = 'linear'",
    );
    expect(won!.at).toBe('2025-07-15 01:00:00');
    expect(won!.revenue).toBeCloseTo(3_000_000, 6);
  });
});

describe('hand-worked Markov chain (conversion = reached opportunity)', () => {
  /*
   * Paths (own touches of each lead, 30 days up to reached(opportunity), or
   * up to its last touch when it never got there):
   *   L0 [direct] conv · L1 [seo, content, email] conv · L2 [webinar, web_ads] null
   *   L3 [referral] conv · L4 [] conv ((none)) · L5 [trade_show, email] conv
   *   L6 [seo, content] conv · L7 [seo, content] null · L8 [web_ads] null · L9 [email] null
   * Transitions: start → direct, referral, (none), trade_show, webinar, web_ads,
   * email 1/10 each, seo 3/10; seo → content 1; content → email, conv, null 1/3
   * each; email → conv 2/3, null 1/3; trade_show → email; webinar → web_ads → null.
   * P(conv from email) = 2/3, from content = 1/3·2/3 + 1/3 = 5/9, from seo 5/9,
   * from trade_show 2/3. P(conv) = (1 + 3·5/9 + 1 + 1 + 2/3 + 2/3) / 10 = 0.6.
   * Removal: direct, referral, (none) −0.1 each → RE 1/6; trade_show −(2/3)/10
   * → 1/9; seo, content −(3·5/9)/10 → 5/18; email: P(content) = 1/3, P(trade_show)
   * = 0 → P = 0.4 → 1/3; webinar, web_ads 0. Σ RE = 3/2.
   * Shares: 1/9 each for direct, referral, (none); 2/27 trade_show; 5/27 seo and
   * content; 6/27 email; 0 webinar, web_ads.
   */
  it('solves the chain to the hand-worked removal effects and shares', async () => {
    const rows = await query(
      warehouse,
      "select channel, removal_effect, share, conversion_probability, total_conversions from marts.attribution_markov where markov_stage = 'opportunity'",
    );
    const by = Object.fromEntries(rows.map((r) => [r.channel, r]));
    const expected: Record<string, [number, number]> = {
      direct: [1 / 6, 1 / 9],
      referral: [1 / 6, 1 / 9],
      '(none)': [1 / 6, 1 / 9],
      trade_show: [1 / 9, 2 / 27],
      seo: [5 / 18, 5 / 27],
      content: [5 / 18, 5 / 27],
      email: [1 / 3, 6 / 27],
      webinar: [0, 0],
      web_ads: [0, 0],
    };
    expect(Object.keys(by).sort()).toEqual(Object.keys(expected).sort());
    for (const [channel, [re, share]] of Object.entries(expected)) {
      expect(by[channel]!.removal_effect).toBeCloseTo(re, 12);
      expect(by[channel]!.share).toBeCloseTo(share, 12);
      expect(by[channel]!.conversion_probability).toBeCloseTo(0.6, 12);
      expect(by[channel]!.total_conversions).toBe(6);
    }
  });

  it('spreads each conversion by the shares of the channels in its window', async () => {
    // O1: seo 5/27, webinar 0, content 5/27, email 6/27, web_ads 0 → 5/16, 5/16, 6/16
    expectCredits(await credits('opportunity', 'O1', 'data_driven'), { seo: 5 / 16, content: 5 / 16, email: 6 / 16 });
    // O5: trade_show 2/27, email 6/27 → 1/4, 3/4
    expectCredits(await credits('opportunity', 'O5', 'data_driven'), { trade_show: 0.25, email: 0.75 });
    expectCredits(await credits('opportunity', 'O2', 'data_driven'), { referral: 1 });
  });
});

describe('SQL marts against the engine reference on every conversion of the fixture', () => {
  it('gives the same weight per conversion, model, channel and campaign', async () => {
    const seeds = ATTRIBUTION_SEEDS;
    const [settings, stages, leads, transitions, opportunities, touchpoints] = await Promise.all(
      ['settings', 'stages', 'leads', 'stage_transitions', 'opportunities', 'touchpoints'].map((t) => readSeed(seeds, t)),
    );
    const lookbackMs = Number(setting(settings!, 'attribution_lookback_days')) * DAY_MS;
    const halfLifeDays = Number(setting(settings!, 'time_decay_half_life_days'));
    const asOf = ms(setting(settings!, 'as_of'));
    const funnel = stages!
      .filter((s) => s.is_funnel === 'true')
      .sort((a, b) => Number(a.stage_order) - Number(b.stage_order))
      .map((s) => s.stage!);
    const leadById = new Map(leads!.map((l) => [l.lead_id!, l]));
    const groupOf = (leadId: string) => leadById.get(leadId)?.account_id || `(lead) ${leadId}`;
    const touches = touchpoints!
      .map((t) => ({
        id: t.touchpoint_id!,
        lead: t.lead_id!,
        at: ms(t.occurred_at!),
        channel: t.channel!,
        campaign: t.campaign_id || null,
      }))
      .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

    // reached(S): first entry into S or any later funnel stage (the contract's back-fill)
    const reached = new Map<string, Map<string, number>>();
    for (const t of transitions!) {
      const k = funnel.indexOf(t.to_stage!);
      if (k < 0) continue;
      const lead = reached.get(t.lead_id!) ?? new Map<string, number>();
      for (let s = 0; s <= k; s++) {
        const at = ms(t.transitioned_at!);
        if (!lead.has(funnel[s]!) || at < lead.get(funnel[s]!)!) lead.set(funnel[s]!, at);
      }
      reached.set(t.lead_id!, lead);
    }

    // Markov chains: per target stage, every lead's own path up to its conversion or last touch
    const shares = new Map<string, Record<string, number>>();
    for (const stage of funnel.slice(1)) {
      const agg = new Map<string, ChannelPath>();
      for (const lead of leads!) {
        const id = lead.lead_id!;
        const own = touches.filter((t) => t.lead === id && t.at <= asOf);
        const conv = reached.get(id)?.get(stage);
        const end = conv ?? (own.length ? own[own.length - 1]!.at : undefined);
        const path = end === undefined ? [] : own.filter((t) => t.at <= end && t.at >= end - lookbackMs).map((t) => t.channel);
        const key = path.join('>');
        const p = agg.get(key) ?? { path, conversions: 0, nonConversions: 0 };
        if (conv !== undefined) p.conversions++;
        else p.nonConversions++;
        agg.set(key, p);
      }
      shares.set(stage, markovAttribution([...agg.values()]).shares);
    }

    type Conversion = { type: string; id: string; group: string; creditLead: string | null; end: number; chain: string };
    const conversions: Conversion[] = [];
    for (const o of opportunities!) {
      const base = {
        id: o.opportunity_id!,
        group: o.account_id || `(lead) ${o.lead_id}`,
        creditLead: o.lead_id || null,
        end: ms(o.created_at!),
        chain: 'opportunity',
      };
      conversions.push({ type: 'opportunity', ...base });
      if (o.status === 'won') conversions.push({ type: 'won', ...base });
    }
    for (const [leadId, stagesReached] of reached) {
      for (let k = 1; k < funnel.length; k++) {
        const at = stagesReached.get(funnel[k]!);
        if (at === undefined) continue;
        conversions.push({
          type: `${funnel[k - 1]}->${funnel[k]}`,
          id: leadId,
          group: groupOf(leadId),
          creditLead: leadId,
          end: at,
          chain: funnel[k]!,
        });
      }
    }

    const expected = new Map<string, number>();
    for (const c of conversions) {
      const window = touches.filter((t) => groupOf(t.lead) === c.group && t.at <= c.end && t.at >= c.end - lookbackMs);
      const created = c.creditLead ? ms(leadById.get(c.creditLead)!.created_at!) : -Infinity;
      let creationIndex = -1;
      window.forEach((t, i) => {
        if (t.lead === c.creditLead && t.at <= created) creationIndex = i;
      });
      const engineTouches: Touch[] = window.map((t, i) => ({
        id: t.id,
        at: new Date(t.at),
        channel: t.channel,
        isLeadCreation: i === creationIndex,
      }));
      for (const model of ATTRIBUTION_MODELS) {
        const weights = attributionWeights(model, engineTouches, {
          conversionAt: new Date(c.end),
          halfLifeDays,
          channelShares: shares.get(c.chain),
        });
        for (const w of weights) {
          const campaign = w.id === NONE_CHANNEL ? '' : (window.find((t) => t.id === w.id)!.campaign ?? '');
          const key = `${c.type}|${c.id}|${model}|${w.channel}|${campaign}`;
          expected.set(key, (expected.get(key) ?? 0) + w.weight);
        }
      }
    }
    for (const [key, w] of expected) if (w === 0) expected.delete(key);

    const rows = await query(
      warehouse,
      "select conversion_type, conversion_id, model, channel, coalesce(campaign_id, '') as campaign, weight from marts.attribution_credits",
    );
    const actual = new Map(
      rows.map((r) => [`${r.conversion_type}|${r.conversion_id}|${r.model}|${r.channel}|${r.campaign}`, r.weight as number]),
    );
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, w] of expected) expect(actual.get(key), key).toBeCloseTo(w, 12);
    expect(conversions.length * 7).toBeLessThanOrEqual(actual.size);
  });
});

describe('invariants on the fixture', () => {
  it("sums each conversion's weights to 1 under every model", async () => {
    const rows = await query(
      warehouse,
      'select conversion_type, conversion_id, model, sum(weight) as total from marts.attribution_credits group by all',
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(Math.abs(r.total - 1)).toBeLessThan(1e-12);
  });

  it('adds attributed pipeline up to the total pipeline under every model', async () => {
    const [total] = await query(warehouse, 'select sum(cast(amount as double)) as pipeline from staging.stg_opportunities');
    expect(total!.pipeline).toBe(15_300_000);
    const rows = await query(
      warehouse,
      "select model, sum(attributed_pipeline) as pipeline from marts.attribution_credits where conversion_type = 'opportunity' group by model",
    );
    expect(rows).toHaveLength(7);
    for (const r of rows) expect(r.pipeline).toBeCloseTo(15_300_000, 6);
  });
});
