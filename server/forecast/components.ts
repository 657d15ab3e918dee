/*
 * The landing forecast's components for one period and one cutoff day
 * (docs/metrics.md, definition 18), for many such windows (period, cutoff)
 * at once: one select over the warehouse that, per window, reads only what
 * was known at its cutoff: deals created before it (their
 * status only when they closed before it), transitions and stage reaches
 * before it, and, for the rates, last year's same point and what followed
 * it up to last year's period end (which lies before the cutoff).
 *
 * Per metric (revenue = 受注金額 of every deal type, new_wins = won `new`
 * deals, stage_volume per funnel stage, definition 1):
 * - actual_to_date  the metric in [period start, cutoff)
 * - pipeline        what is already in the system: open `new` deals ×
 *                   the share of last year's open deals of the same age
 *                   band (amount-weighted for revenue) that were won before
 *                   last year's period end (win probability × close timing
 *                   in one empirical rate); for stage volumes, leads by
 *                   current state (stage or side state) and age band that
 *                   have not reached the stage × last year's share of such
 *                   leads that reached it before last year's period end
 * - to_come         leads still to arrive before the period end at this
 *                   year's run rate (trailing 90 days) with last year's
 *                   seasonality (last year's arrivals in the same remaining
 *                   window ÷ last year's trailing-90-day rate) × what those
 *                   arrivals produced by last year's period end
 *                   (conversion × velocity in one empirical rate); for
 *                   revenue and wins, won `new` deals created in the
 *                   remaining window, scaled the same way
 * - recurring       revenue only: the reverse plan's recurring forecast
 *                   (definition 11: renewals due × trailing renewal rate +
 *                   trailing expansion per month) over the remaining months,
 *                   the current month pro-rated, with the rates as of the
 *                   cutoff (months whose renewals due lie before the data
 *                   are left out of the rate, which on the live as-of
 *                   changes nothing: marts.forecast_landing's data test
 *                   compares them with marts.plan_inputs)
 * A cutoff whose last-year point lies before the data (no analog) has
 * has_history = false; the caller then falls back to the straight-line pace.
 * With fewer than MIN_RATE_MONTHS months of known renewals due in the rate
 * window, renewal_rate is null and the caller paces the recurring part.
 *
 * Dates are local (settings.time_zone) `YYYY-MM-DD`; the cutoff is the day
 * after the last day known (exclusive), the period is [start, end).
 */
import { SQL_MACROS } from '../warehouse/sql-macros.js';

export interface ComponentWindow {
  /** First local day not known yet, 'YYYY-MM-DD'. */
  cutoff: string;
  /** Period start (inclusive) and end (exclusive), local 'YYYY-MM-DD'. */
  start: string;
  end: string;
}

export interface ComponentRow {
  /** The window's index in the windows asked for. */
  window_id: number;
  metric: 'revenue' | 'new_wins' | 'stage_volume';
  stage: string;
  actual_to_date: number;
  pipeline: number;
  to_come: number;
  recurring: number;
  /** Binomial variance of the pipeline term (the spread of which open items close). */
  pipeline_variance: number;
  /** Revenue only: the recurring (renewal, upsell, cross-sell) part of actual_to_date. */
  recurring_to_date: number;
  has_history: boolean;
  renewal_rate: number | null;
  expansion_per_month: number | null;
}

/** Age bands (days in the current state) that the empirical rates condition on. */
const AGE_BAND = (days: string) =>
  `case when ${days} <= 30 then 0 when ${days} <= 90 then 1 when ${days} <= 180 then 2 else 3 end`;
/** Trailing window of the run rate, days. */
const RUN_RATE_DAYS = 90;
/** Fewer cases than this in an age band: the band's rate pools all bands of the state. */
const MIN_CASES = 10;
/** After every time in the data: the span of a lead's latest transition ends here. */
const FAR_FUTURE = `timestamp '9999-12-31 00:00:00'`;
/** Fewer window months with known renewals due than this: no renewal rate (the caller paces the recurring part). */
const MIN_RATE_MONTHS = 3;

