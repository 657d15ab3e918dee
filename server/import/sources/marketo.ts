/*
 * Marketo: the lead database and its revenue cycle model, from the bulk
 * extract exports (API names, ISO times in UTC) or the UI's list exports
 * (labels, the subscription's local time). Files, told apart by header:
 *   leads            id, email, company, createdAt, updatedAt, leadSource
 *                    (UI: Id, Email Address, Company Name, Created At, …)
 *   activities       marketoGUID, leadId, activityDate, activityTypeId,
 *                    campaignId, primaryAttributeValue, attributes (JSON);
 *                    rows whose attributes carry "New Stage" are the
 *                    "Change Revenue Stage" activities (automatic or manual):
 *                    old stage, new stage, date. Other activities are read
 *                    and not imported.
 *   programs         id, name, channel, createdAt (Get Programs)
 *   program members  leadId, programId, membershipDate, statusName
 *                    (bulk program member extract): each membership is a
 *                    touch on the program's channel.
 * Marketo has no accounts: leads meet accounts by email domain (or by the
 * CRM's account when the same person comes from Salesforce or HubSpot).
 */
import { addRecordEvent, eachRow, type Row, type SourceDefaults } from './common.js';
import { classify, type SourceAdapter } from './index.js';
import { MARKETO_JA as JA } from './japanese.js';

export const marketoDefaults: SourceDefaults = {
  stages: {
    Anonymous: null,
    Known: 'lead',
    Inquiry: 'lead',
    Engaged: 'lead',
    Lead: 'lead',
    'Marketing Qualified': 'mql',
    'Marketing Qualified Lead': 'mql',
    'Sales Accepted': 'sal',
    'Sales Accepted Lead': 'sal',
    'Sales Qualified': 'sql',
    'Sales Qualified Lead': 'sql',
    Customer: 'won',
    Won: 'won',
    Nurture: 'recycled',
    'Closed Lost': 'lost',
  },
  channels: {
    Webinar: 'webinar',
    Tradeshow: 'trade_show',
    'Trade Show': 'trade_show',
    'Online Advertising': 'web_ads',
    'Paid Search': 'web_ads',
    'Email Blast': 'email',
    Nurture: 'email',
    Content: 'content',
    'Web Content': 'content',
    'Content Syndication': 'content',
    'Live Event': 'seminar',
    Roadshow: 'seminar',
    Social: 'social',
    'Social Media': 'social',
    Website: 'direct',
    'Web Request': 'direct',
    'Sales Outreach': 'inside_sales',
    Operational: null,
  },
  touch_types: {
    Registered: 'webinar_register',
    Attended: 'webinar_attend',
    'Attended On-demand': 'webinar_attend',
    'Visited Booth': 'event_visit',
    Visited: 'event_visit',
    Clicked: 'email_click',
    Downloaded: 'download',
    'Filled-out Form': 'form_submit',
    Member: null,
    Invited: null,
    Sent: null,
    'No Show': null,
    Engaged: null,
    Influenced: null,
  },
};

function attributes(r: Row): Record<string, unknown> | undefined {
  const raw = r.get('attributes', 'Attributes');
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (Array.isArray(parsed)) return Object.fromEntries(parsed.map((a: { name: string; value: unknown }) => [a.name, a.value]));
    return parsed as Record<string, unknown>;
  } catch {
    r.reject('attributes', raw.slice(0, 200), 'attributes is not JSON');
    return undefined;
  }
}

export const marketo: SourceAdapter = {
  name: 'marketo',
  defaults: marketoDefaults,
  async read(files, ctx) {
    const kinds = await classify(
      files,
      [
        {
          kind: 'activities',
          requires: [
            'marketoGUID|Marketo GUID',
            'leadId|Lead ID',
            'activityDate|Activity Date',
            'activityTypeId|Activity Type ID',
          ],
        },
        { kind: 'program members', requires: ['leadId|Lead ID', 'programId|Program ID', 'membershipDate|Membership Date'] },
        { kind: 'programs', requires: ['id|Program ID|Id', 'name|Program Name|Name', 'channel|Channel'] },
        // createdAt is where every lead enters the funnel: a leads export without it is refused by its header
        // (naming what is missing) rather than read into one quarantined row per lead.
        { kind: 'leads', requires: ['id|Id', `email|Email Address|${JA.email}`, 'createdAt|Created At'] },
      ],
      ctx,
    );
    const each = async (kind: string, fn: (r: Row) => void) => {
      for (const file of kinds.get(kind) ?? []) await eachRow(ctx, file, kind, fn);
    };

    await each('leads', (r) => {
      const key = r.key(['id', 'Id'], { required: true });
      const email = r.email('email', 'Email Address', JA.email);
      const createdAt = r.time(['createdAt', 'Created At'], { required: true });
      if (r.rejected || !key) return;
      r.add('people', {
        person_key: key,
        email,
        company_name: r.get('company', 'Company Name', JA.company) || null,
        created_at: createdAt,
        updated_at: r.time(['updatedAt', 'Updated At']),
        lead_source: r.mapped('channels', ['leadSource', 'Lead Source', JA.leadSource]),
        owner_team: null,
      });
      // The lead's stage at creation: lead, unless its first Change Revenue Stage activity says from which stage (merge.ts).
      addRecordEvent(ctx, r, key, { name: 'initial', stage: 'lead', at: createdAt, reason: 'created', initial: true });
    });

    await each('activities', (r) => {
      const attrs = attributes(r);
      if (r.rejected || !attrs || !('New Stage' in attrs)) return; // not a Change Revenue Stage activity
      const lead = r.key(['leadId', 'Lead ID'], { required: true });
      const to = r.mapped('stages', 'attributes', { required: true, raw: String(attrs['New Stage'] ?? '') });
      const old = String(attrs['Old Stage'] ?? '');
      const from = old ? r.mapped('stages', 'attributes', { required: true, raw: old }) : undefined;
      const at = r.time(['activityDate', 'Activity Date'], { required: true });
      if (r.rejected || !lead || !to) return;
      r.add('events', {
        event_key: `${ctx.source}:${r.get('marketoGUID', 'Marketo GUID')}`,
        person_key: lead,
        from_stage: from ?? null,
        to_stage: to,
        entered_at: at,
        reason: String(attrs.Reason ?? '').slice(0, 200) || 'change_revenue_stage',
      });
    });

    const programChannel = new Map<string, string | null | undefined>();
    await each('programs', (r) => {
      const key = r.key(['id', 'Program ID', 'Id'], { required: true });
      const createdAt = r.time(['createdAt', 'Created At']);
      if (r.rejected || !key) return;
      const channel = r.mapped('channels', ['channel', 'Channel']);
      programChannel.set(key, channel);
      r.add('campaigns', {
        campaign_key: key,
        campaign_name: r.get('name', 'Program Name', 'Name'),
        channel,
        started_at: createdAt,
      });
    });

    await each('program members', (r) => {
      const lead = r.key(['leadId', 'Lead ID'], { required: true });
      const program = r.key(['programId', 'Program ID'], { required: true });
      const at = r.time(['membershipDate', 'Membership Date'], { required: true });
      const touchType = r.mapped('touch_types', ['statusName', 'Status', 'progressionStatus']);
      if (r.rejected || !lead || !program) return;
      r.add('touches', {
        touch_key: `${program}:${lead}`,
        person_key: lead,
        occurred_at: at,
        channel: programChannel.get(program) ?? null,
        campaign_key: program,
        touch_type: touchType,
      });
    });
  },
};
