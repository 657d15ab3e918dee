/*
 * GET /api/leads/:leadId/journey — one lead's journey (server/contract/
 * journey.ts): its touchpoints, stage transitions with reasons and teams,
 * and opportunities in time order (marts.lead_journey), and the other leads
 * of its account. An API route, not a Cube view: no aggregate view exposes it.
 *
 * Auth: a valid token (401), a "data" scope when scopes are listed (403),
 * and the route rule (executive, analyst). Personal data (the leads' emails)
 * follows the one rule of security/policy.ts: only a role allowed personal
 * data gets them; for the others they are null. 404 when no lead has
 * the id. The warehouse is read as the plan route reads it
 * (data-request.ts), with the id as a bound parameter.
 */
import type express from 'express';
import type { Config } from '../config.js';
import type { CubeHandle } from '../cube/cube-server.js';
import type { JourneyEvent, JourneyLead, LeadJourney } from '../contract/journey.js';
import { dataClaims, warehouseQuery } from './data-request.js';
import { personalDataRefusal } from '../security/policy.js';
import type { Principal } from '../security/roles.js';
import { logFault } from '../security/request-errors.js';

export interface JourneyDeps {
  config: Config;
  cube: CubeHandle;
}

const MAX_ACCOUNT_LEADS = 50;
const local = (column: string) => `strftime(timezone(settings.time_zone, timezone('UTC', ${column})), '%Y-%m-%dT%H:%M:%S')`;
// The last transition's stage, in the journey's order (time, then transition id). Read from the transitions, not
// the journey view: the view is cheap for one literal lead, not correlated over an account's leads.
const currentStage = (lead: string) =>
  `(select to_stage from staging.stg_stage_transitions as t where t.lead_id = ${lead} order by t.transitioned_at desc, t.transition_id desc limit 1)`;

const LEAD_SQL = `
  select leads.lead_id, leads.email, leads.account_id, leads.account_name, leads.industry,
         ${local('leads.created_at')} as created_at, leads.lead_source, leads.persona, leads.owner_team,
         ${currentStage('leads.lead_id')} as current_stage
  from marts.leads as leads cross join marts.settings as settings
  where leads.lead_id = $1`;

const EVENTS_SQL = `
  select event_number, event_type, strftime(occurred_local, '%Y-%m-%dT%H:%M:%S') as occurred_local, channel, campaign_id,
         campaign_name, touch_type, from_stage, to_stage, reason, team, opportunity_id, amount, status, deal_type
  from marts.lead_journey
  where lead_id = $1
  order by event_number`;

const ACCOUNT_LEADS_SQL = `
  select others.lead_id, others.email, ${local('others.created_at')} as created_at, others.lead_source, others.persona,
         others.owner_team, ${currentStage('others.lead_id')} as current_stage
  from marts.leads as lead
  inner join marts.leads as others on others.account_id = lead.account_id and others.lead_id <> lead.lead_id
  cross join marts.settings as settings
  where lead.lead_id = $1
  order by others.created_at, others.lead_id
  limit ${MAX_ACCOUNT_LEADS}`;

type SqlRow = Record<string, unknown>;
const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
const number = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function toLead(r: SqlRow): JourneyLead {
  return {
    leadId: String(r.lead_id),
    email: text(r.email),
    accountId: text(r.account_id),
    accountName: text(r.account_name),
    industry: text(r.industry),
    createdAt: String(r.created_at),
    leadSource: text(r.lead_source),
    persona: text(r.persona),
    ownerTeam: text(r.owner_team),
    currentStage: text(r.current_stage),
  };
}

function toEvent(r: SqlRow): JourneyEvent {
  return {
    number: Number(r.event_number),
    type: String(r.event_type) as JourneyEvent['type'],
    at: String(r.occurred_local),
    channel: text(r.channel),
    campaignId: text(r.campaign_id),
    campaignName: text(r.campaign_name),
    touchType: text(r.touch_type),
    fromStage: text(r.from_stage),
    toStage: text(r.to_stage),
    reason: text(r.reason),
    team: text(r.team),
    opportunityId: text(r.opportunity_id),
    amount: number(r.amount),
    status: text(r.status),
    dealType: text(r.deal_type),
  };
}

export function journeyHandler(deps: JourneyDeps) {
  return async (req: express.Request, res: express.Response) => {
    res.set('Cache-Control', 'no-store');
    const claims = dataClaims(deps.config, req, res);
    if (!claims) return;
    const principal = res.locals.principal as Principal;
    const personal = principal !== undefined && personalDataRefusal(principal) === null;
    const leadId = String(req.params.leadId ?? '');
    if (leadId.length === 0 || leadId.length > 200) {
      res.status(400).json({ error: 'leadId must be 1 to 200 characters', field: 'leadId' });
      return;
    }
    let query: (sql: string) => Promise<SqlRow[]>;
    try {
      const read = await warehouseQuery(deps.cube, claims, 'journey');
      query = (sql) => read(sql, [leadId]);
    } catch (e) {
      logFault(req.get('x-request-id'), e);
      res.status(503).json({ error: 'The warehouse cannot be read now; try again later' });
      return;
    }
    try {
      const [lead] = await query(LEAD_SQL);
      if (!lead) {
        res.status(404).json({ error: `no lead with id ${leadId}` });
        return;
      }
      const [events, others] = [await query(EVENTS_SQL), await query(ACCOUNT_LEADS_SQL)];
      const redact = <L extends { email: string | null }>(l: L): L => (personal ? l : { ...l, email: null });
      const journey: LeadJourney = {
        lead: redact(toLead(lead)),
        events: events.map(toEvent),
        accountLeads: others.map((r) => {
          const { accountId: _a, accountName: _n, industry: _i, ...rest } = toLead(r);
          return redact(rest);
        }),
      };
      res.json(journey);
    } catch (e) {
      // a warehouse built before marts.lead_journey existed, or one being swapped (the details go to the log)
      logFault(req.get('x-request-id'), e);
      res.status(503).json({ error: 'The warehouse cannot give the journey now; try again later' });
    }
  };
}
