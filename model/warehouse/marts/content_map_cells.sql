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

with settings as (
    select * from settings
),

conversions as (
    select * from content_map
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
        buyer_journey_step as label_ja,
        buyer_journey_step as label_en,
    from (select distinct buyer_journey_step from campaign_steps) as found
    where buyer_journey_step <> {{ unmapped_journey_step }}
    and buyer_journey_step not in (select buyer_journey_step from bundled_steps)
),

steps as (
    select * from bundled_steps
    union all
    select * from own_steps
    union all
    select 999, {{ unmapped_journey_step }}, '未設定', 'Unmapped'
),

pairs as (
    select
        previous_funnel_stage || '->' || stage as stage_pair,
        funnel_position - 1 as pair_position,
    from funnel_stages
    where is_funnel and previous_funnel_stage is not null
),

personas as (
    select distinct persona from lead_personas
),

teams as (
    select owner_team from lead_personas
    union
    select owner_team from conversions
),

credited as (
    select
        credits.model,
        credits.stage_pair,
        coalesce(campaign_steps.buyer_journey_step, {{ unmapped_journey_step }}) as buyer_journey_step,
        coalesce(lead_personas.persona, '(unknown)') as persona,
        credits.owner_team,
        cast({{ hourly_local_month(credits.converted_at, hours) }} as timestamp) as month,
        sum(credits.weight) as content_credit,
    from conversions as credits
    cross join settings
    left join zone_hours as hours on hours.hour_at = date_trunc('hour', credits.converted_at)
    left join campaign_steps on campaign_steps.campaign_id = credits.campaign_id
    left join lead_personas on lead_personas.lead_id = credits.lead_id
    where credits.has_content
    group by all
),

-- every month with a stage conversion, content or not: a month without any content is all unserved
months as (
    select cast(unnest(generate_series(min(month), max(month), interval 1 month)) as timestamp) as month
    from (
        select cast({{ hourly_local_month(conversions.converted_at, hours) }} as timestamp) as month
        from conversions
        cross join settings
        left join zone_hours as hours on hours.hour_at = date_trunc('hour', conversions.converted_at)
    ) as conversion_months
),

spine as (
    select
        attribution_models.model,
        attribution_models.model_index,
        pairs.stage_pair,
        pairs.pair_position,
        steps.buyer_journey_step,
        steps.step_order,
        steps.label_ja as step_label_ja,
        steps.label_en as step_label_en,
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
        spine.step_label_ja,
        spine.step_label_en,
        spine.buyer_journey_step <> {{ unmapped_journey_step }} as is_journey_step,
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