const day = (d: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new Error(`not a day: ${d}`);
  return `timestamp '${d} 00:00:00'`;
};

/**
 * Each lead's state (to_stage of its latest transition) and age band before the cutoff `params.<cutoff>`, per
 * window: the transition whose span [transitioned_at, next transition) holds the cutoff's last instant, found
 * by one range join of the spans with the windows rather than a latest-transition search per window.
 */
const leadStateAt = (cutoff: string) => `select
        params.window_id,
        spans.lead_id,
        spans.state,
        ${AGE_BAND(`date_diff('day', spans.transitioned_at, params.${cutoff})`)} as band
    from params
    inner join spans on spans.transitioned_at < params.${cutoff} and spans.next_at >= params.${cutoff}`;

/**
 * Per window, state, age band and stage, of the leads of `state` at the cutoff `params.<cutoff>`: the leads
 * that had not reached the stage by the cutoff (cases; no row when none) and those of them that reached it
 * before `params.<until>` (reached). Counted as the band's leads less those that had reached the stage, from
 * the leads' own reaches, rather than by pairing every lead with every stage.
 */
const stagesAhead = (name: string, state: string, cutoff: string, until?: string) => `${name}_counts as (
    select window_id, state, band, count(*) as leads from ${state} group by window_id, state, band
),

${name}_reached as (
    select
        ${state}.window_id,
        ${state}.state,
        ${state}.band,
        reach.stage,
        count(*) filter (where reach.reached_at < params.${cutoff}) as reached_before,
        count(*) filter (where reach.reached_at >= params.${cutoff}) as reached
    from ${state}
    inner join params on params.window_id = ${state}.window_id
    inner join reach
        on reach.lead_id = ${state}.lead_id and reach.reached_at < ${until ? `greatest(params.${cutoff}, params.${until})` : `params.${cutoff}`}
    group by ${state}.window_id, ${state}.state, ${state}.band, reach.stage
),

${name} as (
    select
        ${name}_counts.window_id,
        ${name}_counts.state,
        ${name}_counts.band,
        stages.stage,
        ${name}_counts.leads - coalesce(${name}_reached.reached_before, 0) as cases,
        coalesce(${name}_reached.reached, 0) as reached
    from ${name}_counts
    cross join stages
    left join ${name}_reached
        on ${name}_reached.window_id = ${name}_counts.window_id
        and ${name}_reached.state = ${name}_counts.state
        and ${name}_reached.band = ${name}_counts.band
        and ${name}_reached.stage = stages.stage
    where ${name}_counts.leads - coalesce(${name}_reached.reached_before, 0) > 0
)`;

/**
 * A UTC time's local wall-clock time through marts.zone_hours (sql-macros.ts, hourly_local_time): the
 * components read every deal, reach and transition.
 */
const local = (column: string, hours: string) => SQL_MACROS.hourly_local_time!.expand(column, hours);
const hourJoin = (column: string, hours: string) =>
  `left join marts.zone_hours as ${hours} on ${hours}.hour_at = date_trunc('hour', ${column})`;

/** A CTE body: `relation` as `alias` with its `columns`, and its UTC `times` as local times (one hour join each). */
const withLocalTimes = (relation: string, alias: string, columns: readonly string[], times: readonly string[]) => {
  const hours = (time: string) => `${time}_hour`;
  const items = [...columns.map((c) => `${alias}.${c}`), ...times.map((t) => `${local(`${alias}.${t}`, hours(t))} as ${t}`)];
  return `select
        ${items.join(',\n        ')}
    from ${relation} as ${alias}
    cross join settings
    ${times.map((t) => hourJoin(`${alias}.${t}`, hours(t))).join('\n    ')}`;
};

