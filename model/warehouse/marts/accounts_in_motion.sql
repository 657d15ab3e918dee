-- Accounts in motion (docs/metrics.md definition 19): one row per account and
-- week in which the account entered active consideration or went quiet, the
-- list a weekly meeting goes through, per owner team.
--
-- Weeks start on Monday in the settings' zone; week_start_at is that
-- Monday's midnight as a UTC instant, like every warehouse time.
-- Engagement of an account in a week: touchpoints and stage entries of all
-- its contacts (leads). The account is active in week W when its engagement
-- in the four weeks ending with W reaches the threshold below.
--   entered     (engagement)      active in W, not active in W − 1
--   entered     (new_opportunity) an opportunity of the account created in W
--                                 (whatever its engagement)
--   went_quiet  (engagement_fell) active in W − 1, not active in W, and no
--                                 opportunity created in W
-- The rule's two numbers live here, once: window_weeks and threshold.
-- Weeks after the one holding as_of are left out.
-- owner_team: the team of the account's most recent opportunity, otherwise
-- the largest owner_team of its leads (the leads of one account share it).

with rules as (
    select 4 as window_weeks, 5 as threshold
),

settings as (
    select * from settings
),

contacts as (
    select lead_id, account_id from leads where account_id is not null
),

engagements as (
    select lead_id, occurred_at as engaged_at from stg_touchpoints
    union all
    select lead_id, transitioned_at as engaged_at from stg_stage_transitions
),

local_weeks as (
    select
        contacts.account_id,
        date_trunc('week', {{ local_time(engagements.engaged_at) }}) as week_local,
        count(*) as engagements,
    from engagements
    cross join settings
    inner join contacts on contacts.lead_id = engagements.lead_id
    where engagements.engaged_at <= settings.as_of_at
    group by all
),

-- window_weeks may be at most 12 (the offsets listed)
offsets as (
    select offset_weeks from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11)) as v (offset_weeks)
),

window_sums as (
    select
        local_weeks.account_id,
        local_weeks.week_local + to_days(7 * offsets.offset_weeks) as week_local,
        sum(local_weeks.engagements) as engagements_window,
    from local_weeks
    cross join rules
    inner join offsets on offsets.offset_weeks < rules.window_weeks
    group by all
),

opened as (
    select
        deals.account_id,
        date_trunc('week', {{ local_time(deals.created_at) }}) as week_local,
        count(*) as opportunities_created,
    from deals
    cross join settings
    where deals.account_id is not null
    group by all
),

-- Each account's weeks with engagement in their window, in order: a week's
-- previous window is the row before it when that row is the week before,
-- otherwise 0; the week after a run's last week has an empty window. One sort
-- per account instead of joining the weekly sums to themselves.
ordered_windows as (
    select
        account_id,
        week_local,
        engagements_window,
        lag(week_local) over account_weeks as previous_week,
        lag(engagements_window) over account_weeks as previous_window,
        lead(week_local) over account_weeks as next_week,
    from window_sums
    window account_weeks as (partition by account_id order by week_local)
),

week_values as (
    select
        account_id,
        week_local,
        engagements_window,
        case when previous_week = week_local - to_days(7) then previous_window else 0 end as previous_engagements_window,
        0 as opportunities_created,
    from ordered_windows
    union all
    select account_id, week_local + to_days(7), 0, engagements_window, 0
    from ordered_windows
    where next_week is null or next_week <> week_local + to_days(7)
    union all
    select account_id, week_local, 0, 0, opportunities_created from opened
),

weeks as (
    select
        week_values.account_id,
        week_values.week_local,
        max(week_values.engagements_window) as engagements_window,
        max(week_values.previous_engagements_window) as previous_engagements_window,
        cast(sum(week_values.opportunities_created) as bigint) as opportunities_created,
        max(week_values.engagements_window) >= max(rules.threshold) as is_active,
        max(week_values.previous_engagements_window) >= max(rules.threshold) as was_active,
    from week_values
    cross join rules
    cross join settings
    where week_values.week_local <= date_trunc('week', {{ local_time(settings.as_of_at) }})
    group by week_values.account_id, week_values.week_local
),

events as (
    select
        *,
        case
            when opportunities_created > 0 then 'entered'
            when is_active and not was_active then 'entered'
            when was_active and not is_active then 'went_quiet'
        end as event,
        case
            when opportunities_created > 0 then 'new_opportunity'
            when is_active and not was_active then 'engagement'
            when was_active and not is_active then 'engagement_fell'
        end as reason,
    from weeks
),

latest_deal_team as (
    select account_id, owner_team
    from (
        select account_id, owner_team, row_number() over (partition by account_id order by created_at desc, opportunity_id desc) as recency
        from deals
        where account_id is not null
    ) as ranked
    where recency = 1
),

lead_team as (
    select account_id, max(owner_team) as owner_team
    from leads
    where account_id is not null
    group by account_id
),

final as (
    select
        events.account_id || ':' || cast(cast(events.week_local as date) as varchar) as motion_id,
        events.account_id,
        accounts.account_name,
        coalesce(latest_deal_team.owner_team, lead_team.owner_team, '(unassigned)') as owner_team,
        coalesce(accounts.industry, '(unknown)') as industry,
        coalesce(accounts.employee_band, '(unknown)') as employee_band,
        {{ utc_time(events.week_local) }} as week_start_at,
        events.event,
        events.reason,
        events.engagements_window,
        events.previous_engagements_window,
        events.opportunities_created,
        events.event = 'entered' as is_entered,
        events.event = 'went_quiet' as is_quiet,
    from events
    cross join settings
    left join stg_accounts as accounts on accounts.account_id = events.account_id
    left join latest_deal_team on latest_deal_team.account_id = events.account_id
    left join lead_team on lead_team.account_id = events.account_id
    where events.event is not null
)

select * from final
