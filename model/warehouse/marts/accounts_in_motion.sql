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

-- the week of as_of, converted once (a conversion per row costs more than the rest of a step)
settings as (
    select *, date_trunc('week', {{ local_time(as_of_at) }}) as as_of_week_local from settings
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
        date_trunc('week', {{ hourly_local_time(engagements.engaged_at, hours) }}) as week_local,
        count(*) as engagements,
    from engagements
    cross join settings
    inner join contacts on contacts.lead_id = engagements.lead_id
    left join zone_hours as hours on hours.hour_at = date_trunc('hour', engagements.engaged_at)
    where engagements.engaged_at <= settings.as_of_at
    group by all
),

-- window_weeks may be at most 11 (the offsets listed, one more than the window for the previous week's)
offsets as (
    select offset_weeks from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11)) as v (offset_weeks)
),

-- each week's engagements counted into the windows of the weeks it falls in: offset 0 to window_weeks − 1 into
-- this week's window, 1 to window_weeks into the previous week's (one aggregate rather than a window table
-- joined to itself)
window_sums as (
    select
        local_weeks.account_id,
        local_weeks.week_local + to_days(7 * offsets.offset_weeks) as week_local,
        -- integers, not sum()'s HUGEINT, which DuckDB reads about a hundred times slower (bit-packed)
        cast(coalesce(sum(local_weeks.engagements) filter (where offsets.offset_weeks < rules.window_weeks), 0) as integer)
            as engagements_window,
        cast(coalesce(sum(local_weeks.engagements) filter (where offsets.offset_weeks >= 1), 0) as integer)
            as previous_engagements_window,
    from local_weeks
    cross join rules
    inner join offsets on offsets.offset_weeks <= rules.window_weeks
    group by all
),

opened as (
    select
        deals.account_id,
        date_trunc('week', {{ hourly_local_time(deals.created_at, hours) }}) as week_local,
        count(*) as opportunities_created,
    from deals
    cross join settings
    left join zone_hours as hours on hours.hour_at = date_trunc('hour', deals.created_at)
    where deals.account_id is not null
    group by all
),

-- the weeks with engagement in this or the previous window, or an opportunity created
weeks as (
    select
        coalesce(window_sums.account_id, opened.account_id) as account_id,
        coalesce(window_sums.week_local, opened.week_local) as week_local,
        coalesce(window_sums.engagements_window, 0) as engagements_window,
        coalesce(window_sums.previous_engagements_window, 0) as previous_engagements_window,
        coalesce(opened.opportunities_created, 0) as opportunities_created,
        coalesce(window_sums.engagements_window, 0) >= rules.threshold as is_active,
        coalesce(window_sums.previous_engagements_window, 0) >= rules.threshold as was_active,
    from window_sums
    full outer join opened
        on opened.account_id = window_sums.account_id and opened.week_local = window_sums.week_local
    cross join rules
    cross join settings
    where coalesce(window_sums.week_local, opened.week_local) <= settings.as_of_week_local
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

-- each week's start back in UTC, converted once per week
week_starts as (
    select week_local, {{ utc_time(week_local) }} as week_start_at,
    from (select distinct week_local from events where event is not null) as weeks
    cross join settings
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
        week_starts.week_start_at,
        events.event,
        events.reason,
        events.engagements_window,
        events.previous_engagements_window,
        events.opportunities_created,
        events.event = 'entered' as is_entered,
        events.event = 'went_quiet' as is_quiet,
    from events
    cross join settings
    inner join week_starts on week_starts.week_local = events.week_local
    left join stg_accounts as accounts on accounts.account_id = events.account_id
    left join latest_deal_team on latest_deal_team.account_id = events.account_id
    left join lead_team on lead_team.account_id = events.account_id
    where events.event is not null
)

-- Stored by event and week: DuckDB compresses each column per row group, and sorted the event and the
-- week run in repeats (5.0 → 3.9 MB at 100 k leads). The order means nothing to a reader.
select * from final
order by event, week_start_at, account_id
