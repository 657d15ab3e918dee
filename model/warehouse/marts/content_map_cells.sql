-- The content map by the buyer's process (docs/metrics.md definition 20):
-- the credit that content (campaign touches) earns in the stage conversions
-- (content_map, definition 15), per attribution model, stage pair, the
-- buyer-journey step of the campaign, the converting lead's persona, owner
-- team and local month of the conversion.
--
-- Dense on purpose: every model × stage pair × step × persona × team ×
-- month has a row, 0 where no content of that step was credited, so a cell
-- that no content serves is a row the API can flag (the cube's `unserved`),
-- not a row that is missing. Steps: the bundled five in order, then a
-- company's own steps found in campaigns, then `unmapped` (campaigns without
-- a step; never flagged). Personas and teams are those of the leads; months
-- run from the first to the last month with a stage conversion. The persona
-- is the converting lead's: the content credited moved that persona's
-- conversion, whichever contact of the account touched it.
-- Size: 7 models × 5 pairs × 6 steps × personas × teams × months (about
-- 200 k rows on the bundled sample), whatever the number of leads.
-- Cost: a cell's credit is summed from the stage conversions' rows of the
-- wide attribution_credit_weights (seven weight columns) with a campaign,
-- and turned into one row per model only then, instead of from the long
-- content_map (a row per model, touch type and weight): content_map splits
-- a credit row over touch types of the same campaign, hence the same step,
-- so the split sums back to the row. The months come from the conversions
-- themselves.

with settings as (
    select * from settings
),

conversions as (
    select * from attribution_conversions
),

credits as (
    select * from attribution_credit_weights
),

campaign_steps as (
    select campaign_id, buyer_journey_step from campaigns
),

lead_personas as (
    select lead_id, persona, coalesce(owner_team, '(unassigned)') as owner_team from leads
),

bundled_steps as (
    select * from (values {{ buyer_journey_step_rows }}) as steps (step_order, buyer_journey_step, label_ja, label_en)
),

own_steps as (
    select
        100 + row_number() over (order by buyer_journey_step) as step_order,
        buyer_journey_step,
    from (select distinct buyer_journey_step from campaign_steps) as found
    where buyer_journey_step <> {{ unmapped_journey_step }}
    and buyer_journey_step not in (select buyer_journey_step from bundled_steps)
),

steps as (
    select step_order, buyer_journey_step from bundled_steps
    union all
    select * from own_steps
    union all
    select 999, {{ unmapped_journey_step }}
),

pairs as (
    select
        previous_funnel_stage || '->' || stage as stage_pair,
        funnel_position - 1 as pair_position,
    from funnel_stages
    where is_funnel and previous_funnel_stage is not null
),

-- the stage conversions (the content map's conversions: each has a row there, `(none)` when untouched)
stage_conversions as (
    select
        conversions.conversion_number,
        conversions.conversion_type as stage_pair,
        coalesce(lead_personas.persona, '(unknown)') as persona,
        conversions.owner_team,
        cast({{ hourly_local_month(conversions.converted_at, hours) }} as timestamp) as month,
    from conversions
    inner join pairs on pairs.stage_pair = conversions.conversion_type
    cross join settings
    left join zone_hours as hours on hours.hour_at = date_trunc('hour', conversions.converted_at)
    left join lead_personas on lead_personas.lead_id = conversions.conversion_id
),

personas as (
    select distinct persona from lead_personas
),

teams as (
    select owner_team from lead_personas
    union
    select owner_team from stage_conversions
),

-- content (a campaign's touches) only; each model's weights summed per cell, still one column per model
credited_weights as (
    select
        stage_conversions.stage_pair,
        coalesce(campaign_steps.buyer_journey_step, {{ unmapped_journey_step }}) as buyer_journey_step,
        stage_conversions.persona,
        stage_conversions.owner_team,
        stage_conversions.month,
        sum(credits.first_touch) as first_touch,
        sum(credits.last_touch) as last_touch,
        sum(credits.linear) as linear,
        sum(credits.u_shaped) as u_shaped,
        sum(credits.w_shaped) as w_shaped,
        sum(credits.time_decay) as time_decay,
        sum(credits.data_driven) as data_driven,
    from credits
    inner join stage_conversions on stage_conversions.conversion_number = credits.conversion_number
    left join campaign_steps on campaign_steps.campaign_id = credits.campaign_id
    where credits.campaign_id is not null
    group by all
),

credited as (
    select
        models.model,
        weights.stage_pair,
        weights.buyer_journey_step,
        weights.persona,
        weights.owner_team,
        weights.month,
        {{ model_weight }} as content_credit,
    from credited_weights as weights
    cross join attribution_models as models
),

-- every month with a stage conversion, content or not: a month without any content is all unserved
months as (
    select cast(unnest(generate_series(min(month), max(month), interval 1 month)) as timestamp) as month
    from stage_conversions
),

spine as (
    select
        attribution_models.model,
        pairs.stage_pair,
        pairs.pair_position,
        steps.buyer_journey_step,
        steps.step_order,
        personas.persona,
        teams.owner_team,
        months.month,
    from attribution_models
    cross join pairs
    cross join steps
    cross join personas
    cross join teams
    cross join months
),

final as (
    select
        spine.model
        || '|' || spine.stage_pair
        || '|' || spine.buyer_journey_step
        || '|' || spine.persona
        || '|' || spine.owner_team
        || '|' || strftime(spine.month, '%Y-%m') as content_cell_id,
        spine.model,
        spine.stage_pair,
        spine.pair_position,
        spine.buyer_journey_step,
        spine.step_order,
        spine.persona,
        spine.owner_team,
        spine.month,
        coalesce(credited.content_credit, 0) as content_credit,
    from spine
    left join credited
        on credited.model = spine.model
        and credited.stage_pair = spine.stage_pair
        and credited.buyer_journey_step = spine.buyer_journey_step
        and credited.persona = spine.persona
        and credited.owner_team = spine.owner_team
        and credited.month = spine.month
)

select * from final
