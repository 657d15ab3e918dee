/*
 * HubSpot: the CRM's export files (Contacts / Companies / Deals index page →
 * Export, "All properties" or a view's columns), told apart by header:
 *   contacts   Record ID, Email, Lifecycle Stage, Create Date, Original Source,
 *              "Became a … Date" and the newer "Date entered '… (Lifecycle
 *              Stage)'" properties, Associated Company IDs, Contact owner
 *   companies  Record ID, Company name, Company Domain Name, Industry,
 *              Number of Employees, Create Date, Company owner, and
 *              Salesforce Account ID where the Salesforce integration runs
 *   deals      Record ID, Deal Name, Deal Stage, Pipeline, Amount, Create
 *              Date, Close Date, Deal Type, Closed Lost Reason,
 *              Associated Company IDs, Associated Contact IDs, Deal owner
 * Exports write property labels ("Marketing Qualified Lead", "Closed Won",
 * "Paid Search", "New Business"); internal values (marketingqualifiedlead,
 * closedwon, PAID_SEARCH, newbusiness) map the same. Times are the portal's
 * zone, `2024-04-03 09:15` (set time_zone in a mapping when it is not
 * Asia/Tokyo).
 *
 * A contact's stage history is its lifecycle-stage dates (a contact with
 * none enters `lead` at its Create Date); the Original
 * Source at Create Date is its first touch and the Latest Source at its
 * timestamp a later one (HubSpot exports no per-visit history). A deal's
 * first associated contact is its primary contact.
 */
import { normaliseDomain } from '../text.js';
import {
  addRecordEvent,
  CANONICAL_STAGES,
  checkDealDates,
  createdAsLead,
  corporateNumberOf,
  eachRow,
  employeeBand,
  inFunnelOrder,
  type ImportContext,
  type Row,
  type SourceDefaults,
} from './common.js';
import { addHubSpotDealContacts } from './contact-roles.js';
import { classify, type SourceAdapter } from './index.js';
import { HUBSPOT_JA as JA, HUBSPOT_JA_STAGE_DATE, HUBSPOT_JA_VALUES } from './japanese.js';

export const hubspotDefaults: SourceDefaults = {
  stages: {
    subscriber: 'lead',
    lead: 'lead',
    marketingqualifiedlead: 'mql',
    salesqualifiedlead: 'sql',
    opportunity: 'opportunity',
    customer: 'won',
    evangelist: null,
    other: null,
    'Other Lifecycle': null,
  },
  channels: {
    ORGANIC_SEARCH: 'seo',
    PAID_SEARCH: 'web_ads',
    EMAIL_MARKETING: 'email',
    SOCIAL_MEDIA: 'social',
    'Organic Social': 'social',
    PAID_SOCIAL: 'web_ads',
    REFERRALS: 'referral',
    DIRECT_TRAFFIC: 'direct',
    OTHER_CAMPAIGNS: 'content',
    OFFLINE: 'inside_sales',
    'Offline Sources': 'inside_sales',
    AI_REFERRALS: 'referral',
  },
  deal_status: {
    closedwon: 'won',
    closedlost: 'lost',
    appointmentscheduled: 'open',
    qualifiedtobuy: 'open',
    presentationscheduled: 'open',
    decisionmakerboughtin: 'open',
    'Decision Maker Bought-In': 'open',
    contractsent: 'open',
  },
  deal_types: { newbusiness: 'new', existingbusiness: 'upsell' },
};
// The values HubSpot's Japanese UI writes (japanese.ts).
for (const kind of ['stages', 'channels', 'deal_status'] as const) Object.assign(hubspotDefaults[kind]!, HUBSPOT_JA_VALUES[kind]);

/** Property labels, English then Japanese (japanese.ts). */
const C = {
  id: ['Record ID', JA.recordId],
  email: ['Email', JA.email],
  created: ['Create Date', JA.createDate],
  lifecycle: ['Lifecycle Stage', JA.lifecycleStage],
  originalSource: ['Original Source', JA.originalSource],
  domain: ['Company Domain Name', 'Website URL', JA.companyDomain],
  dealName: ['Deal Name', JA.dealName],
  dealStage: ['Deal Stage', JA.dealStage],
  amount: ['Amount', JA.amount],
  closeDate: ['Close Date', JA.closeDate],
};

