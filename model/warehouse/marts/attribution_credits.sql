{{ config(materialized='view') }}
-- Attribution credit (contract definition 9), the long form the cubes and
-- tests read: one row per conversion, model, channel and campaign with a
-- weight > 0 (a model that gives a touch nothing has no row for it), with
-- the conversion's attributes. A view over attribution_credit_weights,
-- where the weights are computed (the rules are in that file's header);
-- credit_number = credit_row × 7 + the model's index, stable for the same
-- inputs. A filter on model reaches the seven-row models list first, so a
-- query for one model reads each weight row once.

with weights as (
    select
        weights.credit_row as weight_row,
        weights.conversion_number,
        weights.channel,
        weights.campaign_id,
        weights.touches,
        {{ model_weight_columns }},
    from marts.attribution_credit_weights as weights
)

select
    long_weights.weight_row * 7 + long_weights.model_index as credit_number,
    -- the conversion's attributes, the joins, the seven models and `weight > 0`: written once, in
    -- server/warehouse/run-models.ts (attribution_long_form)
    {{ attribution_long_form }}