/**
 * The components of every window at once (one select, `window_id` = the window's index in `windows`): each
 * table is read and converted to local times once, and every window's figures come from the same joins.
 */
export function componentsSql(windows: readonly ComponentWindow[]): string {
  if (!windows.length) throw new Error('componentsSql: no window');
  const rows = windows.map((w, i) => `(${i}, ${day(w.cutoff)}, ${day(w.start)}, ${day(w.end)})`);
  return `
with settings as (
    select time_zone from marts.settings
),

windows (window_id, cutoff_at, start_at, end_at) as (
    values
        ${rows.join(',\n        ')}
),

params as (
    select
        window_id,
        cutoff_at,
        start_at,
        end_at,
        cutoff_at - interval 1 year as analog_cutoff_at,
        end_at - interval 1 year as analog_end_at
    from windows
),

deals as (
    ${withLocalTimes('marts.deals', 'deals', ['deal_type', 'amount', 'is_won'], ['created_at', 'closed_at'])}
),

reach as (
    ${withLocalTimes('marts.lead_stage_reach', 'reach', ['lead_id', 'stage', 'funnel_position'], ['reached_at'])}
),

transitions as (
    ${withLocalTimes('staging.stg_stage_transitions', 'transitions', ['lead_id', 'to_stage'], ['transitioned_at'])}
),

-- each transition's state until the lead's next transition (the far future for the latest one)
spans as (
    select
        lead_id,
        to_stage as state,
        transitioned_at,
        coalesce(
            lead(transitioned_at) over (partition by lead_id order by transitioned_at, to_stage),
            ${FAR_FUTURE}
        ) as next_at
    from transitions
    where transitioned_at is not null
),

stages as (
    select stage, funnel_position from marts.funnel_stages where is_funnel
),

arrivals as (
    select lead_id, reached_at as arrived_at from reach where funnel_position = 1
),

data_start as (
    select least(
        (select min(arrived_at) from arrivals),
        (select min(created_at) from deals)
    ) as first_at
),

-- Counts per local day: every cutoff and period bound is a local midnight, so a day's rows fall wholly on one
-- side of it, and each window sums days instead of reading every row again (sums of counts cast back to the
-- counts' type: on PostgreSQL a sum of bigints is numeric).
arrival_days as (
    select date_trunc('day', arrived_at) as arrived_day, count(lead_id) as arrivals from arrivals group by all
),

-- arrivals by day with what each reached (stage, day)
arrival_reach_days as (
    select
        date_trunc('day', arrivals.arrived_at) as arrived_day,
        reach.stage,
        date_trunc('day', reach.reached_at) as reached_day,
        count(reach.lead_id) as reached
    from arrivals
    inner join reach on reach.lead_id = arrivals.lead_id
    group by all
),

reach_days as (
    select stage, date_trunc('day', reached_at) as reached_day, count(lead_id) as reached from reach group by all
),

-- arrivals in the trailing window before the cutoff and before last year's point
arrival_counts as (
    select
        params.window_id,
        cast(coalesce(sum(arrival_days.arrivals) filter (
            where arrival_days.arrived_day >= params.cutoff_at - interval ${RUN_RATE_DAYS} day
                and arrival_days.arrived_day < params.cutoff_at
        ), 0) as bigint) as trailing_now,
        cast(coalesce(sum(arrival_days.arrivals) filter (
            where arrival_days.arrived_day >= params.analog_cutoff_at - interval ${RUN_RATE_DAYS} day
                and arrival_days.arrived_day < params.analog_cutoff_at
        ), 0) as bigint) as trailing_then
    from params
    left join arrival_days
        on arrival_days.arrived_day >= params.analog_cutoff_at - interval ${RUN_RATE_DAYS} day
        and arrival_days.arrived_day < params.cutoff_at
    group by params.window_id
),

-- run rates per day over the days the data covers
run_rates as (
    select
        params.window_id,
        arrival_counts.trailing_now / greatest(1, date_diff(
            'day', greatest(params.cutoff_at - interval ${RUN_RATE_DAYS} day, data_start.first_at), params.cutoff_at
        )) as rate_now,
        arrival_counts.trailing_then / greatest(1, date_diff(
            'day', greatest(params.analog_cutoff_at - interval ${RUN_RATE_DAYS} day, data_start.first_at), params.analog_cutoff_at
        )) as rate_then,
        params.analog_cutoff_at >= data_start.first_at as has_history
    from arrival_counts
    inner join params on params.window_id = arrival_counts.window_id
    cross join data_start
),

growth as (
    select *, case when rate_then > 0 then rate_now / rate_then else 0 end as ratio from run_rates
),

-- lead state (to_stage of the latest transition) and age band at the cutoff and at last year's point
state_now as (
    ${leadStateAt('cutoff_at')}
),

state_then as (
    ${leadStateAt('analog_cutoff_at')}
),

-- leads that had not reached the stage at last year's point, and whether they reached it by last year's period end
${stagesAhead('stage_then', 'state_then', 'analog_cutoff_at', 'analog_end_at')},

stage_rates as (
    select
        window_id,
        state,
        band,
        stage,
        case
            when cases >= ${MIN_CASES} then reached / cases
            else sum(reached) over (partition by window_id, state, stage) / sum(cases) over (partition by window_id, state, stage)
        end as rate
    from stage_then
),

${stagesAhead('stage_now', 'state_now', 'cutoff_at')},

stage_pipeline as (
    select
        stage_now.window_id,
        stage_now.stage,
        sum(stage_now.cases * coalesce(stage_rates.rate, 0)) as pipeline,
        sum(stage_now.cases * coalesce(stage_rates.rate, 0) * (1 - coalesce(stage_rates.rate, 0))) as pipeline_variance
    from stage_now
    left join stage_rates
        on stage_rates.window_id = stage_now.window_id
        and stage_rates.state = stage_now.state
        and stage_rates.band = stage_now.band
        and stage_rates.stage = stage_now.stage
    group by stage_now.window_id, stage_now.stage
),

-- what last year's arrivals in the remaining window reached by last year's period end (no row: none)
stage_to_come as (
    select
        params.window_id,
        arrival_reach_days.stage,
        cast(sum(arrival_reach_days.reached) as bigint) as reached_then
    from params
    inner join arrival_reach_days
        on arrival_reach_days.arrived_day >= params.analog_cutoff_at
        and arrival_reach_days.arrived_day < params.analog_end_at
    where arrival_reach_days.reached_day < params.analog_end_at
    group by params.window_id, arrival_reach_days.stage
),

-- (no row: none)
stage_actuals as (
    select params.window_id, reach_days.stage, cast(sum(reach_days.reached) as bigint) as actual_to_date
    from params
    inner join reach_days on reach_days.reached_day >= params.start_at and reach_days.reached_day < params.cutoff_at
    group by params.window_id, reach_days.stage
),

new_deals as (
    select created_at, closed_at, amount, is_won from deals where deal_type = 'new'
),

open_then as (
    select
        params.window_id,
        ${AGE_BAND("date_diff('day', new_deals.created_at, params.analog_cutoff_at)")} as band,
        count(*) as cases,
        count(*) filter (where new_deals.is_won and new_deals.closed_at < params.analog_end_at) as won,
        sum(new_deals.amount) as amount,
        sum(new_deals.amount) filter (where new_deals.is_won and new_deals.closed_at < params.analog_end_at) as won_amount
    from params
    inner join new_deals on new_deals.created_at < params.analog_cutoff_at
    where new_deals.closed_at is null or new_deals.closed_at >= params.analog_cutoff_at
    group by all
),

open_rates as (
    select
        window_id,
        band,
        case
            when cases >= ${MIN_CASES} then won / cases
            else sum(won) over (partition by window_id) / sum(cases) over (partition by window_id)
        end as win_rate,
        case
            when cases >= ${MIN_CASES} then coalesce(won_amount, 0) / nullif(amount, 0)
            else sum(coalesce(won_amount, 0)) over (partition by window_id) / nullif(sum(amount) over (partition by window_id), 0)
        end as amount_rate
    from open_then
),

open_now as (
    select
        params.window_id,
        ${AGE_BAND("date_diff('day', new_deals.created_at, params.cutoff_at)")} as band,
        new_deals.amount
    from params
    inner join new_deals on new_deals.created_at < params.cutoff_at
    where new_deals.closed_at is null or new_deals.closed_at >= params.cutoff_at
),

deal_pipeline as (
    select
        params.window_id,
        coalesce(sum(open_now.amount * coalesce(open_rates.amount_rate, 0)), 0) as revenue,
        coalesce(sum(coalesce(open_rates.win_rate, 0)) filter (where open_now.window_id is not null), 0) as wins,
        coalesce(sum(open_now.amount * open_now.amount * coalesce(open_rates.win_rate, 0) * (1 - coalesce(open_rates.win_rate, 0))), 0) as revenue_variance,
        coalesce(sum(coalesce(open_rates.win_rate, 0) * (1 - coalesce(open_rates.win_rate, 0))) filter (where open_now.window_id is not null), 0) as wins_variance
    from params
    left join open_now on open_now.window_id = params.window_id
    left join open_rates on open_rates.window_id = open_now.window_id and open_rates.band = open_now.band
    group by params.window_id
),

deal_to_come as (
    select
        params.window_id,
        coalesce(sum(new_deals.amount), 0) as revenue_then,
        count(new_deals.created_at) as wins_then
    from params
    left join new_deals
        on new_deals.is_won
        and new_deals.created_at >= params.analog_cutoff_at
        and new_deals.closed_at < params.analog_end_at
    group by params.window_id
),

deal_actuals as (
    select
        params.window_id,
        coalesce(sum(deals.amount) filter (where deals.is_won), 0) as revenue,
        count(*) filter (where deals.is_won and deals.deal_type = 'new') as wins,
        coalesce(sum(deals.amount) filter (where deals.is_won and deals.deal_type <> 'new'), 0) as recurring_revenue
    from params
    left join deals on deals.closed_at >= params.start_at and deals.closed_at < params.cutoff_at
    group by params.window_id
),

-- the reverse plan's recurring rule (definition 11) as of the cutoff: won amounts per local close month
won_by_month as (
    select
        params.window_id,
        date_trunc('month', deals.closed_at) as closed_month,
        coalesce(sum(deals.amount) filter (where deals.deal_type in ('new', 'renewal')), 0) as contract_amount,
        coalesce(sum(deals.amount) filter (where deals.deal_type = 'renewal'), 0) as renewal_amount,
        coalesce(sum(deals.amount) filter (where deals.deal_type in ('upsell', 'cross_sell')), 0) as expansion_amount
    from params
    inner join deals on deals.closed_at < params.cutoff_at
    where deals.is_won
    group by all
),

rate_window as (
    select
        params.window_id,
        window_month.month,
        -- the month's renewals due (won 12 months earlier) lie within the data
        window_month.month - interval 12 month >= date_trunc('month', data_start.first_at) as has_due
    from params
    cross join data_start
    cross join lateral (
        select unnest(generate_series(
            date_trunc('month', params.cutoff_at - interval 1 day) - interval 12 month,
            date_trunc('month', params.cutoff_at - interval 1 day) - interval 1 month,
            interval 1 month
        )) as month
    ) as window_month
    where window_month.month >= date_trunc('month', data_start.first_at)
),

recurring_rates as (
    select
        params.window_id,
        case when count(*) filter (where rate_window.has_due) >= ${MIN_RATE_MONTHS} then
            sum(won.renewal_amount) filter (where rate_window.has_due)
                / nullif(sum(due.contract_amount) filter (where rate_window.has_due), 0)
        end as renewal_rate,
        sum(coalesce(won.expansion_amount, 0)) / nullif(count(rate_window.month), 0) as expansion_per_month
    from params
    left join rate_window on rate_window.window_id = params.window_id
    left join won_by_month as won on won.window_id = rate_window.window_id and won.closed_month = rate_window.month
    left join won_by_month as due
        on due.window_id = rate_window.window_id and due.closed_month = rate_window.month - interval 12 month
    group by params.window_id
),

remaining_months as (
    select
        params.window_id,
        month_start.month,
        date_diff('day', greatest(month_start.month, params.cutoff_at), least(month_start.month + interval 1 month, params.end_at))
            / date_diff('day', month_start.month, month_start.month + interval 1 month) as share
    from params
    cross join lateral (
        select unnest(generate_series(
            date_trunc('month', params.cutoff_at),
            date_trunc('month', params.end_at - interval 1 day),
            interval 1 month
        )) as month
    ) as month_start
    where params.cutoff_at < params.end_at
),

recurring as (
    select
        recurring_rates.window_id,
        coalesce(sum(
            remaining_months.share * (coalesce(due.contract_amount, 0) * recurring_rates.renewal_rate + recurring_rates.expansion_per_month)
        ), 0) as revenue,
        any_value(recurring_rates.renewal_rate) as renewal_rate,
        any_value(recurring_rates.expansion_per_month) as expansion_per_month
    from recurring_rates
    left join remaining_months on remaining_months.window_id = recurring_rates.window_id
    left join won_by_month as due
        on due.window_id = recurring_rates.window_id and due.closed_month = remaining_months.month - interval 12 month
    group by recurring_rates.window_id
),

final as (
    select
        growth.window_id,
        'revenue' as metric,
        '(all)' as stage,
        0 as sort_order,
        deal_actuals.revenue as actual_to_date,
        deal_pipeline.revenue as pipeline,
        deal_to_come.revenue_then * growth.ratio as to_come,
        recurring.revenue as recurring,
        deal_pipeline.revenue_variance as pipeline_variance,
        deal_actuals.recurring_revenue as recurring_to_date,
        recurring.renewal_rate,
        recurring.expansion_per_month
    from growth
    inner join deal_actuals on deal_actuals.window_id = growth.window_id
    inner join deal_pipeline on deal_pipeline.window_id = growth.window_id
    inner join deal_to_come on deal_to_come.window_id = growth.window_id
    inner join recurring on recurring.window_id = growth.window_id
    union all
    select
        growth.window_id, 'new_wins', '(all)', 1, deal_actuals.wins, deal_pipeline.wins, deal_to_come.wins_then * growth.ratio, 0,
        deal_pipeline.wins_variance, 0, null, null
    from growth
    inner join deal_actuals on deal_actuals.window_id = growth.window_id
    inner join deal_pipeline on deal_pipeline.window_id = growth.window_id
    inner join deal_to_come on deal_to_come.window_id = growth.window_id
    union all
    select
        growth.window_id,
        'stage_volume',
        stages.stage,
        1 + stages.funnel_position,
        coalesce(stage_actuals.actual_to_date, 0),
        coalesce(stage_pipeline.pipeline, 0),
        coalesce(stage_to_come.reached_then, 0) * growth.ratio,
        0,
        coalesce(stage_pipeline.pipeline_variance, 0),
        0,
        null,
        null
    from growth
    cross join stages
    left join stage_actuals on stage_actuals.window_id = growth.window_id and stage_actuals.stage = stages.stage
    left join stage_pipeline on stage_pipeline.window_id = growth.window_id and stage_pipeline.stage = stages.stage
    left join stage_to_come on stage_to_come.window_id = growth.window_id and stage_to_come.stage = stages.stage
)

select final.*, growth.has_history
from final
inner join growth on growth.window_id = final.window_id
order by final.window_id, final.sort_order
`;
}