const STAGE_DATE = [/^Became an? (.+?) Date$/i, /^Date entered ["'“‘](.+?) \(Lifecycle Stage\)["'”’]$/i, HUBSPOT_JA_STAGE_DATE];
const COMPANY_ID = [
  'Primary Associated Company ID',
  'Associated Company IDs (Primary)',
  'Associated Company IDs',
  'Associated Company ID',
];
const firstId = (v: string) => v.split(/[;,]/)[0]!.trim();
/** The record's associated company as an account key (the first when several are listed), or null. */
const companyKey = (ctx: ImportContext, r: Row): string | null => {
  const id = r.get(...COMPANY_ID);
  return id ? `${ctx.source}:${firstId(id)}` : null;
};

export const hubspot: SourceAdapter = {
  name: 'hubspot',
  defaults: hubspotDefaults,
  async read(files, ctx) {
    const kinds = await classify(
      files,
      [
        { kind: 'deals', requires: [C.id.join('|'), C.dealName.join('|'), C.dealStage.join('|')] },
        { kind: 'companies', requires: [C.id.join('|'), 'Company name|Company Name', C.domain.join('|')] },
        { kind: 'contacts', requires: [C.id.join('|'), C.email.join('|')] },
      ],
      ctx,
    );
    const stages = CANONICAL_STAGES;

    for (const file of kinds.get('companies') ?? []) {
      await eachRow(ctx, file, 'companies', (r) => {
        const key = r.key(C.id, { required: true });
        const createdAt = r.time(C.created);
        if (r.rejected) return;
        r.add('accounts', {
          account_key: key,
          account_name: r.get('Company name', 'Company Name'),
          domain: normaliseDomain(r.get(...C.domain)),
          industry: r.get('Industry').toLowerCase() || null,
          employee_band: employeeBand(r.get('Number of Employees')),
          region: r.get('State/Region') || null,
          created_at: createdAt,
          updated_at: r.time('Last Modified Date'),
          owner_team: r.ownerTeam('Company owner') || null,
          // Set by HubSpot's Salesforce integration: the same company in Salesforce.
          same_as: r.get('Salesforce Account ID') ? `salesforce:${r.get('Salesforce Account ID')}` : null,
          corporate_number: corporateNumberOf(r),
        });
      });
    }

    for (const file of kinds.get('contacts') ?? []) {
      await eachRow(ctx, file, 'contacts', (r) => {
        const key = r.key(C.id, { required: true });
        const email = r.email(...C.email);
        const createdAt = r.time(C.created, { required: true });
        if (r.rejected || !key) return;
        r.add('people', {
          person_key: key,
          email,
          account_key: companyKey(ctx, r),
          company_name: r.get('Company Name') || null,
          created_at: createdAt,
          updated_at: r.time('Last Modified Date'),
          lead_source: r.mapped('channels', C.originalSource),
          owner_team: r.ownerTeam('Contact owner') || null,
        });

        // Lifecycle-stage dates: the newer "Date entered" and the older "Became a" both; the earliest per stage.
        const byStage = new Map<string, { stage: string; at: string; column: string }>();
        for (const column of Object.keys(r.values)) {
          const m = STAGE_DATE.map((re) => re.exec(column)).find(Boolean);
          if (!m || r.values[column] === '') continue;
          const mapped = ctx.maps.stages.get(m[1]!);
          if (mapped === undefined) {
            ctx.batch.noteUnmapped('stages', m[1]!, ctx.maps.stages.suggest(m[1]!));
            r.note(
              column,
              r.values[column]!,
              `unknown stage "${m[1]}" (stage date not imported)`,
              ctx.maps.stages.suggest(m[1]!),
            );
            continue;
          }
          if (mapped === null) continue;
          const at = r.softTime(column);
          if (!at) continue;
          const seen = byStage.get(mapped);
          if (!seen || Date.parse(at) < Date.parse(seen.at)) byStage.set(mapped, { stage: mapped, at, column });
        }
        const dated = inFunnelOrder(r, stages, [...byStage.values()]);
        // No stage history at all: the contact enters the funnel as a lead when it was created (docs/import.md).
        if (!dated.length) createdAsLead(ctx, r, key, createdAt);
        for (const d of dated) {
          addRecordEvent(ctx, r, key, { name: d.stage, stage: d.stage, at: d.at, reason: 'lifecycle_stage' });
        }

        const original = r.softMapped('channels', r.col(...C.originalSource) ?? 'Original Source', 'first touch');
        if (original) {
          r.add('touches', {
            touch_key: `${key}:original_source`,
            person_key: key,
            occurred_at: createdAt,
            channel: original,
          });
        }
        const latestAt = r.softTime('Latest Source Timestamp');
        const latest = latestAt && latestAt !== createdAt ? r.softMapped('channels', 'Latest Source', 'latest touch') : undefined;
        if (latest && latestAt) {
          r.add('touches', {
            touch_key: `${key}:latest_source:${latestAt}`,
            person_key: key,
            occurred_at: latestAt,
            channel: latest,
          });
        }
      });
    }

    for (const file of kinds.get('deals') ?? []) {
      await eachRow(ctx, file, 'deals', (r) => {
        const key = r.key(C.id, { required: true });
        const status = r.mapped('deal_status', C.dealStage, { required: true });
        const createdAt = r.time(C.created, { required: true });
        // Close Date is the expected close on open deals; it counts only once a deal is won or lost.
        const closedAt = status === 'won' || status === 'lost' ? r.time(C.closeDate) : undefined;
        const amount = r.amount(...C.amount);
        const currency = r.currency('Currency', 'Deal Currency Code', 'deal_currency_code');
        const dealType = r.mapped('deal_types', 'Deal Type');
        checkDealDates(r, r.col(...C.closeDate) ?? 'Close Date', status, createdAt, closedAt);
        if (r.rejected || !key) return;
        r.add('deals', {
          deal_key: key,
          account_key: companyKey(ctx, r),
          created_at: createdAt,
          closed_at: closedAt,
          status,
          amount,
          deal_type: dealType,
          lost_reason: r.get('Closed Lost Reason') || null,
          owner_team: r.ownerTeam('Deal owner') || null,
          updated_at: r.time('Last Modified Date'),
          currency,
        });
        const contact = firstId(r.get('Associated Contact IDs', 'Associated Contact ID'));
        if (contact) r.add('deal_contacts', { deal_key: key, person_key: `${ctx.source}:${contact}` });
        addHubSpotDealContacts(ctx, r, key);
      });
    }
  },
};
