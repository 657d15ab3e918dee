/*
 * Lead-level deal attribution (docs/metrics.md definition 9, "Credit level"):
 * the weights of each opportunity and won deal when only the touches of its
 * credit lead (the primary contact) count, beside the account level of
 * attribution_credit_weights (every contact of the account). One row per deal
 * conversion, channel and campaign, one weight column per model, the same
 * shape as attribution_credit_weights; attribution_levels puts the two side
 * by side.
 *
 * The weights come from the engine's reference implementation
 * (attribution_lead_weights/attribution-weights.ts, beside this mart), which the SQL mart is tested
 * against, on the credit lead's touches in the same lookback window; the
 * data-driven model uses the `opportunity` chain's Markov shares. A deal
 * whose primary contact has no touch in the window is credited to `(none)`.
 *
 * Limits: deals only (the stage links are lead grain already: their touches
 * are the converting lead's account's, and a lead level of them is not
 * asked for). Rows: about one per deal and channel of its primary contact.
 */
import { ATTRIBUTION_MODELS } from '../../../server/contract/attribution.js';
import { attributionWeights, NONE_CHANNEL, type Touch } from './attribution_lead_weights/attribution-weights.js';
import type { ModelContext } from '../../../server/warehouse/run-models.js';
import type { RowOf } from '../../../server/warehouse/write-table.js';

export const dependsOn = ['attribution_conversions', 'attribution_markov', 'settings', 'stg_touchpoints'];

export const columns = {
  /** 1, 2, …: a stable row key (attribution_levels numbers its rows from it). */
  weight_row: 'bigint',
  conversion_number: 'bigint',
  channel: 'varchar',
  campaign_id: 'varchar',
  touches: 'bigint',
  first_touch: 'double',
  last_touch: 'double',
  linear: 'double',
  u_shaped: 'double',
  w_shaped: 'double',
  time_decay: 'double',
  data_driven: 'double',
} as const;

type Row = { -readonly [K in keyof RowOf<typeof columns>]: RowOf<typeof columns>[K] };

export async function model(ctx: ModelContext): Promise<Row[]> {
  const [settings] = await ctx.query('select time_decay_half_life_days from marts.settings');
  const halfLifeDays = Number(settings?.time_decay_half_life_days);
  const shares: Record<string, number> = {};
  for (const r of await ctx.query(`select channel, share from marts.attribution_markov where markov_stage = 'opportunity'`)) {
    shares[String(r.channel)] = Number(r.share ?? 0);
  }
  // Milliseconds since the epoch, written so DuckDB and PostgreSQL both read it (neither's epoch_ms is the other's).
  const ms = (column: string) => `cast(extract(epoch from ${column}) * 1000 as double precision)`;
  const conversions = await ctx.query(
    `select conversion_number, ${ms('window_end_at')} as window_end_ms, ${ms('credit_lead_created_at')} as lead_created_ms
    from marts.attribution_conversions
    where conversion_type in ('opportunity', 'won')
    order by conversion_number`,
  );
  // The credit lead's own touches in the conversion's window, in the SQL mart's order (time, then id).
  const touchRows = await ctx.query(
    `select conversions.conversion_number, touches.touchpoint_id, ${ms('touches.occurred_at')} as at_ms,
      touches.channel, touches.campaign_id
    from marts.attribution_conversions as conversions
    inner join staging.stg_touchpoints as touches
      on touches.lead_id = conversions.lead_id
      and touches.occurred_at between conversions.window_start_at and conversions.window_end_at
    where conversions.conversion_type in ('opportunity', 'won')
    order by conversions.conversion_number, touches.occurred_at, touches.touchpoint_id`,
  );
  // Both lists are in conversion_number order: each conversion's touches are the run starting at `next`.
  let next = 0;
  const rows: Row[] = [];
  for (const c of conversions) {
    const n = Number(c.conversion_number);
    while (next < touchRows.length && Number(touchRows[next]!.conversion_number) < n) next++;
    const first = next;
    while (next < touchRows.length && Number(touchRows[next]!.conversion_number) === n) next++;
    const own = touchRows.slice(first, next).map((r) => ({
      id: String(r.touchpoint_id),
      at: Number(r.at_ms),
      channel: String(r.channel),
      campaign: r.campaign_id == null ? null : String(r.campaign_id),
    }));
    if (own.length === 0) {
      rows.push(noneRow(n));
      continue;
    }
    const leadCreated = c.lead_created_ms == null ? -Infinity : Number(c.lead_created_ms);
    let creation = -1;
    own.forEach((t, i) => {
      if (t.at <= leadCreated) creation = i;
    });
    const touches: Touch[] = own.map((t, i) => ({
      id: t.id,
      at: new Date(t.at),
      channel: t.channel,
      isLeadCreation: i === creation,
    }));
    const cells = new Map<string, Row>();
    const keyOf = (t: (typeof own)[number]) => `${t.channel}\u0000${t.campaign ?? ''}`;
    for (const t of own) {
      const key = keyOf(t);
      const row = cells.get(key) ?? emptyRow(n, t.channel, t.campaign);
      row.touches = (row.touches ?? 0) + 1;
      cells.set(key, row);
    }
    for (const m of ATTRIBUTION_MODELS) {
      const weights = attributionWeights(m, touches, {
        conversionAt: new Date(Number(c.window_end_ms)),
        halfLifeDays,
        channelShares: shares,
      });
      weights.forEach((w, i) => {
        const row = cells.get(keyOf(own[i]!))!;
        row[m] = (row[m] ?? 0) + w.weight;
      });
    }
    rows.push(...cells.values());
  }
  rows.forEach((r, i) => (r.weight_row = i + 1));
  return rows;
}

function emptyRow(conversion: number, channel: string, campaign: string | null): Row {
  const row = { weight_row: null, conversion_number: conversion, channel, campaign_id: campaign, touches: 0 } as Row;
  for (const m of ATTRIBUTION_MODELS) row[m] = 0;
  return row;
}

function noneRow(conversion: number): Row {
  const row = emptyRow(conversion, NONE_CHANNEL, null);
  for (const m of ATTRIBUTION_MODELS) row[m] = 1;
  return row;
}
