{{ config(materialized='view') }}
-- Attribution credit (contract definition 9), the long form the cubes and
-- tests read: one row per conversion, model, channel and campaign with a
-- weight > 0 (a model that gives a touch nothing has no row for it), with
-- the conversion's attributes. A view over attribution_credit_weights,
-- where the weights are computed (the rules are in that file's header);
-- credit_number = credit_row × 7 + the model's index, stable for the same
-- inputs. A filter on model reaches the seven-row models list first, so a
-- query for one model reads each weight row once.

with long_weights as (
    select
        weights.credit_row * 7 + models.model_index as credit_number,
        weights.conversion_number,
        models.model,
        weights.channel,
        weights.campaign_id,
        weights.touches,
        {{ model_weight }} as weight,
    from marts.attribution_credit_weights as weights
    cross join marts.attribution_models as models
)

select
    long_weights.credit_number,
    conversions.conversion_number,
    conversions.conversion_type,
    conversions.conversion_id,
    conversions.opportunity_id,
    conversions.account_id,
    long_weights.model,
    long_weights.channel,
    long_weights.campaign_id,
    coalesce(campaigns.campaign_name, long_weights.campaign_id, '(none)') as campaign_name,
    conversions.converted_at,
    long_weights.weight,
    long_weights.touches,
    long_weights.weight * conversions.pipeline_amount as attributed_pipeline,
    long_weights.weight * conversions.revenue_amount as attributed_revenue,
    conversions.deal_type,
    conversions.owner_team,
    conversions.industry,
    conversions.employee_band,
from long_weights
inner join marts.attribution_conversions as conversions on conversions.conversion_number = long_weights.conversion_number
left join staging.stg_campaigns as campaigns on campaigns.campaign_id = long_weights.campaign_id
where long_weights.weight > 0
