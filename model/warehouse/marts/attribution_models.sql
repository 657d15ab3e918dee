-- The seven attribution models (server/contract/attribution.ts), each with
-- its index in the contract's order: the weight columns of
-- attribution_credit_weights and content_map_weights, the rows of their long
-- forms (attribution_credits, content_map).

select *
from (values {{ attribution_model_rows }}) as models (model_index, model)
