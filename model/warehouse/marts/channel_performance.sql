-- Channel performance (contract definition 9, per channel): one row per
-- attribution model, channel and local month, with
--   cost                 channel_costs of the month (all campaigns)
--   first_touch_leads    leads whose first touch is the channel, by the month
--                        of reached(lead) (attribution_lead_channels)
--   attributed_*         the model's credit: opportunities and pipeline by
--                        the month of creation, wins and revenue by the
--                        month of the win (conversion `won`)
-- Cost and leads do not depend on the model: they are repeated on the row of
-- every model (the spine crosses every channel-month with the seven models),
-- so the cube divides their sums by the number of models in the group and a
-- query without a model filter still shows the true cost.
-- CPL, CAC, ROI and ROAS are ratios of these sums, computed by the cube.

with settings as (
    select * from settings
),

costs as (
    select cast(month as timestamp) as month, channel, sum(cost) as cost
    from stg_channel_costs
    group by all
),

lead_channels as (
    select lead_month as month, channel, count(*) as first_touch_leads
    from attribution_lead_channels
    group by all
),

credits as (
    select
        attribution_credits.model,
        attribution_credits.channel,
        attribution_credits.conversion_type,
        cast(
            {{ hourly_local_month(attribution_credits.converted_at, hours) }}
            as timestamp
        ) as month,
        attribution_credits.weight,
        attribution_credits.attributed_pipeline,
        attribution_credits.attributed_revenue,
        attribution_credits.deal_type,
    from attribution_credits
    cross join settings
    left join zone_hours as hours on hours.hour_at = date_trunc('hour', attribution_credits.converted_at)
    where attribution_credits.conversion_type in ('opportunity', 'won')
),

credit_months as (
    select
        model,
        channel,
        month,
        sum(weight) filter (where conversion_type = 'opportunity') as attributed_opportunities,
        sum(attributed_pipeline) filter (where conversion_type = 'opportunity') as attributed_pipeline,
        sum(weight) filter (where conversion_type = 'won') as attributed_wins,
        sum(weight) filter (where conversion_type = 'won' and deal_type = 'new') as attributed_new_wins,
        sum(attributed_revenue) filter (where conversion_type = 'won') as attributed_revenue,
    from credits
    group by all
),

attribution_models as (
    select unnest({{ attribution_models }}) as model
),

channel_months as (
    select month, channel from costs
    union
    select month, channel from lead_channels
    union
    select month, channel from credit_months
),

final as (
    select
        attribution_models.model || '|' || channel_months.channel || '|' || strftime(channel_months.month, '%Y-%m') as channel_month_id,
        attribution_models.model,
        channel_months.channel,
        channel_months.month,
        coalesce(costs.cost, 0) as cost,
        coalesce(lead_channels.first_touch_leads, 0) as first_touch_leads,
        coalesce(credit_months.attributed_opportunities, 0) as attributed_opportunities,
        coalesce(credit_months.attributed_pipeline, 0) as attributed_pipeline,
        coalesce(credit_months.attributed_wins, 0) as attributed_wins,
        coalesce(credit_months.attributed_new_wins, 0) as attributed_new_wins,
        coalesce(credit_months.attributed_revenue, 0) as attributed_revenue,
    from channel_months
    cross join attribution_models
    left join costs
        on costs.month = channel_months.month
        and costs.channel = channel_months.channel
    left join lead_channels
        on lead_channels.month = channel_months.month
        and lead_channels.channel = channel_months.channel
    left join credit_months
        on credit_months.month = channel_months.month
        and credit_months.channel = channel_months.channel
        and credit_months.model = attribution_models.model
)

select * from final
order by model, channel, month
